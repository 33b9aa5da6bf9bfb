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
from .table import Table, read_table

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
        records = pdftext.read_pdf_text(path, file)
        if not records:
            raise refused(file, "the text holds no service; expected the inventory table")
        return Reading(records, notes)
    table = read_as_table(path, kind, file, notes)
    notes.append("header: " + rows_named(table.header_lines))
    notes += [f"title: {t}" for t in table.titles]
    notes += [f"footer: {t}" for t in table.footers]
    return Reading(table.records, notes, table.warnings, tuple(table.titles), tuple(table.footers))


def rows_named(lines: list[int]) -> str:
    return f"row {lines[0]}" if len(lines) == 1 else f"rows {lines[0]}-{lines[-1]}"


def read_as_table(path: Path, kind: str, file: str, notes: list[str]) -> Table:
    if kind == "csv":
        from .delimited import read_delimited

        try:
            data = path.read_bytes()
        except OSError as e:
            raise refused(file, f"cannot read the file: {e.strerror or e}") from e
        delimited = read_delimited(data, file)
        notes.append(f"encoding: {delimited.encoding}, {delimited.delimiter}-separated")
        return read_table(delimited.rows, file, lambda i: f"column {i + 1}")
    if kind in ("xlsx", "xls", "ods"):
        from .sheets import column_letters, read_sheet

        sheet = read_sheet(path, kind, file)
        notes.append(f"sheet: '{sheet.name}'")
        return read_table(sheet.rows, file, lambda i: f"column {column_letters(i)}")
    if kind == "docx":
        from .wordtable import read_docx

        word = read_docx(path, file)
        if not word.tables:
            raise no_table(file, "no table of the document", word.before)
        notes.append(f"tables: {word.tables}")
        return read_table(word.rows, file, table_column, word.before, word.after)
    from .pdftables import read_pdf_tables

    pdf = read_pdf_tables(path, file)
    if not pdf.rows:
        raise no_table(file, f"no ruled table on the {pdf.pages} page(s) of the PDF", pdf.before)
    notes.append(f"pages: {pdf.pages}")
    return read_table(pdf.rows, file, table_column, pdf.before, pdf.after)


def table_column(i: int) -> str:
    return f"column {i + 1}"


def no_table(file: str, where: str, text: list[str]) -> InputError:
    shown = "; ".join(f"'{t[:60]}'" for t in text[:5]) or "no text"
    return refused(
        file,
        f"{where} has a header row naming the standard columns ('Sıra No', 'Hizmetin Adı', …); "
        f"found {shown}",
    )
