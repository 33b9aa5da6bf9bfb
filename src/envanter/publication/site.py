"""The static HTML site: Jinja2 templates (site/) over the site data, in Turkish and English.

Pages: home, the service list (client-side search and facets), a page per service, a page per
law, organisation, document, channel and concept, a plain page for every other URI we mint, the
example SPARQL queries, about/dataset, sitemap.xml, robots.txt and a 404 page. Turkish pages are at
their path, English ones under en/. Templates run with autoescape and StrictUndefined: source text
is untrusted everywhere, and the JSON-LD embedded in pages is HTML-safe JSON (<, >, & and ' as
JSON escapes, as Jinja's tojson filter writes it).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..check.validate import Finding, Report
from ..rdf.graph import RDF_TYPE
from ..rdf.iris import ascii_fold, turkish_sort_key
from ..rdf.serialize import (
    Description,
    JsonLd,
    context_document,
    document_path,
    html_safe,
)
from ..run.executor import in_processes
from .sitedata import CPSV, CV, DCT, SiteData

LANGS = ("tr", "en")
FRONT_PAGES = ("index.html", "hizmetler.html", "sorgular.html", "hakkinda.html", "404.html")
# The variables of queries/site/entity-details.rq: every entity page has each, maybe empty.
DETAIL_KEYS = (
    "number",
    "page",
    "part_of",
    "article",
    "detsis",
    "parent",
    "scheme",
    "notation",
    "kind",
    "phone",
    "contact_page",
    "same_as",
    "spatial",
)
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF = "http://xmlns.com/foaf/0.1/"
ENV = "def/envanter#"
# A page listing more services than this is written as it renders (see Site.write).
LARGE = 5_000
# What the list of services shows of each (site/services.html.j2): kept for every service of a
# national inventory while the rest of a service's view is dropped with its batch.
LIST_KEYS = ("iri", "unit", "laws", "audiences", "channel_kinds", "sdp", "search")
LIST_ROW_KEYS = ("row", "title_tr", "title_en", "online")


def list_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in LIST_ROW_KEYS if key in row}


def fold(text: str) -> str:
    """Turkish-aware search folding, as search.js does it: 'İzni' and 'izni', 'süt' and 'sut'."""
    return ascii_fold(text.replace("I", "ı").replace("İ", "i")).lower()


class SiteEnvironment(Environment):
    """Jinja with `row.title` read as the dict's key first. Jinja tries an attribute first and
    the key only when that fails, which costs an exception; the site's views are dicts, and a
    national inventory's pages read some thirty million of their keys. (A key named like a dict
    method, `items` say, is the key here; the templates use no dict method.)"""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@dataclass(frozen=True, slots=True)
class Page:
    """The page being written: its language, the way to the site's root and to its language's
    home page (`../../`, `../../en/`)."""

    lang: str
    root: str
    home: str


class Strings:
    """The site's interface strings in one language, as templates use them: `s.key`, or `s[key]`
    for a key held in a variable. Escaped once here, not on each of the hundreds of thousands of
    pages (a missing key is undefined, which StrictUndefined makes an error)."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.__dict__.update({key: escape(text) for key, text in texts.items()})

    def __getitem__(self, key: str) -> Markup:
        found: Markup = self.__dict__[key]
        return found


class Site:
    def __init__(
        self,
        data: SiteData,
        prefixes: dict[str, str],
        report: Report,
        templates: Path,
        out: Path,
        downloads: list[dict[str, str]],
        queries: list[dict[str, str]],
        license_: str,
    ) -> None:
        self.base = data.base
        self.out = out
        self.downloads = downloads
        self.queries = queries
        self.license = license_
        strings: dict[str, dict[str, str]] = yaml.safe_load(
            (templates / "i18n.yaml").read_text(encoding="utf-8")
        )
        self.interface = {
            lang: Strings({key: text[lang] for key, text in strings.items()}) for lang in LANGS
        }
        self.env = SiteEnvironment(
            loader=FileSystemLoader(templates),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # compiled once per build: no file checks per page
        )
        # What pages say of the resources they link to, as filters (`x|label`, `x|link`): a
        # template calls a filter directly, a function through the context (three times the
        # cost, and a service's page has a hundred such calls). They read the page being
        # written from `self.page` (pages are written one at a time in a process).
        self.page = Page("tr", "", "")
        self.env.filters.update(
            label=lambda iri: self.data.label(iri, self.page.lang),
            link=self.link,
            link_items=self.link_items,
            fragment=lambda iri: iri.partition("#")[2],
            # (Jinja's join escapes each item; the result of this one is escaped once.)
            words=lambda iris: " ".join(iris),
            doc=lambda iri, ext: f"{self.page.root}{document_path(iri, self.base)}.{ext}",
        )
        self.jsonld_writer = JsonLd(prefixes)
        self.compact = self.jsonld_writer.compact
        self.context = context_document(prefixes)["@context"]
        self.context_json = htmlsafe_json_dumps(self.context, sort_keys=True)
        self.written: list[Path] = []
        self.folders: set[Path] = set()
        self.pages: dict[str, str | None] = {}
        self.use(data, report.findings)

    def use(self, data: SiteData, findings: list[Finding]) -> None:
        """Render from this data and these findings from now on (a build of many batches shows
        each batch's services with the batch's data, then the rest with what it kept)."""
        self.data = data
        self.sort_keys: dict[str, tuple[tuple[str, str], str]] = {}
        self.items: dict[str, dict[str, str]] = {}  # home → IRI → its link_items line
        self.users: dict[str, list[str]] | None = None  # see users_in_order()
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            self.findings[f.focus].append(f)
        # What points at an entity, by relation: what entity_view lists as its articles, sub-units
        # and concepts (found once here, not by scanning every entity's details on every page).
        self.inverse: dict[str, dict[str, list[str]]] = {
            key: defaultdict(list) for key in ("part_of", "parent", "scheme")
        }
        for i, found in data.details.items():
            for key, index in self.inverse.items():
                for target in found.get(key, ()):
                    index[target].append(i)

    # --- helpers available to templates ---

    def page_of(self, iri: str) -> str | None:
        """The HTML page of a minted URI, relative to the site root (Turkish). A fragment URI
        (a service's sub-resource, …/hizmet/x#paraf-3) is a place on its service's page."""
        if iri not in self.pages:
            thing, hash_, fragment = iri.partition("#")
            rel = document_path(thing, self.base)
            self.pages[iri] = f"{rel}.html{hash_}{fragment}" if rel else None
        return self.pages[iri]

    def link(self, iri: str) -> str:
        """The page of a minted URI, relative to the page being written; any other URI as it is."""
        page = self.page_of(iri)
        return f"{self.page.home}{page}" if page else iri

    def link_items(self, iris: Iterable[str]) -> Markup:
        """`<li><a href="{page}">{label}</a></li>` a resource, a line each, for `entity_list`.
        Written here rather than in a template loop, and each item remembered for the pages at
        the same depth in the same language: an entity used by every service of a national
        inventory lists 100,000 of them, and each service is listed on some twenty pages."""
        home, lang = self.page.home, self.page.lang
        items = self.items.setdefault(home, {})  # (a home names its language too)
        out = []
        for iri in iris:
            item = items.get(iri)
            if item is None:
                page = self.page_of(iri)
                href = escape(f"{home}{page}" if page else iri)
                item = f'<li><a href="{href}">{escape(self.data.label(iri, lang))}</a></li>\n'
                if len(items) < 500_000:
                    items[iri] = item
            out.append(item)
        return Markup("".join(out))

    def write(
        self, path: str, template: str, lang: str, large: bool = False, **context: Any
    ) -> None:
        """Render a page and write it. A `large` page (one that lists every service of a
        national inventory: the list of services, 130 MB; an entity every service uses, some
        12 MB) is written as it renders, in blocks: not joined into one string first, whose
        list of pieces and copy touch that much new memory again."""
        full = path if lang == "tr" else f"en/{path}"
        # Links are relative, so the site works from any folder or host; the 404 page is served
        # at any path, so its links are absolute paths (on whichever host serves it).
        root = (
            urlsplit(self.base).path if context.pop("absolute", False) else "../" * full.count("/")
        )

        self.page = Page(lang, root, f"{root}{'en/' if lang == 'en' else ''}")
        values = dict(
            lang=lang,
            s=self.interface[lang],
            root=root,
            home=self.page.home,
            path=path,
            other_lang="en" if lang == "tr" else "tr",
            other_href=f"{root}{'en/' if lang == 'tr' else ''}{path}",
            tr_href=f"{self.base}{path}",
            en_href=f"{self.base}en/{path}",
            canonical=f"{self.base}{full}",
            **context,
        )
        target = self.out / full
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        page = self.env.get_template(template)
        if large:
            pieces = page.generate(**values)
            with target.open("w", encoding="utf-8") as out:
                while block := list(islice(pieces, 4096)):
                    out.write("".join(block))
        else:
            target.write_text(page.render(**values), encoding="utf-8")
        self.written.append(target)

    def jsonld(self, d: Description) -> Markup:
        """The resource's JSON-LD for its <script> element, HTML-safe as Jinja's tojson writes
        it: the nodes its document and the dump have, the context shared by every page."""
        nodes = html_safe("[" + ", ".join(d.nodes(self.jsonld_writer)) + "]")
        return Markup(f'{{"@context": {self.context_json}, "@graph": {nodes}}}')

    # --- pages ---

    def service_pages(
        self, descriptions: dict[str, Description], parallel: bool = True
    ) -> list[dict[str, Any]]:
        """A page per service of the data, in both languages; the services' views, as the
        list of services needs them."""
        views = [self.service_view(row) for row in self.data.services]
        jobs = [
            (
                self.page_of(v["iri"]) or "",
                v,
                descriptions.get(v["iri"]) or Description(v["iri"], []),
            )
            for v in views
        ]
        self.resource_pages(jobs, parallel)
        return [{key: v[key] for key in LIST_KEYS} | {"row": list_row(v["row"])} for v in views]

    def entity_and_front_pages(
        self,
        descriptions: list[Description],
        services: list[dict[str, Any]],
        triples: int,
        parallel: bool = True,
    ) -> None:
        """A page per other minted URI (laws, organisations, documents, concepts …) and the
        front pages (home, the list of services, queries, about, 404), each language apart,
        shared out among processes by their size: an entity that every service uses lists them
        all, as the list of services does."""
        # In the source's order, as queries/site/services.rq gives them (ORDER BY ?row).
        services = sorted(services, key=lambda v: (int(v["row"]["row"]), v["iri"]))
        jobs: list[tuple[int, Callable[[], None]]] = []
        pages: list[str] = []
        for d in descriptions:
            page = self.page_of(d.iri)
            if page is not None:
                size = 1 + len(self.data.used_by.get(d.iri, ()))
                jobs += [(size, partial(self.entity_page, page, d, lang)) for lang in LANGS]
                pages.append(page)
        for lang in LANGS:
            jobs.append((1 + len(services), partial(self.front_pages, services, triples, lang)))
        self.users_in_order()  # (here, once, not in each process)
        before = len(self.written)
        if parallel:
            in_processes(jobs, lambda job: job[1](), cost=lambda job: job[0])
        else:
            for _, write in jobs:
                write()
        # Each process wrote its share; the list of pages is the same whoever wrote them.
        del self.written[before:]
        self.written += [
            self.out / f"{'en/' if lang == 'en' else ''}{page}"
            for page in [*pages, *FRONT_PAGES]
            for lang in LANGS
        ]

    def resource_pages(self, jobs: list[tuple[str, Any, Description]], parallel: bool) -> None:
        before = len(self.written)
        if parallel:  # shared out among forked processes
            in_processes(jobs, self.write_resource)
        else:
            for job in jobs:
                self.write_resource(job)
        # Each process wrote its share; the list of pages is the same whoever wrote them.
        del self.written[before:]
        self.written += [
            self.out / f"{'en/' if lang == 'en' else ''}{j[0]}" for j in jobs for lang in LANGS
        ]

    def front_pages(self, services: list[dict[str, Any]], triples: int, lang: str) -> None:
        """Home, the list of services with its facets, the queries, about and 404 (FRONT_PAGES)."""
        self.write(
            "index.html",
            "home.html.j2",
            lang,
            figures=self.figures(len(services), triples),
            downloads=self.downloads[:4],
        )
        self.write(
            "hizmetler.html",
            "services.html.j2",
            lang,
            large=len(services) > LARGE,
            services=services,
            facets=self.facets(services, lang),
        )
        self.write("sorgular.html", "queries.html.j2", lang, queries=self.queries)
        self.write(
            "hakkinda.html",
            "about.html.j2",
            lang,
            downloads=self.downloads,
            license=self.license,
            uri_base=self.base,
        )
        self.write("404.html", "404.html.j2", lang, absolute=True)

    def write_resource(self, job: tuple[str, Any, Description]) -> None:
        """A service's page in both languages (its JSON-LD made once)."""
        page, view, d = job
        jsonld = self.jsonld(d)
        for lang in LANGS:
            schema = self.schema_org(view, lang)
            self.write(page, "service.html.j2", lang, v=view, jsonld=jsonld, schema=schema)

    def entity_page(self, page: str, d: Description, lang: str) -> None:
        self.write(
            page,
            "entity.html.j2",
            lang,
            large=len(self.data.used_by.get(d.iri, ())) > LARGE,
            e=self.entity_view(d.iri, d.triples),
            jsonld=self.jsonld(d),
        )

    def figures(self, services: int, triples: int) -> dict[str, int]:
        types = self.data.types

        def count(cls: str) -> int:
            return sum(1 for t in types.values() if cls in t)

        return {
            "services": services,
            "laws": sum(
                1
                for i, t in types.items()
                if ELI + "LegalResource" in t and not self.data.details.get(i, {}).get("part_of")
            ),
            "documents": count(CV + "Evidence"),
            "channels": count(CV + "Channel"),
            "units": sum(
                1
                for i, t in types.items()
                if CV + "PublicOrganisation" in t and "detsis" in self.data.details.get(i, {})
            ),
            "triples": triples,
        }

    def service_view(self, row: dict[str, str]) -> dict[str, Any]:
        iri = row["s"]
        links = self.data.links.get(iri, {})
        required = set(links.get(self.base + ENV + "requiredInput", []))
        optional = set(links.get(self.base + ENV + "optionalInput", []))
        channels = links.get(CV + "hasChannel", [])
        kinds = sorted({k for c in channels for k in self.data.details.get(c, {}).get("kind", [])})
        laws = links.get(CV + "hasLegalResource", [])
        parafs, institutions = [], []
        for p in self.data.participations.get(iri, []):
            if p["role"].endswith("/dis-yazisma-kurumu") or p["role"].endswith(
                "/basvuru-kabul-kurumu"
            ):
                institutions.append(p)
            else:
                parafs.append(p)
        return {
            "iri": iri,
            "row": row,
            "slug": row["id"],
            "laws": [x for x in laws if not self.data.details.get(x, {}).get("part_of")],
            "articles": [x for x in laws if self.data.details.get(x, {}).get("part_of")],
            "documents": [
                (d, "required" if d in required else "optional" if d in optional else None)
                for d in links.get(CPSV + "hasInput", [])
            ],
            "channels": channels,
            "channel_kinds": kinds,
            "audiences": links.get(DCT + "audience", []),
            "sdp": links.get(CV + "isClassifiedBy", []),
            "unit": row.get("unit"),
            "corrections": [
                self.data.corrections[c]
                for c in links.get(self.base + ENV + "correction", [])
                if c in self.data.corrections
            ],
            "paraf": parafs,
            "institutions": institutions,
            "steps": self.data.steps.get(iri, []),
            "volumes": self.data.volumes.get(iri, []),
            "requirements": self.data.requirements.get(iri, []),
            "findings": self.findings.get(iri, []),
            "search": fold(
                " ".join(
                    [row.get("title_tr", ""), row.get("title_en", ""), row.get("description", "")]
                    + [
                        self.data.label(d, "tr")
                        for d in links.get(CPSV + "hasInput", []) + channels
                    ]
                )
            ),
        }

    def facets(self, services: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
        def options(key: str) -> list[tuple[str, str]]:
            values = {
                x for v in services for x in ([v[key]] if isinstance(v[key], str) else v[key]) if x
            }
            return sorted(
                ((x, self.data.label(x, lang)) for x in values),
                key=lambda kv: (turkish_sort_key(kv[1]), kv[0]),
            )

        return [
            {"key": "unit", "label": "facet_unit", "options": options("unit")},
            {"key": "law", "label": "facet_law", "options": options("laws")},
            {"key": "group", "label": "facet_group", "options": options("audiences")},
            {"key": "channel", "label": "facet_channel", "options": options("channel_kinds")},
            {"key": "sdp", "label": "facet_sdp", "options": options("sdp")},
        ]

    def schema_org(self, v: dict[str, Any], lang: str) -> dict[str, object]:
        row = v["row"]
        return {
            "@context": "https://schema.org",
            "@type": "GovernmentService",
            "@id": v["iri"],
            "name": row.get("title_en")
            if lang == "en" and row.get("title_en")
            else row["title_tr"],
            "description": row["description"],
            "identifier": row["id"],
            "provider": {
                "@type": "GovernmentOrganization",
                "name": self.data.label(v["unit"], lang) if v["unit"] else "",
            },
            "areaServed": {"@type": "City", "name": "İstanbul"},
            "availableChannel": [
                {"@type": "ServiceChannel", "name": self.data.label(c, lang)} for c in v["channels"]
            ],
        }

    def entity_view(self, iri: str, triples: list[ox.Triple]) -> dict[str, Any]:
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
        used_by = self.users_in_order().get(iri, [])
        articles = sorted(self.inverse["part_of"].get(iri, ()))
        children = sorted(self.inverse["parent"].get(iri, ()))
        concepts = sorted(self.inverse["scheme"].get(iri, ()))
        totals = self.data.totals.get(iri, {}) if kind == "organisation" else {}
        # (property as a CURIE, the IRI it points to or None, the value's text)
        props = [
            (
                self.compact(t.predicate.value),
                t.object.value if isinstance(t.object, ox.NamedNode) else None,
                getattr(t.object, "value", str(t.object)),
            )
            for t in triples
            # (the triples of its fragments, say the ontology's terms, are in its JSON-LD only)
            if t.predicate != RDF_TYPE and getattr(t.subject, "value", None) == iri
        ]
        return {
            "iri": iri,
            "kind": kind,
            "types": sorted(types),
            "details": details,
            "used_by": used_by,
            "articles": articles,
            "children": children,
            "concepts": concepts,
            "totals": sorted(totals.items()),
            "props": props,
            "findings": self.findings.get(iri, []),
        }

    def users_in_order(self) -> dict[str, list[str]]:
        """What uses each entity, in sort_key's order: an entity used by every service of a
        national inventory lists 100,000 services, on its page in each language. Everything
        that uses an entity is sorted once, and each entity's users found in that order in one
        pass, rather than each entity's sorted apart for each language (n log n, twice)."""
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
        differs from run to run). Memoised: in a national inventory a service is listed on the
        pages of the twenty-odd entities it uses."""
        key = self.sort_keys.get(iri)
        if key is None:
            key = self.sort_keys[iri] = (turkish_sort_key(self.data.label(iri, "tr")), iri)
        return key

    def write_sitemap(self) -> None:
        # The pages the build wrote before the site (vocabulary, validation report) are pages too.
        others = [*self.out.glob("def/*.html"), *self.out.glob("validation/*.html")]
        start = len(str(self.out)) + 1  # (str slicing: Path.relative_to is slow on 100,000s)
        urls = sorted(
            f"{self.base}{str(p)[start:].replace(os.sep, '/')}"
            for p in [*self.written, *others]
            if p.name != "404.html"
        )
        files = write_sitemaps(self.out, self.base, urls)
        robots = self.out / "robots.txt"
        robots.write_text(
            f"User-agent: *\nAllow: /\nSitemap: {self.base}sitemap.xml\n", encoding="utf-8"
        )
        self.written += [*files, robots]


SITEMAP_LIMIT = 50_000  # URLs per sitemap file (the sitemaps.org protocol's limit)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write_sitemaps(out: Path, base: str, urls: list[str], limit: int = SITEMAP_LIMIT) -> list[Path]:
    """sitemap.xml listing the pages; past `limit` URLs (a national inventory has hundreds of
    thousands of pages) it is a sitemap index of sitemap-1.xml, sitemap-2.xml, …"""

    def urlset(chunk: list[str]) -> str:
        entries = "".join(f"  <url><loc>{escape_xml(u)}</loc></url>\n" for u in chunk)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'

    index = out / "sitemap.xml"
    if len(urls) <= limit:
        index.write_text(urlset(urls), encoding="utf-8")
        return [index]
    parts = []
    for k in range(0, len(urls), limit):
        part = out / f"sitemap-{k // limit + 1}.xml"
        part.write_text(urlset(urls[k : k + limit]), encoding="utf-8")
        parts.append(part)
    entries = "".join(
        f"  <sitemap><loc>{escape_xml(base + p.name)}</loc></sitemap>\n" for p in parts
    )
    index.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
        f"{entries}</sitemapindex>\n",
        encoding="utf-8",
    )
    return [index, *parts]


def escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def example_queries(folder: Path) -> list[dict[str, str]]:
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
            {
                "file": path.name,
                "title_tr": head.get("title", path.stem),
                "title_en": head.get("title@en", path.stem),
                "description_tr": head.get("description", ""),
                "description_en": head.get("description@en", ""),
                "text": text,
            }
        )
    return out
