"""Editions in the catalog (DCAT 3 versioning) across two builds, the second `--previous` the
first: a service changed, one added, one withdrawn."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from envanter.run.executor import Serial
from envanter.run.pipeline import BuildOptions, build

from .conftest import ROOT
from .serving import Running, serving

BASE = "https://envanter.example/"
SOURCE = ROOT / "tests" / "inventories" / "kadikoy-tapu-mudurlugu.csv"
METADATA = (
    "publisher: {name: Kadıköy Tapu Müdürlüğü}\n"
    "place: {name: İstanbul, wikidata: Q406}\nreference_year: 2024\n"
)
# The editions' build times (SOURCE_DATE_EPOCH): 2026-01-01 and 2026-01-02, midnight UTC.
FIRST, SECOND = "1767225600", "1767312000"
HIZMET = BASE + "id/hizmet/kadikoy-tapu-mudurlugu--"
CHANGED = HIZMET + "satis-tapu-devri"  # its annual count changes
WITHDRAWN = HIZMET + "tapu-kaydi-ornegi-verilmesi"  # row 5 of edition 1, gone in edition 2
ADDED = HIZMET + "aile-konutu-serhi"  # row 6 of the table, new in edition 2
DATASET = URIRef(BASE + "id/veri-seti/kadikoy-tapu-mudurlugu")
EDITION_1 = URIRef(BASE + "id/surum/1")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")


def write_source(folder: Path, rows: list[int], counts: dict[int, str]) -> Path:
    """The table with only these rows (numbered again from 1), some annual counts changed."""
    table = list(csv.reader(io.StringIO(SOURCE.read_text(encoding="utf-8-sig"))))
    out = [table[0]]
    for number, row in enumerate((list(table[r]) for r in rows), 1):
        if int(row[0]) in counts:
            row[18] = counts[int(row[0])]
        row[0] = str(number)
        out.append(row)
    folder.mkdir(parents=True)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(out)
    path = folder / SOURCE.name
    path.write_text(text.getvalue(), encoding="utf-8")
    path.with_name(SOURCE.stem + ".meta.yaml").write_text(METADATA, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Editions:
    first: Path
    second: Path


def build_edition(source: Path, out: Path, ids: Path, epoch: str, previous: Path | None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", epoch)
        patch.chdir(ROOT)
        options = BuildOptions(source=source, out=out, ids=ids, corrections=None, previous=previous)
        build(options, executor=Serial())


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    folder = tmp_path_factory.mktemp("editions")
    ids = folder / "ids"  # the inventory's pinned slugs, kept from one edition to the next
    first, second = folder / "first", folder / "second"
    build_edition(write_source(folder / "s1", [1, 2, 3, 4, 5], {}), first, ids, FIRST, None)
    source = write_source(folder / "s2", [1, 2, 3, 4, 6], {1: "19.000 işlem"})
    build_edition(source, second, ids, SECOND, first)
    return Editions(first, second)


def catalog(dist: Path) -> Graph:
    return Graph().parse(dist / "catalog.ttl", format="turtle")


def test_a_first_edition_is_version_1_with_no_earlier_one(editions: Editions) -> None:
    graph = catalog(editions.first)
    assert list(graph.objects(DATASET, DCAT.version)) == [Literal("1")]
    for term in (DCAT.hasVersion, DCAT.previousVersion):
        assert not list(graph.objects(DATASET, term))
    assert not (editions.first / "surum").exists()


def test_the_next_edition_links_the_previous_one_and_its_dumps(editions: Editions) -> None:
    graph = catalog(editions.second)
    assert list(graph.objects(DATASET, DCAT.version)) == [Literal("2")]
    assert list(graph.objects(DATASET, DCAT.previousVersion)) == [EDITION_1]
    assert list(graph.objects(DATASET, DCAT.hasVersion)) == [EDITION_1]
    assert (EDITION_1, RDF.type, DCAT.Dataset) in graph
    assert list(graph.objects(EDITION_1, DCAT.isVersionOf)) == [DATASET]
    assert list(graph.objects(EDITION_1, DCAT.version)) == [Literal("1")]
    # Dated as edition 1's own catalog dated it.
    first = catalog(editions.first).value(DATASET, DCT.modified)
    assert first == Literal("2026-01-01T00:00:00Z", datatype=XSD.dateTime)
    assert graph.value(EDITION_1, DCT.modified) == first
    assert graph.value(DATASET, DCT.modified) == Literal(
        "2026-01-02T00:00:00Z", datatype=XSD.dateTime
    )
    # Its dumps, at their stable paths, with true sizes and checksums: edition 1's bytes.
    urls = set()
    for d in graph.objects(EDITION_1, DCAT.distribution):
        url = str(graph.value(d, DCAT.downloadURL))
        urls.add(url)
        kept = editions.second / url.removeprefix(BASE)
        name = kept.name
        assert kept.read_bytes() == (editions.first / "data" / name).read_bytes(), url
        digest = graph.value(graph.value(d, SPDX.checksum), SPDX.checksumValue)
        assert str(digest) == hashlib.sha256(kept.read_bytes()).hexdigest(), url
        assert int(graph.value(d, DCAT.byteSize)) == kept.stat().st_size, url
    assert urls == {f"{BASE}surum/1/data/dataset.{s}" for s in ("ttl", "nt", "jsonld")}
    # The current dumps stay the dataset's own.
    assert str(BASE + "data/dataset.ttl") in {
        str(graph.value(d, DCAT.downloadURL)) for d in graph.objects(DATASET, DCAT.distribution)
    }


def test_a_third_edition_chains_the_versions(editions: Editions, tmp_path: Path) -> None:
    ids = tmp_path / "ids"
    if (editions.second.parent / "ids").exists():  # (pins, if the builds wrote any)
        shutil.copytree(editions.second.parent / "ids", ids)
    source = write_source(tmp_path / "s3", [1, 2, 3, 4, 6], {1: "20.000 işlem"})
    third = tmp_path / "third"
    build_edition(source, third, ids, "1767398400", editions.second)
    graph = catalog(third)
    edition_2 = URIRef(BASE + "id/surum/2")
    assert list(graph.objects(DATASET, DCAT.version)) == [Literal("3")]
    assert list(graph.objects(DATASET, DCAT.previousVersion)) == [edition_2]
    assert set(graph.objects(DATASET, DCAT.hasVersion)) == {EDITION_1, edition_2}
    assert list(graph.objects(edition_2, DCAT.previousVersion)) == [EDITION_1]
    assert not list(graph.objects(EDITION_1, DCAT.previousVersion))
    assert graph.value(edition_2, DCT.modified) == Literal(
        "2026-01-02T00:00:00Z", datatype=XSD.dateTime
    )
    assert graph.value(EDITION_1, DCT.modified) == Literal(
        "2026-01-01T00:00:00Z", datatype=XSD.dateTime
    )


def test_the_next_editions_catalog_passes_the_official_dcat_ap_shapes(
    editions: Editions,
) -> None:
    from pyshacl import validate

    shapes = Graph().parse(ROOT / "tests" / "reference" / "dcat-ap" / "shacl" / "dcat-ap-SHACL.ttl")
    conforms, _, text = validate(catalog(editions.second), shacl_graph=shapes, inference="none")
    assert conforms, text


@pytest.fixture(scope="module")
def served(editions: Editions, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(editions.second, log) as running:
        yield running


def get(running: Running, path: str, accept: str) -> tuple[int, str]:
    conn = running.connect()
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


def test_every_catalog_iri_of_the_next_edition_dereferences(
    editions: Editions, served: Running
) -> None:
    graph = catalog(editions.second)
    iris = {
        str(s).split("#")[0]
        for s in graph.subjects()
        if isinstance(s, URIRef) and str(s).startswith(BASE) and str(s) != BASE
    }
    assert str(EDITION_1) in iris and BASE + "id/dagitim/surum-1-data-dataset-ttl" in iris
    for iri in sorted(iris):
        path = "/" + iri.removeprefix(BASE)
        for accept in ("text/turtle", "text/html", "application/ld+json", "application/n-triples"):
            status, location = get(served, path, accept)
            assert status == 303, (path, accept)
            assert get(served, location, "*/*")[0] == 200, (path, accept, location)
    # Edition 1's dataset document says what the catalog says of it (compared as values: a
    # plain literal is an xsd:string, a time the same instant however written).
    _, location = get(served, "/id/surum/1", "text/turtle")

    def said(path: Path) -> set[tuple[object, object]]:
        graph = Graph().parse(path, format="turtle")
        return {
            (p, Literal(str(o), datatype=XSD.string) if plain(o) else o)
            for p, o in graph.predicate_objects(EDITION_1)
        }

    document = said(editions.second / location.lstrip("/"))
    assert document and document == said(editions.second / "catalog.ttl")


def plain(term: object) -> bool:
    return isinstance(term, Literal) and term.datatype is None and term.language is None
