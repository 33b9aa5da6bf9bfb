"""Every JSON-LD file of the publication is read alone, offline: its context is inline, and
three processors (PyLD, rdflib, pyoxigraph), with their default settings and no network, read
each to the graph of the matching Turtle or N-Triples document."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from pyld import jsonld  # type: ignore[import-untyped]


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No network: a processor that would fetch a context fails at once instead of hanging."""

    def refuse(*_: object, **__: object) -> None:
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


def triples_of(ntriples: bytes | str) -> set[ox.Triple]:
    data = ntriples.encode() if isinstance(ntriples, str) else ntriples
    return {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}


def read_three_ways(path: Path) -> dict[str, set[ox.Triple]]:
    """The file's triples as each processor reads it (as N-Triples, read back by pyoxigraph)."""
    by_rdflib = rdflib.Graph().parse(path, format="json-ld").serialize(format="nt")
    by_pyld = jsonld.to_rdf(
        json.loads(path.read_text(encoding="utf-8")), {"format": "application/n-quads"}
    )
    return {
        "pyoxigraph": {q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD)},
        "rdflib": triples_of(by_rdflib),
        "PyLD": triples_of(by_pyld),
    }


def matching(path: Path) -> Path:
    """The Turtle or N-Triples file with the same triples: the dump's N-Triples, a document's
    Turtle."""
    return path.with_suffix(".nt" if path.name == "dataset.jsonld" else ".ttl")


def isomorphic(a: set[ox.Triple], b: set[ox.Triple]) -> bool:
    """Whether two graphs are the same up to blank node names: without blank nodes exactly when
    their triples are the same (quick); with them, as rdflib compares graphs."""
    if not any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in a | b
    ):
        return a == b
    graphs = [
        rdflib.Graph().parse(data=ox.serialize(g, format=ox.RdfFormat.N_TRIPLES), format="nt")
        for g in (a, b)
    ]
    return rdflib.compare.isomorphic(*graphs)


def test_every_jsonld_file_reads_offline_as_its_turtle(seed_dist: Path, offline: None) -> None:
    files = sorted(p for p in seed_dist.rglob("*.jsonld") if p.name != "context.jsonld")
    assert seed_dist / "data" / "dataset.jsonld" in files
    assert len(files) > 300  # the dump and every minted URI's document
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(document["@context"], dict), f"{path}: the context is not inline"
        expected = {
            q.triple for q in ox.parse(path=str(matching(path)), format=ox.RdfFormat.TURTLE)
        }
        assert expected, path
        # rdflib rewrites some literals as it reads them (a dateTime's "Z" as "+00:00"), from
        # Turtle as from JSON-LD: it must read the same graph from both.
        by_rdflib = rdflib.Graph().parse(matching(path)).serialize(format="nt")
        for processor, triples in read_three_ways(path).items():
            wanted = triples_of(by_rdflib) if processor == "rdflib" else expected
            assert isomorphic(triples, wanted), f"{path}: {processor} reads another graph"


def test_a_document_names_only_the_prefixes_it_uses(seed_dist: Path) -> None:
    document = json.loads(
        (seed_dist / "doc" / "def" / "sure-birimi" / "gun.jsonld").read_text(encoding="utf-8")
    )
    assert "hizmet" not in document["@context"]
    assert document["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    dump = json.loads((seed_dist / "data" / "dataset.jsonld").read_text(encoding="utf-8"))
    assert dump["@context"] == json.loads((seed_dist / "context.jsonld").read_text())["@context"]
