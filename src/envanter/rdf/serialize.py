"""Deterministic dumps: N-Triples, Turtle and compact JSON-LD of the same graph, and one small
Turtle and JSON-LD document per minted URI.

The graph arrives sorted (subjects together, rdf:type first), so every writer is one linear pass;
Turtle and N-Triples are written by pyoxigraph, JSON-LD by the few lines below (pyoxigraph writes
only expanded JSON-LD). The same triples always give the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from itertools import chain, groupby
from json.encoder import encode_basestring as json_string  # as json.dumps(…, ensure_ascii=False)
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .graph import RDF_TYPE, term_value

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LABELS = frozenset(
    {
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://purl.org/dc/terms/title",
        "http://www.w3.org/2000/01/rdf-schema#label",
    }
)


def write_turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ox.serialize(triples, output=str(path), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return path


def context_document(prefixes: dict[str, str]) -> dict[str, object]:
    """The JSON-LD context we publish: our prefixes, so compact IRIs read like the Turtle."""
    return {"@context": dict(sorted(prefixes.items()))}


class Compactor:
    """IRIs to compact IRIs (`dct:title`) with the longest matching prefix; memoised, since the
    same predicates and classes come back on every node."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.by_namespace = {ns: prefix for prefix, ns in prefixes.items()}
        self.by_length = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        hit = self.cache.get(iri)
        if hit is not None:
            return hit
        compact = self._compact(iri)
        if len(self.cache) < 100_000:
            self.cache[iri] = compact
        return compact

    def _compact(self, iri: str) -> str:
        # Most IRIs end in a local name after their namespace's last '/' or '#'.
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = self.by_namespace.get(iri[:cut])
        if prefix is not None and cut < len(iri):
            return f"{prefix}:{iri[cut:]}"
        for prefix, ns in self.by_length:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns) :].startswith("//"):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri


class JsonLd:
    """Compact JSON-LD nodes as JSON text, one per subject, written straight from the triples
    (triples arrive grouped by subject and predicate): the same text `json.dumps` makes of the
    node (`{"@id": …, "@type": …, "dct:title": …}`), without making the dicts. At a national
    scale this runs for some twelve million triples; the text of an IRI object is made once."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.compact = Compactor(prefixes)
        self.keys: dict[ox.NamedNode, str] = {}  # predicate → its JSON key
        self.ids: dict[str, str] = {}  # IRI → {"@id": "prefix:local"}
        self.types: dict[str, str] = {}  # datatype or class IRI → "prefix:local"

    def short(self, iri: str) -> str:
        text = self.types.get(iri)
        if text is None:
            text = json_string(self.compact(iri))
            if len(self.types) < 100_000:
                self.types[iri] = text
        return text

    def value(self, o: object) -> str:
        if type(o) is ox.Literal:
            if o.language:
                return (
                    f'{{"@value": {json_string(o.value)}, "@language": {json_string(o.language)}}}'
                )
            dt = o.datatype.value
            if dt == XSD_STRING:
                return json_string(o.value)
            return f'{{"@value": {json_string(o.value)}, "@type": {self.short(dt)}}}'
        if type(o) is ox.NamedNode:
            iri = o.value
            text = self.ids.get(iri)
            if text is None:
                text = f'{{"@id": {json_string(self.compact(iri))}}}'
                if len(self.ids) < 100_000:  # bounded: most IRIs that recur come first
                    self.ids[iri] = text
            return text
        if type(o) is ox.BlankNode:
            return f'{{"@id": {json_string("_:" + o.value)}}}'
        raise TypeError("RDF-star quoted triples are not written")

    def nodes(
        self, triples: Iterable[ox.Triple], objects: list[ox.NamedNode] | None = None
    ) -> Iterator[str]:
        """Each subject's node as JSON text, in order; into `objects`, where given, the IRIs the
        triples point at, met on the way. One loop with local names: at a national scale it runs
        for every triple (and pyoxigraph makes a new Python object each time a triple's term is
        read: 0.2 µs)."""
        keys, ids, short, compact = self.keys, self.ids, self.short, self.compact
        named, literal = ox.NamedNode, ox.Literal
        subject: object = None
        predicate: object = None
        typed = False
        key = ""
        parts: list[str] = []
        values: list[str] = []
        for t in triples:
            s, p, o = t.subject, t.predicate, t.object
            if p != predicate or s != subject:
                if values:  # the previous predicate's values
                    parts.append(
                        f"{key}: {values[0] if len(values) == 1 else '[' + ', '.join(values) + ']'}"
                    )
                    values = []
                if s != subject:
                    if parts:
                        yield "{" + ", ".join(parts) + "}"
                    subject = s
                    name = "_:" + s.value if type(s) is ox.BlankNode else compact(term_value(s))
                    parts = [f'"@id": {json_string(name)}']
                predicate = p
                typed = p == RDF_TYPE
                key = (
                    '"@type"'
                    if typed
                    else keys.get(p) or keys.setdefault(p, json_string(compact(p.value)))
                )
            if typed:
                values.append(short(term_value(o)))
                if objects is not None and type(o) is named:
                    objects.append(o)
            elif type(o) is named:
                text = ids.get(o.value)
                values.append(text if text is not None else self.value(o))
                if objects is not None:
                    objects.append(o)
            elif type(o) is literal and not o.language and o.datatype.value == XSD_STRING:
                values.append(json_string(o.value))
            else:
                values.append(self.value(o))
        if values:
            parts.append(
                f"{key}: {values[0] if len(values) == 1 else '[' + ', '.join(values) + ']'}"
            )
        if parts:
            yield "{" + ", ".join(parts) + "}"


def jsonld_document(context_url: str, nodes: Iterable[str]) -> str:
    """Compact JSON-LD against the published context, one node per subject and per line."""
    return (
        '{"@context": '
        + json.dumps(context_url)
        + ',\n "@graph": ['
        + "".join(("\n  " if k == 0 else ",\n  ") + node for k, node in enumerate(nodes))
        + "\n]}\n"
    )


def html_safe(json_text: str) -> str:
    """JSON text safe inside an HTML <script> element, as Jinja's tojson makes it: <, >, & and '
    as JSON escapes (they occur only inside strings, where the escapes mean the same)."""
    # (str.replace, four times, is many times faster than str.translate with a table)
    return (
        json_text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


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

    def __init__(self, prefixes: dict[str, str], base: str, out: Path, context_url: str) -> None:
        self.prefixes = prefixes
        self.base = base
        self.out = out
        self.context_url = context_url
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
            f.write(jsonld_document(self.context_url, nodes))

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


# --- The dumps in runs ---------------------------------------------------------------------------
#
# A national graph is written batch by batch: each batch of services writes its run of each dump
# (Turtle without the prefix lines, N-Triples, JSON-LD nodes), and the build appends the runs to
# the dumps as the batches finish, in order, then what the services share. Every subject's
# triples are together: a service's (with its fragments') are all in its batch, and the batches
# add to what the services share only triples about it (the dataset's dct:hasPart), which are
# written with it at the end.

DUMP_PARTS = ("ttl", "nt", "jsonld")


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


def write_dump_part(
    triples: list[ox.Triple],
    prefixes: dict[str, str],
    jsonld: JsonLd,
    stem: Path,
    nodes: Iterable[str] | None = None,
) -> None:
    """stem.ttl, stem.nt and stem.jsonld: these triples (sorted by subject) as a run of each dump;
    `nodes`, where given, are their JSON-LD nodes already made."""
    ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    stem.with_suffix(".ttl").write_bytes(split_turtle(ttl)[1])
    with stem.with_suffix(".nt").open("wb") as f:  # (to a path, pyoxigraph writes unbuffered)
        ox.serialize(triples, output=f, format=ox.RdfFormat.N_TRIPLES)
    with stem.with_suffix(".jsonld").open("w", encoding="utf-8") as f:
        f.write(",\n  ".join(jsonld.nodes(triples) if nodes is None else nodes))


# Put after each description's triples, this triple marks where its Turtle and N-Triples end
# in the batch's runs of the dumps: pyoxigraph writes it on a line of its own (a new subject
# starts a statement; literals' line breaks are escaped), and it is cut out again.
CUT = ox.Triple(*(ox.NamedNode("urn:envanter:cut"),) * 3)
CUT_LINE = b"<urn:envanter:cut> <urn:envanter:cut> <urn:envanter:cut> .\n"


def write_descriptions_part(
    descriptions: list[Description], prefixes: dict[str, str], jsonld: JsonLd, stem: Path
) -> None:
    """stem.ttl, stem.nt and stem.jsonld, as `write_dump_part` writes them, of these descriptions
    (sorted, and holding every triple of the run); each description keeps its own Turtle and
    N-Triples, cut from the runs, for its documents."""
    marked = [t for d in descriptions for t in chain(d.triples, (CUT,))]
    for form, ext in ((ox.RdfFormat.TURTLE, "ttl"), (ox.RdfFormat.N_TRIPLES, "nt")):
        text = ox.serialize(marked, format=form, prefixes=prefixes) or b""
        pieces = (split_turtle(text)[1] if ext == "ttl" else text).split(CUT_LINE)
        del text  # (a batch's run is tens of megabytes: the pieces are all that is kept)
        # (one piece a description, and what follows the last cut: nothing)
        if len(pieces) != len(descriptions) + 1 or pieces[-1]:
            raise AssertionError(f"{stem}: {len(pieces)} pieces for {len(descriptions)} cuts")
        with stem.with_suffix("." + ext).open("wb") as f:
            f.writelines(pieces)
        for d, piece in zip(descriptions, pieces[:-1], strict=True):
            if ext == "ttl":
                d.turtle = piece
            else:
                d.ntriples = piece
    with stem.with_suffix(".jsonld").open("w", encoding="utf-8") as f:
        f.write(",\n  ".join(chain.from_iterable(d.nodes(jsonld) for d in descriptions)))


class Dumps:
    """data/dataset.{ttl,nt,jsonld}, written a run at a time (`append`), then closed."""

    def __init__(self, prefixes: dict[str, str], context_url: str, data: Path) -> None:
        data.mkdir(parents=True, exist_ok=True)
        self.paths = [data / f"dataset.{ext}" for ext in DUMP_PARTS]
        self.header = turtle_header(prefixes)
        self.ttl, self.nt, self.jsonld = (path.open("wb") for path in self.paths)
        self.jsonld.write(('{"@context": ' + json.dumps(context_url) + ',\n "@graph": [').encode())
        self.turtle_started = False
        self.nodes = False

    def append(self, stem: Path) -> None:
        """Add a run (stem.ttl, stem.nt, stem.jsonld, as write_dump_part writes it), and remove
        its files."""
        ttl, nt, jsonld = (stem.with_suffix("." + ext) for ext in DUMP_PARTS)
        if ttl.stat().st_size:
            if not self.turtle_started:  # (the prefixes, unless the dump is empty)
                self.ttl.write(self.header)
                self.turtle_started = True
            copy(ttl, self.ttl)
        copy(nt, self.nt)
        if jsonld.stat().st_size:
            self.jsonld.write(b",\n  " if self.nodes else b"\n  ")
            self.nodes = True
            copy(jsonld, self.jsonld)
        for path in (ttl, nt, jsonld):
            path.unlink()

    def close(self) -> list[Path]:
        """Finish the dumps: their paths."""
        self.jsonld.write(b"\n]}\n")
        self.release()
        return self.paths

    def release(self) -> None:
        for f in (self.ttl, self.nt, self.jsonld):
            f.close()

    def __enter__(self) -> Dumps:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()  # (closed already, or a failed build's, which is removed)


def copy(path: Path, target: BinaryIO) -> None:
    """Append a file to an open one: by sendfile, which copies in the kernel (at a national
    scale the runs add up to gigabytes, copied while the workers need the cores), once what is
    buffered is written; by reading and writing where the system has no sendfile."""
    with path.open("rb") as part:
        if hasattr(os, "sendfile"):
            target.flush()  # (sendfile writes at the file's offset: the buffer goes first)
            source, out, done = part.fileno(), target.fileno(), 0
            size = os.fstat(source).st_size
            while done < size:
                sent = os.sendfile(out, source, done, size - done)
                if sent == 0:  # (the file shrank: nothing more to copy)
                    break
                done += sent
        else:
            shutil.copyfileobj(part, target, 1 << 20)
