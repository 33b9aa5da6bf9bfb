"""The inventories of one publication: each read on its own, under its own URI scope and with its
own pins, then its tables merged into the publication's (docs/uri-policy.md, "Many
inventories").

What is one thing in the world (a law, an article, a curated organisation, a national document)
has one key whichever inventory names it, so merging keeps one row of it; what is an
institution's own has a key scoped by its inventory, so no two inventories' rows meet. Merging
is one pass over the rows: the build stays linear in the number of inventories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import SourceMetadata, load_source_metadata, metadata_path
from ..errors import ConfigError
from ..rdf.iris import slugify
from ..rdf.table_model import Table, TableRow
from .options import BuildOptions, Progress, display_path

# A URI scope is a slug without '--', which separates the scope from a thing's own slug.
SCOPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Inventory:
    """One inventory of the publication: its file, metadata, URI scope and the build's values
    for its dataset (`params`, the mappings' `{@name}` and its row of `_build`)."""

    source: Path
    metadata: SourceMetadata
    scope: str
    year: int | None
    params: dict[str, str]

    @property
    def key(self) -> str:
        """Its dataset's key: id/veri-seti/{key}, data/{key}/ for its own dumps."""
        return self.source.stem


def describe(source: Path, options: BuildOptions, progress: Progress) -> Inventory:
    """An inventory's metadata, year and URI scope, with a warning for what is unknown."""
    metadata = load_source_metadata(source)
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


def scope_of(source: Path, metadata: SourceMetadata, progress: Progress) -> str:
    """The inventory's URI scope: `uri_scope` from its metadata ("" for none, as the seed's
    URIs were first published), else its publisher's key or name, else its file's name."""
    if metadata.uri_scope is not None:
        if metadata.uri_scope and not SCOPE.fullmatch(metadata.uri_scope):
            raise ConfigError(
                f"{display_path(metadata_path(source))}: uri_scope {metadata.uri_scope!r} is not "
                "a slug: write lower-case ASCII letters and digits joined by single hyphens, "
                "e.g. 'cankaya-belediyesi'"
            )
        return metadata.uri_scope
    named = metadata.publisher_key or metadata.publisher
    if named:
        return slugify(named)
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
    if problems:
        raise ConfigError("; ".join(problems))


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


def build_parameters(source: Path, metadata: SourceMetadata, year: int | None) -> dict[str, str]:
    """The values the mappings take from the build rather than the tables (`{@name}`)."""
    unit = metadata.unit or ""
    if year is None:
        title = f"Kamu Hizmet Envanteri: {unit}".rstrip(": ")
        title_en = f"Public service inventory: {metadata.unit_en or unit}".rstrip(": ")
    else:
        title = f"Kamu Hizmet Envanteri: {unit} ({year})".replace(":  (", ": (")
        title_en = f"Public service inventory: {metadata.unit_en or unit} ({year})"
    return {
        "source": source.stem,
        "source_file": source.name,
        "source_title": metadata.title or source.stem,
        "title": title,
        "title_en": title_en,
        "description": (
            f"{metadata.publisher or ''} {unit} kamu hizmet envanterinin bağlantılı "
            "açık veri olarak yayımı."
        ).strip(),
        "description_en": (
            f"The public-service inventory of {metadata.publisher_en or ''} "
            f"{metadata.unit_en or unit}, published as linked open data."
        ).strip(),
        "publisher": metadata.publisher_key or "",
        "reference_year": "" if year is None else str(year),
        "form_code": metadata.form_code or "",
        "received_as": metadata.received_as or "",
    }
