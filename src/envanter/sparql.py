"""SPARQL over the publication: the example queries, running a query on the built dataset (or a
remote endpoint), and writing the results in the SPARQL 1.1 result formats.

`envanter query` and `envanter serve` both use this module: the CLI prints the results, the
server sends them. A query is only ever run with `Store.query`, which cannot change the store;
an update sent as a query is recognised only to say clearly that updates are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

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

# The response header by which an answer cut at the row limit says so (docs/serving.md).
TRUNCATED_HEADER: Final = "X-Envanter-Truncated"

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


QUERY_FORM: Final = re.compile(r"^(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's form, read after its comments and prologue
    (SPARQLWrapper guesses it from the first keyword-like word anywhere, comments included, and
    takes "added" in a comment for ADD, an update); None when the text is no query."""
    without_comments = COMMENT.sub(lambda m: m.group(1) or "", text)
    rest = without_comments[PROLOGUE.match(without_comments).end() :]  # type: ignore[union-attr]
    m = QUERY_FORM.match(rest.lstrip())
    return m.group(1).upper() if m else None


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


# ---------------------------------------------------------------------------------------------
# A remote endpoint


def query_endpoint(endpoint: str, text: str, timeout: float = 60.0) -> Result:
    """Send a query to a SPARQL 1.1 endpoint with SPARQLWrapper and read its answer."""
    from urllib.error import URLError

    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    kind = query_form(text)
    if kind is None:
        raise (
            refuse_update()
            if looks_like_update(text)
            else QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
        )
    client = SPARQLWrapper(endpoint)
    client.setTimeout(int(max(1, timeout)))
    client.setQuery(text)
    client.queryType = kind  # the form read here, not SPARQLWrapper's guess
    graph = kind in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph else JSON)
    try:
        response = client.query().response
        body: bytes = response.read()
        # An endpoint that cuts long answers (ours: `envanter serve --limit`) says so here.
        truncated = response.headers.get(TRUNCATED_HEADER, "").strip().lower() == "true"
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
            triples = [q.triple for q in parse(body, format=RdfFormat.TURTLE)]
            return GraphResult(triples, truncated)
        answer = parse_query_results(body, format=QueryResultsFormat.JSON)
    except SyntaxError as e:
        raise QueryError(
            f"the SPARQL endpoint {endpoint} answered with something that is not "
            f"{'Turtle' if graph else 'SPARQL JSON results'}: {e}"
        ) from e
    if isinstance(answer, QueryBoolean):
        return AskResult(bool(answer))
    rows: list[tuple[Term | None, ...]] = [tuple(s) for s in answer]
    return SelectResult([v.value for v in answer.variables], rows, truncated)


__all__ = [
    "AskResult",
    "GraphResult",
    "QueryError",
    "QueryInfo",
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
    "query_form",
]
