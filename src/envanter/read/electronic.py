"""Reading the electronic-delivery cell ('Hizmetin Elektronik Olarak Sunulup Sunulmadığı').

Stewards answer the question in many words: 'Sunulmuyor', 'Hayır', 'Yok', '-', 'Evet', 'e-Devlet',
an address. A wording understood gives yes or no; 'Kısmen' (partly) is yes, since part of the
service is online, and its text says how much. A wording not understood leaves 'offered online'
unknown (None): never a guess, and the build warns about it. docs/model.md has the whole table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parsing import is_iri, turkish_lower

URL = re.compile(r"https?://\S+")
# Answers that are the whole cell, lower-cased the Turkish way, final full stop dropped.
NO_WORDS = frozenset(
    {
        "-",
        "_",
        "(-)",
        "—",
        "–",
        "yok",
        "yoktur",
        "hayır",
        "hayir",
        "değil",
        "mevcut değil",
        "bulunmamaktadır",
        "bulunmuyor",
        "olumsuz",
        "x",
    }
)
YES_WORDS = frozenset({"evet", "var", "vardır", "mevcut", "mevcuttur", "olumlu", "e", "✓", "+"})
PARTLY = re.compile(r"\bkısmen\b|\bkısmi\b")
# A verb that says the service is not offered online, wherever it stands in the cell.
NOT_OFFERED = re.compile(
    r"sunulmuyor|sunulmamaktadır|sunulmamakta|sunulmaz|sunulamamaktadır|sunulamıyor|"
    r"verilmemektedir|verilmiyor|yapılmamaktadır|yapılamamaktadır|yapılmıyor|bulunmamaktadır|"
    r"mümkün değil|imkanı yok|olanağı yok"
)
# Words that say where or that it is offered online.
OFFERED = re.compile(
    r"sunulmaktadır|sunuluyor|sunulur|verilmektedir|yapılabilmektedir|yapılmaktadır|"
    r"e-?devlet|e-?belediye|e-?başvuru|e-?hizmet|online|çevrim ?içi|internet|web|elektronik ortam|"
    r"mobil uygulama|uygulama|superapp|miniapp|uzaktan|www\.|teams|zoom|görüntülü"
)


@dataclass(frozen=True, slots=True)
class Electronic:
    offered: bool | None  # None: the cell is empty or its wording is not understood
    urls: tuple[str, ...]
    text: str | None  # the cell as printed
    partly: bool = False  # 'Kısmen': only part of the service is online


def read_electronic(text: str | None) -> tuple[Electronic, str | None]:
    """The cell's reading, and what was not understood (None when it was understood)."""
    if text is None or not text.strip():
        return Electronic(None, (), None), None
    found = [u.rstrip(".,;)") for u in URL.findall(text)]
    urls = tuple(u for u in found if is_iri(u))
    bad = [u for u in found if not is_iri(u)]
    s = turkish_lower(URL.sub(" ", text)).strip(" .;,")
    if bad:
        reading = read_electronic(URL.sub(" ", text))[0]
        return Electronic(reading.offered, urls, text, reading.partly), (
            f"{bad[0]!r} is not a valid address (IRI), so it is kept as text only"
        )
    if s in NO_WORDS or s.startswith(("hayır", "yok ", "yok,")):
        return Electronic(False, (), text), None
    if s in YES_WORDS:
        return Electronic(True, urls, text), None
    if PARTLY.search(s) and not NOT_OFFERED.search(s.replace("kısmen", "")):
        return Electronic(True, urls, text, partly=True), None
    if NOT_OFFERED.search(s):
        return Electronic(False, (), text), None
    if urls or OFFERED.search(s) or s.startswith(("evet", "var ")):
        return Electronic(True, urls, text), None
    return Electronic(None, urls, text), (
        f"cannot tell whether the service is offered online from {text.strip()!r}; expected "
        "'Evet', 'Sunulmaktadır', 'e-Devlet', an address, or 'Hayır', 'Sunulmuyor', 'Yok', '-'. "
        "'Offered online' is left unknown"
    )
