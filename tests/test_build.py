"""The build end to end: tables, CSVW, corrections reported, bad input refused, atomic output."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from envanter.cli import main
from envanter.errors import InputError
from envanter.read.pdftext import read_pdf_text

from .conftest import CORRECTIONS, ROOT, SEED


def build(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "dist"), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dist"
    result = CliRunner().invoke(
        main, ["build", "--out", str(out), "--source", str(SEED), "--corrections", str(CORRECTIONS)]
    )
    assert result.exit_code == 0, result.output
    return out


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_services_table_has_one_row_per_service(dist: Path) -> None:
    rows = read(dist / "data" / "tables" / "services.csv")
    assert [int(r["number"]) for r in rows] == list(range(1, 55))
    first = rows[0]
    assert first["name"] == "Sosyal Destek İstanbulkart"
    assert (first["first_line"], first["last_line"]) == ("1", "138")
    assert first["source_file"].endswith("ibb-sosyal-hizmetler-2025.txt")


def test_csvw_metadata_describes_every_table_and_column(dist: Path) -> None:
    folder = dist / "data" / "tables"
    meta = json.loads((folder / "csv-metadata.json").read_text(encoding="utf-8"))
    described = {t["url"] for t in meta["tables"]}
    assert described == {p.name for p in folder.glob("*.csv")}
    for t in meta["tables"]:
        with (folder / t["url"]).open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        columns = t["tableSchema"]["columns"]
        assert header == [c["name"] for c in columns if not c.get("virtual")], t["url"]


def test_foreign_keys_resolve(dist: Path) -> None:
    folder = dist / "data" / "tables"
    meta = json.loads((folder / "csv-metadata.json").read_text(encoding="utf-8"))
    for t in meta["tables"]:
        rows = read(folder / t["url"])
        for fk in t["tableSchema"].get("foreignKeys", []):
            ref = fk["reference"]
            keys = {r[ref["columnReference"]] for r in read(folder / ref["resource"])}
            missing = {r[fk["columnReference"]] for r in rows} - keys - {""}
            assert not missing, (t["url"], fk, missing)


def numbers(dist: Path) -> dict[str, int]:
    """Service id (slug) → row number."""
    return {r["id"]: int(r["number"]) for r in read(dist / "data" / "tables" / "services.csv")}


def test_kvkk_notice_is_one_document_shared_by_many_services(dist: Path) -> None:
    rows = read(dist / "data" / "tables" / "service_documents.csv")
    kvkk = "kisisel-verilerin-korunmasi-kanununa-iliskin-aydinlatma-metni"
    users = {numbers(dist)[r["service"]] for r in rows if r["document"] == kvkk}
    # Counted in the source: services 1–17, 19, 20 and 21 list the KVKK Aydınlatma Metni.
    assert users == {*range(1, 18), 19, 20, 21}


def test_corrections_are_reported_and_tabled(tmp_path: Path) -> None:
    code, output = build(tmp_path)
    assert code == 0
    assert (
        "  belediye-kanunu-5393: services 35–53, legal_basis: '5893 sayılı Belediye Kanunu' "
        "→ '5393 sayılı Belediye Kanunu'"
    ) in output
    assert (
        "  kurum-kodu-cocuk-hizmetleri: service 30, institution_code: '95121435' → '95121434'"
        in output
    )
    dist = tmp_path / "dist"
    rows = read(dist / "data" / "tables" / "service_corrections.csv")
    assert {
        numbers(dist)[r["service"]] for r in rows if r["correction"] == "belediye-kanunu-5393"
    } == set(range(35, 54))
    (reason,) = [
        r["reason"]
        for r in read(dist / "data" / "tables" / "corrections.csv")
        if r["id"] == "belediye-kanunu-5393"
    ]
    assert reason.startswith("The Belediye Kanunu (Municipalities Law) is Law No. 5393")
    services = read(dist / "data" / "tables" / "services.csv")
    assert services[29]["institution_code"] == "95121434"


def test_a_correction_that_no_longer_matches_is_an_error(tmp_path: Path) -> None:
    corrections = tmp_path / "corrections.yaml"
    corrections.write_text(
        "corrections:\n  - id: stale\n    services: 2\n    field: name\n"
        "    source: Yok Böyle Bir Metin\n    corrected: x\n    reason: test\n",
        encoding="utf-8",
    )
    code, output = build(tmp_path, "--corrections", str(corrections))
    assert code == 2
    assert output == (
        "reading data/source/ibb-sosyal-hizmetler-2025.txt\n"
        "format: PDF text\n"
        "error: 1 problem in the input:\n"
        f"  {corrections}: correction stale: service 2 field 'name' does not contain "
        "'Yok Böyle Bir Metin'; the source has changed, so review this correction\n"
    )
    assert not (tmp_path / "dist").exists()


def damaged_seed(tmp_path: Path, edit: dict[int, str]) -> Path:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for number, text in edit.items():
        lines[number - 1] = text
    path = tmp_path / "damaged.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_bad_source_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    # Row 3 renumbered as 2 (a duplicate), row 5 dropped its number (so it vanishes into row 4),
    # and service 1's count is not a number.
    path = damaged_seed(tmp_path, {285: "2 93186084 815", 571: "93186084 815", 135: "çok"})
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / ".envanter-output").write_text("", encoding="utf-8")
    (tmp_path / "dist" / "keep.txt").write_text("previous build", encoding="utf-8")
    code, output = build(tmp_path, "--source", str(path), "--reference-year", "2025")
    assert code == 2
    assert [x for x in output.splitlines() if not x.startswith(("reading", "warning"))] == [
        "error: 4 problems in the input:",
        f"  {path}:138: annual_count: row 1 has no annual count: expected a whole number such "
        "as '258.933' or '19.872 hizmet' after the average completion time",
        f"  {path}:285: number: row 2 appears twice (also on line 140)",
        f"  {path}:425: number: row 3 is missing (expected before this line)",
        f"  {path}:711: number: row 5 is missing (expected before this line)",
    ]
    assert (tmp_path / "dist" / "keep.txt").read_text(encoding="utf-8") == "previous build"


def test_truncated_row_is_reported(tmp_path: Path) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")[:120]  # row 1 stops in its paraf list
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_pdf_text(path, "cut.txt")
    assert [str(p) for p in e.value.problems] == [
        "cut.txt:119: annual_count: row 1 has no annual count: expected a whole number such as "
        "'258.933' or '19.872 hizmet' after the average completion time"
    ]


def test_unreadable_source(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfe\x00bad")
    code, output = build(tmp_path, "--source", str(path), "--reference-year", "2025")
    assert code == 2
    assert "cannot read the file" in output


def test_missing_source_is_a_clear_error(tmp_path: Path) -> None:
    code, output = build(tmp_path, "--source", str(tmp_path / "nope.txt"))
    assert code == 2
    assert output == (
        f"error: source not found: {tmp_path / 'nope.txt'} (run from the project "
        "folder, or pass --source FILE)\n"
    )


def test_failed_swap_leaves_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from envanter.run import pipeline

    out = tmp_path / "dist"
    out.mkdir()
    (out / ".envanter-output").write_text("", encoding="utf-8")  # an earlier build's output
    (out / "old.txt").write_text("old", encoding="utf-8")

    def explode(*_a: object, **_k: object) -> list[Path]:
        raise OSError("disk full")

    monkeypatch.setattr("envanter.run.reading.write_tables", explode)
    with pytest.raises(OSError):
        pipeline.build(pipeline.BuildOptions(source=SEED, out=out, corrections=CORRECTIONS))
    assert sorted(p.name for p in out.iterdir()) == [".envanter-output", "old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no staging folder left behind


def test_build_py_shim_takes_the_same_options(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "build.py", "--out", str(out), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "data" / "tables" / "services.csv").exists()


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    for option in ("--source", "--out", "--corrections", "--reference-year", "--quiet"):
        assert option in result.output
