"""The end of the build, once the services' batches are done: what the services share validated
and written (its run of the dumps, its documents, its pages), the site's front and entity pages,
the catalog, the changes since the previous release."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import replace
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..check.report import Report, ValidationFailed, finding_order, write_report
from ..check.shacl import load_shapes, to_rdflib, validate
from ..check.shards import validate_shared
from ..publication.catalog import (
    CatalogSettings,
    DatasetPart,
    Download,
    EarlierEdition,
    build_time,
    edition_downloads,
    inventory_downloads,
    sha256,
    write_catalog,
)
from ..publication.catalogdocs import write_catalog_documents
from ..publication.diff import Diff, load, write_changes_page
from ..publication.diff import diff as release_diff
from ..publication.diff import report as diff_report
from ..publication.editions import edition_iri, edition_of, edition_times, kept_editions
from ..publication.ldes import OwnTriples, Version, write_feed
from ..publication.ontodoc import write_ontology_docs
from ..publication.renames import propose, write_proposals
from ..publication.shapesdoc import write_shapes_docs
from ..publication.site import LANGS
from ..publication.sitedata import load_site_data, merge_site_data
from ..publication.sourcedoc import write_source_docs
from ..publication.tombstones import find_gone, gone_paths, with_successors, write_tombstones
from ..rdf.dumps import Dumps, write_dump_part
from ..rdf.graph import in_order
from ..rdf.iris import slugify
from ..rdf.jsonld import context_document
from ..rdf.serialize import Description, document_path
from ..rdf.split import split_dumps
from ..rdf.stats import GraphStats
from ..webconfig import write_web_configs
from .batches import Context, Merged
from .executor import Executor
from .inventories import WHOLE
from .options import BuildOptions, Progress
from .reading import Read, licence_of, read_sources
from .warnings import write_warnings


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


def write_dumps(
    run: Executor,
    dumps: Dumps,
    context: Context,
    shared: list[ox.Triple],
    read: Read,
    folder: Path,
) -> list[Path]:
    """What the services share, after the services' runs: the dumps finished; with many
    inventories each one's own dumps too; and the JSON-LD context they name."""
    prefixes = context.maker.prefixes
    write_dump_part(shared, prefixes, context.documents.jsonld, context.part(0))
    dumps.append(context.part(0))
    context.parts.rmdir()
    files = dumps.close()
    if read.service_inventories:
        dataset = folder / "data" / "dataset.nt"
        own = folder / "data" / "veri-seti"
        written = split_dumps(dataset, read.base, read.service_inventories, prefixes, own, run.each)
        files += [path for paths in written.values() for path in paths]
    return [*files, write_context(prefixes, folder)]


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
    site.changes = options.previous is not None
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
) -> list[Path]:
    """The DCAT catalog of the published files, validated against shapes/dcat.ttl, and the
    documents of its own IRIs."""
    if len(read.inventories) > 1:
        settings = with_editions(settings_of_many(options, read), options.previous, folder)
        return check_catalog(
            options, read.base, folder, write_catalog(settings, folder, listed, stats), progress
        )
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
    settings = with_editions(settings, options.previous, folder)
    return check_catalog(
        options, base, folder, write_catalog(settings, folder, listed, stats), progress
    )


def with_editions(
    settings: CatalogSettings, previous: Path | None, folder: Path
) -> CatalogSettings:
    """The catalog's settings with this build's edition and the earlier editions it keeps (their
    dumps already copied into `folder`), dated as the previous output's catalog dates them."""
    times = edition_times(previous, settings.base) if previous is not None else {}
    earlier = tuple(
        EarlierEdition(
            number,
            edition_iri(settings.base, number),
            times.get(number),
            edition_downloads(number, folder),
        )
        for number in kept_editions(folder)
    )
    return replace(settings, edition=edition_of(folder), earlier=earlier)


def settings_of_many(options: BuildOptions, read: Read) -> CatalogSettings:
    """The catalog of a publication of many inventories: the whole, published by the publisher
    the publication file names (else by the first inventory's), with a dataset per inventory,
    each with its own publisher, place, themes and dumps."""
    base, params, metadata = read.base, read.params, read.metadata
    n = len(read.inventories)
    plan = options.publication
    publisher = metadata.publisher
    publisher_key = params["publisher"]
    if plan and plan.publisher:
        publisher = plan.publisher
        publisher_key = publisher.key or slugify(publisher.name)
    parts = tuple(
        DatasetPart(
            dataset=f"{base}id/veri-seti/{i.key}",
            publisher=(
                (
                    f"{base}id/kurum/{i.params['publisher']}",
                    i.metadata.publisher.name,
                    i.metadata.publisher.name_en or i.metadata.publisher.name,
                )
                if i.metadata.publisher and i.params["publisher"]
                else None
            ),
            title_tr=i.params["title"],
            title_en=i.params["title_en"],
            description_tr=i.params["description"],
            description_en=i.params["description_en"],
            issued=i.metadata.issued,
            reference_year=i.year,
            place=i.metadata.place.iri if i.metadata.place else None,
            themes=i.metadata.themes,
            language=i.metadata.language,
            files=inventory_downloads(i.key),
        )
        for i in read.inventories
    )
    # What every inventory shares is said of the whole; what differs is left to each.
    years = {i.year for i in read.inventories}
    places = {p.place for p in parts}
    title = f"Kamu hizmet envanterleri ({n} envanter)"
    title_en = f"Public-service inventories ({n} inventories)"
    description = f"{n} kamu hizmet envanterinin bağlantılı açık veri olarak birlikte yayımı."
    description_en = f"{n} public-service inventories published together as linked open data."
    return CatalogSettings(
        base=base,
        dataset=f"{base}id/veri-seti/{WHOLE}",
        publisher=f"{base}id/kurum/{publisher_key}" if publisher_key else None,
        publisher_name_tr=publisher.name if publisher else "",
        publisher_name_en=(publisher.name_en or publisher.name) if publisher else "",
        title_tr=(plan.title if plan else None) or title,
        # An English title is the Turkish one when only that is given: never the default's.
        title_en=(plan.title_en or plan.title if plan else None) or title_en,
        description_tr=(plan.description if plan else None) or description,
        description_en=(plan.description_en or plan.description if plan else None)
        or description_en,
        license=options.license
        or (plan.licence if plan else None)
        or licence_of(options, metadata),
        issued=plan.issued if plan else None,
        reference_year=years.pop() if len(years) == 1 else None,
        sparql_endpoint=options.sparql_endpoint,
        place=places.pop() if len(places) == 1 else None,
        themes=tuple(sorted({t for p in parts for t in p.themes})),
        language=metadata.language,
        contact=plan.contact if plan else None,
        parts=parts,
    )


def check_catalog(
    options: BuildOptions, base: str, folder: Path, catalog: Path, progress: Progress
) -> list[Path]:
    """The catalog, validated against shapes/dcat.ttl (a violation fails the build), and the
    documents of its own IRIs."""
    graph = Graph().parse(catalog, format="turtle")
    report = validate(
        graph,
        load_shapes([options.shapes / "dcat.ttl"], base),
        options.shacl_engine,
    )
    progress(f"validated the catalog: {report.summary()}")
    if report.violations or (options.strict and report.count("warning")):
        raise ValidationFailed(report, "the catalog", options.strict)
    # Read again with every literal's lexical form as written (rdflib's parser normalises some).
    exact = to_rdflib(ox.parse(path=catalog, format=ox.RdfFormat.TURTLE))
    for prefix, namespace in graph.namespaces():
        exact.bind(prefix, namespace)
    return [catalog, *write_catalog_documents(exact, base, folder)]


def write_reference_pages(
    options: BuildOptions,
    read: Read,
    context: Context,
    report: Report,
    shapes: Graph,
    folder: Path,
) -> list[Path]:
    """What a reader checks the data against, each page in the site's frame: the ontology, the
    shapes, the source documents, the validation report and the warnings; and the web servers'
    configurations."""
    base, site = read.base, options.site

    def frame(path: str) -> Mapping[str, object]:
        return context.site.frame(path, "tr", single=True)

    checked_with = [options.shapes / "profile.ttl", options.shapes / "dcat.ttl"]
    return [
        *write_ontology_docs(options.ontology, base, site, folder / "def", frame("def/index.html")),
        *write_shapes_docs(checked_with, base, site, folder, frame("def/sekiller.html")),
        *write_source_docs(read_sources(read), base, site, folder, frame),
        *write_web_configs(folder, base, site, read.charsets),
        *write_report(report, shapes, base, site, folder / "validation", frame),
        write_warnings(read.warnings, folder),
    ]


def write_editions(
    options: BuildOptions, read: Read, context: Context, folder: Path, progress: Progress
) -> list[Path]:
    """The change feed's pages of this edition; with --previous also the page of what changed
    since the previous release, the tombstones and the proposed renames (the previous editions'
    dumps are kept before the catalog)."""
    if options.previous is None:  # (a first edition: every service is created in it)
        return write_change_feed(read.base, folder, None, None)
    dataset = folder / "data" / "dataset.nt"
    now = {q.triple for q in ox.parse(path=dataset, format=ox.RdfFormat.N_TRIPLES)}
    changes = release_diff(load(options.previous), now)
    del now
    frame = context.site.frame("changes.html", "tr", single=True)
    page = write_changes_page(changes, options.site, folder / "changes.html", frame)
    progress(diff_report(changes, triples=False).splitlines()[0])
    # (the feed first: the tombstones are for what the previous edition had and this one lacks)
    feed = write_change_feed(read.base, folder, options.previous, changes)
    return [page, *feed, *write_gone(options, read, context, folder, changes, progress)]


def write_change_feed(
    base: str, folder: Path, previous: Path | None, changes: Diff | None
) -> list[Path]:
    """The Linked Data Event Stream: a version of each service this edition created, changed or
    withdrew (every service, in a first edition), after the previous editions' pages."""
    dump = folder / "data" / "dataset.nt"
    current = None if changes is None else {c.iri for c in changes.added + changes.changed}
    with OwnTriples(dump, current) as own:
        services = own.services if current is None else sorted(current)
        versions = [Version(iri, dump=own) for iri in services]
        if changes is not None:
            versions += [Version(c.iri, withdrawn_title=c.title) for c in changes.removed]
        time = build_time().strftime("%Y-%m-%dT%H:%M:%SZ")
        return write_feed(base, folder, edition_of(folder), time, versions, previous)


def write_gone(
    options: BuildOptions,
    read: Read,
    context: Context,
    folder: Path,
    changes: Diff,
    progress: Progress,
) -> list[Path]:
    """The likely renames among the services withdrawn and added (proposed, never applied);
    the tombstones of what the previous edition published and this one does not (after the
    previous editions are kept, so this edition's number is known); and the web servers'
    configurations again, with the gone paths answered 410."""
    assert options.previous is not None
    renames = propose(
        {c.iri: c.title for c in changes.removed}, {c.iri: c.title for c in changes.added}
    )
    for r in renames:
        progress(
            f"likely rename: {r.old_title!r} → {r.new_title!r}; to keep <{r.old_iri}>, "
            f"confirm it in the pins (see renames.yaml)"
        )
    date = build_time().date().isoformat()
    gone = find_gone(options.previous, folder, read.base, edition_of(folder), date)
    gone = with_successors(gone, options.ids, read.base, folder)
    written = write_tombstones(
        gone,
        options.previous,
        folder,
        options.site,
        lambda page, lang: context.site.frame(page, lang),
    )
    write_web_configs(folder, read.base, options.site, read.charsets, gone_paths(folder))
    return [write_proposals(renames, folder), *written]
