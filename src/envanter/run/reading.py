"""The build's first stage: read the source, make the records, link them, make the tables; write
the tables and pack each batch of services' rows into a file of its own for the workers."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import DEFAULT_LICENSE, check_base_uri
from ..errors import ConfigError, Problem
from ..metadata import InventoryMetadata, load_metadata
from ..rdf.csvw import rdf_annotations, write_tables
from ..rdf.graph import Mapper, Rows, load_mappings, pack_rows, packed_batches
from ..rdf.iris import slugify
from ..rdf.table_model import Table
from ..rdf.tables import build_tables
from ..read.formats import read_inventory
from ..read.linking import (
    Linked,
    Pins,
    check_links,
    link,
    load_pins,
    load_reference,
    with_metadata,
)
from ..read.records import AppliedCorrection, Service, build_records, load_corrections
from .options import BuildOptions, Progress, Stages, display_path
from .warnings import WARNINGS_FILE, console_lines


@dataclass
class Tables:
    """Everything read, checked and made into tables; nothing mapped or written yet."""

    services: list[Service]
    linked: Linked
    pins: Pins
    tables: list[Table]
    base: str
    params: dict[str, str]
    metadata: InventoryMetadata
    year: int | None  # None: no year is known, the annual counts are published without one
    warnings: list[Problem]  # what reading kept but warned of, for validation/warnings.txt


def prepare_tables(
    options: BuildOptions, progress: Progress = lambda _: None, stages: Stages | None = None
) -> Tables:
    """Read the source, make the records, link them, make the tables."""
    stage = stages or Stages()
    source = options.source
    if not source.exists():
        raise ConfigError(
            f"source not found: {source} (run from the project folder, or pass --source FILE)"
        )
    metadata = load_metadata(source)
    year = options.reference_year or metadata.reference_year
    progress(f"reading {display_path(source)}")
    if year is None:
        # No year is guessed: the counts go out without one, and the steward is told.
        progress(
            f"warning: {display_path(source)}: the reference year of the annual counts is "
            "unknown: they are published without a year and the catalog has no temporal "
            f"coverage (pass --reference-year YEAR or set reference_year in {source.stem}.meta.yaml)"
        )
    with stage("read"):
        reading = read_inventory(source, display_path(source))
    for note in reading.notes:
        progress(note)
    listed_in = display_path(options.out / WARNINGS_FILE)
    for gap in metadata.missing():
        progress(f"warning: {gap}")
    warnings = list(reading.warnings)
    for line in console_lines(reading.warnings, listed_in):
        progress(line)
    raw = reading.records
    with stage("records"):
        corrections = load_corrections(options.corrections) if options.corrections else []
        corrections_name = display_path(options.corrections) if options.corrections else ""
        services = build_records(raw, corrections, corrections_name, year)
    progress(f"read {len(services)} services")
    # Cells kept as text: what was not understood, where.
    kept = [warning for service in services for warning in service.warnings]
    warnings += kept
    for line in console_lines(kept, listed_in):
        progress(line)
    with stage("link"):
        reference = with_metadata(load_reference(options.reference), metadata)
        uncovered = check_links(services, reference, display_path(options.reference))
        warnings += uncovered
        for line in console_lines(uncovered, listed_in):
            progress(line)
        pins = load_pins(options.ids)
        linked = link(services, reference, pins)
    with stage("tables"):
        tables = build_tables(linked)
        # The raw cells have served: the tables hold what they say, with their source lines.
        # Kept in the records, they would keep every cell of the source in memory to the end
        # (more than a gigabyte for a national inventory).
        services = [replace(s, cells={}) for s in services]
        linked.services = services
    base = check_base_uri(options.base_uri)
    params = build_parameters(source, metadata, year)
    return Tables(services, linked, pins, tables, base, params, metadata, year, warnings)


@dataclass
class Read:
    """What reading made, as the rest of the build needs it: the rows of what the services
    share, and each batch of services' rows in a file of its own (a worker reads its batch and
    touches nothing of the build's memory, which copy-on-write would otherwise copy page by page
    into every worker); the records, needed only at the end, in a file too."""

    base: str
    params: dict[str, str]
    metadata: InventoryMetadata
    year: int | None
    table_names: list[str]
    table_files: list[Path]
    shared_rows: Rows
    service_tables: list[str]
    services: int
    batches: list[Path]
    records: Path
    stages: dict[str, float]
    warnings: list[Problem]


def read_and_pack(
    options: BuildOptions, folder: Path, batch_size: Callable[[int], int], progress: Progress
) -> Read:
    """Read the source into tables, write the tables, and pack the rest for the batches. Run in
    a child process: the raw cells, records and tables of a national inventory take gigabytes,
    and all of it is given back when the child exits."""
    stage = Stages()
    t = prepare_tables(options, progress, stage)

    # (Writing the tables in a child alongside the packing was no faster, and copy-on-write
    # doubled the memory: both touch every row.)
    with stage("write tables"):
        prefixes, mappings = load_mappings(options.mappings)
        rdf = rdf_annotations(t.tables, mappings, Mapper(t.base, prefixes, t.params))
        files = write_tables(t.tables, folder / "data" / "tables", rdf)
    progress(f"wrote {len(files)} table files")
    with stage("pack"):
        packed = pack(t, folder, batch_size)
    shared_rows, service_tables, services, batches, records = packed
    return Read(
        t.base,
        t.params,
        t.metadata,
        t.year,
        [table.name for table in t.tables],
        files,
        shared_rows,
        service_tables,
        services,
        batches,
        records,
        stage.seconds,
        t.warnings,
    )


def pack(
    t: Tables, folder: Path, batch_size: Callable[[int], int]
) -> tuple[Rows, list[str], int, list[Path], Path]:
    """Each batch's rows in a file of its own, and the summary of the records that the build's
    result needs: (the shared tables' rows, the names of the per-service tables, the number of
    services, the batches' files, the summary's file)."""
    shared_rows, service_tables, rows = packed_batches(t.tables, batch_size)
    packed = folder / ".parts"
    packed.mkdir(exist_ok=True)
    batches = []
    for k, batch in enumerate(rows, start=1):
        path = packed / f"rows-{k:06d}.pickle"
        path.write_bytes(pack_rows(batch))
        batches.append(path)
    # The records themselves stay here: the build's result needs only this of them.
    records = packed / "records.pickle"
    summary = (len(t.services), t.linked.slugs, t.pins, applied_corrections(t.services))
    records.write_bytes(pickle.dumps(summary, protocol=5))
    services = sum(len(batch["services"][1]) for batch in rows if "services" in batch)
    return shared_rows, service_tables, services, batches, records


def applied_corrections(services: list[Service]) -> list[tuple[AppliedCorrection, list[int]]]:
    """Each correction applied, with the numbers of the services it changed, in order."""
    found: dict[str, tuple[AppliedCorrection, list[int]]] = {}
    for s in services:
        for c in s.corrections:
            found.setdefault(c.id, (c, []))[1].append(s.number)
    return list(found.values())


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


def licence_of(options: BuildOptions, metadata: InventoryMetadata) -> str:
    """--license, else the metadata's licence, else CC BY 4.0."""
    return options.license or metadata.licence or DEFAULT_LICENSE
