"""What a build is asked to do (BuildOptions) and what it reports (BuildResult), with the
timing of its stages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..check.report import Report
from ..check.shacl import DEFAULT_ENGINE
from ..config import (
    DEFAULT_BASE_URI,
    DEFAULT_CORRECTIONS,
    DEFAULT_OUT,
    DEFAULT_SOURCE,
)
from ..metadata import InventoryMetadata, load_metadata
from ..publication_file import Publication
from ..read.linking import Pins
from ..read.records import AppliedCorrection
from ..resources import resource


@dataclass(frozen=True)
class BuildOptions:
    source: Path = DEFAULT_SOURCE
    # More inventories published with the first as one publication (`--source A --source B`).
    more_sources: tuple[Path, ...] = ()
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
    license: str | None = None  # None: the metadata's licence, else DEFAULT_LICENSE
    previous: Path | None = None  # the previous release's dist/, for the changelog page
    shapes: Path = field(default_factory=lambda: resource("shapes"))
    strict: bool = False  # warnings fail the build too
    shacl_engine: str = DEFAULT_ENGINE  # validate.ENGINES: turbo (Rust) or pyshacl (the reference)
    sparql_endpoint: str | None = None
    # The publication file (`--publication`), when the build was given one: the whole's
    # publisher and title, and each inventory's metadata and translations where it names them.
    publication: Publication | None = None

    @property
    def sources(self) -> tuple[Path, ...]:
        """Every inventory of the publication, the first first."""
        return (self.source, *self.more_sources)

    def metadata_of(self, source: Path) -> InventoryMetadata:
        """The inventory's metadata: as the publication file gives it, else beside it."""
        entry = self.publication.entry(source) if self.publication else None
        if entry and entry.metadata:
            return entry.metadata
        return load_metadata(source)

    def translations_of(self, source: Path) -> Path | None:
        """The inventory's translations file when the publication file names one."""
        entry = self.publication.entry(source) if self.publication else None
        return entry.translations if entry else None


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
