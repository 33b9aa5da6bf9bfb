"""`envanter publish` against a real Oxigraph server (the `oxigraph` package's CLI) on 127.0.0.1:
the graph is replaced, not appended to, and the errors say what happened."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from envanter.cli import main
from envanter.publish import PublishError, count_in_store, count_triples, graph_url, publish
from envanter.sparql import dataset_iri

from .conftest import build_seed, free_port
from .serving import oxigraph as running_oxigraph

BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:

    out = tmp_path_factory.mktemp("publish") / "dist"
    build_seed(out, BASE)
    return out


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh Oxigraph server; yields its address (`http://127.0.0.1:PORT`)."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph") / "store") as port:
        yield f"http://127.0.0.1:{port}"


def test_publishing_twice_leaves_one_copy(dist: Path, oxigraph: str) -> None:
    dump_triples = count_triples(dist / "data" / "dataset.nt")
    lines = sum(1 for line in (dist / "data" / "dataset.nt").open(encoding="utf-8") if line.strip())
    assert dump_triples == lines > 9000
    runner = CliRunner()
    arguments = ["publish", "--store", f"{oxigraph}/store", "--query", f"{oxigraph}/query"]
    for _ in range(2):
        result = runner.invoke(main, [*arguments, "--dist", str(dist)])
        assert result.exit_code == 0, result.output
        graph = dataset_iri(dist)
        assert f"published {dump_triples} triples into <{graph}>" in result.stderr
        assert count_in_store(f"{oxigraph}/query", graph) == dump_triples
    # Another graph: the first one is left as it was.
    other = f"{BASE}id/veri-seti/baska"
    published = publish(dist, f"{oxigraph}/store", f"{oxigraph}/query", other)
    assert (published.graph, published.count) == (other, dump_triples)
    assert count_in_store(f"{oxigraph}/query", dataset_iri(dist)) == dump_triples


def test_an_unreachable_store_is_a_clear_error(dist: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        main,
        [
            "publish",
            "--store",
            f"{closed}/store",
            "--query",
            f"{closed}/query",
            "--dist",
            str(dist),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot reach the graph store at {closed}/store: connection refused "
        "(is the store running, and is this its address?)\n"
    )


def test_a_store_path_that_is_not_the_graph_store_is_an_http_error(
    dist: Path, oxigraph: str
) -> None:
    with pytest.raises(PublishError) as caught:
        publish(dist, f"{oxigraph}/nothing-here", f"{oxigraph}/query")
    message = str(caught.value)
    url = graph_url(f"{oxigraph}/nothing-here", dataset_iri(dist))
    assert message.startswith(f"the graph store refused the data: PUT {url} answered 404 ")
    assert "expected 200, 201 or 204" in message


def test_a_count_that_does_not_match_is_an_error(dist: Path, oxigraph: str) -> None:
    graph = f"{BASE}id/veri-seti/sayim"
    dump_triples = count_triples(dist / "data" / "dataset.nt")
    with pytest.raises(PublishError) as caught:
        publish(dist, f"{oxigraph}/store", f"{oxigraph}/query", graph, expected=dump_triples + 1)
    assert str(caught.value) == (
        f"after the upload the store holds {dump_triples} triples in <{graph}>, but the dump "
        f"{dist / 'data' / 'dataset.nt'} has {dump_triples + 1}: check that {oxigraph}/query "
        f"queries the same store as {oxigraph}/store"
    )


def test_a_query_endpoint_that_is_not_one_is_an_error(dist: Path, oxigraph: str) -> None:
    with pytest.raises(PublishError, match=r"the query endpoint .*/nothing-here"):
        publish(dist, f"{oxigraph}/store", f"{oxigraph}/nothing-here")


def test_a_bad_graph_iri_is_refused_before_anything_is_sent(dist: Path) -> None:
    with pytest.raises(PublishError, match="is not an absolute IRI"):
        publish(dist, "http://127.0.0.1:9/store", "http://127.0.0.1:9/query", "not an iri")


def test_graph_url_keeps_the_stores_own_parameters() -> None:
    assert graph_url("http://h/store", "http://x/g") == "http://h/store?graph=http%3A%2F%2Fx%2Fg"
    assert graph_url("http://h/crud?a=1", "http://x/g").startswith("http://h/crud?a=1&graph=")


def test_the_published_graph_comes_back_as_the_dump(dist: Path, oxigraph: str) -> None:
    """Every literal keeps its datatype in the store (no xsd:positiveInteger read back as
    xsd:integer): the graph fetched back with CONSTRUCT is the dump."""
    from urllib.parse import urlencode
    from urllib.request import Request, urlopen

    from rdflib import Graph
    from rdflib.compare import isomorphic

    graph = f"{BASE}id/veri-seti/geri"
    publish(dist, f"{oxigraph}/store", f"{oxigraph}/query", graph)
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    request = Request(
        f"{oxigraph}/query?{urlencode({'query': query})}",
        headers={"Accept": "application/n-triples"},
    )
    with urlopen(request, timeout=60) as response:
        answered = Graph().parse(data=response.read(), format="nt")
    dump = Graph().parse(dist / "data" / "dataset.nt", format="nt")
    assert len(answered) == len(dump) > 9000
    assert isomorphic(answered, dump)


def test_the_dump_is_counted_without_holding_its_triples(tmp_path: Path) -> None:
    """Counted as they stream past: holding 100,000 triples as Python objects takes tens of
    megabytes; counting them, a few kilobytes."""
    import tracemalloc

    dump = tmp_path / "dataset.nt"
    with dump.open("w", encoding="utf-8") as f:
        for k in range(100_000):
            f.write(f'<http://x/s{k}> <http://x/p> "value {k}"@tr .\n')
    tracemalloc.start()
    try:
        assert count_triples(dump) == 100_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_publish_waits_for_a_store_that_starts_late(dist: Path, tmp_path: Path) -> None:
    """--wait-ready: the store starts listening a second after publish starts; it is waited
    for, and the upload and the count are made."""
    import subprocess
    import threading

    from .serving import oxigraph_binary

    port = free_port()
    started: list[subprocess.Popen[bytes]] = []

    def start_late() -> None:
        time.sleep(1.0)
        started.append(
            subprocess.Popen(
                [
                    oxigraph_binary(),
                    "serve",
                    "--location",
                    str(tmp_path / "store"),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    late = threading.Thread(target=start_late)
    late.start()
    try:
        result = CliRunner().invoke(
            main,
            [
                "publish",
                "--store",
                f"http://127.0.0.1:{port}/store",
                "--query",
                f"http://127.0.0.1:{port}/query",
                "--dist",
                str(dist),
                "--wait-ready",
                "30",
                "--timeout",
                "60",
            ],
        )
        late.join()
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith("published ")
    finally:
        late.join()
        for process in started:
            process.terminate()
            process.wait(timeout=10)


def test_a_store_that_never_answers_is_an_error_after_the_wait(dist: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(PublishError) as caught:
        publish(dist, f"{closed}/store", f"{closed}/query", wait=1.0)
    assert time.monotonic() - started < 5
    assert str(caught.value) == (
        f"the query endpoint {closed}/query did not answer within --wait-ready 1 s "
        "(connection refused (is the store running, and is this its address?))"
    )


def test_timeout_must_be_positive(dist: Path) -> None:
    with pytest.raises(PublishError, match="--timeout must be a positive number of seconds"):
        publish(dist, "http://127.0.0.1:9/store", "http://127.0.0.1:9/query", timeout=0)
