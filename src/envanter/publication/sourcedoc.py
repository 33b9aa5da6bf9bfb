"""The source document as received, published beside what was made of it: `kaynak/<file name>`
holds the file's own bytes and `kaynak/<key>.html` its text with the line numbers the services'
line references (env:firstLine, env:lastLine) use, an anchor a line (`#satir-<n>`), so a
reader can check any service against the lines it was read from.

A text source (the PDF's text, CSV) is shown line by line as the reader numbered its lines; a
spreadsheet, Word or PDF table is shown as the rows the reader read, each under the row number
its line references use. The lines are the reading stage's (read/formats.py `SourceLines`),
never read again here.

The page is paged like the site's other lists (paging.py), by line number so that a line's page
follows from its number alone: page n holds the lines numbered (n - 1) × PAGE_SIZE + 1 to
n × PAGE_SIZE, page 1 at `kaynak/<key>.html`, page n at `kaynak/<key>/sayfa/<n>.html`. A table
whose row numbers skip (empty rows) has pages with fewer rows, but every page up to the last
number is written, so a page's address never depends on what the file holds.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..read.formats import SourceLines
from ..read.formats import source_page as page_number
from .paging import PAGE_SIZE, Pager, page_paths

FOLDER = "kaynak"


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # a text line as it is, or a row's cells joined by " | "


@dataclass(frozen=True)
class SourcePage:
    key: str  # the inventory's key (its file's stem): id/kaynak/{key}
    file: str  # its file name, as received
    rows: bool  # the lines are a table's rows, not the file's text lines
    lines: list[Line]  # the page's lines
    pager: Pager


def page_path(key: str) -> str:
    """The first page of a source document, from the site root."""
    return f"{FOLDER}/{key}.html"


def line_page(key: str, line: int) -> str:
    """The page of a source document that shows the line numbered `line`, from the site root."""
    n = page_number(line)
    return page_path(key) if n == 1 else f"{FOLDER}/{key}/sayfa/{n}.html"


def line_anchor(number: int) -> str:
    return f"satir-{number}"


def line_link(key: str, line: int) -> str:
    """A line on its page, from the site root: `kaynak/<key>/sayfa/3.html#satir-1203`."""
    return f"{line_page(key, line)}#{line_anchor(line)}"


def source_pages(key: str, file: str, source: SourceLines) -> list[SourcePage]:
    """The pages of a source document: its lines, PAGE_SIZE numbers a page."""
    last = source.lines[-1][0] if source.lines else 0
    paths = page_paths(page_path(key), last)
    by_page: list[list[Line]] = [[] for _ in paths]
    for number, text in source.lines:
        by_page[page_number(number) - 1].append(Line(number, text))
    return [
        SourcePage(
            key,
            file,
            source.rows,
            lines,
            Pager(path, n, paths, last, (n - 1) * PAGE_SIZE + 1),
        )
        for n, (path, lines) in enumerate(zip(paths, by_page, strict=True), start=1)
    ]


def write_source_docs(
    sources: Iterable[tuple[str, Path, SourceLines]],
    base: str,
    templates: Path,
    dist: Path,
    frame: Callable[[str], Mapping[str, object]] | None = None,
) -> list[Path]:
    """For each inventory (its key, its file and its lines as read): the file as received and
    the pages of its lines, in the site's frame for the page at a path when the build gives
    `frame`. Every text of the page is escaped (autoescape): a source is anyone's text."""
    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    template = env.get_template("source.html.j2")
    folder = dist / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for key, path, source in sources:
        received = folder / path.name
        shutil.copyfile(path, received)
        written.append(received)
        for page in source_pages(key, path.name, source):
            html = dist / page.pager.path
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(
                template.render(
                    iri=f"{base}id/{FOLDER}/{key}",
                    page=page,
                    up="../" * page.pager.path.count("/"),
                    anchor=line_anchor,
                    layout="base.html.j2" if frame else "bare.html.j2",
                    **(frame(page.pager.path) if frame else {}),
                ),
                encoding="utf-8",
            )
            written.append(html)
    return written
