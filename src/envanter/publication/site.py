"""The static HTML site: Jinja2 templates (site/) over the site data, in Turkish and English.

Pages: home, the service list (client-side search and facets), a page per service, a page per
law, organisation, document, channel and concept, a plain page for every other URI we mint, the
example SPARQL queries, about/dataset, sitemap.xml, robots.txt and a 404 page. Turkish pages are at
their path, English ones under en/. Templates run with autoescape and StrictUndefined: source text
is untrusted everywhere, and the JSON-LD embedded in pages is HTML-safe JSON (<, >, & and ' as
JSON escapes, as Jinja's tojson filter writes it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..check.report import Finding, Report
from ..metadata import InventoryMetadata
from ..rdf.jsonld import JsonLd, context_document, html_safe
from ..rdf.serialize import Description, document_path
from ..rdf.vocab import DCAT
from ..run.executor import in_processes
from ..sparql import adapt_query
from ..turkish import turkish_sort_key
from .catalog import build_time
from .pages import (
    AboutPage,
    Colophon,
    EntityPage,
    HomePage,
    ListedQuery,
    ListedService,
    NotFoundPage,
    PageContext,
    QueriesPage,
    ServicePage,
    ServicesPage,
    ServiceView,
    StandardsPage,
    UsedByPage,
    variables,
)
from .paging import PAGE_SIZE, page_description, page_paths, pagers
from .search import search_records, write_record
from .sitedata import SiteData
from .sitemap import write_sitemap
from .templating import TEMPLATES, Page, SiteEnvironment, Strings
from .texts import area_served, institution_texts
from .views import Views, group_digits

LANGS = ("tr", "en")
FRONT_PAGES = (
    "index.html",
    "hizmetler.html",
    "hizmet-standartlari.html",
    "sorgular.html",
    "hakkinda.html",
    "404.html",
)
SERVICES_PAGE = "hizmetler.html"
STANDARDS_PAGE = "hizmet-standartlari.html"


class SiteWriter:
    """Writes the site's pages from the site data, in both languages."""

    def __init__(
        self,
        data: SiteData,
        prefixes: dict[str, str],
        report: Report,
        templates: Path,
        out: Path,
        downloads: list[dict[str, str]],
        queries: list[ListedQuery],
        license_: str,
        metadata: InventoryMetadata | None = None,
    ) -> None:
        self.base = data.base
        self.out = out
        self.downloads = downloads
        # Built against a previous edition (--previous): the home page links changes.html.
        self.changes = False
        # The examples are written for the default base: the page shows (and runs) them with
        # this build's, so that they find its IRIs.
        self.queries = [replace(q, text=adapt_query(q.text, self.base)) for q in queries]
        self.license = license_
        strings: dict[str, dict[str, str]] = yaml.safe_load(
            (templates / "i18n.yaml").read_text(encoding="utf-8")
        )
        metadata = metadata or InventoryMetadata()
        self.colophon = Colophon.of(license_, metadata, build_time().strftime("%Y-%m-%d"))
        strings = institution_texts(strings, metadata)
        self.area_served = area_served(metadata)
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
        # template calls a filter directly, a function through the context (which costs more,
        # and a service's page has a hundred such calls). They read the page being
        # written from `self.page` (pages are written one at a time in a process).
        self.page = Page("tr", "", "")
        self.env.filters.update(
            label=lambda iri: self.data.shown_label(iri, self.page.lang),
            plain_label=lambda iri: self.data.label(iri, self.page.lang),
            link=self.link,
            link_items=self.link_items,
            fragment=lambda iri: iri.partition("#")[2],
            grouped=lambda value: group_digits(value, self.page.lang),
            doc=lambda iri, ext: f"{self.page.root}{document_path(iri, self.base)}.{ext}",
        )
        for name in TEMPLATES:  # (see TEMPLATES)
            self.env.get_template(name)
        self.jsonld_writer = JsonLd(prefixes)
        self.compact = self.jsonld_writer.compact
        self.context = context_document(prefixes)["@context"]
        self.context_json = htmlsafe_json_dumps(self.context, sort_keys=True)
        # The pages for the sitemap, in order: each method that writes pages adds theirs.
        self.written: list[Path] = []
        self.folders: set[Path] = set()
        # The offered-online facet's values, named in each language.
        self.online = {
            lang: {
                "true": strings["online_yes"][lang],
                "false": strings["online_no"][lang],
                "unknown": strings["online_unknown"][lang],
            }
            for lang in LANGS
        }
        self.pages: dict[str, str | None] = {}
        self.use(data, report.findings)

    def use(self, data: SiteData, findings: list[Finding]) -> None:
        """Render from this data and these findings from now on (a build of many batches shows
        each batch's services with the batch's data, then the rest with what it kept)."""
        self.data = data
        self.views = Views(data, findings, self.compact)
        self.items: dict[str, dict[str, str]] = {}  # home → IRI → its link_items line

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
        inventory lists them all, and each service is listed on the page of every entity it
        uses."""
        home, lang = self.page.home, self.page.lang
        items = self.items.setdefault(home, {})  # (a home names its language too)
        out = []
        for iri in iris:
            item = items.get(iri)
            if item is None:
                page = self.page_of(iri)
                href = escape(f"{home}{page}" if page else iri)
                item = f'<li><a href="{href}">{self.data.shown_label(iri, lang)}</a></li>\n'
                if len(items) < 500_000:
                    items[iri] = item
            out.append(item)
        return Markup("".join(out))

    def write(
        self,
        path: str,
        template: str,
        lang: str,
        page: PageContext,
        absolute: bool = False,
    ) -> None:
        """Render a page and write it."""
        full = path if lang == "tr" else f"en/{path}"
        values = {**self.frame(full, lang, absolute), **variables(page)}
        target = self.out / full
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        target.write_text(self.env.get_template(template).render(**values), encoding="utf-8")

    def frame(
        self, full: str, lang: str, absolute: bool = False, single: bool = False
    ) -> dict[str, object]:
        """What every page's frame (site/base.html.j2: head, header, footer) needs, for the page
        at `full` (its path from the site root) in `lang`. A `single` page is written once, in
        both languages (the vocabulary, the validation report): its language link goes to the
        English home page."""
        # Links are relative, so the site works from any folder or host; the 404 page is served
        # at any path, so its links are absolute paths (on whichever host serves it).
        root = urlsplit(self.base).path if absolute else "../" * full.count("/")
        self.page = Page(lang, root, f"{root}{'en/' if lang == 'en' else ''}")
        path = full.removeprefix("en/") if lang == "en" else full
        other = "en" if lang == "tr" else "tr"
        return dict(
            lang=lang,
            s=self.interface[lang],
            root=root,
            home=self.page.home,
            path=path,
            other_lang=other,
            other_href=f"{root}en/index.html"
            if single
            else f"{root}{'en/' if lang == 'tr' else ''}{path}",
            tr_href=f"{self.base}{full if single else path}",
            en_href=f"{self.base}{full if single else 'en/' + path}",
            canonical=f"{self.base}{full}",
            colophon=self.colophon,
        )

    def jsonld(self, d: Description) -> Markup:
        """The resource's JSON-LD for its <script> element, HTML-safe as Jinja's tojson writes
        it: the nodes its document and the dump have, the context shared by every page."""
        nodes = html_safe("[" + ", ".join(d.nodes(self.jsonld_writer)) + "]")
        return Markup(f'{{"@context": {self.context_json}, "@graph": {nodes}}}')

    # --- pages ---

    def service_pages(
        self,
        descriptions: dict[str, Description],
        parallel: bool = True,
        one: Callable[[str], str] = str,
    ) -> list[ListedService]:
        """A page per service of the data, in both languages; the services' views, as the
        list of services needs them (with `one` copy of each string they repeat)."""
        views = [self.views.service_view(row) for row in self.data.services]
        jobs = [
            (self.page_of(v.iri) or "", v, descriptions.get(v.iri) or Description(v.iri, []))
            for v in views
        ]
        self.resource_pages(jobs, parallel)
        return [v.listed(one) for v in views]

    def entity_and_front_pages(
        self,
        descriptions: list[Description],
        services: list[ListedService],
        triples: int,
        parallel: bool = True,
    ) -> None:
        """A page per other minted URI (laws, organisations, documents, concepts …) and the
        front pages (home, the list of services, queries, about, 404), shared out among
        processes by their size: an entity that every service uses lists them all, as the list
        of services does. An entity's two languages go to one process; the front pages' two,
        each the list of every service, to either."""
        # In the source's order, as queries/site/services.rq gives them (ORDER BY ?row).
        services = sorted(services, key=lambda v: (int(v.row["row"]), v.iri))
        jobs: list[tuple[int, Callable[[], None]]] = []
        pages: list[str] = []
        for d in descriptions:
            page = self.page_of(d.iri)
            if page is not None:
                users = len(self.data.used_by.get(d.iri, ()))
                jobs.append((2 * (1 + users), partial(self.entity_pages, page, d)))
                pages += page_paths(page, users)
        for lang in LANGS:
            jobs.append((1 + len(services), partial(self.front_pages, services, triples, lang)))
        self.views.users_in_order()  # (here, once, not in each process)
        if parallel:
            in_processes(jobs, lambda job: job[1](), cost=lambda job: job[0])
        else:
            for _, write in jobs:
                write()
        # Each process wrote its share: the list of pages is made here, whoever wrote them.
        self.written += [
            self.out / f"{'en/' if lang == 'en' else ''}{page}"
            for page in [
                *pages,
                *FRONT_PAGES,
                *page_paths(SERVICES_PAGE, len(services))[1:],
                *page_paths(STANDARDS_PAGE, len(services))[1:],
            ]
            for lang in LANGS
        ]

    def resource_pages(
        self, jobs: list[tuple[str, ServiceView, Description]], parallel: bool
    ) -> None:
        if parallel:  # shared out among forked processes
            in_processes(jobs, self.write_resource)
        else:
            for job in jobs:
                self.write_resource(job)
        # Each process wrote its share: the list of pages is made here, whoever wrote them.
        self.written += [
            self.out / f"{'en/' if lang == 'en' else ''}{j[0]}" for j in jobs for lang in LANGS
        ]

    def inventories(self, lang: str) -> tuple[tuple[Markup, str], ...]:
        """With many inventories, each one's dataset page (which lists its services), by its
        title: the site's way in by institution. None with one inventory."""
        prefix, dataset = self.base + "id/veri-seti/", DCAT + "Dataset"
        found = [
            iri
            for iri, types in self.data.types.items()
            if iri.startswith(prefix) and dataset in types
        ]
        if len(found) < 2:
            return ()
        found.sort(key=lambda iri: turkish_sort_key(self.data.label(iri, "tr")))
        return tuple((self.data.shown_label(iri, lang), self.page_of(iri) or "") for iri in found)

    def front_pages(self, services: list[ListedService], triples: int, lang: str) -> None:
        """Home, the list of services with its facets, the queries, about and 404 (FRONT_PAGES)."""
        figures = self.views.figures(len(services), triples)
        self.write(
            "index.html",
            "home.html.j2",
            lang,
            HomePage(figures, self.downloads[:4], self.inventories(lang), self.changes),
        )
        # The list of services and the Hizmet Standartları Tablosu, paged alike.
        listings: tuple[tuple[str, str, type[ServicesPage | StandardsPage]], ...] = (
            (SERVICES_PAGE, "services.html.j2", ServicesPage),
            (STANDARDS_PAGE, "standards.html.j2", StandardsPage),
        )
        for first_page, template, page in listings:
            for pager, first in pagers(first_page, len(services)):
                self.write(
                    pager.path, template, lang, page(services[first : first + PAGE_SIZE], pager)
                )
        self.write("sorgular.html", "queries.html.j2", lang, QueriesPage(self.queries))
        self.write(
            "hakkinda.html",
            "about.html.j2",
            lang,
            AboutPage(self.downloads, self.license, self.base),
        )
        self.write("404.html", "404.html.j2", lang, NotFoundPage(), absolute=True)

    def write_resource(self, job: tuple[str, ServiceView, Description]) -> None:
        """A service's page in both languages (its JSON-LD made once), and what the search
        indexes of it."""
        page, view, d = job
        jsonld = self.jsonld(d)
        for lang in LANGS:
            schema = self.views.schema_org(view, lang, self.area_served)
            self.write(page, "service.html.j2", lang, ServicePage(view, jsonld, schema))
        for record in search_records(view, self.data, self.online):
            write_record(self.out, page, record)

    def entity_pages(self, page: str, d: Description) -> None:
        """An entity's page in both languages; the services that use it, PAGE_SIZE a page: the
        first ones on its page, the rest on pages of their own (see paging.py). Of a property
        with more values than PAGE_SIZE (a national inventory's dataset has every service as a
        part), the page shows the first PAGE_SIZE and says how many there are: all are in its
        data. Its view and JSON-LD are made once, here, and the JSON-LD is then forgotten: no
        later page shows it."""
        shown, cut = page_description(d)
        view = self.views.entity_view(d.iri, shown.triples)
        jsonld = self.jsonld(shown)
        d.forget()
        shown.forget()
        paged = pagers(page, len(view.used_by))
        entity = EntityPage(
            view,
            jsonld,
            view.used_by[:PAGE_SIZE],
            paged[0][0] if len(paged) > 1 else None,
            [(self.compact(p), PAGE_SIZE, total) for p, total in cut],
        )
        for lang in LANGS:
            self.write(page, "entity.html.j2", lang, entity)
            for pager, first in paged[1:]:
                self.write(
                    pager.path,
                    "used-by.html.j2",
                    lang,
                    UsedByPage(view.iri, view.used_by[first : first + PAGE_SIZE], pager),
                )

    def write_sitemap(self) -> None:
        self.written += write_sitemap(self.out, self.base, self.written)
