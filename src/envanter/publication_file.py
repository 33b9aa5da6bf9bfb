"""A publication of many inventories described in one file (`envanter.yaml`, docs/publication-file.md):
the base URI, who publishes the whole, the inventories with their metadata and translations, and
where their pinned slugs are. `envanter build --publication FILE` builds it.

Paths in the file are relative to the file's folder, so a publication can be moved or checked
out anywhere. What the file does not say is as `--source A --source B` would have it: each
inventory's metadata and translations beside its source, the pins in `data/ids/`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem
from .metadata import (
    MAX_METADATA_BYTES,
    Contact,
    InventoryMetadata,
    NoAliasLoader,
    Organisation,
    Reader,
    read_metadata,
)

MAX_PUBLICATION_BYTES = 16 * MAX_METADATA_BYTES  # a thousand inventories' lines, each short
KEYS = (
    "base_uri",
    "publisher",
    "title",
    "title_en",
    "description",
    "description_en",
    "licence",
    "contact",
    "issued",
    "ids",
    "inventories",
)
INVENTORY_KEYS = ("source", "metadata", "translations")


@dataclass(frozen=True)
class Entry:
    """One inventory of the publication: its source, and its metadata and translations when the
    file gives them (None: the files beside the source)."""

    source: Path
    metadata: InventoryMetadata | None = None
    translations: Path | None = None


@dataclass(frozen=True)
class Publication:
    """What the publication file says (docs/publication-file.md)."""

    path: Path
    inventories: tuple[Entry, ...]
    base_uri: str | None = None
    publisher: Organisation | None = None  # of the whole; each inventory has its own
    title: str | None = None
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    licence: str | None = None
    contact: Contact | None = None
    issued: str | None = None
    ids: Path | None = None
    todo: tuple[str, ...] = ()  # keys of the file still TODO: reported, never published

    def entry(self, source: Path) -> Entry | None:
        return next((e for e in self.inventories if e.source == source), None)


def read_publication(path: Path) -> Publication:
    """The publication file, checked; every problem of it is reported at once (exit 2)."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_PUBLICATION_BYTES:
            raise fail(name, None, f"the file is over {MAX_PUBLICATION_BYTES // 1000} KB")
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=NoAliasLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise fail(name, None, f"cannot read the publication file: {e}") from e
    if not isinstance(data, dict):
        raise fail(name, None, "expected 'key: value' lines (docs/publication-file.md)")
    reader = Reader(name)
    unknown = sorted(str(k) for k in data if k not in KEYS)
    if unknown:
        reader.fail(
            ", ".join(unknown),
            f"unknown key(s); expected some of {', '.join(KEYS)} (docs/publication-file.md)",
        )
    folder = path.parent
    entries = inventories(reader, folder, data.get("inventories"))
    ids = reader.text("ids", data.get("ids"))
    publication = Publication(
        path=path,
        inventories=entries,
        base_uri=reader.iri("base_uri", data.get("base_uri")),
        publisher=reader.organisation("publisher", data.get("publisher")),
        title=reader.text("title", data.get("title")),
        title_en=reader.text("title_en", data.get("title_en")),
        description=reader.text("description", data.get("description")),
        description_en=reader.text("description_en", data.get("description_en")),
        licence=reader.iri("licence", data.get("licence")),
        contact=reader.contact(data.get("contact")),
        issued=reader.date("issued", data.get("issued")),
        ids=folder / ids if ids else None,
        todo=tuple(reader.todo),
    )
    if reader.problems:
        raise InputError(reader.problems)
    return publication


def inventories(reader: Reader, folder: Path, value: Any) -> tuple[Entry, ...]:
    if not isinstance(value, list) or not value:
        reader.fail("inventories", "expected a list of inventories, each a source file")
        return ()
    entries: list[Entry] = []
    for k, item in enumerate(value, start=1):
        key = f"inventories[{k}]"
        if isinstance(item, str):
            item = {"source": item}
        data = reader.mapping(key, item, INVENTORY_KEYS)
        if data is None:
            continue
        source = reader.text(f"{key}.source", data.get("source"))
        if source is None:
            reader.fail(f"{key}.source", "expected the inventory's source file")
            continue
        translations = reader.text(f"{key}.translations", data.get("translations"))
        entries.append(
            Entry(
                folder / source,
                metadata_of(reader, folder, key, data.get("metadata")),
                folder / translations if translations else None,
            )
        )
    return tuple(entries)


def metadata_of(reader: Reader, folder: Path, key: str, value: Any) -> InventoryMetadata | None:
    """The inventory's metadata: a file named (relative to the publication file), the keys of
    a metadata file written in place, or None for the file beside its source."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return read_metadata(folder / value)
        except InputError as e:
            reader.problems += e.problems
            return None
    if not isinstance(value, dict):
        reader.fail(f"{key}.metadata", "expected a metadata file's name or its keys")
        return None
    where = f"{reader.file} ({key}.metadata)"
    inner = Reader(where)
    metadata = inner.metadata(value)
    reader.problems += inner.problems
    # Its gaps and TODOs are reported as a metadata file's are, naming where they are written.
    return replace(metadata, written_in=where)


def fail(file: str, key: str | None, message: str) -> InputError:
    return InputError([Problem(file, None, key, message)])
