"""The views of the site's pages, built from the site data (sitedata.py) and the findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pyoxigraph as ox

from ..check.report import Finding
from ..rdf.vocab import CPSV, CV, DCT, ELI, FOAF, RDF_TYPE, SKOS
from ..turkish import search_fold, turkish_sort_key
from .contact import Action, phone_actions, web_action
from .pages import (
    ChannelView,
    EntityView,
    Facet,
    Figures,
    ListedService,
    ServiceView,
    Solution,
)
from .sitedata import SiteData
from .sourcedoc import line_link

ENV = "def/envanter#"
# The administrative levels (ontology/schemes.ttl), in the order of the table's four columns.
LEVEL_ORDER = ("merkezi-idare", "tasra", "mahalli-idare", "diger")
# The channel kinds (ontology/schemes.ttl, kanal-turu) whose web address is the service online.
ONLINE_KINDS = ("web_portal", "mobile_app")
# The variables of queries/site/entity-details.rq: every entity page has each, maybe empty.
DETAIL_KEYS = (
    "number",
    "page",
    "part_of",
    "article",
    "detsis",
    "parent",
    "level",
    "scheme",
    "notation",
    "kind",
    "phone",
    "contact_page",
    "same_as",
    "spatial",
    "publisher",
)


def group_digits(value: object, lang: str) -> str:
    """A whole number with its thousands grouped as the page's language writes them: 163.485
    in Turkish, 163,485 in English; anything else as it is."""
    text = str(value)
    if not text.isascii() or not text.isdigit():
        return text
    return f"{int(text):,}".replace(",", "." if lang == "tr" else ",")


class Views:
    """Builds the views of one set of site data (a batch's, or what the batches kept)."""

    def __init__(
        self, data: SiteData, findings: list[Finding], compact: Callable[[str], str]
    ) -> None:
        self.data = data
        self.base = data.base
        self.compact = compact
        self.sort_keys: dict[str, tuple[tuple[str, str], str]] = {}
        self.users: dict[str, list[str]] | None = None  # see users_in_order()
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            self.findings[f.focus].append(f)
        # What points at an entity, by relation: what entity_view lists as its articles, sub-units
        # and concepts (found once here, not by scanning every entity's details on every page).
        self.inverse: dict[str, dict[str, list[str]]] = {
            key: defaultdict(list) for key in ("part_of", "parent", "scheme", "publisher")
        }
        for i, found in data.details.items():
            for key, index in self.inverse.items():
                for target in found.get(key, ()):
                    index[target].append(i)

    def figures(self, services: int, triples: int) -> Figures:
        types = self.data.types

        def count(cls: str) -> int:
            return sum(1 for t in types.values() if cls in t)

        return Figures(
            services=services,
            laws=sum(
                1
                for i, t in types.items()
                if ELI + "LegalResource" in t and not self.data.details.get(i, {}).get("part_of")
            ),
            documents=count(CV + "Evidence"),
            channels=count(CV + "Channel"),
            units=sum(
                1
                for i, t in types.items()
                if CV + "PublicOrganisation" in t and "detsis" in self.data.details.get(i, {})
            ),
            triples=triples,
        )

    def service_view(self, row: Solution) -> ServiceView:
        iri = row["s"]
        links = self.data.links.get(iri, {})
        required = set(links.get(self.base + ENV + "requiredInput", []))
        optional = set(links.get(self.base + ENV + "optionalInput", []))
        channels = links.get(CV + "hasChannel", [])
        kinds = sorted({k for c in channels for k in self.data.details.get(c, {}).get("kind", [])})
        laws = links.get(CV + "hasLegalResource", [])
        contacts = [ChannelView(c, self.actions(c)) for c in channels]
        parafs, institutions = [], []
        for p in self.data.participations.get(iri, []):
            if p["role"].endswith("/dis-yazisma-kurumu") or p["role"].endswith(
                "/basvuru-kabul-kurumu"
            ):
                institutions.append(p)
            else:
                parafs.append(p)
        return ServiceView(
            iri=iri,
            row=row,
            slug=row["id"],
            laws=[x for x in laws if not self.data.details.get(x, {}).get("part_of")],
            articles=[x for x in laws if self.data.details.get(x, {}).get("part_of")],
            documents=[
                (d, "required" if d in required else "optional" if d in optional else None)
                for d in links.get(CPSV + "hasInput", [])
            ],
            channels=channels,
            contacts=contacts,
            online=[
                a
                for c in contacts
                if self.kind_of(c.iri) in ONLINE_KINDS
                for a in c.actions
                if a.kind == "web"
            ],
            channel_kinds=kinds,
            audiences=links.get(DCT + "audience", []),
            sdp=links.get(CV + "isClassifiedBy", []),
            unit=row.get("unit"),
            units_by_level=self.units_by_level(links.get(CV + "hasCompetentAuthority", [])),
            corrections=[
                self.data.corrections[c]
                for c in links.get(self.base + ENV + "correction", [])
                if c in self.data.corrections
            ],
            paraf=parafs,
            institutions=institutions,
            steps=self.data.steps.get(iri, []),
            volumes=self.data.volumes.get(iri, []),
            requirements=self.data.requirements.get(iri, []),
            findings=self.findings.get(iri, []),
            source_lines=source_lines(row),
            search=search_fold(
                " ".join(
                    [
                        row.get("title_tr") or "",
                        row.get("title_en") or "",
                        row.get("description") or "",
                    ]
                    + [
                        self.data.label(d, "tr")
                        for d in links.get(CPSV + "hasInput", []) + channels
                    ]
                )
            ),
        )

    def kind_of(self, channel: str) -> str:
        """A channel's kind as its notation (phone_line, whatsapp, …; '' when it has none)."""
        kinds = sorted(self.data.details.get(channel, {}).get("kind", ()))
        return kinds[0].rsplit("/", 1)[-1] if kinds else ""

    def actions(self, channel: str) -> list[Action]:
        """What a channel lets a citizen do: call, write or open its web address."""
        found = self.data.details.get(channel, {})
        kind = self.kind_of(channel)
        out = [a for phone in sorted(found.get("phone", ())) for a in phone_actions(kind, phone)]
        return out + [a for url in sorted(found.get("contact_page", ())) if (a := web_action(url))]

    def units_by_level(self, units: list[str]) -> list[tuple[str | None, list[str]]]:
        """The competent units under the level of the column naming each, levels in the table's
        order (a unit named in two columns is under both; one with no level last)."""
        by_level: dict[str | None, list[str]] = {}
        for unit in units:
            levels: list[str | None] = [*sorted(self.data.details.get(unit, {}).get("level", ()))]
            for level in levels or [None]:
                by_level.setdefault(level, []).append(unit)
        order = [self.base + "def/idari-duzey/" + k for k in LEVEL_ORDER]
        return sorted(
            by_level.items(),
            key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order),
        )

    def facets(self, services: list[ListedService], lang: str) -> list[Facet]:
        def options(values: set[str]) -> list[tuple[str, str]]:
            return sorted(
                ((x, self.data.label(x, lang)) for x in values if x),
                key=lambda kv: (turkish_sort_key(kv[1]), kv[0]),
            )

        return [
            Facet("unit", "facet_unit", options({v.unit or "" for v in services})),
            Facet("law", "facet_law", options({x for v in services for x in v.laws})),
            Facet("group", "facet_group", options({x for v in services for x in v.audiences})),
            Facet(
                "channel",
                "facet_channel",
                options({x for v in services for x in v.channel_kinds}),
            ),
            Facet("sdp", "facet_sdp", options({x for v in services for x in v.sdp})),
        ]

    def schema_org(
        self, v: ServiceView, lang: str, area: dict[str, object] | None = None
    ) -> dict[str, object]:
        """The service as schema.org's GovernmentService; `area`, the place the inventory's
        metadata gives (none: no areaServed)."""
        row = v.row
        schema: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "GovernmentService",
            "@id": v.iri,
            "name": row.get("title_en")
            if lang == "en" and row.get("title_en")
            else row["title_tr"],
            "description": row["description"],
            "identifier": row["id"],
            "provider": {
                "@type": "GovernmentOrganization",
                "name": self.data.label(v.unit, lang) if v.unit else "",
            },
            "availableChannel": [
                {"@type": "ServiceChannel", "name": self.data.label(c, lang)} for c in v.channels
            ],
        }
        if area is not None:
            schema["areaServed"] = area
        return schema

    def entity_view(self, iri: str, triples: list[ox.Triple]) -> EntityView:
        types = self.data.types.get(iri, set())
        found = self.data.details.get(iri, {})
        details = {k: sorted(found.get(k, ())) for k in DETAIL_KEYS}
        if ELI + "LegalResource" in types:
            kind = "law"
        elif CV + "PublicOrganisation" in types or FOAF + "Agent" in types:
            kind = "organisation"
        elif CV + "Evidence" in types:
            kind = "document"
        elif CV + "Channel" in types:
            kind = "channel"
        elif SKOS + "Concept" in types or SKOS + "ConceptScheme" in types:
            kind = "concept"
        else:
            kind = "resource"
        totals = self.data.totals.get(iri, {}) if kind == "organisation" else {}
        return EntityView(
            iri=iri,
            kind=kind,
            types=sorted(types),
            details=details,
            used_by=self.users_in_order().get(iri, []),
            articles=sorted(self.inverse["part_of"].get(iri, ())),
            children=sorted(self.inverse["parent"].get(iri, ())),
            concepts=sorted(self.inverse["scheme"].get(iri, ())),
            inventories=sorted(self.inverse["publisher"].get(iri, ())),
            totals=sorted(totals.items()),
            props=[
                (
                    self.compact(t.predicate.value),
                    t.object.value if isinstance(t.object, ox.NamedNode) else None,
                    getattr(t.object, "value", str(t.object)),
                )
                for t in triples
                # (the triples of its fragments, say the ontology's terms, are in its JSON-LD
                # only)
                if t.predicate != RDF_TYPE and getattr(t.subject, "value", None) == iri
            ],
            findings=self.findings.get(iri, []),
        )

    def users_in_order(self) -> dict[str, list[str]]:
        """What uses each entity, in sort_key's order. Everything that uses an entity is sorted
        once, and each entity's users found in that order in one pass, rather than each
        entity's sorted apart for each language: an entity used by every service of a national
        inventory lists them all, on its page in each language."""
        if self.users is None:
            uses: dict[str, list[str]] = defaultdict(list)  # user → the entities it uses
            for entity, users in self.data.used_by.items():
                for user in users:
                    uses[user].append(entity)
            self.users = {entity: [] for entity in self.data.used_by}
            for user in sorted(uses, key=self.sort_key):
                for entity in uses[user]:
                    self.users[entity].append(user)
        return self.users

    def sort_key(self, iri: str) -> tuple[tuple[str, str], str]:
        """A resource's place in a list: by its Turkish label, then its URI (a set's order
        differs from run to run). Memoised: a service is listed on the page of every entity
        it uses."""
        key = self.sort_keys.get(iri)
        if key is None:
            key = self.sort_keys[iri] = (turkish_sort_key(self.data.label(iri, "tr")), iri)
        return key


def source_lines(row: Solution) -> str | None:
    """The anchor of the service's first source line on its source document's page."""
    source, first = row.get("source"), row.get("first")
    if not source or not first:
        return None
    return line_link(source.rsplit("/", 1)[-1], int(first))
