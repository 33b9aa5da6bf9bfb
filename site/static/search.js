// The search of the list of services, with Pagefind's index (pagefind/, built with the site:
// publication/search.py). The index loads in parts, as a query needs them. Query and filters
// are kept in the address (?q=…&group=…), so a reload or a shared link shows the same search.
// Without JavaScript the form stays hidden and the page is the plain, paged list.
// Results come in pieces: Pagefind's result list gives the count and the order without
// loading any result; only the results shown are loaded (PAGE at a time, "more" for the next).
const form = document.getElementById("search");
const input = document.getElementById("q");
const selects = Array.from(form.querySelectorAll("select[data-facet]"));
const strings = document.getElementById("search-strings").dataset;
const results = document.getElementById("results");
const list = document.getElementById("result-list");
const count = document.getElementById("count");
const more = document.getElementById("more");
const listing = document.getElementById("listing");
// Matches in these parts count as title matches (publication/search.py: TITLE_WEIGHT).
const TITLE_WEIGHT = 10;
const PAGE = 20;

// As envanter/turkish.py's search_fold: Turkish dotted and dotless I first, then diacritics
// removed ("Yaşlı" → "yasli"). The search records carry a copy of their text folded so.
const TURKISH = { "ı": "i", "ş": "s", "ğ": "g", "ü": "u", "ö": "o", "ç": "c" };
function fold(text) {
  const lowered = text.replace(/I/g, "ı").replace(/İ/g, "i").toLocaleLowerCase("tr");
  const mapped = lowered.replace(/[ışğüöç]/g, (c) => TURKISH[c]);
  return mapped.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}
// A suffix after an apostrophe is the case ending of a proper name ("Ankarakart'a"): the
// name is what is searched for.
function clean(text) {
  return text.replace(/['’]\p{L}*/gu, "").replace(/\s+/g, " ").trim();
}

let pagefind = null;
let ranked = [];
let shown = 0;
let current = 0;

function chosenFilters() {
  const filters = {};
  for (const s of selects) {
    if (s.value) { filters[s.dataset.facet] = [s.value]; }
  }
  return filters;
}

function keepInAddress() {
  const params = new URLSearchParams();
  if (input.value.trim()) { params.set("q", input.value.trim()); }
  for (const s of selects) {
    if (s.value) { params.set(s.dataset.facet, s.value); }
  }
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
}

// Title matches first, each group in Pagefind's order (by score).
async function rank(found) {
  const data = await Promise.all(found.map((r) => r.data()));
  const inTitle = (d) => d.weighted_locations.some((w) => w.weight >= TITLE_WEIGHT);
  const order = found.map((r, i) => [r, data[i]]);
  return [...order.filter(([, d]) => inTitle(d)), ...order.filter(([, d]) => !inTitle(d))];
}

function item(d) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = d.url;
  a.textContent = d.meta.title;
  if (d.meta.title_lang) { a.lang = d.meta.title_lang; }
  li.append(a);
  if (d.meta.unit) {
    const unit = document.createElement("span");
    unit.className = "meta";
    unit.textContent = d.meta.unit;
    li.append(" ", unit);
  }
  return li;
}

async function showMore() {
  const next = ranked.slice(shown, shown + PAGE);
  shown += next.length;
  const batch = await rank(next);
  list.append(...batch.map(([, d]) => item(d)));
  more.hidden = shown >= ranked.length;
}

// The query as Pagefind is to search it (Pagefind stems it, Turkish or English by the page's
// language, and ignores diacritics: "süt" finds "Süt" and "sut"); and folded too when it has
// a dotless ı, which Pagefind keeps but the records' folded copy has not ("yaşlı" → "yasli").
function queriesOf(typed) {
  if (!typed) { return [null]; }
  const folded = fold(typed);
  return typed.toLocaleLowerCase("tr").includes("ı") ? [typed, folded] : [typed];
}

// Each search, when done, is counted in the form's data-searches (what tests wait for).
async function run() {
  const mine = ++current;
  await search(mine);
  if (mine === current) { form.dataset.searches = String(mine); }
}

async function search(mine) {
  keepInAddress();
  const typed = clean(input.value);
  const filters = chosenFilters();
  if (!typed && Object.keys(filters).length === 0) {
    results.hidden = true;
    listing.hidden = false;
    return;
  }
  const found = await Promise.all(queriesOf(typed).map((q) => pagefind.search(q, { filters })));
  if (mine !== current) { return; }
  const best = new Map();
  for (const search of found) {
    for (const r of search.results) {
      const seen = best.get(r.id);
      if (!seen || r.score > seen.score) { best.set(r.id, r); }
    }
  }
  ranked = Array.from(best.values()).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  shown = 0;
  list.replaceChildren();
  // The first page is ranked title first as a whole, so it is loaded before it is shown.
  const first = await rank(ranked.slice(0, PAGE));
  if (mine !== current) { return; }
  shown = first.length;
  list.append(...first.map(([, d]) => item(d)));
  more.hidden = shown >= ranked.length;
  count.textContent = ranked.length ? `${ranked.length} ${strings.found}` : strings.none;
  results.hidden = false;
  listing.hidden = true;
}

async function fillFilters() {
  const available = await pagefind.filters();
  const params = new URLSearchParams(window.location.search);
  for (const s of selects) {
    const values = Object.keys(available[s.dataset.facet] || {});
    values.sort((a, b) => a.localeCompare(b, document.documentElement.lang));
    const wanted = params.get(s.dataset.facet);
    if (wanted && !values.includes(wanted)) { values.push(wanted); }
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      s.append(option);
    }
    s.value = wanted || "";
  }
}

async function start() {
  try {
    const index = new URL(form.dataset.index, window.location.href);
    pagefind = await import(new URL("pagefind.js", index).href);
    // Result addresses from the site's root, wherever it is served (a sub-path too).
    const baseUrl = new URL(form.dataset.root, window.location.href).pathname;
    await pagefind.options({ baseUrl });
    await pagefind.init();
    // A large inventory's index is in pieces (publication/search.py), searched as one.
    const listed = await fetch(new URL("pieces.json", index));
    if (!listed.ok) { throw new Error(`pieces.json: ${listed.status}`); }
    const { pieces } = await listed.json();
    await Promise.all(
      pieces.map((piece) => pagefind.mergeIndex(new URL(piece, index).pathname, { baseUrl })),
    );
    await fillFilters();
  } catch (error) {
    console.warn("search:", error);
    const note = document.createElement("p");
    note.className = "hint";
    note.textContent = strings.unavailable;
    form.replaceWith(note);
    return;
  }
  input.value = new URLSearchParams(window.location.search).get("q") || "";
  form.hidden = false;
  let timer = 0;
  input.addEventListener("input", () => {
    // What the query needs of the index starts loading at once; the search waits for a pause.
    const typed = clean(input.value);
    if (typed) {
      for (const q of queriesOf(typed)) { pagefind.preload(q); }
    }
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  for (const s of selects) { s.addEventListener("change", run); }
  document.getElementById("clear").addEventListener("click", () => {
    input.value = "";
    for (const s of selects) { s.value = ""; }
    run();
  });
  more.addEventListener("click", showMore);
  form.dataset.ready = "true";
  await run();
}

start();
