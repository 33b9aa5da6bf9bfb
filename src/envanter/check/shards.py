"""Validation in shards: groups of services with their sub-resources, and one shard of what they
share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Namespace, URIRef

from ..rdf import vocab
from ..rdf.vocab import PUBLIC_SERVICE, RDF_TYPE
from .report import Finding
from .shacl import DEFAULT_ENGINE, validate

SH = Namespace(vocab.SH)
DCT = Namespace(vocab.DCT)


# # The shapes are local: a service's rules look at the service, its own sub-resources and the
# types of what it links to; an entity's rules (labels, a law's page) look at the entity. So the
# graph is validated in shards — groups of services with their sub-resources, and one shard of
# everything they share — in parallel processes. That bounds the memory rdflib and pySHACL need
# (a national graph would not fit in one rdflib graph) and uses every core; the findings are the
# same as for the whole graph at once (a test checks it).

DCT_TYPE = ox.NamedNode(vocab.DCT + "type")
SH_TARGET_CLASS = SH.targetClass
SH_TARGET_SUBJECTS = SH.targetSubjectsOf


BOTH_SIDES = {"http://data.europa.eu/m8g/processingTime"}  # services and channels may have it
Kinds = dict[object, list[ox.Triple]]  # the types of what a shard's services link to


def split_shapes(
    shapes: Graph, service_classes: set[str], service_predicates: set[str]
) -> tuple[Graph, Graph]:
    """(shapes whose focus nodes live with a service, shapes of what services share). A shape
    that can focus on both goes to both; its findings are merged."""
    local, shared = Graph(), Graph()
    for shape in set(shapes.subjects(DCT.identifier, None)):
        classes = {str(c) for c in shapes.objects(shape, SH_TARGET_CLASS)}
        predicates = {str(p) for p in shapes.objects(shape, SH_TARGET_SUBJECTS)}
        if predicates & BOTH_SIDES:
            destinations: tuple[Graph, ...] = (local, shared)
        elif (
            (classes or predicates)
            and classes <= service_classes
            and predicates <= service_predicates
        ):
            destinations = (local,)
        else:
            destinations = (shared,)
        description = shapes.cbd(shape)
        for graph in destinations:
            for t in description:
                graph.add(t)
    return local, shared


SERVICE_CLASSES = {
    PUBLIC_SERVICE,
    "http://data.europa.eu/m8g/Participation",
    "http://data.europa.eu/m8g/Requirement",
}


def relevant_predicates(shapes: Graph) -> set[str] | None:
    """The predicates a finding can depend on: every IRI the shapes mention, with rdf:type and
    rdfs:subClassOf (targets and sh:class). SHACL Core looks at nothing else unless a shape is
    closed or runs SPARQL; then None: every triple counts."""
    if any(shapes.triples((None, SH.closed, None))) or any(shapes.triples((None, SH.sparql, None))):
        return None
    mentioned = {str(term) for t in shapes for term in t if isinstance(term, URIRef)}
    return mentioned | {str(RDF.type), str(RDFS.subClassOf)}


def services_in(triples: Iterable[ox.Triple]) -> list[str]:
    """The URIs of the services (cpsv:PublicService) among the triples."""
    return [
        t.subject.value
        for t in triples
        if t.predicate == RDF_TYPE
        and isinstance(t.subject, ox.NamedNode)
        and isinstance(t.object, ox.NamedNode)
        and t.object.value == PUBLIC_SERVICE
    ]


def is_service(triples: Sequence[ox.Triple]) -> bool:
    """Whether a subject's triples (rdf:type first: `graph.subject_groups`) make it a service."""
    for t in triples:
        if t.predicate != RDF_TYPE:
            return False
        if type(t.object) is ox.NamedNode and t.object.value == PUBLIC_SERVICE:
            return type(t.subject) is ox.NamedNode
    return False


def kinds_of(shared: Iterable[ox.Triple], predicates: set[str] | None = None) -> Kinds:
    """The types (rdf:type, dct:type; those of `predicates`) of what the services share."""
    kinds: Kinds = {}
    for t in shared:
        if t.predicate in (RDF_TYPE, DCT_TYPE) and (
            predicates is None or t.predicate.value in predicates
        ):
            kinds.setdefault(t.subject, []).append(t)
    return kinds


def with_kinds(group: list[ox.Triple], kinds: Kinds) -> list[ox.Triple]:
    """What a shard's nodes link to is described there only by its types (for sh:class and the
    channel-type check); its own rules run in the shared shard."""
    linked = {t.object for t in group if isinstance(t.object, ox.NamedNode)}
    return group + [kt for node in linked for kt in kinds.get(node, [])]


@dataclass
class ShardShapes:
    """The shapes split for validating in shards: those of the services' shards, those of the
    shared shard, and the predicates any finding can depend on."""

    local: Graph
    shared: Graph
    predicates: set[str] | None
    engine: str = DEFAULT_ENGINE

    @classmethod
    def of(cls, shapes: Graph, base: str, engine: str = DEFAULT_ENGINE) -> ShardShapes:
        local, shared = split_shapes(
            shapes,
            SERVICE_CLASSES
            | {
                base + "def/envanter#AnnualVolume",
                base + "def/envanter#SourceExcerpt",
                base + "def/envanter#InternalStep",
                base + "def/envanter#Duration",
            },
            {
                base + "def/envanter#correction",
                base + "def/envanter#electronicDeliveryText",
                base + "def/envanter#lineBreakGuessed",
                "http://data.europa.eu/m8g/processingTime",
            },
        )
        return cls(local, shared, relevant_predicates(shapes), engine)


def validate_services(
    services: Sequence[Sequence[ox.Triple]], shapes: ShardShapes, kinds: Kinds, size: int
) -> list[Finding]:
    """The findings on a batch of services, each given with the triples of its sub-resources
    (in the order of their URIs), in shards of `size` services, here in this process; `kinds`
    are the types of what they share. Only the triples whose predicate the shapes read are
    validated: the rest cannot change a finding, and loading them into rdflib is most of the
    cost of validating."""
    predicates = shapes.predicates
    findings: list[Finding] = []
    for k in range(0, len(services), size):
        shard = [
            t
            for triples in services[k : k + size]
            for t in triples
            if predicates is None or t.predicate.value in predicates
        ]
        findings += validate(with_kinds(shard, kinds), shapes.local, shapes.engine).findings
    return findings


def validate_shared(triples: Iterable[ox.Triple], shapes: ShardShapes) -> list[Finding]:
    """The findings on what the services share (laws, units, documents, the dataset …)."""
    kept = [
        t for t in triples if shapes.predicates is None or t.predicate.value in shapes.predicates
    ]
    return validate(kept, shapes.shared, shapes.engine).findings
