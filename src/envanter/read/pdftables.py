"""PDF tables, read straight from the PDF: a table exported from Word or Excel, ruled as offices
rule them.

Each cell's words are gathered into lines. A line that ends where the next line's first word
would not have fitted is a wrap and is joined to it with a space; any other line break is one the
steward typed (a new item of a list), kept as a line break. The seed's text export is read by
pdftext.py, not here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .limits import refused
from .table import Row, header_columns, is_header, make_cell

LINE_TOLERANCE = 3.0  # points: words of one line differ this little in their top
CELL_PADDING = 2.0  # points between a cell's border and its text, when no line shows it
# A line starting a list item: a bullet, "1." "1)" "1-" (not "1.250"), "a)" alone.
ITEM_START = re.compile(r"[-•*–·]|[0-9]{1,2}([.)-]$|[)-]|\.(?![0-9]))|[a-zçğıöşü][.)]$")
ADDRESS = re.compile(r"(https?://|www\.)\S+$")
MAX_PAGES = 2000


@dataclass
class Pdf:
    rows: list[Row] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    pages: int = 0


Word = dict[str, Any]


def lines_of(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into lines, top to bottom, each left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def cell_text(words: Sequence[Word], left: float, right: float) -> str:
    """The text of a cell: wrapped lines joined by a space, typed line breaks kept."""
    text = ""
    lines = lines_of(words)
    # The writer's padding, as seen on the left, is kept on the right too.
    padding = min((line[0]["x0"] - left for line in lines), default=CELL_PADDING)
    for k, line in enumerate(lines):
        words_text = " ".join(w["text"] for w in line)
        if k == 0:
            text = words_text
            continue
        previous = lines[k - 1]
        first = line[0]
        space = (first["x1"] - first["x0"]) / max(len(first["text"]), 1)  # about one character
        fits = previous[-1]["x1"] + space + (first["x1"] - first["x0"]) < right - padding
        typed = fits or ITEM_START.match(first["text"]) is not None
        # A web address too long for the cell is cut anywhere, without a space.
        cut_address = not typed and ADDRESS.match(previous[-1]["text"]) is not None
        text += ("\n" if typed else "" if cut_address else " ") + words_text
    return text


def read_pdf_tables(path: Path, file: str) -> Pdf:
    """The rows of the ruled table(s) of a PDF, page after page, and the text around them."""
    import pdfplumber

    pdf = Pdf()
    try:
        document = pdfplumber.open(path)
    except Exception as e:  # pdfminer reports a broken file with many exception types
        raise refused(file, f"cannot read the file: not a valid PDF ({e})") from e
    with document:
        if len(document.pages) > MAX_PAGES:
            raise refused(
                file, f"the PDF has {len(document.pages):,} pages; at most {MAX_PAGES:,} are read"
            )
        pdf.pages = len(document.pages)
        for page in document.pages:
            try:
                read_page(page, pdf)
            except Exception as e:  # pdfminer fails on a broken page with many exception types
                raise refused(file, f"cannot read page {page.page_number} of the PDF ({e})") from e
            page.close()
    return pdf


def read_page(page: Any, pdf: Pdf) -> None:
    tables = page.find_tables()
    words: list[Word] = page.extract_words(keep_blank_chars=False)
    if not tables:
        text = [" ".join(w["text"] for w in line) for line in lines_of(words)]
        (pdf.after if pdf.rows else pdf.before).extend(text)
        return
    top = min(t.bbox[1] for t in tables)
    bottom = max(t.bbox[3] for t in tables)
    # By a word's middle, as for the cells: a title's glyphs may reach over the table's top rule.
    outside_above = [w for w in words if (w["top"] + w["bottom"]) / 2 < top]
    outside_below = [w for w in words if (w["top"] + w["bottom"]) / 2 > bottom]
    if not pdf.rows:
        pdf.before.extend(" ".join(w["text"] for w in line) for line in lines_of(outside_above))
    for table in sorted(tables, key=lambda t: t.bbox[1]):
        rows = table_rows(table, words, len(pdf.rows) + 1)
        if not pdf.rows and not any(is_header(header_columns(r)) for r in rows[:5]):
            continue  # a table before the inventory's (a letterhead box)
        if pdf.rows and rows and continues(pdf.rows[-1], rows[0]):
            last = pdf.rows.pop()
            rows[0] = join_rows(last, rows[0])
        pdf.rows.extend(rows)
    pdf.after = [" ".join(w["text"] for w in line) for line in lines_of(outside_below)]


def table_rows(table: Any, words: Sequence[Word], first: int) -> list[Row]:
    rows: list[Row] = []
    for n, row in enumerate(table.rows, start=first):
        cells = []
        for bbox in row.cells:
            if bbox is None:  # under a cell merged across columns
                cells.append(make_cell("", n, per_line=False))
                continue
            x0, top, x1, bottom = bbox
            inside = [
                w
                for w in words
                if x0 <= (w["x0"] + w["x1"]) / 2 <= x1
                and top <= (w["top"] + w["bottom"]) / 2 <= bottom
            ]
            cells.append(make_cell(cell_text(inside, x0, x1), n, per_line=False))
        rows.append(Row(n, n, cells))
    return rows


def continues(last: Row, row: Row) -> bool:
    """A row cut by a page break: its part on the new page has no row number (first column)."""
    return (
        bool(row.cells)
        and row.cells[0].text is None
        and len(row.cells) == len(last.cells)
        and bool(row.texts())
    )


def join_rows(last: Row, rest: Row) -> Row:
    cells = []
    for a, b in zip(last.cells, rest.cells, strict=True):
        parts = [
            *(a.parts or ([a.text] if a.text else [])),
            *(b.parts or ([b.text] if b.text else [])),
        ]
        cells.append(make_cell("\n".join(parts), last.first_line, per_line=False))
    return Row(last.first_line, rest.last_line, cells)
