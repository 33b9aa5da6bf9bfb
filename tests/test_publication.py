"""Publication: dumps that agree, honest checksums, reproducible and atomic output."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.compare import isomorphic

from envanter.run.pipeline import BuildOptions, build

BASE = "https://envanter.example/"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="module")
def dist(seed_dist: Path) -> Path:
    return seed_dist


def jsonld_graph(path: Path, dist: Path) -> Graph:
    """Parse our JSON-LD as it is: it carries the prefixes of the context we publish, inline."""
    document = json.loads(path.read_text(encoding="utf-8"))
    context = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert document["@context"].items() <= context.items()
    return Graph().parse(path, format="json-ld")


def test_the_three_dumps_are_the_same_graph(dist: Path) -> None:
    nt = Graph().parse(dist / "data" / "dataset.nt", format="nt")
    ttl = Graph().parse(dist / "data" / "dataset.ttl", format="turtle")
    jsonld = jsonld_graph(dist / "data" / "dataset.jsonld", dist)
    assert len(nt) > 9000
    assert isomorphic(nt, ttl)
    assert isomorphic(nt, jsonld)


def test_turtle_is_readable(dist: Path) -> None:
    text = (dist / "data" / "dataset.ttl").read_text(encoding="utf-8")
    assert "@prefix hizmet: <https://envanter.example/id/hizmet/> ." in text
    assert "\nhizmet:sosyal-destek-istanbulkart a cpsv:PublicService ;\n" in text
    subjects = [
        line.split(" ", 1)[0]
        for line in text.splitlines()
        if line and not line.startswith(("@prefix", "\t", " "))
    ]
    assert len(subjects) == len(set(subjects))  # each subject once: grouped


def test_every_checksum_and_size_in_the_catalog_is_true(dist: Path) -> None:
    catalog = Graph().parse(dist / "catalog.ttl", format="turtle")
    distributions = list(catalog.subjects(None, DCAT.Distribution))
    # the tables and their CSVW metadata, three dumps, the validation report
    assert len(distributions) == len(list((dist / "data" / "tables").glob("*"))) + 4
    for d in distributions:
        url = str(catalog.value(d, DCAT.downloadURL))
        path = dist / url.removeprefix(BASE)
        checksum = catalog.value(d, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert str(catalog.value(checksum, SPDX.checksumValue)) == digest, url
        assert int(catalog.value(d, DCAT.byteSize)) == path.stat().st_size, url


def test_void_statistics(dist: Path) -> None:
    catalog = Graph().parse(dist / "catalog.ttl", format="turtle")
    dataset = URIRef(BASE + "id/veri-seti/ibb-sosyal-hizmetler-2025")
    nt = Graph().parse(dist / "data" / "dataset.nt", format="nt")
    assert int(catalog.value(dataset, VOID.triples)) == len(nt)
    entities = {s for s in nt.subjects() if isinstance(s, URIRef) and s.startswith(BASE + "id/")}
    assert int(catalog.value(dataset, VOID.entities)) == len(entities)
    assert int(catalog.value(dataset, VOID.classes)) == len(set(nt.objects(None, RDF.type)))
    examples = sorted(map(str, catalog.objects(dataset, VOID.exampleResource)))
    assert examples == sorted(map(str, nt.subjects(RDF.type, CPSV.PublicService)))[:3]
    assert len(set(catalog.objects(dataset, VOID.dataDump))) == 3
    assert str(catalog.value(dataset, URIRef("http://purl.org/dc/terms/modified"))).startswith(
        "2026-01-01T00:00:00"
    )


@pytest.mark.parametrize(
    "files",
    [
        ("html/shacl/shapes.ttl", "html/shacl/range.ttl"),
        ("shacl/dcat-ap-SHACL.ttl",),  # the single file, ranges included
    ],
    ids=["shapes-and-ranges", "single-file"],
)
def test_catalog_passes_the_official_dcat_ap_shapes(dist: Path, files: tuple[str, ...]) -> None:
    from pyshacl import validate

    folder = Path(__file__).parent / "reference" / "dcat-ap"  # vendored
    shapes = Graph()
    for name in files:
        shapes.parse(folder / name)
    catalog = Graph().parse(dist / "catalog.ttl", format="turtle")
    conforms, _, text = validate(catalog, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_a_document_for_every_minted_uri(dist: Path) -> None:
    nt = Graph().parse(dist / "data" / "dataset.nt", format="nt")
    minted = {
        str(s)
        for s in nt.subjects()
        if str(s).startswith((BASE + "id/", BASE + "def/")) and "#" not in str(s)
    }
    for iri in minted:
        rel = "doc/" + iri.removeprefix(BASE)
        assert (dist / f"{rel}.ttl").exists() and (dist / f"{rel}.jsonld").exists(), iri
    service = URIRef(BASE + "id/hizmet/halk-sut-destegi")
    doc = Graph().parse(dist / "doc/id/hizmet/halk-sut-destegi.ttl", format="turtle")
    assert set(doc.predicate_objects(service)) == set(nt.predicate_objects(service))
    unit = URIRef(BASE + "id/kurum/sosyal-hizmetler-sube-mudurlugu")
    skos_pref = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert set(doc.objects(unit, skos_pref)) == set(nt.objects(unit, skos_pref))
    assert isomorphic(doc, jsonld_graph(dist / "doc/id/hizmet/halk-sut-destegi.jsonld", dist))


def test_two_builds_are_byte_identical(dist: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        build(BuildOptions(out=again))
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    first = sorted(p.relative_to(dist) for p in dist.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    different = [p for p in first if (dist / p).read_bytes() != (again / p).read_bytes()]
    assert different == []


def test_a_build_failing_midway_leaves_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    build(BuildOptions(out=out))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def fail(*_args: object, **_kwargs: object) -> Path:
        raise OSError("disk full while writing the catalog")

    monkeypatch.setattr("envanter.run.finish.write_catalog", fail)
    with pytest.raises(OSError, match="disk full"):
        build(BuildOptions(out=out))
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_sampled_resource_documents_hold_their_description(dist: Path) -> None:
    nt = Graph().parse(dist / "data" / "dataset.nt", format="nt")
    docs = sorted((dist / "doc").rglob("*.ttl"))
    assert len(docs) > 300
    fragments: dict[str, list[URIRef]] = {}
    for s in set(nt.subjects()):
        if isinstance(s, URIRef) and "#" in s:
            fragments.setdefault(str(s).partition("#")[0], []).append(s)
    # The catalog's own IRIs (the catalog, its distributions) are described by catalog.ttl;
    # the shapes' documents are checked in test_shapes_published.py.
    catalog = Graph().parse(dist / "catalog.ttl", format="turtle")
    for path in docs[::10]:
        iri = URIRef(BASE + str(path.relative_to(dist / "doc").with_suffix("")))
        if iri == URIRef(BASE + "def/sekiller"):
            continue
        source = nt if (iri, None, None) in nt else catalog
        doc = Graph().parse(path, format="turtle")
        # its description, and its fragments' (a service's participations, steps …)
        for s in [iri, *fragments.get(str(iri), [])]:
            assert set(doc.predicate_objects(s)) == set(source.predicate_objects(s)), s
        if source is nt:
            assert isomorphic(doc, jsonld_graph(path.with_suffix(".jsonld"), dist)), iri
        else:  # expanded JSON-LD, which needs no context
            expanded = Graph().parse(path.with_suffix(".jsonld"), format="json-ld")
            assert isomorphic(doc, expanded), iri


def test_resource_turtle_escapes_hostile_text_and_declares_only_prefixes_it_uses() -> None:
    import pyoxigraph as ox

    from envanter.rdf.serialize import turtle_document

    s = ox.NamedNode(BASE + "id/hizmet/x")
    nasty = 'say "hi"\n\\ <script>{{ 7*7 }}</script>\t\r end'
    triples = [
        ox.Triple(
            s, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal(nasty, language="tr")
        ),
        ox.Triple(
            s,
            ox.NamedNode("http://purl.org/dc/terms/source"),
            ox.NamedNode(BASE + "id/hizmet/a(b)"),
        ),
    ]
    prefixes = {
        "dct": "http://purl.org/dc/terms/",
        "hizmet": BASE + "id/hizmet/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
    }
    text = turtle_document(triples, prefixes).decode()
    g = Graph().parse(data=text, format="turtle")
    assert (
        str(g.value(URIRef(BASE + "id/hizmet/x"), URIRef("http://purl.org/dc/terms/title")))
        == nasty
    )
    assert len(g) == 2
    assert "@prefix dct:" in text and "@prefix hizmet:" in text
    assert "@prefix skos:" not in text  # not used by these triples


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(), min_size=1, max_size=4),
    lang=st.sampled_from([None, "tr", "en"]),
)
def test_jsonld_nodes_are_json_of_the_same_triples(texts: list[str], lang: str | None) -> None:
    """The JSON-LD text, built without json.dumps, is valid JSON whatever the source text holds
    (quotes, backslashes, control and line-separator characters …) and reads back as the same
    graph: IRIs, language-tagged, plain and typed literals, blank nodes, one value and several."""
    import pyoxigraph as ox

    from envanter.rdf.graph import in_order
    from envanter.rdf.jsonld import JsonLd

    prefixes = {"dct": "http://purl.org/dc/terms/", "hizmet": BASE + "id/hizmet/"}
    s = ox.NamedNode(BASE + "id/hizmet/x")
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    triples = [ox.Triple(s, title, ox.Literal(t, language=lang)) for t in texts]
    triples += [
        ox.Triple(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), s),
        ox.Triple(s, ox.NamedNode("http://purl.org/dc/terms/source"), ox.BlankNode("b1")),
        ox.Triple(
            ox.BlankNode("b1"),
            ox.NamedNode("http://purl.org/dc/terms/extent"),
            ox.Literal(texts[0], datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
        ox.Triple(s, ox.NamedNode("urn:x:p%22q"), ox.NamedNode(BASE + "id/hizmet/y")),
    ]
    ordered = in_order(triples)
    nodes = list(JsonLd(prefixes).nodes(ordered))
    document = {"@context": prefixes, "@graph": [json.loads(node) for node in nodes]}
    read = Graph().parse(data=json.dumps(document), format="json-ld")
    expected = Graph().parse(
        data=ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt"
    )
    assert isomorphic(read, expected)
