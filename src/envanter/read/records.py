"""From raw rows to typed, normalised service records: correct, interpret, check.

`build_records` applies the curated corrections (data/reference/corrections.yaml) to the raw cell
text, then reads every cell into typed values. It collects every problem before failing once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from . import parsing
from .channels import Channel, parse_channels
from .durations import DurationReading, read_duration
from .electronic import Electronic, read_electronic
from .inventory import CELL_KEYS, Cell, LineGuess, RawRecord
from .laws import LegalReference, parse_legal_basis
from .linebreaks import breaks_that_matter
from .parsing import AnnualCount, Document


@dataclass(frozen=True, slots=True)
class Correction:
    """A curated fix of the source text: where, what it said, what it should say, and why."""

    id: str
    services: tuple[int, ...]
    field: str
    source: str
    corrected: str
    reason: str


@dataclass(frozen=True, slots=True)
class AppliedCorrection:
    id: str
    field: str
    source: str
    corrected: str
    reason: str


@dataclass(frozen=True, slots=True)
class Duration:
    text: str | None  # the cell as printed (None when it says none)
    iso: str | None  # an exact xsd:duration where the text gives one in calendar units
    reading: DurationReading | None = None  # the figure or range and its unit, as printed


@dataclass(frozen=True, slots=True)
class Service:
    """One row of the inventory, every column typed."""

    number: int  # Sıra No: kept as data, never used to mint identifiers
    institution_code: str  # Kurum Kodu (DETSİS)
    sdp_codes: tuple[str, ...]  # Standart Dosya Planı codes
    name: str
    description: str
    legal_basis: tuple[LegalReference, ...]
    beneficiaries: tuple[str, ...]
    units: dict[str, str | None]  # the four görevli birim cells, by column key
    documents: tuple[Document, ...]
    documents_note: str | None  # the documents cell when it is prose rather than a list
    application: str | None  # İlk Başvuru Makamı as printed
    channels: tuple[Channel, ...]
    paraf: tuple[str, ...]  # approval roles, in order
    internal_steps: tuple[str, ...]  # iç yazışmalar, in order
    external_text: str | None  # dış yazışmalar as printed
    external_organisations: tuple[str, ...]
    legal_time: Duration
    average_time: Duration
    annual_counts: tuple[AnnualCount, ...]
    annual_count_text: str | None  # the cell as printed, when it is not a figure (a note)
    reference_year: int | None  # the year the annual counts are for; None when unknown
    electronic: Electronic
    source_file: str
    first_line: int
    last_line: int
    cells: dict[str, Cell]  # the corrected raw cells, for provenance and the 'every cell' check
    corrections: tuple[AppliedCorrection, ...] = field(default=())
    # Cells not understood, kept as text: file, line, column and what was not understood.
    warnings: tuple[Problem, ...] = field(default=())
    # Line breaks of a PDF cell read as wraps with nothing to tell them from typed ones, where
    # that changed the cell's items: (column key, the join).
    guessed_breaks: tuple[tuple[str, LineGuess], ...] = field(default=())

    @property
    def competent_units(self) -> tuple[tuple[str, str], ...]:
        """Each unit the görevli birim cells name, with its column key: a cell may list several,
        one a line (Alt+Enter), numbered or bulleted."""
        return tuple(
            (key, name)
            for key in UNIT_KEYS
            for name in distinct(parsing.split_items(self.units[key], _lines(self.cells[key])))
        )

    @property
    def competent_unit(self) -> str | None:
        """The unit that answers for the service's steps: the first of the local units, else
        of the central, provincial and other ones."""
        return first_competent_unit(self.competent_units)


def first_competent_unit(units: tuple[tuple[str, str], ...]) -> str | None:
    """`Service.competent_unit` of the service's `competent_units` (read from its cells on every
    call: a caller that needs both reads them once)."""
    for key in ("unit_local", "unit_central", "unit_provincial", "unit_other"):
        for level, name in units:
            if level == key:
                return name
    return None


# The four görevli birim columns, in the regulation's order.
UNIT_KEYS = ("unit_central", "unit_provincial", "unit_local", "unit_other")


# --- corrections ---------------------------------------------------------------------------------


def load_corrections(path: Path) -> list[Correction]:
    """Read corrections.yaml; a malformed entry is a problem reported with the others."""
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise InputError([Problem(name, None, None, f"cannot read corrections: {e}")]) from e
    problems: list[Problem] = []
    corrections: list[Correction] = []
    for k, entry in enumerate(data.get("corrections", []), start=1):
        try:
            corrections.append(
                Correction(
                    id=str(entry["id"]),
                    services=_service_numbers(entry["services"]),
                    field=str(entry["field"]),
                    source=str(entry["source"]),
                    corrected=str(entry["corrected"]),
                    reason=str(entry["reason"]),
                )
            )
        except (KeyError, TypeError, ValueError) as e:
            problems.append(
                Problem(
                    name,
                    None,
                    f"correction {k}",
                    f"needs id, services, field, source, corrected and reason ({e})",
                )
            )
            continue
        if corrections[-1].field not in CELL_KEYS:
            problems.append(
                Problem(name, None, f"correction {k}", f"unknown field {corrections[-1].field!r}")
            )
    if problems:
        raise InputError(problems)
    return corrections


def _service_numbers(value: object) -> tuple[int, ...]:
    """`30`, `[1, 2]` or `"35-53"`."""
    if isinstance(value, int):
        return (value,)
    if isinstance(value, str) and (m := re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", value)):
        return tuple(range(int(m.group(1)), int(m.group(2)) + 1))
    if isinstance(value, list):
        return tuple(int(v) for v in value)
    raise ValueError(f"services must be a number, a list or a range like '35-53', not {value!r}")


def apply_corrections(
    raw: list[RawRecord], corrections: list[Correction], corrections_file: str
) -> tuple[list[RawRecord], dict[int, list[AppliedCorrection]], list[Problem]]:
    """Replace each correction's source text in its cells; report any that no longer matches."""
    by_number = {r.number: r for r in raw}
    cells = {r.number: dict(r.cells) for r in raw}
    applied: dict[int, list[AppliedCorrection]] = {}
    problems: list[Problem] = []
    for c in corrections:
        for n in c.services:
            record = by_number.get(n)
            cell = cells[n][c.field] if record else None
            if record is None or cell is None or cell.text is None or c.source not in cell.text:
                problems.append(
                    Problem(
                        corrections_file,
                        None,
                        f"correction {c.id}",
                        f"service {n} field '{c.field}' does not contain {c.source!r}; "
                        "the source has changed, so review this correction",
                    )
                )
                continue
            cells[n][c.field] = Cell(
                cell.text.replace(c.source, c.corrected), cell.lines, (), cell.wrapped
            )
            applied.setdefault(n, []).append(
                AppliedCorrection(c.id, c.field, c.source, c.corrected, c.reason)
            )
    corrected = [
        RawRecord(r.number, cells[r.number], r.file, r.first_line, r.last_line, r.furniture)
        for r in raw
    ]
    return corrected, applied, problems


# --- interpretation ------------------------------------------------------------------------------


def build_records(
    raw: list[RawRecord],
    corrections: list[Correction],
    corrections_file: str,
    reference_year: int | None,
) -> list[Service]:
    corrected, applied, problems = apply_corrections(raw, corrections, corrections_file)
    services: list[Service] = []
    for record in corrected:
        service, found = interpret(record, applied.get(record.number, []), reference_year)
        problems += found
        if service is not None:
            services.append(service)
    if problems:
        raise InputError(problems)
    return services


def interpret(
    r: RawRecord, applied: list[AppliedCorrection], reference_year: int | None
) -> tuple[Service | None, list[Problem]]:
    problems: list[Problem] = []
    r, warnings = without_control_characters(r)

    def problem(key: str, message: str) -> None:
        cell = r.cells[key]
        problems.append(
            Problem(
                r.file,
                cell.lines[0] if cell.lines else r.first_line,
                key,
                f"service {r.number}: {message}",
            )
        )

    def text(key: str) -> str | None:
        value = r.cells[key].text
        return None if parsing.is_none(value) else value

    def warn(key: str, message: str) -> None:
        cell = r.cells[key]
        line = cell.lines[0] if cell.lines else r.first_line
        warnings.append(Problem(r.file, line, key, f"service {r.number}: {message}"))

    def items(key: str) -> list[str]:
        # A page's wrapped lines say nothing about items here (the documents cell, above, has
        # its own reading of them).
        return parsing.split_items(text(key), _lines(r.cells[key]))

    code = r.cells["institution_code"].text or ""
    if not re.fullmatch(r"\d{8}", code):
        problem("institution_code", f"expected an 8-digit DETSİS code, found {code!r}")
    sdp = tuple((r.cells["sdp_codes"].text or "").split())
    if not sdp or not all(re.fullmatch(r"\d{3}(?:\.\d{2})*", s) for s in sdp):
        problem(
            "sdp_codes",
            f"expected Standard File Plan codes like '815' or '120.05', "
            f"found {r.cells['sdp_codes'].text!r}",
        )
    for key in ("name", "description"):
        if text(key) is None:
            problem(key, "this cell must not be empty")
    legal = parse_legal_basis(text("legal_basis"), _lines(r.cells["legal_basis"]))
    if not legal:
        problem("legal_basis", "expected at least one law or regulation")
    counts: list[AnnualCount] = []
    count_text = text("annual_count")
    count_note: str | None = None
    if count_text is not None:
        try:
            counts = parsing.parse_annual_count(count_text)
        except ValueError:
            count_note = count_text
            if count_text.strip() != "0":
                warn(
                    "annual_count",
                    f"{count_text!r} is not a figure such as '258.933' or '1.250 işlem'; "
                    "kept as text, with no annual volume",
                )
        for count in counts:
            if count.unit_text:
                warn(
                    "annual_count",
                    f"the unit {count.unit_text!r} of {count_text!r} is not a known count unit; "
                    "kept as printed (add it to the 'birim' scheme to type it)",
                )
    documents_cell = r.cells["documents"]
    documents, documents_note = parsing.parse_documents(
        text("documents"), documents_cell.parts, documents_cell.wrapped
    )
    external = text("external")
    if problems:
        return None, problems
    guessed = [(key, g) for key, cell in r.cells.items() for g in breaks_that_matter(key, cell)]
    for key, g in guessed:
        warn(key, guessed_message(g))
    electronic, not_understood = read_electronic(r.cells["electronic"].text)
    if not_understood:
        warn("electronic", not_understood)
    times = {}
    for key in ("legal_time", "average_time"):
        reading = read_duration(text(key))
        if reading is None and text(key) is not None:
            warn(key, f"no duration read from {text(key)!r}; kept as text")
        times[key] = Duration(text(key), parsing.parse_duration(text(key)), reading)
    service = Service(
        number=r.number,
        institution_code=code,
        sdp_codes=sdp,
        name=text("name") or "",
        description=text("description") or "",
        legal_basis=tuple(legal),
        beneficiaries=tuple(items("beneficiaries")),
        units={k: text(k) for k in UNIT_KEYS},
        documents=tuple(documents),
        documents_note=documents_note,
        application=text("application"),
        channels=tuple(parse_channels(text("application"), _lines(r.cells["application"]))),
        paraf=tuple(items("paraf")),
        internal_steps=tuple(items("internal")),
        external_text=external,
        external_organisations=tuple(parsing.split_organisations(external)),
        legal_time=times["legal_time"],
        average_time=times["average_time"],
        annual_counts=tuple(counts),
        annual_count_text=count_note,
        reference_year=reference_year,
        electronic=electronic,
        source_file=r.file,
        first_line=r.first_line,
        last_line=r.last_line,
        cells=dict(r.cells),
        corrections=tuple(applied),
        warnings=tuple(warnings),
        guessed_breaks=tuple(guessed),
    )
    return service, problems


def guessed_message(g: LineGuess) -> str:
    return (
        f"'{g.before}' and '{g.after}' were read as one item, '{g.before} {g.after}': the first "
        "line fills the cell, so the line break may be the page's wrap or one typed between two "
        "items; if they are two items, number them ('1- …', '2- …') in the source"
    )


# NUL and the other control characters (but tab and line ends) have no meaning in a cell and
# break what is made of it: XML (the SPARQL endpoint's results, the site), CSV, N-Triples.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(r: RawRecord) -> tuple[RawRecord, list[Problem]]:
    """The record with control characters removed from every cell, and a warning per cell."""
    # (One search over the record's text: a line end is no control character here.)
    if not CONTROL.search("\n".join([c.text for c in r.cells.values() if c.text])):
        return r, []
    cells = dict(r.cells)
    warnings: list[Problem] = []
    for key, cell in r.cells.items():
        if cell.text is None or not CONTROL.search(cell.text):
            continue
        text = CONTROL.sub("", cell.text)
        parts = tuple(CONTROL.sub("", p) for p in cell.parts)
        cells[key] = Cell(text or None, cell.lines, parts, cell.wrapped, cell.guessed)
        line = cell.lines[0] if cell.lines else r.first_line
        warnings.append(
            Problem(
                r.file,
                line,
                key,
                f"service {r.number}: control characters (such as NUL) removed from the cell",
            )
        )
    return replace(r, cells=cells), warnings


def _lines(cell: Cell) -> tuple[str, ...]:
    """A cell's lines where each is the steward's own (not a page's wrapping)."""
    return () if cell.wrapped else cell.parts


def distinct(values: Iterable[str]) -> list[str]:
    """Values in first-seen order, each once."""
    return list(dict.fromkeys(values))
