"""Cells as stewards write them: each wording with the meaning written here by hand.

Electronic delivery, legal basis, lists, counts, durations and 'no documents'; a cell not
understood is kept as text with a warning, never published as a guess (the build test at the end).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from envanter.cli import main
from envanter.rdf.table_model import article_key
from envanter.read import parsing
from envanter.read.durations import DurationReading, read_duration
from envanter.read.electronic import read_electronic
from envanter.read.inventory import Cell, RawRecord
from envanter.read.laws import parse_legal_basis
from envanter.read.source import write_csv

# --- electronic delivery: is the service offered online? -------------------------------------------

YES, NO, UNKNOWN = True, False, None


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("Sunulmuyor", NO),
        ("Sunulmuyor.", NO),
        ("Sunulmamaktadır", NO),
        ("Elektronik olarak sunulmamaktadır.", NO),
        ("Hayır", NO),
        ("HAYIR", NO),
        ("Hayır, şahsen başvuru yapılır", NO),
        ("Yok", NO),
        ("Yoktur", NO),
        ("-", NO),
        ("_", NO),
        ("Mevcut değil", NO),
        ("e-Devlet üzerinden sunulmamaktadır", NO),
        ("Evet", YES),
        ("EVET", YES),
        ("Var", YES),
        ("Vardır", YES),
        ("Sunulmaktadır", YES),
        ("Elektronik ortamda sunulmaktadır.", YES),
        ("e-Devlet", YES),
        ("E-Devlet Kapısı üzerinden", YES),
        ("e-Belediye", YES),
        ("https://www.turkiye.gov.tr/", YES),
        ("www.ibb.istanbul", YES),
        ("Online başvuru yapılabilmektedir", YES),
        ("Mobil uygulama üzerinden", YES),
        ("Kısmen", YES),
        ("Kısmen sunulmaktadır (ön başvuru)", YES),
        ("Belki", UNKNOWN),
        ("Şubeye gelinmesi gerekir", UNKNOWN),
        ("", UNKNOWN),
    ],
)
def test_electronic_delivery_wordings(text: str, offered: bool | None) -> None:
    reading, not_understood = read_electronic(text)
    assert reading.offered is offered
    # Only a non-empty wording not understood is worth a warning; an empty cell says nothing.
    assert (not_understood is not None) == (offered is None and bool(text))


def test_partly_is_offered_and_says_so() -> None:
    reading, _ = read_electronic("Kısmen")
    assert reading.offered is True and reading.partly is True


def test_an_address_with_a_quote_or_angle_bracket_is_kept_as_text_with_a_warning() -> None:
    reading, warning = read_electronic('https://ornek.gov.tr/a"onmouseover="x <b>')
    assert reading.urls == ()
    assert warning is not None and "not a valid address" in warning


# --- legal basis ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lines", "laws"),
    [
        ("492 Sayılı Harçlar Kanunu", (), [("492", "kanun", ())]),
        ("634 sayılı Kat Mülkiyeti Kanunu", (), [("634", "kanun", ())]),
        ("657 S.K. Md. 4", (), [("657", "kanun", ("4",))]),
        ("657 SK md.4/B", (), [("657", "kanun", ("4/B",))]),
        ("5393 Sayılı Belediye Kanunu Madde 14", (), [("5393", "kanun", ("14",))]),
        ("5393 sayılı Belediye Kanunu 15. maddesi", (), [("5393", "kanun", ("15",))]),
        ("5393 Sayılı Kanunun 14 ve 15. maddeleri", (), [("5393", "kanun", ("14", "15"))]),
        ("3194 Sayılı İmar Kanunu Md. 21, 22, 26", (), [("3194", "kanun", ("21", "22", "26"))]),
        ("5237 Sayılı Türk Ceza Kanunu Madde 134-144", (), [("5237", "kanun", ("134-144",))]),
        ("663 sayılı KHK", (), [("663", "khk", ())]),
        ("663 Sayılı Kanun Hükmünde Kararname Madde 9", (), [("663", "khk", ("9",))]),
        ("1 Sayılı Cumhurbaşkanlığı Kararnamesi", (), [("1", "cbk", ())]),
        ("CBK 1 Madde 508", (), [("1", "cbk", ("508",))]),
        (
            "1- 5393 Sayılı Belediye Kanunu 2- 2464 Sayılı Belediye Gelirleri Kanunu Md. 84",
            (),
            [("5393", "kanun", ()), ("2464", "kanun", ("84",))],
        ),
        (
            # One law a line (Alt+Enter): article 84 belongs to 2464, and 5393 is not lost.
            "3194 Sayılı İmar Kanunu 2464 Sayılı Belediye Gelirleri Kanunu Md. 84 "
            "5393 Sayılı Belediye Kanunu",
            (
                "3194 Sayılı İmar Kanunu",
                "2464 Sayılı Belediye Gelirleri Kanunu Md. 84",
                "5393 Sayılı Belediye Kanunu",
            ),
            [("3194", "kanun", ()), ("2464", "kanun", ("84",)), ("5393", "kanun", ())],
        ),
        (
            # A line of articles only belongs to the law above it.
            "5393 Sayılı Belediye Kanunu Md. 14, 15",
            ("5393 Sayılı Belediye Kanunu", "Md. 14, 15"),
            [("5393", "kanun", ("14", "15"))],
        ),
        (
            "5216 sayılı Kanun ve 6698 sayılı Kanun",
            (),
            [("5216", "kanun", ()), ("6698", "kanun", ())],
        ),
        (
            "Kadın Konukevlerinin Açılması ve İşletilmesi Hakkında Yönetmelik",
            (),
            [(None, "yonetmelik", ())],
        ),
        (
            # A regulation on its own line is its own reference, with its own articles.
            "1 Sayılı Cumhurbaşkanlığı Hükümet Sistemi Kararnamesi Madde 307 "
            "Milli Eğitim Bakanlığı Denklik Yönetmeliği Madde 8, 9, 10",
            (
                "1 Sayılı Cumhurbaşkanlığı Hükümet Sistemi Kararnamesi Madde 307",
                "Milli Eğitim Bakanlığı Denklik Yönetmeliği Madde 8, 9, 10",
            ),
            [("1", "cbk", ("307",)), (None, "yonetmelik", ("8", "9", "10"))],
        ),
        (
            # A numbered law whose title is unfinished, then a tebliğ: the tebliğ is no title.
            "5216 Sayılı Büyükşehir Belediye Ücret Tarifesi Tebliği Md. 3",
            ("5216 Sayılı Büyükşehir Belediye", "Ücret Tarifesi Tebliği Md. 3"),
            [("5216", "kanun", ()), (None, "diger", ("3",))],
        ),
        (
            # The articles of a regulation's line, then an article-only line: to the regulation.
            "657 S.K. Md. 4 Görevde Yükselme Yönetmeliği Md. 5 Md. 6",
            ("657 S.K. Md. 4", "Görevde Yükselme Yönetmeliği Md. 5", "Md. 6"),
            [("657", "kanun", ("4",)), (None, "yonetmelik", ("5", "6"))],
        ),
        # A 'mükerrer' article is another article than the one of its number.
        (
            "2464 Sayılı Belediye Gelirleri Kanunu Mükerrer Md. 44",
            (),
            [("2464", "kanun", ("mükerrer 44",))],
        ),
        ("2464 sayılı Kanunun mükerrer 44. maddesi", (), [("2464", "kanun", ("mükerrer 44",))]),
        (
            "2464 S.K. Md. 44 ve Mükerrer Madde 44",
            (),
            [("2464", "kanun", ("mükerrer 44", "44"))],
        ),
    ],
)
def test_legal_basis_wordings(
    text: str, lines: tuple[str, ...], laws: list[tuple[str | None, str, tuple[str, ...]]]
) -> None:
    assert [(r.number, r.kind, r.articles) for r in parse_legal_basis(text, lines)] == laws


@pytest.mark.parametrize(
    ("text", "references"),
    [
        # Several instruments on one line, joined by 've', ',' or ';': one reference each.
        (
            "CBK 1 Madde 307 ve Sosyal Hizmetler Yönetmeliği Madde 8",
            [
                ("1", "cbk", "CBK", ("307",)),
                (None, "yonetmelik", "Sosyal Hizmetler Yönetmeliği", ("8",)),
            ],
        ),
        (
            "2828 Sayılı Sosyal Hizmetler Kanunu, Sosyal Hizmetler Yönetmeliği",
            [
                ("2828", "kanun", "Sosyal Hizmetler Kanunu", ()),
                (None, "yonetmelik", "Sosyal Hizmetler Yönetmeliği", ()),
            ],
        ),
        (
            "657 S.K. Md. 4; Görevde Yükselme Yönetmeliği Md. 5",
            [
                ("657", "kanun", "", ("4",)),
                (None, "yonetmelik", "Görevde Yükselme Yönetmeliği", ("5",)),
            ],
        ),
        (
            "3071 Sayılı Kanun Madde 7 ve 2019/12 Sayılı Cumhurbaşkanlığı Genelgesi",
            [
                ("3071", "kanun", "Kanun", ("7",)),
                (None, "diger", "2019/12 Sayılı Cumhurbaşkanlığı Genelgesi", ()),
            ],
        ),
        (
            "5393 Sayılı Belediye Kanunu Madde 14, 15 ve 18 ve 3194 Sayılı İmar Kanunu",
            [
                ("5393", "kanun", "Belediye Kanunu", ("14", "15", "18")),
                ("3194", "kanun", "İmar Kanunu", ()),
            ],
        ),
        (
            "Gelir Vergisi Kanunu ve Katma Değer Vergisi Genel Uygulama Tebliği Madde 2",
            [
                (None, "kanun", "Gelir Vergisi Kanunu", ()),
                (None, "diger", "Katma Değer Vergisi Genel Uygulama Tebliği", ("2",)),
            ],
        ),
        # The articles of one instrument stay together.
        (
            "5393 Sayılı Belediye Kanunu Madde 5 ve 7",
            [("5393", "kanun", "Belediye Kanunu", ("5", "7"))],
        ),
        (
            "Dernekler Yönetmeliği Madde 3, 4",
            [(None, "yonetmelik", "Dernekler Yönetmeliği", ("3", "4"))],
        ),
        # A title holding 've' is one instrument.
        (
            "2911 Sayılı Toplantı ve Gösteri Yürüyüşleri Kanunu Madde 10",
            [("2911", "kanun", "Toplantı ve Gösteri Yürüyüşleri Kanunu", ("10",))],
        ),
        (
            "Yardım Toplama Usul ve Esasları Hakkında Yönetmelik",
            [(None, "yonetmelik", "Yardım Toplama Usul ve Esasları Hakkında Yönetmelik", ())],
        ),
        (
            "Sosyal Hizmetler ve Çocuk Esirgeme Kurumu Kanunu",
            [(None, "kanun", "Sosyal Hizmetler ve Çocuk Esirgeme Kurumu Kanunu", ())],
        ),
    ],
)
def test_several_instruments_on_one_line(
    text: str, references: list[tuple[str | None, str, str, tuple[str, ...]]]
) -> None:
    found = parse_legal_basis(text)
    assert [(r.number, r.kind, r.title, r.articles) for r in found] == references


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # 'Kanun' + 'un' and 'Kanunu' + 'nun': the genitive is cut off, never a letter of the word.
        ("2464 sayılı Kanunun 44. maddesi", "Kanun"),
        ("5393 sayılı Kanun'un 15. maddesi", "Kanun"),
        ("5393 sayılı Belediye Kanununun 15. maddesi", "Belediye Kanunu"),
        ("2547 sayılı Yükseköğretim Kanunu'nun 44. maddesi", "Yükseköğretim Kanunu"),
        ("1 sayılı Cumhurbaşkanlığı Kararnamesinin 307. maddesi", "Cumhurbaşkanlığı Kararnamesi"),
    ],
)
def test_a_title_cited_in_the_genitive_keeps_its_word(text: str, title: str) -> None:
    assert [r.title for r in parse_legal_basis(text)] == [title]


def test_a_mukerrer_article_has_its_own_iri_and_the_others_keep_theirs() -> None:
    assert article_key("kanun-2464", "mükerrer 44") == "kanun-2464-madde-mukerrer-44"
    assert article_key("kanun-2464", "44") == "kanun-2464-madde-44"
    assert article_key("kanun-5237", "134-144") == "kanun-5237-madde-134-144"


# --- lists -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lines", "items"),
    [
        ("1. Dilekçe 2. Kimlik", (), ["Dilekçe", "Kimlik"]),
        ("1) Dilekçe 2) Kimlik", (), ["Dilekçe", "Kimlik"]),
        ("a) Dilekçe b) Kimlik c) Fotoğraf", (), ["Dilekçe", "Kimlik", "Fotoğraf"]),
        ("• Dilekçe • Kimlik", (), ["Dilekçe", "Kimlik"]),
        ("* Dilekçe * Kimlik", (), ["Dilekçe", "Kimlik"]),
        ("- Dilekçe - Kimlik fotokopisi", (), ["Dilekçe", "Kimlik fotokopisi"]),
        # Unnumbered, one item a line (the steward's own line breaks).
        ("Dilekçe Kimlik", ("Dilekçe", "Kimlik"), ["Dilekçe", "Kimlik"]),
        ("- Dilekçe - Kimlik", ("- Dilekçe", "- Kimlik"), ["Dilekçe", "Kimlik"]),
        ("1. Dilekçe 2. Kimlik", ("1. Dilekçe", "2. Kimlik"), ["Dilekçe", "Kimlik"]),
        (
            "Fen İşleri Müdürlüğü İmar ve Şehircilik Müdürlüğü",
            ("Fen İşleri Müdürlüğü", "İmar ve Şehircilik Müdürlüğü"),
            ["Fen İşleri Müdürlüğü", "İmar ve Şehircilik Müdürlüğü"],
        ),
        # A dash inside a text is punctuation, not a bullet.
        ("Belediye - Merkez Bina", (), ["Belediye - Merkez Bina"]),
    ],
)
def test_list_wordings(text: str, lines: tuple[str, ...], items: list[str]) -> None:
    assert parsing.split_items(text, lines) == items


def test_a_wrapped_line_is_not_a_new_item() -> None:
    lines = ("Nüfus cüzdanı", "fotokopisi", "İkametgah belgesi")
    assert parsing.split_items(" ".join(lines), lines, wrapped=True) == [
        "Nüfus cüzdanı fotokopisi",
        "İkametgah belgesi",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Belge istenmemektedir.",
        "Herhangi bir belge istenmemektedir.",
        "Başvuruda herhangi bir belge istenmemektedir",
        "Yok",
        "Yoktur.",
        "Evrak istenmez",
    ],
)
def test_no_document_wordings_mean_no_documents(text: str) -> None:
    documents, note = parsing.parse_documents(text)
    assert documents == []
    assert note == text


@pytest.mark.parametrize("text", ["-", "_", "(-)"])
def test_a_dash_means_no_documents(text: str) -> None:
    assert parsing.parse_documents(text) == ([], None)


def test_dash_bullets_are_documents_not_glued() -> None:
    documents, note = parsing.parse_documents("- Dilekçe - Nüfus cüzdanı fotokopisi")
    assert [d.name for d in documents] == ["Dilekçe", "Nüfus cüzdanı fotokopisi"]
    assert note is None


# --- counts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("1.250", [(1250, None, None)]),
        ("1.250 işlem", [(1250, "işlem", None)]),
        ("258.933 Kişi", [(258933, "kişi", None)]),
        ("1.250 dosya", [(1250, None, "dosya")]),
        ("35 araç muayenesi", [(35, None, "araç muayenesi")]),
        ("0", [(0, None, None)]),
        (
            "5.977 ziyaret ve program 76.574 kişi",
            [(5977, "ziyaret ve program", None), (76574, "kişi", None)],
        ),
    ],
)
def test_count_wordings(text: str, counts: list[tuple[int, str | None, str | None]]) -> None:
    assert [(c.value, c.unit, c.unit_text) for c in parsing.parse_annual_count(text)] == counts


@pytest.mark.parametrize("text", ["Talebe göre değişir", "1,5 ton", "Yaklaşık bin"])
def test_a_count_that_is_no_figure_is_not_read(text: str) -> None:
    with pytest.raises(ValueError):
        parsing.parse_annual_count(text)


# --- durations ---------------------------------------------------------------------------------------


def d(
    value: int | None = None,
    low: int | None = None,
    high: int | None = None,
    unit: str | None = None,
    kind: str | None = None,
) -> DurationReading:
    return DurationReading(value, low, high, unit, kind)


@pytest.mark.parametrize(
    ("text", "reading", "iso"),
    [
        (
            "15 iş günü",
            d(15, unit="is-gunu"),
            None,
        ),  # never P21D: working days are not calendar days
        ("7 işgünü", d(7, unit="is-gunu"), None),
        ("5 gün", d(5, unit="gun"), "P5D"),
        ("7-10 gün", d(low=7, high=10, unit="gun"), None),
        ("3-5 iş günü", d(low=3, high=5, unit="is-gunu"), None),
        ("2 saat", d(2, unit="saat"), "PT2H"),
        ("30 dakika", d(30, unit="dakika"), "PT30M"),
        ("45-60 dk", d(low=45, high=60, unit="dakika"), None),
        ("2 hafta", d(2, unit="hafta"), "P2W"),
        ("1 ay", d(1, unit="ay"), "P1M"),
        ("Aynı gün", d(kind="ayni-gun"), None),
        ("Başvuru aynı gün içinde sonuçlandırılır", d(kind="ayni-gun"), None),
        ("Anında", d(kind="aninda"), None),
        ("Belirli bir süre bulunmamaktadır.", None, None),
        ("-", None, None),
    ],
)
def test_duration_wordings(text: str, reading: DurationReading | None, iso: str | None) -> None:
    assert read_duration(text) == reading
    assert parsing.parse_duration(text) == iso


# --- the build: what is not understood is published as text, with a warning --------------------------


def test_cells_not_understood_are_published_as_text_with_warnings(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    record = raw_records[0]
    cells = dict(record.cells)
    cells["electronic"] = Cell("Belki ileride")
    cells["average_time"] = Cell("7-10 iş günü")
    cells["annual_count"] = Cell("1.250 dosya")
    cells["legal_basis"] = Cell(
        "657 S.K. Md. 4 5393 Sayılı Belediye Kanunu Madde 14, 15",
        (),
        ("657 S.K. Md. 4", "5393 Sayılı Belediye Kanunu Madde 14, 15"),
    )
    path = tmp_path / "inventory.csv"
    write_csv([replace(record, cells=cells)], path)
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        main, ["build", "--source", str(path), "--out", str(out), "--reference-year", "2025"]
    )
    assert result.exit_code == 0, result.output
    warnings = [w for w in result.output.splitlines() if w.startswith("warning: ")]
    assert (
        f"warning: {path}:3: electronic: service 1: cannot tell whether the service is offered "
        "online from 'Belki ileride'; expected 'Evet', 'Sunulmaktadır', 'e-Devlet', an address, "
        "or 'Hayır', 'Sunulmuyor', 'Yok', '-'. 'Offered online' is left unknown"
    ) in warnings
    assert any("law 657 is not in laws.yaml" in w for w in warnings)
    assert any("the unit 'dosya' of '1.250 dosya' is not a known count unit" in w for w in warnings)

    store = ox.Store()
    store.load(path=str(out / "data" / "dataset.nt"), format=ox.RdfFormat.N_TRIPLES)
    env = "https://envanter.example/def/envanter#"
    # Scoped by the file's name: the build knows no publisher (docs/uri-policy.md).
    service = "<https://envanter.example/id/hizmet/inventory--sosyal-destek-istanbulkart>"
    # Unknown, never offered: no env:offeredOnline at all, and the text kept.
    assert not store.query(f"ASK {{ {service} <{env}offeredOnline> ?x }}")
    assert store.query(f'ASK {{ {service} <{env}electronicDeliveryText> "Belki ileride"@tr }}')
    # 7-10 working days stay working days: a range in is-gunu, and no xsd:duration.
    assert store.query(
        f"ASK {{ {service} <{env}averageDuration> ?d . ?d <{env}minimum> 7 ; <{env}maximum> 10 ; "
        f"<{env}unit> <https://envanter.example/def/sure-birimi/is-gunu> }}"
    )
    assert not store.query(f"ASK {{ {service} <http://data.europa.eu/m8g/processingTime> ?t }}")
    # Each law its own citation, its articles attached to it; 657 linked by its number.
    laws = {
        str(row["o"].value).rsplit("/", 1)[1]
        for row in store.query(
            f"SELECT ?o {{ {service} <http://data.europa.eu/m8g/hasLegalResource> ?o }}"
        )
    }
    assert laws == {
        "kanun-657",
        "kanun-657-madde-4",
        "kanun-5393",
        "kanun-5393-madde-14",
        "kanun-5393-madde-15",
    }
    # The unit that is no concept is kept as its text.
    assert store.query(
        f'ASK {{ ?v <{env}countUnitText> "dosya"@tr ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> 1250 }}'
    )

    report = ox.Store()
    report.load(path=str(out / "validation" / "report.ttl"), format=ox.RdfFormat.TURTLE)
    warned = {
        (row["shape"].value.rsplit("#", 1)[1], row["focus"].value)
        for row in report.query(
            "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?shape ?focus "
            "{ ?r sh:resultSeverity sh:Warning ; sh:sourceShape ?shape ; sh:focusNode ?focus }"
        )
    }
    assert ("offered-online-unknown", service.strip("<>")) in warned
    assert ("annual-volume", service.strip("<>") + "#islem-sayisi-1") in warned
