"""Reading a completion-time cell into what it says: a figure or a range, and its unit as printed.

'15 iş günü' is fifteen working days, never three calendar weeks: how many calendar days that is
depends on weekends and holidays, so the unit stays a working day (scheme sure-birimi, concept
is-gunu). 'Aynı gün' (the same day) and 'Anında' (at once) are kinds of time (scheme sure-turu)
with no figure. Only a time in calendar units also becomes an xsd:duration (parsing.parse_duration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parsing import is_none, turkish_lower

# The printed unit → its concept in the sure-birimi scheme (ontology/schemes.ttl).
DURATION_UNITS = {
    "iş günü": "is-gunu",
    "işgünü": "is-gunu",
    "iş gün": "is-gunu",
    "gün": "gun",
    "takvim günü": "gun",
    "saat": "saat",
    "dakika": "dakika",
    "dk": "dakika",
    "hafta": "hafta",
    "ay": "ay",
    "yıl": "yil",
}
NUMBER_WORDS = {
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
_NUMBER = r"(\d+|bir|iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on)"
_UNIT = r"(iş\s?günü|iş gün|takvim günü|gün|saat|dakika|dk|hafta|ay|yıl)(?![a-zçğıöşü])"
RANGE = re.compile(rf"(?<![\d.,a-zçğıöşü]){_NUMBER}\s*(?:[-–]|ile|ila)\s*{_NUMBER}\s*{_UNIT}")
SINGLE = re.compile(rf"(?<![\d.,a-zçğıöşü]){_NUMBER}\s*{_UNIT}")
DAYS_IN_BRACKETS = re.compile(r"\((\d+)\s*gün\)")  # "3 ay (90 gün)": the days are exact
SAME_DAY = re.compile(r"\baynı gün")
AT_ONCE = re.compile(r"\banında\b|\bhemen\b|\banlık\b")


@dataclass(frozen=True, slots=True)
class DurationReading:
    """What a completion-time cell says: one figure, or a minimum and maximum, in a unit; or a
    kind of time with no figure ('ayni-gun', 'aninda')."""

    value: int | None
    minimum: int | None
    maximum: int | None
    unit: str | None  # a concept of sure-birimi: is-gunu, gun, saat, dakika, hafta, ay, yil
    kind: str | None  # a concept of sure-turu: ayni-gun, aninda


def read_duration(text: str | None) -> DurationReading | None:
    """The duration a cell gives, or None when it gives none (prose, several durations)."""
    if text is None or is_none(text):
        return None
    s = turkish_lower(text)
    if s.count("*") > 1:
        return None  # '*Eğitim … 45-60 dk *Tarama … 20 dk': several services, several times
    if m := DAYS_IN_BRACKETS.search(s):
        return DurationReading(int(m.group(1)), None, None, "gun", None)
    found = [(m.start(), m) for m in (RANGE.search(s), SINGLE.search(s)) if m]
    if found:
        _, m = min(found, key=lambda pm: pm[0])
        if m.re is RANGE:
            low, high = _number(m.group(1)), _number(m.group(2))
            if low < high:
                return DurationReading(None, low, high, _unit(m.group(3)), None)
            return None
        return DurationReading(_number(m.group(1)), None, None, _unit(m.group(2)), None)
    if SAME_DAY.search(s):
        return DurationReading(None, None, None, None, "ayni-gun")
    if AT_ONCE.search(s):
        return DurationReading(None, None, None, None, "aninda")
    return None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def _unit(text: str) -> str:
    return DURATION_UNITS[" ".join(text.split()).replace("işgünü", "iş günü")]
