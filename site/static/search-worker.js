// The full index's search (site/static/search.js), in a worker of its own: Pagefind runs here
// on the worker's thread, keeps the last search's results, and the page gets only what it
// shows: the count, then PAGE results at a time. A common word's tens of thousands of results
// never cross to the page, where each would be an object to make and, in Pagefind's own
// worker, a message to free it.
import { searchAll } from "./search-results.js";

// Matches in these parts count as title matches (publication/search.py: TITLE_WEIGHT).
const TITLE_WEIGHT = 10;

let pagefind = null;
let results = [];
let searched = 0; // which search `results` are of

const methods = {
  async init(index, lang, baseUrl, pieces) {
    // Pagefind reads the language from the document's <html lang>, which a worker has not.
    globalThis.document = { querySelector: () => ({ getAttribute: () => lang }) };
    pagefind = await import(new URL("pagefind.js", index).href);
    await pagefind.options({ baseUrl });
    await pagefind.init();
    const path = (piece) => new URL(piece, index).pathname;
    await Promise.all(pieces.map((piece) => pagefind.mergeIndex(path(piece), { baseUrl })));
    return await pagefind.filters();
  },
  preload(query) {
    pagefind.preload(query);
  },
  async search(id, queries, filters) {
    const found = await searchAll(pagefind, queries, filters);
    if (id > searched) {
      searched = id;
      results = found;
    }
    return found.length;
  },
  // Results `start` to `start + n` of search `id`, title matches first, each group in
  // Pagefind's order (by score).
  async page(id, start, n) {
    if (id !== searched) { throw new Error(`search ${id} is no longer kept`); }
    const data = await Promise.all(results.slice(start, start + n).map((r) => r.data()));
    const inTitle = (d) => d.weighted_locations.some((w) => w.weight >= TITLE_WEIGHT);
    const shown = (d) => ({ url: d.url, meta: d.meta });
    return [...data.filter(inTitle).map(shown), ...data.filter((d) => !inTitle(d)).map(shown)];
  },
};

self.addEventListener("message", async (event) => {
  const { id, method, args } = event.data;
  try {
    self.postMessage({ id, result: await methods[method](...args) });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
});
