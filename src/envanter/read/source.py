"""Reading and writing the inventory table as a file.

`read_source` reads any supported format (formats.py picks the reader); the records hold the text
of each cell exactly as the source has it, bar whitespace, and where it came from. Every problem
found is collected and raised together in one `InputError`; nothing partial is returned.
`write_csv`, `write_xlsx` and `write_template` write the standard layout: a header row of the
official Turkish headings, then one row per service.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError, Problem
from .formats import read_inventory
from .inventory import CELL_KEYS, COLUMNS, Cell, RawRecord
from .parsing import join_wrapped
from .table import collapse, make_cell

__all__ = ["make_cell", "read_csv", "read_source", "read_xlsx", "write_csv", "write_template"]

SHEET_NAME = "Envanter"  # the sheet written
LEGEND_SHEET_NAME = "Sütunlar"


def read_source(path: Path, display_name: str | None = None) -> list[RawRecord]:
    """Read an inventory in any supported format, chosen by what the file is."""
    return read_inventory(path, str(path) if display_name is None else display_name).records


# (The readers of each format are one: a file is read as what it is, whatever its suffix.)
read_csv = read_source
read_xlsx = read_source


# --- writing -------------------------------------------------------------------------------------


def written_text(cell: Cell, key: str = "") -> str | None:
    """What to write for a cell: its text, broken into its `parts` when they make up the text
    (so that an unnumbered list, one item a line, survives being written and read back). A page's
    wrapped lines are not items, except in the documents column, where each document read from
    them is written on a line of its own."""
    if len(cell.parts) > 1 and collapse(" ".join(cell.parts)) == cell.text:
        if not cell.wrapped:
            return "\n".join(cell.parts)
        if key == "documents":
            return "\n".join(join_wrapped(cell.parts))
    return cell.text


def record_row(record: RawRecord) -> list[str | None]:
    cells = [written_text(record.cells.get(key, Cell(None)), key) for key in CELL_KEYS]
    return [str(record.number), *cells]


def write_csv(records: Iterable[RawRecord], path: Path, *, delimiter: str = ",") -> None:
    """Write records in the standard layout: UTF-8 with a BOM (so Excel sees UTF-8), header row
    of the official Turkish headings, `None` cells empty."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        writer.writerow([c.header for c in COLUMNS])
        for record in records:
            writer.writerow(["" if t is None else t for t in record_row(record)])


def write_xlsx(records: Iterable[RawRecord], path: Path) -> None:
    """Write records in the standard layout, on a sheet named "Envanter"."""
    inventory_workbook(records).save(path)


def write_template(path: Path) -> None:
    """Write an empty table (header row only) as .csv or .xlsx; the XLSX one explains the columns
    on a second sheet."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv([], path)
    elif suffix == ".xlsx":
        workbook = inventory_workbook([])
        add_legend(workbook)
        workbook.save(path)
    else:
        found = f"'{path.suffix}'" if path.suffix else "(no suffix)"
        raise ConfigError(f"unsupported template type {found}; expected .csv or .xlsx")


COLUMN_WIDTHS = {"number": 8, "institution_code": 12, "sdp_codes": 14, "annual_count": 18}
DEFAULT_WIDTH = 32


def inventory_workbook(records: Iterable[RawRecord]) -> Any:
    """A workbook with the records on a sheet "Envanter": bold wrapped headings, frozen header."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([c.header for c in COLUMNS])
    for k, col in enumerate(COLUMNS, start=1):
        heading = sheet.cell(row=1, column=k)
        heading.font = bold
        heading.alignment = wrap
        sheet.column_dimensions[get_column_letter(k)].width = COLUMN_WIDTHS.get(
            col.key, DEFAULT_WIDTH
        )
    sheet.freeze_panes = "A2"
    problems: list[Problem] = []
    for n, record in enumerate(records, start=2):
        sheet.cell(row=n, column=1, value=record.number)
        for k, (key, text) in enumerate(zip(CELL_KEYS, record_row(record)[1:], strict=True), 2):
            if text is None:
                continue
            if ILLEGAL_CHARACTERS_RE.search(text):
                problems.append(
                    Problem(
                        record.file,
                        record.first_line,
                        key,
                        "contains a control character, which an XLSX file cannot hold",
                    )
                )
                continue
            cell = sheet.cell(row=n, column=k, value=text)
            cell.data_type = "s"  # text, even when it starts with '=' (not a formula)
            cell.alignment = wrap
    if problems:
        raise InputError(problems)
    return workbook


def add_legend(workbook: Any) -> None:
    """A sheet "Sütunlar" listing each column's key, Turkish heading and English label."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(LEGEND_SHEET_NAME)
    table = [("key", "Sütun başlığı", "English label")]
    table += [(c.key, c.header, c.label_en) for c in COLUMNS]
    for row in table:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for k in range(3):
        width = max(len(row[k]) for row in table) + 2
        sheet.column_dimensions[get_column_letter(k + 1)].width = width
    sheet.freeze_panes = "A2"
