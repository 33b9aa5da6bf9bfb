"""From raw rows to typed, normalised service records: correct, interpret, check.

`build_records` applies the curated corrections (data/reference/corrections.yaml) to the raw cell
text, then reads every cell into typed values. It collects every problem before failing once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from . import parsing
from .channels import Channel, parse_channels
from .inventory import CELL_KEYS, Cell, RawRecord
from .parsing import AnnualCount, Document, LegalReference


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
    iso: str | None  # an exact xsd:duration where the text gives one


@dataclass(frozen=True, slots=True)
class Electronic:
    offered: bool  # False when the cell says 'Sunulmuyor' (not offered) or nothing
    urls: tuple[str, ...]
    text: str | None  # the cell as printed


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
    reference_year: int  # the year the annual counts are for
    electronic: Electronic
    source_file: str
    first_line: int
    last_line: int
    cells: dict[str, Cell]  # the corrected raw cells, for provenance and the 'every cell' check
    corrections: tuple[AppliedCorrection, ...] = field(default=())

    @property
    def competent_unit(self) -> str | None:
        for key in ("unit_local", "unit_central", "unit_provincial", "unit_other"):
            if (value := self.units[key]) is not None:
                return value
        return None


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
            cells[n][c.field] = Cell(cell.text.replace(c.source, c.corrected), cell.lines)
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
    reference_year: int,
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
    r: RawRecord, applied: list[AppliedCorrection], reference_year: int
) -> tuple[Service | None, list[Problem]]:
    problems: list[Problem] = []

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
    legal = parsing.parse_legal_basis(text("legal_basis"))
    if not legal:
        problem("legal_basis", "expected at least one law or regulation")
    counts: list[AnnualCount] = []
    count_text = text("annual_count")
    if count_text is not None:
        try:
            counts = parsing.parse_annual_count(count_text)
        except ValueError:
            problem(
                "annual_count",
                "expected a whole number such as '258.933' or "
                f"'19.872 hizmet', found {count_text!r}",
            )
    documents, documents_note = parsing.parse_documents(
        text("documents"), _parts(r.cells["documents"])
    )
    external = text("external")
    if problems:
        return None, problems
    electronic_text = r.cells["electronic"].text
    service = Service(
        number=r.number,
        institution_code=code,
        sdp_codes=sdp,
        name=text("name") or "",
        description=text("description") or "",
        legal_basis=tuple(legal),
        beneficiaries=tuple(parsing.split_items(text("beneficiaries"))),
        units={k: text(k) for k in ("unit_central", "unit_provincial", "unit_local", "unit_other")},
        documents=tuple(documents),
        documents_note=documents_note,
        application=text("application"),
        channels=tuple(parse_channels(text("application"))),
        paraf=tuple(parsing.split_items(text("paraf"))),
        internal_steps=tuple(parsing.split_items(text("internal"))),
        external_text=external,
        external_organisations=tuple(parsing.split_organisations(external)),
        legal_time=Duration(text("legal_time"), parsing.parse_duration(text("legal_time"))),
        average_time=Duration(text("average_time"), parsing.parse_duration(text("average_time"))),
        annual_counts=tuple(counts),
        reference_year=reference_year,
        electronic=_electronic(electronic_text),
        source_file=r.file,
        first_line=r.first_line,
        last_line=r.last_line,
        cells=dict(r.cells),
        corrections=tuple(applied),
    )
    return service, problems


def _parts(cell: Cell) -> tuple[str, ...]:
    return cell.parts


NOT_OFFERED = re.compile(r"^\s*Sunulmuyor\.?\s*$", re.IGNORECASE)


def _electronic(text: str | None) -> Electronic:
    if parsing.is_none(text) or text is None or NOT_OFFERED.match(text):
        return Electronic(False, (), text)
    urls = tuple(u.rstrip(".,") for u in re.findall(r"https?://[^\s)]+", text))
    return Electronic(True, urls, text)


def distinct(values: Iterable[str]) -> list[str]:
    """Values in first-seen order, each once."""
    return list(dict.fromkeys(values))
