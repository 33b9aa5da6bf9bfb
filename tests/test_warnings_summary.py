"""A build prints alike warnings as one line a column and wording (how many cells, where the
first is), and keeps every one of them in the output's validation/warnings.txt."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from envanter.cli import main
from envanter.read.inventory import Cell, RawRecord
from envanter.read.source import write_csv

NO_TIME = "Belirli bir süre bulunmamaktadır."
OTHER = "Yıl boyunca sürmektedir."


def test_alike_warnings_are_one_line_and_all_kept(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    record = raw_records[0]  # the seed's first service, which reads without a warning
    records = []
    for k in range(1, 6):
        cells = dict(record.cells)
        cells["name"] = Cell(f"Hizmet {k}")
        cells["average_time"] = Cell(NO_TIME if k != 3 else OTHER)
        records.append(replace(record, number=k, cells=cells))
    path = tmp_path / "inventory.csv"
    write_csv(records, path)
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        main, ["build", "--source", str(path), "--out", str(out), "--reference-year", "2025"]
    )
    assert result.exit_code == 0, result.output
    # (The inventory has no metadata file: the catalog's gaps are warned of too.)
    lines = result.output.splitlines()
    warnings = [w for w in lines if w.startswith("warning: ") and "average_time" in w]
    # Service k is on line k + 1 of the CSV (after the header).
    assert warnings == [
        f"warning: average_time: no duration read from 'Belirli bir süre bulunmamaktadır.'; "
        f"kept as text — 4 cells, first at {path}:2; all listed in {out}/validation/warnings.txt",
        f"warning: {path}:4: average_time: service 3: no duration read from "
        "'Yıl boyunca sürmektedir.'; kept as text",
    ]
    listed = (out / "validation" / "warnings.txt").read_text(encoding="utf-8").splitlines()
    assert listed == [
        f"{path}:2: average_time: service 1: no duration read from '{NO_TIME}'; kept as text",
        f"{path}:3: average_time: service 2: no duration read from '{NO_TIME}'; kept as text",
        f"{path}:4: average_time: service 3: no duration read from '{OTHER}'; kept as text",
        f"{path}:5: average_time: service 4: no duration read from '{NO_TIME}'; kept as text",
        f"{path}:6: average_time: service 5: no duration read from '{NO_TIME}'; kept as text",
    ]
