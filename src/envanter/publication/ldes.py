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

import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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
    triples: tuple[ox.Triple, ...] = ()  # its own triples (subject: the service) in this edition
    withdrawn_title: str | None = None  # set when the edition withdrew it
    # Or, in place of `triples`, where its own triples are in the edition's dump: read a page at
    # a time, so the feed never holds every service's triples at once.
    dump: OwnTriples | None = None

    def lines(self) -> bytes:
        """Its own triples as N-Triples lines."""
        if self.dump is not None:
            return self.dump.lines(self.service)
        return "".join(f"{t} .\n" for t in self.triples).encode()


# A service's type line in an N-Triples dump, after its subject `<…>`.
TYPE_LINE = f" <{RDF_TYPE.value}> <{PUBLIC_SERVICE}> .\n".encode()
# A run of consecutive lines with the same IRI subject (the build's dump has one run a subject).
RUN = re.compile(rb"^(<[^>\n]*>) [^\n]*\n(?:\1 [^\n]*\n)*", re.MULTILINE)
CHUNK = 1 << 24  # bytes of the dump read at a time


class OwnTriples:
    """Where each service's own triples (subject: the service) are in the N-Triples dump: runs of
    its lines, found by scanning the bytes, never parsed (the dump is pyoxigraph's N-Triples: a
    triple a line, one space between its terms). `services` None: every subject typed
    cpsv:PublicService."""

    def __init__(self, dump: Path, services: set[str] | None) -> None:
        self.dump = dump
        self.file: BinaryIO | None = None  # the dump, open while the pages are written
        subjects = (
            typed_services(dump) if services is None else {f"<{s}>".encode() for s in services}
        )
        self.runs: dict[str, list[tuple[int, int]]] = {}
        for subject, start, end in runs(dump):
            if subject in subjects:
                self.runs.setdefault(subject[1:-1].decode(), []).append((start, end))

    @property
    def services(self) -> list[str]:
        """The services found in the dump, in order."""
        return sorted(self.runs)

    def lines(self, service: str) -> bytes:
        """The service's own lines of the dump, as the dump has them (none when it has none)."""
        if self.file is None:
            self.file = self.dump.open("rb")
        parts = []
        for start, end in self.runs.get(service, []):
            self.file.seek(start)
            parts.append(self.file.read(end - start))
        return b"".join(parts)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def __enter__(self) -> OwnTriples:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def chunks(dump: Path) -> Iterator[tuple[int, bytes]]:
    """The dump in pieces of whole lines, with where each starts."""
    with dump.open("rb") as f:
        offset, rest = 0, b""
        while block := f.read(CHUNK):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut:
                yield offset, block[:cut]
            offset, rest = offset + cut, block[cut:]
        if rest:
            yield offset, rest + b"\n"


def typed_services(dump: Path) -> set[bytes]:
    """The subjects `<…>` of the dump's lines that type them cpsv:PublicService."""
    found: set[bytes] = set()
    for _, chunk in chunks(dump):
        at = chunk.find(TYPE_LINE)
        while at != -1:
            start = chunk.rfind(b"\n", 0, at) + 1
            subject = chunk[start:at]
            if subject.startswith(b"<") and subject.endswith(b">") and b" " not in subject:
                found.add(subject)
            at = chunk.find(TYPE_LINE, at + len(TYPE_LINE))
    return found


def runs(dump: Path) -> Iterator[tuple[bytes, int, int]]:
    """(subject `<…>`, start, end) of each run of lines about one IRI, in the dump's order (a
    run the reading cuts in two is two runs of the same subject)."""
    for offset, chunk in chunks(dump):
        for match in RUN.finditer(chunk):
            yield match[1], offset + match.start(), offset + match.end()


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
        groups: dict[str, list[bytes]] = {node.value: [line(node, RDF_TYPE, n(TREE + "Node"))]}
        members = groups[stream.value] = []
        for version in chunk:
            slug = version.service.rstrip("/").rsplit("/", 1)[1]
            member = n(f"{base}{path}#{slug}")
            members.append(line(stream, n(TREE + "member"), member))
            own = groups.setdefault(member.value, [])
            own.append(line(member, n(DCT + "isVersionOf"), n(version.service)))
            own.append(line(member, n(PROV + "generatedAtTime"), stamp))
            if version.withdrawn_title is not None:
                own.append(line(member, RDF_TYPE, n(ACTIVITY + "Delete")))
                title = ox.Literal(version.withdrawn_title, language="tr")
                own.append(line(member, n(DCT + "title"), title))
            own += renamed(version.lines(), version.service, member.value)
        written.append(write_page(groups, folder / path))
        pages.append(Page(base + path, time, len(chunk)))
    written.append(write_view(base, folder, pages))
    return written


def line(
    subject: ox.NamedNode, predicate: ox.NamedNode, object: ox.NamedNode | ox.Literal
) -> bytes:
    """A triple as its N-Triples line."""
    return f"{ox.Triple(subject, predicate, object)} .\n".encode()


def renamed(lines: bytes, service: str, member: str) -> list[bytes]:
    """The service's own N-Triples lines about the member instead (N-Triples escapes every line
    break in a literal, so a line break is always followed by a line's subject)."""
    old, new = f"\n<{service}> ".encode(), f"\n<{member}> ".encode()
    if not lines:
        return []
    if not lines.endswith(b"\n"):  # (a dump's last line may lack its line break)
        lines += b"\n"
    text = (b"\n" + lines).replace(old, new)
    found = text.split(b"\n")[1:-1]
    if text.count(new) != len(found):
        raise ValueError(f"the dump's lines of <{service}> are not all about it")
    return [part + b"\n" for part in found]


def write_page(groups: dict[str, list[bytes]], path: Path) -> Path:
    """The page's triples written as `in_order` orders them (subjects by IRI; each subject's
    rdf:type first, then by the triple's N-Triples form, which the lines' UTF-8 bytes sort as
    the text does), parsed from N-Triples by pyoxigraph straight into its Turtle writer: no
    Python code runs for each triple but the sort."""
    body: list[bytes] = []
    for subject in sorted(groups):
        typed = f"<{subject}> <{RDF_TYPE.value}> ".encode()
        lines = set(groups[subject])
        types = {t for t in lines if t.startswith(typed)}
        body += sorted(types)
        body += sorted(lines - types)
    path.parent.mkdir(parents=True, exist_ok=True)
    # (lenient: the lines are pyoxigraph's own N-Triples of terms it checked when it made them)
    triples = ox.parse(b"".join(body), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    ox.serialize(triples, output=str(path), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return path


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
