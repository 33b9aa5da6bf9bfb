"""The knowledge graph: CPSV-AP conformance, every column represented, URIs, provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from envanter.read.parsing import xsd_duration
from envanter.read.records import Service
from envanter.read.reference import same_name
from envanter.run.pipeline import BuildOptions, BuildResult, build

REFERENCE = Path(__file__).parent / "reference"  # the official shapes, vendored
BASE = "https://envanter.example/"
CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
DCT = Namespace("http://purl.org/dc/terms/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ENV = Namespace(BASE + "def/envanter#")


@pytest.fixture(scope="module")
def built(seed_build: BuildResult) -> tuple[BuildResult, Graph]:
    graph = Graph().parse(seed_build.out / "data" / "dataset.nt", format="nt")
    return seed_build, graph


def service_iri(result: BuildResult, number: int) -> URIRef:
    return URIRef(f"{BASE}id/hizmet/{result.slugs[number]}")


def test_conforms_to_the_official_cpsv_ap_shapes(built: tuple[BuildResult, Graph]) -> None:
    from pyshacl import validate

    shapes = REFERENCE / "cpsv-ap" / "shacl" / "cpsv-ap-SHACL.ttl"
    conforms, _, text = validate(built[1], shacl_graph=Graph().parse(shapes), inference="none")
    assert conforms, text


def test_every_service_has_the_mandatory_properties(built: tuple[BuildResult, Graph]) -> None:
    _, g = built
    services = set(g.subjects(RDF.type, CPSV.PublicService))
    assert len(services) == 54
    for s in services:
        assert len(set(g.objects(s, DCT.identifier))) == 1
        assert {o.language for o in g.objects(s, DCT.title)} == {"tr", "en"}, s
        assert any(o.language == "tr" for o in g.objects(s, DCT.description))
        (authority,) = g.objects(s, CV.hasCompetentAuthority)
        assert (authority, RDF.type, CV.PublicOrganisation) in g


def test_every_column_of_every_service_is_in_the_graph(
    built: tuple[BuildResult, Graph], services: list[Service]
) -> None:
    result, g = built
    for s in services:
        iri = service_iri(result, s.number)
        one = g.value
        assert one(iri, ENV.rowNumber).toPython() == s.number
        assert Literal(s.name, lang="tr") in set(g.objects(iri, DCT.title))
        assert Literal(s.description, lang="tr") in set(g.objects(iri, DCT.description))
        unit = one(iri, CV.hasCompetentAuthority)
        assert str(one(unit, ENV.detsisCode)) == s.institution_code
        assert {str(o) for o in g.objects(iri, ENV.sdpCode)} == set(s.sdp_codes)
        laws = {str(one(o, ELI.id_local)) for o in g.objects(iri, CV.hasLegalResource)}
        assert {r.number for r in s.legal_basis if r.number} <= laws
        articles = {
            str(one(o, ELI.number))
            for o in g.objects(iri, CV.hasLegalResource)
            if one(o, ELI.is_part_of) is not None
        }
        assert articles == {a for r in s.legal_basis for a in r.articles}
        requirements = [one(o, DCT.description) for o in g.objects(iri, CV.holdsRequirement)]
        assert sorted(map(str, requirements)) == sorted(s.beneficiaries)
        documents = {str(one(o, DCT.title)) for o in g.objects(iri, CPSV.hasInput)}
        titles = {
            str(t)
            for o in g.objects(iri, CPSV.hasInput)
            for t in g.objects(o, DCT.title)
            if t.language == "tr"
        }
        # Names differing only in case are one document, labelled as first printed.
        assert {same_name(t) for t in titles} == {same_name(d.name) for d in s.documents}, (
            s.number,
            documents,
        )
        channels = set(g.objects(iri, CV.hasChannel))
        assert len(channels) >= len(s.channels)
        roles = [
            (one(p, ENV.order).toPython(), one(p, CV.role))
            for p in g.objects(iri, CV.hasParticipation)
            if one(p, ENV.order) is not None
        ]
        labels = [
            next(str(x) for x in g.objects(role, SKOS.prefLabel) if x.language == "tr")
            for _, role in sorted(roles)
        ]
        assert labels == list(s.paraf)
        assert len(roles) == len(s.paraf)
        steps = sorted(
            (one(o, ENV.order).toPython(), str(one(o, RDFS.label)))
            for o in g.objects(iri, ENV.internalStep)
        )
        assert [t for _, t in steps] == list(s.internal_steps)
        assert (one(iri, ENV.externalCorrespondence) is not None) == (s.external_text is not None)
        for prop, duration in (
            (ENV.legalCompletionTime, s.legal_time),
            (ENV.averageCompletionTime, s.average_time),
        ):
            value = one(iri, prop)
            assert (str(value) if value is not None else None) == duration.text
        exact = xsd_duration(s.average_time.iso or s.legal_time.iso)
        assert (str(one(iri, CV.processingTime)) if exact else None) == exact
        volumes = sorted(one(o, RDF.value).toPython() for o in g.objects(iri, ENV.annualVolume))
        assert volumes == sorted(c.value for c in s.annual_counts)
        assert one(iri, ENV.offeredOnline).toPython() is s.electronic.offered
        for prop, text in (
            (ENV.legalBasisText, s.cells["legal_basis"].text),
            (ENV.documentsText, s.documents_note),
            (ENV.applicationText, s.application),
            (ENV.electronicDeliveryText, s.electronic.text),
        ):
            value = one(iri, prop)
            assert (str(value) if value is not None else None) == text, (s.number, prop)


def test_a_law_is_one_resource_shared_by_its_services(built: tuple[BuildResult, Graph]) -> None:
    _, g = built
    law = URIRef(BASE + "id/mevzuat/kanun-6284")
    users = set(g.subjects(CV.hasLegalResource, law))
    # Counted in the source: services 23, 24, 25 and 32 cite Law 6284.
    assert {int(g.value(s, ENV.rowNumber)) for s in users} == {23, 24, 25, 32}
    assert str(g.value(law, ELI.id_local)) == "6284"
    page = "https://www.mevzuat.gov.tr/mevzuat?MevzuatNo=6284&MevzuatTur=1&MevzuatTertip=5"
    assert g.value(law, URIRef("http://xmlns.com/foaf/0.1/page")) == URIRef(page)


def test_units_in_their_hierarchy(built: tuple[BuildResult, Graph]) -> None:
    _, g = built
    org = Namespace("http://www.w3.org/ns/org#")
    unit = URIRef(BASE + "id/kurum/engelli-hizmetleri-sube-mudurlugu")
    department = g.value(unit, org.subOrganizationOf)
    ibb = g.value(department, org.subOrganizationOf)
    assert ibb == URIRef(BASE + "id/kurum/ibb")
    wd = "http://www.wikidata.org/entity/"
    assert g.value(ibb, URIRef("http://www.w3.org/2002/07/owl#sameAs")) == URIRef(wd + "Q6085390")
    assert g.value(ibb, DCT.spatial) == URIRef(wd + "Q406")


def test_provenance_of_each_service_and_correction(
    built: tuple[BuildResult, Graph], services: list[Service]
) -> None:
    result, g = built
    for s in services:
        excerpt = g.value(service_iri(result, s.number), PROV.wasDerivedFrom)
        assert (
            g.value(excerpt, ENV.firstLine).toPython(),
            g.value(excerpt, ENV.lastLine).toPython(),
        ) == (s.first_line, s.last_line)
    correction = URIRef(BASE + "id/duzeltme/belediye-kanunu-5393")
    assert len(set(g.subjects(ENV.correction, correction))) == 19
    assert str(g.value(correction, ENV.sourceText)) == "5893 sayılı Belediye Kanunu"
    reason = g.value(correction, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    assert str(reason).startswith("The Belediye Kanunu (Municipalities Law) is Law No. 5393")
    dataset = URIRef(BASE + "id/veri-seti/ibb-sosyal-hizmetler-2025")
    assert len(set(g.objects(dataset, DCT.hasPart))) == 54
    assert g.value(dataset, PROV.wasDerivedFrom) == URIRef(
        BASE + "id/kaynak/ibb-sosyal-hizmetler-2025"
    )


def test_every_thing_of_the_seed_is_pinned(built: tuple[BuildResult, Graph]) -> None:
    result, _ = built
    assert result.pins.minted == {}
    for kind, pins in result.pins.by_kind.items():
        slugs = list(pins.values())
        assert len(set(slugs)) == len(slugs), kind
        assert all(s.isascii() and s == s.lower() and " " not in s for s in slugs), kind


def test_base_uri_is_configurable(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(BuildOptions(out=out, base_uri="http://127.0.0.1:8000/"))
    text = (out / "data" / "dataset.nt").read_text(encoding="utf-8")
    assert "envanter.example" not in text
    assert "<http://127.0.0.1:8000/id/hizmet/sosyal-destek-istanbulkart>" in text
    assert "<http://127.0.0.1:8000/def/envanter#rowNumber>" in text


GOLDEN_GRAPHS = sorted((Path(__file__).parent / "golden" / "graphs").glob("*.ttl"))


def service_subgraph(g: Graph, service: URIRef) -> Graph:
    """The service's own triples and those of its sub-resources (participations, steps …),
    whose URIs are fragments of its URI."""
    own = {service} | {s for s in set(g.subjects()) if str(s).startswith(f"{service}#")}
    sub = Graph()
    for s in own:
        for p, o in g.predicate_objects(s):
            sub.add((s, p, o))
    return sub


def test_golden_graphs_are_collected() -> None:
    assert len(GOLDEN_GRAPHS) == 2


@pytest.mark.parametrize("path", GOLDEN_GRAPHS, ids=lambda p: p.stem)
def test_hard_services_match_their_golden_graph(
    path: Path, built: tuple[BuildResult, Graph]
) -> None:
    result, g = built
    number = int(path.stem.split("-")[1])
    got = service_subgraph(g, service_iri(result, number))
    want = Graph().parse(path, format="turtle")
    if not isomorphic(got, want):
        _, missing, extra = graph_diff(to_isomorphic(want), to_isomorphic(got))
        pytest.fail(
            "missing:\n"
            + "\n".join(sorted(f"  {t}" for t in missing))
            + "\nunexpected:\n"
            + "\n".join(sorted(f"  {t}" for t in extra))
        )


def test_every_shared_entity_and_concept_is_labelled_in_turkish_and_english(
    built: tuple[BuildResult, Graph],
) -> None:
    _, g = built
    foaf = Namespace("http://xmlns.com/foaf/0.1/")
    unlabelled = [
        str(s)
        for cls in (
            CV.PublicOrganisation,
            foaf.Agent,
            ELI.LegalResource,
            CV.Evidence,
            CV.Channel,
            SKOS.Concept,
            SKOS.ConceptScheme,
        )
        for s in g.subjects(RDF.type, cls)
        if {"tr", "en"} - {o.language for o in g.objects(s, SKOS.prefLabel)}
    ]
    assert unlabelled == []
