"""`envanter init`: a draft of an inventory's metadata file (docs/metadata.md) from what the table
itself says: its title rows (the institution, the department), the Kurum Kodu every row shares,
the dates under the table. Each drafted value says where it came from; what the table does not
say is a TODO, which the build reports as missing and never takes as a value."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .metadata import metadata_path
from .read.formats import Reading, read_inventory
from .turkish import lower

# Words that end the name of a publishing body or of one of its departments.
PUBLISHER_WORDS = (
    "belediyesi",
    "belediye başkanlığı",
    "valiliği",
    "kaymakamlığı",
    "üniversitesi",
    "rektörlüğü",
    "bakanlığı",
    "genel müdürlüğü",
    "il müdürlüğü",
    "müdürlüğü",
    "hastanesi",
    "başkanlığı",
    "kurumu",
)
DEPARTMENT_WORDS = ("daire başkanlığı", "dairesi başkanlığı", "şube müdürlüğü")
# What a title row says of the document rather than of the institution.
DOCUMENT_WORDS = re.compile(
    r"\s*(kamu\s+)?hizmet(i|leri)?\s+(envanteri|standartları)(\s+tablosu)?\s*$", re.I
)
DATE = re.compile(
    r"(düzenleme|güncelleme|onay|hazırlama)\s+tarihi\s*:?\s*(\d{1,2})[./](\d{1,2})[./](\d{4})",
    re.I,
)


@dataclass
class Draft:
    """The lines of the draft, and what it could and could not fill in."""

    lines: list[str] = field(default_factory=list)
    drafted: int = 0
    todo: int = 0

    def value(self, key: str, value: object, source: str, indent: str = "") -> None:
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
        self.lines.append(f"{indent}{key}: {text}  # from {source}")
        self.drafted += 1

    def missing(self, key: str, what: str, indent: str = "") -> None:
        self.lines.append(f"{indent}{key}: TODO  # {what}")
        self.todo += 1


def titled(text: str) -> str:
    """An upper-case title row as a name is written: 'ÇANKAYA BELEDİYE BAŞKANLIĞI' → 'Çankaya
    Belediye Başkanlığı'; a row in mixed case is kept as printed."""
    if text != text.upper():
        return text
    words = []
    for word in lower(text).split():
        first = word[:1]
        words.append(("İ" if first == "i" else first.upper()) + word[1:])
    return " ".join(words)


def institution_rows(titles: list[str]) -> list[str]:
    """The title rows that name a body: without 'T.C.' and with what names the document cut off
    ('… KAMU HİZMET ENVANTERİ TABLOSU')."""
    out = []
    for title in titles:
        text = re.sub(r"^\s*T\.\s*C\.\s*", "", title).strip()
        text = DOCUMENT_WORDS.sub("", text).strip(" -–—:")
        if text and not DOCUMENT_WORDS.fullmatch(title):
            out.append(titled(text))
    return out


def ends_with(name: str, words: tuple[str, ...]) -> bool:
    return any(lower(name).endswith(w) for w in words)


def publisher_and_department(names: list[str]) -> tuple[str | None, str | None]:
    """The publisher: the last title row naming a body (the most specific: a hospital after its
    ministry); the department: a row naming a department ('… Daire Başkanlığı'), or the end of
    the publisher's row ('ASKİ Genel Müdürlüğü Abone İşleri Dairesi Başkanlığı'). A row listing
    several units ('A - B - C') names neither."""
    rows = [n for n in names if " - " not in n]
    department = next((n for n in reversed(rows) if ends_with(n, DEPARTMENT_WORDS)), None)
    others = [n for n in rows if n != department]
    publisher = next((n for n in reversed(others) if ends_with(n, PUBLISHER_WORDS)), None)
    if department and not publisher:
        folded = lower(department)
        cuts = [folded.find(w + " ") + len(w) for w in PUBLISHER_WORDS if w + " " in folded]
        if cuts:
            cut = max(cuts)
            publisher, department = department[:cut].strip(), department[cut:].strip()
    return publisher, department


def draft_metadata(reading: Reading, source: Path) -> Draft:
    titles = [n.removeprefix("title: ") for n in reading.notes if n.startswith("title: ")]
    footers = [n.removeprefix("footer: ") for n in reading.notes if n.startswith("footer: ")]
    names = institution_rows(titles)
    draft = Draft()
    d = draft
    d.lines.append(
        f"# Metadata of {source.name}, drafted by `envanter init` from what the table says."
    )
    d.lines.append("# Review every value, fill in each TODO (docs/metadata.md) and delete")
    d.lines.append("# what does not apply; a TODO is reported by the build and never published.")
    if titles:
        d.value("title", " — ".join(titles), "the title rows above the table")
    else:
        d.missing("title", "the document's title as printed")
    publisher, department = publisher_and_department(names)
    codes = sorted({c for r in reading.records if (c := r.text("institution_code"))})
    code = codes[0] if len(codes) == 1 and re.fullmatch(r"[0-9]{8}", codes[0]) else None
    code_note = "the Kurum Kodu column, the same in every row"
    if publisher:
        d.lines.append("publisher:")
        d.value("name", publisher, "a title row", "  ")
        d.missing("name_en", "its English name, or delete this line", "  ")
        if code and not department:
            d.value("detsis", code, code_note, "  ")
        else:
            d.missing("detsis", "its DETSİS code (8 digits), or delete this line", "  ")
    else:
        d.missing("publisher", "the publishing institution: name, name_en, detsis, wikidata")
    if department:
        d.lines.append("department:")
        d.value("name", department, "a title row", "  ")
        d.missing("name_en", "its English name, or delete this line", "  ")
        if code:
            d.value("detsis", code, code_note, "  ")
    elif len(codes) > 1:
        d.lines.append(f"# The rows give {len(codes)} Kurum Kodu: {', '.join(codes[:10])}.")
    d.missing("place", "the place the services are for: name, and wikidata (Q…) or iri")
    d.missing("reference_year", "the year the annual counts are for, e.g. 2024")
    dates = [m for f in footers if (m := DATE.search(f))]
    if dates:
        m = dates[-1]
        day, month, year = int(m.group(2)), int(m.group(3)), int(m.group(4))
        d.value("issued", f"{year:04d}-{month:02d}-{day:02d}", f"'{m.group(0)}' under the table")
    else:
        d.missing("issued", "the date of this edition, e.g. 2025-01-15")
    d.missing("licence", "the licence's URI; CC BY 4.0 when left out")
    d.missing("contact", "email, phone and url of the point of contact")
    d.lines.append("language: tr")
    d.lines.append("themes: [GOVE]  # EU data themes (docs/metadata.md)")
    return draft


def write_draft(source: Path, file: str, force: bool = False) -> tuple[Path, Draft]:
    """Write the draft beside `source`; an existing file is kept unless `force`."""
    if not source.is_file():
        raise ConfigError(f"source not found: {source} (name the inventory table)")
    path = metadata_path(source)
    if path.exists() and not force:
        raise ConfigError(
            f"{path} already exists; review it, or pass --force to replace it with a new draft"
        )
    draft = draft_metadata(read_inventory(source, file), source)
    path.write_text("\n".join(draft.lines) + "\n", encoding="utf-8")
    return path, draft
