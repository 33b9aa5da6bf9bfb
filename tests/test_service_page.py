"""The service page in the order a citizen asks, the Hizmet Standartları Tablosu and the footer,
on the session's seed build (no browser): expectations written by hand from the seed's records."""

from __future__ import annotations

import re
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
