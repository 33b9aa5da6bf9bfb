"""Pure functions that read the values inside a cell: figures, durations, lists, laws, channels.

Each takes cell text and returns plain values; none of them knows about files or rows, so each can
be tested on its own (see tests/test_parsing.py, with Hypothesis for figures and durations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

NONE_MARKERS = frozenset({"_", "-", "(-)", "—", "–"})


def is_none(text: str | None) -> bool:
    """True for an empty cell or one that only says 'none' (`_`, `-`, `(-)`)."""
    return text is None or text.strip() in NONE_MARKERS or not text.strip()


# --- figures -------------------------------------------------------------------------------------

FIGURE = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?![\d,]|\.\d)")


def parse_figure(text: str) -> int:
    """Read a Turkish-formatted whole number: '258.933' is 258933, '1.000.000' one million.

    The dot is the thousands separator, so a figure is never a decimal; a dot that does not
    separate groups of three digits is an error rather than a guess.
    """
    s = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", s):
        return int(s.replace(".", ""))
    raise ValueError(f"not a whole number in Turkish notation: {text!r}")


def format_figure(value: int) -> str:
    """The inverse of parse_figure: 258933 → '258.933'."""
    return f"{value:,}".replace(",", ".")


COUNT_UNITS = (
    "kişi",
    "hizmet",
    "seans",
    "talep",
    "katılım",
    "adet",
    "kapasite",
    "kez",
    "ziyaret ve program",
)


@dataclass(frozen=True, slots=True)
class AnnualCount:
    value: int
    unit: str | None  # a count unit from COUNT_UNITS, lower-cased
    scope: str | None  # what the figure is counted over, e.g. "1 İSADEM için"
    note: str | None  # a remark printed with the figure


def parse_annual_count(text: str) -> list[AnnualCount]:
    """'1 İSADEM için 19.872 hizmet' → [AnnualCount(19872, 'hizmet', '1 İSADEM için', None)]."""
    s = " ".join(text.split())
    counts: list[AnnualCount] = []
    scope: str | None = None
    if m := re.match(r"^(1 .+? için)\s+", s):
        scope = m.group(1)
        s = s[m.end() :]
    note: str | None = None
    if m := re.search(r"\s*\((.*)\)\s*$", s):
        note = m.group(1).strip()
        s = s[: m.start()]
    units = "|".join(re.escape(u) for u in COUNT_UNITS)
    pattern = re.compile(rf"(\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:\s+({units})\b)?", re.IGNORECASE)
    pos = 0
    while m := pattern.match(s, pos):
        unit = m.group(2).casefold() if m.group(2) else None
        counts.append(AnnualCount(parse_figure(m.group(1)), _fold_unit(unit), scope, note))
        pos = m.end()
        while pos < len(s) and s[pos] == " ":
            pos += 1
    rest = s[pos:].strip()
    if not counts or rest:
        raise ValueError(f"expected a whole number with an optional unit, found {text!r}")
    return counts


def _fold_unit(unit: str | None) -> str | None:
    # Python's casefold turns "İ" into "i̇"; the units only use ASCII capitals, so this is enough.
    return unit.replace("i̇", "i") if unit else None


# --- durations -----------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "bir": 1,
    "iki": 2,
    "üç": 3,
    "dört": 4,
    "beş": 5,
    "altı": 6,
    "yedi": 7,
    "sekiz": 8,
    "dokuz": 9,
    "on": 10,
}
_UNITS = {
    "iş günü": ("D", 1),  # counted in weeks below when divisible by five
    "gün": ("D", 1),
    "hafta": ("W", 1),
    "ay": ("M", 1),
    "yıl": ("Y", 1),
    "saat": ("H", 1),
    "dakika": ("MIN", 1),
    "dk": ("MIN", 1),
}


def parse_duration(text: str | None) -> str | None:
    """An exact duration as ISO 8601, or None when the text gives none or only a range.

    '15 iş günü' is P3W (five working days a week), '3 ay (90 gün)' is P90D (the figure in days
    is the exact one), '1 iş günü' P1D, '15 gün içerisinde' P15D, '11 ay' P11M, '8 hafta' P8W,
    '1 Yıl (3 ayda 1)' P1Y. '45-60 dk' is a range and '*Eğitim … *Tarama …' several durations:
    neither is one exact duration.
    """
    if text is None or is_none(text):
        return None
    s = " ".join(text.split()).casefold().replace("i̇", "i")
    if re.search(r"\d\s*[-–]\s*\d", s) or s.count("*") > 1:
        return None
    if m := re.search(r"\((\d+)\s*gün\)", s):  # "3 ay (90 gün)": the days are exact
        return f"P{int(m.group(1))}D"
    found = []
    for m in re.finditer(
        r"(\d+|bir|iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on)\s*"
        r"(iş günü|gün|hafta|ay|yıl|saat|dakika|dk)(?![a-zçğıöşü])",
        s,
    ):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS[m.group(1)]
        found.append((n, m.group(2)))
    if not found:
        return None
    n, unit = found[0]
    if unit == "iş günü":
        return f"P{n // 5}W" if n % 5 == 0 else f"P{n}D"
    designator = _UNITS[unit][0]
    if designator in ("H", "MIN"):
        return f"PT{n}{'M' if designator == 'MIN' else 'H'}"
    return f"P{n}{designator}"


def xsd_duration(iso: str | None) -> str | None:
    """ISO 8601 → xsd:duration, which has no weeks: 'P3W' → 'P21D'; others unchanged."""
    if iso is None:
        return None
    if m := re.fullmatch(r"P(\d+)W", iso):
        return f"P{int(m.group(1)) * 7}D"
    return iso


# --- lists ---------------------------------------------------------------------------------------

ITEM_MARK = r"(?:(?<=\s)|^)({n})\s*(?:[.)]|-+|\s-)\s*(?=\S)"
BULLETS = re.compile(r"(?:^|\s)[•*]\s*")


@cache
def item_mark(n: int) -> re.Pattern[str]:
    """The mark of item n of a numbered list, compiled once."""
    return re.compile(ITEM_MARK.format(n=n))


def split_numbered(text: str) -> list[str] | None:
    """Split '1. a 2. b 3-c' into ['a', 'b', 'c'] following the numbers 1, 2, 3 …; None if unnumbered.

    Only the next number in sequence starts an item, so '5216 … Madde 11-21-22' or '%100' inside
    an item never splits it.
    """
    first = item_mark(1).match(text.strip())
    if not first:
        return None
    s = text.strip()
    items: list[str] = []
    start = first.end()
    n = 2
    while True:
        m = item_mark(n).search(s, start)
        if not m:
            items.append(s[start:].strip())
            return items
        items.append(s[start : m.start()].strip())
        start = m.end()
        n += 1


def split_bullets(text: str) -> list[str] | None:
    """Split '• a • b' or '*a *b' into items; None when the text has no bullets."""
    if not BULLETS.search(text):
        return None
    parts = [p.strip() for p in BULLETS.split(text)]
    head, items = parts[0], [p for p in parts[1:] if p]
    return ([head] if head else []) + items


def split_items(text: str | None, lines: tuple[str, ...] = ()) -> list[str]:
    """The items of a list cell: numbered, bulleted, or (failing both) one per source line."""
    if is_none(text):
        return []
    assert text is not None
    for splitter in (split_numbered, split_bullets):
        items = splitter(text)
        if items is not None:
            return [i for i in items if i]
    if len(lines) > 1:
        return join_wrapped(lines)
    return [text.strip()]


def join_wrapped(lines: tuple[str, ...]) -> list[str]:
    """One item per line, except a line that visibly continues the previous one."""
    items: list[str] = []
    for line in lines:
        line = line.strip()
        if (
            items
            and not re.match(r"^\((?:varsa|zorunlu)\)", line, re.IGNORECASE)
            and (
                re.match(r"^[a-zçğıöşü(.]", line)
                or items[-1].count("(") > items[-1].count(")")
                or items[-1].endswith((",", "-", "/", " ve", " ile"))
            )
        ):
            items[-1] += ("" if items[-1].endswith("-") else " ") + line
        else:
            items.append(line)
    return items


# --- documents -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    qualifier: str | None  # "zorunlu" (required) or "varsa" (if the applicant has one)
    condition: str | None  # who or when it applies to, e.g. "Doğal Afet Desteği İçin"
    alternative_to_next: bool  # "… ya da" — this document or the next one


NO_DOCUMENT = re.compile(r"herhangi bir belge (?:istenmemektedir|talep edilmemektedir)")
SENTENCE_VERB = re.compile(r"(?:ler|lar|dır|dir|tır|tir|dur|dür|tur|tür|ilir|ılır)\.?$")


def parse_documents(
    text: str | None, lines: tuple[str, ...] = ()
) -> tuple[list[Document], str | None]:
    """The documents asked for, and the cell's text as a note when it is prose rather than a list."""
    if is_none(text):
        return [], None
    assert text is not None
    s = " ".join(text.split())
    if "için;" in s or s.startswith("Başvuru aşamasında"):
        return _documents_in_sentences(s), s
    items = split_items(s, lines)
    if items and all(SENTENCE_VERB.search(i) for i in items):
        return [], s  # sentences about how to apply, not a list of documents
    if split_numbered(s) is None and SENTENCE_VERB.search(s) and s.endswith("."):
        return [], s  # prose (e.g. how admission works), not a list
    return [parse_document(i) for i in items], None


def _documents_in_sentences(s: str) -> list[Document]:
    """'X için; Başvuru aşamasında A, B için C talep edilmektedir.' and its shorter forms."""
    documents: list[Document] = []
    for section in re.split(r"(?<=için;)\s*|(?<=\.)\s+(?=\S+.*için;)", s):
        m = re.search(r"Başvuru aşamasında (.+?) talep edilmektedir", section)
        if not m:
            continue
        for part in m.group(1).split(","):
            part = " ".join(part.split())
            condition = None
            if c := re.match(r"^(.+? için) (.+)$", part):
                condition, part = c.group(1), c.group(2)
            documents.append(Document(part, None, condition, False))
    return documents


QUALIFIERS = {"zorunlu": "zorunlu", "varsa": "varsa"}
OR_NEXT = re.compile(r"\s+ya da$")
QUALIFIER_BEFORE = re.compile(r"^\((varsa|zorunlu)\)\s*", re.IGNORECASE)
QUALIFIER_AFTER = re.compile(r"\s*\((varsa|zorunlu)\)$", re.IGNORECASE)
IF_ANY = re.compile(r"^Varsa\s+")
CONDITION = re.compile(r"\s*\(([^()]*(?:İçin|için|Edilirse|edilirse))\)$")


def parse_document(item: str) -> Document:
    """'Dilekçe (Zorunlu)' → Document('Dilekçe', 'zorunlu', …); '(varsa)Kira Sözleşmesi' → 'varsa'."""
    name = " ".join(item.split()).strip().rstrip(",").strip()
    qualifier = None
    condition = None
    alternative = False
    if OR_NEXT.search(name):
        alternative = True
        name = OR_NEXT.sub("", name).rstrip(",")
    if m := QUALIFIER_BEFORE.match(name):
        qualifier = QUALIFIERS[m.group(1).casefold()]
        name = name[m.end() :]
    if m := QUALIFIER_AFTER.search(name):
        qualifier = QUALIFIERS[m.group(1).casefold()]
        name = name[: m.start()]
    if m := IF_ANY.match(name):
        qualifier = "varsa"
        name = name[m.end() :]
    if m := CONDITION.search(name):
        condition = m.group(1)
        name = name[: m.start()]
    name = name.rstrip(" .,")
    return Document(name[:1].upper() + name[1:], qualifier, condition, alternative)


# --- laws ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegalReference:
    cited_as: str  # the item as the source prints it (after corrections)
    number: str | None  # the law's number, e.g. "5393"
    kind: str  # "kanun" (law), "yonetmelik" (regulation) or "diger"
    title: str  # e.g. "Belediye Kanunu", as cited
    articles: tuple[str, ...]  # cited articles: "348", "7/v", "11"
    note: str | None  # text after the citation, e.g. "kapsamında talep ve şikayetlerin alınması"


LAW_NUMBER = re.compile(r"(\d{4})\s+[Ss]ayılı\s+")
# (Compiled once: the legal-basis cell of every service of a national inventory goes through them.)
ITEM_NUMBER = re.compile(r"^(?:\d{1,2}\s*[-.)]+\s*)?[-–\s]*")
TWO_LAWS = re.compile(r"\s+ve\s+(?=\d{4}\s+[Ss]ayılı)")
ARTICLE_OF = re.compile(r"'nun\s+(\d+)\.\s*[Mm]addesi$")
ARTICLES = re.compile(r"\s+[Mm]adde\s+([\d\-–, ]+)$")
ARTICLE_SEPARATOR = re.compile(r"[-–, ]+")
CLAUSE = re.compile(r"\s+(\d+)\.\s*[Mm]adde\s+([a-zçğıöşü])\s+bendi$")
SCOPE = re.compile(r"\s+(kapsamında .*)$")


def parse_legal_basis(text: str | None) -> list[LegalReference]:
    """Split the legal-basis cell into one reference per law or regulation."""
    if is_none(text):
        return []
    assert text is not None
    items = split_numbered(text) or [text.strip()]
    refs: list[LegalReference] = []
    for item in items:
        item = ITEM_NUMBER.sub("", item)
        # "5216 sayılı … Kanunu ve 6698 sayılı … kanunu kapsamında …": two laws in one item.
        parts = TWO_LAWS.split(item)
        refs.extend(parse_legal_reference(p) for p in parts)
    return refs


def parse_legal_reference(item: str) -> LegalReference:
    s = " ".join(item.split())
    number = None
    if m := LAW_NUMBER.match(s):
        number = m.group(1)
        rest = s[m.end() :]
    else:
        rest = s
    articles: list[str] = []
    note = None
    # "Kanunu'nun 233. Maddesi", "Kanun Madde 11-21-22", "Kanunu Madde 348", "Kanunu 7. madde v bendi"
    title = rest
    if m := ARTICLE_OF.search(rest):
        articles = [m.group(1)]
        title = rest[: m.start()]
    elif m := ARTICLES.search(rest):
        articles = [a for a in ARTICLE_SEPARATOR.split(m.group(1)) if a]
        title = rest[: m.start()]
    elif m := CLAUSE.search(rest):
        articles = [f"{m.group(1)}/{m.group(2)}"]
        title = rest[: m.start()]
    if m := SCOPE.search(title):
        note = m.group(1)
        title = title[: m.start()]
    kind = "diger"
    folded = title.casefold()
    if "kanun" in folded:
        kind = "kanun"
    if "yönetmeli" in folded:
        kind = "yonetmelik"
    return LegalReference(s, number, kind, title.strip(), tuple(articles), note)


# --- organisations -------------------------------------------------------------------------------


def split_organisations(text: str | None) -> list[str]:
    """'A, B, C' → ['A', 'B', 'C'] for a plain list of institutions; [] for prose or none."""
    if is_none(text):
        return []
    assert text is not None
    s = " ".join(text.split()).rstrip(".")
    parts = [p.strip() for p in s.split(",")]
    if len(parts) > 1 and all(p and len(p.split()) <= 5 and p[0].isupper() for p in parts):
        return parts
    return []
