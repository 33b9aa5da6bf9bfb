"""What the command line says after a build or a validation, as lines of text (cli/ prints them)."""

from __future__ import annotations

from collections import defaultdict

from .check.report import Report, format_finding
from .read.records import AppliedCorrection
from .run.pipeline import BuildResult


def report_lines(report: Report, show_all: bool, lang: str) -> list[str]:
    """Violations one by one; warnings and notes counted per rule unless --all."""
    lines = [format_finding(f, lang) for f in report.violations]
    others = [f for f in report.findings if f.severity != "violation"]
    if show_all:
        return lines + [format_finding(f, lang) for f in others]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for f in others:
        counts[(f.severity, f.rule)] += 1
    lines += [
        f"  {severity} [{rule}]: {n} resource{'s' if n != 1 else ''}"
        for (severity, rule), n in counts.items()
    ]
    return lines


def minted_lines(result: BuildResult) -> list[str]:
    """New things get a slug minted from their name; pinning it keeps their URI forever."""
    minted = {k: v for k, v in result.pins.minted.items() if v}
    if not minted:
        return []
    n = sum(len(v) for v in minted.values())
    return [
        f"minted {n} new URI slug{'s' if n != 1 else ''} "
        f"({', '.join(f'{len(v)} {k}' for k, v in minted.items())}); "
        "run `envanter pin` to pin them in data/ids/"
    ]


def correction_lines(corrections: list[tuple[AppliedCorrection, list[int]]]) -> list[str]:
    """One line per correction: what was changed, where, and why."""
    if not corrections:
        return []
    return [f"applied {len(corrections)} corrections of the source:"] + [
        f"  {c.id}: service{'s' if len(numbers) > 1 else ''} {ranges(numbers)}, "
        f"{c.field}: {c.source!r} → {c.corrected!r}"
        for c, numbers in corrections
    ]


def ranges(numbers: list[int]) -> str:
    """[35, 36, 37, 40] → '35–37, 40'."""
    out: list[str] = []
    numbers = sorted(numbers)
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)
