"""Reader for the inventory table as text extracted from its PDF (the seed's format).

The reader works in three steps, top to bottom:
1. mark page furniture (`pdflines.find_furniture`);
2. split the remaining lines into rows at each `N KURUMKODU …` line (`pdflines.split_rows`);
3. cut each row into its cells with one small rule per column (`RowReader`), using the column order
   and what each column's text looks like. Where the text alone cannot tell where a cell ends, a
   layout hint file next to the source (`<name>.layout.yaml`) says so, each hint with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from .inventory import CELL_KEYS, Cell, RawRecord
from .pdflines import (
    COUNT_UNITS,
    FIGURE,
    SDP_CODE,
    Piece,
    RawRow,
    find_furniture,
    join_pieces,
    split_line,
    split_rows,
)

# --- layout hints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    line: int
    text: str
    field: str
    reason: str


def load_hints(path: Path, lines: list[str], file: str) -> tuple[dict[int, Hint], list[Problem]]:
    """Read `<source>.layout.yaml`; a hint whose line no longer has its text is an error."""
    if not path.exists():
        return {}, []
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        return {}, [Problem(name, None, None, f"not valid YAML: {e}")]
    hints: dict[int, Hint] = {}
    problems: list[Problem] = []
    for k, entry in enumerate(data.get("hints", []), start=1):
        where = f"hint {k}"
        try:
            hint = Hint(
                int(entry["line"]), str(entry["text"]), str(entry["field"]), str(entry["reason"])
            )
        except (KeyError, TypeError, ValueError):
            problems.append(Problem(name, None, where, "needs line, text, field and reason"))
            continue
        if hint.field not in CELL_KEYS:
            problems.append(Problem(name, None, where, f"unknown field {hint.field!r}"))
        elif not 0 < hint.line <= len(lines) or hint.text not in " ".join(
            lines[hint.line - 1].split()
        ):
            problems.append(
                Problem(
                    file,
                    hint.line,
                    hint.field,
                    f"layout hint {k} expects {hint.text!r} on this line; the source has "
                    "changed, so review the hint",
                )
            )
        else:
            hints[hint.line] = hint
    return hints, problems


# --- cutting a row into cells --------------------------------------------------------------------

LOWER_START = re.compile(r"^[a-zçğıöşü]")
ITEM_NUMBER = re.compile(r"^(\d{1,2})\s*(?:[.)]|-+|\s-)\s*(?=\S)(?![\d-]+$)")
LAW_START = re.compile(r"^(?:1\s*[-.)]+\s*)?\d{4}\s+[Ss]ayılı")
LAW_KEYWORD = re.compile(r"[Kk]anun|KANUN|[Yy]önetmeli|YÖNETMEL|[Tt]üzü|[Gg]enelge|[Kk]ararname")
ARTICLE = re.compile(r"^(?:[Mm]adde|\d+\.\s*[Mm]adde)")
CONNECTORS = frozenset({"ve", "ile", "veya", "ya", "da", "de", "için", "ve/veya"})
UNIT_HEAD = re.compile(r"(?:Müdürlüğü|Başkanlığı|Müdürlükleri)$")
UNIT_OPENING = re.compile(r"Şube$|Şube Müdürlüğü$")
ROLE_HEAD = re.compile(
    r"(?:Personeli|personeli|Sorumlusu|sorumlusu|Şefi|Müdürü|Başkanı|Üyeleri|Yardımcısı|Yrd\.|"
    r"Çalışanı|Psikoloğu|Koordinatörü|Tercüman|Eğitmen|elemanı|Birimi|Başkanlığı|Bakanlığı|"
    r"Sosyolog|öğretici|İşleri|Terapisti|Şefl|\))$"
)
APPLICATION_OPENING = re.compile(r"^(?:Başvurular;|[\"“*])")
COUNT_START = re.compile(
    rf"^(?:{FIGURE}(?:\s+(?i:{COUNT_UNITS})\b.*)?|\d+\s+(?!gün|iş|ay|yıl|hafta|saat|dk)[A-ZÇĞİÖŞÜ].*)$"
)
FIGURE_LINE = re.compile(rf"^{FIGURE}(?:\s+\S.*)?$")
SENTENCE_END = re.compile(r"[.!?]$")


def item_number(piece: Piece) -> int | None:
    m = ITEM_NUMBER.match(piece.text)
    return int(m.group(1)) if m else None


def is_title_line(text: str) -> bool:
    """True when every word starts with a capital, bar connectors: how names are written."""
    words = [w.strip("()[]\"'“”,/–-") for w in text.split()]
    letters = [w for w in words if w and w[0].isalpha()]
    return bool(letters) and all(w in CONNECTORS or w[0].isupper() for w in letters)


def paren_balance(text: str) -> int:
    return text.count("(") - text.count(")")


def ends_with_connector(text: str) -> bool:
    return text.rsplit(" ", 1)[-1] in CONNECTORS or text.endswith(("/", "-", "("))


class RowReader:
    """Cuts one row into cells. Each `_read_<field>` takes the pieces of one cell, in order."""

    def __init__(self, row: RawRow, hints: dict[int, Hint], file: str) -> None:
        self.row = row
        self.file = file
        self.hints = hints
        self.pieces: list[Piece] = [p for n, t in row.lines for p in split_line(n, t)]
        self.pos = 0
        self.problems: list[Problem] = []
        self.cells: dict[str, Cell] = {}

    # cursor helpers
    def peek(self, ahead: int = 0) -> Piece | None:
        k = self.pos + ahead
        return self.pieces[k] if k < len(self.pieces) else None

    def forced(self, piece: Piece) -> str | None:
        hint = self.hints.get(piece.line)
        if hint is None:
            return None
        # A hint names the piece of its line that starts with its text.
        return hint.field if piece.text.startswith(hint.text.split()[0]) else None

    def take_while(self, field: str, keep: Callable[[list[Piece], Piece], bool]) -> list[Piece]:
        """Take the cell's first piece, then each next piece while `keep` (or a hint) says so."""
        taken: list[Piece] = []
        while (piece := self.peek()) is not None:
            forced = self.forced(piece)
            if forced is not None and forced != field:
                break
            if taken and forced is None and not keep(taken, piece):
                break
            taken.append(piece)
            self.pos += 1
            if piece.is_marker and len(taken) == 1 and forced is None:
                break  # a none-marker is a whole cell
        return taken

    def store(self, field: str, pieces: list[Piece]) -> None:
        if pieces:
            self.cells[field] = Cell(
                join_pieces(pieces),
                tuple(sorted({p.line for p in pieces})),
                tuple(p.text for p in pieces),
                wrapped=True,
            )
        else:
            self.cells[field] = Cell(None)

    def read(self) -> RawRecord:
        row = self.row
        self.cells["institution_code"] = Cell(row.code, (row.first_line,))
        self._read_sdp_and_name()
        self.store("description", self.take_while("description", self._description_goes_on))
        self.store("legal_basis", self.take_while("legal_basis", self._legal_basis_goes_on))
        self.store("beneficiaries", self.take_while("beneficiaries", self._beneficiaries_go_on))
        self._read_units()
        self.store("documents", self.take_while("documents", self._documents_go_on))
        self.store("application", self.take_while("application", self._application_goes_on))
        self.store("paraf", self.take_while("paraf", self._paraf_goes_on))
        for field in ("internal", "external", "legal_time"):
            self.store(field, self.take_while(field, self._correspondence_goes_on))
        self.store("average_time", self.take_while("average_time", self._average_goes_on))
        self.store("annual_count", self.take_while("annual_count", self._count_goes_on))
        self.store("electronic", self.take_while("electronic", lambda _t, _p: True))
        missing = [
            f
            for f in CELL_KEYS
            if self.cells.get(f) is None or (self.cells[f].text is None and f not in OPTIONAL_CELLS)
        ]
        if missing:  # report the first gap only: the cells after it are missing because of it
            end = row.lines[-1][0] if row.lines else row.first_line
            self.problems.append(
                Problem(
                    self.file,
                    end,
                    missing[0],
                    MISSING.get(
                        missing[0],
                        "row {n} ends before its '{field}' cell; the row looks truncated",
                    ).format(n=row.number, field=missing[0]),
                )
            )
        for f in missing:
            self.cells.setdefault(f, Cell(None))
        last = max([row.first_line, *(n for c in self.cells.values() for n in c.lines)])
        return RawRecord(
            number=row.number,
            cells={k: self.cells[k] for k in CELL_KEYS},
            file=self.file,
            first_line=row.first_line,
            last_line=last,
            furniture=tuple(n for n in row.furniture if n < last),
        )

    # --- column rules ---

    def _read_sdp_and_name(self) -> None:
        rest = self.row.rest
        codes: list[str] = []
        while m := SDP_CODE.match(rest):
            codes.append(m.group(1))
            rest = rest[m.end() :]
        sdp_lines = [self.row.first_line] if codes else []
        while (p := self.peek()) is not None and SDP_CODE.fullmatch(p.text):
            codes.append(p.text)
            sdp_lines.append(p.line)
            self.pos += 1
        self.cells["sdp_codes"] = Cell(" ".join(codes) or None, tuple(sdp_lines))
        if rest.strip():
            self.cells["name"] = Cell(" ".join(rest.split()), (self.row.first_line,))
        else:
            self.store("name", self.take_while("name", self._name_goes_on))

    def _name_goes_on(self, taken: list[Piece], piece: Piece) -> bool:
        if (
            not is_title_line(piece.text)
            or SENTENCE_END.search(piece.text)
            or piece.text.endswith((";", ":"))
        ):
            return False
        following = self.pieces[self.pos + 1] if self.pos + 1 < len(self.pieces) else None
        # A capitalised line followed by a lower-case one opens a sentence: the description.
        if following is not None and LOWER_START.match(following.text):
            return following.text.split()[0] in CONNECTORS
        return True

    def _description_goes_on(self, taken: list[Piece], piece: Piece) -> bool:
        return not LAW_START.match(piece.text)

    def _legal_basis_goes_on(self, taken: list[Piece], piece: Piece) -> bool:
        if piece.is_marker:
            return False
        item = self._current_item(taken)
        number = item_number(piece)
        last_number = max((n for p in taken if (n := item_number(p)) is not None), default=0)
        if number is not None and number == last_number + 1:
            return True
        if taken[-1].hard_end and taken[-1].text.endswith("-"):
            return True
        if LOWER_START.match(piece.text) or ARTICLE.match(piece.text):
            return True
        return not LAW_KEYWORD.search(item)

    def _current_item(self, taken: list[Piece]) -> str:
        start = max((k for k, p in enumerate(taken) if item_number(p) is not None), default=0)
        return join_pieces(taken[start:])

    def _beneficiaries_go_on(self, taken: list[Piece], piece: Piece) -> bool:
        return not piece.is_marker and not UNIT_OPENING.search(piece.text)

    def _read_units(self) -> None:
        """The four 'görevli birim' cells: none-markers around one unit name (usually Mahallî)."""
        before: list[Piece] = []
        while len(before) < 4 and (p := self.peek()) is not None and p.text == "_":
            before.append(p)
            self.pos += 1
        unit: list[Piece] = []
        if len(before) < 4:
            k = 0
            while (p := self.peek(k)) is not None and not p.is_marker and k < 4:
                if UNIT_HEAD.search(p.text):
                    unit = self.pieces[self.pos : self.pos + k + 1]
                    self.pos += k + 1
                    break
                k += 1
        after: list[Piece] = []
        while (
            len(before) + len(unit[:1]) + len(after) < 4
            and (p := self.peek()) is not None
            and p.text == "_"
        ):
            after.append(p)
            self.pos += 1
        if not unit:
            self.problems.append(
                Problem(
                    self.file,
                    (
                        before[-1]
                        if before
                        else self.peek() or Piece(self.row.first_line, "", True)
                    ).line,
                    "unit_local",
                    f"row {self.row.number}: expected the competent unit (a name ending in "
                    "'Müdürlüğü' or 'Başkanlığı') after the beneficiaries",
                )
            )
        keys = ("unit_central", "unit_provincial", "unit_local", "unit_other")
        if len(before) == 4:
            slots: list[list[Piece]] = [[p] for p in before]
        else:
            # The unit sits in the Mahallî İdare column; markers fill the columns around it.
            slots = [[], [], unit, []]
            for k, p in enumerate(before[:2]):
                slots[k] = [p]
            if after:
                slots[3] = [after[0]]
        for key, pieces in zip(keys, slots, strict=True):
            self.store(key, pieces)

    def _documents_go_on(self, taken: list[Piece], piece: Piece) -> bool:
        if piece.is_marker or APPLICATION_OPENING.match(piece.text):
            return False
        previous = taken[-1]
        if self._continues_wrapped(taken, piece):
            return True
        number = item_number(piece)
        numbers = [n for p in taken if (n := item_number(p)) is not None]
        if number is not None:
            return bool(numbers) and number == numbers[-1] + 1
        if not numbers:
            return True  # an unnumbered list: one document a line
        # A numbered list ends at a line that neither continues the last item nor numbers a new one.
        return len(previous.text) >= 55

    def _continues_wrapped(self, taken: list[Piece], piece: Piece) -> bool:
        """The piece finishes the previous line's item or sentence."""
        text = join_pieces(taken[self._item_start(taken) :])
        return bool(
            LOWER_START.match(piece.text)
            or paren_balance(text) > 0
            or ends_with_connector(text)
            or not any(c.isalnum() for c in piece.text)
        )

    @staticmethod
    def _item_start(taken: list[Piece]) -> int:
        return max((k for k, p in enumerate(taken) if item_number(p) is not None), default=0)

    def _application_goes_on(self, taken: list[Piece], piece: Piece) -> bool:
        if piece.is_marker:
            return False
        return item_number(piece) != 1

    def _paraf_goes_on(self, taken: list[Piece], piece: Piece) -> bool:
        if piece.is_marker:
            return False
        number = item_number(piece)
        if number is not None:
            return number != 1
        if self._continues_wrapped(taken, piece):
            return True
        # A role title is complete once it ends in a head noun (Müdürü, Şefi, Personeli …).
        return not ROLE_HEAD.search(join_pieces(taken[self._item_start(taken) :]))

    def _correspondence_goes_on(self, taken: list[Piece], piece: Piece) -> bool:
        """Internal and external correspondence and the legal time: a list or a few sentences."""
        if piece.is_marker or COUNT_START.match(piece.text):
            return False
        if taken[0].is_marker:
            return False
        number = item_number(piece)
        if item_number(taken[0]) is not None:  # a numbered list
            if number is not None:
                return number != 1
            item = join_pieces(taken[self._item_start(taken) :])
            closed = item.endswith(")") and paren_balance(item) == 0
            return not closed
        if number == 1:
            return False
        if LOWER_START.match(piece.text):
            return True
        # Parallel cells open with the same words ("Gerekli görüldüğü durumlarda …").
        if piece.text.split()[:2] == taken[0].text.split()[:2]:
            return False
        return not SENTENCE_END.search(taken[-1].text)

    def _average_goes_on(self, taken: list[Piece], piece: Piece) -> bool:
        if taken[-1].hard_end and taken[-1].text.endswith("-"):
            return True  # "4-" / "8 seanstır.": a range cut at the line end
        return not COUNT_START.match(piece.text)

    def _count_goes_on(self, taken: list[Piece], piece: Piece) -> bool:
        text = join_pieces(taken)
        if paren_balance(text) > 0 or piece.text.startswith("("):
            return True
        if not re.search(FIGURE, text.replace("1 ", "", 1) if text.startswith("1 ") else text):
            return True  # a scope ("1 İSADEM için") whose figure is on the next line
        if FIGURE_LINE.match(piece.text) and not piece.text.startswith("http"):
            return True  # a second figure
        words = piece.text.split()
        return (
            bool(LOWER_START.match(piece.text))
            and len(words) <= 3
            and not any("@" in w or "://" in w for w in words)
        )


MISSING = {
    "annual_count": "row {n} has no annual count: expected a whole number such as '258.933' or "
    "'19.872 hizmet' after the average completion time",
}

# Cells that may be physically absent from a row: the four unit cells are often left without a mark.
OPTIONAL_CELLS = frozenset({"unit_central", "unit_provincial", "unit_other"})


def read_pdf_text(path: Path, display_name: str) -> list[RawRecord]:
    """Read a PDF-text inventory; raise InputError listing every problem found."""
    return records_of_lines(path, text_lines(path, display_name), display_name)


def text_lines(path: Path, display_name: str) -> list[str]:
    """The lines of a PDF-text file (UTF-8, a line per "\\n"), numbered from 1 by the line
    references; the empty rest after the last line end is no line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError([Problem(display_name, None, None, f"cannot read the file: {e}")]) from e
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def records_of_lines(path: Path, lines: list[str], display_name: str) -> list[RawRecord]:
    """The records of a PDF-text file's lines (its layout hints beside it at `path`)."""
    furniture = find_furniture(lines)
    hints, problems = load_hints(path.with_suffix(".layout.yaml"), lines, display_name)
    rows, row_problems = split_rows(lines, furniture, display_name)
    problems += row_problems
    records: list[RawRecord] = []
    for row in rows:
        reader = RowReader(row, hints, display_name)
        records.append(reader.read())
        problems += reader.problems
    if problems:
        raise InputError(problems)
    return records
