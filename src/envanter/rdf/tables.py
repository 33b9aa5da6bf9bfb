"""Tidy tables: one CSV per entity and per multi-valued field, described by CSVW metadata.

Every table is 'tidy': one row per observation, one column per variable, values atomic. The
services table has one row per service, keyed by its pinned slug; each list-valued column becomes
its own table keyed by (service, position); things services share (laws, documents, channels …)
get reference tables with a stable key, so a researcher can join them. The RDF mappings
(mappings/) read these same tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..read.formats import source_page
from ..read.inventory import COLUMNS, LineGuess
from ..read.linking import Linked
from ..read.parsing import xsd_duration
from ..read.records import Service
from .iris import slugify
from .reference_tables import LEVELS, reference_tables
from .table_model import (
    POSITION,
    SERVICE,
    TO_SERVICES,
    Table,
    TableColumn,
    TableRow,
    article_key,
    c,
)


def build_tables(linked: Linked, inventory: str, inventory_file: str) -> list[Table]:
    """All tables of one inventory (`inventory`: its dataset's key; `inventory_file`: its
    file's name), rows filled, in a stable order."""
    tables: list[Table] = []
    slugs = linked.slugs

    def per_service(
        name: str,
        description: str,
        columns: list[TableColumn],
        values: Callable[[Service], Iterable[TableRow]],
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
                c(
                    "reference_year",
                    "gYear",
                    description="the year the annual counts are for; empty: unknown",
                ),
                c("source_file", required=True),
                c(
                    "inventory",
                    required=True,
                    description="the inventory's dataset: {base}id/veri-seti/{inventory}",
                ),
                c("inventory_file", required=True, description="the inventory's file name"),
                c("first_line", "integer", True),
                c(
                    "source_page",
                    "integer",
                    description="the page of the source document after the first that shows "
                    "first_line (kaynak/{inventory}/sayfa/{source_page}.html); empty: the "
                    "first (kaynak/{inventory}.html)",
                ),
                c("last_line", "integer", True),
            ),
            ("id",),
            (),
            [
                {
                    "id": slugs[s.number],
                    "number": s.number,
                    "institution_code": s.institution_code,
                    "name": s.name,
                    "name_en": linked.name_en[s.number],
                    "description": s.description,
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
                    "inventory": inventory,
                    "inventory_file": inventory_file,
                    "first_line": s.first_line,
                    "source_page": page if (page := source_page(s.first_line)) > 1 else None,
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
        "service_units",
        "The competent units: each unit a görevli birim column names, with that column's level.",
        [
            c("unit", required=True, description="organisations.key"),
            c("administrative_level", required=True, description="the column the unit is in"),
        ],
        lambda s: (
            {"unit": k, "administrative_level": LEVELS[level]}
            for k, level in linked.unit_keys[s.number]
        ),
        (("unit", "organisations", "key"),),
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
            c("reference_year", "gYear"),
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
    per_service(
        "service_line_breaks",
        "Line breaks of a PDF cell read as the page's wrap with nothing to tell them from a "
        "break typed between two items, where that changed the cell's items.",
        [c("column", required=True), c("text", required=True)],
        lambda s: ({"column": key, "text": line_break_text(key, g)} for key, g in s.guessed_breaks),
    )
    tables += reference_tables(linked)
    return tables


def line_break_text(key: str, g: LineGuess) -> str:
    """'Paraf Listesi: Şube Müdürü | Vali Yardımcısı': the column, and the lines joined."""
    return f"{HEADINGS[key]}: {g.before} | {g.after}"


HEADINGS = {c.key: c.header for c in COLUMNS}


def _unit_key(unit: str | None) -> str:
    # The count-unit concepts of ontology/schemes.ttl; no unit printed means transactions.
    return slugify(unit) if unit else "islem"
