"""The ontology documentation the build writes (dist/def/)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from rdflib import OWL, RDF, Graph

from envanter.publication.ontodoc import load_ontology, write_ontology_docs

from .conftest import ROOT

BASE = "https://envanter.example/"


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids |= {v for k, v in attrs if k == "id" and v}


def test_every_term_has_an_anchored_entry(tmp_path: Path) -> None:
    html, ttl = write_ontology_docs(ROOT / "ontology", BASE, ROOT / "site", tmp_path)
    parser = Ids()
    parser.feed(html.read_text(encoding="utf-8"))
    graph = load_ontology(ROOT / "ontology", BASE)
    ns = BASE + "def/envanter#"
    terms = {str(s)[len(ns) :] for s in graph.subjects() if str(s).startswith(ns)}
    assert terms and terms <= parser.ids
    assert len(Graph().parse(ttl, format="turtle")) == len(graph)


def test_labels_are_escaped_not_interpreted(tmp_path: Path) -> None:
    folder = tmp_path / "ontology"
    folder.mkdir()
    (folder / "x.ttl").write_text(
        "@prefix env: <envanter#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        'env:X a owl:Class ; rdfs:label "<script>alert(1)</script>"@tr , "{{ 7*7 }}"@en ;'
        ' rdfs:comment "a & b"@tr , "c"@en .\n',
        encoding="utf-8",
    )
    html, _ = write_ontology_docs(folder, BASE, ROOT / "site", tmp_path / "out")
    text = html.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "{{ 7*7 }}" in text and "49" not in text
    parsed = Graph().parse(folder / "x.ttl", publicID=BASE + "def/")
    assert (None, RDF.type, OWL.Class) in parsed
