"""Tidy tables: one CSV per entity and per multi-valued field, described by CSVW metadata.

Every table is 'tidy': one row per observation, one column per variable, values atomic. The
services table has one row per service, keyed by its pinned slug; each list-valued column becomes
its own table keyed by (service, position); things services share (laws, documents, channels …)
get reference tables with a stable key, so a researcher can join them. The RDF mappings
(mappings/) read these same tables.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..read.linking import Linked
from ..read.parsing import COUNT_UNITS, xsd_duration
from ..read.records import Service
from .iris import slugify

Row = dict[str, object]


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
    rows: list[Row] = field(default_factory=list)


def c(name: str, datatype: str = "string", required: bool = False, description: str = "") -> Column:
    return Column(name, datatype, required, description)


SERVICE = c("service", required=True, description="the service's id (services.id)")
POSITION = c("position", "integer", True, "1-based order within the service's cell")
KEY = c("key", required=True, description="stable key, used in URIs and by the service_* tables")
TO_SERVICES = ("service", "services", "id")


def article_key(law: str, article: str) -> str:
    return f"{law}-madde-{slugify(article)}"


def build_tables(linked: Linked) -> list[Table]:
    """All tables, rows filled, in a stable order."""
    tables: list[Table] = []
    slugs = linked.slugs

    def per_service(
        name: str,
        description: str,
        columns: list[Column],
        values: Callable[[Service], Iterable[Row]],
        fks: tuple[tuple[str, str, str], ...] = (),
    ) -> None:
        rows = [
            {"service": slugs[s.number], "position": k, **v}
            for s in linked.services
            for k, v in enumerate(values(s), start=1)
        ]
        tables.append(
            Table(
                name,
                description,
                (SERVICE, POSITION, *columns),
                ("service", "position"),
                (TO_SERVICES, *fks),
                rows,
            )
        )

    tables.append(
        Table(
            "services",
            "One row per service: every single-valued column.",
            (
                c(
                    "id",
                    required=True,
                    description="pinned slug; the service's URI is {base}id/hizmet/{id}",
                ),
                c("number", "integer", True, "Sıra No, the row number in the source"),
                c("institution_code", required=True, description="Kurum Kodu (DETSİS)"),
                c("name", required=True),
                c("name_en", description="our English translation"),
                c("description", required=True),
                c("unit", description="the competent unit (organisations.key)"),
                c("administrative_level", description="the görevli-birim column the unit is in"),
                c("unit_central"),
                c("unit_provincial"),
                c("unit_local"),
                c("unit_other"),
                c("legal_basis_text", description="the legal-basis cell as printed, corrected"),
                c("documents_note"),
                c("application"),
                c("external_text"),
                c("legal_time_text"),
                c("legal_time_duration", "duration"),
                c("average_time_text"),
                c("average_time_duration", "duration"),
                c(
                    "processing_time",
                    "duration",
                    description="the exact duration, average before legal",
                ),
                c(
                    "electronic_offered",
                    "boolean",
                    description="empty when the cell's wording is not understood (unknown)",
                ),
                c("electronic_text"),
                c("annual_count_text", description="the annual-count cell when it is no figure"),
                c("reference_year", "gYear", True, "the year the annual counts are for"),
                c("source_file", required=True),
                c("first_line", "integer", True),
                c("last_line", "integer", True),
            ),
            ("id",),
            (("unit", "organisations", "key"),),
            [
                {
                    "id": slugs[s.number],
                    "number": s.number,
                    "institution_code": s.institution_code,
                    "name": s.name,
                    "name_en": linked.name_en[s.number],
                    "description": s.description,
                    "unit": linked.unit_keys[s.number],
                    "administrative_level": _level(s),
                    **s.units,
                    "legal_basis_text": s.cells["legal_basis"].text,
                    "documents_note": s.documents_note,
                    "application": s.application,
                    "external_text": s.external_text,
                    "legal_time_text": s.legal_time.text,
                    "legal_time_duration": s.legal_time.iso,
                    "average_time_text": s.average_time.text,
                    "average_time_duration": s.average_time.iso,
                    "processing_time": xsd_duration(s.average_time.iso or s.legal_time.iso),
                    "electronic_offered": s.electronic.offered,
                    "electronic_text": s.electronic.text,
                    "annual_count_text": s.annual_count_text,
                    "reference_year": s.reference_year,
                    "source_file": s.source_file,
                    "first_line": s.first_line,
                    "last_line": s.last_line,
                }
                for s in linked.services
            ],
        )
    )
    per_service(
        "service_sdp_codes",
        "Standard File Plan codes of each service.",
        [c("code", required=True)],
        lambda s: ({"code": x} for x in s.sdp_codes),
        (("code", "sdp_codes", "code"),),
    )
    per_service(
        "service_legal_basis",
        "The laws and regulations each service rests on.",
        [c("law", required=True), c("cited_as", required=True), c("note")],
        lambda s: (
            {"law": k, "cited_as": r.cited_as, "note": r.note}
            for k, r in zip(linked.law_keys[s.number], s.legal_basis, strict=True)
        ),
        (("law", "laws", "key"),),
    )
    per_service(
        "service_law_articles",
        "Articles cited, one row per article.",
        [c("law", required=True), c("article", required=True)],
        lambda s: (
            {"law": k, "article": article_key(k, a)}
            for k, r in zip(linked.law_keys[s.number], s.legal_basis, strict=True)
            for a in r.articles
        ),
        (("article", "law_articles", "key"),),
    )
    per_service(
        "service_beneficiaries",
        "Who the service is for, as listed.",
        [c("beneficiary", required=True)],
        lambda s: ({"beneficiary": b} for b in s.beneficiaries),
    )
    per_service(
        "service_audiences",
        "Beneficiary groups (curated from the beneficiaries).",
        [c("group", required=True)],
        lambda s: ({"group": g} for g in linked.audiences[s.number]),
        (("group", "beneficiary_groups", "key"),),
    )
    per_service(
        "service_documents",
        "Documents asked for, with their qualifier and condition.",
        [
            c("document", required=True),
            c("qualifier"),
            c("condition"),
            c("alternative_to_next", "boolean", True),
        ],
        lambda s: (
            {
                "document": k,
                "qualifier": d.qualifier,
                "condition": d.condition,
                "alternative_to_next": d.alternative_to_next,
            }
            for k, d in zip(linked.document_keys[s.number], s.documents, strict=True)
        ),
        (("document", "documents", "key"),),
    )
    per_service(
        "service_channels",
        "Where to apply: the channels each service names.",
        [c("channel", required=True)],
        lambda s: ({"channel": k} for k in linked.channel_keys[s.number]),
        (("channel", "channels", "key"),),
    )
    per_service(
        "service_paraf",
        "Approval (paraf) roles, in order, with the body that holds each.",
        [
            c("role", required=True),
            c("participant", description="the body holding the role: the unit, or one it names"),
        ],
        lambda s: (
            {"role": k, "participant": p}
            for k, p in zip(
                linked.role_keys[s.number], linked.paraf_participants[s.number], strict=True
            )
        ),
        (("role", "roles", "key"), ("participant", "organisations", "key")),
    )
    per_service(
        "service_internal_steps",
        "Internal correspondence (iç yazışma), in order.",
        [c("step", required=True)],
        lambda s: ({"step": t} for t in s.internal_steps),
    )
    per_service(
        "service_institutions",
        "External institutions a service works with.",
        [
            c("organisation", required=True),
            c("named_in", required=True, description="the column that names it"),
        ],
        lambda s: (
            {"organisation": k, "named_in": col} for k, col in linked.institutions[s.number]
        ),
        (("organisation", "organisations", "key"),),
    )
    per_service(
        "service_annual_counts",
        "Annual number of transactions.",
        [
            c("value", "integer", True),
            c("unit", description="a count-unit concept (scheme birim); empty for unit_text"),
            c("unit_text", description="a unit printed after the figure that is not a concept"),
            c("scope"),
            c("note"),
            c("reference_year", "gYear", True),
        ],
        lambda s: (
            {
                "value": x.value,
                "unit": None if x.unit_text else _unit_key(x.unit),
                "unit_text": x.unit_text,
                "scope": x.scope,
                "note": x.note,
                "reference_year": s.reference_year,
            }
            for x in s.annual_counts
        ),
    )
    per_service(
        "service_durations",
        "Completion times as read: a figure or a range in its printed unit (never a working day "
        "turned into calendar days), or a kind of time such as 'Aynı gün'.",
        [
            c("time", required=True, description="mevzuat (legal) or ortalama (average)"),
            c("value", "integer"),
            c("minimum", "integer"),
            c("maximum", "integer"),
            c("unit", description="a concept of the sure-birimi scheme, e.g. is-gunu"),
            c("kind", description="a concept of the sure-turu scheme: ayni-gun or aninda"),
        ],
        lambda s: (
            {
                "time": time,
                "value": d.reading.value,
                "minimum": d.reading.minimum,
                "maximum": d.reading.maximum,
                "unit": d.reading.unit,
                "kind": d.reading.kind,
            }
            for time, d in (("mevzuat", s.legal_time), ("ortalama", s.average_time))
            if d.reading is not None
        ),
    )
    per_service(
        "service_electronic_urls",
        "Addresses where the service is offered online.",
        [c("url", "anyURI", True)],
        lambda s: ({"url": u} for u in s.electronic.urls),
    )
    per_service(
        "service_corrections",
        "Corrections applied to each service's source text.",
        [c("correction", required=True)],
        lambda s: ({"correction": x.id} for x in s.corrections),
        (("correction", "corrections", "id"),),
    )
    tables += _reference_tables(linked)
    return tables


def _level(s: Service) -> str | None:
    levels = {
        "unit_central": "merkezi-idare",
        "unit_provincial": "tasra",
        "unit_local": "mahalli-idare",
        "unit_other": "diger",
    }
    return next((levels[k] for k in levels if s.units[k]), None)


def _unit_key(unit: str | None) -> str:
    # The count-unit concepts of ontology/schemes.ttl; no unit printed means transactions.
    return COUNT_UNITS[unit] if unit else "islem"


def _reference_tables(linked: Linked) -> list[Table]:
    services = linked.services
    articles: dict[str, Row] = {}
    for s in services:
        for key, r in zip(linked.law_keys[s.number], s.legal_basis, strict=True):
            for a in r.articles:
                articles.setdefault(
                    article_key(key, a), {"key": article_key(key, a), "law": key, "article": a}
                )
    corrections: dict[str, Row] = {}
    for s in services:
        for x in s.corrections:
            corrections.setdefault(
                x.id,
                {
                    "id": x.id,
                    "field": x.field,
                    "source_text": x.source,
                    "corrected_text": x.corrected,
                    "reason": x.reason,
                },
            )

    def sort(rows: Iterable[Row], by: str = "key") -> list[Row]:
        return sorted(rows, key=lambda r: str(r[by]))

    return [
        Table(
            "organisations",
            "The publisher, its department and units, and the institutions the services work with.",
            (
                KEY,
                c("name", required=True),
                c("name_en"),
                c("kind", required=True, description="publisher, department, unit or institution"),
                c("public", "boolean", True),
                c("detsis"),
                c("part_of"),
                c("wikidata"),
                c("spatial"),
            ),
            ("key",),
            (("part_of", "organisations", "key"),),
            sort(
                {
                    k: o.get(k)
                    for k in (
                        "key",
                        "name",
                        "name_en",
                        "kind",
                        "public",
                        "detsis",
                        "part_of",
                        "wikidata",
                        "spatial",
                    )
                }
                for o in linked.organisations.values()
            ),
        ),
        Table(
            "laws",
            "Laws (kanun) and regulations (yönetmelik) cited.",
            (
                KEY,
                c("kind", required=True),
                c("number"),
                c("title", required=True),
                c("title_en"),
                c("page", "anyURI", description="the official text"),
            ),
            ("key",),
            (),
            sort(
                {
                    "key": x.key,
                    "kind": x.kind,
                    "number": x.number,
                    "title": x.title_tr,
                    "title_en": x.title_en,
                    "page": x.page,
                }
                for x in linked.laws.values()
            ),
        ),
        Table(
            "law_articles",
            "Articles of laws cited by a service.",
            (KEY, c("law", required=True), c("article", required=True)),
            ("key",),
            (("law", "laws", "key"),),
            sort(articles.values()),
        ),
        Table(
            "documents",
            "Documents asked for by one or more services.",
            (KEY, c("name", required=True), c("name_en")),
            ("key",),
            (),
            sort(
                {"key": d.key, "name": d.label_tr, "name_en": d.label_en}
                for d in linked.documents.values()
            ),
        ),
        Table(
            "channels",
            "Application channels: phone lines, web portals, centres …",
            (
                KEY,
                c("kind", required=True),
                c("label", required=True),
                c("label_en"),
                c("phone"),
                c("url", "anyURI"),
                c("contact", description="the contact point's key, when there is a number or URL"),
            ),
            ("key",),
            (),
            sort(
                {
                    "key": k,
                    "kind": ch.kind,
                    "label": ch.label,
                    "label_en": en,
                    "phone": ch.phone,
                    "url": ch.url,
                    "contact": k if ch.phone or ch.url else None,
                }
                for k, (ch, en) in linked.channels.items()
            ),
        ),
        Table(
            "roles",
            "Approval (paraf) roles.",
            (KEY, c("name", required=True), c("name_en")),
            ("key",),
            (),
            sort(
                {"key": r.key, "name": r.label_tr, "name_en": r.label_en}
                for r in linked.roles.values()
            ),
        ),
        Table(
            "beneficiary_groups",
            "Beneficiary groups (curated).",
            (KEY, c("label", required=True), c("label_en"), c("definition"), c("definition_en")),
            ("key",),
            (),
            sort(
                {
                    "key": g["key"],
                    "label": g.get("tr"),
                    "label_en": g.get("en"),
                    "definition": g.get("definition_tr"),
                    "definition_en": g.get("definition_en"),
                }
                for g in linked.groups.values()
            ),
        ),
        Table(
            "sdp_codes",
            "Standard File Plan (Standart Dosya Planı) codes used.",
            (c("code", required=True), c("key", required=True)),
            ("code",),
            (),
            [{"code": x, "key": slugify(x)} for x in sorted(linked.sdp_codes)],
        ),
        Table(
            "corrections",
            "Corrections of the source text, with their reasons.",
            (
                c("id", required=True),
                c("field", required=True),
                c("source_text", required=True),
                c("corrected_text", required=True),
                c("reason", required=True),
            ),
            ("id",),
            (),
            sort(corrections.values(), "id"),
        ),
    ]


def render_csv(t: Table) -> str:
    """A table as RFC 4180 CSV text (UTF-8, header row, LF line ends, empty for null)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([col.name for col in t.columns])
    for row in t.rows:
        writer.writerow([_cell(row.get(col.name)) for col in t.columns])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return inert(str(value))


# A text a spreadsheet would run as a formula: '=…', '@…', or '+…'/'-…' that is not a plain
# number or a lone dash (a steward's 'none'). Such a value is published with an apostrophe before
# it, the mark spreadsheets take for "this is text" (docs/publication.md).
FORMULA = re.compile(r"^[=@\t\r]|^[+\-](?![0-9]+(?:[.,][0-9]+)?$)(?!$)")


def inert(text: str) -> str:
    """The text, made inert for spreadsheets: a formula-like text gets a leading apostrophe."""
    return "'" + text if FORMULA.match(text) else text


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
                            "name": col.name,
                            "titles": col.name,
                            "datatype": col.datatype,
                            "required": col.required,
                            **({"dc:description": col.description} if col.description else {}),
                        }
                        for col in t.columns
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
