"""The services in batches: a national inventory (100,000 services, some 12 million triples) is
never whole in memory as a graph.

The services are taken in the order of their URIs, at most 1,000 at a time. Each batch is mapped,
validated and written — its run of each dump, its documents, its pages — by `publish_batch`, in
a worker process (one per core) or in the build's own as its executor decides, and sends back only what the end of the build needs: its findings, its few triples
about shared resources (the dataset's dct:hasPart), the labels those point at, what the list of
services shows, what entity pages say of their services, and the VoID counts. What the services
share (laws, units, documents, the ontology) is small and mapped once, before the workers start.

A batch with a violation (or, with --strict, a warning) is not written, nor is any batch that
finishes validating after one had; every batch is still validated, so that every violation is
reported. The build then fails and its temporary folder is removed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from ..check.report import Finding, finding_order
from ..check.shards import Kinds, ShardShapes, is_service, validate_services
from ..publication.pages import ListedService
from ..publication.site import SiteWriter
from ..publication.sitedata import (
    SiteData,
    empty_site_data,
    merge_site_data,
    site_data,
    store_of,
)
from ..rdf.dumps import Dumps, write_descriptions_part
from ..rdf.graph import GraphMaker, SubjectGroup, subject_groups, unpack_rows
from ..rdf.serialize import LABELS, Description, Documents
from ..rdf.stats import GraphStats
from .executor import Executor, Progress, Stop

NT = ox.RdfFormat.N_TRIPLES


@dataclass
class Context:
    """What every batch needs (set before the workers are forked: they inherit it)."""

    maker: GraphMaker
    shared: list[ox.Triple]  # what the services share, in order
    kinds: Kinds  # its types, for the services' sh:class checks
    shapes: ShardShapes
    shard_size: int
    strict: bool
    documents: Documents  # knows the labels of the shared resources
    site: SiteWriter
    queries: Path  # queries/site/
    parts: Path  # the folder of the dumps' parts
    batches: list[Path]  # each batch's rows (graph.packed_batches, pack_rows)
    # What shared triples point at (IRIs), and the shared triples by subject (`by_subject`):
    # made once here, so that a batch looks up what its services use instead of walking all
    # of what they share, which grows with the inventories of the publication.
    shared_targets: set[str] = field(default_factory=set)
    shared_by_subject: dict[str, list[ox.Triple]] = field(default_factory=dict)

    def part(self, index: int) -> Path:
        return self.parts / f"{index:06d}"


@dataclass
class BatchResult:
    index: int
    iris: list[str]  # its services' URIs, in order
    findings: list[Finding]
    written: bool
    spill: bytes  # N-Triples: the batch's triples about shared resources
    labels: bytes  # N-Triples: labels of the batch's resources that shared triples point at
    site: SiteData  # labels and types of its services, what entities they use, totals
    views: list[ListedService]  # its services as the list of services shows them
    stats: GraphStats
    seconds: dict[str, float]


def publish_batch(context: Context, index: int, stop: Stop) -> BatchResult:
    """Map, validate and write one batch of services: its run of each dump, its documents, its
    pages. Written only if no batch has had a violation (`stop`); validated in any case."""
    seconds: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start

    with stage("graph"):
        services, descriptions, own, spill = map_batch(context, index)
    with stage("validate"):
        findings = validate_services(
            [d.triples for d in descriptions], context.shapes, context.kinds, context.shard_size
        )
        findings.sort(key=finding_order)  # (here, in parallel: the end merges the batches')
    failed = any(
        f.severity == "violation" or (context.strict and f.severity == "warning") for f in findings
    )
    if failed:
        stop.value = 1
    write = not failed and not stop.value
    stats = GraphStats(context.maker.base + "id/")
    stats.add_groups(own)
    wanted = {t.object.value for t in spill if type(t.object) is ox.NamedNode}
    labels = [
        t
        for key, triples in own
        if key in wanted or key in context.shared_targets
        for t in triples
        if t.predicate.value in LABELS
    ]
    site = empty_site_data(context.maker.base)
    views: list[ListedService] = []
    one = OneCopy()
    if write:
        with stage("dumps"):
            # One pyoxigraph call a dump for the whole batch, cut into each description's
            # Turtle and N-Triples for its documents (a call per document cost twice as much).
            write_descriptions_part(
                descriptions,
                context.maker.prefixes,
                context.documents.jsonld,
                context.part(index + 1),
            )
        with stage("documents"):
            for job in context.documents.jobs(descriptions):
                context.documents.write(job)
            for d in descriptions:
                d.turtle = d.ntriples = None
        with stage("site data"):
            data = batch_site_data(context, index, own)
        with stage("pages"):
            context.site.use(data, findings)
            views = context.site.service_pages(
                {d.iri: d for d in descriptions}, parallel=False, one=one
            )
        site = kept(data, services, one)
    return BatchResult(
        index,
        sorted(one(iri) for iri in services),
        findings,
        write,
        ntriples(spill),
        ntriples(labels),
        site,
        views,
        stats,
        seconds,
    )


def map_batch(
    context: Context, index: int
) -> tuple[set[str], list[Description], list[SubjectGroup], list[ox.Triple]]:
    """The batch's rows mapped: (its services' URIs, their descriptions, their subjects' triples,
    the triples about what the services share)."""
    rows = unpack_rows(context.batches[index].read_bytes())
    context.batches[index].unlink()
    groups = subject_groups(context.maker.batch(rows))
    del rows
    # What follows reads each subject once, not each triple: a batch has some 250,000.
    services = {key for key, triples in groups if is_service(triples)}
    own: list[SubjectGroup] = []
    spill: list[ox.Triple] = []  # (about what the services share: the dataset's dct:hasPart)
    for group in groups:
        key, triples = group
        if key.partition("#")[0] in services and type(triples[0].subject) is ox.NamedNode:
            own.append(group)
        else:
            spill += triples
    del groups
    # Every triple kept is a service's or its fragments' (…/hizmet/x#paraf-3, whose subjects
    # directly follow the service's): the services' descriptions hold them all, and make each
    # service's JSON-LD once for its run of the dump, its document and its page.
    descriptions = [
        Description(iri, [t for _, triples in run for t in triples])
        for iri, run in groupby(own, key=lambda group: group[0].partition("#")[0])
    ]
    return services, descriptions, own, spill


def batch_site_data(context: Context, index: int, own: list[SubjectGroup]) -> SiteData:
    """What the pages show of the batch: its own triples as its run of the N-Triples dump has
    them (parsed in Rust, not written again), with the part of what the services share that
    they use."""
    store = store_of(used_part(context.shared_by_subject, own))
    run = str(context.part(index + 1).with_suffix(".nt"))
    store.load(path=run, format=NT, lenient=True)  # (written by pyoxigraph just now)
    return site_data(store, context.maker.base, context.queries)


def by_subject(triples: Iterable[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """The triples by their subject's key (`term_key`), each subject's in their order."""
    index: dict[str, list[ox.Triple]] = {}
    for t in triples:
        index.setdefault(term_key(t.subject), []).append(t)
    return index


def term_key(term: object) -> str:
    """An IRI as itself, a blank node as `_:label`, a literal as the empty string (no key)."""
    if type(term) is ox.NamedNode:
        return term.value
    return "_:" + term.value if type(term) is ox.BlankNode else ""


def used_part(shared: dict[str, list[ox.Triple]], own: list[SubjectGroup]) -> list[ox.Triple]:
    """The shared triples about what these subjects' triples point at (objects and predicates),
    and about what those point at in turn: every shared resource a page of theirs can reach.
    The site's queries only follow links forwards from a service, so its pages read the same
    from this part as from the whole (which grows with the inventories; this grows with what
    the batch uses)."""
    todo = [key for key, _ in own]
    seen: set[str] = set()
    for _, triples in own:
        for t in triples:
            seen.add(t.predicate.value)
            if type(t.object) is ox.NamedNode:
                seen.add(t.object.value)
    todo += seen
    seen.update(todo)
    found: list[ox.Triple] = []
    while todo:
        part = shared.get(todo.pop())
        if part is None:
            continue
        found += part
        for t in part:
            for key in (t.predicate.value, term_key(t.object)):
                if key and key not in seen:
                    seen.add(key)
                    todo.append(key)
    return found


class OneCopy(dict[str, str]):
    """The first copy of each string it is given. A query's solutions bring each value as a new
    string: a service's URI once for every law, unit and channel it uses, a law's once for every
    service. What a batch sends back names them with one object each, which the pickle then
    writes once, and the end of the build, which keeps every batch's, holds once."""

    def __call__(self, text: str) -> str:
        return self.setdefault(text, text)


def kept(data: SiteData, services: set[str], one: OneCopy) -> SiteData:
    """What the end of the build keeps of a batch's site data (plain dicts, to be sent back):
    its own resources' labels and types, and what it says of the shared ones."""

    def own(iri: str) -> bool:
        return iri.partition("#")[0] in services

    return replace(
        empty_site_data(data.base),
        labels={one(i): names for i, names in data.labels.items() if own(i)},
        types={one(i): {one(kind) for kind in kinds} for i, kinds in data.types.items() if own(i)},
        details={one(i): dict(found) for i, found in data.details.items() if own(i)},
        used_by={one(i): {one(s) for s in users} for i, users in data.used_by.items()},
        totals=data.totals,
    )


def ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def parse_ntriples(data: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)] if data else []


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
