"""The build, top to bottom, as `build()` reads: read → records → tables → the graph of what the
services share → the services in batches (graph, validation, files) → what they share
(validation, files) → site and catalog → swap.

Everything is written into a temporary folder beside the output; the output folder is replaced
only when the whole build has succeeded, so a failed build (a violation in any batch, say) never
leaves a half-written dist/ and publishes nothing. How the stages run (processes, the garbage
collector) is the executor's business: run/executor.py.
"""

from __future__ import annotations

import pickle
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..check.report import Report
from ..check.shacl import load_shapes
from ..check.shards import ShardShapes, kinds_of
from ..publication.catalog import downloads
from ..publication.editions import keep_previous_editions
from ..publication.pages import listed_queries
from ..publication.search import IndexRun
from ..publication.site import SiteWriter
from ..publication.sitedata import empty_site_data
from ..rdf.dumps import Dumps
from ..rdf.graph import GraphMaker, in_order
from ..rdf.serialize import Documents, describe
from ..read.linking import Pins
from ..read.records import AppliedCorrection
from .batches import Context, Merged, by_subject, parse_ntriples, publish_services
from .executor import Executor, Parallel
from .finish import (
    validate_shared_part,
    write_checked_catalog,
    write_dumps,
    write_editions,
    write_reference_pages,
    write_shared_documents,
    write_site,
)
from .options import BuildOptions as BuildOptions
from .options import BuildResult as BuildResult
from .options import Progress, Stages
from .output import inputs, staging
from .reading import Read, licence_of, read_and_pack
from .reading import prepare_tables as prepare_tables


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
        dumps = cleanup.enter_context(Dumps(context.maker.prefixes, folder / "data"))
        progress(
            f"mapping, validating and writing {read.services} services in {len(read.batches)} "
            + ("batch" if len(read.batches) == 1 else "batches")
        )
        with stage("services"):
            merged = publish_services(run, context, dumps, read.services, progress)
        services, slugs, pins, corrections = read_summary(read, context, merged)
        # The batches wrote every search record: Pagefind, a process of its own, indexes them
        # while the stages below run on this process and its workers (it is waited for, and
        # fails the build if it failed, at the end; ended if the build fails first).
        search = IndexRun(folder)
        cleanup.callback(search.cancel)
        with stage("validate"):
            shared, report = validate_shared_part(context, merged, options.strict, progress)
        merged.stats.add(shared)
        files = list(read.table_files)
        with stage("dumps"):
            files += write_dumps(run, dumps, context, shared, read, folder)
        progress(f"wrote the dumps (Turtle, N-Triples, JSON-LD): {merged.stats.triples} triples")
        with stage("documents"):
            descriptions = describe(shared)
            documents = write_shared_documents(run, context, descriptions, merged.iris)
        progress(f"wrote {len(documents)} per-resource documents")
        with stage("ontology and report"):
            files += write_reference_pages(options, read, context, report, shapes, folder)
        with stage("site"):
            listed = downloads(read.table_names, True)
            pages = write_site(run, options, context, merged, shared, descriptions, report, listed)
        progress(f"wrote the site: {pages} pages")
        if options.previous is not None:
            with stage("editions"):
                # (before the catalog, which describes the kept dumps with their sizes)
                files += keep_previous_editions(options.previous, folder)
        with stage("catalog"):
            files += write_checked_catalog(options, read, folder, listed, merged.stats, progress)
        with stage("editions"):
            files += write_editions(options, read, context, folder, progress)
        with stage("search index"):  # (what is left of Pagefind's run: see above)
            indexed = search.finish()
        progress(f"indexed {indexed} services for the search")
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
        read.shared_rows,
        read.service_tables,
        options.mappings,
        options.ontology,
        base,
        read.params,
        [inventory.params for inventory in read.inventories],
    )
    shared = in_order(maker.shared())
    documents = Documents(maker.prefixes, base, folder)
    documents.learn(shared)
    site = SiteWriter(
        empty_site_data(base),
        maker.prefixes,
        Report(),
        options.site,
        folder,
        [],
        listed_queries(options.queries),
        licence_of(options, read.metadata),
        # Of many inventories, no one institution speaks for every page (footer, areaServed):
        # each service's publisher and place are in its own inventory's data.
        read.metadata if len(read.inventories) == 1 else None,
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
        shared_targets={t.object.value for t in shared if type(t.object) is ox.NamedNode},
        shared_by_subject=by_subject(shared),
    )


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
