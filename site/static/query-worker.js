// The query page's SPARQL engine when the site has no server (see query.js): Oxigraph compiled
// to WebAssembly, served from the site itself, holding the dataset's N-Triples in memory. It runs
// in a worker, so loading the dataset or a long query never freezes the page.
//
// A message {id, query, dataset} is answered {id, type, body}: SPARQL JSON results for SELECT
// and ASK, N-Triples for CONSTRUCT and DESCRIBE (what the server's endpoint answers too), or
// {id, error}. {id, progress} messages say what it is doing meanwhile.

import init, { Store } from "./vendor/oxigraph/web.js";

let loaded = null; // the store, once: every query runs on the same one

async function load(dataset) {
  await init();
  const response = await fetch(dataset);
  if (!response.ok) throw new Error(`${dataset}: ${response.status} ${response.statusText}`);
  const store = new Store();
  store.load(await response.text(), { format: "application/n-triples" });
  return store;
}

function answer(store, query) {
  // The answer's kind is known only once the query is parsed: a graph is refused as SPARQL JSON
  // ("Not supported RDF format …"), and is then asked for as N-Triples.
  try {
    const json = "application/sparql-results+json";
    return { type: json, body: store.query(query, { results_format: json }) };
  } catch (error) {
    if (!/RDF format/.test(String(error && error.message))) throw error;
  }
  const nt = "application/n-triples";
  return { type: nt, body: store.query(query, { results_format: nt }) };
}

self.onmessage = async (event) => {
  const { id, query, dataset } = event.data;
  try {
    if (loaded === null) {
      self.postMessage({ id, progress: "loading" });
      loaded = load(dataset);
    }
    let store;
    try {
      store = await loaded;
    } catch (error) {
      loaded = null; // try again at the next query
      throw error;
    }
    self.postMessage({ id, progress: "running" });
    self.postMessage({ id, ...answer(store, query) });
  } catch (error) {
    self.postMessage({ id, error: String((error && error.message) || error) });
  }
};
