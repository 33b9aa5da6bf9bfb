"""The source document is published as received (kaynak/), with a page of its lines numbered as
the services' line references number them, and every reference links to its line."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef

from envanter.publication.sourcedoc import source_page, write_source_docs
from envanter.read.source import read_source

from .conftest import ROOT

BASE = "https://envanter.example/"
SEED = ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt"
KEY = "ibb-sosyal-hizmetler-2025"
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ENV = Namespace(BASE + "def/envanter#")
INVENTORIES = ROOT / "tests" / "inventories"
ROW = re.compile(
    r'<tr id="satir-(\d+)"><th scope="row"><a href="#satir-\1">\1</a></th><td[^>]*>(.*?)</td></tr>',
    re.S,
)


def lines_of(page: str) -> dict[int, str]:
    """The numbered lines of a source page, unescaped."""
    return {int(n): html.unescape(text) for n, text in ROW.findall(page)}


def test_the_source_is_published_as_the_bytes_received(seed_dist: Path) -> None:
    assert (seed_dist / "kaynak" / SEED.name).read_bytes() == SEED.read_bytes()


def test_the_page_shows_every_line_under_its_number(seed_dist: Path, seed_lines: list[str]) -> None:
    page = (seed_dist / "kaynak" / f"{KEY}.html").read_text(encoding="utf-8")
    shown = lines_of(page)
    expected = SEED.read_text(encoding="utf-8").split("\n")
    assert expected[-1] == ""  # the file ends with a line end: no line after it
    assert shown == {i: text for i, text in enumerate(expected[:-1], start=1)}
    assert f'href="{SEED.name}"' in page
    assert f"{BASE}id/kaynak/{KEY}" in page


def test_every_service_page_links_its_first_source_line(seed_dist: Path) -> None:
    shown = lines_of((seed_dist / "kaynak" / f"{KEY}.html").read_text(encoding="utf-8"))
    pages = sorted((seed_dist / "doc" / "id" / "hizmet").glob("*.html"))
    assert len(pages) == 54
    for path in pages:
        text = path.read_text(encoding="utf-8")
        found = re.search(
            r'Kaynak belgenin satırları: <a href="\.\./\.\./\.\./kaynak/'
            rf'{KEY}\.html#satir-(\d+)">(\d+)–(\d+)</a>',
            text,
        )
        assert found, path.name
        first = int(found[1])
        assert first == int(found[2])
        # The line the reference starts at is the service's row: it opens with its number.
        number = re.search(r"Kaynak tablodaki sıra no: (\d+)\.", text)
        assert number, path.name
        assert shown[first].split()[0] == number[1], (path.name, shown[first])
        english = seed_dist / "en" / "doc" / "id" / "hizmet" / path.name
        assert f'../../../../kaynak/{KEY}.html#satir-{first}"' in english.read_text("utf-8")


def test_the_line_references_name_their_line_on_the_page(seed_dist: Path) -> None:
    graph = Graph().parse(seed_dist / "data" / "dataset.nt", format="nt")
    excerpts = list(graph.subjects(ENV.firstLine, None))
    assert len(excerpts) == 54
    for excerpt in excerpts:
        first = graph.value(excerpt, ENV.firstLine)
        assert graph.value(excerpt, FOAF.page) == URIRef(f"{BASE}kaynak/{KEY}.html#satir-{first}")
    document = URIRef(f"{BASE}id/kaynak/{KEY}")
    assert graph.value(document, FOAF.page) == URIRef(f"{BASE}kaynak/{KEY}.html")


def test_the_text_is_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script>\n"quoted" & <b>bold</b>\n'
    source = tmp_path / "kotu.txt"
    source.write_text(hostile, encoding="utf-8")
    dist = tmp_path / "dist"
    write_source_docs([("kotu", source)], BASE, ROOT / "site", dist)
    page = (dist / "kaynak" / "kotu.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>" not in page
    assert lines_of(page) == {1: "<script>alert(1)</script>", 2: '"quoted" & <b>bold</b>'}
    assert (dist / "kaynak" / "kotu.txt").read_text(encoding="utf-8") == hostile


@pytest.mark.parametrize(
    "name", ["ankara-il-milli-egitim.csv", "cankaya-belediyesi.xlsx", "aski-abone-isleri.xls"]
)
def test_a_table_source_shows_the_lines_its_references_use(name: str) -> None:
    path = INVENTORIES / name
    page = source_page(path, path.stem)
    shown = {line.number: line.text for line in page.lines}
    for record in read_source(path):
        # The row the record was read from, under the number its line references use.
        assert record.first_line in shown, (name, record.number)
        assert str(record.number) in shown[record.first_line], (name, record.number)
