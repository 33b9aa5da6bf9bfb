"""The site's data, read from the built graph with the named SPARQL queries in queries/site/.

Every page shows what the graph says and nothing else: the queries run over the same triples
that are published, and this module only groups their rows by resource.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup, escape

from ..rdf.vocab import CV, FOAF
from ..sparql_rows import rows
from ..turkish import turkish_sort_key

ORGANISATIONS = {CV + "PublicOrganisation", FOAF + "Agent"}


@dataclass
class SiteData:
    base: str
    services: list[dict[str, Any]]
    labels: dict[str, dict[str, str]]  # IRI → {"tr": …, "en": …}
    types: dict[str, set[str]]
    details: dict[str, dict[str, set[str]]]  # IRI → field → values
    links: dict[str, dict[str, list[str]]]  # service → relation → targets
    participations: dict[str, list[dict[str, Any]]]
    steps: dict[str, list[dict[str, Any]]]
    volumes: dict[str, list[dict[str, Any]]]
    requirements: dict[str, list[dict[str, Any]]]
    corrections: dict[str, dict[str, Any]]
    used_by: dict[str, set[str]] = field(default_factory=dict)  # entity → services
    # An organisation's annual counts: the sum over the services it takes part in, by unit.
    totals: dict[str, dict[str, int]] = field(default_factory=dict)

    def label(self, iri: str, lang: str) -> str:
        names = self.labels.get(iri, {})
        return names.get(lang) or names.get("tr") or names.get("en") or iri.rsplit("/", 1)[-1]

    def shown_label(self, iri: str, lang: str) -> Markup:
        """The label as HTML: in an English page, a Turkish label shown for want of an English
        one is marked lang="tr", so that it is read (and spoken) as Turkish."""
        names = self.labels.get(iri, {})
        own = names.get(lang)
        if own:  # the common case, a label in the page's language: escaped once
            return escape(own)
        text = self.label(iri, lang)
        if lang != "tr" and names.get("tr") == text:
            return Markup(f'<span lang="tr">{escape(text)}</span>')
        return escape(text)


def load_site_data(triples: Iterable[ox.Triple], base: str, queries: Path) -> SiteData:
    """The site data of these triples (a whole graph, or what the services share)."""
    return site_data(store_of(triples), base, queries)


def store_of(triples: Iterable[ox.Triple]) -> ox.Store:
    """A store holding these triples, to run the site's queries over."""
    store = ox.Store()
    # Loaded as N-Triples, which pyoxigraph writes and reads in Rust: faster than making a
    # Python Quad per triple; in slices, so the text of a national graph is never whole in
    # memory. Each load gives blank nodes new labels, so the few triples with one (the
    # ontology's) are added as terms, in which a label is one node throughout.
    blank: list[ox.Quad] = []
    plain: list[ox.Triple] = []
    for t in triples:
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            blank.append(ox.Quad(t.subject, t.predicate, t.object))
        else:
            plain.append(t)
        if len(plain) == 200_000:
            store.load(
                ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES
            )
            plain = []
    store.load(ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    store.extend(blank)
    return store


def site_data(store: ox.Store, base: str, queries: Path) -> SiteData:
    """The site data of what the store holds (a whole graph, or a batch of services with
    everything they share)."""

    def run(name: str) -> list[dict[str, Any]]:
        return rows(store, (queries / f"{name}.rq").read_text(encoding="utf-8"), base)

    labels: dict[str, dict[str, str]] = defaultdict(dict)
    types: dict[str, set[str]] = defaultdict(set)
    for r in run("labels"):
        for lang in ("tr", "en"):
            if r.get(f"label_{lang}"):
                labels[r["x"]].setdefault(lang, r[f"label_{lang}"])
        if r.get("type"):
            types[r["x"]].add(r["type"])
    details: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in run("entity-details"):
        for key, value in r.items():
            if key != "x" and value:
                details[r["x"]][key].add(value)
    links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    used_by: dict[str, set[str]] = defaultdict(set)
    for r in run("links"):
        links[r["s"]][r["rel"]].append(r["o"])
        used_by[r["o"]].add(r["s"])
    participations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in run("participations"):
        participations[r["s"]].append(r)
        for key in ("role", "participant"):
            if r.get(key):
                used_by[r[key]].add(r["s"])
    steps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in run("steps"):
        steps[r["s"]].append(r)
    volumes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in run("volumes"):
        volumes[r["s"]].append(r)
    requirements: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in run("requirements"):
        requirements[r["s"]].append(r)
    corrections = {r["c"]: r for r in run("corrections")}
    totals: dict[str, dict[str, int]] = {}
    for entity, services in used_by.items():
        if types.get(entity, set()) & ORGANISATIONS:
            by_unit: dict[str, int] = defaultdict(int)
            for s in services:
                for vol in volumes.get(s, []):
                    if vol.get("unit"):  # (a unit kept as text is not summed across services)
                        by_unit[vol["unit"]] += int(vol["value"])
            totals[entity] = dict(by_unit)
    for key in links:
        for rel in links[key]:
            links[key][rel] = sorted(
                set(links[key][rel]), key=lambda i: (turkish_sort_key(labels[i].get("tr") or i), i)
            )
    return SiteData(
        base,
        run("services"),
        dict(labels),
        dict(types),
        details,
        links,
        participations,
        steps,
        volumes,
        requirements,
        corrections,
        dict(used_by),
        totals,
    )


def merge_site_data(into: SiteData, part: SiteData) -> None:
    """Add what the site keeps of a batch's data (labels, types, entity details, which
    services use what, organisations' totals) to `into`; the rest served the batch's pages."""
    for iri, names in part.labels.items():
        known = into.labels.setdefault(iri, {})
        for lang, text in names.items():
            known.setdefault(lang, text)
    for iri, kinds in part.types.items():
        into.types.setdefault(iri, set()).update(kinds)
    for iri, found in part.details.items():
        mine = into.details.setdefault(iri, {})
        for key, values in found.items():
            mine.setdefault(key, set()).update(values)
    for iri, services in part.used_by.items():
        into.used_by.setdefault(iri, set()).update(services)
    for iri, by_unit in part.totals.items():
        sums = into.totals.setdefault(iri, {})
        for unit, value in by_unit.items():
            sums[unit] = sums.get(unit, 0) + value


def empty_site_data(base: str) -> SiteData:
    """Site data with nothing in it (plain dicts: it is sent between processes)."""
    return SiteData(base, [], {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})
