"""What goes in comes out: the graph `envanter serve` answers with is the dump, every literal
with its datatype, and every example query runs through `envanter query --endpoint` and through
plain SPARQLWrapper, with the answers the local store gives."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from click.testing import CliRunner
from SPARQLWrapper import JSON, SELECT, SPARQLWrapper

from envanter.cli import main
from envanter.sparql import example_queries, query_form

from .conftest import ROOT
from .serving import Running, serving

EXAMPLES = example_queries(ROOT / "queries")


@pytest.fixture(scope="module")
def server(seed_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """`envanter serve` on the seed, with a row limit above the dump's size."""
    log = tmp_path_factory.mktemp("roundtrip") / "serve.log"
    with serving(seed_dist, log, "--limit", "100000") as running:
        yield running


def endpoint(server: Running) -> str:
    return f"http://127.0.0.1:{server.port}/sparql"


def graph_of(ntriples: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ntriples, format="nt")


def test_the_whole_graph_comes_back_as_the_dump(server: Running, seed_dist: Path) -> None:
    conn = server.connect(timeout=60)
    query = urlencode({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"})
    conn.request("GET", f"/sparql?{query}", headers={"Accept": "application/n-triples"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200, body[:300]
    assert response.getheader("X-Envanter-Truncated") is None
    dump = (seed_dist / "data" / "dataset.nt").read_bytes()
    answered, expected = graph_of(body), graph_of(dump)
    assert len(answered) == len(expected) > 9000
    assert rdflib.compare.isomorphic(answered, expected)


def test_query_gives_the_whole_graph_back_as_the_dump(seed_dist: Path) -> None:
    """`envanter query` on the built dataset (an in-memory store) keeps every datatype too."""
    result = CliRunner().invoke(
        main, ["query", "-e", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--dist", str(seed_dist)]
    )
    assert result.exit_code == 0, result.output
    answered = graph_of(result.stdout.encode("utf-8"))
    expected = graph_of((seed_dist / "data" / "dataset.nt").read_bytes())
    assert len(answered) == len(expected) > 9000
    assert rdflib.compare.isomorphic(answered, expected)


def test_integers_counted_from_one_keep_their_datatype(server: Running) -> None:
    """The line numbers and positions are xsd:integer (a store reads xsd:positiveInteger back
    as xsd:integer); a literal the store gives back has the datatype the dump gave it."""
    conn = server.connect()
    text = (
        "SELECT DISTINCT (DATATYPE(?line) AS ?type) WHERE "
        "{ ?x <https://envanter.example/def/envanter#firstLine> ?line }"
    )
    conn.request("GET", "/sparql?" + urlencode({"query": text}))
    answer = json.loads(conn.getresponse().read())
    conn.close()
    assert [b["type"]["value"] for b in answer["results"]["bindings"]] == [
        "http://www.w3.org/2001/XMLSchema#integer"
    ]


def rows_of(answer: dict[str, object]) -> Counter[str]:
    """A SPARQL JSON answer's rows, as a multiset (order aside)."""
    results = answer["results"]
    assert isinstance(results, dict)
    return Counter(json.dumps(b, sort_keys=True) for b in results["bindings"])


def test_the_examples_are_all_select_queries() -> None:
    assert len(EXAMPLES) >= 17
    assert {query_form(q.text) for q in EXAMPLES} == {"SELECT"}
    # SPARQLWrapper would take 04 and 09 for updates (ADD, from "added" and "address").
    assert query_form("# rows added here\nSELECT * WHERE { ?s ?p ?o }") == "SELECT"
    assert query_form("PREFIX a: <x:> # the address\nASK {}") == "ASK"
    assert query_form("ADD <x:a> TO <x:b>") is None


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda q: q.name)
def test_an_example_runs_through_the_endpoint_as_locally(
    example: object, server: Running, seed_dist: Path
) -> None:
    from envanter.sparql import QueryInfo

    assert isinstance(example, QueryInfo)
    runner = CliRunner()
    local = runner.invoke(
        main, ["query", str(example.file), "--dist", str(seed_dist), "--format", "json"]
    )
    assert local.exit_code == 0, local.output
    remote = runner.invoke(
        main,
        [
            "query",
            str(example.file),
            "--endpoint",
            endpoint(server),
            "--dist",
            str(seed_dist),
            "--format",
            "json",
        ],
    )
    assert remote.exit_code == 0, remote.output
    assert remote.stderr == ""
    expected = rows_of(json.loads(local.stdout))
    assert expected, f"{example.name} answers nothing on the seed"
    assert rows_of(json.loads(remote.stdout)) == expected
    # Plain SPARQLWrapper, told the query's form rather than guessing it.
    client = SPARQLWrapper(endpoint(server))
    client.setQuery(example.text)
    client.queryType = SELECT
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    assert isinstance(answer, dict)
    assert rows_of(answer) == expected


def test_the_store_holds_no_derived_integer_types(seed_dist: Path) -> None:
    """What the dump types, a store keeps: no xsd:positiveInteger (or another type derived from
    xsd:integer), which Oxigraph reads back as xsd:integer."""
    derived = {
        "http://www.w3.org/2001/XMLSchema#" + name
        for name in (
            "positiveInteger",
            "nonNegativeInteger",
            "negativeInteger",
            "nonPositiveInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
        )
    }
    types = {
        q.object.datatype.value
        for q in ox.parse(
            path=str(seed_dist / "data" / "dataset.nt"), format=ox.RdfFormat.N_TRIPLES
        )
        if isinstance(q.object, ox.Literal)
    }
    assert types and not types & derived


@pytest.mark.parametrize(
    ("iso", "canonical"),
    [
        ("P3W", "P21D"),
        ("PT48H", "P2D"),
        ("PT90M", "PT1H30M"),
        ("P13M", "P1Y1M"),
        ("P0D", "PT0S"),
        ("PT1440M", "P1D"),
        ("P90D", "P90D"),
        ("PT4H", "PT4H"),
        ("P6M", "P6M"),
        ("P1Y", "P1Y"),
    ],
)
def test_a_duration_is_written_as_a_store_gives_it_back(iso: str, canonical: str) -> None:
    """Oxigraph keeps a duration's value and writes it canonically ('PT48H' comes back as
    'P2D'): the dataset writes that form, so a national dataset's durations round-trip too."""
    from envanter.read.parsing import xsd_duration

    assert xsd_duration(iso) == canonical
    store = ox.Store()
    duration = ox.NamedNode("http://www.w3.org/2001/XMLSchema#duration")
    store.add(
        ox.Quad(
            ox.NamedNode("http://x/s"),
            ox.NamedNode("http://x/p"),
            ox.Literal(canonical, datatype=duration),
        )
    )
    [back] = [q.object for q in store]
    assert back == ox.Literal(canonical, datatype=duration)
