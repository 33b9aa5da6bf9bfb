"""The source document as received, published beside what was made of it: `kaynak/<file name>`
holds the file's own bytes and `kaynak/<key>.html` its text with the line numbers the services'
line references (env:firstLine, env:lastLine) use, an anchor a line (`#satir-<n>`), so a
reader can check any service against the lines it was read from.

A text source (the PDF's text, CSV) is shown line by line as the reader numbers its lines; a
spreadsheet, Word or PDF table is shown as the rows the reader read, each under the row number
its line references use.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..read.formats import kind_of
from ..read.table import LINE_BREAK, Row

FOLDER = "kaynak"


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # a text line as it is, or a row's cells joined by " | "


@dataclass(frozen=True)
class SourcePage:
    key: str  # the inventory's key (its file's stem): id/kaynak/{key}
    file: str  # its file name, as received
    kind: str  # "txt", "csv", "xlsx" …
    rows: bool  # the lines are a table's rows, not the file's text lines
    lines: list[Line]


def page_path(key: str) -> str:
    """The page of a source document, from the site root."""
    return f"{FOLDER}/{key}.html"


def line_anchor(number: int) -> str:
    return f"satir-{number}"


def source_page(path: Path, key: str) -> SourcePage:
    """What the page of the source at `path` shows: its lines numbered as the reader numbers
    them."""
    kind = kind_of(path, path.name)
    if kind == "txt":
        # (as read/pdftext.py reads it: UTF-8, a line per "\n")
        text = path.read_text(encoding="utf-8")
        return SourcePage(key, path.name, kind, False, numbered(text.split("\n")))
    if kind == "csv":
        from ..read.delimited import decode

        # The csv module's physical lines, which the CSV reader's line references count.
        text, _ = decode(path.read_bytes())
        return SourcePage(key, path.name, kind, False, numbered(LINE_BREAK.split(text)))
    return SourcePage(key, path.name, kind, True, [row_line(r) for r in table_rows(path, kind)])


def numbered(lines: Sequence[str]) -> list[Line]:
    """The lines from 1; the empty rest after the file's last line end is no line."""
    kept = lines[:-1] if lines and lines[-1] == "" else lines
    return [Line(i, text) for i, text in enumerate(kept, start=1)]


def row_line(row: Row) -> Line:
    return Line(row.first_line, " | ".join("" if c.text is None else c.text for c in row.cells))


def table_rows(path: Path, kind: str) -> list[Row]:
    """The rows of a table file as its reader reads them (read/formats.py)."""
    if kind in ("xlsx", "xls", "ods"):
        from ..read.sheets import read_sheet

        return read_sheet(path, kind, path.name).rows
    if kind == "docx":
        from ..read.wordtable import read_docx

        return read_docx(path, path.name).rows
    from ..read.pdftables import read_pdf_tables

    return read_pdf_tables(path, path.name).rows


def write_source_docs(
    sources: Sequence[tuple[str, Path]],
    base: str,
    templates: Path,
    dist: Path,
    frame: Callable[[str], Mapping[str, object]] | None = None,
) -> list[Path]:
    """For each inventory (its key and file): the file as received and the page of its lines,
    in the site's frame for the page at a path when the build gives `frame`. Every text of the
    page is escaped (autoescape): a source is anyone's text."""
    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    template = env.get_template("source.html.j2")
    folder = dist / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for key, path in sources:
        received = folder / path.name
        shutil.copyfile(path, received)
        page = source_page(path, key)
        html = folder / f"{key}.html"
        html.write_text(
            template.render(
                iri=f"{base}id/{FOLDER}/{key}",
                page=page,
                anchor=line_anchor,
                layout="base.html.j2" if frame else "bare.html.j2",
                **(frame(page_path(key)) if frame else {}),
            ),
            encoding="utf-8",
        )
        written += [received, html]
    return written
