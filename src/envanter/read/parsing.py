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


# An http(s) address that is a valid IRI (RFC 3987): none of the characters an IRI may not hold
# raw (space, quotes, angle brackets, braces …), so it can be published as a link, never as
# something that breaks out of an attribute or a Turtle IRI.
IRI = re.compile(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+")


def is_iri(text: str) -> bool:
    return IRI.fullmatch(text) is not None and len(text) <= 2000


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


# The count units with a concept in ontology/schemes.ttl (scheme 'birim'), by their folded
# spelling; any other unit noun is kept as printed (AnnualCount.unit_text), with a warning.
COUNT_UNITS = {
    "kişi": "kisi",
    "kişiye": "kisi",
    "hizmet": "hizmet",
    "seans": "seans",
    "talep": "talep",
    "katılım": "katilim",
    "katılımcı": "katilim",
    "adet": "adet",
    "kapasite": "kapasite",
    "kez": "kez",
    "ziyaret ve program": "ziyaret-ve-program",
    "işlem": "islem",
}


@dataclass(frozen=True, slots=True)
class AnnualCount:
    value: int
    unit: str | None  # a known count unit (a key of COUNT_UNITS), lower-cased, or None
    scope: str | None  # what the figure is counted over, e.g. "1 İSADEM için"
    note: str | None  # a remark printed with the figure
    unit_text: str | None = None  # a unit noun printed after the figure that is not a known unit


COUNT_FIGURE = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)(?![\d.,]\d)(?:\s+([^\d()]+?))?\s*(?=\d|$)")


def parse_annual_count(text: str) -> list[AnnualCount]:
    """'1 İSADEM için 19.872 hizmet' → [AnnualCount(19872, 'hizmet', '1 İSADEM için', None)].

    Any noun after a figure is its unit: a known one names a concept, another ('1.250 dosya')
    is kept as printed in unit_text. A cell with no figure (a note such as 'Talebe göre
    değişir') or a figure that is not a whole number in Turkish notation is a ValueError.
    """
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
    pos = 0
    while m := COUNT_FIGURE.match(s, pos):
        printed = m.group(2).strip(" .,;:") if m.group(2) else None
        folded = turkish_lower(printed) if printed else None
        unit = folded if folded in COUNT_UNITS else None
        counts.append(
            AnnualCount(
                parse_figure(m.group(1)), unit, scope, note, printed if unit is None else None
            )
        )
        pos = m.end()
        while pos < len(s) and s[pos] == " ":
            pos += 1
    rest = s[pos:].strip()
    if not counts or rest:
        raise ValueError(f"expected a whole number with an optional unit, found {text!r}")
    return counts


def turkish_lower(text: str) -> str:
    """Lower case the Turkish way ('İ' → 'i', 'I' → 'ı'), spaces collapsed."""
    return " ".join(text.replace("I", "ı").replace("İ", "i").lower().split())


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
    "iş günü": ("D", 1),  # never a calendar duration: see parse_duration
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

    Only calendar units make one: '15 iş günü' (working days) makes none, since how many
    calendar days it spans depends on weekends and holidays. '3 ay (90 gün)' is P90D (the figure
    in days is the exact one), '15 gün içerisinde' P15D, '11 ay' P11M, '8 hafta' P8W,
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
        # Working days are not calendar days: no xsd:duration says '15 working days'
        # (durations.read_duration keeps the figure and its unit instead).
        return None
    designator = _UNITS[unit][0]
    if designator in ("H", "MIN"):
        return f"PT{n}{'M' if designator == 'MIN' else 'H'}"
    return f"P{n}{designator}"


def xsd_duration(iso: str | None) -> str | None:
    """ISO 8601 → xsd:duration in its canonical form (XSD 1.1), which has no weeks: 'P3W' →
    'P21D', 'PT48H' → 'P2D', 'PT90M' → 'PT1H30M', 'P13M' → 'P1Y1M', 'P0D' → 'PT0S'. The same
    value, written as a SPARQL store gives it back (Oxigraph keeps the value, not the text), so
    the dataset fetched from a store is the dump."""
    if iso is None:
        return None
    m = DURATION.fullmatch(iso)
    if m is None:
        return iso
    y, mo, w, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
    months = y * 12 + mo
    seconds = (((w * 7 + d) * 24 + h) * 60 + mi) * 60 + sec
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, sec = divmod(rest, 60)
    date = "".join(
        f"{n}{u}" for n, u in ((months // 12, "Y"), (months % 12, "M"), (days, "D")) if n
    )
    time = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (sec, "S")) if n)
    if not date and not time:
        return "PT0S"
    return "P" + date + ("T" + time if time else "")


DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?"
)


# --- lists ---------------------------------------------------------------------------------------

ITEM_MARK = r"(?:(?<=\s)|^)({n})\s*(?:[.)]|-+|\s-)\s*(?=\S)"
BULLETS = re.compile(r"(?:^|\s)[•*▪·]\s*")
DASH_BULLETS = re.compile(r"(?:^|\s)[-–]\s+")
# The mark that starts an item on its own line: '1.', '1)', '1-', 'a)', '-', '•', '*'.
LINE_MARK = re.compile(r"^(?:\d{1,2}\s*[.)]|\d{1,2}\s*-(?!\d)|[a-zçğıöşü]\)|[-–•*▪·])\s*")


@cache
def item_mark(n: int) -> re.Pattern[str]:
    """The mark of item n of a numbered list, compiled once."""
    return re.compile(ITEM_MARK.format(n=n))


@cache
def letter_mark(letter: str) -> re.Pattern[str]:
    """The mark of item `letter` of a list lettered 'a) … b) …'."""
    return re.compile(rf"(?:(?<=\s)|^){letter}\)\s*(?=\S)")


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


LETTERS = "abcçdefgğhıijklmnoöprsştuüvyz"


def split_lettered(text: str) -> list[str] | None:
    """Split 'a) x b) y' into ['x', 'y'] following the letters a, b, c …; None if not lettered."""
    s = text.strip()
    first = letter_mark("a").match(s)
    if not first:
        return None
    items: list[str] = []
    start = first.end()
    for letter in LETTERS[1:]:
        m = letter_mark(letter).search(s, start)
        if not m:
            break
        items.append(s[start : m.start()].strip())
        start = m.end()
    items.append(s[start:].strip())
    return items


def split_bullets(text: str) -> list[str] | None:
    """Split '• a • b', '*a *b' or '- a - b' into items; None when the text has no bullets."""
    if BULLETS.search(text):
        parts = [p.strip() for p in BULLETS.split(text)]
    elif DASH_BULLETS.match(text.strip()):
        # Dashes are bullets only when the cell starts with one ('- Dilekçe - Kimlik'): inside a
        # text a dash is punctuation ('Belediye - Merkez').
        parts = [p.strip() for p in DASH_BULLETS.split(text.strip())]
    else:
        return None
    head, items = parts[0], [p for p in parts[1:] if p]
    return ([head] if head else []) + items


def split_items(text: str | None, lines: tuple[str, ...] = (), wrapped: bool = False) -> list[str]:
    """The items of a list cell: numbered, lettered, bulleted, or (failing those) one a line.

    `lines` are the cell's lines in the source. Where a line break is the steward's (Alt+Enter in
    a spreadsheet), each line is an item, without its mark; where it may come from wrapping the
    text on a page (`wrapped`), a line that visibly continues the one above joins it.
    """
    if is_none(text):
        return []
    assert text is not None
    for splitter in (split_numbered, split_lettered, split_bullets):
        items = splitter(text)
        if items is not None:
            return [i for i in items if i]
    if len(lines) > 1:
        if wrapped:
            return join_wrapped(lines)
        return [item for line in lines if (item := LINE_MARK.sub("", line.strip()).strip())]
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
# A whole cell saying that no document is asked for, lower-cased the Turkish way.
NO_DOCUMENTS = re.compile(
    r"(?:yok|yoktur|bulunmamaktadır|gerek yok|gerekmez|gerekmemektedir|belge yok|"
    r"(?:başvuruda |başvuru aşamasında )?(?:herhangi bir |hiçbir )?(?:belge|evrak)"
    r"(?:lar)? (?:istenmemektedir|istenmez|talep edilmemektedir|gerekmemektedir|gerekmez|"
    r"bulunmamaktadır|yoktur))\.?"
)
SENTENCE_VERB = re.compile(r"(?:ler|lar|dır|dir|tır|tir|dur|dür|tur|tür|ilir|ılır)\.?$")


def parse_documents(
    text: str | None, lines: tuple[str, ...] = (), wrapped: bool = False
) -> tuple[list[Document], str | None]:
    """The documents asked for, and the cell's text as a note when it is prose rather than a list.

    A cell that says no document is asked for ('Belge istenmemektedir', 'Yok', '-') asks for none.
    """
    if is_none(text):
        return [], None
    assert text is not None
    s = " ".join(text.split())
    if NO_DOCUMENTS.fullmatch(turkish_lower(s)):
        return [], s  # kept as the note: what the steward wrote, and no document
    if "için;" in s or s.startswith("Başvuru aşamasında"):
        return _documents_in_sentences(s), s
    items = split_items(s, lines, wrapped)
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
