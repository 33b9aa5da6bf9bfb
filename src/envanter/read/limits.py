"""Bounds on reading, checked before a file's own claims about its size are trusted.

A source is read whatever it holds: a `.csv` that is a device, an XLSX whose few kilobytes
inflate to a gigabyte (a zip bomb), or whose one cell at XFD1048576 makes the spreadsheet reader
allocate every cell up to it, an ODS row repeated a million times. Each is refused with a message
before it can take the build's memory or time.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError, Problem

MAX_FILE_BYTES = 256 * 2**20  # some 100,000 services in CSV; a real inventory is a few MB
MAX_UNPACKED_BYTES = 1024 * 2**20  # all members of an XLSX, ODS or DOCX archive, unpacked
MAX_RATIO = 100  # unpacked / packed, for members over RATIO_FROM: XML packs some 5-20 times
RATIO_FROM = 2**20
MAX_CELLS = 10_000_000  # rows x columns of a sheet, as the spreadsheet reader allocates them
MAX_CELL_CHARS = 128 * 1024
MAX_ROW_NUMBER = 1_000_000
CHUNK = 2**20


def refused(file: str, message: str, line: int | None = None) -> InputError:
    return InputError([Problem(file, line, None, message)])


def check_file(path: Path, file: str) -> None:
    """A regular file of at most MAX_FILE_BYTES; not a device, a pipe or a folder."""
    try:
        status = path.stat()
    except OSError as e:
        raise refused(file, f"cannot read the file: {e.strerror or e}") from e
    if not stat.S_ISREG(status.st_mode):
        raise refused(
            file, "cannot read the file: it is not a regular file (a folder, device or pipe)"
        )
    if status.st_size > MAX_FILE_BYTES:
        raise refused(
            file,
            f"the file is {status.st_size / 2**20:,.0f} MB, more than the "
            f"{MAX_FILE_BYTES // 2**20} MB a source may be; is this the inventory?",
        )


def check_archive(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a zip bomb: too much unpacked in all, or a member packed too tightly."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise refused(
                file,
                f"'{member.filename}' in the file unpacks to {member.file_size / 2**20:,.0f} MB, "
                f"{ratio:,.0f} times its packed size; refused as a zip bomb",
            )
    if total > MAX_UNPACKED_BYTES:
        raise refused(
            file,
            f"the file unpacks to {total / 2**20:,.0f} MB, more than the "
            f"{MAX_UNPACKED_BYTES // 2**20} MB allowed",
        )


def chunks(stream: IO[bytes], overlap: int) -> Iterator[bytes]:
    """The stream in chunks, each starting with the last `overlap` bytes of the one before, so
    that a tag cut at a chunk's end is whole in the next."""
    tail = b""
    while block := stream.read(CHUNK):
        yield tail + block
        tail = (tail + block)[-overlap:]


# An XLSX cell that holds something (not a self-closing `<c r="B2" s="1"/>` of formatting).
XLSX_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(?<!/)>')


def column_number(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + b - 64
    return n


def check_xlsx_extent(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a sheet whose used range (what the reader allocates) exceeds MAX_CELLS."""
    for member in archive.namelist():
        if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
            continue
        rows = columns = 0
        with archive.open(member) as stream:
            for chunk in chunks(stream, 512):
                for m in XLSX_CELL.finditer(chunk):
                    columns = max(columns, column_number(m.group(1)))
                    rows = max(rows, int(m.group(2)))
        if rows * columns > MAX_CELLS:
            raise too_many_cells(file, rows, columns)


def too_many_cells(file: str, rows: int, columns: int) -> InputError:
    return refused(
        file,
        f"a sheet reaches row {rows:,} and column {columns:,} ({rows * columns:,} cells), more "
        f"than the {MAX_CELLS:,} cells read; delete what is beyond the inventory table",
    )


ODS_ELEMENT = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>|</table:(table-row|table)>"
)
REPEATED = re.compile(rb'table:number-(?:rows|columns)-repeated="([0-9]+)"')


def check_ods_extent(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse an ODS whose repeated rows and columns, as the reader expands them around the
    cells that hold something, exceed MAX_CELLS (empty repeats at the end cost nothing)."""
    try:
        stream = archive.open("content.xml")
    except KeyError as e:
        raise refused(file, "not a valid .ods file: it has no content.xml") from e
    rows = columns = 0  # of the current table: the extent of its cells holding something
    row = 0  # rows before the current one
    row_repeat = 1
    column = 0
    with stream:
        # (Elements cut by a chunk's edge: a tag is whole in the chunk after; one seen twice
        # would be counted twice, so each chunk is scanned only up to its last '<'.)
        rest = b""
        while block := stream.read(CHUNK):
            data = rest + block
            cut = data.rfind(b"<")
            scan, rest = data[:cut], data[cut:]
            for m in ODS_ELEMENT.finditer(scan):
                if m.group(4) == b"table":
                    row = 0
                    continue
                if m.group(4) == b"table-row":
                    row += row_repeat
                    continue
                kind, attributes, empty = m.group(1), m.group(2), m.group(3)
                repeat = int(r.group(1)) if (r := REPEATED.search(attributes)) else 1
                if kind == b"table":
                    row = 0
                elif kind == b"table-row":
                    row_repeat, column = repeat, 0
                    if empty:
                        row += repeat
                else:
                    has_value = b"value-type" in attributes or not empty
                    column += repeat
                    if has_value:
                        columns = max(columns, column)
                        rows = max(rows, row + row_repeat)
                        if rows * max(columns, 1) > MAX_CELLS:
                            raise too_many_cells(file, rows, columns)


# BIFF8 records holding a cell: (row, column) are their first two 16-bit fields; MULRK and
# MULBLANK hold a run of columns whose last is their last 16-bit field.
XLS_CELLS = {0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0006, 0x00D6, 0x0201}
XLS_RUNS = {0x00BD, 0x00BE}


def check_xls_extent(path: Path, file: str) -> None:
    """Refuse an XLS whose sheets reach further than MAX_CELLS, as check_xlsx_extent does: the
    reader allocates every cell up to the farthest one (65,536 x 256 at most, some 540 MB)."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise refused(file, "cannot read the file: not a valid .xls workbook")
            stream = ole.openstream(name)
            rows = columns = 0
            while len(head := stream.read(4)) == 4:
                kind, length = struct.unpack("<HH", head)
                body = stream.read(length)
                if kind in XLS_CELLS and length >= 4:
                    row, column = struct.unpack_from("<HH", body)
                elif kind in XLS_RUNS and length >= 6:
                    row = struct.unpack_from("<H", body)[0]
                    column = struct.unpack_from("<H", body, length - 2)[0]
                else:
                    continue
                rows, columns = max(rows, row + 1), max(columns, column + 1)
    except InputError:
        raise
    except Exception as e:  # olefile reports a broken file with many exception types
        raise refused(file, f"cannot read the file: not a valid .xls workbook ({e})") from e
    if rows * columns > MAX_CELLS:
        raise too_many_cells(file, rows, columns)
