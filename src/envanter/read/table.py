"""Finding the inventory table among the rows of a file, and making records of its rows.

Institutions publish the table with title rows above it (the institution, the department), a one-
or two-row header (the four unit sub-headings under one spanning heading), sometimes a row
numbering the columns, and footer rows under it (signatures, "Güncelleme Tarihi", notes). The
title and footer rows are kept as text hints, not errors. A file is refused only when it cannot
be read as a table: no header, no service names, row numbers that clash or cannot be numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..errors import InputError, Problem
from .headings import column_of, is_group
from .inventory import CELL_KEYS, COLUMNS, Cell, RawRecord
from .limits import MAX_CELL_CHARS, MAX_ROW_NUMBER

HEADER_SCAN = 30  # rows looked at for the header: title rows above it are a handful at most
MIN_HEADINGS = 3  # a header names the service and at least two other columns
MAX_MISSING_LISTED = 10  # a longer run of missing row numbers is reported as one range
SHOWN_CHARS = 60  # of each row shown when the header cannot be found


@dataclass(frozen=True)
class Row:
    """One row of a table file, cells in file order, before the header is applied."""

    first_line: int
    last_line: int
    cells: Sequence[Cell]

    def texts(self) -> list[str]:
        return [c.text for c in self.cells if c.text is not None]


@dataclass
class Table:
    """The records of a table and what was found around them, for the build log."""

    records: list[RawRecord]
    header_lines: list[int]
    titles: list[str] = field(default_factory=list)  # text above the header, one entry a row
    footers: list[str] = field(default_factory=list)  # text under the last service
    warnings: list[Problem] = field(default_factory=list)


def collapse(text: str) -> str | None:
    """The cell text as we keep it: whitespace runs as one space, stripped; `None` when empty."""
    return " ".join(text.split()) or None


LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what the csv module and universal newlines call a line end


EMPTY = Cell(None)  # one for every empty cell: a file may hold millions of them


def make_cell(value: str, first_line: int, per_line: bool) -> Cell:
    """A cell from its raw text. A text broken over several lines (Alt+Enter in a spreadsheet)
    keeps its non-blank lines as `parts`; `lines` are the physical lines holding text when
    `per_line` (CSV), else just `first_line` (a spreadsheet row)."""
    if "\n" not in value and "\r" not in value:  # most cells: one line
        text = collapse(value)
        return EMPTY if text is None else Cell(text, (first_line,), ())
    # Each non-blank line, collapsed, with its number; together they are the collapsed text
    # (a line break is whitespace too).
    kept = [(k, p) for k, s in enumerate(LINE_BREAK.split(value)) if (p := collapse(s))]
    if not kept:
        return EMPTY
    parts = tuple(p for _, p in kept)
    lines = tuple(first_line + k for k, _ in kept) if per_line else (first_line,)
    return Cell(" ".join(parts), lines, parts if len(parts) > 1 else ())


ROW_NUMBER = re.compile(r"([0-9]+)\.?")  # "12" or, in Word tables, "12."
COLUMN_NUMBERING = re.compile(r"\(?([0-9]+)\)?")


def header_columns(row: Row) -> dict[int, str]:
    """The columns a row names, by position (a row that is not a header names few or none)."""
    found: dict[int, str] = {}
    for i, cell in enumerate(row.cells):
        if cell.text is not None and (col := column_of(cell.text)) is not None:
            found[i] = col.key
    return found


def is_header(named: dict[int, str]) -> bool:
    return "name" in named.values() and len(set(named.values())) >= MIN_HEADINGS


def shown(row: Row) -> str:
    text = " | ".join(row.texts())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def no_header(rows: Sequence[Row], file: str) -> InputError:
    looked = [r for r in rows[:HEADER_SCAN] if r.texts()]
    listing = "; ".join(f"row {r.first_line}: '{shown(r)}'" for r in looked[:8]) or "all empty"
    if not rows or not looked:
        message = "the file is empty; expected a header row naming the columns"
    else:
        message = (
            f"no header row found in the first {min(len(rows), HEADER_SCAN)} rows: expected a "
            "row naming the standard columns ('Sıra No', 'Hizmetin Adı', …, see data/templates/); "
            f"looked at {listing}"
        )
    return InputError([Problem(file, None, None, message)])


def find_header(rows: Sequence[Row], file: str) -> tuple[int, dict[int, str], int]:
    """The index of the header's first row, its columns by position, and how many rows it has.

    A two-row header has the spanning unit heading (or a blank) above a sub-heading: where the
    first row names no column, the row under it may.
    """
    for k, row in enumerate(rows[:HEADER_SCAN]):
        named = header_columns(row)
        if not is_header(named):
            continue
        if k + 1 < len(rows):
            below = header_columns(rows[k + 1])
            extra = {i: key for i, key in below.items() if i not in named}
            spans = any(c.text is not None and is_group(c.text) for c in row.cells)
            if extra and (spans or set(extra.values()) - set(named.values())):
                return k, {**named, **extra}, 2
        return k, named, 1
    raise no_header(rows, file)


def is_column_numbering(row: Row) -> bool:
    """The row of column numbers "1 2 3 …" (or "(1) (2) …") some offices put under the header."""
    texts = row.texts()
    numbers = [m.group(1) for t in texts if (m := COLUMN_NUMBERING.fullmatch(t))]
    return len(texts) >= MIN_HEADINGS and len(numbers) == len(texts) and len(set(numbers)) > 1


def read_table(
    rows: Sequence[Row],
    file: str,
    column: Callable[[int], str],
    before: Sequence[str] = (),
    after: Sequence[str] = (),
) -> Table:
    """Find the header and make one record per service row; raise InputError with every problem.

    `column(i)` names the i-th (0-based) column of the file in messages ("column D"). `before`
    and `after` are text the reader found outside the table (a document's paragraphs).
    """
    start, named, height = find_header(rows, file)
    header_lines = [r.first_line for r in rows[start : start + height]]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    titles = [*before, *(" ".join(r.texts()) for r in rows[:start] if r.texts())]

    positions: dict[str, list[int]] = {}
    for i, key in sorted(named.items()):
        positions.setdefault(key, []).append(i)
    header_line = header_lines[0]
    for key, where in positions.items():
        if len(where) > 1:
            col = next(c for c in COLUMNS if c.key == key)
            places = " and ".join(column(i) for i in where)
            problems.append(
                Problem(
                    file,
                    header_line,
                    key,
                    f"column '{col.header}' ({key}) appears {len(where)} times, in {places}; "
                    "expected it once",
                )
            )
    for col in COLUMNS:
        if col.key not in positions and col.key != "number":
            warnings.append(
                Problem(
                    file,
                    header_line,
                    col.key,
                    f"no column '{col.header}' in the header; its cells are taken as empty",
                )
            )
    header_rows = rows[start : start + height]
    for i in sorted({i for r in header_rows for i, c in enumerate(r.cells) if c.text}):
        if i not in named and not any(
            i < len(r.cells) and r.cells[i].text and is_group(r.cells[i].text or "")
            for r in header_rows
        ):
            heading = next(
                r.cells[i].text for r in header_rows if i < len(r.cells) and r.cells[i].text
            )
            warnings.append(
                Problem(
                    file,
                    header_line,
                    None,
                    f"{column(i)} '{heading}' is not one of the standard columns; ignored",
                )
            )

    body = [r for r in rows[start + height :] if r.texts()]
    if body and is_column_numbering(body[0]):
        body = body[1:]
    number_at = positions.get("number", [None])[0]
    name_at = positions["name"][0]

    def cell(row: Row, at: int | None) -> Cell:
        return row.cells[at] if at is not None and at < len(row.cells) else Cell(None)

    def is_numbered(row: Row) -> bool:
        text = cell(row, number_at).text
        return text is not None and ROW_NUMBER.fullmatch(text) is not None

    # The header repeated on every page (a PDF, a long Word table). A numbered row is a service:
    # only the others are matched against the headings, which costs a pass over every cell.
    body = [r for r in body if is_numbered(r) or not is_header(header_columns(r))]

    def is_service(row: Row) -> bool:
        if is_numbered(row):
            return True
        return cell(row, name_at).text is not None and len(row.texts()) >= MIN_HEADINGS

    last = max((k for k, r in enumerate(body) if is_service(r)), default=-1)
    footers = [" ".join(r.texts()) for r in body[last + 1 :]] + list(after)
    body = body[: last + 1]
    if number_at is None:
        warnings.append(
            Problem(file, header_line, "number", "no column 'Sıra No': rows numbered in order")
        )

    records: list[RawRecord] = []
    seen: dict[int, int] = {}  # row number -> the line it is first on
    for row in body:
        for i, c in enumerate(row.cells):
            if c.text is not None and len(c.text) > MAX_CELL_CHARS:
                problems.append(too_long(file, row.first_line, column(i), len(c.text)))
        if not is_service(row):
            # A row holding a note or a section title inside the table, with no service name.
            warnings.append(
                Problem(
                    file,
                    row.first_line,
                    None,
                    f"'{shown(row)}' names no service; kept as a note, not read as a service",
                )
            )
            continue
        number: int | None = len(records) + 1
        message = ""
        if number_at is not None:
            number, message = row_number(cell(row, number_at).text, seen)
        if number is None:
            problems.append(Problem(file, row.first_line, "number", message))
            continue
        seen[number] = row.first_line
        records.append(
            RawRecord(
                number=number,
                cells={key: cell(row, positions.get(key, [None])[0]) for key in CELL_KEYS},
                file=file,
                first_line=row.first_line,
                last_line=row.last_line,
            )
        )
    problems += missing_numbers(set(seen), file)
    if not records and not problems:
        problems.append(
            Problem(
                file,
                None,
                None,
                "the table has a header but no services; expected one row per service under it",
            )
        )
    if problems:
        raise InputError(problems)
    records.sort(key=lambda r: r.number)
    warnings.sort(key=lambda p: (p.line or 0, p.field or "", p.message))
    return Table(records, header_lines, titles, footers, warnings)


def row_number(text: str | None, seen: dict[int, int]) -> tuple[int | None, str]:
    """The row number of a cell, or `None` and why it is not one."""
    m = ROW_NUMBER.fullmatch(text) if text is not None else None
    if text is None:
        return None, "expected an integer row number, found an empty cell"
    if m is None:
        return None, f"expected an integer row number, found '{shown_text(text)}'"
    digits = m.group(1).lstrip("0")
    if not digits:
        return None, f"expected a row number of 1 or more, found '{text}'"
    if len(digits) > len(str(MAX_ROW_NUMBER)) or int(digits) > MAX_ROW_NUMBER:
        return None, (
            f"row number '{shown_text(text)}' is too large; expected at most {MAX_ROW_NUMBER:,}"
        )
    number = int(digits)
    if number in seen:
        return None, f"row number {number} appears twice (also on line {seen[number]})"
    return number, ""


def shown_text(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def too_long(file: str, line: int, column: str, length: int) -> Problem:
    return Problem(
        file,
        line,
        None,
        f"the cell in {column} holds {length:,} characters, more than the "
        f"{MAX_CELL_CHARS // 1024} KB a cell may hold; is this the inventory table?",
    )


def missing_numbers(numbers: set[int], file: str) -> list[Problem]:
    """One problem per number missing from 1..max; a long run (likely a typo) as one range."""
    problems: list[Problem] = []
    previous = 0
    for n in sorted(numbers):  # the gaps between the numbers present: never 1..max one by one
        first, last = previous + 1, n - 1
        if last - first + 1 > MAX_MISSING_LISTED:
            message = f"row numbers {first} to {last} are missing"
            problems.append(Problem(file, None, "number", message))
        else:
            problems += [
                Problem(file, None, "number", f"row number {m} is missing")
                for m in range(first, last + 1)
            ]
        previous = n
    return problems
