"""CSV as institutions save it: UTF-8 (with or without a BOM) or Turkish Excel's Windows-1254,
separated by `,`, `;` or tab.

The encoding is not guessed but found by a strict order: UTF-8 (which a file in a legacy code page
almost never passes), then Windows-1254, then ISO-8859-9 (which decodes any byte). The one used is
named in the build log, so a wrong choice is seen.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from .limits import MAX_CELL_CHARS, MAX_CELLS, refused
from .table import LINE_BREAK, Row, header_columns, make_cell

ENCODINGS = (("utf-8", "UTF-8"), ("cp1254", "Windows-1254"), ("iso-8859-9", "ISO-8859-9"))
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
SNIFFED_RECORDS = 30  # the header is among the first rows, after a few title rows at most
SNIFFED_CELLS = 100


@dataclass(frozen=True)
class Delimited:
    rows: list[Row]
    encoding: str
    delimiter: str
    text: str  # the file's text as decoded: the source document shows its physical lines


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass  # a BOM before text in another encoding: decoded by the order below
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    for codec, label in ENCODINGS:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise AssertionError("ISO-8859-9 decodes every byte")


def sniff_delimiter(text: str) -> str:
    """The delimiter that cuts some early record into the most known headings, then into the
    most cells."""
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        named = width = 0
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for k, fields in enumerate(reader):
                if k == SNIFFED_RECORDS:
                    break
                # (The first cells only: a header has twenty, a hostile row millions.)
                row = Row(k, k, [make_cell(f, k, per_line=False) for f in fields[:SNIFFED_CELLS]])
                named = max(named, len(set(header_columns(row).values())))
                width = max(width, len(fields))
        except csv.Error:
            pass  # scored on the records read before the error
        if (named, width) > best_score:
            best, best_score = delimiter, (named, width)
    return best


def read_delimited(data: bytes, file: str) -> Delimited:
    """The rows of a CSV file, each cell with the physical lines of the file holding its text."""
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    end = 0  # the last physical line of the previous record
    cells_read = 0
    try:
        for fields in reader:
            first, end = end + 1, reader.line_num
            cells_read += len(fields)
            if cells_read > MAX_CELLS:
                raise refused(
                    file,
                    f"the file holds more than the {MAX_CELLS:,} cells read; "
                    "is this the inventory table?",
                    first,
                )
            cells = []
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
            raise refused(file, f"cannot read the file: not valid CSV: {reason}", end + 1) from e
        if str(e).startswith("field larger than field limit"):
            raise refused(
                file,
                f"a cell in the row starting on this line is longer than the "
                f"{MAX_CELL_CHARS // 1024} KB a cell may hold (or a quote in it is never "
                "closed); is this the inventory table?",
                end + 1,
            ) from e
        raise refused(file, f"cannot read the file: not valid CSV ({e})", reader.line_num) from e
    return Delimited(rows, encoding, DELIMITERS[delimiter], text)
