"""The inventories of one publication: each read on its own, under its own URI scope and with its
own pins, then its tables merged into the publication's (docs/uri-policy.md, "Many
inventories").

What is one thing in the world (a law, an article, a curated organisation, a national document)
has one key whichever inventory names it, so merging keeps one row of it; what is an
institution's own has a key scoped by its inventory, so no two inventories' rows meet. Merging
is one pass over the rows: the build stays linear in the number of inventories.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError
from ..metadata import InventoryMetadata
from ..rdf.iris import slugify
from ..rdf.table_model import Table, TableRow
from ..read.reference import key_of, scoped
from .options import BuildOptions, Progress, display_path

# The key of the whole publication's dataset (id/veri-seti/{WHOLE}) when it has many inventories.
WHOLE = "envanterler"


@dataclass(frozen=True)
class Inventory:
    """One inventory of the publication: its file, metadata, URI scope and the build's values
    for its dataset (`params`, the mappings' `{@name}` and its row of `_build`)."""

    source: Path
    metadata: InventoryMetadata
    scope: str
    year: int | None
    params: dict[str, str]

    @property
    def key(self) -> str:
        """Its dataset's key: id/veri-seti/{key}, data/{key}/ for its own dumps."""
        return self.source.stem


def describe(source: Path, options: BuildOptions, progress: Progress) -> Inventory:
    """An inventory's metadata, year and URI scope, with a warning for what is unknown."""
    metadata = options.metadata_of(source)
    year = options.reference_year or metadata.reference_year
    if year is None:
        # No year is guessed: the counts go out without one, and the steward is told.
        progress(
            f"warning: {display_path(source)}: the reference year of the annual counts is "
            "unknown: they are published without a year and the catalog has no temporal "
            f"coverage (pass --reference-year YEAR or set reference_year in {source.stem}.meta.yaml)"
        )
    scope = scope_of(source, metadata, progress)
    return Inventory(source, metadata, scope, year, build_parameters(source, metadata, year))


def scope_of(source: Path, metadata: InventoryMetadata, progress: Progress) -> str:
    """The inventory's URI scope: `uri_scope` from its metadata ("" for none, as the seed's
    URIs were first published), else its publisher's key or name, else its file's name."""
    if metadata.uri_scope is not None:
        return metadata.uri_scope
    if metadata.publisher:
        return publisher_key(metadata)
    progress(
        f"warning: {display_path(source)}: no publisher is known, so its URIs are scoped by "
        f"its file's name ({slugify(source.stem)!r}); set uri_scope in "
        f"{source.stem}.meta.yaml to keep them when the file is renamed"
    )
    return slugify(source.stem)


def check_inventories(inventories: list[Inventory]) -> None:
    """Two inventories may share neither a dataset key nor a URI scope: their datasets, or
    their services, channels and units, would be one. Every clash is told at once."""
    problems = []
    for what in ("file name", "URI scope"):
        seen: dict[str, Inventory] = {}
        for inventory in inventories:
            value = inventory.key if what == "file name" else inventory.scope
            other = seen.setdefault(value, inventory)
            if other is not inventory:
                problems.append(
                    f"{display_path(other.source)} and {display_path(inventory.source)} have "
                    f"the same {what} {value!r}"
                    + (
                        "; rename one"
                        if what == "file name"
                        else "; give one its own uri_scope in its .meta.yaml (docs/uri-policy.md)"
                    )
                )
    if len(inventories) > 1:
        problems += [
            f"{display_path(i.source)}: the file name {WHOLE!r} names the whole publication's "
            "dataset; rename the file"
            for i in inventories
            if i.key == WHOLE
        ]
    if problems:
        raise ConfigError("; ".join(problems))


def check_detsis(inventories: list[Inventory], progress: Progress) -> None:
    """One DETSİS code is one organisation: across the inventories' metadata, a code given to
    organisations of two keys (two URIs for one body), or a key given two codes, is a warning
    naming both. Keys are not merged by code: that would move URIs already published."""
    keys: dict[str, dict[str, str]] = {}  # code → key → the file that says so
    codes: dict[str, dict[str, str]] = {}  # key → code → the file
    for inventory in inventories:
        where = display_path(inventory.source)
        for key, code in coded_organisations(inventory):
            keys.setdefault(code, {}).setdefault(key, where)
            codes.setdefault(key, {}).setdefault(code, where)
    for code, named in keys.items():
        if len(named) > 1:
            listed = ", ".join(f"id/kurum/{k} ({w})" for k, w in named.items())
            progress(
                f"warning: DETSİS code {code} is given to {len(named)} organisations: {listed}; "
                "if they are one body, give them one key in their metadata (docs/metadata.md)"
            )
    for key, given in codes.items():
        if len(given) > 1:
            listed = ", ".join(f"{c} ({w})" for c, w in given.items())
            progress(f"warning: id/kurum/{key} is given {len(given)} DETSİS codes: {listed}")


def coded_organisations(inventory: Inventory) -> list[tuple[str, str]]:
    """(key, DETSİS code) of each organisation the inventory's metadata gives a code, keyed
    as linking keys them (read/reference.py:with_metadata)."""
    m, scope = inventory.metadata, inventory.scope
    found: list[tuple[str, str | None]] = []
    if m.publisher:
        found += [(key_of(o), o.detsis) for o in (m.publisher, *m.publisher.ancestors())]
    if m.department:
        found.append((key_of(m.department, scope), m.department.detsis))
    found += [(u.key or scoped(scope, slugify(u.name)), u.detsis) for u in m.units]
    return [(key, code) for key, code in found if code]


def pins_folder(ids: Path, scope: str) -> Path:
    """An inventory's pinned slugs: the seed's (no scope) in ids/, another's in ids/{scope}/."""
    return ids / scope if scope else ids


def merge_tables(parts: list[list[Table]]) -> list[Table]:
    """The publication's tables from each inventory's: the services' rows one inventory after
    another; one row per key of what they share (the first inventory's, as they are one thing),
    in key order as each inventory's are."""
    if len(parts) == 1:
        return parts[0]
    merged: list[Table] = []
    for tables in zip(*parts, strict=True):
        first = tables[0]
        if first.name == "services" or first.name.startswith("service_"):
            rows = [row for t in tables for row in t.rows]
            if first.name == "services":
                check_unique_services(rows)
        else:
            by_key: dict[tuple[str, ...], TableRow] = {}
            for t in tables:
                for row in t.rows:
                    by_key.setdefault(tuple(str(row[k]) for k in first.primary_key), row)
            rows = [by_key[k] for k in sorted(by_key)]
        merged.append(replace(first, rows=rows))
    return merged


def check_unique_services(rows: list[TableRow]) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        other = seen.setdefault(str(row["id"]), str(row["inventory"]))
        if other != row["inventory"]:
            raise ConfigError(
                f"a service of {other} and one of {row['inventory']} get the same URI "
                f"(id/hizmet/{row['id']}); give one inventory its own uri_scope"
            )


def build_parameters(source: Path, metadata: InventoryMetadata, year: int | None) -> dict[str, str]:
    """The values the mappings take from the build rather than the tables (`{@name}`)."""
    publisher, department = metadata.publisher, metadata.department
    # The inventory is named by its department, else its publisher; by neither: its kind alone.
    owner = department or publisher
    name = owner.name if owner else ""
    name_en = (owner.name_en or owner.name) if owner else ""
    if year is None:
        title = f"Kamu Hizmet Envanteri: {name}".rstrip(": ")
        title_en = f"Public service inventory: {name_en}".rstrip(": ")
    else:
        title = f"Kamu Hizmet Envanteri: {name} ({year})".replace(":  (", ": (")
        title_en = f"Public service inventory: {name_en} ({year})".replace(":  (", ": (")
    whose_tr = " ".join(o.name for o in (publisher, department) if o)
    whose_en = " ".join((o.name_en or o.name) for o in (publisher, department) if o)
    return {
        "source": source.stem,
        "source_file": source.name,
        "source_title": metadata.title or source.stem,
        "title": title,
        "title_en": title_en,
        "description": (
            f"{whose_tr} kamu hizmet envanterinin bağlantılı açık veri olarak yayımı."
            if whose_tr
            else "Bir kamu hizmet envanterinin bağlantılı açık veri olarak yayımı."
        ),
        "description_en": (
            f"The public-service inventory of {whose_en}, published as linked open data."
            if whose_en
            else "A public-service inventory, published as linked open data."
        ),
        "publisher": publisher_key(metadata),
        "reference_year": "" if year is None else str(year),
        "form_code": metadata.form_code or "",
        "received_as": metadata.received_as or "",
    }


def publisher_key(metadata: InventoryMetadata) -> str:
    """The publisher's URI slug (id/kurum/KEY); empty when the metadata names none, and then
    nothing says `dct:publisher` (the mappings leave out an IRI whose value is empty)."""
    p = metadata.publisher
    return (p.key or slugify(p.name)) if p else ""
