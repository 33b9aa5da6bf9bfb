"""SHACL with our shapes: load them, run an engine (turbo or pySHACL) over triples, and read its
results into findings in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl_turbo
from pyshacl_turbo.rdf import Input as TurboInput
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..rdf import vocab
from .report import SEVERITIES, Finding, Report, finding_order

SH = Namespace(vocab.SH)
DCT = Namespace(vocab.DCT)


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
    for result in results.subjects(RDF.type, SH.ValidationResult):
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
