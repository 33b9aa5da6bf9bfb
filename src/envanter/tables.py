"""Tidy tables: one CSV per entity and per multi-valued field, described by CSVW metadata.

Every table is 'tidy': one row per observation, one column per variable, values atomic. The
services table has one row per service; each list-valued column becomes its own table keyed by
(service, position); things shared between services (laws, documents, channels …) get reference
tables with a stable key, so a researcher can join them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .iris import slugify
from .parsing import LegalReference
from .records import Service


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str = "string"  # a CSVW / XSD datatype name
    required: bool = False
    description: str = ""


@dataclass
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, table, column)
    rows: list[dict[str, object]] | None = None


def law_key(ref: LegalReference) -> str:
    if ref.number:
        return f"{ref.kind}-{ref.number}"
    return f"{ref.kind}-{slugify(ref.title)}"


def service_key(s: Service) -> str:
    return str(s.number)


def _c(
    name: str, datatype: str = "string", required: bool = False, description: str = ""
) -> Column:
    return Column(name, datatype, required, description)


S = _c("service", "integer", True, "the service's row number (Sıra No)")
POS = _c("position", "integer", True, "1-based order within the service's cell")


def build_tables(services: list[Service]) -> list[Table]:
    """All tables, rows filled, in a stable order."""
    tables: list[Table] = []

    def table(
        name: str,
        description: str,
        columns: Iterable[Column],
        key: tuple[str, ...],
        rows: list[dict[str, object]],
        fks: tuple[tuple[str, str, str], ...] = (),
    ) -> None:
        tables.append(Table(name, description, tuple(columns), key, fks, rows))

    def per_service(
        name: str,
        description: str,
        columns: list[Column],
        values: Callable[[Service], Iterable[dict[str, object]]],
        fks: tuple[tuple[str, str, str], ...] = (),
    ) -> None:
        rows = [
            {"service": s.number, "position": k, **v}
            for s in services
            for k, v in enumerate(values(s), start=1)
        ]
        table(
            name,
            description,
            [S, POS, *columns],
            ("service", "position"),
            rows,
            (("service", "services", "number"), *fks),
        )

    table(
        "services",
        "One row per service: every single-valued column.",
        [
            _c("number", "integer", True, "Sıra No"),
            _c("institution_code", required=True, description="Kurum Kodu (DETSİS)"),
            _c("name", required=True),
            _c("description", required=True),
            _c("unit_central"),
            _c("unit_provincial"),
            _c("unit_local"),
            _c("unit_other"),
            _c("documents_note"),
            _c("application"),
            _c("external_text"),
            _c("legal_time_text"),
            _c("legal_time_duration", "duration"),
            _c("average_time_text"),
            _c("average_time_duration", "duration"),
            _c("electronic_offered", "boolean", True),
            _c("electronic_text"),
            _c("reference_year", "gYear", True, "the year the annual counts are for"),
            _c("source_file", required=True),
            _c("first_line", "integer", True),
            _c("last_line", "integer", True),
        ],
        ("number",),
        [
            {
                "number": s.number,
                "institution_code": s.institution_code,
                "name": s.name,
                "description": s.description,
                **s.units,
                "documents_note": s.documents_note,
                "application": s.application,
                "external_text": s.external_text,
                "legal_time_text": s.legal_time.text,
                "legal_time_duration": s.legal_time.iso,
                "average_time_text": s.average_time.text,
                "average_time_duration": s.average_time.iso,
                "electronic_offered": s.electronic.offered,
                "electronic_text": s.electronic.text,
                "reference_year": s.reference_year,
                "source_file": s.source_file,
                "first_line": s.first_line,
                "last_line": s.last_line,
            }
            for s in services
        ],
    )
    per_service(
        "service_sdp_codes",
        "Standard File Plan codes of each service.",
        [_c("code", required=True)],
        lambda s: ({"code": c} for c in s.sdp_codes),
    )
    per_service(
        "service_legal_basis",
        "The laws and regulations each service rests on.",
        [_c("law", required=True), _c("cited_as", required=True), _c("note")],
        lambda s: (
            {"law": law_key(r), "cited_as": r.cited_as, "note": r.note} for r in s.legal_basis
        ),
        (("law", "laws", "key"),),
    )
    per_service(
        "service_law_articles",
        "Articles cited, one row per article.",
        [_c("law", required=True), _c("article", required=True)],
        lambda s: ({"law": law_key(r), "article": a} for r in s.legal_basis for a in r.articles),
        (("law", "laws", "key"),),
    )
    per_service(
        "service_beneficiaries",
        "Who the service is for, as listed.",
        [_c("beneficiary", required=True)],
        lambda s: ({"beneficiary": b} for b in s.beneficiaries),
    )
    per_service(
        "service_documents",
        "Documents asked for, with their qualifier and condition.",
        [
            _c("document", required=True),
            _c("qualifier"),
            _c("condition"),
            _c("alternative_to_next", "boolean", True),
        ],
        lambda s: (
            {
                "document": slugify(d.name),
                "qualifier": d.qualifier,
                "condition": d.condition,
                "alternative_to_next": d.alternative_to_next,
            }
            for d in s.documents
        ),
        (("document", "documents", "key"),),
    )
    per_service(
        "service_channels",
        "Where to apply: the channels each service names.",
        [_c("channel", required=True)],
        lambda s: ({"channel": channel_key(c.kind, c.label, c.phone, c.url)} for c in s.channels),
        (("channel", "channels", "key"),),
    )
    per_service(
        "service_paraf",
        "Approval (paraf) roles, in order.",
        [_c("role", required=True)],
        lambda s: ({"role": slugify(r)} for r in s.paraf),
        (("role", "roles", "key"),),
    )
    per_service(
        "service_internal_steps",
        "Internal correspondence (iç yazışma), in order.",
        [_c("step", required=True)],
        lambda s: ({"step": t} for t in s.internal_steps),
    )
    per_service(
        "service_external_organisations",
        "Institutions written to (dış yazışma).",
        [_c("organisation", required=True)],
        lambda s: ({"organisation": slugify(o)} for o in s.external_organisations),
        (("organisation", "organisations", "key"),),
    )
    per_service(
        "service_annual_counts",
        "Annual number of transactions.",
        [
            _c("value", "integer", True),
            _c("unit"),
            _c("scope"),
            _c("note"),
            _c("reference_year", "gYear", True),
        ],
        lambda s: (
            {
                "value": c.value,
                "unit": c.unit,
                "scope": c.scope,
                "note": c.note,
                "reference_year": s.reference_year,
            }
            for c in s.annual_counts
        ),
    )
    per_service(
        "service_electronic_urls",
        "Addresses where the service is offered online.",
        [_c("url", "anyURI", True)],
        lambda s: ({"url": u} for u in s.electronic.urls),
    )
    per_service(
        "service_corrections",
        "Corrections applied to the source text, with reasons.",
        [
            _c("correction", required=True),
            _c("field", required=True),
            _c("source_text", required=True),
            _c("corrected_text", required=True),
            _c("reason", required=True),
        ],
        lambda s: (
            {
                "correction": c.id,
                "field": c.field,
                "source_text": c.source,
                "corrected_text": c.corrected,
                "reason": c.reason,
            }
            for c in s.corrections
        ),
    )
    _reference_tables(services, table)
    return tables


def channel_key(kind: str, label: str, phone: str | None, url: str | None) -> str:
    if phone:
        return f"{kind}-{phone}"
    if url:
        return f"{kind}-{slugify(url.split('//', 1)[-1])}"
    return f"{kind}-{slugify(label)}"


def _reference_tables(services: list[Service], table: Callable[..., None]) -> None:
    units: dict[str, dict[str, object]] = {}
    laws: dict[str, dict[str, object]] = {}
    documents: dict[str, dict[str, object]] = {}
    channels: dict[str, dict[str, object]] = {}
    roles: dict[str, dict[str, object]] = {}
    organisations: dict[str, dict[str, object]] = {}
    for s in services:
        for value in s.units.values():
            if value:
                units.setdefault(
                    slugify(value),
                    {"key": slugify(value), "name": value, "institution_code": s.institution_code},
                )
        for r in s.legal_basis:
            laws.setdefault(
                law_key(r),
                {"key": law_key(r), "number": r.number, "kind": r.kind, "title": r.title},
            )
        for d in s.documents:
            documents.setdefault(slugify(d.name), {"key": slugify(d.name), "name": d.name})
        for c in s.channels:
            k = channel_key(c.kind, c.label, c.phone, c.url)
            channels.setdefault(
                k, {"key": k, "kind": c.kind, "label": c.label, "phone": c.phone, "url": c.url}
            )
        for role in s.paraf:
            roles.setdefault(slugify(role), {"key": slugify(role), "name": role})
        for o in s.external_organisations:
            organisations.setdefault(slugify(o), {"key": slugify(o), "name": o})
    key = _c("key", required=True, description="stable key, used by the service_* tables")
    table(
        "units",
        "Competent units (görevli birimler) with their DETSİS code.",
        [key, _c("name", required=True), _c("institution_code", required=True)],
        ("key",),
        sorted(units.values(), key=lambda r: str(r["key"])),
    )
    table(
        "laws",
        "Laws (kanun) and regulations (yönetmelik) cited.",
        [key, _c("number"), _c("kind", required=True), _c("title", required=True)],
        ("key",),
        sorted(laws.values(), key=lambda r: str(r["key"])),
    )
    table(
        "documents",
        "Documents asked for by one or more services.",
        [key, _c("name", required=True)],
        ("key",),
        sorted(documents.values(), key=lambda r: str(r["key"])),
    )
    table(
        "channels",
        "Application channels: phone lines, web portals, centres …",
        [
            key,
            _c("kind", required=True),
            _c("label", required=True),
            _c("phone"),
            _c("url", "anyURI"),
        ],
        ("key",),
        sorted(channels.values(), key=lambda r: str(r["key"])),
    )
    table(
        "roles",
        "Approval (paraf) roles.",
        [key, _c("name", required=True)],
        ("key",),
        sorted(roles.values(), key=lambda r: str(r["key"])),
    )
    table(
        "organisations",
        "External institutions the services correspond with.",
        [key, _c("name", required=True)],
        ("key",),
        sorted(organisations.values(), key=lambda r: str(r["key"])),
    )


def render_csv(t: Table) -> str:
    """A table as RFC 4180 CSV text (UTF-8, header row, LF line ends, empty for null)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in t.columns])
    for row in t.rows or []:
        writer.writerow([_cell(row.get(c.name)) for c in t.columns])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csvw_metadata(tables: list[Table]) -> dict[str, object]:
    """CSV on the Web metadata describing every table, its columns and keys."""
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "tr"}],
        "dc:title": "Kamu Hizmet Envanteri — tidy tables",
        "tables": [
            {
                "url": f"{t.name}.csv",
                "dc:description": t.description,
                "tableSchema": {
                    "columns": [
                        {
                            "name": c.name,
                            "titles": c.name,
                            "datatype": c.datatype,
                            "required": c.required,
                            **({"dc:description": c.description} if c.description else {}),
                        }
                        for c in t.columns
                    ],
                    "primaryKey": list(t.primary_key),
                    **(
                        {
                            "foreignKeys": [
                                {
                                    "columnReference": col,
                                    "reference": {
                                        "resource": f"{ref}.csv",
                                        "columnReference": refcol,
                                    },
                                }
                                for col, ref, refcol in t.foreign_keys
                            ]
                        }
                        if t.foreign_keys
                        else {}
                    ),
                },
            }
            for t in tables
        ],
    }


def write_tables(tables: list[Table], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for t in tables:
        path = directory / f"{t.name}.csv"
        path.write_text(render_csv(t), encoding="utf-8")
        written.append(path)
    meta = directory / "csv-metadata.json"
    meta.write_text(
        json.dumps(csvw_metadata(tables), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written.append(meta)
    return written
