"""Small graphs (shapes, the catalog's documents) written with rdflib in a fixed order, so the
same graph gives the same bytes in every process."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes labelled from its content (RDFC-1.0, in Rust: rdflib's
    own canonicalisation costs seconds on the shapes' nested nodes), and its prefixes kept."""
    data = graph.serialize(format="nt", encoding="utf-8")
    dataset = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    labelled = Graph()
    for quad in dataset:
        labelled.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    for prefix, namespace in graph.namespaces():
        labelled.bind(prefix, namespace, override=True, replace=True)
    return labelled


def term(node: object) -> Node:
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if isinstance(node, ox.Literal):
        if node.language:
            return Literal(node.value, lang=node.language)
        if node.datatype.value == XSD_STRING:  # (a simple literal, as rdflib writes it)
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(node.datatype.value))
    raise TypeError(f"not a term of a graph: {node!r}")


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
