"""The build, top to bottom: read → records → tables → write into a temporary folder → swap.

Everything is read and checked before the first file is written; the output folder is replaced
only when the whole build has succeeded, so a failed build never leaves a half-written dist/.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .catalog import CatalogSettings, Download, downloads, sha256, write_catalog
from .config import (
    DEFAULT_BASE_URI,
    DEFAULT_CORRECTIONS,
    DEFAULT_LICENSE,
    DEFAULT_OUT,
    DEFAULT_SOURCE,
    SourceMetadata,
    check_base_uri,
    load_source_metadata,
)
from .diff import diff as release_diff
from .diff import load, write_changes_page
from .diff import report as diff_report
from .errors import ConfigError
from .graph import RdfGraph, build_graph
from .linking import Linked, Pins, check_links, link, load_pins, load_reference
from .ontodoc import write_ontology_docs
from .records import Service, build_records, load_corrections
from .serialize import (
    context_document,
    resource_documents,
    write_jsonld,
    write_ntriples,
    write_turtle,
)
from .site import Site, example_queries
from .sitedata import load_site_data
from .source import read_source
from .tables import Table, build_tables, write_tables
from .validate import (
    Report,
    ValidationFailed,
    load_shapes,
    validate,
    validate_sharded,
    write_report,
)
from .webconfig import write_web_configs


@dataclass(frozen=True)
class BuildOptions:
    source: Path = DEFAULT_SOURCE
    out: Path = DEFAULT_OUT
    # The curated corrections belong to one source; None builds without any.
    corrections: Path | None = DEFAULT_CORRECTIONS
    reference_year: int | None = None
    reference: Path = Path("data/reference")
    ids: Path = Path("data/ids")
    base_uri: str = DEFAULT_BASE_URI
    mappings: Path = Path("mappings")
    ontology: Path = Path("ontology")
    site: Path = Path("site")
    queries: Path = Path("queries")
    license: str = DEFAULT_LICENSE
    previous: Path | None = None  # the previous release's dist/, for the changelog page
    shapes: Path = Path("shapes")
    strict: bool = False  # warnings fail the build too
    sparql_endpoint: str | None = None


@dataclass
class BuildResult:
    services: list[Service]
    out: Path
    linked: Linked
    pins: Pins
    files: list[Path] = field(default_factory=list)
    graph: RdfGraph | None = None
    report: Report | None = None
    stages: dict[str, float] = field(default_factory=dict)


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
class Prepared:
    """Everything read, checked and mapped; nothing written yet."""

    services: list[Service]
    linked: Linked
    pins: Pins
    tables: list[Table]
    graph: RdfGraph
    base: str
    params: dict[str, str]
    metadata: SourceMetadata
    year: int


def prepare(
    options: BuildOptions, progress: Progress = lambda _: None, stages: Stages | None = None
) -> Prepared:
    """Read the source, make the records, link them, make the tables and the graph."""
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
    # Reading and mapping make millions of long-lived objects and almost no cyclic garbage, yet
    # the cyclic collector would traverse them again and again (measured: more than half of the
    # graph stage at 100,000 services). It is off until the graph is made, and what was made is
    # then frozen out of its sight (build() gives it back): never scanned again, nor its pages
    # copied into the forked workers by the collector touching them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        progress(f"reading {display_path(source)}")
        with stage("read"):
            raw = read_source(source, display_path(source))
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
        base = check_base_uri(options.base_uri)
        params = build_parameters(source, metadata, year)
        with stage("graph"):
            graph = build_graph(tables, options.mappings, options.ontology, base, params)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    progress(f"built the graph: {len(graph)} triples")
    return Prepared(services, linked, pins, tables, graph, base, params, metadata, year)


def build(options: BuildOptions, progress: Progress = lambda _: None) -> BuildResult:
    """The whole build: prepare everything, then write it into a fresh folder and swap it in."""
    try:
        return build_frozen(options, progress)
    finally:
        gc.unfreeze()  # what prepare() froze is ordinary garbage again once the build is done


def build_frozen(options: BuildOptions, progress: Progress) -> BuildResult:
    stage = Stages()
    p = prepare(options, progress, stage)
    services, linked, pins, tables, graph = p.services, p.linked, p.pins, p.tables, p.graph
    base, params, metadata, year = p.base, p.params, p.metadata, p.year

    # Validate before writing anything: a violation means nothing is published.
    with stage("validate"):
        shapes = load_shapes([options.shapes / "profile.ttl"], base)
        report = validate_sharded(graph.triples, shapes, base, shard_size=500)
    progress(f"validated the graph: {report.summary()}")
    if report.violations or (options.strict and report.count("warning")):
        raise ValidationFailed(report, "the graph", options.strict)
    out = options.out
    with staging(out) as folder:
        with stage("write tables"):
            files = write_tables(tables, folder / "data" / "tables")
        progress(f"wrote {len(files)} table files")
        with stage("dumps"):
            files += write_dumps(graph, base, folder)
        progress("wrote the dumps (Turtle, N-Triples, JSON-LD)")
        with stage("documents"):
            documents = resource_documents(graph, base, folder, base + "context.jsonld")
        progress(f"wrote {len(documents)} per-resource documents")
        with stage("ontology and report"):
            files += write_ontology_docs(options.ontology, base, options.site, folder / "def")
            files += write_web_configs(folder, base)
            files += write_report(report, shapes, base, options.site, folder / "validation")
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
            reference_year=year,
            sparql_endpoint=options.sparql_endpoint,
        )
        published = downloads([t.name for t in tables], True)
        with stage("site"):
            pages = write_site(options, graph, base, report, folder, published)
        progress(f"wrote the site: {len(pages)} pages")
        with stage("catalog"):
            catalog = write_catalog(settings, folder, published, graph)
            files.append(catalog)
            catalog_report = validate(
                Graph().parse(catalog, format="turtle"),
                load_shapes([options.shapes / "dcat.ttl"], base),
            )
        progress(f"validated the catalog: {catalog_report.summary()}")
        if catalog_report.violations or (options.strict and catalog_report.count("warning")):
            raise ValidationFailed(catalog_report, "the catalog", options.strict)
        if options.previous is not None:
            with stage("changes"):
                changes = release_diff(load(options.previous), set(graph.triples))
                files.append(write_changes_page(changes, options.site, folder / "changes.html"))
            progress(diff_report(changes, triples=False).splitlines()[0])
        files = [out / f.relative_to(folder) for f in files + documents]
    return BuildResult(services, out, linked, pins, files, graph, report, stage.seconds)


def write_dumps(graph: RdfGraph, base: str, folder: Path) -> list[Path]:
    """The whole graph three ways, and the JSON-LD context the JSON-LD is compact against."""
    context = folder / "context.jsonld"
    folder.mkdir(parents=True, exist_ok=True)
    context.write_text(
        json.dumps(context_document(graph.prefixes), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    jsonld = data / "dataset.jsonld"
    # JSON-LD is written in Python, Turtle and N-Triples by pyoxigraph: on a machine with more
    # than one core, the JSON-LD goes to a forked process while this one writes the other two.
    with in_parallel(
        lambda: write_jsonld(graph.triples, graph.prefixes, base + "context.jsonld", jsonld)
    ):
        ttl = write_turtle(graph.triples, graph.prefixes, data / "dataset.ttl")
        nt = write_ntriples(graph.triples, data / "dataset.nt")
    return [ttl, nt, jsonld, context]


class in_parallel:
    """Run `task` in a forked child for the duration of the `with` block (or inline where
    fork is unavailable or there is one core); a failed child fails the block."""

    def __init__(self, task: Callable[[], object]) -> None:
        self.task = task
        self.pid = 0

    def __enter__(self) -> None:
        if hasattr(os, "fork") and (os.cpu_count() or 1) > 1:
            self.pid = os.fork()
            if self.pid == 0:  # the child: do the task, report by exit status, never return
                try:
                    self.task()
                    os._exit(0)
                except BaseException:
                    os._exit(1)
        else:
            self.task()

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        if self.pid:
            _, status = os.waitpid(self.pid, 0)
            if status != 0 and kind is None:
                raise OSError("writing in a parallel process failed (its error is printed above)")


class staging:
    """A fresh folder beside `out`; on success it replaces `out`, on failure it is removed."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def __enter__(self) -> Path:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", dir=self.out.parent))
        return self.folder

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        os.chmod(self.folder, 0o755)  # mkdtemp makes it private; dist/ is for publishing
        old = None
        if self.out.exists():
            old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
            self.out.rename(old)
        self.folder.rename(self.out)
        if old is not None:
            remove_later(old)


def remove_later(folder: Path) -> None:
    """Delete the replaced output without making the build wait for it.

    Deleting after the swap (writing right after a big delete is slow on some disks), in a
    detached process: a national build replaces hundreds of thousands of files.
    """
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(folder)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


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


def write_site(
    options: BuildOptions,
    graph: RdfGraph,
    base: str,
    report: Report,
    folder: Path,
    published: list[Download],
) -> list[Path]:
    """The HTML site, from the graph through the named queries in queries/site/."""
    site = make_site(options, graph, base, report, folder, download_rows(published, folder))
    shutil.copytree(options.site / "static", folder / "static")
    return site.render()


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


def make_site(
    options: BuildOptions,
    graph: RdfGraph,
    base: str,
    report: Report,
    out: Path,
    files: list[dict[str, str]],
) -> Site:
    """The site over the graph's data (read with the named queries), ready to render into out."""
    return Site(
        load_site_data(graph, base, options.queries / "site"),
        graph,
        report,
        options.site,
        out,
        files,
        example_queries(options.queries),
        options.license,
    )
