"""The change feed's pages, written from the dump's own lines: the same bytes as the triples
sorted by `in_order` and written by `write_turtle`, however the dump is cut into pieces."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from envanter.publication import ldes
from envanter.publication.ldes import (
    PREFIXES,
    OwnTriples,
    Version,
    runs,
    typed_services,
    write_feed,
)
from envanter.rdf.graph import in_order
from envanter.rdf.serialize import write_turtle
from envanter.rdf.vocab import DCT, PUBLIC_SERVICE, RDF_TYPE, XSD

BASE = "https://envanter.example/"
TIME = "2026-12-06T00:00:00Z"
n = ox.NamedNode


def service(slug: str) -> str:
    return f"{BASE}id/hizmet/{slug}"


# Slugs that sort differently as IRIs and as N-Triples terms (`a` < `a-1` as text, but
# `<…#a>` > `<…#a-1>`), literals that need escapes, several types, language tags, datatypes.
SERVICES: dict[str, list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]]] = {
    "a": [
        (RDF_TYPE, n(PUBLIC_SERVICE)),
        (RDF_TYPE, n("http://example.org/Also")),
        (n(DCT + "title"), ox.Literal('Çocuk "destek"\nikinci satır\\', language="tr")),
        (n(DCT + "title"), ox.Literal("Child support", language="en")),
        (n(DCT + "identifier"), ox.Literal("a")),
        (n(BASE + "def/envanter#annualCount"), ox.Literal("12", datatype=n(XSD + "integer"))),
        (n(DCT + "isPartOf"), n(BASE + "id/veri-seti/x")),
    ],
    "a-1": [
        (RDF_TYPE, n(PUBLIC_SERVICE)),
        (n(DCT + "title"), ox.Literal("İğdır <şube> \t sekme", language="tr")),
        (n(DCT + "title"), ox.Literal("İğdır", language="tr-TR")),
        (n(DCT + "description"), ox.Literal("x\r\ny")),
    ],
    "b": [
        (RDF_TYPE, n(PUBLIC_SERVICE)),
        (n("http://data.europa.eu/m8g/hasParticipation"), n(service("b") + "#paraf-1")),
        (n("http://data.europa.eu/m8g/hasParticipation"), n(service("b") + "#paraf-10")),
        (n("http://data.europa.eu/m8g/hasParticipation"), n(service("b") + "#paraf-2")),
    ],
}


def triples_of(slug: str) -> list[ox.Triple]:
    return [ox.Triple(n(service(slug)), p, o) for p, o in SERVICES[slug]]


def other_triples() -> list[ox.Triple]:
    """What a dump holds besides the services' own triples: fragments, blank nodes, others."""
    paraf = n(service("b") + "#paraf-1")
    blank = ox.BlankNode("b0")
    return [
        ox.Triple(paraf, RDF_TYPE, n("http://data.europa.eu/m8g/Participation")),
        ox.Triple(blank, n(DCT + "title"), ox.Literal("boş düğüm")),
        ox.Triple(n(BASE + "id/kurum/k"), n(DCT + "title"), ox.Literal("Kurum", language="tr")),
        # Not a service, though its IRI looks like one (not typed cpsv:PublicService).
        ox.Triple(n(service("c")), n(DCT + "title"), ox.Literal("c")),
    ]


def nt(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def old_page(versions: list[Version], path: str) -> bytes:
    """A page as the feed wrote it from triples: built as ox.Triple, sorted by `in_order`."""
    node = n(BASE + path)
    stream = n(BASE + "ldes/akis.ttl#akis")
    stamp = ox.Literal(TIME, datatype=n(XSD + "dateTime"))
    triples = [ox.Triple(node, RDF_TYPE, n("https://w3id.org/tree#Node"))]
    for v in sorted(versions, key=lambda v: v.service):
        member = n(f"{BASE}{path}#{v.service.rsplit('/', 1)[1]}")
        triples.append(ox.Triple(stream, n("https://w3id.org/tree#member"), member))
        triples.append(ox.Triple(member, n(DCT + "isVersionOf"), n(v.service)))
        triples.append(ox.Triple(member, n("http://www.w3.org/ns/prov#generatedAtTime"), stamp))
        if v.withdrawn_title is not None:
            triples.append(
                ox.Triple(member, RDF_TYPE, n("https://www.w3.org/ns/activitystreams#Delete"))
            )
            title = ox.Literal(v.withdrawn_title, language="tr")
            triples.append(ox.Triple(member, n(DCT + "title"), title))
        triples += [ox.Triple(member, t.predicate, t.object) for t in triples_of_version(v)]
    return ox.serialize(in_order(triples), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def triples_of_version(v: Version) -> list[ox.Triple]:
    slug = v.service.rsplit("/", 1)[1]
    return triples_of(slug) if v.withdrawn_title is None else []


def write_dump(path: Path, parts: list[list[ox.Triple]], last_break: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = b"".join(nt(part) for part in parts)
    path.write_bytes(data if last_break else data.rstrip(b"\n"))
    return path


@pytest.fixture(params=[1 << 24, 64, 7], ids=["whole", "pieces", "tiny-pieces"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """The dump read whole, and in pieces shorter than a service's run and than a line."""
    monkeypatch.setattr(ldes, "CHUNK", request.param)
    return int(request.param)


def test_a_service_is_found_with_its_own_lines_only(tmp_path: Path, chunk: int) -> None:
    dump = write_dump(
        tmp_path / "dataset.nt",
        [other_triples()[:2], triples_of("a"), other_triples()[2:], triples_of("b")],
    )
    assert typed_services(dump) == {f"<{service('a')}>".encode(), f"<{service('b')}>".encode()}
    with OwnTriples(dump, None) as own:
        assert own.services == [service("a"), service("b")]
        for slug in ("a", "b"):
            found = list(ox.parse(own.lines(service(slug)), format=ox.RdfFormat.N_TRIPLES))
            assert {q.triple for q in found} == set(triples_of(slug))
        assert own.lines(service("c")) == b""


def test_a_service_whose_lines_are_apart_is_read_whole(tmp_path: Path, chunk: int) -> None:
    """A dump whose service is described in two places, its type in the second."""
    a = triples_of("a")
    dump = write_dump(
        tmp_path / "dataset.nt", [a[2:], other_triples(), a[:2], triples_of("b")], False
    )
    with OwnTriples(dump, None) as own:
        assert own.services == [service("a"), service("b")]
        found = ox.parse(own.lines(service("a")), format=ox.RdfFormat.N_TRIPLES)
        assert {q.triple for q in found} == set(a)


def test_the_runs_cover_every_line_about_an_iri(tmp_path: Path, chunk: int) -> None:
    parts = [triples_of("a"), other_triples(), triples_of("a-1"), triples_of("b")]
    dump = write_dump(tmp_path / "dataset.nt", parts)
    data = dump.read_bytes()
    found = list(runs(dump))
    lines = [line for line in data.splitlines(keepends=True) if line.startswith(b"<")]
    assert b"".join(data[start:end] for _, start, end in found) == b"".join(lines)
    for subject, start, end in found:
        assert all(line.startswith(subject + b" ") for line in data[start:end].splitlines())


def test_the_pages_are_the_bytes_in_order_makes(tmp_path: Path, chunk: int) -> None:
    dump = write_dump(
        tmp_path / "data" / "dataset.nt",
        [triples_of("b"), other_triples(), triples_of("a-1"), triples_of("a")],
    )
    with OwnTriples(dump, None) as own:
        versions = [Version(iri, dump=own) for iri in own.services]
        gone = Version(service("z"), withdrawn_title='Kaldırılan "hizmet"')
        write_feed(BASE, tmp_path, 1, TIME, [*versions, gone], None, page_size=2)
    pages = sorted((tmp_path / "ldes" / "1").iterdir())
    assert [p.name for p in pages] == ["1.ttl", "2.ttl"]
    everyone = sorted([*versions, gone], key=lambda v: v.service)
    assert pages[0].read_bytes() == old_page(everyone[:2], "ldes/1/1.ttl")
    assert pages[1].read_bytes() == old_page(everyone[2:], "ldes/1/2.ttl")


def test_versions_given_as_triples_write_the_same_pages(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dataset.nt", [triples_of("a"), triples_of("b")])
    with OwnTriples(dump, {service("a"), service("b")}) as own:
        write_feed(BASE, tmp_path / "x", 1, TIME, [Version(service("a"), dump=own)], None)
    given = Version(service("a"), tuple(triples_of("a")))
    write_feed(BASE, tmp_path / "y", 1, TIME, [given], None)
    x = (tmp_path / "x" / "ldes" / "1" / "1.ttl").read_bytes()
    assert x == (tmp_path / "y" / "ldes" / "1" / "1.ttl").read_bytes()
    assert x == old_page([given], "ldes/1/1.ttl")


def test_the_view_is_written_as_before(tmp_path: Path) -> None:
    """(The view is small: still sorted by `in_order` and written by `write_turtle`.)"""
    write_feed(BASE, tmp_path, 1, TIME, [Version(service("a"), tuple(triples_of("a")))], None)
    view = ox.parse(path=str(tmp_path / "ldes" / "akis.ttl"), format=ox.RdfFormat.TURTLE)
    triples = [q.triple for q in view]
    again = write_turtle(in_order(triples), PREFIXES, tmp_path / "again.ttl")
    assert again.read_bytes() == (tmp_path / "ldes" / "akis.ttl").read_bytes()
