// The query page (sorgular.html): runs the SPARQL in the editor and shows the answer as a table.
//
// Where a query runs is found once, when the page opens: an `ASK {}` is sent to the site's own
// endpoint ({root}sparql, relative, so a site under a sub-path asks its own). Only an answer in
// SPARQL JSON counts as a server; a 404, a static host's HTML page, an error or no answer within
// a few seconds means a static site, and the query runs in this browser instead, with Oxigraph
// compiled to WebAssembly (static/vendor/oxigraph/) over the dataset's N-Triples, in a worker
// (static/query-worker.js) so that a long query never freezes the page.
//
// Results are untrusted text: every value is shown with textContent, never as HTML, and the CSV
// download makes formula-like cells inert the way the published CSV tables are (rdf/csvw.py).

const SHOWN = 1000; // rows shown in the table; the download has them all
const PROBE_MS = 4000;
// A text a spreadsheet would run as a formula (rdf/csvw.py: FORMULA, the same expression).
const FORMULA = /^[=@\t\r]|^[+-](?![0-9]+(?:[.,][0-9]+)?$)(?!$)/;

const runner = document.getElementById("sorgu");
const say = runner.dataset;
const endpoint = new URL(say.endpoint, document.baseURI).href;
const dataset = new URL(say.dataset, document.baseURI).href;
const form = document.getElementById("query-form");
const editor = document.getElementById("query-text");
const runButton = document.getElementById("query-run");
const downloadButton = document.getElementById("query-download");
const status = document.getElementById("query-status");
const results = document.getElementById("query-results");
const modeNote = document.getElementById("query-mode");

let download = null; // {name, type, text} of the last answer
let worker = null;
let asked = 0;
const waiting = new Map(); // request id → {resolve, reject}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

function count(n) {
  return n.toLocaleString(say.lang);
}

// --- where queries run ---

async function findEndpoint() {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), PROBE_MS);
  try {
    const response = await fetch(`${endpoint}?query=${encodeURIComponent("ASK {}")}`, {
      headers: { Accept: "application/sparql-results+json" },
      cache: "no-store",
      signal: stop.signal,
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.startsWith("application/sparql-results+json")) return false;
    const answer = await response.json();
    return typeof answer.boolean === "boolean";
  } catch {
    return false; // no server, or none that answers in time
  } finally {
    clearTimeout(timer);
  }
}

modeNote.textContent = say.checking;
const mode = findEndpoint().then((server) => {
  modeNote.textContent = server ? say.modeServer : say.modeBrowser;
  runner.dataset.mode = server ? "server" : "browser";
  return server;
});

async function onServer(text) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/sparql-results+json, application/n-triples;q=0.9",
    },
    body: new URLSearchParams({ query: text }),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(body.trim() || `${response.status} ${response.statusText}`);
  return {
    type: (response.headers.get("Content-Type") || "").split(";")[0].trim(),
    body,
    truncated: response.headers.get("X-Envanter-Truncated") === "true",
  };
}

function engine() {
  if (worker === null) {
    worker = new Worker(new URL("query-worker.js", import.meta.url), { type: "module" });
    worker.onmessage = (event) => {
      const { id, progress, error } = event.data;
      if (progress) {
        status.textContent = progress === "loading" ? say.loading : say.running;
        return;
      }
      const request = waiting.get(id);
      waiting.delete(id);
      if (request) error ? request.reject(new Error(error)) : request.resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      for (const request of waiting.values()) request.reject(new Error(event.message || "worker"));
      waiting.clear();
      worker.terminate();
      worker = null;
    };
  }
  return worker;
}

function inBrowser(text) {
  return new Promise((resolve, reject) => {
    const id = ++asked;
    waiting.set(id, { resolve, reject });
    engine().postMessage({ id, query: text, dataset });
  });
}

// --- the answer ---

function cellOf(term) {
  if (term === undefined) return null;
  return {
    value: term.type === "bnode" ? `_:${term.value}` : term.value,
    lang: term["xml:lang"] || "",
  };
}

function read(answer) {
  if (answer.type === "application/n-triples") {
    const lines = answer.body.split("\n").filter((line) => line.trim() !== "");
    return { kind: "graph", text: answer.body, size: lines.length };
  }
  if (answer.type !== "application/sparql-results+json") {
    throw new Error(`${answer.type || "?"}: not SPARQL JSON results or N-Triples`);
  }
  const json = JSON.parse(answer.body);
  if (typeof json.boolean === "boolean") return { kind: "boolean", value: json.boolean };
  const vars = json.head.vars;
  const rows = json.results.bindings.map((b) => vars.map((v) => cellOf(b[v])));
  return { kind: "table", vars, rows, truncated: Boolean(answer.truncated) };
}

function showTable(vars, rows) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows.slice(0, SHOWN)) {
    const tr = body.insertRow();
    for (const cell of row) {
      const td = tr.insertCell();
      if (cell === null) continue;
      td.textContent = cell.value;
      if (cell.lang) td.lang = cell.lang;
    }
  }
  results.replaceChildren(table);
}

function csvCell(value) {
  if (value === null) return "";
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvOf(vars, rows) {
  const lines = [vars, ...rows.map((row) => row.map((cell) => (cell ? cell.value : null)))];
  return lines.map((line) => line.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

function show(result) {
  download = null;
  downloadButton.hidden = true;
  results.hidden = false;
  if (result.kind === "boolean") {
    results.replaceChildren();
    results.hidden = true;
    status.textContent = fill(say.answer, { answer: result.value ? say.true : say.false });
    return;
  }
  if (result.kind === "graph") {
    const pre = document.createElement("pre");
    pre.textContent = result.text;
    results.replaceChildren(pre);
    status.textContent = fill(say.triples, { n: count(result.size) });
    download = { name: "sorgu-sonucu.nt", type: "application/n-triples", text: result.text };
    downloadButton.textContent = say.downloadNt;
  } else {
    showTable(result.vars, result.rows);
    const n = result.rows.length;
    let line =
      n > SHOWN
        ? fill(say.rowsShown, { n: count(n), shown: count(SHOWN) })
        : fill(say.rows, { n: count(n) });
    if (result.truncated) line += ` ${say.truncated}`;
    status.textContent = line;
    download = {
      name: "sorgu-sonucu.csv",
      type: "text/csv;charset=utf-8",
      text: csvOf(result.vars, result.rows),
    };
    downloadButton.textContent = say.downloadCsv;
  }
  downloadButton.hidden = false;
}

async function run() {
  const text = editor.value;
  runButton.disabled = true;
  status.textContent = say.running;
  try {
    const answer = (await mode) ? await onServer(text) : await inBrowser(text);
    show(read(answer));
  } catch (error) {
    download = null;
    downloadButton.hidden = true;
    results.replaceChildren();
    results.hidden = true;
    status.textContent = fill(say.failed, { message: error.message || String(error) });
  } finally {
    runButton.disabled = false;
  }
}

// The query is kept in the page's address, so that a link to the page opens with it.
function remember(text) {
  const address = new URL(location.href);
  address.searchParams.set("query", text);
  address.hash = "";
  history.replaceState(null, "", address);
}

const linked = new URLSearchParams(location.search).get("query");
if (linked !== null) editor.value = linked;

form.addEventListener("submit", (event) => {
  event.preventDefault();
  remember(editor.value);
  run();
});

downloadButton.addEventListener("click", () => {
  if (download === null) return;
  const url = URL.createObjectURL(new Blob([download.text], { type: download.type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = download.name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
});

for (const button of document.querySelectorAll(".query-run-example")) {
  button.hidden = false;
  button.addEventListener("click", () => {
    editor.value = document.getElementById(button.dataset.query).textContent;
    remember(editor.value);
    runner.scrollIntoView();
    editor.focus();
    run();
  });
}

