// The search of the list of services, with Pagefind's index (pagefind/, built with the site:
// publication/search.py). The index loads in parts, as a query needs them. Query and filters
// are kept in the address (?q=…&group=…), so a reload or a shared link shows the same search.
// Without JavaScript the form stays hidden and the page is the plain, paged list.
// Results come in pieces: Pagefind's result list gives the count and the order without
// loading any result; only the results shown are loaded (PAGE at a time, "more" for the next).
// The first ones come from an index of the titles alone (see `search`).
import { searchAll } from "./search-results.js";

const form = document.getElementById("search");
const input = document.getElementById("q");
const selects = Array.from(form.querySelectorAll("select[data-facet]"));
const strings = document.getElementById("search-strings").dataset;
const results = document.getElementById("results");
const list = document.getElementById("result-list");
const count = document.getElementById("count");
const more = document.getElementById("more");
const listing = document.getElementById("listing");
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

let titles = null; // the titles' index, searched on this page
let total = 0; // how many services the full index found
let shownUrls = new Set();
let next = 0; // where "more" goes on in the full index's results
let everything = null; // the current search's count, while the full index counts
let current = 0;

// The full index, searched in a worker of its own (static/search-worker.js).
const worker = new Worker(new URL("search-worker.js", import.meta.url), { type: "module" });
const waiting = new Map();
let calls = 0;
worker.addEventListener("message", (event) => {
  const { id, result, error } = event.data;
  const call = waiting.get(id);
  waiting.delete(id);
  if (error === undefined) { call.resolve(result); } else { call.reject(new Error(error)); }
});
function full(method, ...args) {
  return new Promise((resolve, reject) => {
    const id = ++calls;
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, method, args });
  });
}

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

// The next `n` results of search `mine` in the full index not shown yet (a service the
// titles' index showed first is passed over), each page title matches first.
async function take(mine, n) {
  const out = [];
  while (out.length < n && next < total) {
    const batch = await full("page", mine, next, n - out.length);
    next += batch.length;
    for (const d of batch) {
      if (!shownUrls.has(d.url)) { out.push(d); }
    }
  }
  return out;
}

// Whether `text` has a word that shares its beginning with the typed word, but for a suffix
// of up to four letters (Pagefind matches the word's stem: "Eğitmen" for "egitim"), Turkish
// letters folded.
function hasWord(text, typed) {
  if (!typed) { return true; }
  const word = fold(typed);
  const needed = Math.min(word.length, Math.max(3, word.length - 4));
  return fold(text).split(/[^\p{L}\p{N}]+/u).some((w) => {
    let same = 0;
    while (same < w.length && same < word.length && w[same] === word[same]) { same += 1; }
    return same >= needed;
  });
}

function show(found) {
  for (const d of found) { shownUrls.add(d.url); }
  list.append(...found.map(item));
}

function counted() {
  count.textContent = total ? `${total} ${strings.found}` : strings.none;
  more.hidden = shownUrls.size >= total;
}

async function showMore() {
  const mine = current;
  if (everything) { await everything; }
  if (mine !== current) { return; }
  show(await take(mine, PAGE));
  more.hidden = shownUrls.size >= total;
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

// The query as Pagefind is to search it (Pagefind stems it, Turkish or English by the page's
// language, and ignores diacritics: "süt" finds "Süt" and "sut"); and folded too when it has
// a dotless ı, which Pagefind keeps but the records' folded copy has not ("yaşlı" → "yasli").
function queriesOf(typed) {
  if (!typed) { return [null]; }
  const folded = fold(typed);
  return typed.toLocaleLowerCase("tr").includes("ı") ? [typed, folded] : [typed];
}

// Each search is counted in the form's data-shown once its first results are shown, and in
// data-searches once every match is counted (what tests and the benchmark wait for).
async function run() {
  const mine = ++current;
  const shown = () => {
    if (mine === current) { form.dataset.shown = String(mine); }
  };
  await search(mine, shown);
  shown();
  if (mine === current) { form.dataset.searches = String(mine); }
}

// The first results of a word come from the titles' index: title matches first, as ranking
// wants them, and a common word matches far fewer titles than texts. Meanwhile the full
// index, in a worker of its own (static/search-worker.js), finds every match: it gives the
// count, and the results after the title matches.
async function search(mine, shown) {
  keepInAddress();
  const typed = clean(input.value);
  const filters = chosenFilters();
  if (!typed && Object.keys(filters).length === 0) {
    everything = null;
    results.hidden = true;
    listing.hidden = false;
    return;
  }
  const queries = queriesOf(typed);
  // (Pagefind leaves out a word an index has nowhere, so for two words the titles' index
  // would show titles with only one of them: those go to the full index alone, as do
  // searches with facets, which the titles' index does not have.)
  const oneWord = /^[\p{L}\p{N}]+$/u.test(typed) && Object.keys(filters).length === 0;
  const inTitles = oneWord
    ? await searchAll(titles, queries, filters)
    : [];
  if (mine !== current) { return; }
  let first = await Promise.all(inTitles.slice(0, PAGE).map((r) => r.data()));
  if (mine !== current) { return; }
  if (!first.every((d) => hasWord(d.content, typed))) {
    // (the titles' index matched a short word the query begins with, as Pagefind does when
    // an index has no word that begins with the query's stem: the full index decides alone)
    inTitles.length = 0;
    first = [];
  }
  // The full index starts once the first page's files are in: its many pieces' files
  // would otherwise hold up the few the first page needs.
  const counting = full("search", mine, queries, filters);
  everything = counting;
  list.replaceChildren();
  shownUrls = new Set();
  total = 0;
  next = 0;
  show(first);
  if (first.length < PAGE) {
    // (fewer title matches than a page: the page is filled from every match)
    total = await counting;
    if (mine !== current) { return; }
    show(await take(mine, PAGE - first.length));
    if (mine !== current) { return; }
    counted();
  } else {
    count.textContent = `${inTitles.length} ${strings.counting}`;
    more.hidden = false;
  }
  results.hidden = false;
  listing.hidden = true;
  shown();
  total = await counting;
  if (mine !== current) { return; }
  counted();
}

function fillFilters(available) {
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
    const pagefind = await import(new URL("pagefind.js", index).href);
    // Result addresses from the site's root, wherever it is served (a sub-path too).
    // ("" on a page at the root: the folder, not the page itself)
    const baseUrl = new URL(form.dataset.root || "./", window.location.href).pathname;
    // A large inventory's index is in pieces (publication/search.py), searched as one; so is
    // the titles' index, searched on this page while the worker may still be counting the
    // previous search.
    const listed = await fetch(new URL("pieces.json", index));
    if (!listed.ok) { throw new Error(`pieces.json: ${listed.status}`); }
    const parts = await listed.json();
    const path = (piece) => new URL(piece, index).pathname;
    titles = pagefind.createInstance({ basePath: path(parts.titles[0]), baseUrl, noWorker: true });
    await titles.init();
    const [available] = await Promise.all([
      full("init", index.href, document.documentElement.lang, baseUrl, parts.pieces),
      ...parts.titles.slice(1).map((piece) => titles.mergeIndex(path(piece), { baseUrl })),
    ]);
    fillFilters(available);
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
      for (const q of queriesOf(typed)) {
        titles.preload(q);
        full("preload", q);
      }
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
