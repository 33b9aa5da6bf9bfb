"""SHACL validation: our shapes (shapes/) over the graph, and a report people can read.

The build validates the graph before it writes anything: a violation stops it (exit code 1);
warnings and notes are reported and published with the data (validation/report.ttl and
validation/index.html). The report is rebuilt from pySHACL's results into a stable form — results
numbered in a fixed order, each with its rule — so two builds of the same input give the same
bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from .report import Finding, Report, finding_order
from .shacl import DEFAULT_ENGINE, load_shapes, validate
from .shards import ShardShapes, kinds_of, services_in, with_kinds

SHAPES_DIR = Path(__file__).resolve().parents[3] / "shapes"


def check_file(
    path: Path,
    which: str = "auto",
    base: str | None = None,
    shapes_dir: Path = Path("shapes"),
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate an RDF file with our shapes (`envanter validate`)."""
    from ..config import DEFAULT_BASE_URI, check_base_uri
    from ..errors import ConfigError

    if not path.exists():
        raise ConfigError(f"{path}: not found (build first, or name an RDF file)")
    data = Graph()
    try:
        data.parse(path)
    except Exception as e:  # rdflib raises many kinds; all mean "not RDF we can read"
        raise ConfigError(f"{path}: cannot read it as RDF: {e}") from e
    if which == "auto":
        catalog = URIRef("http://www.w3.org/ns/dcat#Catalog")
        which = "dcat" if (None, RDF.type, catalog) in data else "profile"
    base = check_base_uri(base or DEFAULT_BASE_URI)
    folder = shapes_dir if shapes_dir.exists() else SHAPES_DIR
    return validate(data, load_shapes([folder / f"{which}.ttl"], base), engine)


def split_by_service(
    triples: Iterable[ox.Triple], size: int, predicates: set[str] | None = None
) -> tuple[list[list[ox.Triple]], list[ox.Triple]]:
    """Group the triples: one list per `size` services (with their sub-resources), and the
    shared rest; only those with one of `predicates` (all when None), since the rest cannot
    change a finding and loading them into rdflib is most of the cost of validating."""
    triples = list(triples)
    services = services_in(triples)
    owner: dict[str, int] = {s: k // size for k, s in enumerate(sorted(services))}
    groups: list[list[ox.Triple]] = [[] for _ in range((len(services) + size - 1) // size)]
    shared: list[ox.Triple] = []
    for t in triples:
        if predicates is not None and t.predicate.value not in predicates:
            continue
        # A service's sub-resources are fragments of its URI (…/hizmet/x#paraf-3): they go with it.
        k = (
            owner.get(t.subject.value.partition("#")[0])
            if type(t.subject) is ox.NamedNode
            else None
        )
        if k is None:
            shared.append(t)
        else:
            groups[k].append(t)
    return groups, shared


# The shards, set before the worker processes are forked: they inherit them, and only an index
# goes through the pipe (pickling a million triples would cost more than validating them).
_TASKS: list[tuple[list[ox.Triple], Graph, str]] = []


def _validate_shard(index: int) -> list[Finding]:
    triples, shapes, engine = _TASKS[index]
    return validate(triples, shapes, engine).findings


def validate_sharded(
    triples: list[ox.Triple],
    shapes: Graph,
    base: str,
    shard_size: int = 1000,
    workers: int | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """The whole graph's findings, computed shard by shard in parallel processes."""
    import multiprocessing

    split = ShardShapes.of(shapes, base, engine)
    groups, shared = split_by_service(triples, shard_size, split.predicates)
    kinds = kinds_of(shared)
    global _TASKS
    _TASKS = [(shared, split.shared, engine)] + [
        (with_kinds(g, kinds), split.local, engine) for g in groups
    ]
    try:
        workers = workers or min(len(_TASKS), os.cpu_count() or 1)
        if workers > 1 and hasattr(os, "fork"):
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(_validate_shard, range(len(_TASKS)), chunksize=1)
        else:
            results = [_validate_shard(k) for k in range(len(_TASKS))]
    finally:
        _TASKS = []
    findings = sorted({f for found in results for f in found}, key=finding_order)
    return Report(findings)
