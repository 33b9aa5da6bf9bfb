"""Hostile and huge sources: each ends in a clear error (exit 2, the file and where), with the
build's memory bounded (run under a 1 GiB address-space limit) and its time too (a timeout)."""

from __future__ import annotations

import csv
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

from envanter.read.inventory import COLUMNS

ENVANTER = Path(sys.executable).with_name("envanter")
MEMORY = 2**30
HEADERS = [c.header for c in COLUMNS]


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def build(source: Path, tmp_path: Path) -> tuple[int, list[str]]:
    """Build from `source` under the memory limit: the exit code and the problems printed."""
    result = subprocess.run(
        [
            str(ENVANTER),
            "build",
            "--source",
            source.name,
            "--out",
            "dist",
            "--reference-year",
            "2025",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limited,
        cwd=source.parent,
    )
    assert not (source.parent / "dist").exists()
    problems = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    return result.returncode, problems


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_a_csv_that_is_a_device(tmp_path: Path) -> None:
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    assert build(tmp_path / "zero.csv", tmp_path) == (
        2,
        ["zero.csv: cannot read the file: it is not a regular file (a folder, device or pipe)"],
    )


def test_a_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(300 * 2**20)  # sparse: no disk used
    assert build(path, tmp_path) == (
        2,
        [
            "huge.csv: the file is 300 MB, more than the 256 MB a source may be; is this the inventory?"
        ],
    )


def test_an_xlsx_whose_one_far_cell_would_take_every_cell_before_it(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.active["XFD1048576"] = "x"
    workbook.save(tmp_path / "far.xlsx")
    assert build(tmp_path / "far.xlsx", tmp_path) == (
        2,
        [
            "far.xlsx: a sheet reaches row 1,048,576 and column 16,384 (17,179,869,184 cells), "
            "more than the 10,000,000 cells read; delete what is beyond the inventory table"
        ],
    )


def test_an_xls_whose_one_far_cell_would_take_every_cell_before_it(tmp_path: Path) -> None:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Envanter")
    for k, heading in enumerate(HEADERS):
        sheet.write(0, k, heading)
    sheet.write(65535, 255, "x")
    workbook.save(str(tmp_path / "far.xls"))
    assert build(tmp_path / "far.xls", tmp_path) == (
        2,
        [
            "far.xls: a sheet reaches row 65,536 and column 256 (16,777,216 cells), "
            "more than the 10,000,000 cells read; delete what is beyond the inventory table"
        ],
    )


def test_an_xlsx_that_inflates(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.save(tmp_path / "plain.xlsx")
    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(tmp_path / "plain.xlsx") as plain,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in plain.infolist():
            bomb.writestr(item, plain.read(item))
        bomb.writestr("xl/media/padding.bin", bytes(64 * 2**20))
    code, problems = build(path, tmp_path)
    assert code == 2
    assert len(problems) == 1
    assert problems[0].startswith(
        "bomb.xlsx: 'xl/media/padding.bin' in the file unpacks to 64 MB, "
    )
    assert problems[0].endswith(" times its packed size; refused as a zip bomb")


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Envanter">
<table:table-row><table:table-cell office:value-type="string"><text:p>Sıra No</text:p>
</table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1000000">
<table:table-cell table:number-columns-repeated="1000" office:value-type="string">
<text:p>x</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>
"""


def test_an_ods_whose_repeated_rows_would_fill_the_memory(tmp_path: Path) -> None:
    path = tmp_path / "repeated.ods"
    with zipfile.ZipFile(path, "w") as ods:
        ods.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", ODS_CONTENT)
    code, problems = build(path, tmp_path)
    assert code == 2
    assert problems == [
        "repeated.ods: a sheet reaches row 1,000,001 and column 1,000 (1,000,001,000 cells), more "
        "than the 10,000,000 cells read; delete what is beyond the inventory table"
    ]


def test_row_numbers_too_large_or_of_thousands_of_digits(tmp_path: Path) -> None:
    rows = [HEADERS, ["2000000000", "", "", "Bir"], ["7" * 5000, "", "", "İki"]]
    code, problems = build(write_csv(tmp_path / "n.csv", rows), tmp_path)
    assert code == 2
    assert problems == [
        "n.csv:2: number: row number '2000000000' is too large; expected at most 1,000,000",
        "n.csv:3: number: row number '" + "7" * 59 + "…' is too large; expected at most 1,000,000",
    ]


def test_a_cell_over_128_kb(tmp_path: Path) -> None:
    rows = [HEADERS, ["1", "", "", "Bir", "a" * 140_000]]
    code, problems = build(write_csv(tmp_path / "c.csv", rows), tmp_path)
    assert (code, problems) == (
        2,
        [
            "c.csv:2: a cell in the row starting on this line is longer than the 128 KB a cell "
            "may hold (or a quote in it is never closed); is this the inventory table?"
        ],
    )
    # (A spreadsheet cell holds at most 32,767 characters; a Word table's cell has no limit.)
    from docx import Document

    document = Document()
    table = document.add_table(rows=2, cols=len(HEADERS))
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", "", "", "Bir", "a" * 140_000], strict=False):
        cell.text = text
    document.save(str(tmp_path / "c.docx"))
    assert build(tmp_path / "c.docx", tmp_path) == (
        2,
        [
            "c.docx:2: the cell in column 5 holds 140,000 characters, more than the 128 KB a "
            "cell may hold; is this the inventory table?"
        ],
    )


def test_a_csv_of_millions_of_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "commas.csv"
    path.write_bytes(",".join(HEADERS).encode() + b"\n" + b"," * 10_000_000 + b"\n")
    assert build(path, tmp_path) == (
        2,
        [
            "commas.csv:2: the file holds more than the 10,000,000 cells read; is this the inventory table?"
        ],
    )


def test_the_empty_template_is_not_published(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "template.csv", [HEADERS])
    assert build(path, tmp_path) == (
        2,
        [
            "template.csv: the table has a header but no services; expected one row per "
            "service under it"
        ],
    )
