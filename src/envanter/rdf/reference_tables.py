"""Reference tables: the things services share (laws, articles, documents, channels, units, …),
one row each under a stable key, so a researcher can join them to the services."""

from __future__ import annotations

from collections.abc import Iterable

from ..read.linking import Linked
from .iris import slugify
from .table_model import KEY, Table, TableRow, article_key, c

# The administrative-level concepts (ontology/schemes.ttl) of the four görevli birim columns.
LEVELS = {
    "unit_central": "merkezi-idare",
    "unit_provincial": "tasra",
    "unit_local": "mahalli-idare",
    "unit_other": "diger",
}


def reference_tables(linked: Linked) -> list[Table]:
    services = linked.services
    articles: dict[str, TableRow] = {}
    for s in services:
        for key, r in zip(linked.law_keys[s.number], s.legal_basis, strict=True):
            for a in r.articles:
                articles.setdefault(
                    article_key(key, a), {"key": article_key(key, a), "law": key, "article": a}
                )
    corrections: dict[str, TableRow] = {}
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

    def sort(rows: Iterable[TableRow], by: str = "key") -> list[TableRow]:
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
            "unit_levels",
            "The administrative level of each competent unit: the görevli birim columns naming it.",
            (
                c("unit", required=True, description="organisations.key"),
                c("administrative_level", required=True),
            ),
            ("unit", "administrative_level"),
            (("unit", "organisations", "key"),),
            sorted(
                (
                    {"unit": key, "administrative_level": LEVELS[level]}
                    for key, level in dict.fromkeys(
                        pair for s in services for pair in linked.unit_keys[s.number]
                    )
                ),
                key=lambda r: (str(r["unit"]), str(r["administrative_level"])),
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
