"""The benchmark runs, and docs/performance.md speaks of the stages the build has."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from envanter.read.inventory import RawRecord
from envanter.run.pipeline import BuildResult

from .conftest import ROOT


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
        "editions",
        "search index",
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


def test_bench_run_builds_the_seed_in_a_fresh_process_and_deletes_at_the_end(
    tmp_path: Path, seed_build: BuildResult
) -> None:
    out, work = tmp_path / "run.json", tmp_path / "work"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "54",
            "--seed-runs",
            "2",
            "--no-bare",
            "--workdir",
            str(work),
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
    # The host's speed, probed just before: positive figures, printed with the rest.
    host = size["host"]
    assert host["python_s"] > 0 and host["page_fault_us"] > 0 and host["file_create_us"] > 0
    assert size["host_after"]["python_s"] > 0
    assert "first touch of a page" in done.stdout and "a small file created" in done.stdout
    # The first run's output was set aside for the second, and deleted only at the end (with
    # the probe's files).
    assert e2e["runs"] == 2 and len(e2e["walls_s"]) == 2
    assert sorted(p.name for p in work.iterdir()) == ["dist-54"]
    assert "removing what the runs set aside" in done.stderr


def test_the_bare_jinja_stage_renders_the_builds_pages(tmp_path: Path) -> None:
    """The bench's Jinja2 figure renders the build's own pages (same templates, same contexts)
    and nothing else: its pages are the build's, to the byte."""
    script = str(ROOT / "bench" / "run.py")
    common = ["--workdir", str(tmp_path), "--size", "54"]
    for child in ("build", "jinja"):
        done = subprocess.run(
            [sys.executable, script, "--child", child, *common],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.rsplit("\n", 2)[-2].split(" ", 1)[1])
    built, bare = tmp_path / "dist-54", tmp_path / "bare-54" / "jinja"
    pages = sorted(p.relative_to(bare) for p in bare.rglob("*.html"))
    assert result["pages"] == len(pages) > 700
    assert all((bare / p).read_bytes() == (built / p).read_bytes() for p in pages)


def test_growth_is_given_over_the_hosts_slowing_down_too() -> None:
    """A stage that took twice as long per service while the host itself ran at half speed
    grew linearly for the code: 2.0 per service, 1.0 over the host."""
    sys.path.insert(0, str(ROOT / "bench"))
    import run

    def size(n: int, seconds: float, before: float, after: float) -> dict[str, object]:
        return {
            "size": n,
            "seed": False,
            "host": {"python_s": before},
            "host_after": {"python_s": after},
            "e2e": {"stages": {"read": seconds}, "wall_s": seconds + 1, "peak_pss_mib": 50},
        }

    [step] = run.growth([size(10, 1.0, 0.9, 1.1), size(100, 20.0, 1.8, 2.2)])
    assert step["host_slowdown"] == 2.0
    assert step["figures"]["stage: read"] == {
        "ratio": 20.0,
        "per_service": 2.0,
        "per_service_host": 1.0,
    }
    table = run.table([size(10, 1.0, 0.9, 1.1), size(100, 20.0, 1.8, 2.2)], [step])
    assert "over the host's slowing down" in table and "0.90/1.10" in table


def test_a_failed_build_is_reported_as_failed_and_the_table_still_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A size whose build fails (a real child process that exits non-zero) keeps what its
    runs recorded, and the table marks it failed beside a size that built."""
    sys.path.insert(0, str(ROOT / "bench"))
    import run

    failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    monkeypatch.setattr(run, "child_argv", lambda *args, **kwargs: failing)
    failed = run.end_to_end(100, tmp_path, 2, [])
    assert failed["runs"] == failed["failed_runs"] == 2
    assert "exit status 3" in failed["error"] and len(failed["attempts"]) == 2
    built = {"stages": {"read": 1.0}, "wall_s": 2.0, "median_wall_s": 2.0, "peak_pss_mib": 50}
    sizes = [{"size": n, "seed": False, "e2e": e} for n, e in ((10, built), (100, failed))]
    table = run.table(sizes, run.growth(sizes))
    [line] = [line for line in table.splitlines() if line.strip().startswith("the build")]
    assert line.split()[-2:] == ["ok", "failed"]


def test_a_size_that_would_fill_the_disk_is_not_started(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import run

    run.check_disk(tmp_path, 100, 0.0)  # nothing known yet: goes on
    free = shutil.disk_usage(tmp_path).free
    with pytest.raises(SystemExit, match="not enough disk"):
        run.check_disk(tmp_path, 100, free / 50)


def test_the_generator_is_seeded_draws_every_cell_from_the_seed_and_writes_csv_and_xlsx(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    """bench/generate.py: the same seed gives the same inventory and another seed another; every
    cell but the numbered name is a cell of the (corrected) seed; the CLI's CSV and XLSX read
    back as the same records."""
    sys.path.insert(0, str(ROOT / "bench"))
    from envanter.read.inventory import CELL_KEYS
    from envanter.read.source import read_source
    from generate import synthetic

    first, again, other = synthetic(200, seed=3), synthetic(200, seed=3), synthetic(200, seed=4)
    assert [r.cells for r in first] == [r.cells for r in again]
    assert [r.cells for r in first] != [r.cells for r in other]
    assert len({r.text("name") for r in first}) == 200
    seed_texts = {key: {r.cells[key].text for r in raw_records} for key in CELL_KEYS}
    for key in CELL_KEYS:
        if key == "name":
            continue
        drawn = {r.cells[key].text for r in first}
        # (the corrections change a few of the seed's cells: most are the raw text)
        assert len(drawn - seed_texts[key]) <= 3, key
        if len(seed_texts[key]) > 10:
            assert len(drawn) > 10, key  # drawn from many services, not one

    read = {}
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"inventory.{suffix}"
        script = [sys.executable, str(ROOT / "bench" / "generate.py"), "50", str(out)]
        subprocess.run([*script, "--seed", "3"], check=True, capture_output=True)
        read[suffix] = [[r.text(k) for k in CELL_KEYS] for r in read_source(out)]
    assert read["csv"] == read["xlsx"]
    assert read["csv"] == [[r.text(k) for k in CELL_KEYS] for r in synthetic(50, seed=3)]


def test_the_generator_writes_inventories_of_different_institutions(tmp_path: Path) -> None:
    """bench/generate.py --inventories K: K files sharing the N services, each with the
    metadata of its own institution, read as one publication under K URI scopes."""
    from envanter.metadata import load_metadata
    from envanter.read.source import read_source
    from envanter.run.pipeline import BuildOptions, prepare_tables

    out = tmp_path / "inventories"
    script = [sys.executable, str(ROOT / "bench" / "generate.py"), "10", str(out)]
    subprocess.run([*script, "--inventories", "3"], check=True, capture_output=True)
    paths = sorted(out.glob("*.csv"))
    assert [p.name for p in paths] == [f"inventory-000{k}.csv" for k in (1, 2, 3)]
    assert [len(read_source(p)) for p in paths] == [4, 3, 3]
    publishers = [load_metadata(p).publisher for p in paths]
    assert [p.name for p in publishers if p] == [f"Sentetik Kurum {k}" for k in (1, 2, 3)]
    options = BuildOptions(source=paths[0], more_sources=tuple(paths[1:]), corrections=None)
    ids = [
        row["id"] for t in prepare_tables(options).tables if t.name == "services" for row in t.rows
    ]
    assert len(ids) == 10
    assert {str(i).split("--")[0] for i in ids} == {f"sentetik-kurum-{k}" for k in (1, 2, 3)}
