"""What each kind of page shows: a typed view per page kind, as the templates (site/) read it.

The rows inside a view (`row`, a participation, a step, …) are the site queries' solutions as
they come (queries/site/*.rq); the views around them are built in views.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..check.report import Finding
from ..metadata import InventoryMetadata
from .contact import Action, phone_actions, web_action
from .paging import Pager

Solution = dict[str, Any]  # one solution of a site query: variable → value, every variable present

# What the list of services shows of a service's row (site/services.html.j2).
LIST_ROW_KEYS = ("row", "title_tr", "title_en", "online", "legal_time", "average_time")
# The names of the licences a publication commonly carries, for the footer (any other is named
# by its address).
LICENCE_NAMES = {
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "CC BY-SA 4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    "https://creativecommons.org/licenses/by/3.0/": "CC BY 3.0",
}


@dataclass(frozen=True, slots=True)
class Colophon:
    """What every page's footer says of the publication, from the inventory's metadata."""

    publisher_tr: str
    publisher_en: str
    unit_tr: str
    unit_en: str
    license: str  # the licence's URI
    year: int | None  # the year the inventory's figures are for
    issued: str | None  # the inventory edition's date, YYYY-MM-DD
    published: str  # the build's date, YYYY-MM-DD (SOURCE_DATE_EPOCH when set)
    contact: list[Action]  # the metadata's contact: e-mail, phone, web page

    @classmethod
    def of(cls, license_: str, metadata: InventoryMetadata, published: str) -> Colophon:
        publisher, unit, contact = metadata.publisher, metadata.department, metadata.contact
        actions: list[Action] = []
        if contact is not None:
            if contact.email:
                actions.append(Action(f"mailto:{contact.email}", contact.email, "email"))
            if contact.phone:
                actions += phone_actions("phone_line", re.sub(r"\D", "", contact.phone))
            if contact.url and (page := web_action(contact.url)):
                actions.append(page)
        return cls(
            publisher_tr=publisher.name if publisher else "",
            publisher_en=(publisher.name_en or publisher.name) if publisher else "",
            unit_tr=unit.name if unit else "",
            unit_en=(unit.name_en or unit.name) if unit else "",
            license=license_,
            year=metadata.reference_year,
            issued=metadata.issued,
            published=published,
            contact=actions,
        )

    @property
    def license_name(self) -> str:
        return LICENCE_NAMES.get(self.license, self.license)


@dataclass(frozen=True, slots=True)
class ChannelView:
    """A channel as "how to apply" shows it: its name and what one can do with it (call,
    write, open), an office or a counter having no action but its name."""

    iri: str
    actions: list[Action]


@dataclass(frozen=True, slots=True)
class ServiceView:
    """A service as its page shows it (site/service.html.j2)."""

    iri: str
    row: Solution  # queries/site/services.rq
    slug: str
    laws: list[str]
    articles: list[str]
    documents: list[tuple[str, str | None]]  # (document, "required", "optional" or None)
    channels: list[str]
    contacts: list[ChannelView]  # the channels, each with its actions
    online: list[Action]  # the web addresses of its online channels (portal, app)
    channel_kinds: list[str]
    audiences: list[str]
    sdp: list[str]
    unit: str | None  # one of the competent units, for the list of services and the citation
    units_by_level: list[tuple[str | None, list[str]]]  # every competent unit, by level
    corrections: list[Solution]
    paraf: list[Solution]
    institutions: list[Solution]
    steps: list[Solution]
    volumes: list[Solution]
    requirements: list[Solution]
    findings: list[Finding]
    search: str  # the text the list of services' search looks in, folded
    # The line its references start at on the source document's page, from the site root
    # (publication/sourcedoc.py); None when the service records no source lines.
    source_lines: str | None = None

    def listed(self, one: Callable[[str], str] = str) -> ListedService:
        """What the list of services keeps of it: a national inventory's list keeps this for
        every service while the rest of the view goes with its batch. `one` gives the one copy
        of a string that many services name (a law's IRI, "false"; see run/batches.py:OneCopy)."""

        def ones(values: list[str]) -> list[str]:
            return [one(value) for value in values]

        return ListedService(
            iri=one(self.iri),
            row={
                key: one(value) if isinstance(value := self.row[key], str) else value
                for key in LIST_ROW_KEYS
                if key in self.row
            },
            unit=None if self.unit is None else one(self.unit),
            laws=ones(self.laws),
            audiences=ones(self.audiences),
            channel_kinds=ones(self.channel_kinds),
            sdp=ones(self.sdp),
            search=self.search,
            documents=[(one(d), None if how is None else one(how)) for d, how in self.documents],
        )


@dataclass(frozen=True, slots=True)
class ListedService:
    """A service as the list of services shows it (site/services.html.j2)."""

    iri: str
    row: Solution
    unit: str | None
    laws: list[str]
    audiences: list[str]
    channel_kinds: list[str]
    sdp: list[str]
    search: str
    documents: list[tuple[str, str | None]]  # for the Hizmet Standartları Tablosu


@dataclass(frozen=True, slots=True)
class EntityView:
    """Any other minted thing as its page shows it: a law, organisation, document, channel,
    concept, or a plain resource (site/entity.html.j2)."""

    iri: str
    kind: str  # law, organisation, document, channel, concept or resource
    types: list[str]
    details: dict[str, list[str]]  # the variables of queries/site/entity-details.rq
    used_by: list[str]
    articles: list[str]
    children: list[str]
    concepts: list[str]
    inventories: list[str]  # an institution's: the datasets it publishes
    totals: list[tuple[str, int]]
    props: list[tuple[str, str | None, str]]  # (property as a CURIE, IRI or None, text)
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class Facet:
    """One filter of the list of services: its key, its label's key, its (value, name) options."""

    key: str
    label: str
    options: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Figures:
    """The home page's counts."""

    services: int
    laws: int
    documents: int
    channels: int
    units: int
    triples: int


@dataclass(frozen=True, slots=True)
class ListedQuery:
    """A named query (queries/*.rq) as the queries page lists it, from its `# title:` headers."""

    file: str
    title_tr: str
    title_en: str
    description_tr: str
    description_en: str
    text: str


def listed_queries(folder: Path) -> list[ListedQuery]:
    """queries/*.rq with their `# title:` / `# title@en:` / `# description…:` headers."""
    out = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        head = {}
        for line in text.splitlines():
            if line.startswith("# ") and ":" in line:
                key, _, value = line[2:].partition(":")
                head[key.strip()] = value.strip()
        out.append(
            ListedQuery(
                file=path.name,
                title_tr=head.get("title", path.stem),
                title_en=head.get("title@en", path.stem),
                description_tr=head.get("description", ""),
                description_en=head.get("description@en", ""),
                text=text,
            )
        )
    return out


# --- the pages: one context per kind, beside what every page has (site/base.html.j2) ---


@dataclass(frozen=True, slots=True)
class HomePage:
    figures: Figures
    downloads: list[dict[str, str]]
    # With many inventories: each institution's inventory (its label, its page), to browse by.
    inventories: tuple[tuple[Markup, str], ...] = ()
    changes: bool = False  # built with --previous: the changes page is linked


@dataclass(frozen=True, slots=True)
class ServicesPage:
    services: list[ListedService]  # this page's
    pager: Pager


@dataclass(frozen=True, slots=True)
class UsedByPage:
    """A further page of the services that use an entity (its first page is the entity's)."""

    iri: str
    used_by: list[str]  # this page's
    pager: Pager


@dataclass(frozen=True, slots=True)
class StandardsPage:
    """The Hizmet Standartları Tablosu: every service's name, documents and completion time,
    PAGE_SIZE services a page."""

    services: list[ListedService]  # this page's
    pager: Pager


@dataclass(frozen=True, slots=True)
class QueriesPage:
    queries: list[ListedQuery]


@dataclass(frozen=True, slots=True)
class AboutPage:
    downloads: list[dict[str, str]]
    license: str
    uri_base: str


@dataclass(frozen=True, slots=True)
class NotFoundPage:
    pass


@dataclass(frozen=True, slots=True)
class ServicePage:
    v: ServiceView
    jsonld: Markup
    schema: dict[str, object]  # schema.org's GovernmentService, as JSON-LD


@dataclass(frozen=True, slots=True)
class EntityPage:
    e: EntityView
    jsonld: Markup
    used_by: list[str]  # the first page of e.used_by
    pager: Pager | None  # when e.used_by has more than one page
    cut: list[tuple[str, int, int]]  # a property shown in part: how many values shown, in all


PageContext = (
    HomePage
    | ServicesPage
    | StandardsPage
    | QueriesPage
    | AboutPage
    | NotFoundPage
    | ServicePage
    | EntityPage
    | UsedByPage
)


def variables(page: PageContext) -> dict[str, object]:
    """The page's fields as the template's variables."""
    return {f.name: getattr(page, f.name) for f in fields(page)}
