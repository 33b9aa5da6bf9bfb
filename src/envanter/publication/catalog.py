"""The DCAT-AP 3 catalog of the publication, with VoID statistics and a checksum per download.

`dist/catalog.ttl` describes the catalog → the dataset → one distribution per download (the
dumps, the tidy tables with their CSVW metadata, the validation report), each with its download
URL, media type, file type, byte size, SHA-256 checksum and licence. It is written last, from the
files as they are on disk, so every size and checksum is true of what is published.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..media_types import CSVW_METADATA, MEDIA_TYPES
from ..metadata import DEFAULT_THEMES, LANGUAGES, THEMES, Contact
from ..rdf.graph import in_order
from ..rdf.serialize import write_turtle
from ..rdf.stats import GraphStats
from ..rdf.vocab import (
    DCAT,
    DCT,
    FILE_TYPE,
    FOAF,
    IANA,
    LANGUAGE,
    RDF_TYPE,
    RDFS,
    SKOS,
    SPDX,
    THEME,
    VCARD,
    VOID,
    XSD,
)
from .ldes import VIEW as FEED

PREFIXES = {
    "dcat": DCAT,
    "dct": DCT,
    "foaf": FOAF,
    "spdx": SPDX,
    "void": VOID,
    "xsd": XSD,
    "skos": SKOS,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


@dataclass(frozen=True)
class Download:
    path: str  # relative to dist/
    title_tr: str
    title_en: str
    media_type: str  # IANA media type
    file_type: str  # EU file-type authority code


def downloads(table_names: list[str], has_report: bool) -> list[Download]:
    out = [
        Download(
            "data/dataset.ttl",
            "Veri kümesi (Turtle)",
            "Dataset (Turtle)",
            MEDIA_TYPES["ttl"],
            "RDF_TURTLE",
        ),
        Download(
            "data/dataset.nt",
            "Veri kümesi (N-Triples)",
            "Dataset (N-Triples)",
            MEDIA_TYPES["nt"],
            "RDF_N_TRIPLES",
        ),
        Download(
            "data/dataset.jsonld",
            "Veri kümesi (JSON-LD)",
            "Dataset (JSON-LD)",
            MEDIA_TYPES["jsonld"],
            "JSON_LD",
        ),
        Download(
            "data/tables/csv-metadata.json",
            "Tablo açıklamaları (CSVW)",
            "Table descriptions (CSVW)",
            CSVW_METADATA,
            "JSON",
        ),
    ]
    out += [
        Download(
            f"data/tables/{name}.csv", f"Tablo: {name}", f"Table: {name}", MEDIA_TYPES["csv"], "CSV"
        )
        for name in table_names
    ]
    if has_report:
        out.append(
            Download(
                "validation/report.ttl",
                "Doğrulama raporu (SHACL)",
                "Validation report (SHACL)",
                MEDIA_TYPES["ttl"],
                "RDF_TURTLE",
            )
        )
    return out


def build_time() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), otherwise now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch) if epoch else int(time.time()), tz=UTC)


def sha256(path: Path) -> str:
    """The file's SHA-256. Remembered for the file as it is (inode, size, modification time):
    the site's about page and the catalog both give the digests of the downloads, and the dumps
    of a national inventory are gigabytes."""
    st = path.stat()
    return _sha256(str(path), st.st_ino, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _sha256(path: str, inode: int, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class CatalogSettings:
    base: str
    dataset: str  # the dataset's URI
    publisher: str | None  # the publisher's URI; None: the metadata names none, nor does this
    publisher_name_tr: str
    publisher_name_en: str
    title_tr: str
    title_en: str
    description_tr: str
    description_en: str
    license: str
    issued: str | None  # the inventory edition's date (YYYY-MM-DD), when known
    reference_year: int | None = None  # the year the annual counts cover
    sparql_endpoint: str | None = None
    place: str | None = None  # the IRI of the place the services are for
    themes: tuple[str, ...] = DEFAULT_THEMES  # EU data themes
    language: str = "tr"  # the source's language
    contact: Contact | None = None
    # With many inventories: one dataset each, parts of the whole (`dataset`).
    parts: tuple[DatasetPart, ...] = ()
    edition: int = 1  # this build's edition number (publication/editions.py)
    earlier: tuple[EarlierEdition, ...] = ()  # the editions whose dumps it keeps, oldest first


@dataclass(frozen=True)
class EarlierEdition:
    """An earlier edition: its dataset ({base}id/surum/<n>) with the dumps kept of it."""

    number: int
    iri: str
    modified: str | None  # when it was built (xsd:dateTime), when its catalog said
    files: tuple[Download, ...]


def edition_downloads(number: int, dist: Path) -> tuple[Download, ...]:
    """The dumps of edition `number` kept in `dist` (surum/<n>/data/…)."""
    kinds = (
        ("dataset.ttl", "Turtle", "ttl", "RDF_TURTLE"),
        ("dataset.nt", "N-Triples", "nt", "RDF_N_TRIPLES"),
        ("dataset.jsonld", "JSON-LD", "jsonld", "JSON_LD"),
    )
    return tuple(
        Download(
            f"surum/{number}/data/{name}",
            f"Sürüm {number}: veri kümesi ({label})",
            f"Edition {number}: dataset ({label})",
            MEDIA_TYPES[suffix],
            file_type,
        )
        for name, label, suffix, file_type in kinds
        if (dist / "surum" / str(number) / "data" / name).is_file()
    )


@dataclass(frozen=True)
class DatasetPart:
    """One inventory's dataset in a publication of many, with its own dumps."""

    dataset: str  # its URI, id/veri-seti/{key}
    publisher: tuple[str, str, str] | None  # its URI, Turkish and English names, when known
    title_tr: str
    title_en: str
    description_tr: str
    description_en: str
    issued: str | None
    reference_year: int | None
    place: str | None
    themes: tuple[str, ...]
    language: str
    files: tuple[Download, ...]


def inventory_downloads(key: str) -> tuple[Download, ...]:
    """An inventory's own dumps in a publication of many (rdf/split.py writes them)."""
    return (
        Download(
            f"data/veri-seti/{key}.ttl",
            "Envanterin veri kümesi (Turtle)",
            "The inventory's dataset (Turtle)",
            MEDIA_TYPES["ttl"],
            "RDF_TURTLE",
        ),
        Download(
            f"data/veri-seti/{key}.nt",
            "Envanterin veri kümesi (N-Triples)",
            "The inventory's dataset (N-Triples)",
            MEDIA_TYPES["nt"],
            "RDF_N_TRIPLES",
        ),
    )


def catalog_triples(
    settings: CatalogSettings, dist: Path, files: list[Download], stats: GraphStats
) -> list[ox.Triple]:
    """The catalog as triples; sizes and checksums are read from the files in `dist`."""
    n = ox.NamedNode
    base = settings.base
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        triples.append(ox.Triple(s, n(p), o))

    def text(s: ox.NamedNode, p: str, tr: str, en: str) -> None:
        add(s, p, ox.Literal(tr, language="tr"))
        add(s, p, ox.Literal(en, language="en"))

    def typed(value: str, datatype: str) -> ox.Literal:
        return ox.Literal(value, datatype=n(XSD + datatype))

    now = build_time().strftime("%Y-%m-%dT%H:%M:%SZ")
    catalog = n(base + "katalog")
    dataset = n(settings.dataset)
    publisher = n(settings.publisher) if settings.publisher else None
    license_ = n(settings.license)
    add(catalog, str(RDF_TYPE.value), n(DCAT + "Catalog"))
    text(
        catalog,
        DCT + "title",
        "Kamu Hizmet Envanteri açık veri kataloğu",
        "Public-service inventory open data catalogue",
    )
    text(
        catalog,
        DCT + "description",
        "Kamu hizmet envanterinin bağlantılı açık veri olarak yayımlanan veri kümeleri.",
        "The datasets of the public-service inventory published as linked open data.",
    )
    if publisher is not None:
        add(catalog, DCT + "publisher", publisher)
    add(catalog, DCT + "license", license_)
    add(catalog, FOAF + "homepage", n(base))
    add(catalog, DCAT + "dataset", dataset)
    add(catalog, DCT + "modified", typed(now, "dateTime"))
    add(catalog, DCT + "language", n(LANGUAGE + "TUR"))
    add(catalog, DCT + "language", n(LANGUAGE + "ENG"))

    add(dataset, str(RDF_TYPE.value), n(DCAT + "Dataset"))
    add(dataset, str(RDF_TYPE.value), n(VOID + "Dataset"))
    text(dataset, DCT + "title", settings.title_tr, settings.title_en)
    text(dataset, DCT + "description", settings.description_tr, settings.description_en)
    if publisher is not None:
        add(dataset, DCT + "publisher", publisher)
    for code in settings.themes:
        add(dataset, DCAT + "theme", n(THEME + code))
    add(dataset, DCT + "modified", typed(now, "dateTime"))
    if settings.issued:
        add(dataset, DCT + "issued", typed(settings.issued, "date"))
    add(dataset, DCAT + "version", ox.Literal(str(settings.edition)))
    language = LANGUAGES[settings.language]
    add(dataset, DCT + "language", n(LANGUAGE + language))
    if settings.place:
        add(dataset, DCT + "spatial", n(settings.place))
    add(dataset, DCAT + "landingPage", n(base))
    if settings.contact:
        contact = n(settings.dataset + "#iletisim")
        add(dataset, DCAT + "contactPoint", contact)
        add(contact, str(RDF_TYPE.value), n(VCARD + "Organization"))
        text(contact, VCARD + "fn", settings.publisher_name_tr, settings.publisher_name_en)
        if settings.contact.email:
            add(contact, VCARD + "hasEmail", n("mailto:" + settings.contact.email))
        if settings.contact.phone:
            phone = "".join(c for c in settings.contact.phone if c.isdigit() or c == "+")
            add(contact, VCARD + "hasTelephone", n("tel:" + phone))
        if settings.contact.url:
            add(contact, VCARD + "hasURL", n(settings.contact.url))

    def temporal(dataset: ox.NamedNode, year: int | None) -> None:
        if year:
            period = n(dataset.value + "#donem")
            add(dataset, DCT + "temporal", period)
            add(period, str(RDF_TYPE.value), n(DCT + "PeriodOfTime"))
            add(period, DCAT + "startDate", typed(f"{year}-01-01", "date"))
            add(period, DCAT + "endDate", typed(f"{year}-12-31", "date"))

    temporal(dataset, settings.reference_year)
    if publisher is not None:
        add(publisher, str(RDF_TYPE.value), n(FOAF + "Agent"))
        text(publisher, FOAF + "name", settings.publisher_name_tr, settings.publisher_name_en)
    add(n(base), str(RDF_TYPE.value), n(FOAF + "Document"))
    languages = {"TUR", "ENG", language, *(LANGUAGES[p.language] for p in settings.parts)}
    for code in sorted(languages):
        add(n(LANGUAGE + code), str(RDF_TYPE.value), n(DCT + "LinguisticSystem"))
    # The EU data themes, with the labels of the EU vocabulary (and our Turkish).
    for code in sorted({*settings.themes, *(t for p in settings.parts for t in p.themes)}):
        tr, en = THEMES[code]
        add(n(THEME + code), str(RDF_TYPE.value), n(SKOS + "Concept"))
        add(n(THEME + code), SKOS + "inScheme", n(THEME[:-1]))
        text(n(THEME + code), SKOS + "prefLabel", tr, en)
    add(license_, str(RDF_TYPE.value), n(DCT + "LicenseDocument"))
    places = {p.place for p in settings.parts if p.place} | ({settings.place} - {None})
    for place in sorted(str(p) for p in places):
        add(n(place), str(RDF_TYPE.value), n(DCT + "Location"))

    def distribute(dataset: ox.NamedNode, d: Download) -> None:
        path = dist / d.path
        url = n(base + d.path)
        dist_iri = n(
            f"{base}id/dagitim/{d.path.replace('/', '-').rsplit('.', 1)[0]}"
            f"-{d.path.rsplit('.', 1)[1]}"
        )
        checksum = n(str(dist_iri.value) + "#sha256")
        add(dataset, DCAT + "distribution", dist_iri)
        add(dist_iri, str(RDF_TYPE.value), n(DCAT + "Distribution"))
        text(dist_iri, DCT + "title", d.title_tr, d.title_en)
        add(dist_iri, DCAT + "accessURL", url)
        add(dist_iri, DCAT + "downloadURL", url)
        add(dist_iri, DCAT + "mediaType", n(IANA + d.media_type))
        add(dist_iri, DCT + "format", n(FILE_TYPE + d.file_type))
        add(dist_iri, DCT + "license", license_)
        add(dist_iri, DCAT + "byteSize", typed(str(path.stat().st_size), "nonNegativeInteger"))
        add(dist_iri, SPDX + "checksum", checksum)
        add(checksum, str(RDF_TYPE.value), n(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", typed(sha256(path), "hexBinary"))
        # Typed, as the single-file DCAT-AP shapes require of the algorithm's class.
        add(
            n(SPDX + "checksumAlgorithm_sha256"), str(RDF_TYPE.value), n(SPDX + "ChecksumAlgorithm")
        )
        add(n(IANA + d.media_type), str(RDF_TYPE.value), n(DCT + "MediaType"))
        add(n(FILE_TYPE + d.file_type), str(RDF_TYPE.value), n(DCT + "MediaTypeOrExtent"))
        if d.path.startswith(("data/dataset.", "data/veri-seti/")):
            add(dataset, VOID + "dataDump", url)

    for d in files:
        distribute(dataset, d)
    for part in settings.parts:
        # Each inventory's dataset: what it is, who publishes it, and its own dumps.
        inventory = n(part.dataset)
        add(catalog, DCAT + "dataset", inventory)
        add(dataset, DCT + "hasPart", inventory)
        add(inventory, DCT + "isPartOf", dataset)
        add(inventory, str(RDF_TYPE.value), n(DCAT + "Dataset"))
        text(inventory, DCT + "title", part.title_tr, part.title_en)
        text(inventory, DCT + "description", part.description_tr, part.description_en)
        if part.publisher:
            iri, name_tr, name_en = part.publisher
            add(inventory, DCT + "publisher", n(iri))
            add(n(iri), str(RDF_TYPE.value), n(FOAF + "Agent"))
            text(n(iri), FOAF + "name", name_tr, name_en)
        for code in part.themes:
            add(inventory, DCAT + "theme", n(THEME + code))
        add(inventory, DCT + "modified", typed(now, "dateTime"))
        if part.issued:
            add(inventory, DCT + "issued", typed(part.issued, "date"))
        add(inventory, DCT + "language", n(LANGUAGE + LANGUAGES[part.language]))
        if part.place:
            add(inventory, DCT + "spatial", n(part.place))
        temporal(inventory, part.reference_year)
        for d in part.files:
            distribute(inventory, d)
    # The earlier editions (DCAT 3 versioning): versions of the dataset, each the previous
    # version of the next, the last the previous version of this one; each with its kept dumps.
    for i, earlier in enumerate(settings.earlier):
        edition = n(earlier.iri)
        add(dataset, DCAT + "hasVersion", edition)
        add(edition, DCAT + "isVersionOf", dataset)
        add(edition, str(RDF_TYPE.value), n(DCAT + "Dataset"))
        text(
            edition,
            DCT + "title",
            f"{settings.title_tr} (sürüm {earlier.number})",
            f"{settings.title_en} (edition {earlier.number})",
        )
        text(edition, DCT + "description", settings.description_tr, settings.description_en)
        if publisher is not None:
            add(edition, DCT + "publisher", publisher)
        add(edition, DCAT + "version", ox.Literal(str(earlier.number)))
        if earlier.modified:
            add(edition, DCT + "modified", typed(earlier.modified, "dateTime"))
        if i > 0:
            add(edition, DCAT + "previousVersion", n(settings.earlier[i - 1].iri))
        for d in earlier.files:
            distribute(edition, d)
    if settings.earlier:
        add(dataset, DCAT + "previousVersion", n(settings.earlier[-1].iri))

    # VoID: what the dataset holds.
    uri_space = base + "id/"
    add(dataset, VOID + "triples", typed(str(stats.triples), "integer"))
    add(dataset, VOID + "entities", typed(str(stats.entities), "integer"))
    add(dataset, VOID + "classes", typed(str(len(stats.classes)), "integer"))
    add(dataset, VOID + "uriSpace", ox.Literal(uri_space))
    for example in sorted(stats.services)[:3]:
        add(dataset, VOID + "exampleResource", n(example))
    if settings.sparql_endpoint:
        add(dataset, VOID + "sparqlEndpoint", n(settings.sparql_endpoint))
    # The change feed (ldes.py): harvesters follow it for what each edition changed.
    add(dataset, RDFS + "seeAlso", n(base + FEED))
    return in_order(triples)


def write_catalog(
    settings: CatalogSettings, dist: Path, files: list[Download], stats: GraphStats
) -> Path:
    triples = catalog_triples(settings, dist, files, stats)
    prefixes = {
        **PREFIXES,
        "veri-seti": settings.base + "id/veri-seti/",
        "dagitim": settings.base + "id/dagitim/",
    }
    if settings.contact:
        prefixes["vcard"] = VCARD
    return write_turtle(triples, prefixes, dist / "catalog.ttl")
