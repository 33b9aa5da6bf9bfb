"""SHACL validation: our shapes (shapes/) over the graph, and a report people can read.

The build validates the graph before it writes anything: a violation stops it (exit code 1);
warnings and notes are reported and published with the data (validation/report.ttl and
validation/index.html). The report is rebuilt from pySHACL's results into a stable form — results
numbered in a fixed order, each with its rule — so two builds of the same input give the same
bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl_turbo
from pyshacl_turbo.rdf import Input as TurboInput
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..errors import EXIT_VIOLATIONS, EnvanterError
from ..resources import resource

SH = Namespace("http://www.w3.org/ns/shacl#")
DCT = Namespace("http://purl.org/dc/terms/")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "note"}
ORDER = {"violation": 0, "warning": 1, "note": 2}


@dataclass(frozen=True, order=True)
class Finding:
    """One SHACL result, with the rule it comes from and its message in both languages."""

    severity: str  # violation, warning or note
    rule: str  # the shape's identifier, e.g. "service-title"
    focus: str
    path: str | None
    value: str | None
    message_en: str
    message_tr: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    def summary(self) -> str:
        v, w, n = self.count("violation"), self.count("warning"), self.count("note")
        return (
            f"{v} violation{'s' if v != 1 else ''}, {w} warning{'s' if w != 1 else ''}, "
            f"{n} note{'s' if n != 1 else ''}"
        )


class ValidationFailed(EnvanterError):
    """The graph breaks our shapes; nothing is published."""

    exit_code = EXIT_VIOLATIONS

    def __init__(self, report: Report, what: str, strict: bool = False) -> None:
        self.report = report
        failing = [
            f
            for f in report.findings
            if f.severity == "violation" or (strict and f.severity == "warning")
        ]
        lines = [f"{what} does not pass validation: {report.summary()}"]
        lines += [format_finding(f) for f in failing]
        super().__init__("\n".join(lines))


def finding_order(f: Finding) -> tuple[int, str, str, str, str, str]:
    """The report's stable order: severity, rule, resource, then the rest."""
    return (ORDER[f.severity], f.rule, f.focus, f.path or "", f.value or "", f.message_en)


def format_finding(f: Finding, lang: str = "en") -> str:
    message = f.message_en if lang == "en" else f.message_tr
    where = f"<{f.focus}>" if not f.focus.startswith("_:") else f.focus
    return f"  {f.severity} [{f.rule}] {where}: {message}"


def load_shapes(paths: Iterable[Path], base: str) -> Graph:
    """Shapes with relative IRIs, resolved against {base}def/ like the ontology."""
    shapes = Graph()
    for path in paths:
        shapes.parse(path, format="turtle", publicID=base + "def/")
    return shapes


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """pyoxigraph triples as an rdflib graph for pySHACL, lexical forms kept exactly.

    Terms are made once each (predicates, classes and concepts recur on every service), which
    halves the cost of the conversion."""
    graph = Graph()
    add = graph.add
    cache: dict[object, Node] = {}

    def term(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        hit = cache.get(t)
        if hit is not None:
            return hit
        made: Node
        if isinstance(t, ox.NamedNode):
            made = URIRef(t.value)
        elif isinstance(t, ox.BlankNode):
            made = BNode(t.value)
        elif isinstance(t, ox.Literal):
            made = (
                Literal(t.value, lang=t.language)
                if t.language
                else Literal(t.value, datatype=URIRef(t.datatype.value), normalize=False)
            )
        else:
            raise TypeError("RDF-star quoted triples are not validated")
        cache[t] = made
        return made

    for t in triples:
        add((term(t.subject), term(t.predicate), term(t.object)))
    return graph


def rule_of(shape: Node, shapes: Graph) -> str:
    """The identifier of the node shape a result's source shape is, or belongs to."""
    identifier = shapes.value(shape, DCT.identifier)
    if identifier is None:
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            identifier = shapes.value(parent, DCT.identifier)
    return str(identifier) if identifier is not None else str(shape)


def messages(result: Node, report: Graph) -> tuple[str, str]:
    texts = {
        m.language: str(m)
        for m in report.objects(result, SH.resultMessage)
        if isinstance(m, Literal)
    }
    fallback = next(iter(texts.values()), "")
    return texts.get("en", fallback), texts.get("tr", texts.get("en", fallback))


def node_text(node: Node | None) -> str | None:
    if node is None or isinstance(node, BNode):
        return None
    return str(node)


# Two engines give the same findings (tests/test_shapes.py and tests/test_validation.py check it):
# pySHACL, the reference, in Python; and pySHACL-turbo, pySHACL's API and results in Rust, six to
# seven times faster on our shapes, the default. The graph goes to turbo as N-Triples text (its
# own input record: parsed in Rust, no rdflib graph made). Not as a pyoxigraph Store, which it also
# takes: with pyshacl-turbo 0.6.5 that path reported sh:lessThanOrEquals violations on source
# excerpts whose first line is below their last.
ENGINES = ("turbo", "pyshacl")
DEFAULT_ENGINE = "turbo"

# Compiled shapes, per process (a forked worker compiles its own) and shapes graph.
_PROGRAMS: dict[tuple[int, int], tuple[Graph, pyshacl_turbo.CompiledShapes]] = {}


def compiled(shapes: Graph) -> pyshacl_turbo.CompiledShapes:
    key = (os.getpid(), id(shapes))
    found = _PROGRAMS.get(key)
    if found is None:
        if len(_PROGRAMS) > 16:  # tests load many shapes graphs; a build, one or three
            _PROGRAMS.clear()
        # The graph is kept with its program so that its id is not reused while cached.
        found = _PROGRAMS[key] = (shapes, pyshacl_turbo.CompiledShapes(shapes))  # type: ignore[no-untyped-call]
    return found[1]


def results_graph(data: Graph | Sequence[ox.Triple], shapes: Graph, engine: str) -> Any:
    """The engine's validation report (sh:ValidationReport), an rdflib graph (untyped, as
    pySHACL's)."""
    if engine == "pyshacl":
        # (imported here: the reference engine takes a fifth of a second to import, and the
        # default engine is turbo)
        from pyshacl import validate as shacl_validate

        graph = data if isinstance(data, Graph) else to_rdflib(data)
        _, results, _ = shacl_validate(
            graph, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
        )
    elif engine == "turbo":
        source: Graph | TurboInput = (
            data
            if isinstance(data, Graph)
            else TurboInput(
                bytes(ox.serialize(data, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8"),
                "nt",
                None,
                {},
                {},
                preserve_ids=True,
            )
        )
        program = compiled(shapes)
        _, results, _ = program.validate(  # type: ignore[no-untyped-call]
            source, allow_warnings=True, allow_infos=True
        )
    else:
        raise ValueError(f"unknown SHACL engine {engine!r}; one of {', '.join(ENGINES)}")
    return results


def validate(
    data: Graph | Sequence[ox.Triple], shapes: Graph, engine: str = DEFAULT_ENGINE
) -> Report:
    """Validate the data with an engine and turn its results into findings, in a stable order,
    each once."""
    results = results_graph(data, shapes, engine)
    findings = []
    for result in results.subjects(RDF_TYPE, SH.ValidationResult):
        severity = SEVERITIES.get(results.value(result, SH.resultSeverity), "violation")
        focus = results.value(result, SH.focusNode)
        message_en, message_tr = messages(result, results)
        findings.append(
            Finding(
                severity=severity,
                rule=rule_of(results.value(result, SH.sourceShape), shapes),
                focus=str(focus) if not isinstance(focus, BNode) else f"_:{focus}",
                path=node_text(results.value(result, SH.resultPath)),
                value=node_text(results.value(result, SH.value)),
                message_en=message_en,
                message_tr=message_tr,
            )
        )
    # One finding per rule, focus, path and value: a value that breaks two constraints of one
    # property shape (P3W: both sh:datatype and sh:pattern) has one message to show. The engines
    # differ there (pySHACL takes P3W for an xsd:duration, as rdflib's parser does; turbo does not).
    return Report(sorted(set(findings), key=finding_order))


def report_triples(report: Report, base: str) -> list[ox.Triple]:
    """The report as sh:ValidationReport triples, results as numbered IRIs (stable bytes)."""
    n = ox.NamedNode
    sh = "http://www.w3.org/ns/shacl#"
    rdf_type = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    report_iri = n(base + "validation/report")
    severity = {"violation": "Violation", "warning": "Warning", "note": "Info"}
    triples = [
        ox.Triple(report_iri, rdf_type, n(sh + "ValidationReport")),
        ox.Triple(
            report_iri,
            n(sh + "conforms"),
            ox.Literal(
                "false" if report.violations else "true",
                datatype=n("http://www.w3.org/2001/XMLSchema#boolean"),
            ),
        ),
    ]
    for k, f in enumerate(report.findings, start=1):
        r = n(f"{base}validation/report#r{k}")
        triples += [
            ox.Triple(report_iri, n(sh + "result"), r),
            ox.Triple(r, rdf_type, n(sh + "ValidationResult")),
            ox.Triple(r, n(sh + "resultSeverity"), n(sh + severity[f.severity])),
            ox.Triple(r, n(sh + "sourceShape"), n(f"{base}def/sekiller#{f.rule}")),
            ox.Triple(r, n(sh + "resultMessage"), ox.Literal(f.message_en, language="en")),
            ox.Triple(r, n(sh + "resultMessage"), ox.Literal(f.message_tr, language="tr")),
        ]
        if not f.focus.startswith("_:"):
            triples.append(ox.Triple(r, n(sh + "focusNode"), n(f.focus)))
        if f.path:
            triples.append(ox.Triple(r, n(sh + "resultPath"), n(f.path)))
        if f.value is not None and f.value.startswith(("http://", "https://")):
            triples.append(ox.Triple(r, n(sh + "value"), n(f.value)))
        elif f.value is not None:
            triples.append(ox.Triple(r, n(sh + "value"), ox.Literal(f.value)))
    return triples


@dataclass(frozen=True)
class Rule:
    """A shape as the report page lists it."""

    id: str
    severity: str
    message_en: str
    message_tr: str


def rules(shapes: Graph) -> list[Rule]:
    """Every rule of the shapes, with its severity and messages (from the shape or its first
    property shape)."""
    out = []
    for shape, identifier in shapes.subject_objects(DCT.identifier):
        candidates = [shape, *shapes.objects(shape, SH.property)]
        severity = next(
            (
                SEVERITIES[URIRef(str(s))]
                for c in candidates
                for s in shapes.objects(c, SH.severity)
                if s in SEVERITIES
            ),
            "violation",
        )
        texts: dict[str, str] = {}
        for c in candidates:
            for m in shapes.objects(c, SH.message):
                if isinstance(m, Literal) and m.language and m.language not in texts:
                    texts[m.language] = str(m)
        out.append(Rule(str(identifier), severity, texts.get("en", ""), texts.get("tr", "")))
    return sorted(out, key=lambda r: (ORDER[r.severity], r.id))


def write_report(
    report: Report, shapes: Graph, base: str, templates: Path, folder: Path
) -> list[Path]:
    """validation/report.ttl and validation/index.html (bilingual, by rule and by resource)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from ..rdf.serialize import write_turtle

    folder.mkdir(parents=True, exist_ok=True)
    ttl = write_turtle(
        report_triples(report, base),
        {
            "sh": "http://www.w3.org/ns/shacl#",
            "sekil": base + "def/sekiller#",
            "rapor": base + "validation/report#",
        },
        folder / "report.ttl",
    )
    by_rule: dict[str, list[Finding]] = {}
    by_focus: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule, []).append(f)
        by_focus.setdefault(f.focus, []).append(f)
    anchors = {focus: f"k{k}" for k, focus in enumerate(sorted(by_focus), start=1)}
    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    html = env.get_template("validation.html.j2").render(
        violations=report.count("violation"),
        warnings=report.count("warning"),
        notes=report.count("note"),
        rules=rules(shapes),
        by_rule=by_rule,
        by_focus=sorted(by_focus.items()),
        anchors=anchors,
        severity_tr={"violation": "ihlal", "warning": "uyarı", "note": "not"},
    )
    page = folder / "index.html"
    page.write_text(html, encoding="utf-8")
    return [ttl, page]


def check_file(
    path: Path,
    which: str = "auto",
    base: str | None = None,
    shapes_dir: Path | None = None,  # the project's shapes/, else the packaged ones
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate an RDF file with our shapes (`envanter validate`)."""
    from ..config import DEFAULT_BASE_URI, check_base_uri
    from ..errors import ConfigError

    if not path.exists():
        raise ConfigError(f"{path}: not found (build first, or name an RDF file)")
    data = Graph()
    try:
        data.parse(path)
    except Exception as e:  # rdflib raises many kinds; all mean "not RDF we can read"
        raise ConfigError(f"{path}: cannot read it as RDF: {e}") from e
    if which == "auto":
        catalog = URIRef("http://www.w3.org/ns/dcat#Catalog")
        which = "dcat" if (None, RDF_TYPE, catalog) in data else "profile"
    base = check_base_uri(base or DEFAULT_BASE_URI)
    folder = shapes_dir or resource("shapes")
    return validate(data, load_shapes([folder / f"{which}.ttl"], base), engine)


# --- Validation in shards ------------------------------------------------------------------------
#
# The shapes are local: a service's rules look at the service, its own sub-resources and the
# types of what it links to; an entity's rules (labels, a law's page) look at the entity. So the
# graph is validated in shards — groups of services with their sub-resources, and one shard of
# everything they share — in parallel processes. That bounds the memory rdflib and pySHACL need
# (a national graph would not fit in one rdflib graph) and uses every core; the findings are the
# same as for the whole graph at once (a test checks it).

CPSV_SERVICE = "http://purl.org/vocab/cpsv#PublicService"
OX_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OX_DCT_TYPE = ox.NamedNode("http://purl.org/dc/terms/type")
SH_TARGET_CLASS = SH.targetClass
SH_TARGET_SUBJECTS = SH.targetSubjectsOf


BOTH_SIDES = {"http://data.europa.eu/m8g/processingTime"}  # services and channels may have it


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
    CPSV_SERVICE,
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
        if t.predicate == OX_TYPE
        and isinstance(t.subject, ox.NamedNode)
        and isinstance(t.object, ox.NamedNode)
        and t.object.value == CPSV_SERVICE
    ]


def is_service(triples: Sequence[ox.Triple]) -> bool:
    """Whether a subject's triples (rdf:type first: `graph.subject_groups`) make it a service."""
    for t in triples:
        if t.predicate != OX_TYPE:
            return False
        if type(t.object) is ox.NamedNode and t.object.value == CPSV_SERVICE:
            return type(t.subject) is ox.NamedNode
    return False


Kinds = dict[object, list[ox.Triple]]


def kinds_of(shared: Iterable[ox.Triple], predicates: set[str] | None = None) -> Kinds:
    """The types (rdf:type, dct:type; those of `predicates`) of what the services share."""
    kinds: Kinds = {}
    for t in shared:
        if t.predicate in (OX_TYPE, OX_DCT_TYPE) and (
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
            },
            {base + "def/envanter#correction", "http://data.europa.eu/m8g/processingTime"},
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
