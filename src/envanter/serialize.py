"""Deterministic dumps of the graph: the same graph always gives the same bytes."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph


def ntriples(graph: Graph) -> str:
    """N-Triples, one triple a line, lines sorted: stable across runs and easy to diff."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n" if lines else ""


def write_ntriples(graph: Graph, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ntriples(graph), encoding="utf-8")
    return path
