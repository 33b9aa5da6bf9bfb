"""Which reader reads a source, by what the file is (its first bytes) and then by its suffix, and
what the build log says about it: the format, the encoding, the header and footer rows found.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from . import pdftext
from .inventory import RawRecord
from .limits import check_file, refused
from .table import LINE_BREAK, Row, Table, read_table

SUPPORTED = ".csv, .tsv, .xlsx, .xls, .ods, .docx, .pdf or .txt (the seed's PDF text)"
SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".docx": "docx",
    ".pdf": "pdf",
    ".txt": "txt",
}
NAMES = {
    "csv": "CSV",
    "xlsx": "XLSX workbook",
    "xls": "XLS workbook",
    "ods": "ODS spreadsheet",
    "docx": "DOCX document",
    "pdf": "PDF",
    "txt": "PDF text",
}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Office files: .xls (and .doc)


@dataclass(frozen=True)
class SourceLines:
    """A source as its reader read it, numbered as the line references number it: the text's
    lines (a CSV file's physical lines, a PDF text's lines), or a table's rows (a spreadsheet,
    Word or PDF table: each row's cells joined by " | ") under the row number their references
    use. The source document's page (publication/sourcedoc.py) shows them."""

    rows: bool  # the lines are a table's rows, not the file's text lines
    lines: list[tuple[int, str]]  # (number, text), numbers rising
    # The encoding the reader decoded the file in, as a charset name (`windows-1254`); None
    # for a file that is no text (a spreadsheet, a document).
    charset: str | None


# The lines a page of the source document shows, as the site pages its other lists
# (publication/paging.py's PAGE_SIZE, which a test holds equal): the services table records the
# page of each service's first line, so the graph links the line on its page.
SOURCE_PAGE_LINES = 500


def source_page(line: int) -> int:
    """The page of the source document (from 1) that shows the line numbered `line`: page n
    shows the lines numbered (n - 1) × SOURCE_PAGE_LINES + 1 to n × SOURCE_PAGE_LINES."""
    return (max(line, 1) - 1) // SOURCE_PAGE_LINES + 1


# The reader's name of an encoding (read/delimited.py) → its charset name (IANA).
CHARSETS = {
    "UTF-8": "utf-8",
    "UTF-8 with BOM": "utf-8",
    "UTF-16": "utf-16",
    "Windows-1254": "windows-1254",
    "ISO-8859-9": "iso-8859-9",
}


def received_charset(path: Path) -> str | None:
    """The charset a text source is read in, as its reader finds it (a CSV file's by
    read/delimited.py's order, a PDF text's UTF-8); None for a file that is no text or not a
    source. What a server answers the file as received with."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "txt":
        return "utf-8"
    if kind != "csv":
        return None
    from .delimited import decode

    try:
        return CHARSETS[decode(path.read_bytes())[1]]
    except OSError:
        return None


def text_source(lines: list[str], charset: str) -> SourceLines:
    """A text's lines, numbered from 1."""
    return SourceLines(False, list(enumerate(lines, start=1)), charset)


def table_source(rows: list[Row]) -> SourceLines:
    return SourceLines(
        True,
        [
            (r.first_line, " | ".join("" if c.text is None else c.text for c in r.cells))
            for r in rows
        ],
        None,
    )


@dataclass
class Reading:
    """The records of a source and what the build log says about reading it."""

    records: list[RawRecord]
    notes: list[str] = field(default_factory=list)  # format, encoding, header and footer rows
    warnings: list[Problem] = field(default_factory=list)
    # The text found above the header (the institution, the department) and under the last
    # service (dates, signatures, notes), one entry a row: hints for drafting the metadata.
    title_rows: tuple[str, ...] = ()
    footer_rows: tuple[str, ...] = ()
    source: SourceLines = SourceLines(False, [], None)


def kind_of(path: Path, file: str) -> str:
    """The format of a source: by its first bytes where they tell, else by its suffix."""
    suffix = SUFFIXES.get(path.suffix.lower())
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(OLE):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype") if "mimetype" in names else b""
        except zipfile.BadZipFile as e:
            raise refused(file, f"cannot read the file: a broken zip archive ({e})") from e
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
    if suffix is None:
        found = f"'{path.suffix}'" if path.suffix else "(no suffix)"
        raise refused(file, f"unsupported file type {found}; expected {SUPPORTED}")
    return suffix


def read_inventory(path: Path, file: str) -> Reading:
    """Read an inventory in any supported format; refuse it, with every problem, if it cannot
    be read as a table or holds no service."""
    check_file(path, file)
    kind = kind_of(path, file)
    notes = [f"format: {NAMES[kind]}"]
    if kind == "txt":
        lines = pdftext.text_lines(path, file)
        records = pdftext.records_of_lines(path, lines, file)
        if not records:
            raise refused(file, "the text holds no service; expected the inventory table")
        return Reading(records, notes, source=text_source(lines, "utf-8"))
    table, source = read_as_table(path, kind, file, notes)
    notes.append("header: " + rows_named(table.header_lines))
    notes += [f"title: {t}" for t in table.titles]
    notes += [f"footer: {t}" for t in table.footers]
    return Reading(
        table.records,
        notes,
        table.warnings,
        tuple(table.titles),
        tuple(table.footers),
        source,
    )


def rows_named(lines: list[int]) -> str:
    return f"row {lines[0]}" if len(lines) == 1 else f"rows {lines[0]}-{lines[-1]}"


def read_as_table(path: Path, kind: str, file: str, notes: list[str]) -> tuple[Table, SourceLines]:
    """The table of a source and its lines as read."""
    if kind == "csv":
        from .delimited import read_delimited

        try:
            data = path.read_bytes()
        except OSError as e:
            raise refused(file, f"cannot read the file: {e.strerror or e}") from e
        delimited = read_delimited(data, file)
        notes.append(f"encoding: {delimited.encoding}, {delimited.delimiter}-separated")
        # The csv module's physical lines, which the CSV reader's line references count; the
        # empty rest after the file's last line end is no line.
        lines = LINE_BREAK.split(delimited.text)
        if lines and lines[-1] == "":
            lines.pop()
        source = text_source(lines, CHARSETS[delimited.encoding])
        return read_table(delimited.rows, file, lambda i: f"column {i + 1}"), source
    if kind in ("xlsx", "xls", "ods"):
        from .sheets import column_letters, read_sheet

        sheet = read_sheet(path, kind, file)
        notes.append(f"sheet: '{sheet.name}'")
        table = read_table(sheet.rows, file, lambda i: f"column {column_letters(i)}")
        return table, table_source(sheet.rows)
    if kind == "docx":
        from .wordtable import read_docx

        word = read_docx(path, file)
        if not word.tables:
            raise no_table(file, "no table of the document", word.before)
        notes.append(f"tables: {word.tables}")
        table = read_table(word.rows, file, table_column, word.before, word.after)
        return table, table_source(word.rows)
    from .pdftables import read_pdf_tables

    pdf = read_pdf_tables(path, file)
    if not pdf.rows:
        raise no_table(file, f"no ruled table on the {pdf.pages} page(s) of the PDF", pdf.before)
    notes.append(f"pages: {pdf.pages}")
    table = read_table(pdf.rows, file, table_column, pdf.before, pdf.after)
    return table, table_source(pdf.rows)


def table_column(i: int) -> str:
    return f"column {i + 1}"


def no_table(file: str, where: str, text: list[str]) -> InputError:
    shown = "; ".join(f"'{t[:60]}'" for t in text[:5]) or "no text"
    return refused(
        file,
        f"{where} has a header row naming the standard columns ('Sıra No', 'Hizmetin Adı', …); "
        f"found {shown}",
    )
