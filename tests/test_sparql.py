"""`envanter query` and the SPARQL helpers: the example queries' headers, the dataset's base, the
result formats, and the errors, word for word."""

from __future__ import annotations

import csv
import io
import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib import Graph

from envanter.cli import main
from envanter.serve.results import text_table, write_result
from envanter.sparql import (
    QueryError,
    SelectResult,
    adapt_query,
    dataset_base,
    dataset_iri,
    example_queries,
    load_store,
    looks_like_update,
    read_query,
)

from .conftest import ROOT, build_seed
from .serving import serving

BASE = "http://127.0.0.1:8000/"
GOLDEN = ROOT / "tests" / "golden" / "queries"
# Two example queries with their expected answers: 17 only works with the env: prefix pointed at
# the dataset's base, so it checks that the query is adapted.
QUERIES = ["02-services-law-6284", "17-units-detsis-hierarchy"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:

    out = tmp_path_factory.mktemp("sparql") / "dist"
    build_seed(out, BASE)
    return out


@pytest.fixture(scope="module")
def endpoint(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(dist, tmp_path_factory.mktemp("endpoint") / "serve.log") as running:
        yield f"http://127.0.0.1:{running.port}/sparql"


def query(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["query", *arguments])
    return result.exit_code, result.stdout, result.stderr


def golden(name: str) -> dict[str, list[list[str]]]:
    data: dict[str, list[list[str]]] = yaml.safe_load(
        (GOLDEN / f"{name}.yaml").read_text(encoding="utf-8")
    )
    return data


# ---------------------------------------------------------------------------------------------
# The example queries and the base


def test_every_example_query_has_its_titles_and_descriptions() -> None:
    queries = example_queries(ROOT / "queries")
    assert [q.file.name for q in queries] == sorted(p.name for p in (ROOT / "queries").glob("*.rq"))
    first = queries[0]
    assert first.name == "01-services-per-law"
    assert first.title_tr == "Mevzuata göre hizmet sayısı"
    assert first.title_en == "Number of services per law or regulation"
    assert first.description_en.startswith("How many services rest on each law")
    assert first.text.startswith("# title: ")
    assert all(q.title_tr and q.title_en and q.description_tr and q.description_en for q in queries)


def test_a_query_without_its_headers_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: Başlık\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"bad\.rq: the query must start with the header lines"):
        read_query(bad)


def test_the_base_and_the_dataset_come_from_the_catalog(dist: Path) -> None:
    assert dataset_base(dist) == BASE
    assert dataset_iri(dist) == f"{BASE}id/veri-seti/ibb-sosyal-hizmetler-2025"
    with pytest.raises(QueryError, match="no catalog at"):
        dataset_base(dist / "data")


def test_adapt_query_points_the_default_base_at_the_datasets() -> None:
    text = "PREFIX env: <https://envanter.example/def/envanter#>\nSELECT * { ?s env:x ?o }"
    assert adapt_query(text, BASE) == (
        "PREFIX env: <http://127.0.0.1:8000/def/envanter#>\nSELECT * { ?s env:x ?o }"
    )
    assert adapt_query(text, "https://envanter.example/") == text


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", True),
        ("prefix x: <urn:x:>\n# a comment with SELECT\ndelete where { ?s ?p ?o }", True),
        ("BASE <http://x/> CLEAR ALL", True),
        ("LOAD <http://example.org/data.ttl>", True),
        ("SELECT * WHERE { ?s ?p 'INSERT' }", False),
        ("# INSERT\nSELECT * {}", False),
        ("SELEC * {}", False),
    ],
)
def test_updates_are_recognised(text: str, update: bool) -> None:
    assert looks_like_update(text) is update


def test_result_writers_escape_what_they_must() -> None:
    result = SelectResult(
        ["a", "b"],
        [
            (Literal('<x> & "y"', language="tr"), NamedNode("http://x/?a=1&b=2")),
            (Literal("1\t2\n3"), None),
            (BlankNode("b0"), Literal("4", datatype=NamedNode("http://x/t"))),
        ],
    )
    xml = ET.fromstring(write_result(result, "xml"))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    literal = xml.find(f"{ns}results/{ns}result/{ns}binding/{ns}literal")
    assert literal is not None and literal.text == '<x> & "y"'
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "tr"
    data = json.loads(write_result(result, "json"))
    assert data["results"]["bindings"][1] == {"a": {"type": "literal", "value": "1\t2\n3"}}
    assert data["results"]["bindings"][2]["b"]["datatype"] == "http://x/t"
    rows = list(csv.reader(io.StringIO(write_result(result, "csv").decode())))
    assert rows == [["a", "b"], ['<x> & "y"', "http://x/?a=1&b=2"], ["1\t2\n3", ""], ["_:b0", "4"]]
    tsv = write_result(result, "tsv").decode().split("\n")
    assert tsv[2] == '"1\\t2\\n3"\t'  # one line per row: tabs and newlines escaped
    assert text_table(result).splitlines()[3] == "1\t2\\n3"


# ---------------------------------------------------------------------------------------------
# envanter query


@pytest.mark.parametrize("name", QUERIES)
def test_query_prints_a_table(dist: Path, name: str) -> None:
    code, out, err = query(str(ROOT / "queries" / f"{name}.rq"), "--dist", str(dist))
    assert code == 0, err
    expected = golden(name)
    lines = out.splitlines()
    assert lines[0].split() == expected["columns"]
    assert set(lines[1]) == {"-", " "}
    assert len(lines) == 2 + len(expected["rows"])
    for line, row in zip(lines[2:], expected["rows"], strict=True):
        assert line.startswith(row[0])
        for cell in row:
            assert cell in line


@pytest.mark.parametrize("name", QUERIES)
def test_query_prints_csv(dist: Path, name: str) -> None:
    code, out, err = query(
        str(ROOT / "queries" / f"{name}.rq"), "--dist", str(dist), "--format", "csv"
    )
    assert code == 0, err
    expected = golden(name)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [expected["columns"], *expected["rows"]]


@pytest.mark.parametrize("name", QUERIES)
def test_query_prints_sparql_json(dist: Path, name: str) -> None:
    code, out, err = query(
        str(ROOT / "queries" / f"{name}.rq"), "--dist", str(dist), "--format", "json"
    )
    assert code == 0, err
    expected = golden(name)
    data = json.loads(out)
    assert data["head"]["vars"] == expected["columns"]
    rows = [[b[v]["value"] for v in expected["columns"]] for b in data["results"]["bindings"]]
    assert rows == expected["rows"]


def test_query_ask_and_construct(dist: Path) -> None:
    thing = f"{BASE}id/hizmet/halk-sut-destegi"
    assert query("-e", f"ASK {{ <{thing}> ?p ?o }}", "--dist", str(dist))[1] == "true\n"
    assert query("-e", "ASK { <urn:x:y> ?p ?o }", "--dist", str(dist))[1] == "false\n"
    code, out, _ = query("-e", "ASK {}", "--dist", str(dist), "--format", "json")
    assert json.loads(out) == {"head": {}, "boolean": True}
    construct = f"CONSTRUCT {{ <{thing}> ?p ?o }} WHERE {{ <{thing}> ?p ?o }}"
    code, out, _ = query("-e", construct, "--dist", str(dist))
    assert code == 0
    graph = Graph().parse(data=out, format="nt")
    assert len(graph) > 10
    code, out, _ = query("-e", construct, "--dist", str(dist), "--format", "json")
    assert set(Graph().parse(data=out, format="json-ld")) == set(graph)
    code, _, err = query("-e", construct, "--dist", str(dist), "--format", "csv")
    assert code == 2
    assert err == (
        "error: a CONSTRUCT or DESCRIBE answer is a graph: print it with --format table "
        "(N-Triples) or --format json (JSON-LD), not csv\n"
    )


def test_a_syntax_error_is_shown_word_for_word(dist: Path) -> None:
    code, out, err = query("-e", "SELECT ?x WHERE { ?x ?y }", "--dist", str(dist))
    assert (code, out) == (2, "")
    assert err == (
        "error: the query is not valid SPARQL: error at 1:26: expected one of LATERAL, SERVICE, [_]\n"
    )


def test_an_update_is_refused(dist: Path) -> None:
    code, _, err = query("-e", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--dist", str(dist))
    assert code == 2
    assert err == (
        "error: SPARQL updates are refused: this endpoint is read-only "
        "(send a SELECT, ASK, CONSTRUCT or DESCRIBE query)\n"
    )
    assert len(load_store(dist)) == sum(1 for _ in (dist / "data" / "dataset.nt").open())


def test_a_missing_dataset_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = query("-e", "ASK {}", "--dist", str(tmp_path))
    assert code == 2
    assert err == (
        f"error: no dataset at {tmp_path}/data/dataset.nt: build it first "
        f"(`envanter build --out {tmp_path}`) or pass --dist DIR\n"
    )


def test_exactly_one_query_is_given(dist: Path) -> None:
    both = query(str(ROOT / "queries" / f"{QUERIES[0]}.rq"), "-e", "ASK {}", "--dist", str(dist))
    neither = query("--dist", str(dist))
    for code, _, err in (both, neither):
        assert (code, err) == (2, "error: give a query file or -e TEXT (exactly one)\n")
    code, _, err = query(str(ROOT / "queries" / "nothing.rq"), "--dist", str(dist))
    assert code == 2 and err.startswith("error: cannot read the query file")


def test_query_sends_to_an_endpoint(dist: Path, endpoint: str) -> None:
    """The same answer from the server's endpoint as from the dataset."""
    for name in QUERIES:
        file = str(ROOT / "queries" / f"{name}.rq")
        local = query(file, "--dist", str(dist), "--format", "csv")
        remote = query(file, "--endpoint", endpoint, "--dist", str(dist), "--format", "csv")
        assert remote == local
    code, out, _ = query("-e", "ASK {}", "--endpoint", endpoint)
    assert (code, out) == (0, "true\n")
    thing = f"{BASE}id/hizmet/halk-sut-destegi"
    code, out, _ = query("-e", f"DESCRIBE <{thing}>", "--endpoint", endpoint)
    assert code == 0 and len(Graph().parse(data=out, format="nt")) > 10
    code, _, err = query("-e", "SELECT ?x WHERE { ?x ?y }", "--endpoint", endpoint)
    assert code == 2 and err.startswith(f"error: the SPARQL endpoint {endpoint} refused the query")


def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = query("-e", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert code == 2
    assert err == (
        f"error: cannot reach the SPARQL endpoint http://127.0.0.1:{port}/sparql: "
        "connection refused (is it running, and is this its address?)\n"
    )
