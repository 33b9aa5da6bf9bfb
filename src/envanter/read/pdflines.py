"""The lines of an inventory's PDF text: page furniture, the pieces of a line, and rows.

The extraction keeps the cells of a row in column order but loses the column boundaries: a row is a
run of wrapped lines, several short cells may share a line (`_ _`, `(-) (-)`), and page furniture
(headers, a rotated header printed one letter per line, repeated link annotations) is mixed in.
This module does the first two steps of reading it: mark page furniture (`find_furniture`), and
split the remaining lines into rows at each `N KURUMKODU …` line (`split_rows`); pdftext.py cuts
each row into its cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import Problem

# --- page furniture ------------------------------------------------------------------------------

PAGE_HEADER_LINES = frozenset(
    {
        "İSTANBUL BÜYÜKŞEHİR BELEDİYE BAŞKANLIĞI",
        "KAMU HİZMET ENVANTERİ TABLOSU",
        "SOSYAL HİZMETLER DAİRESİ BAŞKANLIĞI HİZMET ENVANTERİ TABLOSU",
        "HİZMETİ SUNMAKLA GÖREVLİ/ YETKİLİ",
        "KURUMLARIN/ BİRİMLERİN ADI",
        "HİZMETİN SUNUM SÜRECİNDE",
    }
)
LINK_ONLY = re.compile(r"^\s*(?:https?://|mailto:)\S+\s*$")
FORM_CODE = re.compile(r"^\s*\d{8}-FR-\d+/\d+\s*$")  # the document's form number, printed last
ROTATED_RUN = 10  # a run of at least this many 1–3 character lines is a header printed rotated


def is_page_header(text: str) -> bool:
    return " ".join(text.split()) in PAGE_HEADER_LINES


def find_furniture(lines: list[str]) -> dict[int, str]:
    """Return {line number: kind} for every line that is page furniture, not table content."""
    furniture: dict[int, str] = {}
    for i, text in enumerate(lines, start=1):
        if is_page_header(text):
            furniture[i] = "page header"
        elif FORM_CODE.match(text):
            furniture[i] = "form code"
    # The rotated header: a long run of non-blank lines of one to three characters.
    run: list[int] = []
    for i, text in enumerate([*lines, "a long line that ends any run"], start=1):
        stripped = text.strip()
        if not stripped:
            continue
        if (
            len(stripped) <= 3
            and stripped not in {"_", "-", "ve", "(-)"}
            and not stripped.isdigit()
        ):
            run.append(i)
            continue
        if len(run) >= ROTATED_RUN:
            furniture.update({n: "rotated header" for n in run})
        run = []
    # Link annotations: physically adjacent link-only lines touching a page header.
    for i, text in enumerate(lines, start=1):
        if i in furniture or not LINK_ONLY.match(text):
            continue
        first = last = i
        while first > 1 and LINK_ONLY.match(lines[first - 2]):
            first -= 1
        while last < len(lines) and LINK_ONLY.match(lines[last]):
            last += 1
        before = first - 1 if first > 1 else None
        after = last + 1 if last < len(lines) else None
        touches_header = any(
            n is not None and is_page_header(lines[n - 1]) for n in (before, after)
        )
        if touches_header:
            furniture.update({n: "link annotation" for n in range(first, last + 1)})
    return furniture


# --- pieces: the text of a line, split where several cells share it ------------------------------


@dataclass(frozen=True)
class Piece:
    line: int
    text: str  # stripped
    hard_end: bool  # the physical line ends right after this piece, with no trailing space

    @property
    def is_marker(self) -> bool:
        return self.text in EMPTY_CELL_MARKS


# The marks the PDF prints as a cell of its own for an empty cell (parsing.NONE_MARKERS are the
# texts a cell that says "none" may hold).
EMPTY_CELL_MARKS = frozenset({"_", "(-)", "-"})
MARKERS_ONLY = re.compile(r"^(?:(?:_|\(-\)|-)\s*)+$")
LEADING_MARKERS = re.compile(r"^((?:(?:_|\(-\))\s+)+)(\S.*)$")
TRAILING_MARKERS = re.compile(r"^(.*?\S)((?:\s+(?:_|\(-\)))+)$")
FIGURE = r"\d{1,3}(?:\.\d{3})*"
COUNT_UNITS = r"(?:kişi|hizmet|seans|talep|katılım|adet|kapasite|kez|ziyaret)"
NOT_OFFERED = r"Sunulmuyor\.?"
# "- 11 ay 12.699 kapasite https://…": legal time, average time, count and delivery on one line.
TAIL_LINE = re.compile(
    rf"^(?P<legal>-|_|\(-\))\s+(?P<average>.+?)\s+(?P<count>{FIGURE}\s+\w+)"
    rf"(?:\s+(?P<electronic>https?://\S+|{NOT_OFFERED}))?$"
)
COUNT_NOT_OFFERED = re.compile(rf"^(?P<count>{FIGURE}(?:\s+\w+)?)\s+(?P<electronic>{NOT_OFFERED})$")
# "Başvuru aşamasında herhangi bir belge istenmemektedir. 1- Online başvuru (…)"
NO_DOCUMENT_THEN_ITEM = re.compile(
    r"^(?P<documents>Başvuru aşamasında herhangi bir belge \S+)\s+(?P<application>1\s*-\s*\S.*)$"
)


def split_line(number: int, raw: str) -> list[Piece]:
    """Cut one physical line into the pieces that belong to different cells."""
    text = " ".join(raw.split())
    hard_end = not raw[-1:].isspace()
    if MARKERS_ONLY.match(text):
        parts = text.split()
    elif m := TAIL_LINE.match(text):
        parts = [v for v in m.group("legal", "average", "count", "electronic") if v]
    elif m := COUNT_NOT_OFFERED.match(text):
        parts = [m["count"], m["electronic"]]
    else:
        parts = []
        if m := LEADING_MARKERS.match(text):
            parts += m.group(1).split()
            text = m.group(2)
        if m := NO_DOCUMENT_THEN_ITEM.match(text):
            parts += [m["documents"], m["application"]]
        elif m := TRAILING_MARKERS.match(text):
            parts += [m.group(1), *m.group(2).split()]
        else:
            parts.append(text)
    return [Piece(number, p, hard_end and i == len(parts) - 1) for i, p in enumerate(parts)]


def join_pieces(pieces: Iterable[Piece]) -> str:
    """Join a cell's pieces with single spaces, mending words and URLs cut at a line end."""
    out = ""
    previous: Piece | None = None
    for piece in pieces:
        if previous is None:
            out = piece.text
        elif previous.hard_end and (out.endswith("-") or _continues_url(out, piece.text)):
            out += piece.text
        else:
            out += " " + piece.text
        previous = piece
    return out


URL_TAIL = re.compile(r"[\w\-./=?&%#:]+$")


def _continues_url(before: str, after: str) -> bool:
    last = before.rsplit(" ", 1)[-1]
    if "://" not in last:
        return False
    first = after.split(" ", 1)[0]
    if last.endswith("/") or first.startswith(("http", "www.", "*", "mailto:")):
        return False  # a complete URL, or a second one
    return bool(URL_TAIL.fullmatch(first)) and any(c in first for c in "/=?&")


# --- rows ----------------------------------------------------------------------------------------

ROW_START = re.compile(r"^\s*(?P<number>\d{1,3})\s+(?P<code>\d{8})(?=\s|\d|$)\s*(?P<rest>.*)$")
SDP_CODE = re.compile(r"^(\d{3}(?:\.\d{2})?)(?![\d.])\s*")


@dataclass(frozen=True)
class RawRow:
    number: int
    code: str
    rest: str  # the text after the institution code on the row's first line
    first_line: int
    lines: list[tuple[int, str]]  # the row's content lines after the first, furniture removed
    furniture: tuple[int, ...]


def split_rows(
    lines: list[str], furniture: dict[int, str], file: str
) -> tuple[list[RawRow], list[Problem]]:
    """Split the content lines into rows; report rows that are missing, repeated or out of order."""
    problems: list[Problem] = []
    starts: list[tuple[int, re.Match[str]]] = []
    first_seen: dict[int, int] = {}
    highest = 0
    for i, text in enumerate(lines, start=1):
        if i in furniture or not (m := ROW_START.match(text)):
            continue
        number = int(m["number"])
        # A row number is only trusted near where we expect it, so that a figure in a cell that
        # happens to be followed by eight digits is not taken for a new row.
        if not (0 < number <= highest + 6):
            continue
        if number in first_seen:
            problems.append(
                Problem(
                    file,
                    i,
                    "number",
                    f"row {number} appears twice (also on line {first_seen[number]})",
                )
            )
        elif number < highest:
            problems.append(
                Problem(
                    file, i, "number", f"row {number} is out of order: it comes after row {highest}"
                )
            )
        first_seen.setdefault(number, i)
        starts.append((i, m))
        highest = max(highest, number)
    for number in range(1, highest):
        if number not in first_seen:
            later = min(line for n, line in first_seen.items() if n > number)
            problems.append(
                Problem(
                    file, later, "number", f"row {number} is missing (expected before this line)"
                )
            )
    rows: list[RawRow] = []
    for k, (start, m) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines) + 1
        content = [(n, lines[n - 1]) for n in range(start + 1, end) if lines[n - 1].strip()]
        inside = tuple(n for n in range(start + 1, end) if n in furniture)
        rows.append(
            RawRow(
                number=int(m["number"]),
                code=m["code"],
                rest=m["rest"],
                first_line=start,
                lines=[(n, t) for n, t in content if n not in furniture],
                furniture=inside,
            )
        )
    if not starts:
        problems.append(
            Problem(
                file,
                None,
                "number",
                "no row found: expected lines like '1 93186084 815 Hizmetin adı'",
            )
        )
    return rows, problems
