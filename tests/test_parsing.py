"""Values inside cells: figures, durations, lists, laws, documents, channels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from envanter.rdf.iris import slugify
from envanter.read import laws, parsing
from envanter.read.channels import parse_channels
from envanter.turkish import ascii_fold


@given(st.integers(min_value=0, max_value=10**12))
def test_figure_round_trip(n: int) -> None:
    assert parsing.parse_figure(parsing.format_figure(n)) == n


@given(st.integers(min_value=1000, max_value=10**9))
def test_figure_with_separators_is_never_a_decimal(n: int) -> None:
    text = parsing.format_figure(n)
    assert "." in text and parsing.parse_figure(text) == n


@pytest.mark.parametrize("bad", ["1.00", "12.3456", "1,5", "abc", "", "1..000"])
def test_figure_rejects_what_is_not_turkish_thousands(bad: str) -> None:
    with pytest.raises(ValueError):
        parsing.parse_figure(bad)


def test_trap_thousands_separators() -> None:
    assert parsing.parse_figure("258.933") == 258933
    assert parsing.parse_figure("1.000.000") == 1_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("258.933", [(258933, None, None, None)]),
        ("19.872 hizmet", [(19872, "hizmet", None, None)]),
        ("1 İSADEM için 19.872 hizmet", [(19872, "hizmet", "1 İSADEM için", None)]),
        (
            "1 İBB Kadın Hizmet Merkezi için 12.787 hizmet",
            [(12787, "hizmet", "1 İBB Kadın Hizmet Merkezi için", None)],
        ),
        (
            "0 (E-kpss 2 yılda bir yapıldığı için 2025 yılında e-kpss gerçekleşmemiştir.)",
            [
                (
                    0,
                    None,
                    None,
                    "E-kpss 2 yılda bir yapıldığı için 2025 yılında e-kpss gerçekleşmemiştir.",
                )
            ],
        ),
        (
            "5.977 ziyaret ve program 76.574 kişi",
            [(5977, "ziyaret ve program", None, None), (76574, "kişi", None, None)],
        ),
        ("3.418 Seans", [(3418, "seans", None, None)]),
        ("280.853 Kez", [(280853, "kez", None, None)]),
        ("12.699 kapasite", [(12699, "kapasite", None, None)]),
        ("1.000.000 adet", [(1000000, "adet", None, None)]),
        ("117.824 katılım", [(117824, "katılım", None, None)]),
        ("28.214 Talep", [(28214, "talep", None, None)]),
    ],
)
def test_trap_counts_with_units_scope_note_and_two_figures(
    text: str, expected: list[tuple[object, ...]]
) -> None:
    got = [(c.value, c.unit, c.scope, c.note) for c in parsing.parse_annual_count(text)]
    assert got == expected


@pytest.mark.parametrize("bad", ["çok", "12,5 kişi", "258.93", "yaklaşık 100"])
def test_count_rejects_non_numbers(bad: str) -> None:
    with pytest.raises(ValueError):
        parsing.parse_annual_count(bad)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # Working days are not calendar days: no xsd:duration (test_cells.py has their reading).
        ("Başvuru ve değerlendirme süreci yaklaşık 15 iş günü sürmektedir.", None),
        ("Başvuru ve değerlendirme süreci yaklaşık 3 ay (90 gün) sürmektedir.", "P90D"),
        ("1 iş günü", None),
        ("15 gün içerisinde hizmetten faydalanıp faydalanamayacağı bilgisi verilir.", "P15D"),
        ("11 ay", "P11M"),
        ("8 hafta", "P8W"),
        ("1 Yıl (3 ayda 1)", "P1Y"),
        ("1 gün(2 saat)", "P1D"),
        ("*Eğitim hizmeti ortalama 45-60 dk sürmektedir. *Tarama hizmetleri ortalama 20 dk", None),
        ("Belirli bir süre bulunmamaktadır.", None),
        ("(-)", None),
        ("-", None),
    ],
)
def test_durations(text: str, iso: str | None) -> None:
    assert parsing.parse_duration(text) == iso


@given(st.integers(min_value=1, max_value=400))
def test_working_days_are_never_calendar_days(n: int) -> None:
    assert parsing.parse_duration(f"{n} iş günü") is None


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["gün", "hafta", "ay", "yıl"]))
def test_plain_durations(n: int, unit: str) -> None:
    designator = {"gün": "D", "hafta": "W", "ay": "M", "yıl": "Y"}[unit]
    assert parsing.parse_duration(f"yaklaşık {n} {unit} sürmektedir") == f"P{n}{designator}"


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1- a 2- b", ["a", "b"]),
        ("1. a 2.b", ["a", "b"]),
        ("1 - a 2 - b", ["a", "b"]),
        ("1) a 2) b", ["a", "b"]),
        ("• a • b", ["a", "b"]),
        ("*a *b", ["a", "b"]),
        ("1--5393 Sayılı Belediye Kanunu 2-5216", ["5393 Sayılı Belediye Kanunu", "5216"]),
        ("1-x Madde 11-21-22 2-y", ["x Madde 11-21-22", "y"]),
        ("yalnız bir", ["yalnız bir"]),
    ],
)
def test_trap_list_styles(text: str, items: list[str]) -> None:
    assert parsing.split_items(text) == items


def test_unnumbered_lists_split_by_wrapped_line() -> None:
    """Lines of a page (wrapped=True): a line that continues the one above joins it."""
    lines = (
        "Kimlik Belgeleri",
        "(varsa)Kira Sözleşmesi",
        "Vukuatlı Nüfus",
        "Kayıt Örneği (Aslı",
        "ile)",
    )
    assert parsing.split_items(" ".join(lines), lines, wrapped=True) == [
        "Kimlik Belgeleri",
        "(varsa)Kira Sözleşmesi",
        "Vukuatlı Nüfus",
        "Kayıt Örneği (Aslı ile)",
    ]


@pytest.mark.parametrize(
    ("item", "name", "qualifier", "condition", "alternative"),
    [
        ("Dilekçe (Zorunlu)", "Dilekçe", "zorunlu", None, False),
        ("Sağlık Kurulu Raporu (Varsa)", "Sağlık Kurulu Raporu", "varsa", None, False),
        ("(varsa)Kira Sözleşmesi", "Kira Sözleşmesi", "varsa", None, False),
        (
            "Varsa Okuyan Kardeşlere Ait Belgeler",
            "Okuyan Kardeşlere Ait Belgeler",
            "varsa",
            None,
            False,
        ),
        ("Kimlik fotokopisi (zorunlu)", "Kimlik fotokopisi", "zorunlu", None, False),
        (
            "İtfaiye Hasar Tespit Raporu (Doğal Afet Desteği İçin)",
            "İtfaiye Hasar Tespit Raporu",
            None,
            "Doğal Afet Desteği İçin",
            False,
        ),
        (
            "Erişkin Engellilik Sağlık Kurulu Raporu ya da",
            "Erişkin Engellilik Sağlık Kurulu Raporu",
            None,
            None,
            True,
        ),
        ("Kimlik,", "Kimlik", None, None, False),
    ],
)
def test_trap_document_qualifiers(
    item: str, name: str, qualifier: str | None, condition: str | None, alternative: bool
) -> None:
    d = parsing.parse_document(item)
    assert (d.name, d.qualifier, d.condition, d.alternative_to_next) == (
        name,
        qualifier,
        condition,
        alternative,
    )


@pytest.mark.parametrize("none", ["_", "-", "(-)", "", "  ", None])
def test_trap_none_markers(none: str | None) -> None:
    assert parsing.is_none(none)
    assert parsing.split_items(none) == []
    assert laws.parse_legal_basis(none) == []


def test_legal_basis_articles() -> None:
    refs = laws.parse_legal_basis(
        "1-5395 sayılı Çocuk Koruma Kanunu 2-4721 Sayılı Türk Medeni Kanunu Madde 348 "
        "3-5237 Sayılı Türk Ceza Kanunu'nun 233. Maddesi 4-6284 Sayılı Ailenin Korunması ve "
        "Kadına Karşı Şiddetin Önlenmesine dair Kanun Madde 11-21-22"
    )
    assert [(r.number, r.kind, r.title, r.articles) for r in refs] == [
        ("5395", "kanun", "Çocuk Koruma Kanunu", ()),
        ("4721", "kanun", "Türk Medeni Kanunu", ("348",)),
        ("5237", "kanun", "Türk Ceza Kanunu", ("233",)),
        (
            "6284",
            "kanun",
            "Ailenin Korunması ve Kadına Karşı Şiddetin Önlenmesine dair Kanun",
            ("11", "21", "22"),
        ),
    ]
    (ref,) = laws.parse_legal_basis("2-5216 Sayılı Büyükşehir Belediyesi Kanunu 7. madde v bendi")
    assert (ref.number, ref.articles) == ("5216", ("7/v",))


def test_two_laws_in_one_item_with_a_note() -> None:
    refs = laws.parse_legal_basis(
        "5216 sayılı Büyükşehir Belediye Kanunu ve 6698 sayılı kişisel verileri koruma kanunu "
        "kapsamında talep ve şikayetlerin alınması"
    )
    assert [(r.number, r.title, r.note) for r in refs] == [
        ("5216", "Büyükşehir Belediye Kanunu", None),
        ("6698", "kişisel verileri koruma kanunu", "kapsamında talep ve şikayetlerin alınması"),
    ]


def test_regulation_without_number() -> None:
    (ref,) = laws.parse_legal_basis("3- İstanbul Büyükşehir Belediyesi Eğitim Yardımı Yönetmeliği")
    assert (ref.number, ref.kind) == (None, "yonetmelik")


def test_channels_typed_with_numbers_and_addresses() -> None:
    got = parse_channels(
        "Başvurular; • ALO 153 Çözüm Merkezi, 0552 153 00 34 numaralı WhatsApp İletişim Hattı ve "
        "1530 numaralı SMS hattı üzerinden, • https://sosyalyardim.ibb.gov.tr/ web sitesi üzerinden,"
    )
    assert [(c.kind, c.phone, c.url) for c in got] == [
        ("phone_line", "153", None),
        ("whatsapp", "05521530034", None),
        ("sms", "1530", None),
        ("web_portal", None, "https://sosyalyardim.ibb.gov.tr/"),
    ]


def test_channels_phone_numbers_and_bare_domains() -> None:
    got = parse_channels(
        "1- Çocuk Hakları Birim Telefonu (02124499306-02124499334) 2- Alo 153 Çözüm Merkezi"
    )
    assert [(c.kind, c.phone) for c in got] == [
        ("phone_line", "02124499306"),
        ("phone_line", "02124499334"),
        ("phone_line", "153"),
    ]
    (web,) = parse_channels("1- Online başvuru (yuvamiz.ibb.istanbul)")
    assert (web.kind, web.url) == ("web_portal", "https://yuvamiz.ibb.istanbul/")


def test_external_organisations_split() -> None:
    assert parsing.split_organisations(
        "Aile ve Sosyal Hizmetler Bakanlığı, İlçe Emniyet Müdürlükleri, Başsavcılık"
    ) == ["Aile ve Sosyal Hizmetler Bakanlığı", "İlçe Emniyet Müdürlükleri", "Başsavcılık"]
    assert parsing.split_organisations("Gerekli görüldüğü durumlarda yazışma yapılmaktadır.") == []


@given(st.text())
def test_slugs_are_ascii_and_url_safe(text: str) -> None:
    slug = slugify(text)
    assert slug.isascii() and slug == slug.lower()
    assert all(c.isalnum() or c == "-" for c in slug)


def test_turkish_folding() -> None:
    assert ascii_fold("İĞÜŞÖÇ ığüşöç") == "IGUSOC igusoc"
    assert slugify("Sosyal Hizmetler Şube Müdürlüğü") == "sosyal-hizmetler-sube-mudurlugu"


@given(st.integers(min_value=1, max_value=100))
def test_xsd_duration_has_no_weeks(weeks: int) -> None:
    assert parsing.xsd_duration(f"P{weeks}W") == f"P{weeks * 7}D"
    assert parsing.xsd_duration("P90D") == "P90D" and parsing.xsd_duration(None) is None
