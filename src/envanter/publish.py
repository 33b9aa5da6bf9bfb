"""`envanter publish`: put the built dataset into a SPARQL triple store.

The dump replaces one named graph through the SPARQL 1.1 Graph Store HTTP Protocol (HTTP PUT
`?graph=IRI`: a replace, never an append, so publishing twice leaves one copy), which Fuseki,
GraphDB, Virtuoso and Oxigraph all speak. Then the store is asked through its query endpoint
how many triples the graph holds, and that must be the number of triples in the dump.
"""

from __future__ import annotations

import base64
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from pyoxigraph import NamedNode, RdfFormat, parse

from .errors import EXIT_BAD_INPUT, EnvanterError
from .sparql import dataset_iri


class PublishError(EnvanterError):
    """The store could not be reached, refused the data, or holds something else afterwards."""

    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True)
class PublishResult:
    graph: str
    triples: int  # in the dump
    count: int  # in the store's graph, after the upload


def count_triples(dump: Path) -> int:
    """The number of triples in an N-Triples file (what a store will hold: the build writes each
    triple of the dump once), counted as they stream past: a national dump does not fit in
    memory as Python objects (about 460 bytes a triple in a set)."""
    try:
        return sum(1 for _ in parse(path=str(dump), format=RdfFormat.N_TRIPLES))
    except SyntaxError as e:
        raise PublishError(f"{dump}: not valid N-Triples: {e}") from e


def graph_url(store: str, graph: str) -> str:
    """The Graph Store Protocol address of one named graph (`?graph=` added to the URL)."""
    return f"{store}{'&' if '?' in store else '?'}graph={quote(graph, safe='')}"


def reason(error: URLError) -> str:
    cause = error.reason
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused (is the store running, and is this its address?)"
    if isinstance(cause, socket.gaierror):
        return f"unknown host ({cause})"
    if isinstance(cause, (TimeoutError, socket.timeout)):
        return "no answer in time"
    return str(cause)


def excerpt(error: HTTPError) -> str:
    try:
        body = error.read(600).decode("utf-8", errors="replace").strip()
    except OSError:
        body = ""
    return " ".join(body.split())[:400] or "(no body)"


def auth_header(user: str | None, password: str | None) -> dict[str, str]:
    if user is None:
        return {}
    token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def put_graph(
    store: str,
    graph: str,
    dump: Path,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 300.0,
) -> int:
    """Replace `graph` in the store with the dump (HTTP PUT); the store's status code."""
    url = graph_url(store, graph)
    with dump.open("rb") as body:
        request = Request(
            url,
            data=body,
            method="PUT",
            headers={
                "Content-Type": "application/n-triples",
                "Content-Length": str(dump.stat().st_size),
                **auth_header(user, password),
            },
        )
        try:
            with urlopen(request, timeout=timeout) as response:
                status: int = response.status
        except HTTPError as e:
            raise PublishError(
                f"the graph store refused the data: PUT {url} answered {e.code} {e.reason}: "
                f"{excerpt(e)} (expected 200, 201 or 204; is {store} its Graph Store Protocol "
                "address?)"
            ) from e
        except URLError as e:
            raise PublishError(f"cannot reach the graph store at {store}: {reason(e)}") from e
        except OSError as e:  # the connection dropped mid-upload, a timeout …
            raise PublishError(f"cannot reach the graph store at {store}: {e}") from e
    return status


def wait_ready(
    endpoint: str, seconds: float, user: str | None = None, password: str | None = None
) -> None:
    """Wait until the store's query endpoint answers (a store just started may still be loading
    or not yet listening), asking `ASK {}` every half second for at most `seconds`."""
    url = f"{endpoint}{'&' if '?' in endpoint else '?'}query={quote('ASK {}', safe='')}"
    request = Request(
        url, headers={"Accept": "application/sparql-results+json", **auth_header(user, password)}
    )
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urlopen(request, timeout=max(1.0, min(10.0, seconds))) as response:
                response.read()
            return
        except HTTPError as e:
            if e.code != 503:  # it answers: what it says is for the upload and the count
                return
            why = f"{e.code} {e.reason}"
        except URLError as e:
            why = reason(e)
        except OSError as e:
            why = str(e)
        if time.monotonic() >= deadline:
            raise PublishError(
                f"the query endpoint {endpoint} did not answer within --wait-ready {seconds:g} s "
                f"({why})"
            )
        time.sleep(0.5)


def count_in_store(
    endpoint: str,
    graph: str,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 120.0,
) -> int:
    """How many triples the store's `graph` holds, asked through its SPARQL query endpoint."""
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setTimeout(int(timeout))
    client.setQuery(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    client.setReturnFormat(JSON)
    if user is not None:
        client.setCredentials(user, password or "")
    try:
        # SPARQLWrapper types its answer loosely: for JSON results it is parsed JSON.
        answer: Any = client.queryAndConvert()
    except HTTPError as e:
        raise PublishError(
            f"the query endpoint {endpoint} answered {e.code} {e.reason}: {excerpt(e)}"
        ) from e
    except SPARQLWrapperException as e:
        raise PublishError(f"the query endpoint {endpoint} refused the count: {e}") from e
    except URLError as e:
        raise PublishError(f"cannot reach the query endpoint {endpoint}: {reason(e)}") from e
    except OSError as e:
        raise PublishError(f"cannot reach the query endpoint {endpoint}: {e}") from e
    try:
        value = answer["results"]["bindings"][0]["n"]["value"]
        return int(value)
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise PublishError(
            f"the query endpoint {endpoint} did not answer the count as SPARQL JSON results "
            f"with one ?n (got {str(answer)[:200]})"
        ) from e


def publish(
    dist: Path,
    store: str,
    query: str,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    expected: int | None = None,
    timeout: float = 300.0,
    wait: float = 0.0,
) -> PublishResult:
    """Replace the named graph `graph` (default: the dataset's IRI) with dist/data/dataset.nt
    and check the store's count. `timeout` bounds each request (the upload, the count) in
    seconds; with `wait`, the store is first given that many seconds to answer. `expected`
    overrides the dump's count (for tests)."""
    dump = dist / "data" / "dataset.nt"
    if not dump.is_file():
        raise PublishError(
            f"no dataset at {dump}: build it first (`envanter build --out {dist}`) or pass --dist"
        )
    graph = graph or dataset_iri(dist)
    try:
        NamedNode(graph)
    except ValueError as e:
        raise PublishError(f"--graph {graph!r} is not an absolute IRI: {e}") from e
    if timeout <= 0:
        raise PublishError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    triples = count_triples(dump) if expected is None else expected
    if wait > 0:
        wait_ready(query, wait, user, password)
    put_graph(store, graph, dump, user, password, timeout)
    count = count_in_store(query, graph, user, password, timeout)
    if count != triples:
        raise PublishError(
            f"after the upload the store holds {count} triples in <{graph}>, but the dump "
            f"{dump} has {triples}: check that {query} queries the same store as {store}"
        )
    return PublishResult(graph, triples, count)
