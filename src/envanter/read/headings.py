"""The column headings of the inventory table in the spellings institutions really use.

The 2009 regulation fixes the columns but not their spelling: "Mahalli İdare" and "Mahallî İdare",
"Görevli Birim - Merkezi İdare", "HİZMETİN ADI", a heading broken over two lines, the four unit
sub-headings under the spanning "Hizmeti Sunmakla Görevli/Yetkili Kurumların/Birimlerin Adı" or
flattened into one heading with it. `column_of` maps any of them to our column.
"""

from __future__ import annotations

import re
import unicodedata

from .inventory import COLUMNS, Column

BY_KEY = {c.key: c for c in COLUMNS}


def fold(text: str) -> str:
    """A heading as compared: Turkish case and dots, circumflexes and punctuation ignored.

    "İ" and "I" are lowered the Turkish way first (plain `casefold` turns "SIRA" into "sira" but
    "İ" into "i" plus a combining dot); then every accent is dropped, so "Mahallî" and "MAHALLİ"
    both fold to "mahalli".
    """
    lowered = text.replace("İ", "i").replace("I", "ı").casefold()
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
    )
    return " ".join(re.sub(r"[^\w]+", " ", bare.replace("ı", "i")).split())


# The spanning heading over the four unit sub-headings, and the prefixes that flatten it into one.
GROUP = re.compile(
    r"(hizmeti )?sunmakla gorevli.*|gorevli (yetkili )?(kurum|birim)\w*( adi)?"
    r"|(hizmeti sunan |gorevli )?(kurum|birim)\w* adi|gorevli birim\w*"
)
UNITS: dict[str, str] = {
    "merkezi idare": "unit_central",
    "merkez idare": "unit_central",
    "merkezi idareler": "unit_central",
    "merkez teskilati": "unit_central",
    "tasra birimleri": "unit_provincial",
    "tasra birimi": "unit_provincial",
    "tasra teskilati": "unit_provincial",
    "tasra idaresi": "unit_provincial",
    "mahalli idare": "unit_local",
    "mahalli idareler": "unit_local",
    "yerel yonetim": "unit_local",
    "diger ozel sektor vb": "unit_other",
    "diger ozel sektor vs": "unit_other",
    "diger ozel sektor vb gibi": "unit_other",
    "diger": "unit_other",
}
UNIT = re.compile(r"(?:(?P<prefix>.*?) )?(?P<unit>" + "|".join(sorted(UNITS, key=len)[::-1]) + r")")

# Every other column: a pattern on the folded heading, tried in order (the durations before the
# name, since "Hizmetin Ortalama Tamamlanma Süresi" also speaks of "hizmetin").
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"s(ira)? ?no|sira|sira numarasi|no", "number"),
        (r"kurum(un)? kodu?( detsis)?|detsis( kodu| no)?", "institution_code"),
        (r"standart dosya plani( kodu?)?( sdp)?|sdp( kodu?)?", "sdp_codes"),
        (r"mevzuatta (belirtilen|ongorulen).*sure\w*", "legal_time"),
        (r"(hizmetin )?ortalama (tamamlanma )?sure\w*", "average_time"),
        (r"(hizmetin )?elektronik.*", "electronic"),
        (r"(hizmetin )?dayana\w*.*|(dayanak|ilgili) mevzuat.*", "legal_basis"),
        (r"hizmet(in|in sunumunda)? (adi|ismi)", "name"),
        (r"hizmet(in)? tanimi|tanimi", "description"),
        (r"hizmetten yararlan\w*( kisiler| kesim\w*)?|yararlanan\w*", "beneficiaries"),
        (
            r"(hizmeti almak icin )?basvuruda (istenen|gereken|talep edilen) belge\w*"
            r"|istenen belge\w*",
            "documents",
        ),
        (r"(hizmetin )?ilk basvuru (makami|yeri|birimi)", "application"),
        (r"paraf( listesi| zinciri)?", "paraf"),
        (r"(kurumun )?(varsa )?(yapmasi gereken )?ic yazisma\w*", "internal"),
        (r"(kurumun )?(varsa )?(yapmasi gereken )?dis yazisma\w*", "external"),
        (r"yillik (islem|basvuru|hizmet) (sayisi|adedi)|islem sayisi", "annual_count"),
    )
)


def is_group(text: str) -> bool:
    """The heading that spans the four unit sub-headings of a two-row header."""
    return GROUP.fullmatch(fold(text)) is not None


def column_of(text: str) -> Column | None:
    """The column a heading names, in any of its real spellings; `None` if it names none."""
    folded = fold(text)
    if folded in BY_KEY:
        return BY_KEY[folded]
    unit = UNIT.fullmatch(folded)
    if unit is not None:
        prefix = unit.group("prefix")
        if prefix is None or GROUP.fullmatch(prefix):
            return BY_KEY[UNITS[unit.group("unit")]]
    for pattern, key in PATTERNS:
        if pattern.fullmatch(folded):
            return BY_KEY[key]
    return None
