"""What an inventory's metadata says, as the build uses it: who publishes it, for which place,
year and licence (the file itself is read by `reader.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_METADATA_BYTES = 64_000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TODO = "TODO"
MAX_DEPTH = 12  # levels of part_of above a publisher
WIKIDATA = "http://www.wikidata.org/entity/"

# The EU data themes (publications.europa.eu/resource/authority/data-theme), with the labels of
# the EU vocabulary and our Turkish.
THEMES: dict[str, tuple[str, str]] = {
    "AGRI": ("Tarım, balıkçılık, ormancılık ve gıda", "Agriculture, fisheries, forestry and food"),
    "ECON": ("Ekonomi ve maliye", "Economy and finance"),
    "EDUC": ("Eğitim, kültür ve spor", "Education, culture and sport"),
    "ENER": ("Enerji", "Energy"),
    "ENVI": ("Çevre", "Environment"),
    "GOVE": ("Hükümet ve kamu sektörü", "Government and public sector"),
    "HEAL": ("Sağlık", "Health"),
    "INTR": ("Uluslararası konular", "International issues"),
    "JUST": ("Adalet, hukuk sistemi ve kamu güvenliği", "Justice, legal system and public safety"),
    "REGI": ("Bölgeler ve şehirler", "Regions and cities"),
    "SOCI": ("Nüfus ve toplum", "Population and society"),
    "TECH": ("Bilim ve teknoloji", "Science and technology"),
    "TRAN": ("Ulaşım", "Transport"),
}
# Every public-service inventory is about the public sector: the theme when none is given.
DEFAULT_THEMES = ("GOVE",)
# The languages a source may be written in, as the EU language authority codes them.
LANGUAGES = {"tr": "TUR", "en": "ENG", "ku": "KUR", "ar": "ARA", "de": "DEU", "fr": "FRA"}


@dataclass(frozen=True)
class Organisation:
    """The publisher or its department."""

    name: str
    name_en: str | None = None
    key: str | None = None  # its URI slug (id/kurum/KEY); the slug of its name when not given
    detsis: str | None = None  # its DETSİS code (the official register of public bodies)
    wikidata: str | None = None  # a Wikidata item, Q…
    names: tuple[str, ...] = ()  # other ways the inventory writes it
    # The body it is part of (a ministry, a governorship, a university), with its own parent:
    # the hierarchy that joins institutions of many inventories (docs/metadata.md).
    part_of: Organisation | None = None

    def ancestors(self) -> list[Organisation]:
        """Its parent, the parent's parent, and so on up."""
        out: list[Organisation] = []
        o = self.part_of
        while o is not None:
            out.append(o)
            o = o.part_of
        return out


@dataclass(frozen=True)
class Place:
    """The place the inventory's services are for: a province, a district, the country."""

    name: str
    name_en: str | None = None
    iri: str | None = None  # Wikidata's item or the official administrative unit's IRI

    @property
    def wikidata(self) -> str | None:
        """The Wikidata item (Q…) when the IRI is Wikidata's."""
        if self.iri and self.iri.startswith(WIKIDATA):
            return self.iri.removeprefix(WIKIDATA)
        return None


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Unit:
    """A unit of the department as curated: its English name and DETSİS code."""

    name: str
    key: str | None = None
    name_en: str | None = None
    detsis: str | None = None


@dataclass(frozen=True)
class InventoryMetadata:
    """What we know about an inventory beyond its table (docs/metadata.md)."""

    title: str | None = None  # the source document's title
    publisher: Organisation | None = None
    department: Organisation | None = None
    place: Place | None = None
    reference_year: int | None = None  # the year the annual counts are for
    licence: str | None = None  # a URI
    contact: Contact | None = None
    issued: str | None = None  # the inventory edition's date, YYYY-MM-DD
    language: str = "tr"
    themes: tuple[str, ...] = DEFAULT_THEMES
    units: tuple[Unit, ...] = ()
    form_code: str | None = None  # the form's code printed on the table
    received_as: str | None = None  # how the source came to us
    # The URI scope of the inventory's own things (docs/uri-policy.md): "" for none, as the
    # seed's were first published; None: derived from the publisher.
    uri_scope: str | None = None
    todo: tuple[str, ...] = ()  # keys the file leaves as TODO
    path: Path | None = field(default=None, compare=False)  # the file read, if any
    # Where the metadata is written when not in a file of its own (a publication file's entry).
    written_in: str | None = field(default=None, compare=False)

    def missing(self) -> list[str]:
        """What a publication should say and this metadata does not give, as warnings."""
        if self.written_in is not None:
            where = self.written_in
        elif self.path is None:
            where = "the inventory's metadata file"
        elif not self.path.exists():
            where = f"{self.path} (no such file: `envanter init SOURCE` drafts it)"
        else:
            where = str(self.path)
        gaps = {
            "publisher": "no publisher: the catalog and the data name none",
            "place": "no place: the catalog and the services say nothing of where they apply",
        }
        have = {
            "publisher": self.publisher,
            "place": self.place,
        }
        out = [
            f"{where}: {gap} (set {key}, see docs/metadata.md)"
            for key, gap in gaps.items()
            if have[key] is None
        ]
        out += [
            f"{where}: {key} is still TODO: it is left out until filled in" for key in self.todo
        ]
        return out


def metadata_path(source: Path) -> Path:
    return source.with_name(source.stem + ".meta.yaml")
