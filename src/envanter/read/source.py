"""Reading and writing the inventory table as a file: PDF text, CSV or XLSX.

`read_source` picks the reader by the file's suffix. The CSV and XLSX readers expect the standard
layout: a header row naming the columns (by key or by the official Turkish heading, in any order),
then one row per service. Like the PDF-text reader they produce `RawRecord`s holding the text of
each cell exactly as the source has it, bar whitespace, and where it came from: for CSV the
physical line(s) of the file, for XLSX the spreadsheet row.

Every problem found is collected and raised together in one `InputError`; nothing partial is
returned. `write_csv`, `write_xlsx` and `write_template` write the same layout back.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError, Problem
from . import pdftext
from .inventory import CELL_KEYS, COLUMNS, Cell, Column, RawRecord
from .parsing import join_wrapped

SUPPORTED = ".txt (PDF text), .csv or .xlsx"
SHEET_NAME = "Envanter"  # the sheet read when present, and the one written
LEGEND_SHEET_NAME = "Sütunlar"
MAX_MISSING_LISTED = 10  # a longer run of missing row numbers is reported as one range


def read_source(path: Path, display_name: str | None = None) -> list[RawRecord]:
    """Read an inventory in any supported format, chosen by the file's suffix."""
    name = str(path) if display_name is None else display_name
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return pdftext.read_pdf_text(path, name)
    if suffix == ".csv":
        return read_csv(path, name)
    if suffix == ".xlsx":
        return read_xlsx(path, name)
    found = f"'{path.suffix}'" if path.suffix else "(no suffix)"
    raise InputError(
        [Problem(name, None, None, f"unsupported file type {found}; expected {SUPPORTED}")]
    )


# --- header matching -----------------------------------------------------------------------------


def fold(text: str) -> str:
    """Normalise a heading for comparison: whitespace collapsed, case and Turkish dots ignored.

    Plain `casefold` keeps `ı` apart from `i` and turns `İ` into `i` plus a combining dot, so
    "SIRA NO" would not match "Sıra No"; here both fold to "sira no".
    """
    folded = " ".join(text.split()).casefold()
    return folded.replace("\u0307", "").replace("ı", "i")


HEADINGS: dict[str, Column] = {
    **{fold(c.key): c for c in COLUMNS},
    **{fold(c.header): c for c in COLUMNS},
}


# --- the common part: from rows of cells to records ----------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of a table file, cells in file order, before the header is applied."""

    first_line: int
    last_line: int
    cells: Sequence[Cell]


def collapse(text: str) -> str | None:
    """The cell text as we keep it: whitespace runs as one space, stripped; `None` when empty."""
    return " ".join(text.split()) or None


LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what the csv module and universal newlines call a line end


def make_cell(value: str, first_line: int, per_line: bool) -> Cell:
    """A cell from its raw text. A text broken over several lines (Alt+Enter in a spreadsheet)
    keeps its non-blank lines as `parts`; `lines` are the physical lines holding text when
    `per_line` (CSV), else just `first_line` (an XLSX row)."""
    if "\n" not in value and "\r" not in value:  # most cells: one line
        text = collapse(value)
        return Cell(None) if text is None else Cell(text, (first_line,), ())
    # Each non-blank line, collapsed, with its number; together they are the collapsed text
    # (a line break is whitespace too).
    kept = [(k, p) for k, s in enumerate(LINE_BREAK.split(value)) if (p := collapse(s))]
    if not kept:
        return Cell(None)
    parts = tuple(p for _, p in kept)
    lines = tuple(first_line + k for k, _ in kept) if per_line else (first_line,)
    return Cell(" ".join(parts), lines, parts if len(parts) > 1 else ())


INTEGER = re.compile(r"[0-9]+")


def build_records(rows: Sequence[Row], file: str, column: Callable[[int], str]) -> list[RawRecord]:
    """Apply the header (the first row) to the data rows; raise InputError listing every problem.

    `column(i)` names the i-th (0-based) column of the file in messages, e.g. "column 4" or "column
    D". Records come back ordered by row number.
    """
    if not rows:
        raise InputError(
            [
                Problem(
                    file, None, None, "the file is empty; expected a header row naming the columns"
                )
            ]
        )
    header, data = rows[0], [r for r in rows[1:] if any(c.text is not None for c in r.cells)]
    problems: list[Problem] = []

    positions: dict[str, list[int]] = {}
    headerless: list[int] = []
    for i, heading in enumerate(header.cells):
        if heading.text is None:
            headerless.append(i)
        elif (col := HEADINGS.get(fold(heading.text))) is None:
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    f"unknown column '{heading.text}'; expected one of the standard columns, "
                    "see data/templates/",
                )
            )
        else:
            positions.setdefault(col.key, []).append(i)
    for col in COLUMNS:
        where = positions.get(col.key)
        if where is None:
            problems.append(Problem(file, 1, col.key, f"missing column '{col.header}' ({col.key})"))
        elif len(where) > 1:
            places = " and ".join(column(i) for i in where)
            problems.append(
                Problem(
                    file,
                    1,
                    col.key,
                    f"column '{col.header}' ({col.key}) appears {len(where)} times, in {places}; "
                    "expected it once",
                )
            )
    # Data under no heading: a blank header cell, or cells past the end of the header row.
    width = len(header.cells)
    unnamed = set(headerless)
    for row in data:
        unnamed |= {i for i in range(width, len(row.cells)) if row.cells[i].text is not None}
    for i in sorted(unnamed):
        line = next((r.first_line for r in data if i < len(r.cells) and r.cells[i].text), None)
        if line is not None:
            problems.append(
                Problem(
                    file,
                    line,
                    None,
                    f"{column(i)} has no heading but holds text; expected "
                    "one of the standard column headings above it",
                )
            )

    def cell_of(row: Row, key: str) -> Cell:
        where = positions.get(key)
        if not where or where[0] >= len(row.cells):
            return Cell(None)
        return row.cells[where[0]]

    records: list[RawRecord] = []
    seen: dict[int, int] = {}  # row number -> the line it is first on
    for row in data:
        if "number" not in positions:
            break  # reported above; without it no row can be numbered
        text = cell_of(row, "number").text
        number: int | None = None
        if text is None:
            message = "expected an integer row number, found an empty cell"
        elif not INTEGER.fullmatch(text):
            message = f"expected an integer row number, found '{text}'"
        elif int(text) == 0:
            message = f"expected a row number of 1 or more, found '{text}'"
        elif int(text) in seen:
            message = f"row number {int(text)} appears twice (also on line {seen[int(text)]})"
        else:
            number = int(text)
            seen[number] = row.first_line
        if number is None:
            problems.append(Problem(file, row.first_line, "number", message))
            continue
        records.append(
            RawRecord(
                number=number,
                cells={key: cell_of(row, key) for key in CELL_KEYS},
                file=file,
                first_line=row.first_line,
                last_line=row.last_line,
            )
        )
    problems += missing_numbers(set(seen), file)
    if problems:
        raise InputError(problems)
    return sorted(records, key=lambda r: r.number)


def missing_numbers(numbers: set[int], file: str) -> list[Problem]:
    """One problem per number missing from 1..max; a long run (likely a typo) as one range."""
    problems: list[Problem] = []
    missing = [n for n in range(1, max(numbers, default=0) + 1) if n not in numbers]
    runs: list[list[int]] = []
    for n in missing:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    for run in runs:
        if len(run) > MAX_MISSING_LISTED:
            message = f"row numbers {run[0]} to {run[-1]} are missing"
            problems.append(Problem(file, None, "number", message))
        else:
            problems += [Problem(file, None, "number", f"row number {n} is missing") for n in run]
    return problems


def cannot_read(file: str, reason: str, line: int | None = None) -> InputError:
    return InputError([Problem(file, line, None, f"cannot read the file: {reason}")])


# --- CSV -----------------------------------------------------------------------------------------


def read_csv(path: Path, display_name: str | None = None) -> list[RawRecord]:
    """Read a UTF-8 CSV file (BOM allowed), comma- or semicolon-separated, header row first."""
    name = str(path) if display_name is None else display_name
    text = read_utf8(path, name)
    return build_records(
        csv_rows(text, sniff_delimiter(text), name), name, lambda i: f"column {i + 1}"
    )


def read_utf8(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise cannot_read(name, e.strerror or str(e)) from e
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise cannot_read(
            name,
            f"it is not UTF-8 text (found byte 0x{data[e.start]:02X}); save it as CSV UTF-8",
            line,
        ) from e


def sniff_delimiter(text: str) -> str:
    """`,` or `;`: whichever cuts the first record into more known headings, then more cells."""
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";"):
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        except csv.Error:
            header = []
        score = (sum(fold(h) in HEADINGS for h in header), len(header))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_rows(text: str, delimiter: str, name: str) -> list[Row]:
    """Parse CSV text into rows, each cell with the physical lines of the file holding its text."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    end = 0  # the last physical line of the previous record
    try:
        for fields in reader:
            first, end = end + 1, reader.line_num
            cells: list[Cell] = []
            line = first
            for value in fields:
                cells.append(make_cell(value, line, per_line=True))
                if "\r" in value:
                    line += len(LINE_BREAK.findall(value))
                else:
                    line += value.count("\n")
            rows.append(Row(first, end, cells))
    except csv.Error as e:
        if str(e) == "unexpected end of data":  # the file ends inside quotes
            reason = "a quoted cell in the row starting on this line is never closed"
            raise cannot_read(name, f"not valid CSV: {reason}", end + 1) from e
        raise cannot_read(name, f"not valid CSV ({e})", reader.line_num) from e
    return rows


# --- XLSX ----------------------------------------------------------------------------------------


def read_xlsx(path: Path, display_name: str | None = None) -> list[RawRecord]:
    """Read the sheet "Envanter" of an XLSX workbook, or its first sheet; header row first."""
    # (openpyxl is imported where it is used: it takes some half a second, and only an XLSX
    # source or template needs it.)
    import openpyxl
    from openpyxl.utils import get_column_letter

    name = str(path) if display_name is None else display_name
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as e:
        raise cannot_read(name, e.strerror or str(e)) from e
    except Exception as e:  # openpyxl fails on a broken file with all sorts of exceptions
        raise cannot_read(name, f"not a valid .xlsx workbook ({e})") from e
    try:
        sheets = {fold(ws.title): ws for ws in workbook.worksheets}
        sheet = sheets.get(fold(SHEET_NAME)) or next(iter(sheets.values()), None)
        if sheet is None:
            raise cannot_read(name, "the workbook has no worksheet")
        sheet.reset_dimensions()  # do not trust the stored size: some writers get it wrong
        rows = [
            Row(n, n, [xlsx_cell(v, n) for v in values])
            for n, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        ]
    except InputError:
        raise
    except Exception as e:
        raise cannot_read(name, f"not a valid .xlsx workbook ({e})") from e
    finally:
        workbook.close()
    return build_records(rows, name, lambda i: f"column {get_column_letter(i + 1)}")


def xlsx_cell(value: object, row: int) -> Cell:
    return Cell(None) if value is None else make_cell(xlsx_text(value), row, per_line=False)


def xlsx_text(value: object) -> str:
    """A cell value as text: numbers as written (integral floats without '.0'), dates in ISO."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


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
