"""The SHACL shapes the publication was checked with, published at their IRI, `def/sekiller`.

Every rule of the validation report names its shape (`{base}def/sekiller#rule`), so a consumer
can read the rule and check the data with it: `def/sekiller` answers with a bilingual page
(def/sekiller.html: each rule, what it targets, its severity and its message, like the
vocabulary's def/index.html) or the shapes as Turtle, N-Triples or JSON-LD with the base
resolved (doc/def/sekiller.*, like every other thing's documents).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import BNode, Node

from ..check.shacl import load_shapes
from ..rdf import vocab
from .plainrdf import canonical, expanded_jsonld, sorted_ntriples

SH = Namespace("http://www.w3.org/ns/shacl#")
DCT = Namespace(vocab.DCT)
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
# The constraints shown in a rule's row, by their SHACL name (the Turtle has them all).
CONSTRAINTS = (
    "minCount",
    "maxCount",
    "qualifiedMinCount",
    "datatype",
    "class",
    "nodeKind",
    "pattern",
    "in",
    "hasValue",
    "minInclusive",
    "maxInclusive",
    "languageIn",
)


@dataclass(frozen=True)
class Rule:
    """One shape as the page shows it."""

    identifier: str
    targets: tuple[str, ...]
    paths: tuple[str, ...]
    constraints: tuple[str, ...]
    severity: str  # Violation, Warning or Info
    message_tr: str
    message_en: str


def short(graph: Graph, node: Node) -> str:
    """A prefixed name where the shapes declare the prefix, a list as `( a b )`, a literal as is."""
    if isinstance(node, URIRef):
        return graph.namespace_manager.normalizeUri(node)
    if isinstance(node, BNode):
        return "( " + " ".join(short(graph, m) for m in Collection(graph, node)) + " )"
    return str(node)


def rules(graph: Graph) -> list[Rule]:
    found = []
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)):
        identifier = graph.value(shape, DCT.identifier)
        if identifier is None:
            continue  # a nested shape (e.g. a qualified value shape), shown with its parent
        parts = [shape, *graph.objects(shape, SH.property)]
        targets = tuple(
            sorted(
                f"{t.split('#')[-1]} {short(graph, o)}"
                for t in TARGETS
                for o in graph.objects(shape, t)
            )
        )
        paths = tuple(sorted({short(graph, o) for p in parts for o in graph.objects(p, SH.path)}))
        constraints = tuple(
            sorted(
                f"sh:{name} {short(graph, o)}"
                for p in parts
                for name in CONSTRAINTS
                for o in graph.objects(p, SH[name])
            )
        )
        severities = {
            str(o).rsplit("#", 1)[-1] for p in parts for o in graph.objects(p, SH.severity)
        }
        messages = [
            m for p in parts for m in graph.objects(p, SH.message) if isinstance(m, Literal)
        ]
        found.append(
            Rule(
                identifier=str(identifier),
                targets=targets,
                paths=paths,
                constraints=constraints,
                severity=", ".join(sorted(severities)) or "Violation",
                message_tr=" ".join(sorted(str(m) for m in messages if m.language == "tr")),
                message_en=" ".join(sorted(str(m) for m in messages if m.language == "en")),
            )
        )
    return sorted(found, key=lambda r: r.identifier)


def write_shapes_docs(
    paths: list[Path],
    base: str,
    templates: Path,
    dist: Path,
    frame: Mapping[str, object] | None = None,
) -> list[Path]:
    """def/sekiller.html and doc/def/sekiller.{ttl,nt,jsonld}: the shapes, base resolved. The
    page has the site's frame when the build gives it one."""
    graph = load_shapes(paths, base)
    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    page = env.get_template("shapes.html.j2").render(
        iri=base + "def/sekiller",
        rules=rules(graph),
        layout="base.html.j2" if frame else "bare.html.j2",
        **(frame or {}),
    )
    # Blank nodes (nested shapes, lists) get labels from the graph's content, not from the
    # parse, so the same shapes give the same bytes.
    labelled = canonical(graph)
    written = {
        dist / "def" / "sekiller.html": page,
        dist / "doc" / "def" / "sekiller.ttl": labelled.serialize(format="turtle"),
        dist / "doc" / "def" / "sekiller.nt": sorted_ntriples(labelled),
        dist / "doc" / "def" / "sekiller.jsonld": expanded_jsonld(graph),
    }
    for path, text in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(written)
