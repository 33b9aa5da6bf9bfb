"""The build, top to bottom: read → records → tables → the graph of what services share → the
services in batches (graph, validation, files) → what they share (validation, files) → site and
catalog → swap.

Everything is written into a temporary folder beside the output; the output folder is replaced
only when the whole build has succeeded, so a failed build (a violation in any batch, say) never
leaves a half-written dist/ and publishes nothing.
"""

from __future__ import annotations

import json
import pickle
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..check.report import Finding, Report, ValidationFailed, finding_order, write_report
from ..check.shacl import DEFAULT_ENGINE, load_shapes, validate
from ..check.shards import ShardShapes, kinds_of, validate_shared
from ..config import (
    DEFAULT_BASE_URI,
    DEFAULT_CORRECTIONS,
    DEFAULT_LICENSE,
    DEFAULT_OUT,
    DEFAULT_SOURCE,
    SourceMetadata,
    check_base_uri,
    load_source_metadata,
)
from ..errors import ConfigError
from ..publication.catalog import (
    CatalogSettings,
    Download,
    GraphStats,
    downloads,
    sha256,
    write_catalog,
)
from ..publication.diff import diff as release_diff
from ..publication.diff import load, write_changes_page
from ..publication.diff import report as diff_report
from ..publication.ontodoc import write_ontology_docs
from ..publication.pages import ListedService, listed_queries
from ..publication.site import LANGS, SiteWriter
from ..publication.sitedata import SiteData, empty_site_data, load_site_data, merge_site_data
from ..rdf.csvw import write_tables
from ..rdf.dumps import Dumps, write_dump_part
from ..rdf.graph import (
    GraphMaker,
    Rows,
    in_order,
    pack_rows,
    packed_batches,
)
from ..rdf.jsonld import context_document
from ..rdf.serialize import Description, Documents, describe, document_path
from ..rdf.table_model import Table
from ..rdf.tables import build_tables
from ..read.formats import read_inventory
from ..read.linking import Linked, Pins, check_links, link, load_pins, load_reference
from ..read.records import AppliedCorrection, Service, build_records, load_corrections
from ..resources import resource
from ..webconfig import write_web_configs
from .batches import BatchResult, Context, parse_ntriples, publish_batch
from .executor import Executor, Parallel
from .output import inputs, staging


@dataclass(frozen=True)
class BuildOptions:
    source: Path = DEFAULT_SOURCE
    out: Path = DEFAULT_OUT
    # The curated corrections belong to one source; None builds without any.
    corrections: Path | None = DEFAULT_CORRECTIONS
    reference_year: int | None = None
    reference: Path = field(default_factory=lambda: resource("data/reference"))
    ids: Path = Path("data/ids")
    base_uri: str = DEFAULT_BASE_URI
    mappings: Path = field(default_factory=lambda: resource("mappings"))
    ontology: Path = field(default_factory=lambda: resource("ontology"))
    site: Path = field(default_factory=lambda: resource("site"))
    queries: Path = field(default_factory=lambda: resource("queries"))
    license: str = DEFAULT_LICENSE
    previous: Path | None = None  # the previous release's dist/, for the changelog page
    shapes: Path = field(default_factory=lambda: resource("shapes"))
    strict: bool = False  # warnings fail the build too
    shacl_engine: str = DEFAULT_ENGINE  # validate.ENGINES: turbo (Rust) or pyshacl (the reference)
    sparql_endpoint: str | None = None


@dataclass
class BuildResult:
    services: int  # how many were published
    out: Path
    slugs: dict[int, str]  # service number → its slug (id/hizmet/{slug})
    pins: Pins
    # The corrections of the source applied, each with the numbers of the services it changed.
    corrections: list[tuple[AppliedCorrection, list[int]]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    report: Report | None = None
    stages: dict[str, float] = field(default_factory=dict)
    triples: int = 0
    # Seconds the workers spent on each part of the batches, summed over the batches.
    batch_stages: dict[str, float] = field(default_factory=dict)


Progress = Callable[[str], None]


class Stages:
    """Wall-clock seconds per build stage, for `--timings` and the benchmarks."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def display_path(path: Path) -> str:
    """A path as the user will recognise it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class Tables:
    """Everything read, checked and made into tables; nothing mapped or written yet."""

    services: list[Service]
    linked: Linked
    pins: Pins
    tables: list[Table]
    base: str
    params: dict[str, str]
    metadata: SourceMetadata
    year: int


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
    metadata = load_source_metadata(source)
    year = options.reference_year or metadata.reference_year
    if year is None:
        raise ConfigError(
            f"the reference year of the annual counts is unknown: pass "
            f"--reference-year or set reference_year in {source.stem}.meta.yaml"
        )
    progress(f"reading {display_path(source)}")
    with stage("read"):
        reading = read_inventory(source, display_path(source))
    for note in reading.notes:
        progress(note)
    for problem in reading.warnings:
        progress(f"warning: {problem}")
    raw = reading.records
    with stage("records"):
        corrections = load_corrections(options.corrections) if options.corrections else []
        corrections_name = display_path(options.corrections) if options.corrections else ""
        services = build_records(raw, corrections, corrections_name, year)
    progress(f"read {len(services)} services")
    with stage("link"):
        reference = load_reference(options.reference)
        for warning in check_links(services, reference, display_path(options.reference)):
            progress(f"warning: {warning}")
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
    return Tables(services, linked, pins, tables, base, params, metadata, year)


@dataclass
class Read:
    """What reading made, as the rest of the build needs it: the rows of what the services
    share, and each batch of services' rows in a file of its own (a worker reads its batch and
    touches nothing of the build's memory, which copy-on-write would otherwise copy page by page
    into every worker); the records, needed only at the end, in a file too."""

    base: str
    params: dict[str, str]
    metadata: SourceMetadata
    year: int
    table_names: list[str]
    table_files: list[Path]
    shared_rows: Rows
    service_tables: list[str]
    services: int
    batches: list[Path]
    records: Path
    stages: dict[str, float]


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
        files = write_tables(t.tables, folder / "data" / "tables")
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


def build(
    options: BuildOptions, progress: Progress = lambda _: None, executor: Executor | None = None
) -> BuildResult:
    """The whole build, into a fresh folder that replaces `options.out` only when everything has
    succeeded: a violation found in any batch means nothing is published. `executor` says how it
    runs (by default `Parallel`: one worker process per core); any executor gives the same bytes."""
    run = executor or Parallel()
    stage = Stages()
    with run.running(), staging(options.out, inputs(options)) as folder, ExitStack() as cleanup:
        read = run.read(lambda said: read_and_pack(options, folder, run.batch_size, said), progress)
        stage.seconds.update(read.stages)
        shapes = load_shapes([options.shapes / "profile.ttl"], read.base)
        with stage("graph"):
            context = map_shared(options, read, shapes, folder)
        dumps = cleanup.enter_context(
            Dumps(context.maker.prefixes, read.base + "context.jsonld", folder / "data")
        )
        progress(
            f"mapping, validating and writing {read.services} services in {len(read.batches)} "
            + ("batch" if len(read.batches) == 1 else "batches")
        )
        with stage("services"):
            merged = publish_services(run, context, dumps, read.services, progress)
        services, slugs, pins, corrections = read_summary(read, context, merged)
        with stage("validate"):
            shared, report = validate_shared_part(context, merged, options.strict, progress)
        merged.stats.add(shared)
        files = list(read.table_files)
        with stage("dumps"):
            files += write_shared_dumps(dumps, context.maker.prefixes, shared, context)
            files.append(write_context(context.maker.prefixes, folder))
        progress(f"wrote the dumps (Turtle, N-Triples, JSON-LD): {merged.stats.triples} triples")
        with stage("documents"):
            descriptions = describe(shared)
            documents = write_shared_documents(run, context, descriptions, merged.iris)
        progress(f"wrote {len(documents)} per-resource documents")
        with stage("ontology and report"):
            files += write_ontology_docs(options.ontology, read.base, options.site, folder / "def")
            files += write_web_configs(folder, read.base, options.site)
            files += write_report(report, shapes, read.base, options.site, folder / "validation")
        with stage("site"):
            listed = downloads(read.table_names, True)
            pages = write_site(run, options, context, merged, shared, descriptions, report, listed)
        progress(f"wrote the site: {pages} pages")
        with stage("catalog"):
            files.append(
                write_checked_catalog(options, read, folder, listed, merged.stats, progress)
            )
        if options.previous is not None:
            with stage("changes"):
                files.append(write_changes(options.site, folder, options.previous, progress))
        files = [options.out / f.relative_to(folder) for f in files + documents]
    return BuildResult(
        services,
        options.out,
        slugs,
        pins,
        corrections,
        files,
        report,
        stage.seconds,
        merged.stats.triples,
        merged.seconds,
    )


def map_shared(options: BuildOptions, read: Read, shapes: Graph, folder: Path) -> Context:
    """What the services share (the ontology, laws, units, documents …) mapped, and everything a
    batch needs with it."""
    base = read.base
    split = ShardShapes.of(shapes, base, options.shacl_engine)
    maker = GraphMaker(
        read.shared_rows, read.service_tables, options.mappings, options.ontology, base, read.params
    )
    shared = in_order(maker.shared())
    documents = Documents(maker.prefixes, base, folder, base + "context.jsonld")
    documents.learn(shared)
    site = SiteWriter(
        empty_site_data(base),
        maker.prefixes,
        Report(),
        options.site,
        folder,
        [],
        listed_queries(options.queries),
        options.license,
    )
    return Context(
        maker,
        shared,
        kinds_of(shared, split.predicates),
        split,
        shard_size=500,
        strict=options.strict,
        documents=documents,
        site=site,
        queries=options.queries / "site",
        parts=folder / ".parts",
        batches=read.batches,
        shared_objects={x.object for x in shared if isinstance(x.object, ox.NamedNode)},
    )


@dataclass
class Merged:
    """What the end of the build keeps of the batches' results, merged in the batches' order."""

    site: SiteData
    stats: GraphStats
    # Each batch's findings come sorted (the report's order): kept in the batches' order, the
    # report's sort merges their runs instead of sorting them all anew.
    findings: dict[Finding, None] = field(default_factory=dict)
    spill: list[ox.Triple] = field(default_factory=list)
    views: list[ListedService] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    iris: list[str] = field(default_factory=list)
    # The labels of the services that what they share points at (the dataset's hasPart),
    # learnt once the batches are done: the workers, forked from this process, need none of
    # them, and looking them up would copy them into every worker.
    labels: list[bytes] = field(default_factory=list)

    def add(self, result: BatchResult) -> None:
        self.findings.update(dict.fromkeys(result.findings))
        self.spill += parse_ntriples(result.spill)
        self.labels.append(result.labels)
        self.views += result.views
        merge_site_data(self.site, result.site)
        self.stats.merge(result.stats)
        for name, seconds in result.seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.iris += result.iris


def publish_services(
    run: Executor, context: Context, dumps: Dumps, services: int, progress: Progress
) -> Merged:
    """Every batch of services mapped, validated and written; their runs of the dumps appended
    as they finish, in order."""
    base = context.maker.base
    merged = Merged(empty_site_data(base), GraphStats(base + "id/"))
    for result in run.batches(publish_batch, context, len(context.batches)):
        if result.written:
            dumps.append(context.part(result.index + 1))
        merged.add(result)
        if len(context.batches) > 1:
            progress(f"services: {len(merged.iris)} of {services}")
    return merged


def read_summary(
    read: Read, context: Context, merged: Merged
) -> tuple[int, dict[int, str], Pins, list[tuple[AppliedCorrection, list[int]]]]:
    """What the build's result says of the records, kept aside while the batches ran; and the
    batches' labels, for the shared documents."""
    for found in merged.labels:
        context.documents.learn(parse_ntriples(found))
    summary: tuple[int, dict[int, str], Pins, list[tuple[AppliedCorrection, list[int]]]]
    summary = pickle.loads(read.records.read_bytes())
    read.records.unlink()
    return summary


def validate_shared_part(
    context: Context, merged: Merged, strict: bool, progress: Progress
) -> tuple[list[ox.Triple], Report]:
    """What the services share, with what the batches said of it, validated; the report of the
    whole graph. Fails the build on a violation (with `strict`, on a warning too)."""
    shared = in_order(chain(context.shared, merged.spill))
    merged.findings.update(dict.fromkeys(validate_shared(shared, context.shapes)))
    report = Report(sorted(merged.findings, key=finding_order))
    progress(f"validated the graph: {report.summary()}")
    if report.violations or (strict and report.count("warning")):
        raise ValidationFailed(report, "the graph", strict)
    return shared, report


def write_shared_documents(
    run: Executor, context: Context, descriptions: list[Description], iris: list[str]
) -> list[Path]:
    """The documents of every minted URI but the services' (which their batches wrote); the
    paths of all of them."""
    jobs = context.documents.jobs(descriptions)
    run.each(jobs, context.documents.write)
    folder, base = context.documents.out, context.maker.base
    services = [
        folder / f"{rel}.{ext}"
        for iri in iris
        if (rel := document_path(iri, base))
        for ext in ("ttl", "nt", "jsonld")
    ]
    return services + context.documents.paths(jobs)


def write_site(
    run: Executor,
    options: BuildOptions,
    context: Context,
    merged: Merged,
    shared: list[ox.Triple],
    descriptions: list[Description],
    report: Report,
    listed: list[Download],
) -> int:
    """The pages of everything but the services (which their batches wrote), the list of
    services, the front pages, the sitemap and the static files; how many pages the site has."""
    site, folder = context.site, context.documents.out
    data = merged.site
    merge_site_data(data, load_site_data(shared, context.maker.base, options.queries / "site"))
    site.downloads = download_rows(listed, folder)
    site.use(data, report.findings)
    site.written = []  # (pages a batch wrote in this process are counted below)
    site.entity_and_front_pages(descriptions, merged.views, merged.stats.triples, run.parallel)
    site.written += [
        folder / f"{'en/' if lang == 'en' else ''}{page}"
        for iri in merged.iris
        if (page := site.page_of(iri))
        for lang in LANGS
    ]
    site.write_sitemap()
    shutil.copytree(options.site / "static", folder / "static")
    return len(site.written)


def write_checked_catalog(
    options: BuildOptions,
    read: Read,
    folder: Path,
    listed: list[Download],
    stats: GraphStats,
    progress: Progress,
) -> Path:
    """The DCAT catalog of the published files, validated against shapes/dcat.ttl."""
    base, params, metadata = read.base, read.params, read.metadata
    settings = CatalogSettings(
        base=base,
        dataset=f"{base}id/veri-seti/{params['source']}",
        publisher=f"{base}id/kurum/{params['publisher']}",
        publisher_name_tr=metadata.publisher or params["publisher"],
        publisher_name_en=metadata.publisher_en or metadata.publisher or params["publisher"],
        title_tr=params["title"],
        title_en=params["title_en"],
        description_tr=params["description"],
        description_en=params["description_en"],
        license=options.license,
        issued=metadata.issued,
        reference_year=read.year,
        sparql_endpoint=options.sparql_endpoint,
    )
    catalog = write_catalog(settings, folder, listed, stats)
    report = validate(
        Graph().parse(catalog, format="turtle"),
        load_shapes([options.shapes / "dcat.ttl"], base),
        options.shacl_engine,
    )
    progress(f"validated the catalog: {report.summary()}")
    if report.violations or (options.strict and report.count("warning")):
        raise ValidationFailed(report, "the catalog", options.strict)
    return catalog


def write_changes(site: Path, folder: Path, previous: Path, progress: Progress) -> Path:
    """The page of what changed since the previous release."""
    dataset = folder / "data" / "dataset.nt"
    now = {q.triple for q in ox.parse(path=dataset, format=ox.RdfFormat.N_TRIPLES)}
    changes = release_diff(load(previous), now)
    page = write_changes_page(changes, site, folder / "changes.html")
    progress(diff_report(changes, triples=False).splitlines()[0])
    return page


def applied_corrections(services: list[Service]) -> list[tuple[AppliedCorrection, list[int]]]:
    """Each correction applied, with the numbers of the services it changed, in order."""
    found: dict[str, tuple[AppliedCorrection, list[int]]] = {}
    for s in services:
        for c in s.corrections:
            found.setdefault(c.id, (c, []))[1].append(s.number)
    return list(found.values())


def write_shared_dumps(
    dumps: Dumps, prefixes: dict[str, str], shared: list[ox.Triple], context: Context
) -> list[Path]:
    """What the services share, after the services' runs: the dumps, finished."""
    write_dump_part(shared, prefixes, context.documents.jsonld, context.part(0))
    dumps.append(context.part(0))
    context.parts.rmdir()
    return dumps.close()


def write_context(prefixes: dict[str, str], folder: Path) -> Path:
    context = folder / "context.jsonld"
    context.write_text(
        json.dumps(context_document(prefixes), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    return context


def build_parameters(source: Path, metadata: SourceMetadata, year: int) -> dict[str, str]:
    """The values the mappings take from the build rather than the tables (`{@name}`)."""
    unit = metadata.unit or ""
    return {
        "source": source.stem,
        "source_file": source.name,
        "source_title": metadata.title or source.stem,
        "title": f"Kamu Hizmet Envanteri: {unit} ({year})".replace(":  (", ": ("),
        "title_en": f"Public service inventory: {metadata.unit_en or unit} ({year})",
        "description": (
            f"{metadata.publisher or ''} {unit} kamu hizmet envanterinin bağlantılı "
            "açık veri olarak yayımı."
        ).strip(),
        "description_en": (
            f"The public-service inventory of {metadata.publisher_en or ''} "
            f"{metadata.unit_en or unit}, published as linked open data."
        ).strip(),
        "publisher": metadata.publisher_key or "",
        "reference_year": str(year),
        "form_code": metadata.form_code or "",
        "received_as": metadata.received_as or "",
    }


def download_rows(published: list[Download], folder: Path) -> list[dict[str, str]]:
    """The downloads as the site lists them, with the size and digest of each written file."""
    return [
        {
            "path": d.path,
            "title_tr": d.title_tr,
            "title_en": d.title_en,
            "size": str((folder / d.path).stat().st_size),
            "sha256": sha256(folder / d.path),
        }
        for d in published
    ]
