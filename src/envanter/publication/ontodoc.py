"""The ontology's HTML documentation and Turtle, written with the publication (dist/def/)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import BNode, Node

from ..rdf import vocab

SKOS = Namespace(vocab.SKOS)
DCT = Namespace(vocab.DCT)


@dataclass(frozen=True)
class Term:
    local: str
    label_tr: str
    label_en: str
    comment_tr: str
    comment_en: str
    domain: str = ""
    range: str = ""
    parents: tuple[str, ...] = ()


def text(g: Graph, s: Node, p: URIRef, lang: str) -> str:
    for o in g.objects(s, p):
        if isinstance(o, Literal) and o.language == lang:
            return str(o)
    return ""


def load_ontology(folder: Path, base: str) -> Graph:
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=base + "def/")
    return graph


def render(
    graph: Graph, base: str, templates: Path, frame: Mapping[str, object] | None = None
) -> str:
    ns = base + "def/envanter#"
    ontology = URIRef(base + "def/envanter")

    def short(node: object) -> str:
        if isinstance(node, BNode):  # an owl:unionOf list: show its members
            members = graph.value(node, OWL.unionOf)
            if members is not None:
                return " ∪ ".join(short(m) for m in Collection(graph, members))
        s = str(node)
        if s.startswith(ns):
            return "env:" + s[len(ns) :]
        return graph.namespace_manager.normalizeUri(URIRef(s)) if isinstance(node, URIRef) else s

    def term(s: URIRef) -> Term:
        return Term(
            local=str(s)[len(ns) :],
            label_tr=text(graph, s, RDFS.label, "tr"),
            label_en=text(graph, s, RDFS.label, "en"),
            comment_tr=text(graph, s, RDFS.comment, "tr"),
            comment_en=text(graph, s, RDFS.comment, "en"),
            domain=", ".join(sorted(short(d) for d in graph.objects(s, RDFS.domain))),
            range=", ".join(sorted(short(r) for r in graph.objects(s, RDFS.range))),
            parents=tuple(sorted(short(p) for p in graph.objects(s, RDFS.subClassOf))),
        )

    ours = [s for s in set(graph.subjects()) if isinstance(s, URIRef) and str(s).startswith(ns)]
    classes = sorted(
        (term(s) for s in ours if (s, RDF.type, OWL.Class) in graph), key=lambda t: t.local
    )
    properties = sorted(
        (term(s) for s in ours if (s, RDF.type, OWL.Class) not in graph), key=lambda t: t.local
    )
    schemes = []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        concepts = sorted(
            (
                {
                    "notation": str(graph.value(c, SKOS.notation) or ""),
                    "label_tr": text(graph, c, SKOS.prefLabel, "tr"),
                    "label_en": text(graph, c, SKOS.prefLabel, "en"),
                }
                for c in graph.subjects(SKOS.inScheme, scheme)
            ),
            key=lambda c: c["notation"],
        )
        schemes.append(
            {
                "key": str(scheme).rsplit("/", 1)[-1],
                "iri": str(scheme),
                "label_tr": text(graph, scheme, SKOS.prefLabel, "tr"),
                "label_en": text(graph, scheme, SKOS.prefLabel, "en"),
                "concepts": concepts,
            }
        )
    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    return env.get_template("ontology.html.j2").render(
        title_tr=text(graph, ontology, DCT.title, "tr"),
        title_en=text(graph, ontology, DCT.title, "en"),
        description_tr=text(graph, ontology, DCT.description, "tr"),
        description_en=text(graph, ontology, DCT.description, "en"),
        namespace=ns,
        classes=classes,
        properties=properties,
        schemes=schemes,
        layout="base.html.j2" if frame else "bare.html.j2",
        **(frame or {}),
    )


def write_ontology_docs(
    folder: Path,
    base: str,
    templates: Path,
    out: Path,
    frame: Mapping[str, object] | None = None,
) -> list[Path]:
    """dist/def/index.html and dist/def/envanter.ttl (the ontology and schemes, base resolved)."""
    graph = load_ontology(folder, base)
    out.mkdir(parents=True, exist_ok=True)
    html = out / "index.html"
    html.write_text(render(graph, base, templates, frame), encoding="utf-8")
    ttl = out / "envanter.ttl"
    ttl.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    return [html, ttl]
