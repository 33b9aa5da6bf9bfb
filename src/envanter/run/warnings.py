"""What reading found but kept (cells kept as text, curated data not covering a value): every
warning in the output's validation/warnings.txt, and on the console grouped by column and
wording, so that a national inventory's thousands of alike warnings read as a few lines."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problem

WARNINGS_FILE = Path("validation") / "warnings.txt"
SERVICE = re.compile(r"^service \d+: ")  # the one part of a cell's warning that names its row


def wording(problem: Problem) -> tuple[str, str]:
    """What warnings alike share: the column, and the message without its service's number."""
    return problem.field or "", SERVICE.sub("", problem.message, count=1)


def console_lines(problems: list[Problem], listed_in: str) -> list[str]:
    """One line a column and wording, in the order first seen: a wording seen once as the
    warning itself, one seen more often with how many cells and where the first is."""
    groups: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault(wording(p), []).append(p)
    lines = []
    for (column, message), alike in groups.items():
        if len(alike) == 1:
            lines.append(f"warning: {alike[0]}")
            continue
        first = alike[0]
        where = first.file if first.line is None else f"{first.file}:{first.line}"
        lines.append(
            f"warning: {column + ': ' if column else ''}{message} — {len(alike)} cells, "
            f"first at {where}; all listed in {listed_in}"
        )
    return lines


def write_warnings(problems: list[Problem], out: Path) -> Path:
    """Every warning, one a line, in the order found (an empty file when there is none)."""
    path = out / WARNINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{p}\n" for p in problems), encoding="utf-8")
    return path
