"""The change feed: a Linked Data Event Stream (https://w3id.org/ldes#) of the services' versions.

Each edition adds a version object for every service it created, changed or withdrew: its own
IRI (a fragment of the page that holds it), `dct:isVersionOf` the service, `prov:generatedAtTime`
the edition's build time, and the service's own properties as the edition publishes them; a
withdrawn service's version is an `as:Delete` with its last title. The members are paged (TREE):
edition n's pages are `ldes/<n>/<p>.ttl`, at most `PAGE_SIZE` members each, and never change once
written; the stream's view, `ldes/akis.ttl`, links every page of every edition by a
`tree:GreaterThanOrEqualToRelation` on `prov:generatedAtTime` (its members are all that recent).
A next edition (`--previous`) copies the earlier pages as they are and writes the view again.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..rdf.graph import in_order
from ..rdf.serialize import write_turtle
from ..rdf.vocab import ACTIVITY, DCT, LDES, PROV, PUBLIC_SERVICE, RDF_TYPE, TREE, XSD

FOLDER = "ldes"
VIEW = "ldes/akis.ttl"  # the stream's view (its root node), with the stream's description
STREAM = VIEW + "#akis"
PAGE_SIZE = 500  # members a page holds at most
PREFIXES = {
    "ldes": LDES,
    "tree": TREE,
    "dct": DCT,
    "prov": PROV,
    "as": ACTIVITY,
    "xsd": XSD,
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
}


@dataclass(frozen=True)
class Version:
    """A service as one edition created, changed or withdrew it."""

    service: str  # its IRI
    triples: tuple[ox.Triple, ...]  # its own triples (subject: the service) in this edition
    withdrawn_title: str | None = None  # set when the edition withdrew it


def own_triples(dump: Path, services: set[str] | None) -> dict[str, list[ox.Triple]]:
    """The triples whose subject is one of these services (every service, for None), read from
    the N-Triples dump in one pass without holding the rest."""
    found: dict[str, list[ox.Triple]] = {}
    with dump.open("rb") as f:
        for quad in ox.parse(f, format=ox.RdfFormat.N_TRIPLES):
            subject = quad.subject
            if not isinstance(subject, ox.NamedNode):
                continue
            key = subject.value
            if services is None:
                if quad.predicate == RDF_TYPE and quad.object == ox.NamedNode(PUBLIC_SERVICE):
                    found.setdefault(key, [])
            elif key in services:
                found.setdefault(key, [])
            if key in found:
                found[key].append(quad.triple)
    if services is None:  # (a service's type may come after some of its triples)
        return {k: v for k, v in found.items() if v}
    return found


@dataclass(frozen=True)
class Page:
    iri: str
    time: str  # xsd:dateTime, the edition's
    members: int


def earlier_pages(previous: Path, base: str) -> list[Page]:
    """The pages the previous output's view links, in its order."""
    view = previous / VIEW
    if not view.is_file():
        return []
    store = ox.Store()
    store.load(path=str(view), format=ox.RdfFormat.TURTLE, base_iri=base + VIEW)
    query = f"""
        SELECT ?node ?value ?n WHERE {{
          <{base + VIEW}> <{TREE}relation> ?r .
          ?r <{TREE}node> ?node ; <{TREE}value> ?value .
          OPTIONAL {{ ?r <{TREE}remainingItems> ?n }}
        }}"""
    rows = []
    for row in store.query(query):  # type: ignore[union-attr]
        node, value, n = row["node"], row["value"], row["n"]
        rows.append(Page(node.value, value.value, int(n.value) if n is not None else 0))
    return sorted(rows, key=page_order)


def page_order(page: Page) -> tuple[int, int]:
    """Edition, then page number, from `…/ldes/<n>/<p>.ttl`."""
    edition, number = page.iri.rsplit("/", 2)[-2:]
    return int(edition), int(number.removesuffix(".ttl"))


def write_feed(
    base: str,
    folder: Path,
    edition: int,
    time: str,
    versions: Iterable[Version],
    previous: Path | None,
    page_size: int = PAGE_SIZE,
) -> list[Path]:
    """Edition `edition`'s pages, the previous output's pages copied as they are, and the view."""
    n = ox.NamedNode
    stream = n(base + STREAM)
    written: list[Path] = []
    pages: list[Page] = []
    if previous is not None:
        pages = earlier_pages(previous, base)
        for page in pages:
            source = previous / page.iri.removeprefix(base)
            target = folder / page.iri.removeprefix(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    stamp = ox.Literal(time, datatype=n(XSD + "dateTime"))
    ordered = sorted(versions, key=lambda v: v.service)
    for start in range(0, len(ordered), page_size):
        chunk = ordered[start : start + page_size]
        path = f"{FOLDER}/{edition}/{start // page_size + 1}.ttl"
        node = n(base + path)
        triples = [ox.Triple(node, RDF_TYPE, n(TREE + "Node"))]
        for version in chunk:
            slug = version.service.rstrip("/").rsplit("/", 1)[1]
            member = n(f"{base}{path}#{slug}")
            triples.append(ox.Triple(stream, n(TREE + "member"), member))
            triples.append(ox.Triple(member, n(DCT + "isVersionOf"), n(version.service)))
            triples.append(ox.Triple(member, n(PROV + "generatedAtTime"), stamp))
            if version.withdrawn_title is not None:
                triples.append(ox.Triple(member, RDF_TYPE, n(ACTIVITY + "Delete")))
                title = ox.Literal(version.withdrawn_title, language="tr")
                triples.append(ox.Triple(member, n(DCT + "title"), title))
            triples += [ox.Triple(member, t.predicate, t.object) for t in version.triples]
        written.append(write_turtle(in_order(triples), PREFIXES, folder / path))
        pages.append(Page(base + path, time, len(chunk)))
    written.append(write_view(base, folder, pages))
    return written


def write_view(base: str, folder: Path, pages: list[Page]) -> Path:
    n = ox.NamedNode
    view, stream = n(base + VIEW), n(base + STREAM)
    triples = [
        ox.Triple(stream, RDF_TYPE, n(LDES + "EventStream")),
        ox.Triple(stream, n(LDES + "versionOfPath"), n(DCT + "isVersionOf")),
        ox.Triple(stream, n(LDES + "timestampPath"), n(PROV + "generatedAtTime")),
        ox.Triple(stream, n(TREE + "view"), view),
        ox.Triple(view, RDF_TYPE, n(TREE + "Node")),
    ]
    for page in pages:
        edition, number = page_order(page)
        relation = n(f"{base}{VIEW}#sayfa-{edition}-{number}")
        triples += [
            ox.Triple(view, n(TREE + "relation"), relation),
            ox.Triple(relation, RDF_TYPE, n(TREE + "GreaterThanOrEqualToRelation")),
            ox.Triple(relation, n(TREE + "path"), n(PROV + "generatedAtTime")),
            ox.Triple(
                relation, n(TREE + "value"), ox.Literal(page.time, datatype=n(XSD + "dateTime"))
            ),
            ox.Triple(relation, n(TREE + "node"), n(page.iri)),
            ox.Triple(
                relation,
                n(TREE + "remainingItems"),
                ox.Literal(str(page.members), datatype=n(XSD + "integer")),
            ),
        ]
    return write_turtle(in_order(triples), PREFIXES, folder / VIEW)
