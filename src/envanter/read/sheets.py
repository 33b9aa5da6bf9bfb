"""Spreadsheets: XLSX, XLS and ODS, all with one reader (calamine).

The sheet read is the one named "Envanter" when there is one, else the first whose first rows hold
the header, else the first. Every value comes back as the text a steward sees: integral numbers
without ".0", dates in ISO form; line breaks inside a cell (Alt+Enter) are kept.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from ..errors import InputError
from .headings import fold
from .limits import (
    check_archive,
    check_ods_extent,
    check_xls_extent,
    check_xlsx_extent,
    refused,
)
from .table import HEADER_SCAN, Row, header_columns, is_header, make_cell

SHEET_NAME = "Envanter"  # the sheet read when present


@dataclass(frozen=True)
class Sheet:
    rows: list[Row]
    name: str


def column_letters(i: int) -> str:
    """The spreadsheet name of the i-th (0-based) column: A, …, Z, AA, …"""
    letters = ""
    n = i + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def cell_text(value: object) -> str:
    """A cell value as text: numbers as written (integral floats without '.0'), dates in ISO."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def check_extent(path: Path, kind: str, file: str) -> None:
    """The archive and extent checks of limits.py, before the reader allocates anything."""
    if kind == "xls":
        check_xls_extent(path, file)
        return
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, file)
            if kind == "xlsx":
                check_xlsx_extent(archive, file)
            else:
                check_ods_extent(archive, file)
    except (zipfile.BadZipFile, OSError) as e:
        raise refused(file, f"cannot read the file: not a valid .{kind} file ({e})") from e


def read_sheet(path: Path, kind: str, file: str) -> Sheet:
    """The rows of the inventory's sheet; `kind` is "xlsx", "xls" or "ods"."""
    check_extent(path, kind, file)
    try:
        # (From the open file, not the path: calamine would pick the format by the suffix, and
        # an XLSX saved as ".xls" is common.)
        with path.open("rb") as f:
            workbook = CalamineWorkbook.from_filelike(f)
    except (CalamineError, OSError, ValueError) as e:
        raise refused(file, f"cannot read the file: not a valid .{kind} workbook ({e})") from e
    try:
        names = workbook.sheet_names
        if not names:
            raise refused(file, "cannot read the file: the workbook has no sheet")
        wanted = [n for n in names if fold(n) == fold(SHEET_NAME)]
        first: Sheet | None = None
        for name in wanted or names:
            sheet = Sheet(sheet_rows(workbook, name), name)
            if wanted or any(is_header(header_columns(r)) for r in sheet.rows[:HEADER_SCAN]):
                return sheet
            first = first or sheet
        assert first is not None
        return first
    except InputError:
        raise
    except Exception as e:  # calamine reports a broken sheet with several exception types
        raise refused(file, f"cannot read the file: not a valid .{kind} workbook ({e})") from e
    finally:
        workbook.close()


def sheet_rows(workbook: CalamineWorkbook, name: str) -> list[Row]:
    sheet = workbook.get_sheet_by_name(name)
    rows: list[Row] = []
    for n, values in enumerate(sheet.to_python(skip_empty_area=False), start=1):
        cells = [make_cell(v if isinstance(v, str) else cell_text(v), n, False) for v in values]
        rows.append(Row(n, n, cells))
    return rows
