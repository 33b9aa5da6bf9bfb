"""The build's first stage: read the source, make the records, link them, make the tables; write
the tables and pack each batch of services' rows into a file of its own for the workers."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import DEFAULT_LICENSE, check_base_uri
from ..errors import ConfigError, InputError, Problem
from ..metadata import InventoryMetadata
from ..rdf.csvw import rdf_annotations, write_tables
from ..rdf.graph import Mapper, Rows, load_mappings, pack_rows, packed_batches
from ..rdf.table_model import Table
from ..rdf.tables import build_tables
from ..read.formats import Reading, SourceLines, read_inventory
from ..read.linking import Linked, Pins, check_links, link, load_pins
from ..read.records import AppliedCorrection, Service, build_records, load_corrections
from ..read.reference import load_reference, with_metadata
from ..translations import Wanted, load_translations, untranslated, with_translations
from .inventories import (
    Inventory,
    check_detsis,
    check_inventories,
    describe,
    merge_tables,
    pins_folder,
)
from .inventories import build_parameters as build_parameters
from .options import BuildOptions, Progress, Stages, display_path
from .warnings import WARNINGS_FILE, console_lines


@dataclass
class Tables:
    """Everything read, checked and made into tables; nothing mapped or written yet. With many
    inventories, `services`, `linked` and `pins` are the first's (the others' are in the
    tables) and `inventories` has one entry each."""

    services: list[Service]
    linked: Linked
    pins: Pins
    tables: list[Table]
    base: str
    params: dict[str, str]
    metadata: InventoryMetadata
    year: int | None  # None: no year is known, the annual counts are published without one
    inventories: list[Inventory]
    corrections: list[tuple[AppliedCorrection, list[int]]]
    warnings: list[Problem]  # what reading kept but warned of, for validation/warnings.txt
    untranslated: list[Wanted] = field(default_factory=list)  # texts without an English label
    # Each inventory's lines as read, for its source document's page (one entry an inventory).
    sources: list[SourceLines] = field(default_factory=list)


def prepare_tables(
    options: BuildOptions, progress: Progress = lambda _: None, stages: Stages | None = None
) -> Tables:
    """Read every source, make the records, link them, make the tables: one inventory at a time,
    its tables merged into the publication's (run/inventories.py)."""
    stage = stages or Stages()
    missing = [s for s in options.sources if not s.exists()]
    if missing:
        raise ConfigError(
            f"source not found: {', '.join(display_path(s) for s in missing)} "
            "(run from the project folder, or pass --source FILE)"
        )
    plan = options.publication
    if plan is not None:
        for key in plan.todo:
            progress(f"warning: {plan.path}: {key} is still TODO: it is left out until filled in")
        if plan.publisher is None and len(options.sources) > 1:
            progress(
                f"warning: {plan.path}: no publisher of the whole: the catalog names the first "
                "inventory's publisher for it (set publisher, see docs/publication-file.md)"
            )
    inventories = [describe(source, options, progress) for source in options.sources]
    check_inventories(inventories)
    check_detsis(inventories, progress)
    base = check_base_uri(options.base_uri)
    reference = load_reference(options.reference)
    corrections = load_corrections(options.corrections) if options.corrections else []
    corrections_name = display_path(options.corrections) if options.corrections else ""
    listed_in = display_path(options.out / WARNINGS_FILE)
    warnings: list[Problem] = []
    readings = read_all(inventories, progress, stage, warnings, listed_in)
    raws = [reading.records for reading in readings]
    first: tuple[list[Service], Linked, Pins] | None = None
    applied: list[tuple[AppliedCorrection, list[int]]] = []
    parts: list[list[Table]] = []
    problems: list[Problem] = []
    wanted: list[Wanted] = []
    for k, (inventory, raw) in enumerate(zip(inventories, raws, strict=True)):
        try:
            with stage("records"):
                # The corrections are the first source's: they name its rows.
                services = build_records(
                    raw, corrections if k == 0 else [], corrections_name, inventory.year
                )
        except InputError as e:  # every file's problems are told at once
            problems += e.problems
            continue
        if problems:
            continue
        progress(f"read {len(services)} services from {display_path(inventory.source)}")
        # Cells kept as text: what was not understood, where.
        kept = [warning for service in services for warning in service.warnings]
        warnings += kept
        for line in console_lines(kept, listed_in):
            progress(line)
        with stage("link"):
            own = with_metadata(reference, inventory.metadata, inventory.scope)
            translations = load_translations(
                inventory.source, options.translations_of(inventory.source)
            )
            own = with_translations(own, translations, progress)
            uncovered = check_links(services, own, display_path(options.reference))
            warnings += uncovered
            for line in console_lines(uncovered, listed_in):
                progress(line)
            pins = load_pins(pins_folder(options.ids, inventory.scope))
            linked = link(services, own, pins, inventory.scope)
            lacking = untranslated(linked)
        if lacking:
            warn_untranslated(inventory.source, lacking, progress)
            wanted += lacking
        with stage("tables"):
            parts.append(build_tables(linked, inventory.key, inventory.source.name))
            # The raw cells have served: the tables hold what they say, with their source
            # lines. Kept in the records, they would keep every cell of the source in memory
            # to the end (more than a gigabyte for a national inventory).
            services = [replace(s, cells={}) for s in services]
            linked.services = services
        if k == 0:
            applied = applied_corrections(services)
            first = (services, linked, pins)
        else:
            minted = sum(len(v) for v in pins.minted.values())
            if minted:
                progress(
                    f"{display_path(inventory.source)}: minted {minted} new URI slugs "
                    f"(pin them in {pins_folder(options.ids, inventory.scope)}/)"
                )
    if problems:
        raise InputError(problems)
    assert first is not None
    with stage("tables"):
        tables = merge_tables(parts)
    head = inventories[0]
    return Tables(
        *first,
        tables,
        base,
        head.params,
        head.metadata,
        head.year,
        inventories,
        applied,
        warnings,
        wanted,
        [reading.source for reading in readings],
    )


def warn_untranslated(source: Path, missing: list[Wanted], progress: Progress) -> None:
    """One warning for an inventory's texts without English, naming a few by their Turkish."""
    examples = ", ".join(repr(w.text) for w in missing[:3])
    n = len(missing)
    progress(
        f"warning: {display_path(source)}: {n} text{'s' if n != 1 else ''} shown by the "
        f"publication {'have' if n != 1 else 'has'} no English label "
        f"({examples}{', …' if n > 3 else ''}): the English pages show the "
        f"Turkish; `envanter translations {display_path(source)}` lists them in "
        f"{source.stem}.en.yaml to fill in"
    )


def read_all(
    inventories: list[Inventory],
    progress: Progress,
    stage: Stages,
    warnings: list[Problem],
    listed_in: str,
) -> list[Reading]:
    """Every source's raw rows and lines; the problems of every file at once, each naming its
    file. The readers' warnings are added to `warnings`."""
    raws: list[Reading] = []
    problems: list[Problem] = []
    for inventory in inventories:
        progress(f"reading {display_path(inventory.source)}")
        try:
            with stage("read"):
                reading = read_inventory(inventory.source, display_path(inventory.source))
        except InputError as e:
            problems += e.problems
            continue
        for note in reading.notes:
            progress(note)
        for gap in inventory.metadata.missing():
            progress(f"warning: {gap}")
        warnings += reading.warnings
        for line in console_lines(reading.warnings, listed_in):
            progress(line)
        raws.append(reading)
    if problems:
        raise InputError(problems)
    return raws


# Where the reading stage leaves each inventory's lines for its source document (`read_sources`).
SOURCES = ".sources"


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
    inventories: list[Inventory]
    # With many inventories, each service's (by id) inventory key; empty with one.
    service_inventories: dict[str, str]
    warnings: list[Problem]
    # Each inventory's lines as read (SourceLines), in a file of its own: see `read_sources`.
    sources: list[Path]
    # The charset each received text file was read in, by its name: it is served with it.
    charsets: dict[str, str]


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
    sources = []
    (folder / SOURCES).mkdir(exist_ok=True)
    for k, lines in enumerate(t.sources, start=1):
        path = folder / SOURCES / f"source-{k:06d}.pickle"
        path.write_bytes(pickle.dumps(lines, protocol=5))
        sources.append(path)
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
        t.inventories,
        {
            str(row["id"]): str(row["inventory"])
            for table in t.tables
            if table.name == "services" and len(t.inventories) > 1
            for row in table.rows
        },
        t.warnings,
        sources,
        {
            inventory.source.name: lines.charset
            for inventory, lines in zip(t.inventories, t.sources, strict=True)
            if lines.charset is not None
        },
    )


def read_sources(read: Read) -> Iterator[tuple[str, Path, SourceLines]]:
    """Each inventory's key, file and lines as the reading stage read them, one at a time; their
    files are removed as they are read (the folder is the build's, published when it is done)."""
    for inventory, path in zip(read.inventories, read.sources, strict=True):
        lines = pickle.loads(path.read_bytes())
        assert isinstance(lines, SourceLines)
        path.unlink()
        yield inventory.key, inventory.source, lines
    if read.sources:
        read.sources[0].parent.rmdir()


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
    total = sum(len(table.rows) for table in t.tables if table.name == "services")
    summary = (total, t.linked.slugs, t.pins, t.corrections)
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


def licence_of(options: BuildOptions, metadata: InventoryMetadata) -> str:
    """--license, else the metadata's licence, else CC BY 4.0."""
    return options.license or metadata.licence or DEFAULT_LICENSE
