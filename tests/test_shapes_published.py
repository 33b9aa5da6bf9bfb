"""The SHACL shapes are published at their IRI (def/sekiller), so consumers can check the data."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic

from .conftest import ROOT

BASE = "https://envanter.example/"
SH = Namespace("http://www.w3.org/ns/shacl#")


def shapes_as_written() -> Graph:
    graph = Graph()
    for name in ("profile.ttl", "dcat.ttl"):
        graph.parse(ROOT / "shapes" / name, format="turtle", publicID=BASE + "def/")
    return graph


def test_the_published_shapes_are_the_project_shapes_in_every_format(seed_dist: Path) -> None:
    expected = shapes_as_written()
    doc = seed_dist / "doc" / "def"
    for suffix, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        published = Graph().parse(doc / f"sekiller.{suffix}", format=fmt)
        assert isomorphic(published, expected), suffix
    # expanded: a context with nothing in it, so the file reads offline as it is
    assert json.loads((doc / "sekiller.jsonld").read_text(encoding="utf-8"))["@context"] == {}


def test_every_rule_the_report_names_is_published(seed_dist: Path) -> None:
    published = Graph().parse(seed_dist / "doc" / "def" / "sekiller.ttl", format="turtle")
    report = Graph().parse(seed_dist / "validation" / "report.ttl", format="turtle")
    named = set(report.objects(None, SH.sourceShape))
    assert URIRef(BASE + "def/sekiller#no-online-channel") in named  # the seed has some
    for shape in named:
        assert (shape, None, None) in published, shape


def test_the_shapes_page_shows_each_rule_with_its_severity_and_message(seed_dist: Path) -> None:
    page = (seed_dist / "def" / "sekiller.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr id="([a-z0-9-]+)">', page)
    assert "service-identifier" in rows and "catalog-mandatory" in rows
    assert rows == sorted(rows)
    row = page.split('<tr id="service-identifier">')[1].split("</tr>")[0]
    assert "targetClass cpsv:PublicService" in row
    assert "sh:path dct:identifier" in row and "sh:maxCount 1" in row
    assert "<td>Violation</td>" in row
    assert 'class="site-header"' in page  # the site's frame
    assert "A service must have exactly one identifier (dct:identifier)." in row


def test_the_shapes_are_the_same_bytes_built_twice(seed_dist: Path, tmp_path: Path) -> None:
    from envanter.publication.shapesdoc import write_shapes_docs

    paths = [ROOT / "shapes" / "profile.ttl", ROOT / "shapes" / "dcat.ttl"]
    again = write_shapes_docs(paths, BASE, ROOT / "site", tmp_path)
    assert len(again) == 4
    for path in again:
        if path.suffix != ".html":  # (the build's page has the site's frame; this one has not)
            assert path.read_bytes() == (seed_dist / path.relative_to(tmp_path)).read_bytes()
