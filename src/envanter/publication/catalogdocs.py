"""Documents for the catalog's own IRIs: the catalog (`{base}katalog`) and each distribution
(`{base}id/dagitim/…`), so a harvester that follows them finds their descriptions.

They are written from the catalog as published (after its sizes and checksums are known), one
document per IRI with its fragments (`…#sha256`) and the labels of what it points to, in the
four formats every thing has: HTML, Turtle, N-Triples and expanded JSON-LD.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rdflib import Graph, Literal, URIRef

from ..rdf import vocab
from .plainrdf import canonical, expanded_jsonld, sorted_ntriples

CATALOG_THING = "katalog"  # the catalog's IRI is {base}katalog
DISTRIBUTIONS = "id/dagitim/"


@dataclass(frozen=True)
class Statement:
    subject: str
    predicate: str
    value: str
    link: str  # the value's IRI when it is one, else ""
    language: str


def catalog_things(catalog: Graph, base: str) -> list[str]:
    """The catalog's IRIs that get documents here (the dataset has its own, from the graph)."""
    things = set()
    for s in catalog.subjects():
        if not isinstance(s, URIRef):
            continue
        iri = str(s).split("#", 1)[0]
        if iri == base + CATALOG_THING or iri.startswith(base + DISTRIBUTIONS):
            things.add(iri)
    return sorted(things)


def description(catalog: Graph, thing: str) -> Graph:
    """What the catalog says of `thing` and its fragments, with the labels of what they name."""
    graph = Graph()
    for prefix, namespace in catalog.namespaces():
        graph.bind(prefix, namespace)
    subjects = [s for s in set(catalog.subjects()) if str(s).split("#", 1)[0] == thing]
    for s in subjects:
        for p, o in catalog.predicate_objects(s):
            graph.add((s, p, o))
            if isinstance(o, URIRef) and str(o).split("#", 1)[0] != thing:
                for label in (URIRef(vocab.DCT + "title"), URIRef(vocab.FOAF + "name")):
                    for text in catalog.objects(o, label):
                        graph.add((o, label, text))
    return graph


def statements(graph: Graph) -> list[Statement]:
    found = []
    for s, p, o in graph:
        found.append(
            Statement(
                subject=str(s),
                predicate=graph.namespace_manager.normalizeUri(URIRef(str(p))),
                value=str(o),
                link=str(o) if isinstance(o, URIRef) else "",
                language=(o.language or "") if isinstance(o, Literal) else "",
            )
        )
    return sorted(found, key=lambda st: (st.subject, st.predicate, st.value))


def write_catalog_documents(catalog: Graph, base: str, templates: Path, dist: Path) -> list[Path]:
    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    template = env.get_template("described.html.j2")
    files = []
    for thing in catalog_things(catalog, base):
        graph = description(catalog, thing)
        stem = dist / "doc" / thing.removeprefix(base)
        stem.parent.mkdir(parents=True, exist_ok=True)
        depth = thing.removeprefix(base).count("/") + 1  # doc/ and the folders below it
        texts = {
            "html": template.render(
                iri=thing, statements=statements(graph), root="../" * depth, name=stem.name
            ),
            "ttl": canonical(graph).serialize(format="turtle"),
            "nt": sorted_ntriples(graph),
            "jsonld": expanded_jsonld(graph),
        }
        for suffix, text in texts.items():
            path = stem.with_name(f"{stem.name}.{suffix}")
            path.write_text(text, encoding="utf-8")
            files.append(path)
    return files
