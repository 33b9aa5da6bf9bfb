"""Shared fixtures: the seed, its records and its build, made once per test session."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from envanter.read.inventory import RawRecord
from envanter.read.pdftext import read_pdf_text
from envanter.read.records import Service, build_records, load_corrections
from envanter.run.pipeline import BuildResult

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt"
CORRECTIONS = ROOT / "data" / "reference" / "corrections.yaml"
SEED_NAME = "data/source/ibb-sosyal-hizmetler-2025.txt"
# The catalog's dates of the session's seed build (SOURCE_DATE_EPOCH): 2026-01-01T00:00:00Z.
EPOCH = "1767225600"


def build_seed(out: Path, base_uri: str | None = None) -> Path:
    """Build the seed into `out` as `envanter build` run in the project folder would (the
    build's default paths, data/, mappings/ …, are relative to it)."""
    from envanter.run.pipeline import BuildOptions, build

    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        build(BuildOptions(out=out, **({"base_uri": base_uri} if base_uri else {})))
    finally:
        os.chdir(cwd)
    return out


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The seed built once for the whole session, as `envanter build` in the project folder
    would, dated EPOCH. Its output (`seed_build.out`) is shared: read it, never change it."""
    out = tmp_path_factory.mktemp("seed") / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.chdir(ROOT)
        from envanter.run.pipeline import BuildOptions, build

        return build(BuildOptions(out=out))


@pytest.fixture(scope="session")
def seed_dist(seed_build: BuildResult) -> Path:
    """The session's seed build's output folder (read only)."""
    return seed_build.out


# Synthetic services enough for more findings than a page of the validation report holds
# (PAGE_SIZE): bench/generate.py's services have warnings and notes of their own.
PAGED_REPORT_SERVICES = 1200


@pytest.fixture(scope="session")
def paged_report_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """A synthetic inventory built once for the session, whose validation report is paged.
    Its output is shared: read it, never change it."""
    import sys

    from envanter.run.pipeline import build

    sys.path.insert(0, str(ROOT / "bench"))
    from common import synthetic_input, synthetic_options

    work = tmp_path_factory.mktemp("paged-report")
    synthetic_input(PAGED_REPORT_SERVICES, work)
    return build(synthetic_options(PAGED_REPORT_SERVICES, work, work / "dist"))


def free_port() -> int:
    """A port nothing listens on at 127.0.0.1 (for servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


@pytest.fixture(scope="session")
def raw_records() -> list[RawRecord]:
    return read_pdf_text(SEED, SEED_NAME)


@pytest.fixture(scope="session")
def services(raw_records: list[RawRecord]) -> list[Service]:
    return build_records(raw_records, load_corrections(CORRECTIONS), "corrections.yaml", 2025)


@pytest.fixture(scope="session")
def by_number(services: list[Service]) -> dict[int, Service]:
    return {s.number: s for s in services}
