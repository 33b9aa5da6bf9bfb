// Client-side search and facets of the service list. No external resources.
// Folding matches the server-side fold in envanter/turkish.py (search_fold): Turkish dotted and dotless I
// first, then diacritics removed, so "süt", "Süt" and "sut" all find "Halk Süt Desteği".
(function () {
  "use strict";
  var TURKISH = { "ı": "i", "ş": "s", "ğ": "g", "ü": "u", "ö": "o", "ç": "c" };
  function fold(text) {
    var lowered = text.replace(/I/g, "ı").replace(/İ/g, "i").toLocaleLowerCase("tr");
    var mapped = lowered.replace(/[ışğüöç]/g, function (c) { return TURKISH[c]; });
    return mapped.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }
  var input = document.getElementById("q");
  // Searching filters this page; submitting the form (Enter) must not reload it. (Here, not in
  // an inline onsubmit attribute: a strict Content-Security-Policy forbids those.)
  if (input.form) {
    input.form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  var items = Array.prototype.slice.call(document.querySelectorAll("#services > li"));
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-facet]"));
  var shown = document.getElementById("shown");
  function matches(item) {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var text = item.getAttribute("data-search");
    for (var i = 0; i < words.length; i++) {
      if (text.indexOf(words[i]) === -1) { return false; }
    }
    for (var j = 0; j < selects.length; j++) {
      var value = selects[j].value;
      if (!value) { continue; }
      var have = (item.getAttribute("data-" + selects[j].getAttribute("data-facet")) || "").split(" ");
      if (have.indexOf(value) === -1) { return false; }
    }
    return true;
  }
  function update() {
    var count = 0;
    items.forEach(function (item) {
      var ok = matches(item);
      item.hidden = !ok;
      if (ok) { count++; }
    });
    shown.textContent = String(count);
  }
  input.addEventListener("input", update);
  selects.forEach(function (s) { s.addEventListener("change", update); });
  document.getElementById("clear").addEventListener("click", function () {
    input.value = "";
    selects.forEach(function (s) { s.value = ""; });
    update();
  });
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); }
  update();
})();
