"""The local ontology (ontology/envanter.ttl) and concept schemes (ontology/schemes.ttl).

Both files use relative IRIs that the build resolves against {base}def/; here they are parsed
against an example base, as the build does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from envanter.rdf.iris import slugify
from envanter.read.channels import KINDS
from envanter.read.records import Service

from .conftest import ROOT

BASE = "https://example.org/base/"
DEF = BASE + "def/"
ENV = Namespace(DEF + "envanter#")
ONTOLOGY = URIRef(DEF + "envanter")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
# A plain Namespace: pytest's collection probes module attributes, and rdflib's XSD warns.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

ONTOLOGY_FILE = ROOT / "ontology" / "envanter.ttl"
SCHEMES_FILE = ROOT / "ontology" / "schemes.ttl"

CLASSES = {"AnnualVolume", "InternalStep", "Correction", "SourceExcerpt", "Duration"}
PROPERTIES = {
    "rowNumber",
    "sdpCode",
    "detsisCode",
    "administrativeLevel",
    "legalCompletionTime",
    "averageCompletionTime",
    "annualVolume",
    "countUnit",
    "countUnitText",
    "annualCountText",
    "legalDuration",
    "averageDuration",
    "value",
    "minimum",
    "maximum",
    "unit",
    "kind",
    "scope",
    "referenceYear",
    "internalStep",
    "order",
    "externalCorrespondence",
    "documentsText",
    "legalBasisText",
    "applicationText",
    "electronicDeliveryText",
    "offeredOnline",
    "optionalInput",
    "requiredInput",
    "correction",
    "lineBreakGuessed",
    "correctedField",
    "sourceText",
    "correctedText",
    "sourceDocument",
    "firstLine",
    "lastLine",
}
# What a domain or range may name besides our own classes: a misspelt IRI (cv:PublicOrganization)
# would otherwise go unnoticed.
KNOWN_CLASSES = {
    CPSV.PublicService,
    CV.PublicOrganisation,
    CV.Evidence,
    SKOS.Concept,
    FOAF.Document,
    OWL.Thing,
}
LITERAL_RANGES = {
    XSD.integer,
    XSD.string,
    XSD.boolean,
    XSD.gYear,
    RDF.langString,
}

SCHEME_KEYS = {
    "kanal-turu": {
        "phone_line",
        "whatsapp",
        "sms",
        "web_portal",
        "mobile_app",
        "social_media",
        "face_to_face",
        "other",
    },
    "birim": {
        "kisi",
        "hizmet",
        "seans",
        "talep",
        "katilim",
        "adet",
        "kapasite",
        "kez",
        "ziyaret-ve-program",
        "islem",
    },
    "idari-duzey": {"merkezi-idare", "tasra", "mahalli-idare", "diger"},
    "mevzuat-turu": {"kanun", "khk", "cbk", "yonetmelik", "diger"},
    "sure-birimi": {"is-gunu", "gun", "saat", "dakika", "hafta", "ay", "yil"},
    "sure-turu": {"ayni-gun", "aninda"},
    # Schemes whose concepts the build makes from the data.
    "rol": {
        "dis-yazisma-kurumu",
        "basvuru-kabul-kurumu",
    },  # the paraf roles themselves come from the data
    "sdp": set(),
    "yararlanici": set(),
}


def _parse(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle", publicID=DEF)
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _parse(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def schemes() -> Graph:
    return _parse(SCHEMES_FILE)


def _languages(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [
        o.language if isinstance(o, Literal) else None for o in graph.objects(subject, predicate)
    ]


def _has_tr_and_en(graph: Graph, subject: URIRef, predicate: URIRef) -> bool:
    languages = _languages(graph, subject, predicate)
    return "tr" in languages and "en" in languages


def _env_terms(graph: Graph, *types: URIRef) -> set[URIRef]:
    return {
        s
        for t in types
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(str(ENV))
    }


def _properties(graph: Graph) -> set[URIRef]:
    return _env_terms(graph, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, SCHEMES_FILE], ids=lambda p: p.name)
def test_files_use_relative_iris(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "example.org" not in text
    assert "@base" not in text and "BASE " not in text


def test_the_ontology_resource(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert _has_tr_and_en(ontology, ONTOLOGY, DCTERMS.title)
    assert _has_tr_and_en(ontology, ONTOLOGY, DCTERMS.description)
    assert (ONTOLOGY, OWL.versionInfo, Literal("0.1.0")) in ontology
    license_ = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (ONTOLOGY, DCTERMS.license, license_) in ontology
    assert (ONTOLOGY, RDFS.seeAlso, URIRef("http://data.europa.eu/m8g/cpsvap")) in ontology


def test_exactly_the_expected_terms_are_declared(ontology: Graph) -> None:
    assert _env_terms(ontology, OWL.Class, RDFS.Class) == {ENV[n] for n in CLASSES}
    assert _properties(ontology) == {ENV[n] for n in PROPERTIES}
    # Nothing else is said about an env: term that is not declared (a misspelt name).
    mentioned = {t for triple in ontology for t in triple if str(t).startswith(str(ENV))}
    assert mentioned == {ENV[n] for n in CLASSES | PROPERTIES}


def test_every_term_is_labelled_and_explained_in_turkish_and_english(ontology: Graph) -> None:
    for term in _env_terms(ontology, OWL.Class) | _properties(ontology):
        assert _has_tr_and_en(ontology, term, RDFS.label), term
        assert _has_tr_and_en(ontology, term, RDFS.comment), term
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in ontology, term


def test_every_property_has_a_known_domain_and_range(ontology: Graph) -> None:
    classes = {ENV[n] for n in CLASSES} | KNOWN_CLASSES
    for prop in _properties(ontology):
        domains = list(ontology.objects(prop, RDFS.domain))
        ranges = list(ontology.objects(prop, RDFS.range))
        assert len(domains) == 1 and len(ranges) == 1, prop
        domain, range_ = domains[0], ranges[0]
        if isinstance(domain, BNode):  # a union of classes
            members = ontology.value(domain, OWL.unionOf)
            assert members is not None, prop
            assert set(ontology.items(members)) <= classes | {PROV.Entity}, prop
        else:
            assert domain in classes, prop
        if (prop, RDF.type, OWL.DatatypeProperty) in ontology:
            assert range_ in LITERAL_RANGES, prop
        else:
            assert (prop, RDF.type, OWL.ObjectProperty) in ontology, prop
            assert range_ in classes, prop


def test_what_is_reused_from_prov_and_cpsv(ontology: Graph) -> None:
    assert (ENV.Correction, RDFS.subClassOf, PROV.Activity) in ontology
    assert (ENV.SourceExcerpt, RDFS.subClassOf, PROV.Entity) in ontology
    for prop in (ENV.optionalInput, ENV.requiredInput):
        assert (prop, RDFS.subPropertyOf, CPSV.hasInput) in ontology
        assert ontology.value(prop, RDFS.range) == CV.Evidence
    assert (ENV.sourceDocument, RDFS.subPropertyOf, DCTERMS.isPartOf) in ontology


def test_the_schemes_are_described(schemes: Graph) -> None:
    declared = set(schemes.subjects(RDF.type, SKOS.ConceptScheme))
    assert declared == {URIRef(DEF + name) for name in SCHEME_KEYS}
    for scheme in declared:
        assert _has_tr_and_en(schemes, scheme, SKOS.prefLabel), scheme
        assert _has_tr_and_en(schemes, scheme, DCTERMS.description), scheme


def test_every_concept_is_labelled_and_in_exactly_one_scheme(schemes: Graph) -> None:
    concepts = set(schemes.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        assert _has_tr_and_en(schemes, concept, SKOS.prefLabel), concept
        # SKOS: at most one prefLabel per language.
        languages = _languages(schemes, concept, SKOS.prefLabel)
        assert len(languages) == len(set(languages)), concept
        assert _has_tr_and_en(schemes, concept, SKOS.definition), concept
        in_schemes = list(schemes.objects(concept, SKOS.inScheme))
        assert len(in_schemes) == 1, concept
        assert list(schemes.objects(concept, SKOS.topConceptOf)) == in_schemes, concept
        # The concept's IRI is {scheme}/{key} and its notation is the key.
        assert concept.startswith(f"{in_schemes[0]}/"), concept
        key = concept.rsplit("/", 1)[1]
        assert list(schemes.objects(concept, SKOS.notation)) == [Literal(key)], concept


@pytest.mark.parametrize("name", sorted(SCHEME_KEYS))
def test_scheme_keys(schemes: Graph, name: str) -> None:
    scheme = URIRef(DEF + name)
    keys = {str(c).rsplit("/", 1)[1] for c in schemes.subjects(SKOS.inScheme, scheme)}
    assert keys == SCHEME_KEYS[name]


def test_channel_types_are_the_channel_kinds_of_the_reader(schemes: Graph) -> None:
    scheme = URIRef(DEF + "kanal-turu")
    keys = {str(c).rsplit("/", 1)[1] for c in schemes.subjects(SKOS.inScheme, scheme)}
    assert keys == set(KINDS) == SCHEME_KEYS["kanal-turu"]


def test_every_unit_in_the_seed_has_a_concept(services: list[Service]) -> None:
    units = {slugify(c.unit) for s in services for c in s.annual_counts if c.unit}
    assert units and units <= SCHEME_KEYS["birim"]
