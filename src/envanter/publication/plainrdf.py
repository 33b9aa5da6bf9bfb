"""Small graphs (shapes, the catalog's documents) written with rdflib in a fixed order, so the
same graph gives the same bytes in every process."""

from __future__ import annotations

import json

from rdflib import Graph
from rdflib.compare import to_canonical_graph


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes labelled from its content (not from the parse), and its
    prefixes kept."""
    labelled = Graph()
    for triple in to_canonical_graph(graph):
        labelled.add(triple)
    for prefix, namespace in graph.namespaces():
        labelled.bind(prefix, namespace, override=True, replace=True)
    return labelled


def expanded_jsonld(graph: Graph) -> str:
    """Expanded JSON-LD under an empty inline context (nothing to fetch, so the file reads
    offline as it is, like every JSON-LD file published), with its nodes and each property's
    values in a fixed order (rdflib writes them in set order)."""
    nodes = json.loads(canonical(graph).serialize(format="json-ld"))
    for node in nodes:
        for values in node.values():
            if isinstance(values, list):  # a property's values; an @list's order is kept
                values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda node: str(node.get("@id", "")))
    document = {"@context": {}, "@graph": nodes}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sorted_ntriples(graph: Graph) -> str:
    lines = graph.serialize(format="nt").splitlines(keepends=True)
    return "".join(sorted(line for line in lines if line.strip()))
