"""The source document is published as received (kaynak/), with pages of its lines numbered as
the services' line references number them (500 line numbers a page), every reference links to
its line on the page that shows it, and the file is served with the charset it was read in."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace, URIRef

from envanter.cli import main
from envanter.publication.paging import PAGE_SIZE
from envanter.publication.sourcedoc import line_link, write_source_docs
from envanter.read.formats import (
    SOURCE_PAGE_LINES,
    SourceLines,
    read_inventory,
    text_source,
)
from envanter.read.source import read_source

from .conftest import ROOT
from .serving import serving

BASE = "https://envanter.example/"
SEED = ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt"
KEY = "ibb-sosyal-hizmetler-2025"
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ENV = Namespace(BASE + "def/envanter#")
INVENTORIES = ROOT / "tests" / "inventories"
TURKISH_EXCEL = INVENTORIES / "ankara-il-milli-egitim.csv"  # Windows-1254, `;`-separated
ROW = re.compile(
    r'<tr id="satir-(\d+)"><th scope="row"><a href="#satir-\1">\1</a></th><td[^>]*>(.*?)</td></tr>',
    re.S,
)


def lines_of(page: str) -> dict[int, str]:
    """The numbered lines of a source page, unescaped."""
    return {int(n): html.unescape(text) for n, text in ROW.findall(page)}


def pages_of(dist: Path, key: str) -> dict[str, dict[int, str]]:
    """Every page of a source document (its path from the site root) and the lines it shows."""
    paths = [dist / "kaynak" / f"{key}.html", *(dist / "kaynak" / key / "sayfa").glob("*.html")]
    return {p.relative_to(dist).as_posix(): lines_of(p.read_text(encoding="utf-8")) for p in paths}


def test_the_source_pages_hold_as_many_lines_as_the_sites_lists() -> None:
    assert SOURCE_PAGE_LINES == PAGE_SIZE


def test_the_source_is_published_as_the_bytes_received(seed_dist: Path) -> None:
    assert (seed_dist / "kaynak" / SEED.name).read_bytes() == SEED.read_bytes()


def test_the_pages_show_every_line_under_its_number(seed_dist: Path) -> None:
    pages = pages_of(seed_dist, KEY)
    expected = SEED.read_text(encoding="utf-8").split("\n")
    assert expected[-1] == ""  # the file ends with a line end: no line after it
    count = len(expected) - 1
    assert len(pages) == -(-count // PAGE_SIZE) > 1
    shown: dict[int, str] = {}
    for path, lines in pages.items():
        assert 0 < len(lines) <= PAGE_SIZE, path
        # Page n shows the lines numbered (n - 1) × 500 + 1 to n × 500.
        n = 1 if path == f"kaynak/{KEY}.html" else int(Path(path).stem)
        assert min(lines) == (n - 1) * PAGE_SIZE + 1, path
        shown |= lines
    assert shown == {i: text for i, text in enumerate(expected[:-1], start=1)}
    first = (seed_dist / "kaynak" / f"{KEY}.html").read_text(encoding="utf-8")
    assert f'href="../kaynak/{SEED.name}"' in first
    assert f"{BASE}id/kaynak/{KEY}" in first
    later = (seed_dist / "kaynak" / KEY / "sayfa" / "2.html").read_text(encoding="utf-8")
    assert f'href="../../../kaynak/{SEED.name}"' in later
    assert f'href="../../../kaynak/{KEY}.html" rel="prev"' in later
    assert f'href="../../../kaynak/{KEY}/sayfa/3.html" rel="next"' in later


def test_every_service_page_links_its_first_source_line_on_its_page(seed_dist: Path) -> None:
    pages = pages_of(seed_dist, KEY)
    pages_used = set()
    services = sorted((seed_dist / "doc" / "id" / "hizmet").glob("*.html"))
    assert len(services) == 54
    for path in services:
        text = path.read_text(encoding="utf-8")
        found = re.search(
            r'Kaynak belgenin satırları: <a href="\.\./\.\./\.\./'
            r'(kaynak/[^"#]+)#satir-(\d+)">(\d+)–(\d+)</a>',
            text,
        )
        assert found, path.name
        page, first = found[1], int(found[2])
        assert first == int(found[3])
        assert page == line_link(KEY, first).split("#")[0]
        # The page linked exists and has the anchor; its line is the service's row: it opens
        # with the service's number.
        assert first in pages[page], (path.name, page)
        number = re.search(r"Kaynak tablodaki sıra no: (\d+)\.", text)
        assert number, path.name
        assert pages[page][first].split()[0] == number[1], (path.name, pages[page][first])
        english = seed_dist / "en" / "doc" / "id" / "hizmet" / path.name
        assert f'../../../../{page}#satir-{first}"' in english.read_text("utf-8")
        pages_used.add(page)
    assert len(pages_used) > 1  # the seed's services are on several pages


def test_the_line_references_name_their_line_on_its_page(seed_dist: Path) -> None:
    pages = pages_of(seed_dist, KEY)
    graph = Graph().parse(seed_dist / "data" / "dataset.nt", format="nt")
    excerpts = list(graph.subjects(ENV.firstLine, None))
    assert len(excerpts) == 54
    for excerpt in excerpts:
        first = int(graph.value(excerpt, ENV.firstLine))
        page = graph.value(excerpt, FOAF.page)
        assert page == URIRef(f"{BASE}{line_link(KEY, first)}")
        path, anchor = str(page).removeprefix(BASE).split("#")
        assert anchor == f"satir-{first}" and first in pages[path]
    document = URIRef(f"{BASE}id/kaynak/{KEY}")
    assert graph.value(document, FOAF.page) == URIRef(f"{BASE}kaynak/{KEY}.html")


def test_the_text_is_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script>\n"quoted" & <b>bold</b>\n'
    source = tmp_path / "kotu.txt"
    source.write_text(hostile, encoding="utf-8")
    dist = tmp_path / "dist"
    lines = text_source(hostile.split("\n")[:-1], "utf-8")
    write_source_docs([("kotu", source, lines)], BASE, ROOT / "site", dist)
    page = (dist / "kaynak" / "kotu.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>" not in page
    assert lines_of(page) == {1: "<script>alert(1)</script>", 2: '"quoted" & <b>bold</b>'}
    assert (dist / "kaynak" / "kotu.txt").read_text(encoding="utf-8") == hostile
    assert not (dist / "kaynak" / "kotu").exists()  # one page: no page folder


def test_a_table_whose_row_numbers_skip_has_every_page_up_to_its_last(tmp_path: Path) -> None:
    source = tmp_path / "tablo.xlsx"
    source.write_bytes(b"")
    rows = SourceLines(True, [(1, "başlık"), (2, "1 | a"), (1203, "2 | b")], None)
    dist = tmp_path / "dist"
    write_source_docs([("tablo", source, rows)], BASE, ROOT / "site", dist)
    pages = pages_of(dist, "tablo")
    assert pages == {
        "kaynak/tablo.html": {1: "başlık", 2: "1 | a"},
        "kaynak/tablo/sayfa/2.html": {},
        "kaynak/tablo/sayfa/3.html": {1203: "2 | b"},
    }
    assert line_link("tablo", 1203) == "kaynak/tablo/sayfa/3.html#satir-1203"
    assert line_link("tablo", 500) == "kaynak/tablo.html#satir-500"
    assert line_link("tablo", 501) == "kaynak/tablo/sayfa/2.html#satir-501"


@pytest.mark.parametrize(
    "name", ["ankara-il-milli-egitim.csv", "cankaya-belediyesi.xlsx", "aski-abone-isleri.xls"]
)
def test_a_table_source_shows_the_lines_its_references_use(name: str) -> None:
    path = INVENTORIES / name
    shown = dict(read_inventory(path, name).source.lines)
    for record in read_source(path):
        # The row the record was read from, under the number its line references use.
        assert record.first_line in shown, (name, record.number)
        assert str(record.number) in shown[record.first_line], (name, record.number)


def test_a_csv_source_shows_its_physical_lines_decoded() -> None:
    source = read_inventory(TURKISH_EXCEL, TURKISH_EXCEL.name).source
    assert source.charset == "windows-1254" and not source.rows
    text = TURKISH_EXCEL.read_bytes().decode("cp1254")
    assert [t for _, t in source.lines] == text.splitlines()
    assert [n for n, _ in source.lines] == list(range(1, len(source.lines) + 1))


@pytest.fixture(scope="module")
def excel_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the inventory saved by Turkish Excel (Windows-1254)."""
    out = tmp_path_factory.mktemp("excel") / "dist"
    args = ["build", "-q", "--source", str(TURKISH_EXCEL), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def test_the_received_csv_is_served_with_the_charset_it_was_read_in(
    excel_dist: Path, tmp_path: Path
) -> None:
    name = TURKISH_EXCEL.name
    with serving(excel_dist, tmp_path / "serve.log") as server:
        conn = server.connect()
        conn.request("GET", f"/kaynak/{name}")
        response = conn.getresponse()
        body = response.read()
        conn.request("GET", "/data/tables/services.csv")
        written = conn.getresponse()
        written.read()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/csv; charset=windows-1254"
    assert body == TURKISH_EXCEL.read_bytes()
    # What the build writes is UTF-8.
    assert written.getheader("Content-Type") == "text/csv; charset=utf-8"
    nginx = (excel_dist / "nginx.conf").read_text(encoding="utf-8")
    assert f'location = "/kaynak/{name}" {{\n        charset windows-1254;\n    }}' in nginx
    apache = (excel_dist / ".htaccess").read_text(encoding="utf-8")
    assert (
        f"<If \"%{{REQUEST_URI}} == '/kaynak/{name}'\">\n"
        '    ForceType "text/csv; charset=windows-1254"\n</If>'
    ) in apache


def test_every_page_of_the_excel_source_has_its_services_lines(excel_dist: Path) -> None:
    pages = pages_of(excel_dist, TURKISH_EXCEL.stem)
    assert list(pages) == [f"kaynak/{TURKISH_EXCEL.stem}.html"]
    text = TURKISH_EXCEL.read_bytes().decode("cp1254")
    shown = pages[f"kaynak/{TURKISH_EXCEL.stem}.html"]
    assert shown == dict(enumerate(text.splitlines(), start=1))
