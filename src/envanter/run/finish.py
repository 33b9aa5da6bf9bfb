"""The end of the build, once the services' batches are done: what the services share validated
and written (its run of the dumps, its documents, its pages), the site's front and entity pages,
the catalog, the changes since the previous release."""

from __future__ import annotations

import json
import shutil
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..check.report import Report, ValidationFailed, finding_order
from ..check.shacl import load_shapes, validate
from ..check.shards import validate_shared
from ..publication.catalog import CatalogSettings, Download, GraphStats, sha256, write_catalog
from ..publication.diff import diff as release_diff
from ..publication.diff import load, write_changes_page
from ..publication.diff import report as diff_report
from ..publication.site import LANGS
from ..publication.sitedata import load_site_data, merge_site_data
from ..rdf.dumps import Dumps, write_dump_part
from ..rdf.graph import in_order
from ..rdf.jsonld import context_document
from ..rdf.serialize import Description, document_path
from .batches import Context, Merged
from .executor import Executor
from .options import BuildOptions, Progress
from .reading import Read, licence_of


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
    publisher = metadata.publisher
    settings = CatalogSettings(
        base=base,
        dataset=f"{base}id/veri-seti/{params['source']}",
        publisher=f"{base}id/kurum/{params['publisher']}" if params["publisher"] else None,
        publisher_name_tr=publisher.name if publisher else "",
        publisher_name_en=(publisher.name_en or publisher.name) if publisher else "",
        title_tr=params["title"],
        title_en=params["title_en"],
        description_tr=params["description"],
        description_en=params["description_en"],
        license=licence_of(options, metadata),
        issued=metadata.issued,
        reference_year=read.year,
        sparql_endpoint=options.sparql_endpoint,
        place=metadata.place.iri if metadata.place else None,
        themes=metadata.themes,
        language=metadata.language,
        contact=metadata.contact,
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
