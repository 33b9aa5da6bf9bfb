"""Deterministic dumps: N-Triples, Turtle and compact JSON-LD of the same graph, and one small
Turtle and JSON-LD document per minted URI.

The graph arrives sorted (subjects together, rdf:type first), so every writer is one linear pass;
Turtle and N-Triples are written by pyoxigraph, JSON-LD by the few lines below (pyoxigraph writes
only expanded JSON-LD). The same triples always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain, groupby
from pathlib import Path

import pyoxigraph as ox

from .jsonld import InlineContexts, JsonLd, jsonld_document
from .vocab import DCT, RDFS, SKOS

LABELS = frozenset({SKOS + "prefLabel", DCT + "title", RDFS + "label"})


def write_turtle(
    triples: Iterable[ox.Triple] | Iterable[ox.Quad], prefixes: dict[str, str], path: Path
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ox.serialize(triples, output=str(path), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return path


def turtle_document(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """A small Turtle document, written by pyoxigraph, with the prefix lines of only the prefixes
    its body may use."""
    return with_prefix_lines(turtle_body(triples, prefixes), prefix_lines(prefixes))


def turtle_body(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """These triples as pyoxigraph writes them in Turtle with these prefixes, without the prefix
    lines."""
    return split_turtle(
        ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    )[1]


def prefix_lines(prefixes: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """(b"dct:", b"@prefix dct: <…> .\n") for each of the prefix lines pyoxigraph writes."""
    return [
        (line[8 : line.index(b":", 8) + 1], line)
        for line in turtle_header(prefixes).splitlines(keepends=True)
    ]


def with_prefix_lines(body: bytes, lines: list[tuple[bytes, bytes]]) -> bytes:
    """A Turtle body with the prefix lines of only the prefixes it may use (a prefix whose
    `name:` does not occur in the body cannot be used by it)."""
    kept = b"".join(line for name, line in lines if name in body)
    return kept + (b"\n" if kept else b"") + body


def document_path(iri: str, base: str) -> str | None:
    """Where a minted URI's documents live: {base}id/hizmet/x → doc/id/hizmet/x (.ttl, .jsonld)."""
    if not iri.startswith(base) or "#" in iri:
        return None
    rest = iri[len(base) :]
    if not rest.startswith(("id/", "def/")) or rest.endswith("/"):
        return None
    return "doc/" + rest


def document_of(t: ox.Triple) -> str | None:
    """The URI whose document describes this triple: its subject's, without the fragment."""
    return t.subject.value.partition("#")[0] if isinstance(t.subject, ox.NamedNode) else None


class Description:
    """A URI with its triples and its fragments' (a service's …#paraf-3: sorted by subject, they
    directly follow it), and their JSON-LD nodes, made once: the dump, the URI's document and
    its page all show them."""

    __slots__ = ("_nodes", "_objects", "iri", "ntriples", "triples", "turtle")

    def __init__(self, iri: str, triples: list[ox.Triple]) -> None:
        self.iri = iri
        self.triples = triples
        self._nodes: list[str] | None = None
        self._objects: list[ox.NamedNode] = []
        # Its Turtle (with the publication's prefixes, without their lines) and N-Triples, where
        # cut from its batch's runs of the dumps (`write_descriptions_part`).
        self.turtle: bytes | None = None
        self.ntriples: bytes | None = None

    def nodes(self, jsonld: JsonLd) -> list[str]:
        """The JSON-LD nodes' text (every JsonLd of the publication's prefixes makes the same)."""
        if self._nodes is None:
            self._objects = []
            self._nodes = list(jsonld.nodes(self.triples, self._objects))
        return self._nodes

    def objects(self, jsonld: JsonLd) -> list[ox.NamedNode]:
        """The IRIs its triples point at (found with its nodes)."""
        self.nodes(jsonld)
        return self._objects

    def forget(self) -> None:
        """Let its JSON-LD go, once nothing more will show it (made again if asked for)."""
        self._nodes = None
        self._objects = []


def describe(triples: Iterable[ox.Triple]) -> list[Description]:
    """The descriptions of the URIs among these triples (sorted by subject); triples about a
    blank node (the ontology's) belong to no URI's description."""
    return [
        Description(iri, list(group))
        for iri, group in groupby(triples, key=document_of)
        if iri is not None
    ]


class Documents:
    """For every minted URI: its description (concise bounded description) and the labels of
    the resources it links to, as Turtle, N-Triples and JSON-LD. Labels are learnt as the graph
    is read (`learn`); documents are written for any description."""

    def __init__(self, prefixes: dict[str, str], base: str, out: Path) -> None:
        self.prefixes = prefixes
        self.base = base
        self.out = out
        self.contexts = InlineContexts(prefixes)
        self.labels: dict[object, list[ox.Triple]] = {}
        self.jsonld = JsonLd(prefixes)
        self.folders: set[Path] = set()
        # A linked resource's labels as Turtle, as N-Triples and as its JSON-LD node, made once:
        # the same laws, units and documents are linked from thousands of services' documents.
        self.label_runs: dict[object, tuple[bytes, bytes, str]] = {}
        self.prefix_lines = prefix_lines(prefixes)

    def learn(self, triples: Iterable[ox.Triple]) -> None:
        self.label_runs.clear()
        for t in triples:
            if t.predicate.value in LABELS:
                known = self.labels.setdefault(t.subject, [])
                if t not in known:
                    known.append(t)
                    known.sort(key=str)  # (a few labels each: in one order, however learnt)

    def jobs(self, descriptions: Iterable[Description]) -> list[tuple[Description, str]]:
        """(description, path) for each minted URI among these, its folder made."""
        jobs: list[tuple[Description, str]] = []
        for d in descriptions:
            rel = document_path(d.iri, self.base)
            if rel is None:
                continue
            jobs.append((d, rel))
            folder = (self.out / rel).parent
            if folder not in self.folders:
                folder.mkdir(parents=True, exist_ok=True)
                self.folders.add(folder)
        return jobs

    def write(self, job: tuple[Description, str]) -> None:
        d, rel = job
        labels = self.labels
        thing = d.iri
        targets = [
            o
            for o in sorted(
                {o for o in d.objects(self.jsonld) if o in labels}, key=lambda o: o.value
            )
            if o.value.partition("#")[0] != thing  # (its own fragments are described already)
        ]
        runs = [self.label_run(o) for o in targets]
        # Turtle writes each subject's triples as one statement, on lines of their own: the
        # document's body is the description's, then each linked resource's labels'.
        turtle = d.turtle if d.turtle is not None else turtle_body(d.triples, self.prefixes)
        body = turtle + b"".join(ttl for ttl, _, _ in runs)
        stem = str(self.out / rel)
        with open(stem + ".ttl", "wb") as f:
            f.write(with_prefix_lines(body, self.prefix_lines))
        # N-Triples, a line a triple: the description's lines, then each linked resource's.
        with open(stem + ".nt", "wb") as f:
            if d.ntriples is not None:
                f.write(d.ntriples)
            else:  # (to a path, pyoxigraph writes N-Triples unbuffered)
                ox.serialize(d.triples, output=f, format=ox.RdfFormat.N_TRIPLES)
            f.write(b"".join(nt for _, nt, _ in runs))
        # In JSON-LD each linked resource's labels are a node of their own (one subject each).
        nodes = chain(d.nodes(self.jsonld), (node for _, _, node in runs))
        with open(stem + ".jsonld", "w", encoding="utf-8") as f:
            f.write(jsonld_document(self.contexts, nodes))

    def label_run(self, target: object) -> tuple[bytes, bytes, str]:
        """A linked resource's labels: as Turtle (without the prefix lines), as N-Triples, and
        as its JSON-LD node."""
        run = self.label_runs.get(target)
        if run is None:
            triples = self.labels[target]
            [node] = self.jsonld.nodes(triples)
            run = (
                turtle_body(triples, self.prefixes),
                ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"",
                node,
            )
            if len(self.label_runs) < 200_000:  # bounded: the resources linked most come first
                self.label_runs[target] = run
        return run

    def paths(self, jobs: list[tuple[Description, str]]) -> list[Path]:
        return [self.out / f"{rel}.{ext}" for _, rel in jobs for ext in ("ttl", "nt", "jsonld")]


def split_turtle(ttl: bytes) -> tuple[bytes, bytes]:
    """(the prefix lines pyoxigraph writes at the top of a Turtle document, the rest)."""
    cut = 0
    while ttl.startswith(b"@prefix ", cut):
        cut = ttl.index(b"\n", cut) + 1
    return ttl[:cut], ttl[cut:]


def turtle_header(prefixes: dict[str, str]) -> bytes:
    """The prefix lines pyoxigraph writes at the top of a Turtle document with these prefixes
    (every one of them, in its own fixed order)."""
    any_triple = ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"))
    ttl = ox.serialize([any_triple], format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return split_turtle(ttl)[0]
