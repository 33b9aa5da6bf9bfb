// What the list's search (static/search.js) and its worker (static/search-worker.js) share.

// The results of every form of the query as one list, best first: a service found by two
// forms counts once, with its better score.
export async function searchAll(pagefind, queries, filters) {
  const searches = await Promise.all(queries.map((q) => pagefind.search(q, { filters })));
  const best = new Map();
  for (const search of searches) {
    for (const r of search.results) {
      const seen = best.get(r.id);
      if (!seen || r.score > seen.score) { best.set(r.id, r); }
    }
  }
  return Array.from(best.values()).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
