"""Pages that would grow with a national inventory, paged: the validation report
(validation/index.html says how many findings each rule has and shows the first PAGE_SIZE
findings; the others are at validation/sayfa/{n}.html, in the report's order, each finding
once, each rule's count linking to where its findings begin), the Hizmet Standartları
Tablosu, and a resource's values past a page (the dataset's parts). On a synthetic inventory
with more than a page of each."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from rdflib import Graph, Namespace, URIRef

from envanter.publication.paging import PAGE_SIZE
from envanter.run.pipeline import BuildResult

SH = Namespace("http://www.w3.org/ns/shacl#")
DCT = Namespace("http://purl.org/dc/terms/")
BASE = "https://envanter.example/"


class ReportPage(HTMLParser):
    """A report page's findings (rows of the table: row id, resource, rule), its links and its
    elements' ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict[str, str]] = []
        self.links: list[tuple[str, str, dict[str, str]]] = []  # (href, text, attributes)
        self.ids: set[str] = set()
        self.cell = -1
        self.in_body = False
        self.link: dict[str, str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append({"id": a.get("id", ""), "focus": "", "rule": ""})
            self.cell = -1
        elif tag == "td" and self.in_body:
            self.cell += 1
        elif tag == "a":
            self.link, self.text = a, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag == "a" and self.link is not None:
            self.links.append((self.link.get("href", ""), "".join(self.text).strip(), self.link))
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.link is not None:
            self.text.append(data)
        if self.in_body and self.rows and data.strip():
            row = self.rows[-1]
            if self.cell == 0 and not row["focus"]:
                row["focus"] = data.strip()
            elif self.cell == 1 and not row["rule"]:
                row["rule"] = data.strip()


def read_page(dist: Path, path: str) -> ReportPage:
    page = ReportPage()
    page.feed((dist / path).read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def dist(paged_report_build: BuildResult) -> Path:
    return paged_report_build.out


@pytest.fixture(scope="module")
def report(dist: Path) -> Graph:
    return Graph().parse(dist / "validation" / "report.ttl", format="turtle")


def rule_of(report: Graph, result: object) -> str:
    return str(report.value(result, SH.sourceShape)).rsplit("#", 1)[1]


def paths_of(findings: int) -> list[str]:
    pages = -(-findings // PAGE_SIZE)
    return ["validation/index.html"] + [f"validation/sayfa/{n}.html" for n in range(2, pages + 1)]


def test_the_findings_are_paged_at_stable_addresses(dist: Path, report: Graph) -> None:
    results = list(report.objects(None, SH.result))
    assert len(results) > PAGE_SIZE, "the synthetic inventory has more than a page of findings"
    expected = paths_of(len(results))
    written = sorted(p.relative_to(dist).as_posix() for p in (dist / "validation").rglob("*.html"))
    assert written == sorted(expected)
    rows = [read_page(dist, path).rows for path in expected]
    assert [len(r) for r in rows[:-1]] == [PAGE_SIZE] * (len(expected) - 1)
    assert 0 < len(rows[-1]) <= PAGE_SIZE
    # Every finding once, in the report's order: by severity, then rule, then resource.
    shown = [(row["rule"], row["focus"]) for page in rows for row in page]
    in_report = Counter((rule_of(report, r), str(report.value(r, SH.focusNode))) for r in results)
    assert Counter(shown) == in_report
    order = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
    severity = {rule_of(report, r): order[report.value(r, SH.resultSeverity)] for r in results}
    keys = [(severity[rule], rule, focus) for rule, focus in shown]
    assert keys == sorted(keys)


def test_each_rule_says_how_many_findings_it_has_and_links_to_the_first(
    dist: Path, report: Graph
) -> None:
    counts = Counter(rule_of(report, r) for r in report.objects(None, SH.result))
    summary = read_page(dist, "validation/index.html")
    linked = {}
    for href, text, _ in summary.links:
        if "#f-" in href:
            rule = href.split("#f-", 1)[1]
            linked[rule] = href
            assert text.split()[0] == str(counts[rule]), f"{rule}: the summary says {text!r}"
    assert set(linked) == set(counts), "every rule with findings, and only those, links to them"
    rows_before: dict[str, str] = {}
    for path in paths_of(sum(counts.values())):
        for row in read_page(dist, path).rows:
            rows_before.setdefault(row["rule"], path)
    for rule, href in linked.items():
        target = urlsplit(urljoin("http://h/validation/index.html", href))
        page = target.path.lstrip("/")
        assert page == rows_before[rule], f"{rule}: its findings begin on {rows_before[rule]}"
        rows = read_page(dist, page).rows
        first = next(k for k, row in enumerate(rows) if row["rule"] == rule)
        assert rows[first]["id"] == f"f-{rule}", f"{rule}: its first row carries the anchor"
    # (no other page has a summary of its own)
    assert "kurallar" in summary.ids
    assert "kurallar" not in read_page(dist, "validation/sayfa/2.html").ids


def test_the_pages_link_each_other_and_the_rules(dist: Path, report: Graph) -> None:
    paths = paths_of(len(list(report.objects(None, SH.result))))
    summary_ids = read_page(dist, "validation/index.html").ids
    for number, path in enumerate(paths, start=1):
        page = read_page(dist, path)
        resolved = {}
        for href, _, attributes in page.links:
            target = urlsplit(urljoin(f"http://h/{path}", href))
            resolved.setdefault(attributes.get("rel", ""), []).append(target)
            local = target.path.lstrip("/")
            if target.netloc == "h" and local.startswith("validation/"):
                assert (dist / local).is_file(), f"{path}: {href} goes nowhere"
                if local == "validation/index.html" and target.fragment:
                    assert target.fragment in summary_ids, f"{path}: {href} has no target"
        prev = [t.path.lstrip("/") for t in resolved.get("prev", [])]
        after = [t.path.lstrip("/") for t in resolved.get("next", [])]
        assert prev == ([paths[number - 2]] if number > 1 else [])
        assert after == ([paths[number]] if number < len(paths) else [])
        current = [
            urlsplit(urljoin(f"http://h/{path}", href)).path.lstrip("/")
            for href, _, a in page.links
            if a.get("aria-current") == "page"
        ]
        assert current == [path]


def test_the_sitemap_lists_every_page_of_the_report(dist: Path, report: Graph) -> None:
    sitemap = (dist / "sitemap.xml").read_text(encoding="utf-8")
    for path in paths_of(len(list(report.objects(None, SH.result)))):
        assert f"<loc>{BASE}{path}</loc>" in sitemap, path


def test_the_standards_table_is_paged_as_the_list_of_services(dist: Path) -> None:
    """The Hizmet Standartları Tablosu of a large inventory: PAGE_SIZE services a page, in the
    source's order, every service once, at stable addresses in both languages."""
    services = sorted(p.name for p in (dist / "doc" / "id" / "hizmet").glob("*.html"))
    pages = -(-len(services) // PAGE_SIZE)
    assert pages > 1
    for home in ("", "en/"):
        paths = [f"{home}hizmet-standartlari.html"] + [
            f"{home}hizmet-standartlari/sayfa/{n}.html" for n in range(2, pages + 1)
        ]
        written = sorted(
            p.relative_to(dist).as_posix()
            for p in [dist / paths[0], *(dist / f"{home}hizmet-standartlari").rglob("*.html")]
            if p.is_file()
        )
        assert written == sorted(paths)
        numbers: list[int] = []
        linked: list[str] = []
        for path in paths:
            html = (dist / path).read_text(encoding="utf-8")
            numbers += [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", html)]
            linked += re.findall(r'href="[^"]*doc/id/hizmet/([^"/]+\.html)"', html)
            assert html.count('class="pager"') == 1, path
        assert numbers == list(range(1, len(services) + 1)), "each row once, in order"
        assert sorted(linked) == services, "each service's page linked once"


def test_a_property_with_more_values_than_a_page_is_shown_in_part(dist: Path) -> None:
    """The dataset has every service as a part (dct:hasPart): its page shows the first
    PAGE_SIZE, in its table and its JSON-LD, and says how many there are; its data has all."""
    (page,) = [p for p in (dist / "doc" / "id" / "veri-seti").glob("*.html")]
    iri = BASE + "id/veri-seti/" + page.stem
    services = len(list((dist / "doc" / "id" / "hizmet").glob("*.html")))
    assert services > PAGE_SIZE
    data = Graph().parse(page.with_suffix(".ttl"), format="turtle")
    assert len(list(data.objects(URIRef(iri), DCT.hasPart))) == services
    for lang, total in (("tr", f"{services:,}".replace(",", ".")), ("en", f"{services:,}")):
        path = page if lang == "tr" else dist / "en" / page.relative_to(dist)
        html = path.read_text(encoding="utf-8")
        assert html.count("<td><code>dct:hasPart</code></td>") == PAGE_SIZE
        jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert jsonld
        embedded = Graph().parse(data=jsonld[1], format="json-ld")
        parts = set(embedded.objects(URIRef(iri), DCT.hasPart))
        assert len(parts) == PAGE_SIZE and parts < set(data.objects(URIRef(iri), DCT.hasPart))
        note = re.search(r'<p class="hint"><code>dct:hasPart</code>: ([^<]*)</p>', html)
        assert note and total in note[1] and "500" in note[1], (lang, note)


def test_the_search_index_is_in_pieces(dist: Path) -> None:
    """Past PIECE services the search index is in pieces: the first is pagefind/ itself, the
    others pagefind/piece/{n}/ with only their index files, all listed in pieces.json; each
    language's pieces hold every service once."""
    from envanter.publication.search import PIECE

    services = len(list((dist / "doc" / "id" / "hizmet").glob("*.html")))
    pieces = -(-services // PIECE)
    assert pieces > 1
    index = dist / "pagefind"
    parts = json.loads((index / "pieces.json").read_text(encoding="utf-8"))
    listed = parts["pieces"]
    assert listed == [f"piece/{n}/" for n in range(2, pieces + 1)]
    pages = 0
    for folder in [index, *(index / part for part in listed)]:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert sorted(entry["languages"]) == ["en", "tr"]
        pages += entry["languages"]["tr"]["page_count"]
        if folder != index:
            files = sorted(p.name for p in folder.iterdir() if p.is_file())
            assert files == sorted(
                ["pagefind-entry.json"]
                + [f"pagefind.{a['hash']}.pf_meta" for a in entry["languages"].values()]
            )
            assert {p.name for p in folder.iterdir() if p.is_dir()} == {
                "index",
                "filter",
                "fragment",
            }
    assert pages == services
    # The titles' index: fewer than TITLE_PIECE services, one piece, with the code the page
    # runs for it, and every service in both languages.
    assert parts["titles"] == ["basliklar/"]
    titles = index / "basliklar"
    entry = json.loads((titles / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: entry["languages"][lang]["page_count"] for lang in ("tr", "en")} == {
        "tr": services,
        "en": services,
    }
    assert {"wasm.tr.pagefind", "wasm.en.pagefind"} <= {p.name for p in titles.iterdir()}
    assert not (titles / "pagefind.js").exists()


def test_records_are_split_into_pieces_in_page_order(tmp_path: Path) -> None:
    """A piece holds `size` services' records in both languages, in the order of their pages;
    the first piece's stay where they are."""
    from envanter.publication.search import split

    records, others, index = tmp_path / "r", tmp_path / "o", tmp_path / "i"
    pages = [f"doc/id/hizmet/{n:02d}.html" for n in range(1, 6)]
    for page in pages:
        for path in (page, f"en/{page}"):
            (records / path).parent.mkdir(parents=True, exist_ok=True)
            (records / path).write_text(path, encoding="utf-8")
    jobs = split(records, index, pages, 2, others)
    assert jobs == [
        (records, index),
        (others / "2", index / "piece" / "2"),
        (others / "3", index / "piece" / "3"),
    ]

    def held(folder: Path) -> list[str]:
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))

    assert held(records) == sorted([*pages[:2], *(f"en/{p}" for p in pages[:2])])
    assert held(others / "2") == sorted([*pages[2:4], *(f"en/{p}" for p in pages[2:4])])
    assert held(others / "3") == sorted([pages[4], f"en/{pages[4]}"])
