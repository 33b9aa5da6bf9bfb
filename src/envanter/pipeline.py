"""The build, top to bottom: read → records → tables → write into a temporary folder → swap.

Everything is read and checked before the first file is written; the output folder is replaced
only when the whole build has succeeded, so a failed build never leaves a half-written dist/.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import DEFAULT_CORRECTIONS, DEFAULT_OUT, DEFAULT_SOURCE, load_source_metadata
from .errors import ConfigError
from .records import Service, build_records, load_corrections
from .source import read_source
from .tables import build_tables, write_tables


@dataclass(frozen=True)
class BuildOptions:
    source: Path = DEFAULT_SOURCE
    out: Path = DEFAULT_OUT
    # The curated corrections belong to one source; None builds without any.
    corrections: Path | None = DEFAULT_CORRECTIONS
    reference_year: int | None = None


@dataclass
class BuildResult:
    services: list[Service]
    out: Path
    files: list[Path] = field(default_factory=list)


Progress = Callable[[str], None]


def display_path(path: Path) -> str:
    """A path as the user will recognise it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def build(options: BuildOptions, progress: Progress = lambda _: None) -> BuildResult:
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
    raw = read_source(source, display_path(source))
    corrections = load_corrections(options.corrections) if options.corrections else []
    corrections_name = display_path(options.corrections) if options.corrections else ""
    services = build_records(raw, corrections, corrections_name, year)
    progress(f"read {len(services)} services")
    tables = build_tables(services)

    out = options.out
    with staging(out) as folder:
        files = write_tables(tables, folder / "data" / "tables")
        progress(f"wrote {len(files)} table files")
        files = [out / f.relative_to(folder) for f in files]
    return BuildResult(services, out, files)


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
            # Deleting after the swap: writing right after a big delete is slow on some disks.
            shutil.rmtree(old, ignore_errors=True)
