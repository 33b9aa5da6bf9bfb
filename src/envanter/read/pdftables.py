"""PDF tables, read straight from the PDF: a table exported from Word or Excel, ruled as offices
rule them.

Each cell's words are gathered into lines, and each line break is either the page's wrap (the
lines are joined with a space) or one the steward typed (a new item of a list, kept as a line
break). A wrap and a typed break look the same; they are told apart on evidence only:
- a line that ends with room for the next line's first word was not wrapped: the break is typed;
- in a cell whose items are marked ('1-', 'a)', '•', '-'), a line starting with the next mark is
  a new item and any other line goes on with the item above;
- a web address cut at the cell's edge goes on without a space; a line ending in ',', 've',
  'ile', 'veya' or '-', or followed by one starting in lower case, goes on with a space.
Where none of these tells, the lines are joined and the join is kept on the cell
(`Cell.guessed`), for a warning naming the file, row and column. The seed's text export is read
by pdftext.py, not here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .inventory import LineGuess
from .limits import refused
from .table import Row, header_columns, is_header, make_cell

LINE_TOLERANCE = 3.0  # points: words of one line differ this little in their top
CELL_PADDING = 2.0  # points between a cell's border and its text, when no line shows it
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


def cell_text(words: Sequence[Word], left: float, right: float) -> tuple[str, list[LineGuess]]:
    """The text of a cell, wrapped lines joined by a space and typed line breaks kept, and the
    breaks read as wraps without evidence."""
    lines = lines_of(words)
    if not lines:
        return "", []
    texts = [" ".join(w["text"] for w in line) for line in lines]
    # The writer's padding, as seen on the left, is kept on the right too.
    padding = min(line[0]["x0"] - left for line in lines)
    marks = ListMarks.of(texts[0])
    text = item = texts[0]
    guesses: list[LineGuess] = []
    for k in range(1, len(lines)):
        previous, first = lines[k - 1], lines[k][0]
        space = (first["x1"] - first["x0"]) / max(len(first["text"]), 1)  # about one character
        fits = previous[-1]["x1"] + space + (first["x1"] - first["x0"]) < right - padding
        typed = marks.starts_next(texts[k]) if marks is not None else fits
        if typed:
            text += "\n" + texts[k]
            item = texts[k]
            continue
        # A web address too long for the cell is cut anywhere, without a space.
        if ADDRESS.match(previous[-1]["text"]):
            text += texts[k]
            item += texts[k]
            continue
        if marks is None and not goes_on(item, texts[k]):
            guesses.append(LineGuess(item, texts[k]))
        text += " " + texts[k]
        item += " " + texts[k]
    return text, guesses


# A line that ends on one of these goes on: no item ends with a comma or a conjunction, nor with
# a genitive ('Kanununun') or a law's number ('5393 Sayılı'), which need what follows them.
ENDS_GOING_ON = re.compile(
    r"(?:[,/(–-]|(?<!\S)(?:ve|ile|veya|ya da|ya|[Ss]ayılı|SAYILI)|\w(?:nın|nin|nun|nün))$"
)
# A line that starts with one of these goes on from the line above: a postposition follows its
# noun, and a noun in its compound form ('… Müdürlüğü', '… Birimi', '… Yardımcısı') follows
# what it is of, so neither starts an item.
POSTPOSITIONS = frozenset(
    {"Hakkında", "İlişkin", "Dair", "Ait", "Göre", "Yönelik", "Kapsamında", "Uyarınca"}
)
COMPOUND_HEAD = re.compile(
    r"(?:sı|si|su|sü|ları|leri|Müdürlüğü|Başkanlığı|Komutanlığı|Şefliği|Amirliği|Sekreterliği"
    r"|Yönetmeliği|Tebliği|Tüzüğü|Müdürü|Birimi|Komisyonu|Raportörü|Kanunu|Kanununun|Başkanı"
    r"|Şefi|Amiri|Memuru|Uzmanı)[.,;:]?$"
)


def goes_on(line: str, after: str) -> bool:
    """Whether a line visibly goes on in the next: it ends in a comma, a conjunction, a genitive
    or a law's number, an open parenthesis is not closed, or the next starts in lower case, with
    a postposition or with a noun in its compound form (an item starts with none of these)."""
    first = after.split(" ", 1)[0]
    return (
        ENDS_GOING_ON.search(line) is not None
        or line.count("(") > line.count(")")
        or first[:1].islower()
        or first in POSTPOSITIONS
        or COMPOUND_HEAD.search(first) is not None
    )


@dataclass
class ListMarks:
    """How a cell's items are marked, from its first line: numbered, lettered or bulleted."""

    kind: str  # "number", "letter" or the bullet itself
    count: int = 1  # the items seen so far

    @staticmethod
    def of(line: str) -> ListMarks | None:
        if m := NUMBER_MARK.match(line):
            return ListMarks("number") if m.group(1) == "1" else None
        if LETTER_MARK.match(line):
            return ListMarks("letter") if line.startswith(("a)", "a.")) else None
        if m := BULLET_MARK.match(line):
            return ListMarks(m.group(1))
        return None

    def starts_next(self, line: str) -> bool:
        """Whether the line starts the next item (and counts it)."""
        if self.kind == "number":
            m = NUMBER_MARK.match(line)
            found = m is not None and m.group(1) == str(self.count + 1)
        elif self.kind == "letter":
            found = LETTER_MARK.match(line) is not None and line[:1] == LETTERS[self.count]
        else:
            found = line.startswith(self.kind)
        self.count += found
        return found


# '1-', '1.', '1)', '1 -' (not '1.250' nor '4-12'); 'a)'; a bullet: the marks a list's items start with.
NUMBER_MARK = re.compile(r"([0-9]{1,2})\s*(?:[.)](?![0-9])|-(?![0-9]))")
LETTER_MARK = re.compile(r"[a-zçğıöşü][.)](?:\s|$)")
BULLET_MARK = re.compile(r"([-•*–·▪])(?:\s|$)")
LETTERS = "abcçdefgğhıijklmnoöprsştuüvyz"


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
            text, guesses = cell_text(inside, x0, x1)
            cell = make_cell(text, n, per_line=False)
            cells.append(replace(cell, guessed=tuple(guesses)) if guesses else cell)
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
        cell = make_cell("\n".join(parts), last.first_line, per_line=False)
        cells.append(
            replace(cell, guessed=a.guessed + b.guessed) if a.guessed or b.guessed else cell
        )
    return Row(last.first_line, rest.last_line, cells)
