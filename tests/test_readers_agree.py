"""All readers give the same typed records; bad CSV/XLSX input fails the build with exit code 2."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from envanter.cli import main
from envanter.read.inventory import RawRecord
from envanter.read.records import Service, build_records, load_corrections
from envanter.read.source import read_source, write_csv, write_xlsx

from .conftest import CORRECTIONS


def typed(raw: list[RawRecord]) -> list[Service]:
    return build_records(raw, load_corrections(CORRECTIONS), "corrections.yaml", 2025)


def without_provenance(s: Service) -> Service:
    warnings = tuple(replace(w, file="", line=None) for w in s.warnings)
    return replace(s, source_file="", first_line=0, last_line=0, cells={}, warnings=warnings)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_csv_and_xlsx_give_the_same_typed_records_as_the_pdf_text(
    suffix: str, tmp_path: Path, raw_records: list[RawRecord], services: list[Service]
) -> None:
    path = tmp_path / f"inventory{suffix}"
    (write_csv if suffix == ".csv" else write_xlsx)(raw_records, path)
    again = typed(read_source(path, path.name))
    assert [without_provenance(s) for s in again] == [without_provenance(s) for s in services]
    assert again[0].source_file == path.name and again[0].first_line == 2  # row 2, after the header


def test_bad_csv_fails_the_build_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "Sıra No,Kurum Kodu,Hizmetin Adı,Renk\n1,93186084,Bir Hizmet,mavi\nx,93186084,İki,yeşil\n",
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        main, ["build", "--source", str(path), "--out", str(out), "--reference-year", "2025"]
    )
    assert result.exit_code == 2
    problems = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert problems == [f"  {path}:3: number: expected an integer row number, found 'x'"]
    assert not out.exists()


def test_non_numeric_count_in_csv_is_kept_as_text_with_a_warning(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    path = tmp_path / "count.csv"
    cells = dict(raw_records[0].cells)
    cells["annual_count"] = replace(cells["annual_count"], text="çok fazla")
    write_csv([replace(raw_records[0], cells=cells)], path)
    result = CliRunner().invoke(
        main,
        ["build", "--source", str(path), "--out", str(tmp_path / "d"), "--reference-year", "2025"],
    )
    assert result.exit_code == 0, result.output
    (warning,) = [w for w in result.output.splitlines() if "çok fazla" in w]
    where, message = warning.strip().removeprefix("warning: ").split(": ", 1)
    line = int(where.rsplit(":", 1)[1])
    # The writer puts each source line of a cell on its own line: the warning names that line.
    assert "çok fazla" in path.read_text(encoding="utf-8-sig").split("\n")[line - 1]
    assert message == (
        "annual_count: service 1: 'çok fazla' is not a figure such as '258.933' or "
        "'1.250 işlem'; kept as text, with no annual volume"
    )
