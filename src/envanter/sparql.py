"""SPARQL over the publication: the example queries, running a query on the built dataset (or a
remote endpoint), and writing the results in the SPARQL 1.1 result formats.

`envanter query` and `envanter serve` both use this module: the CLI prints the results, the
server sends them. A query is only ever run with `Store.query`, which cannot change the store;
an update sent as a query is recognised only to say clearly that updates are refused.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from .config import DEFAULT_BASE_URI
from .errors import EXIT_BAD_INPUT, ConfigError, EnvanterError

Term = NamedNode | BlankNode | Literal | Triple
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
DCAT: Final = "http://www.w3.org/ns/dcat#"
FOAF_HOMEPAGE: Final = "http://xmlns.com/foaf/0.1/homepage"
RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class QueryError(EnvanterError):
    """The query cannot be run: bad syntax, no dataset, an endpoint that does not answer."""

    exit_code = EXIT_BAD_INPUT


class UpdateRefused(QueryError):
    """A SPARQL update was sent to a read-only service."""


class QueryTimeout(QueryError):
    """The query ran longer than it may."""


# ---------------------------------------------------------------------------------------------
# The example queries (queries/*.rq) and the dataset's base


@dataclass(frozen=True)
class QueryInfo:
    """One example query with the four header lines every queries/*.rq starts with."""

    file: Path
    title_tr: str
    title_en: str
    description_tr: str
    description_en: str
    text: str

    @property
    def name(self) -> str:
        return self.file.stem


HEADER: Final = re.compile(r"^# (title|title@en|description|description@en): (\S.*)$")


def read_query(file: Path) -> QueryInfo:
    """Read one .rq file and its `# title:` / `# title@en:` / `# description…:` headers."""
    text = file.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    for line in text.splitlines():
        m = HEADER.match(line)
        if m is None:
            break  # the headers are the first lines; the query starts after them
        fields[m.group(1)] = m.group(2).strip()
    missing = [k for k in ("title", "title@en", "description", "description@en") if k not in fields]
    if missing:
        raise ConfigError(
            f"{file}: the query must start with the header lines "
            f"{', '.join('# ' + k + ':' for k in missing)} (found {sorted(fields) or 'none'})"
        )
    return QueryInfo(
        file=file,
        title_tr=fields["title"],
        title_en=fields["title@en"],
        description_tr=fields["description"],
        description_en=fields["description@en"],
        text=text,
    )


def example_queries(folder: Path) -> list[QueryInfo]:
    """Every `*.rq` in `folder`, in file-name order (the files are numbered)."""
    if not folder.is_dir():
        raise ConfigError(f"no folder of example queries at {folder} (expected queries/*.rq)")
    return [read_query(f) for f in sorted(folder.glob("*.rq"))]


def dataset_base(dist: Path) -> str:
    """The base URI the publication in `dist` was built with: the catalog's foaf:homepage."""
    catalog = dist / "catalog.ttl"
    for subject in catalog_subjects(catalog, DCAT + "Catalog"):
        for o in objects(catalog, subject, FOAF_HOMEPAGE):
            return o
    raise QueryError(f"{catalog}: no dcat:Catalog with a foaf:homepage (the base URI) found")


def dataset_iri(dist: Path) -> str:
    """The IRI of the dataset the catalog describes (`{base}id/veri-seti/{source}`)."""
    catalog = dist / "catalog.ttl"
    for subject in catalog_subjects(catalog, DCAT + "Catalog"):
        for o in objects(catalog, subject, DCAT + "dataset"):
            return o
    raise QueryError(f"{catalog}: no dcat:Catalog with a dcat:dataset found")


def _catalog_triples(catalog: Path) -> list[Triple]:
    if not catalog.is_file():
        raise QueryError(
            f"no catalog at {catalog}: is this a folder written by `envanter build`? "
            "(expected catalog.ttl in it)"
        )
    try:
        return [q.triple for q in parse(path=str(catalog), format=RdfFormat.TURTLE)]
    except SyntaxError as e:
        raise QueryError(f"{catalog}: not valid Turtle: {e}") from e


def catalog_subjects(catalog: Path, cls: str) -> list[str]:
    return sorted(
        t.subject.value
        for t in _catalog_triples(catalog)
        if t.predicate.value == RDF_TYPE
        and isinstance(t.object, NamedNode)
        and t.object.value == cls
        and isinstance(t.subject, NamedNode)
    )


def objects(catalog: Path, subject: str, predicate: str) -> list[str]:
    return sorted(
        t.object.value
        for t in _catalog_triples(catalog)
        if isinstance(t.subject, NamedNode)
        and t.subject.value == subject
        and t.predicate.value == predicate
        and isinstance(t.object, NamedNode)
    )


PREFIX_LINE: Final = re.compile(r"^@prefix\s+([^\s:]*):\s*<([^>]*)>\s*\.\s*$")


def dataset_prefixes(dist: Path) -> dict[str, str]:
    """The prefixes the dataset's Turtle dump declares (its first lines), for Turtle answers."""
    prefixes: dict[str, str] = {}
    dump = dist / "data" / "dataset.ttl"
    if not dump.is_file():
        return prefixes
    with dump.open(encoding="utf-8") as lines:
        for line in lines:
            m = PREFIX_LINE.match(line)
            if m is None:
                break  # the prefixes come first; stop at the first triple
            prefixes[m.group(1)] = m.group(2)
    return prefixes


def adapt_query(text: str, base: str) -> str:
    """The example queries are written for the default base; point them at `base` instead."""
    return text if base == DEFAULT_BASE_URI else text.replace(DEFAULT_BASE_URI, base)


def load_store(dist: Path) -> Store:
    """An in-memory store holding `dist/data/dataset.nt`."""
    dump = dist / "data" / "dataset.nt"
    if not dump.is_file():
        raise QueryError(
            f"no dataset at {dump}: build it first (`envanter build --out {dist}`) "
            "or pass --dist DIR"
        )
    store = Store()
    try:
        store.bulk_load(path=str(dump), format=RdfFormat.N_TRIPLES)
    except SyntaxError as e:
        raise QueryError(f"{dump}: not valid N-Triples: {e}") from e
    return store


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class SelectResult:
    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False  # more rows than the limit: only the first ones are here


@dataclass(frozen=True)
class AskResult:
    value: bool


@dataclass(frozen=True)
class GraphResult:
    """The answer of a CONSTRUCT or DESCRIBE query."""

    triples: list[Triple]
    truncated: bool = False


Result = SelectResult | AskResult | GraphResult

# SPARQL update operations, the first keyword of an update (after PREFIX and BASE).
UPDATE_KEYWORDS: Final = re.compile(
    r"^(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)
PROLOGUE: Final = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.IGNORECASE
)
COMMENT: Final = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>)|#[^\n]*""")


def looks_like_update(text: str) -> bool:
    """Whether `text` reads as a SPARQL update (INSERT, DELETE, LOAD, CLEAR …).

    Only used to word the refusal: a text is run only as a query, which cannot change the store.
    """
    without_comments = COMMENT.sub(lambda m: m.group(1) or "", text)
    rest = without_comments[PROLOGUE.match(without_comments).end() :]  # type: ignore[union-attr]
    return UPDATE_KEYWORDS.match(rest.lstrip()) is not None


def refuse_update() -> UpdateRefused:
    return UpdateRefused(
        "SPARQL updates are refused: this endpoint is read-only "
        "(send a SELECT, ASK, CONSTRUCT or DESCRIBE query)"
    )


def start_query(
    store: Store,
    text: str,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> QuerySolutions | QueryBoolean | Iterable[Triple]:
    """Parse `text` and start it; a syntax error is a QueryError with the parser's message."""
    try:
        return store.query(
            text,
            default_graph=[NamedNode(g) for g in default_graphs] or None,
            named_graphs=[NamedNode(g) for g in named_graphs] or None,
        )
    except SyntaxError as e:
        if looks_like_update(text):
            raise refuse_update() from e
        raise QueryError(f"the query is not valid SPARQL: {e}") from e
    except ValueError as e:  # a bad graph IRI
        raise QueryError(f"the query cannot be run: {e}") from e


def evaluate(
    store: Store,
    text: str,
    limit: int | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> Result:
    """Run a query and collect its answer: at most `limit` rows or triples (then `truncated`).

    Results are streamed by oxigraph, so `cancelled` is asked between rows: a query whose time
    is up stops at the next row instead of running on for nobody.
    """
    answer = start_query(store, text, default_graphs, named_graphs)
    try:
        return collect(answer, limit, cancelled)
    finally:
        # Oxigraph's result iterators must be dropped on the thread that made them: an error
        # raised here keeps this frame alive in its traceback, so let go of the iterator now.
        del answer


def collect(
    answer: QuerySolutions | QueryBoolean | Iterable[Triple],
    limit: int | None,
    cancelled: Callable[[], bool],
) -> Result:
    if isinstance(answer, QueryBoolean):
        return AskResult(bool(answer))
    rows: list[tuple[Term | None, ...]] = []
    triples: list[Triple] = []
    truncated = False
    try:
        if isinstance(answer, QuerySolutions):
            variables = [v.value for v in answer.variables]
            for solution in answer:
                if limit is not None and len(rows) >= limit:
                    truncated = True
                    break
                if cancelled():
                    raise QueryTimeout("cancelled")
                rows.append(tuple(solution))
            return SelectResult(variables, rows, truncated)
        for triple in answer:
            if limit is not None and len(triples) >= limit:
                truncated = True
                break
            if cancelled():
                raise QueryTimeout("cancelled")
            triples.append(triple)
    except OSError as e:  # an evaluation error oxigraph reports while streaming
        raise QueryError(f"the query failed: {e}") from e
    finally:
        del answer
    return GraphResult(triples, truncated)


@dataclass
class QueryRunner:
    """Runs queries on one store with a time limit and a row limit, for the server.

    A query runs in a worker thread (oxigraph releases the GIL while it evaluates); when its
    time is up the caller gets QueryTimeout at once. Oxigraph cannot interrupt a query inside
    one step (a sort, an aggregate), so such a thread may run on until that step ends: at most
    `max_running` queries run at a time, and a query that cannot start in its time is refused
    the same way rather than piling up threads.
    """

    store: Store
    timeout: float | None = 10.0
    limit: int | None = 10_000
    max_running: int = 4
    slots: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        self.slots = threading.BoundedSemaphore(self.max_running)

    def run(
        self, text: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()
    ) -> Result:
        if self.timeout is None:
            return evaluate(
                self.store,
                text,
                self.limit,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
            )
        deadline = time.monotonic() + self.timeout
        if not self.slots.acquire(timeout=self.timeout):
            raise QueryTimeout(
                f"the server is busy with {self.max_running} running queries and this one "
                f"could not start within {self.timeout:g} s; try again later"
            )
        done = threading.Event()
        stop = threading.Event()
        outcome: list[Result | BaseException] = []

        def work() -> None:
            try:
                outcome.append(
                    evaluate(
                        self.store, text, self.limit, stop.is_set, default_graphs, named_graphs
                    )
                )
            except BaseException as e:  # handed to the waiting request, without its frames
                outcome.append(e.with_traceback(None))
            finally:
                self.slots.release()
                done.set()

        threading.Thread(target=work, name="envanter-query", daemon=True).start()
        if not done.wait(max(0.0, deadline - time.monotonic())):
            stop.set()
            raise QueryTimeout(
                f"the query ran longer than the server's limit of {self.timeout:g} s and was "
                "stopped; narrow it down (a LIMIT, more specific patterns) or run it on the "
                "downloaded dataset"
            )
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result


# ---------------------------------------------------------------------------------------------
# Writing results


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str  # what the server answers with
    accepts: tuple[str, ...]  # the media types a client may ask for it by
    for_graphs: bool  # CONSTRUCT/DESCRIBE (True) or SELECT/ASK (False)


SOLUTION_FORMATS: Final = (
    ResultFormat(
        "json",
        "application/sparql-results+json",
        ("application/sparql-results+json", "application/json"),
        False,
    ),
    ResultFormat(
        "xml",
        "application/sparql-results+xml; charset=utf-8",
        ("application/sparql-results+xml", "application/xml", "text/xml"),
        False,
    ),
    ResultFormat("csv", "text/csv; charset=utf-8", ("text/csv",), False),
    ResultFormat(
        "tsv", "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",), False
    ),
)
GRAPH_FORMATS: Final = (
    ResultFormat(
        "turtle", "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), True
    ),
    ResultFormat("ntriples", "application/n-triples", ("application/n-triples",), True),
    ResultFormat(
        "jsonld", "application/ld+json", ("application/ld+json", "application/json"), True
    ),
    ResultFormat("rdfxml", "application/rdf+xml", ("application/rdf+xml",), True),
)
RDF_FORMATS: Final = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}


def formats_for(result: Result) -> tuple[ResultFormat, ...]:
    return GRAPH_FORMATS if isinstance(result, GraphResult) else SOLUTION_FORMATS


def write_result(result: Result, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """`result` in the SPARQL results format (or RDF syntax, for a graph) named `fmt`."""
    if isinstance(result, GraphResult):
        if fmt not in RDF_FORMATS:
            raise QueryError(
                f"a CONSTRUCT or DESCRIBE answer is a graph: it can be written as "
                f"{', '.join(RDF_FORMATS)}, not {fmt}"
            )
        out = serialize(result.triples, format=RDF_FORMATS[fmt], prefixes=prefixes or None)
        assert out is not None
        return out
    writers: dict[str, Callable[[Result], str]] = {
        "json": results_json,
        "xml": results_xml,
        "csv": results_csv,
        "tsv": results_tsv,
    }
    if fmt not in writers:
        raise QueryError(
            f"a SELECT or ASK answer can be written as {', '.join(writers)}, not {fmt}"
        )
    return writers[fmt](result).encode("utf-8")


def term_json(term: Term) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def results_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON Format."""
    if isinstance(result, AskResult):
        return json.dumps({"head": {}, "boolean": result.value})
    assert isinstance(result, SelectResult)
    bindings = [
        {v: term_json(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return json.dumps(
        {"head": {"vars": result.variables}, "results": {"bindings": bindings}},
        ensure_ascii=False,
    )


def term_xml(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Triple):
        return (
            f"<triple><subject>{term_xml(term.subject)}</subject>"
            f"<predicate>{term_xml(term.predicate)}</predicate>"
            f"<object>{term_xml(term.object)}</object></triple>"
        )
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def results_xml(result: Result) -> str:
    """SPARQL Query Results XML Format."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    ]
    if isinstance(result, AskResult):
        out.append(f"<head/><boolean>{'true' if result.value else 'false'}</boolean></sparql>\n")
        return "\n".join(out)
    assert isinstance(result, SelectResult)
    out.append(
        "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>"
    )
    out.append("<results>")
    for row in result.rows:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{term_xml(t)}</binding>"
            for v, t in zip(result.variables, row, strict=True)
            if t is not None
        )
        out.append(f"<result>{cells}</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out)


def term_plain(term: Term | None) -> str:
    """A term as CSV results write it: an IRI or a literal's lexical form, nothing for unbound."""
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return str(term)
    return term.value


def results_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV Format (an ASK answer: one line, true or false)."""
    if isinstance(result, AskResult):
        return "true\r\n" if result.value else "false\r\n"
    assert isinstance(result, SelectResult)
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF line ends, quotes where needed
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([term_plain(t) for t in row])
    return buffer.getvalue()


def results_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV Format: terms in Turtle syntax, `?` before each variable."""
    if isinstance(result, AskResult):
        return "true\n" if result.value else "false\n"
    assert isinstance(result, SelectResult)
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    # str() of an oxigraph term is its N-Triples form: tabs and newlines in literals are escaped.
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def text_table(result: SelectResult) -> str:
    """An aligned plain-text table for people: IRIs and literal values, unbound cells empty."""
    header = result.variables
    body = [[term_plain(t) for t in row] for row in result.rows]
    # A newline in a value would break the table's lines; show it as the escape it is.
    body = [[c.replace("\r", "\\r").replace("\n", "\\n") for c in row] for row in body]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(header)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# A remote endpoint


def query_endpoint(endpoint: str, text: str, timeout: float = 60.0) -> Result:
    """Send a query to a SPARQL 1.1 endpoint with SPARQLWrapper and read its answer."""
    from urllib.error import URLError

    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setTimeout(int(max(1, timeout)))
    client.setQuery(text)
    kind = client.queryType
    if kind not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise (
            refuse_update()
            if looks_like_update(text)
            else QueryError(
                f"not a SPARQL query (read it as {kind}); expected SELECT, ASK, CONSTRUCT or DESCRIBE"
            )
        )
    graph = kind in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph else JSON)
    try:
        response = client.query().response
        body: bytes = response.read()
    except SPARQLWrapperException as e:
        raise QueryError(f"the SPARQL endpoint {endpoint} refused the query: {e}") from e
    except URLError as e:
        reason = e.reason
        if isinstance(reason, ConnectionRefusedError):
            reason = "connection refused (is it running, and is this its address?)"
        raise QueryError(f"cannot reach the SPARQL endpoint {endpoint}: {reason}") from e
    except (OSError, TimeoutError) as e:
        raise QueryError(f"cannot reach the SPARQL endpoint {endpoint}: {e}") from e
    try:
        if graph:
            return GraphResult([q.triple for q in parse(body, format=RdfFormat.TURTLE)])
        answer = parse_query_results(body, format=QueryResultsFormat.JSON)
    except SyntaxError as e:
        raise QueryError(
            f"the SPARQL endpoint {endpoint} answered with something that is not "
            f"{'Turtle' if graph else 'SPARQL JSON results'}: {e}"
        ) from e
    if isinstance(answer, QueryBoolean):
        return AskResult(bool(answer))
    return SelectResult([v.value for v in answer.variables], [tuple(s) for s in answer])


__all__ = [
    "AskResult",
    "GraphResult",
    "QueryError",
    "QueryInfo",
    "QueryRunner",
    "QueryTimeout",
    "Result",
    "SelectResult",
    "UpdateRefused",
    "adapt_query",
    "dataset_base",
    "dataset_iri",
    "evaluate",
    "example_queries",
    "load_store",
    "write_result",
]
