"""The line breaks of a PDF cell that may be the page's wrap or a break the steward typed, with
nothing on the page to tell which (`Cell.guessed`): the reader joined the two lines. Such a join
is worth a warning only where it changes what the cell says: where reading the break as a new
item would give other items (two paraf roles instead of one). Where the column's own reading
joins the lines anyway (an article-only line under its law, a list numbered item by item) or does
not read lines at all, the guess changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from . import parsing
from .channels import parse_channels
from .inventory import Cell, LineGuess
from .laws import parse_legal_basis

Items = Callable[[str, tuple[str, ...]], object]

# How each column whose lines can be items reads them.
READINGS: dict[str, Items] = {
    "legal_basis": lambda text, lines: [
        (r.number, r.kind, r.title, r.articles) for r in parse_legal_basis(text, lines)
    ],
    "documents": lambda text, lines: [d.name for d in parsing.parse_documents(text, lines)[0]],
    "application": lambda text, lines: parse_channels(text, lines),
    **{
        key: parsing.split_items
        for key in (
            "beneficiaries",
            "unit_central",
            "unit_provincial",
            "unit_local",
            "unit_other",
            "paraf",
            "internal",
        )
    },
}


def breaks_that_matter(key: str, cell: Cell) -> list[LineGuess]:
    """The guessed joins of a cell that, read as typed breaks, would change its items."""
    read = READINGS.get(key)
    if read is None or cell.text is None or not cell.guessed:
        return []
    parts = cell.parts or (cell.text,)
    as_read = read(cell.text, parts if len(parts) > 1 else ())
    found = []
    for guess in cell.guessed:
        split = typed_instead(parts, guess)
        if split is None or read(cell.text, split) != as_read:
            found.append(guess)
    return found


def typed_instead(parts: tuple[str, ...], guess: LineGuess) -> tuple[str, ...] | None:
    """The cell's lines had the guessed join been a typed break; `None` if it is not found."""
    joined = f"{guess.before} {guess.after}"
    for k, part in enumerate(parts):
        if part == joined or part.startswith(joined + " "):
            return (*parts[:k], guess.before, part[len(guess.before) + 1 :], *parts[k + 1 :])
    return None
