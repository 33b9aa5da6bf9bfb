"""The static site, without a browser: links, alternates, JSON-LD, sitemap, and what pages show.

One build of the seed into a temporary folder; every HTML page of it is parsed once with the
standard library's html.parser. Expectations come from the source of truth, not from the pages:
the hand-checked records in tests/golden/records, the pinned slugs in data/ids, the curated
corrections, the published N-Triples dump and the SHACL report.
"""

from __future__ import annotations

import filecmp
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from rdflib import Graph, Literal, Namespace, URIRef

from envanter.run.pipeline import BuildOptions, build

from .conftest import EPOCH, ROOT

BASE = "https://envanter.example/"
GOLDEN = ROOT / "tests" / "golden" / "records"
SH = Namespace("http://www.w3.org/ns/shacl#")
# Pages that are not written twice (tr and en) by envanter.publication.site: bilingual pages of their own.
BILINGUAL = {"def/index.html", "def/sekiller.html", "validation/index.html"}
NOT_FOUND = {"404.html", "en/404.html"}


def build_options(out: Path, **changes: Any) -> BuildOptions:
    """The default build, with every input named by its absolute path (any working directory)."""
    defaults: dict[str, Any] = {
        "source": ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt",
        "corrections": ROOT / "data" / "reference" / "corrections.yaml",
        "reference": ROOT / "data" / "reference",
        "ids": ROOT / "data" / "ids",
        "mappings": ROOT / "mappings",
        "ontology": ROOT / "ontology",
        "site": ROOT / "site",
        "queries": ROOT / "queries",
        "shapes": ROOT / "shapes",
    }
    defaults.update(changes)
    return BuildOptions(out=out, **defaults)


def build_site(out: Path, **changes: Any) -> Path:
    build(build_options(out, **changes))
    assert (out / "index.html").is_file(), f"the build wrote no site into {out}"
    return out


# --- parsing pages ---


@dataclass
class Page:
    """What the tests need from one HTML page."""

    path: str  # relative to the site root, with '/'
    lang: str | None = None
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    alternates: list[dict[str, str]] = field(default_factory=list)  # <link rel="alternate">
    ids: set[str] = field(default_factory=set)
    scripts: list[dict[str, str]] = field(default_factory=list)  # attributes + "text"
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # Each <li> with its text and the last <h2>/<h3> before it: (heading, item text).
    items: list[tuple[str, str]] = field(default_factory=list)
    title: str = ""
    h1: str = ""

    @property
    def text(self) -> str:
        return squash(" ".join(self.texts))

    def items_under(self, heading: str) -> list[str]:
        return [text for h, text in self.items if h == heading]

    def jsonld(self) -> list[Any]:
        documents = []
        for s in self.scripts:
            if s.get("type") == "application/ld+json":
                try:
                    documents.append(json.loads(s["text"]))
                except json.JSONDecodeError as e:
                    raise AssertionError(f"{self.path}: JSON-LD does not parse: {e}") from e
        return documents


def lower_tr(text: str) -> str:
    """Lower case the Turkish way: 'I' → 'ı', 'İ' → 'i'."""
    return text.replace("I", "ı").replace("İ", "i").lower()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class PageParser(HTMLParser):
    LINKING: ClassVar[frozenset[str]] = frozenset(
        {"href", "src", "action", "srcset", "poster", "data"}
    )

    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.script: dict[str, str] | None = None
        self.heading: list[str] | None = None
        self.last_heading = ""
        self.item: list[str] | None = None
        self.depth_li = 0
        self.in_title = False
        self.h1: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.page.tags.append((tag, a))
        if tag == "html":
            self.page.lang = a.get("lang")
        if "id" in a:
            self.page.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.page.ids.add(a["name"])
        for k, v in a.items():
            if k in self.LINKING:
                self.page.links.append((tag, k, v))
        if tag == "link" and "alternate" in a.get("rel", "").split():
            self.page.alternates.append(a)
        if tag == "script":
            self.script = dict(a, text="")
        elif tag in ("h2", "h3"):
            self.heading = []
        elif tag == "h1":
            self.h1 = []
        elif tag == "title":
            self.in_title = True
        elif tag == "li":
            self.depth_li += 1
            if self.depth_li == 1:
                self.item = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            self.page.scripts.append(self.script)
            self.script = None
        elif tag in ("h2", "h3") and self.heading is not None:
            self.last_heading = squash("".join(self.heading))
            self.heading = None
        elif tag == "h1" and self.h1 is not None:
            self.page.h1 = squash("".join(self.h1))
            self.h1 = None
        elif tag == "title":
            self.in_title = False
        elif tag == "li" and self.depth_li:
            self.depth_li -= 1
            if self.depth_li == 0 and self.item is not None:
                self.page.items.append((self.last_heading, squash("".join(self.item))))
                self.item = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script["text"] += data
            return
        self.page.texts.append(data)
        if self.heading is not None:
            self.heading.append(data)
        if self.h1 is not None:
            self.h1.append(data)
        if self.item is not None:
            self.item.append(data)
        if self.in_title:
            self.page.title += data


def parse_page(path: Path, root: Path) -> Page:
    page = Page(path.relative_to(root).as_posix())
    parser = PageParser(page)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return page


def parse_site(dist: Path) -> dict[str, Page]:
    return {
        p.relative_to(dist).as_posix(): parse_page(p, dist) for p in sorted(dist.rglob("*.html"))
    }


# --- expectations from the source of truth ---


@cache
def golden(number: int) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (GOLDEN / f"{number:02d}.yaml").read_text(encoding="utf-8")
    )
    return data


@cache
def pinned_slugs() -> dict[str, str]:
    slugs: dict[str, str] = yaml.safe_load(
        (ROOT / "data" / "ids" / "services.yaml").read_text(encoding="utf-8")
    )
    return slugs


@cache
def english_names() -> dict[str, str]:
    seed = ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.en.yaml"
    en = yaml.safe_load(seed.read_text(encoding="utf-8"))
    names: dict[str, str] = en["service_names"]
    return names


@cache
def corrections() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(
        (ROOT / "data" / "reference" / "corrections.yaml").read_text(encoding="utf-8")
    )
    return {c["id"]: c for c in data["corrections"]}


@cache
def law_titles() -> tuple[dict[str, str], dict[str, str]]:
    """The curated titles of laws (by number) and regulations (by how they are cited)."""
    data = yaml.safe_load((ROOT / "data" / "reference" / "laws.yaml").read_text(encoding="utf-8"))
    laws = {law["number"]: law["title"] for law in data["laws"]}
    regulations = {
        cited.casefold(): r["title"] for r in data["regulations"] for cited in r["cited_as"]
    }
    return laws, regulations


def law_title(law: dict[str, Any]) -> str:
    """The title the site shows for a law as a record cites it: the curated one."""
    laws, regulations = law_titles()
    if law["number"] in laws:
        return laws[law["number"]]
    for key in (law["cited_as"], law["title"]):
        if key.casefold() in regulations:
            return regulations[key.casefold()]
    return str(law["title"])


def service_page(number: int, lang: str = "tr") -> str:
    slug = pinned_slugs()[golden(number)["name"]]
    return f"{'en/' if lang == 'en' else ''}doc/id/hizmet/{slug}.html"


def page_iri(path: str) -> str | None:
    """The minted URI a page under doc/ describes: doc/id/hizmet/x.html → {BASE}id/hizmet/x."""
    rest = path.removeprefix("en/")
    if not rest.startswith("doc/") or not rest.endswith(".html"):
        return None
    return BASE + rest[len("doc/") : -len(".html")]


def expand(term: str, context: dict[str, Any]) -> str:
    prefix, colon, local = term.partition(":")
    if colon and prefix in context and isinstance(context[prefix], str):
        return str(context[prefix]) + local
    return term


def graph_nodes(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    nodes = document.get("@graph", [])
    yield from nodes if isinstance(nodes, list) else [nodes]


# --- fixtures ---


@pytest.fixture(scope="module")
def dist(seed_dist: Path) -> Path:
    return seed_dist


@pytest.fixture(scope="module")
def pages(dist: Path) -> dict[str, Page]:
    found = parse_site(dist)
    assert len(found) > 700, f"only {len(found)} HTML pages were built"  # ~360 things × tr, en
    return found


@pytest.fixture(scope="module")
def site_pages(pages: dict[str, Page]) -> dict[str, Page]:
    """The pages envanter.publication.site writes in two languages (all but the bilingual ones
    and the source documents' pages, written once, in both languages)."""
    return {
        p: page for p, page in pages.items() if p not in BILINGUAL and not p.startswith("kaynak/")
    }


# --- links ---


def test_every_internal_link_and_fragment_resolves(dist: Path, pages: dict[str, Page]) -> None:
    host = urlsplit(BASE).netloc
    broken: list[str] = []
    checked = 0
    for path, page in pages.items():
        here = f"http://{host}/{path}"
        for tag, attribute, value in page.links:
            value = value.strip()
            if not value or value.startswith(("mailto:", "tel:")):
                continue
            assert not value.lower().startswith("javascript:"), f"{path}: {tag} {value}"
            target = urlsplit(urljoin(here, value))
            if target.scheme not in ("http", "https") or target.netloc != host:
                continue  # another host: not ours to check
            checked += 1
            file = target.path.lstrip("/")
            if file == "" or file.endswith("/"):
                file += "index.html"
            file = unquote(file)
            where = f"{path}: <{tag} {attribute}={value!r}>"
            if not (dist / file).is_file():
                broken.append(f"{where} → {file} does not exist")
                continue
            if target.fragment:
                ids = pages[file].ids if file in pages else set()
                if unquote(target.fragment) not in ids:
                    broken.append(f"{where} → no id {target.fragment!r} in {file}")
    assert checked > 15_000, f"only {checked} internal links were found"
    assert not broken, f"{len(broken)} broken internal links, e.g.:\n" + "\n".join(broken[:20])


def test_resource_pages_have_turtle_alternate_and_jsonld_of_their_resource(
    dist: Path, pages: dict[str, Page]
) -> None:
    resource_pages = {p: page for p, page in pages.items() if page_iri(p)}
    assert len(resource_pages) > 600
    for path, page in resource_pages.items():
        iri = page_iri(path)
        turtle = [a for a in page.alternates if a.get("type") == "text/turtle"]
        assert len(turtle) == 1, f"{path}: {len(turtle)} <link rel=alternate type=text/turtle>"
        target = urlsplit(urljoin(f"http://h/{path}", turtle[0]["href"])).path.lstrip("/")
        assert (dist / target).is_file(), f"{path}: its Turtle alternate {target} is missing"
        assert target == path.removeprefix("en/").removesuffix(".html") + ".ttl", path
        documents = page.jsonld()
        assert documents, f"{path}: no JSON-LD"
        data = [d for d in documents if "@graph" in d]
        assert len(data) == 1, f"{path}: expected one JSON-LD document with @graph"
        context = data[0]["@context"]
        ids = {expand(str(n.get("@id", "")), context) for n in graph_nodes(data[0])}
        assert iri in ids, f"{path}: the JSON-LD @graph does not describe {iri} ({ids})"


def test_embedded_jsonld_is_the_resource_description(dist: Path, pages: dict[str, Page]) -> None:
    """A few pages, read as RDF: the embedded graph is exactly the resource's own triples."""
    nt = Graph().parse(dist / "data" / "dataset.nt", format="nt")
    for path in (
        "doc/id/hizmet/halk-sut-destegi.html",
        "en/doc/id/mevzuat/kanun-5393.html",
        "doc/id/kanal/sms-1530.html",
    ):
        iri = URIRef(str(page_iri(path)))
        [document] = [d for d in pages[path].jsonld() if "@graph" in d]
        embedded = Graph().parse(data=json.dumps(document), format="json-ld")
        # its own triples, and its fragments' (a service's participations, steps …)
        expected = {t for t in nt if t[0] == iri or str(t[0]).startswith(f"{iri}#")}
        assert expected, f"{iri} has no triples in the dump"
        assert set(embedded) == expected, f"{path}: embedded JSON-LD differs from the dump"


def test_service_pages_embed_schema_org_government_service(site_pages: dict[str, Page]) -> None:
    services = [p for p in site_pages if "/doc/id/hizmet/" in f"/{p}"]
    assert len(services) == 2 * 54, f"{len(services)} service pages, expected 54 in each language"
    for path in services:
        page = site_pages[path]
        schema = [d for d in page.jsonld() if d.get("@context") == "https://schema.org"]
        assert len(schema) == 1, f"{path}: expected one schema.org JSON-LD block"
        s = schema[0]
        assert s["@type"] == "GovernmentService", path
        assert s["@id"] == page_iri(path), path
        assert s["name"] == page.h1, f"{path}: schema.org name {s['name']!r} ≠ h1 {page.h1!r}"
        assert s["provider"]["@type"] == "GovernmentOrganization" and s["provider"]["name"], path


def test_languages_alternates_and_lang_attributes(
    dist: Path, pages: dict[str, Page], site_pages: dict[str, Page]
) -> None:
    for path, page in pages.items():
        assert page.lang in ("tr", "en"), f"{path}: <html lang={page.lang!r}>"
    for path, page in site_pages.items():
        english = path.startswith("en/")
        assert page.lang == ("en" if english else "tr"), f"{path}: <html lang={page.lang!r}>"
        tr_path = path.removeprefix("en/")
        hreflang = {a["hreflang"]: a["href"] for a in page.alternates if "hreflang" in a}
        assert hreflang == {
            "tr": BASE + tr_path,
            "en": BASE + "en/" + tr_path,
            "x-default": BASE + tr_path,
        }, f"{path}: hreflang alternates {hreflang}"
        twin = tr_path if english else "en/" + tr_path
        assert twin in site_pages, f"{path}: its {'Turkish' if english else 'English'} twin"
        switch = [a for t, a in page.tags if t == "a" and a.get("hreflang")]
        assert [a["hreflang"] for a in switch] == ["tr" if english else "en"], path
        assert switch[0]["lang"] == switch[0]["hreflang"], f"{path}: language link lang"
        # WCAG 2.5.3 (label in name): the accessible name contains the visible "English"/"Türkçe"
        visible = "Türkçe" if english else "English"
        assert switch[0]["aria-label"].startswith(visible), f"{path}: {switch[0]['aria-label']!r}"
        target = urlsplit(urljoin(f"http://h/{path}", switch[0]["href"])).path.lstrip("/")
        if path not in NOT_FOUND:  # the 404 page links by absolute path
            assert target == twin, f"{path}: the language link goes to {target}, not {twin}"
        canonical = [a["href"] for t, a in page.tags if t == "link" and a.get("rel") == "canonical"]
        assert canonical == [BASE + path], f"{path}: canonical {canonical}"


def test_sitemap_lists_every_page_and_robots_names_it(dist: Path, pages: dict[str, Page]) -> None:
    tree = ET.parse(dist / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert tree.getroot().tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    listed = [loc.text or "" for loc in tree.getroot().findall("s:url/s:loc", ns)]
    assert len(listed) == len(set(listed)), "sitemap.xml lists a page twice"
    expected = {BASE + p for p in pages if p not in NOT_FOUND}
    assert set(listed) == expected, (
        f"missing from sitemap.xml: {sorted(expected - set(listed))[:10]}; "
        f"listed but not built: {sorted(set(listed) - expected)[:10]}"
    )
    robots = (dist / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in robots, robots


def test_every_minted_uri_has_a_page_in_both_languages(dist: Path) -> None:
    subjects = set()
    for line in (dist / "data" / "dataset.nt").read_text(encoding="utf-8").splitlines():
        if line.startswith("<"):
            subjects.add(line[1 : line.index(">")])
    minted = {
        s
        for s in subjects
        if s.startswith((BASE + "id/", BASE + "def/")) and "#" not in s and not s.endswith("/")
    }
    # 54 services and the laws, organisations, documents, channels and concepts they link to
    assert len(minted) > 300, f"only {len(minted)} minted URIs in the dump"
    missing = [
        f"{lang}{s}"
        for s in sorted(minted)
        for lang in ("", "en/")
        if not (dist / f"{lang}doc/{s[len(BASE) :]}.html").is_file()
    ]
    assert not missing, f"{len(missing)} minted URIs have no page, e.g. {missing[:10]}"


def test_every_fragment_uri_is_a_place_on_its_services_page(dist: Path) -> None:
    """A service's sub-resources (…/hizmet/x#paraf-3) are described on its page: the element
    with the fragment as its id, in both languages."""
    fragments: dict[str, set[str]] = {}
    for line in (dist / "data" / "dataset.nt").read_text(encoding="utf-8").splitlines():
        subject = line[1 : line.index(">")] if line.startswith("<") else ""
        if subject.startswith(BASE + "id/hizmet/") and "#" in subject:
            thing, _, fragment = subject.partition("#")
            fragments.setdefault(thing, set()).add(fragment)
    assert len(fragments) == 54
    kinds = {f.rstrip("0123456789") for found in fragments.values() for f in found}
    assert kinds == {
        "paraf-",
        "kurum-",
        "gereksinim-",
        "adim-",
        "islem-sayisi-",
        "kaynak",
        "sure-ortalama",  # (no legal time of the seed gives a duration: all are prose)
    }
    missing = []
    for thing, found in sorted(fragments.items()):
        for lang in ("", "en/"):
            html = (dist / f"{lang}doc/{thing[len(BASE) :]}.html").read_text(encoding="utf-8")
            ids = set(re.findall(r' id="([^"]+)"', html))
            missing += [f"{lang}{thing}#{f}" for f in sorted(found - ids)]
    assert not missing, f"{len(missing)} fragments have no element, e.g. {missing[:10]}"


# --- what a service page shows ---

SPOT_CHECK = (1, 3, 14, 24, 32, 35, 47)


@pytest.mark.parametrize("number", SPOT_CHECK)
def test_service_page_shows_every_column(pages: dict[str, Page], number: int) -> None:
    record = golden(number)
    path = service_page(number)
    assert path in pages, f"service {number} ({record['name']}) has no page {path}"
    page, text = pages[path], pages[path].text
    where = f"service {number} ({path})"
    assert page.h1 == record["name"], f"{where}: title {page.h1!r}"
    assert squash(record["description"]) in text, f"{where}: description missing"
    laws = page.items_under("Dayanağı mevzuat")
    for law in record["legal_basis"]:
        title = law_title(law)
        assert title in laws, f"{where}: law {title!r} (cited as {law['cited_as']!r}) not in {laws}"
        for article in law["articles"]:
            assert f"Madde {article}" in laws, f"{where}: article {article} of {law['title']}"
    documents = page.items_under("Başvuruda istenen belgeler")
    for document in record["documents"]:
        name = squash(document["name"])
        assert any(d == name or d.startswith(name + " (") for d in documents), (
            f"{where}: document {name!r} not in {documents}"
        )
    # A channel is one resource shared by the services that name it (by kind and number or
    # address), labelled as it was first printed: 'Alo 153' and 'ALO 153' are one channel.
    # (each with what it lets one do after its name: "ALO 153 Çözüm Merkezi: 153")
    channels = [lower_tr(c) for c in page.items_under("Nasıl başvurulur")]
    for channel in record["channels"]:
        label = lower_tr(channel["label"])
        assert any(c == label or c.startswith(label + ": ") for c in channels), (
            f"{where}: channel {channel['label']!r} not in {channels}"
        )
    paraf = [item.split(" — ")[0] for item in page.items_under("Paraf listesi (onay sırası)")]
    assert paraf == record["paraf"], f"{where}: paraf roles, in order"
    volumes = page.items_under("Yıllık işlem sayısı")
    for count in record["annual_counts"]:
        grouped = f"{count['value']:,}".replace(",", ".")  # Turkish digit grouping: 163.485
        assert any(v.startswith(f"{grouped} ") for v in volumes), (
            f"{where}: annual count {count['value']} not in {volumes}"
        )
    lines = f"Kaynak belgenin satırları: {record['first_line']}–{record['last_line']}"
    assert lines in text, f"{where}: source lines"
    for key in record["corrections"]:
        c = corrections()[key]
        for value in (c["source"], c["corrected"], squash(c["reason"])):
            assert squash(value) in text, f"{where}: correction {key}: {value!r} not shown"
    english = pages[service_page(number, "en")]
    assert english.h1 == english_names()[record["name"]], f"{where}: English title"
    assert squash(record["description"]) in english.text, f"{where}: description in English page"


def test_validation_status_box_lists_the_services_findings(
    dist: Path, site_pages: dict[str, Page]
) -> None:
    """Each service page lists exactly its results in the published SHACL report (message, in
    the page's language, and rule), or says it passes every rule."""
    report = Graph().parse(dist / "validation" / "report.ttl", format="turtle")
    expected: dict[tuple[str, str], list[str]] = {}  # (focus, lang) → ["message (rule)", …]
    for result in report.subjects(SH.focusNode, None):
        focus = str(report.value(result, SH.focusNode))
        rule = str(report.value(result, SH.sourceShape)).rsplit("#", 1)[-1]
        for text in report.objects(result, SH.resultMessage):
            assert isinstance(text, Literal), f"{result}: message {text!r}"
            expected.setdefault((focus, str(text.language)), []).append(f"{text} ({rule})")
    assert any("/id/hizmet/" in focus for focus, _ in expected), "no finding on any service"
    services = [p for p in site_pages if p.removeprefix("en/").startswith("doc/id/hizmet/")]
    with_findings = 0
    for path in services:
        page = site_pages[path]
        lang = page.lang or ""
        box = page.items_under("Doğrulama durumu" if lang == "tr" else "Validation status")
        want = sorted(expected.get((str(page_iri(path)), lang), []))
        assert sorted(box) == want, f"{path}: the status box lists {box}, the report {want}"
        if want:
            with_findings += 1
        else:
            passes = "Kurallara uygun." if lang == "tr" else "Passes every rule."
            assert passes in page.text, f"{path}: no findings, but no '{passes}' either"
    assert with_findings > 10, f"only {with_findings} service pages have findings"


def test_past_the_protocols_limit_the_sitemap_is_an_index(tmp_path: Path) -> None:
    """A national inventory has more pages than one sitemap may list (50,000): sitemap.xml then
    points to sitemap-1.xml, sitemap-2.xml, … which list every page once, in order."""
    from envanter.publication.sitemap import write_sitemaps

    urls = [f"{BASE}doc/id/hizmet/s-{k}.html?a=1&b=2" for k in range(7)]
    files = write_sitemaps(tmp_path, BASE, urls, limit=3)
    assert [f.name for f in files] == [
        "sitemap.xml",
        "sitemap-1.xml",
        "sitemap-2.xml",
        "sitemap-3.xml",
    ]
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.parse(tmp_path / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text or "" for loc in index.findall("s:sitemap/s:loc", ns)]
    assert parts == [f"{BASE}sitemap-{k}.xml" for k in (1, 2, 3)]
    listed = []
    for part in parts:
        root = ET.parse(tmp_path / part[len(BASE) :]).getroot()
        assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
        found = [loc.text for loc in root.findall("s:url/s:loc", ns)]
        assert 1 <= len(found) <= 3
        listed += found
    assert listed == urls
    # at or under the limit, one plain sitemap
    small = tmp_path / "small"
    small.mkdir()
    assert [f.name for f in write_sitemaps(small, BASE, urls[:3], limit=3)] == ["sitemap.xml"]


def test_no_inline_event_handlers_or_scripts(pages: dict[str, Page]) -> None:
    """Every page works under a strict Content-Security-Policy (script-src 'self'): scripts come
    from static/ and no element has an inline event handler."""
    for path, page in pages.items():
        for tag, attrs in page.tags:
            handlers = [name for name in attrs if name.startswith("on")]
            assert not handlers, f"{path}: <{tag}> has inline handlers {handlers}"
            if tag == "script" and attrs.get("type") != "application/ld+json":
                assert attrs.get("src", "").endswith(
                    ("static/search.js", "static/copy.js", "static/query.js")
                ), f"{path}: <script {attrs}>"


def test_a_second_build_writes_the_same_pages_and_search_index(
    dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second build gives the same bytes, pages and search index: Pagefind writes its filter
    index in a different order each run, which publication/pagefind.py sorts."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # (the footer dates the edition)
    again = build_site(tmp_path / "dist")

    def compared(folder: Path) -> list[str]:
        return sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and (p.suffix == ".html" or "pagefind" in p.parts)
        )

    files = compared(dist)
    assert "hizmetler.html" in files and "pagefind/pagefind-entry.json" in files
    assert sum(1 for f in files if f.startswith("pagefind/filter/")) == 10  # 5 facets, 2 languages
    assert compared(again) == files
    _, mismatch, errors = filecmp.cmpfiles(dist, again, files, shallow=False)
    assert not mismatch and not errors, (mismatch[:5], errors[:5])


def test_an_entitys_services_are_listed_in_turkish_order(pages: dict[str, Page]) -> None:
    """Each entity page lists the services that use it by their Turkish titles, as many as its
    heading says (the order is found once for all entities: see Views.users_in_order)."""
    from envanter.turkish import turkish_sort_key

    prefix = "Bunu kullanan hizmetler ("
    lists = 0
    for path, page in pages.items():
        headings = {h for h, _ in page.items if h.startswith(prefix)}
        if not path.startswith("doc/") or not headings:
            continue
        [heading] = headings
        titles = page.items_under(heading)
        assert len(titles) == int(heading[len(prefix) : -1]), path
        assert titles == sorted(titles, key=turkish_sort_key), path
        lists += len(titles) > 10
    assert lists > 10  # (laws, units and documents that many services use)
