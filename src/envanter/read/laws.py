"""Reading the legal-basis cell ('Hizmetin Dayanağı Mevzuatın Adı ve Madde Numarası').

Stewards cite laws in many ways: '5393 Sayılı Belediye Kanunu', '657 S.K. Md. 4', '663 sayılı
KHK', '1 Sayılı Cumhurbaşkanlığı Kararnamesi', 'CBK 1', 'Madde 134-144', '14. maddesi', one law a
numbered item or one law a line (Alt+Enter). Each law cited becomes one reference with the
articles cited of it; a line that only gives articles ('Md. 14, 15') belongs to the law above it,
and a line naming a regulation ('… Denklik Yönetmeliği Madde 8, 9') is a reference of its own.
A 'mükerrer' article (one inserted after it, e.g. 2464's 'Mükerrer Md. 44') is its own article,
'mükerrer 44', distinct from article 44.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .parsing import is_none, split_numbered


@dataclass(frozen=True, slots=True)
class LegalReference:
    cited_as: str  # the item as the source prints it (after corrections)
    number: str | None  # the law's number, e.g. "5393" or "657"
    kind: str  # "kanun", "khk", "cbk", "yonetmelik" (regulation) or "diger"
    title: str  # e.g. "Belediye Kanunu", as cited ("" when only the number is cited)
    articles: tuple[str, ...]  # cited articles: "348", "7/v", "134-144" (a range)
    note: str | None  # text after the citation, e.g. "kapsamında talep ve şikayetlerin alınması"


# '5393 Sayılı', '657 S.K.', '5393 SK', '663 sayılı' — the number that names a law, any length.
NUMBERED = re.compile(r"(?<![\d.])(\d{1,5})\s*(?:[Ss]ayılı|SAYILI|S\.\s?K\.?|SK\b)\s*")
# 'CBK 1', 'CBK No: 1', 'KHK 663' — the kind before the number.
KIND_FIRST = re.compile(r"\b(CBK|KHK)\s*(?:[Nn]o\s*[:.]?\s*)?(\d{1,5})\b")
ITEM_NUMBER = re.compile(r"^(?:\d{1,2}\s*[-.)]+\s*|[a-zçğıöşü]\)\s*|[-•*–]\s+)?[-–\s]*")
# A numbered instrument's start: '6698 sayılı', '657 S.K.', a circular's '2019/12 Sayılı'.
NUMBERED_START = re.compile(r"\d{1,5}(?:/\d{1,5})?\s*(?:[Ss]ayılı|SAYILI|S\.\s?K\.?|SK\b)")
# Where several instruments share a line: 've', 'ile', ',' or ';' between two citations.
JOINER = re.compile(r"\s*[,;]\s*|\s+(?:ve|ile)\s+")
# The word naming a kind of instrument, which ends its title: 'Kanunu', 'Yönetmeliği', 'KHK' …
HEAD = (
    r"(?:[Kk]anun(?:u|ları)?|KANUNU?|KHK|CBK|[Kk]ararname(?:si)?|[Yy]önetmeli(?:k|ği)|YÖNETMELİĞİ?"
    r"|[Gg]enelge(?:si)?|GENELGESİ?|[Tt]ebliğ(?:i)?|TEBLİĞİ?|[Tt]üzü(?:k|ğü)|[Yy]önerge(?:si)?"
    r"|[Ee]saslar(?:ı)?)"
)
HEAD_WORD = re.compile(rf"(?<![\w']){HEAD}(?![\w'])")
# A citation that is complete where it stops: on its kind's word, or on an article's figure.
CITATION_END = re.compile(
    rf"(?:(?<![\w']){HEAD}|\d[\w/]*\.?|(?<![\w'])(?:[Mm]addes[i]|[Mm]addeleri|MADDESİ))$"
)
NUMS = r"\d+(?:\s*/\s*[A-Za-zÇĞİÖŞÜçğıöşü0-9]+)?(?:\s*(?:[-–,]|ve)\s*\d+(?:\s*/\s*[A-Za-zÇĞİÖŞÜçğıöşü0-9]+)?)*"
CLAUSE = re.compile(r"\s*(\d+)\.\s*[Mm]adde\s+([a-zçğıöşü])\s+bendi\b")
ARTICLES_AFTER_WORD = re.compile(
    rf"[\s,;'’]*(?<![A-Za-zçğıöşüÇĞİÖŞÜ])(?:[Mm]addeleri|[Mm]addesi|MADDE|[Mm]adde|[Mm]d|[Mm]ad)\s*\.?\s*:?\s*({NUMS})\.?"
)
# The genitive before the article: 'Kanununun' is 'Kanunu' + 'nun', but 'Kanunun' is 'Kanun' +
# 'un' (a stem ending in a consonant takes no 'n'), so the bare 'Kanun' is told apart first.
ARTICLES_BEFORE_WORD = re.compile(
    rf"(?:(?<=\b[Kk]anun)'?un|(?<!\b[Kk]anu)'?n[ıiuü]n)?\s+({NUMS})\s*(?:\.|'?\s*(?:inci|ıncı|üncü|uncu|nci|ncı|ncü|ncu))?\s*"
    r"(?:[Mm]addeleri|[Mm]addesi|[Mm]adde|[Mm]d\.?)(?![a-zçğıöşü])"
)
# 'Mükerrer Md. 44', 'Mükerrer Madde 44', 'mükerrer 44. maddesi', 'Mükerrer 44 üncü madde'.
MUKERRER = re.compile(
    r"[\s,;'’]*(?<![A-Za-zçğıöşü])(?:[Mm]ükerrer|MÜKERRER)\s*(?:(?:[Mm]addesi|[Mm]adde|MADDE|[Mm]d)\s*\.?\s*)?"
    r"(\d+)\s*(?:\.|'?\s*(?:inci|ıncı|üncü|uncu|nci|ncı|ncü|ncu))?\s*"
    r"(?:(?:[Mm]addesi|[Mm]adde|[Mm]d)(?![a-zçğıöşü])\.?)?"
)
SCOPE = re.compile(r"\s+(kapsamında .*)$")
# Secondary legislation, named on its own line: a reference of its own, never a title going on.
REGULATION_WORDS = re.compile(r"yönetmeli|yönerge|tebliğ|genelge|tüzü|esaslar", re.IGNORECASE)
ARTICLE_ONLY = re.compile(
    rf"^(?:[Mm]addeleri|[Mm]addesi|MADDE|[Mm]adde|[Mm]d|[Mm]ad)\s*\.?\s*:?\s*{NUMS}"
)

KIND_WORDS = (
    ("khk", re.compile(r"\bKHK\b|kanun hükmünde kararname", re.IGNORECASE)),
    # 'Cumhurbaşkanlığı Kararnamesi', 'Cumhurbaşkanlığı Hükümet Sistemi Kararnamesi'.
    ("cbk", re.compile(r"\bCBK\b|cumhurbaşkanlığı\b.*\bkararname", re.IGNORECASE)),
    ("yonetmelik", re.compile(r"yönetmeli", re.IGNORECASE)),
    ("kanun", re.compile(r"kanun|\bS\.\s?K\b|\bSK\b", re.IGNORECASE)),
)


def parse_legal_basis(text: str | None, lines: tuple[str, ...] = ()) -> list[LegalReference]:
    """One reference per law or regulation the cell cites, in the order it cites them."""
    if is_none(text):
        return []
    assert text is not None
    numbered = split_numbered(text)
    if numbered is not None:
        items = numbered
    elif len(lines) > 1:
        items = _items_of_lines(lines)
    else:
        items = [text.strip()]
    refs: list[LegalReference] = []
    for item in items:
        item = ITEM_NUMBER.sub("", item)
        if not item:
            continue
        refs.extend(parse_legal_reference(p) for p in split_instruments(item))
    return refs


def split_instruments(item: str) -> list[str]:
    """The citations of one item, cut where a new instrument starts after 've', 'ile', ',' or
    ';': '5216 sayılı Kanun ve 6698 sayılı Kanun', 'CBK 1 Madde 307 ve Sosyal Hizmetler
    Yönetmeliği Madde 8'. The articles of one instrument ('Madde 5 ve 7') and a title holding
    've' ('Toplantı ve Gösteri Yürüyüşleri Kanunu') stay whole."""
    parts: list[str] = []
    start = 0
    for joiner in JOINER.finditer(item):
        left, right = item[start : joiner.start()], item[joiner.end() :]
        if left.strip() and _starts_instrument(left, right):
            parts.append(left.strip())
            start = joiner.end()
    parts.append(item[start:].strip())
    return [p for p in parts if p]


def _starts_instrument(left: str, right: str) -> bool:
    """Whether `right`, after a joiner, cites an instrument other than the one `left` cites."""
    if NUMBERED_START.match(right) or KIND_FIRST.match(right):
        return True  # '… ve 6698 sayılı Kanun', '… ve KHK 663'
    if right[:1].isdigit() or not CITATION_END.search(left.rstrip(" .")):
        return False  # more articles ('Madde 5 ve 7'), or a title going on ('Toplantı ve …')
    cites = HEAD_WORD.search(left) or NUMBERED.search(left) or KIND_FIRST.search(left)
    # The new instrument's title, up to its kind's word, comes before any article it cites:
    # 'Sosyal Hizmetler Yönetmeliği Madde 8'; a bare 'Yönetmeliğin 5. maddesi' is the same one's.
    head = HEAD_WORD.search(right)
    articles = ARTICLES_AFTER_WORD.search(right) or ARTICLES_BEFORE_WORD.search(right)
    return (
        cites is not None
        and head is not None
        and head.start() > 0
        and (articles is None or head.start() < articles.start())
    )


def _items_of_lines(lines: tuple[str, ...]) -> list[str]:
    """One law a line; a line giving only articles ('Md. 14, 15') continues the line above."""
    items: list[str] = []
    for line in lines:
        line = ITEM_NUMBER.sub("", line.strip())
        if not line:
            continue
        if items and (
            ARTICLE_ONLY.match(line)
            or re.match(r"^[a-zçğıöşü(]", line)
            or (
                _title_unfinished(items[-1])
                and not NUMBERED.match(line)
                and not REGULATION_WORDS.search(line)
            )
        ):
            items[-1] += " " + line
        else:
            items.append(line)
    return items


def _title_unfinished(item: str) -> bool:
    """'5216 sayılı Büyükşehir Belediye': a number whose law is not named yet (no 'Kanun',
    'KHK', 'Kararname', 'Yönetmelik' …) nor its articles cited: the next line goes on with its
    title."""
    return (
        bool(NUMBERED.match(item))
        and not any(words.search(item) for _, words in KIND_WORDS)
        and not ARTICLES_AFTER_WORD.search(item)
        and not ARTICLES_BEFORE_WORD.search(item)
    )


# The same citation recurs across an inventory's services (its few laws, cited alike): each
# distinct one is read once. A LegalReference is immutable, so sharing it is safe.
@lru_cache(maxsize=4096)
def parse_legal_reference(item: str) -> LegalReference:
    s = " ".join(item.split())
    number = None
    rest = s
    if m := NUMBERED.match(s):
        number = m.group(1)
        rest = s[m.end() :]
    elif m := KIND_FIRST.search(s):
        number = m.group(2)
        rest = (s[: m.start()] + " " + m.group(1) + " " + s[m.end() :]).strip()
    articles: list[str] = []
    title = rest
    while m := MUKERRER.search(title):
        articles.append(f"mükerrer {m.group(1)}")
        title = title[: m.start()] + title[m.end() :]
    if m := CLAUSE.search(title):
        articles.append(f"{m.group(1)}/{m.group(2)}")
        title = title[: m.start()] + title[m.end() :]
    for pattern in (ARTICLES_BEFORE_WORD, ARTICLES_AFTER_WORD):
        while m := pattern.search(title):
            articles.extend(_articles(m.group(1)))
            title = title[: m.start()] + title[m.end() :]
    note = None
    if m := SCOPE.search(title):
        note = m.group(1)
        title = title[: m.start()]
    title = title.strip(" ,;:-")
    kind = next((k for k, words in KIND_WORDS if words.search(title)), None)
    if kind is None:
        # A bare '5393 sayılı' or '657 S.K.' is a law: that is how laws are numbered.
        kind = "kanun" if number else "diger"
    if title in ("S.K.", "SK", "S.K"):
        title = ""
    return LegalReference(s, number, kind, title, tuple(articles), note)


def _articles(text: str) -> list[str]:
    """'11-21-22' → three articles; '134-144' (two, rising) → one range; '14, 15 ve 18' → three."""
    parts = [p.replace(" ", "") for p in re.split(r"\s*(?:,|\bve\b)\s*", text) if p.strip()]
    articles: list[str] = []
    for part in parts:
        numbers = [n for n in re.split(r"[-–]", part) if n]
        if (
            len(numbers) == 2
            and all(n.isdigit() for n in numbers)
            and int(numbers[0]) < int(numbers[1])
        ):
            articles.append(f"{numbers[0]}-{numbers[1]}")
        else:
            articles.extend(numbers)
    return articles
