"""Documents for the catalog's own IRIs: the catalog (`{base}katalog`), each distribution
(`{base}id/dagitim/…`) and each earlier edition's dataset (`{base}id/surum/<n>`), so a harvester
that follows them finds their descriptions.

They are written from the catalog as published (after its sizes and checksums are known), one
document per IRI with its fragments (`…#sha256`) and the labels of what it points to, as Turtle,
N-Triples and expanded JSON-LD. Their HTML is the page about the dataset (hakkinda.html), which
lists every download with its size and checksum: the servers send a browser there.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from ..rdf import vocab
from .plainrdf import canonical, expanded_jsonld, sorted_ntriples

CATALOG_THING = "katalog"  # the catalog's IRI is {base}katalog
DISTRIBUTIONS = "id/dagitim/"
EDITIONS = "id/surum/"  # the earlier editions' datasets (publication/editions.py)


def catalog_things(catalog: Graph, base: str) -> dict[str, list[URIRef]]:
    """The catalog's IRIs that get documents here, each with its subjects (itself and its
    fragments); the dataset has its own documents, from the graph."""
    things: dict[str, list[URIRef]] = {}
    for s in set(catalog.subjects()):
        if not isinstance(s, URIRef):
            continue
        iri = str(s).split("#", 1)[0]
        if iri == base + CATALOG_THING or iri.startswith((base + DISTRIBUTIONS, base + EDITIONS)):
            things.setdefault(iri, []).append(s)
    return things


def description(catalog: Graph, thing: str, subjects: list[URIRef]) -> Graph:
    """What the catalog says of `thing` and its fragments, with the labels of what they name."""
    graph = Graph()
    for prefix, namespace in catalog.namespaces():
        graph.bind(prefix, namespace)
    for s in subjects:
        for p, o in catalog.predicate_objects(s):
            graph.add((s, p, o))
            if isinstance(o, URIRef) and str(o).split("#", 1)[0] != thing:
                for label in (URIRef(vocab.DCT + "title"), URIRef(vocab.FOAF + "name")):
                    for text in catalog.objects(o, label):
                        graph.add((o, label, text))
    return graph


def write_catalog_documents(catalog: Graph, base: str, dist: Path) -> list[Path]:
    files = []
    for thing, subjects in sorted(catalog_things(catalog, base).items()):
        graph = description(catalog, thing, subjects)
        stem = dist / "doc" / thing.removeprefix(base)
        stem.parent.mkdir(parents=True, exist_ok=True)
        texts = {
            "ttl": canonical(graph).serialize(format="turtle"),
            "nt": sorted_ntriples(graph),
            "jsonld": expanded_jsonld(graph),
        }
        for suffix, text in texts.items():
            path = stem.with_name(f"{stem.name}.{suffix}")
            path.write_text(text, encoding="utf-8")
            files.append(path)
    return files
