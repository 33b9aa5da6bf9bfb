"""The service page in the order a citizen asks, the Hizmet Standartları Tablosu and the footer,
on the session's seed build (no browser): expectations written by hand from the seed's records."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from envanter.publication.contact import e164, phone_actions, readable, web_action
from envanter.publication.views import group_digits

HALK_SUT = "doc/id/hizmet/halk-sut-destegi.html"  # service 14: 15 paraf steps, 12 internal ones


@pytest.mark.parametrize(
    ("digits", "international", "text"),
    [
        ("05521530034", "+905521530034", "0552 153 00 34"),
        ("02124652197", "+902124652197", "0212 465 21 97"),
        ("4448086", "+904448086", "444 80 86"),
        ("153", None, "153"),
        ("1530", None, "1530"),
    ],
)
def test_phone_numbers_in_e164_and_grouped(
    digits: str, international: str | None, text: str
) -> None:
    assert e164(digits) == international
    assert readable(digits) == text


def test_each_kind_of_line_gets_its_own_link() -> None:
    assert [(a.href, a.text) for a in phone_actions("phone_line", "02124652197")] == [
        ("tel:+902124652197", "0212 465 21 97")
    ]
    assert [a.href for a in phone_actions("phone_line", "153")] == ["tel:153"]
    assert [a.href for a in phone_actions("whatsapp", "05521530034")] == [
        "https://wa.me/905521530034"
    ]
    assert [a.href for a in phone_actions("sms", "1530")] == ["sms:1530"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/", "https://"]
)
def test_only_http_addresses_become_links(url: str) -> None:
    assert web_action(url) is None


def test_web_addresses_are_links() -> None:
    action = web_action("https://sosyalyardim.ibb.gov.tr/")
    assert action is not None and action.href == "https://sosyalyardim.ibb.gov.tr/"


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        ("163485", "tr", "163.485"),
        ("163485", "en", "163,485"),
        ("999", "tr", "999"),
        ("1000000", "tr", "1.000.000"),
        ("12.5", "tr", "12.5"),
        ("yaklaşık 300", "tr", "yaklaşık 300"),
    ],
)
def test_digit_grouping(value: str, lang: str, text: str) -> None:
    assert group_digits(value, lang) == text


def headings(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html)
    ]


def test_the_service_page_answers_a_citizen_first(seed_dist: Path) -> None:
    html = (seed_dist / HALK_SUT).read_text(encoding="utf-8")
    found = headings(html)
    citizen = [
        "Kimler yararlanabilir",
        "Nasıl başvurulur",
        "Başvuruda istenen belgeler",
        "Ne kadar sürer",
        "Çevrim içi yapılabilir mi",
        "Uzmanlar için ayrıntılar",
    ]
    assert found[: len(citizen)] == citizen, found
    professional = found[len(citizen) :]
    for later in ("Dayanağı mevzuat", "Paraf listesi (onay sırası)", "İç yazışmalar"):
        assert later in professional, (later, professional)
    # How to apply can be acted on: ALO 153 is a call, WhatsApp and SMS open those, and the
    # application site is a link.
    assert '<a class="tel" href="tel:153">153</a>' in html
    assert '<a class="whatsapp" href="https://wa.me/905521530034">0552 153 00 34</a>' in html
    assert '<a class="sms" href="sms:1530">1530</a>' in html
    assert 'href="https://sosyalyardim.ibb.gov.tr/"' in html
    # The yearly volume with Turkish digit grouping; the row number is provenance, not a title.
    assert "163.485" in html and ">163485<" not in html
    assert "Sıra no 14" not in html
    # No section says only "Yok": a heading is left out when there is nothing under it.
    assert not re.search(r"<p>Yok</p>", html)


def test_the_duration_code_is_data_not_text(seed_dist: Path) -> None:
    html = (seed_dist / "doc/id/hizmet/genc-universiteli-kiyafet-destegi.html").read_text(
        encoding="utf-8"
    )
    assert '<data value="P90D">' in html, "the figure read stays machine-readable"
    text = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>", 1)[0])
    assert "P90D" not in text and "Kesin süre" not in text


def test_the_link_box_has_the_uri_a_copy_button_and_a_citation(seed_dist: Path) -> None:
    html = (seed_dist / HALK_SUT).read_text(encoding="utf-8")
    box = html.split('<section class="linkbox"', 1)[1].split("</section>", 1)[0]
    assert 'value="https://envanter.example/id/hizmet/halk-sut-destegi"' in box
    assert 'class="copy"' in box and "hidden" in box, "the button shows only when scripts run"
    assert "<cite>" in box
    assert 'src="../../../static/copy.js"' in html


def test_the_standards_table_lists_every_service(seed_dist: Path) -> None:
    html = (seed_dist / "hizmet-standartlari.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>", html)
    assert rows == [str(n) for n in range(1, 55)]
    assert "Hizmet Standartları Tablosu" in html
    assert "İstanbul Büyükşehir Belediyesi" in html, "the publisher, from the metadata"
    # service 14: its one document and its completion time, in words
    row = html.split('halk-sut-destegi.html" lang="tr">Halk Süt Desteği</a>', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert "Kişisel Verilerin Korunması Kanununa İlişkin Aydınlatma Metni" in row
    assert "yaklaşık 15 iş günü" in row
    css = (seed_dist / "static" / "style.css").read_text(encoding="utf-8")
    assert "@media print" in css
    for home, link in (
        ("index.html", "hizmet-standartlari.html"),
        ("en/index.html", "../en/hizmet-standartlari.html"),
    ):
        assert f'<a class="button" href="{link}">' in (seed_dist / home).read_text(encoding="utf-8")
    assert "Service Standards Table" in (seed_dist / "en/hizmet-standartlari.html").read_text(
        encoding="utf-8"
    )


def test_the_footer_names_publisher_licence_and_edition(seed_dist: Path) -> None:
    for page in ("index.html", HALK_SUT, "404.html", "en/hizmetler.html"):
        html = (seed_dist / page).read_text(encoding="utf-8")
        footer = html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]
        assert 'rel="license">CC BY 4.0</a>' in footer, page
        assert "2025" in footer and 'datetime="2026-01-01"' in footer, page
        publisher = (
            "Istanbul Metropolitan Municipality"
            if page.startswith("en/")
            else ("İstanbul Büyükşehir Belediyesi")
        )
        assert publisher in footer, page


def test_the_footer_gives_the_metadatas_contact() -> None:
    from envanter.metadata import Contact, InventoryMetadata, Organisation
    from envanter.publication.pages import Colophon

    metadata = InventoryMetadata(
        publisher=Organisation(name="Örnek Belediyesi"),
        contact=Contact(
            email="bilgi@ornek.bel.tr", phone="0212 555 00 00", url="https://ornek.bel.tr/"
        ),
    )
    colophon = Colophon.of("https://creativecommons.org/licenses/by/4.0/", metadata, "2026-01-01")
    assert [(a.href, a.text) for a in colophon.contact] == [
        ("mailto:bilgi@ornek.bel.tr", "bilgi@ornek.bel.tr"),
        ("tel:+902125550000", "0212 555 00 00"),
        ("https://ornek.bel.tr/", "https://ornek.bel.tr/"),
    ]
    assert (colophon.publisher_tr, colophon.publisher_en) == ("Örnek Belediyesi",) * 2
    assert colophon.license_name == "CC BY 4.0" and colophon.unit_tr == ""


# --- every page: no codes, raw URIs or slugs as text; links that work under any sub-path ---

# An ISO 8601 duration (P21D, P1Y2M, PT4H), a raw URI of a thing, a URI's last segment as a name.
DURATION = re.compile(r"\bP(?:\d+[YMWD])+\b|\bP(?:\d+[YMWD])*T(?:\d+[HMS])+\b")
THING_IRI = re.compile(r"https?://\S*/id/")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
# Where a page shows URIs and codes on purpose: the "link to this" box, the parts of the
# validation report and the list of changes that list resources by URI or quote the rules
# (class "raw"), and code (<code>, <pre>: query text, rule ids, a vocabulary's terms).
MADE_FOR_URIS = ("linkbox", "raw")
CODE = ("script", "style", "title", "code", "pre")
VOID = {"br", "meta", "link", "input", "img", "hr", "wbr", "source", "area", "col", "base"}


class VisibleText(HTMLParser):
    """A page's visible text outside the parts made for URIs, its h1 and its links' texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, whether it hides its text)
        self.hidden = 0
        self.text: list[str] = []
        self.names: list[str] = []  # the h1's and each link's text
        self.name: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hides = tag in CODE or any(c in MADE_FOR_URIS for c in classes)
        self.open.append((tag, hides))
        self.hidden += hides
        if tag in ("h1", "a") and not self.hidden:
            self.name = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.open:
            return
        if tag in ("h1", "a") and self.name is not None:
            self.names.append(" ".join("".join(self.name).split()))
            self.name = None
        _, hides = self.open.pop()
        self.hidden -= hides

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)
            if self.name is not None:
                self.name.append(data)


def html_pages(dist: Path) -> list[Path]:
    pages = sorted(dist.rglob("*.html"))
    assert len(pages) > 700, f"only {len(pages)} pages"
    return pages


def test_no_page_shows_a_duration_code_a_raw_uri_or_a_slug(seed_dist: Path) -> None:
    found = []
    for page in html_pages(seed_dist):
        parser = VisibleText()
        parser.feed(page.read_text(encoding="utf-8"))
        text = " ".join(parser.text)
        where = page.relative_to(seed_dist).as_posix()
        found += [(where, m) for m in DURATION.findall(text)]
        found += [(where, m) for m in THING_IRI.findall(text)]
        found += [(where, name) for name in parser.names if SLUG.fullmatch(name)]
    assert not found, f"{len(found)} codes, URIs or slugs shown as text, e.g. {found[:10]}"


def test_the_walk_sees_what_it_looks_for() -> None:
    """A positive control: the checks above find each thing they look for."""
    parser = VisibleText()
    parser.feed(
        "<h1>halk-sut-destegi</h1><p>Kesin süre: P21D</p><p>https://x.example/id/hizmet/a</p>"
        '<section class="linkbox"><p>https://x.example/id/hizmet/a P21D</p></section>'
    )
    text = " ".join(parser.text)
    assert DURATION.findall(text) == ["P21D"]
    assert THING_IRI.findall(text) == ["https://x.example/id/"]
    assert parser.names == ["halk-sut-destegi"]


def test_links_are_relative_so_the_site_works_under_a_sub_path(seed_dist: Path) -> None:
    """Every link and source is relative (the site works at https://host/any/folder/), but the
    404 page's, which a server shows at any path: they are absolute paths from the base URI's."""
    attribute = re.compile(r'\s(?:href|src)="([^"]*)"')
    wrong = []
    for page in html_pages(seed_dist):
        where = page.relative_to(seed_dist).as_posix()
        html = page.read_text(encoding="utf-8")
        head, _, body = html.partition("</head>")
        # (the head's canonical and hreflang links name the published addresses, as they must)
        for link in attribute.findall(body) + re.findall(
            r'<(?:script|link)[^>]*\s(?:src|href)="(\.[^"]*)"', head
        ):
            if re.match(r"(https?:|mailto:|tel:|sms:|#)", link):
                continue
            if where.endswith("404.html"):
                if not link.startswith("/"):
                    wrong.append((where, link))
            elif link.startswith("/"):
                wrong.append((where, link))
    assert not wrong, f"{len(wrong)} links that would break under a sub-path: {wrong[:10]}"
