"""Reading the 'İlk Başvuru Makamı' cell into typed channels (phone line, WhatsApp, web portal …).

The cell is prose or a short list ("• ALO 153 Çözüm Merkezi, 0552 153 00 34 numaralı WhatsApp
İletişim Hattı ve 1530 numaralı SMS hattı üzerinden, …"). Each item is searched for the channels
it names; an item that names none of the known kinds is kept as an 'other' channel with its text,
so nothing the cell says is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parsing import is_iri, is_none, split_bullets, split_items, split_numbered

# Channel kinds; their labels and SKOS concepts live in ontology/ (issue: knowledge graph).
PHONE = "phone_line"
WHATSAPP = "whatsapp"
SMS = "sms"
WEB = "web_portal"
APP = "mobile_app"
SOCIAL = "social_media"
FACE = "face_to_face"
OTHER = "other"
KINDS = (PHONE, WHATSAPP, SMS, WEB, APP, SOCIAL, FACE, OTHER)


@dataclass(frozen=True, slots=True)
class Channel:
    kind: str
    label: str  # the channel's name as the source gives it
    phone: str | None = None  # digits only, as dialled
    url: str | None = None


URL = re.compile(r"https?://[^\s)]+")
BARE_DOMAIN = re.compile(
    r"(?<![/@\w.-])([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:istanbul|gov\.tr|com\.tr|org\.tr))\b"
)
PHONE_NUMBER = re.compile(
    r"0\s*\(?\d{3}\)?\s*\d{3}\s*\d{2}\s*\d{2}|0\d{10}|444\s*\d{2}\s*\d{2}|\b1[58]3\b"
)


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def parse_channels(text: str | None, lines: tuple[str, ...] = ()) -> list[Channel]:
    """The channels a cell names; `lines` are its own line breaks (one channel a line)."""
    if is_none(text):
        return []
    assert text is not None
    s = " ".join(text.split())
    s = re.sub(r"^Başvurular;\s*", "", s)
    items = split_numbered(s) or split_bullets(s) or split_items(s, lines) or [s]
    channels: list[Channel] = []
    for item in items:
        found = channels_in(item)
        channels.extend(found or [Channel(OTHER, item.rstrip(" ,."))])
    # The same channel named twice in one cell is one channel.
    unique: dict[tuple[str, str | None, str | None, str], Channel] = {}
    for c in channels:
        unique.setdefault((c.kind, c.phone, c.url, c.label if not (c.phone or c.url) else ""), c)
    return list(unique.values())


def channels_in(item: str) -> list[Channel]:
    """Every channel one list item names, in the order it names them."""
    found: list[tuple[int, Channel]] = []
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, channel: Channel) -> None:
        found.append((pos, channel))
        taken.append((pos, end))

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in WHATSAPP_LINE.finditer(item):
        add(m.start(), m.end(), Channel(WHATSAPP, "WhatsApp İletişim Hattı", digits(m.group(1))))
    for m in SMS_LINE.finditer(item):
        add(m.start(), m.end(), Channel(SMS, "SMS hattı", m.group(1)))
    for m in SOLUTION_CENTRE.finditer(item):
        if free(m.start(), m.end()):
            number = m.group(1) or m.group(2)
            add(m.start(), m.end(), Channel(PHONE, m.group(0).strip(), number))
    for m in URL.finditer(item):
        if free(m.start(), m.end()) and is_iri(m.group(0)):
            add(m.start(), m.end(), Channel(WEB, _host(m.group(0)), url=m.group(0)))
    for m in BARE_DOMAIN.finditer(item):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), Channel(WEB, m.group(1), url=f"https://{m.group(1)}/"))
    numbers = [m for m in PHONE_NUMBER.finditer(item) if free(m.start(), m.end())]
    if numbers:
        label = _label_before(item, numbers[0].start())
        for m in numbers:
            add(m.start(), m.end(), Channel(PHONE, label, digits(m.group(0))))
    lowered = item.casefold()
    if "uygulama" in lowered or "superapp" in lowered or "miniapp" in lowered:
        at = item.find("İstanbul Senin")
        label = _phrase(item, r"[\"“]?İstanbul Senin[^,.\"”]*")
        add(at if at >= 0 else len(item), len(item), Channel(APP, label))
    if "sosyal medya" in lowered:
        label = _clean(re.split(r"\s+ile\s+", item)[-1].replace("aracılığıyla", ""))
        add(lowered.index("sosyal medya"), len(item), Channel(SOCIAL, label))
    if "internet sitesi" in lowered:
        label = _phrase(item, r"[^,•]*?internet sitesi")
        add(lowered.index("internet sitesi"), len(item), Channel(WEB, label))
    if (
        not numbers
        and PHONE_WORDS.search(item)
        and not any(c.kind in (PHONE, WHATSAPP, SMS) for _, c in found)
    ):
        add(0, 0, Channel(PHONE, _clean(item)))
    for name in [] if numbers else _face_to_face(item):
        add(item.find(name), len(item), Channel(FACE, name))
    return [c for _, c in sorted(found, key=lambda pc: pc[0])]


WHATSAPP_LINE = re.compile(r"(0\s*\d{3}\s*\d{3}\s*\d{2}\s*\d{2})\s+numaralı\s+WhatsApp[^,]*")
SMS_LINE = re.compile(r"(\d{3,5})\s+numaralı\s+SMS\s+hattı")
SOLUTION_CENTRE = re.compile(r"(?:ALO|Alo)\s+(1[58]3)(?:\s+Çözüm Merkezi)?|\b(153) Çözüm Merkezi")
PHONE_WORDS = re.compile(r"[Tt]elefon|[Hh]attı|irtibat numara")
NOT_FACE_WORDS = re.compile(r"[Oo]nline|internet|Telefon|Hattı")
FACE_WORDS = re.compile(
    r"[Yy]üz yüze|[Mm]erkez|[Bb]üro|[Nn]okta|Birimi\b|[Mm]ola|Hizmetleri aracılığıyla|Online"
)


def _face_to_face(item: str) -> list[str]:
    if not FACE_WORDS.search(item) or NOT_FACE_WORDS.search(item):
        return []
    if m := re.search(r"ise (.+?) aracılığıyla", item):  # "… ise Mobil Çözüm Noktası, Yerinde …"
        return [p.strip() for p in re.split(r",\s*", m.group(1))]
    if m := re.match(r"^(.+?) merkezlerinde yüz yüze", item):
        return [f"{m.group(1)} merkezleri"]
    if re.search(r"ALO|Alo|153|183", item):
        return []
    return [_clean(item)]


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,.;")


def _phrase(item: str, pattern: str) -> str:
    m = re.search(pattern, item)
    return _clean(m.group(0).strip('"“”')) if m else _clean(item)


def _label_before(item: str, pos: int) -> str:
    label = _clean(item[:pos].rstrip("( "))
    return label or _clean(item)


def _host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]
