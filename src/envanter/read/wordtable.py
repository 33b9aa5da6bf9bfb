"""DOCX: the inventory as a Word table.

The table read is the first whose first rows hold the header; the tables right after it with as
many columns are its continuation (Word splits a table at a section or page break). Paragraphs
before it are title hints, paragraphs after it footer hints. A cell merged across columns is read
once, in its first column; each paragraph or line break in a cell is a line of its text.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from ..errors import InputError
from .limits import check_archive, refused
from .table import HEADER_SCAN, Row, header_columns, is_header, make_cell


@dataclass
class Word:
    rows: list[Row] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    tables: int = 0


def table_rows(table: WordTable, first: int) -> list[Row]:
    rows: list[Row] = []
    for n, row in enumerate(table.rows, start=first):
        cells = []
        previous = None
        for cell in row.cells:
            # python-docx repeats a horizontally merged cell in every column it spans.
            same = cell._tc is previous
            previous = cell._tc
            cells.append(make_cell("" if same else cell.text, n, per_line=False))
        rows.append(Row(n, n, cells))
    return rows


def read_docx(path: Path, file: str) -> Word:
    """The rows of the inventory's table and the paragraphs around it."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, file)
        document = Document(str(path))
    except InputError:
        raise
    except Exception as e:  # python-docx and lxml report a broken file with many exception types
        raise refused(file, f"cannot read the file: not a valid .docx document ({e})") from e
    word = Word()
    width = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = " ".join(block.text.split())
            if text:
                (word.after if word.tables else word.before).append(text)
            continue
        rows = table_rows(block, len(word.rows) + 1)
        header = any(is_header(header_columns(r)) for r in rows[:HEADER_SCAN])
        columns = max((len(r.cells) for r in rows), default=0)
        if not word.tables and header:
            word.rows, width, word.tables = rows, columns, 1
        elif word.tables and not word.after and columns == width:
            word.rows += rows
            word.tables += 1
    return word
