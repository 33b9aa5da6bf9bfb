"""The benchmark runs, and docs/performance.md speaks of the stages the build has."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from envanter.pipeline import BuildOptions, BuildResult, build

from .conftest import ROOT


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(BuildOptions(out=tmp_path_factory.mktemp("bench") / "dist"))


def test_the_build_records_a_time_for_every_stage(seed_build: BuildResult) -> None:
    assert list(seed_build.stages) == [
        "read",
        "records",
        "link",
        "tables",
        "write tables",
        "pack",
        "graph",
        "services",
        "validate",
        "dumps",
        "documents",
        "ontology and report",
        "site",
        "catalog",
    ]
    assert all(seconds >= 0 for seconds in seed_build.stages.values())
    assert list(seed_build.batch_stages) == [
        "graph",
        "validate",
        "dumps",
        "documents",
        "site data",
        "pages",
    ]


def test_performance_doc_shows_every_stage(seed_build: BuildResult) -> None:
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    names = [*seed_build.stages, *seed_build.batch_stages]
    missing = [
        name for name in names if f"\n  {name}  " not in text and f"\n    {name}  " not in text
    ]
    assert not missing, f"docs/performance.md has no row for {missing}"


def test_bench_run_builds_the_seed_in_a_fresh_process(
    tmp_path: Path, seed_build: BuildResult
) -> None:
    out = tmp_path / "run.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "54",
            "--seed-runs",
            "1",
            "--no-bare",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    [size] = json.loads(out.read_text(encoding="utf-8"))["sizes"]
    e2e = size["e2e"]
    assert size["size"] == 54 and e2e["services"] == 54
    assert e2e["triples"] == seed_build.triples > 8000
    assert list(e2e["batch_stages"]) == list(seed_build.batch_stages)
    assert list(e2e["stages"]) == list(seed_build.stages)
    assert e2e["wall_s"] > sum(e2e["stages"].values())  # the whole process, start to exit
    assert e2e["peak_pss_mib"] > 0
    assert "End to end" in done.stdout and "records" in done.stdout
