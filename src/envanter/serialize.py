"""Deterministic dumps: N-Triples, Turtle and compact JSON-LD of the same graph, and one small
Turtle and JSON-LD document per minted URI.

The graph arrives sorted (subjects together, rdf:type first), so every writer is one linear pass;
Turtle and N-Triples are written by pyoxigraph, JSON-LD by the few lines below (pyoxigraph writes
only expanded JSON-LD). The same triples always give the same bytes.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from .graph import RDF_TYPE, RdfGraph, term_value
from .parallel import in_processes

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


def jsonld_value(
    o: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple, compact: Compactor
) -> object:
    if isinstance(o, ox.Triple):
        raise TypeError("RDF-star quoted triples are not written")
    if isinstance(o, ox.NamedNode):
        return {"@id": compact(o.value)}
    if isinstance(o, ox.BlankNode):
        return {"@id": f"_:{o.value}"}
    if o.language:
        return {"@value": o.value, "@language": o.language}
    if o.datatype.value == XSD_STRING:
        return o.value
    return {"@value": o.value, "@type": compact(o.datatype.value)}


def jsonld_nodes(triples: Iterable[ox.Triple], compact: Compactor) -> Iterator[dict[str, object]]:
    """One node per subject (triples arrive grouped by subject and predicate).

    Written as one loop with local names: at a national scale it runs millions of times."""
    named, literal, blank = ox.NamedNode, ox.Literal, ox.BlankNode
    datatypes: dict[str, str] = {}
    node: dict[str, object] | None = None
    subject: object = None
    predicate: object = None
    values: list[object] = []

    def close() -> None:
        if node is not None and predicate is not None:
            key = "@type" if predicate == RDF_TYPE else compact(predicate.value)  # type: ignore[attr-defined]
            node[key] = values[0] if len(values) == 1 else values

    for t in triples:
        if t.subject != subject:
            close()
            if node is not None:
                yield node
            subject, predicate, values = t.subject, None, []
            node = {
                "@id": f"_:{subject.value}"
                if isinstance(subject, blank)
                else compact(term_value(subject))
            }
        if t.predicate != predicate:
            close()
            predicate, values = t.predicate, []
        o = t.object
        if predicate == RDF_TYPE:
            values.append(compact(term_value(o)))
        elif type(o) is literal:
            if o.language:
                values.append({"@value": o.value, "@language": o.language})
            else:
                dt = o.datatype.value
                if dt == XSD_STRING:
                    values.append(o.value)
                else:
                    short = datatypes.get(dt) or datatypes.setdefault(dt, compact(dt))
                    values.append({"@value": o.value, "@type": short})
        elif type(o) is named:
            values.append({"@id": compact(o.value)})
        else:
            values.append(jsonld_value(o, compact))
    close()
    if node is not None:
        yield node


def write_jsonld(
    triples: Iterable[ox.Triple],
    prefixes: dict[str, str],
    context_url: str,
    path: Path,
    compact: Compactor | None = None,
) -> Path:
    """Compact JSON-LD against the published context, one node per subject and per line."""
    compact = compact or Compactor(prefixes)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        f.write('{"@context": ' + json.dumps(context_url) + ',\n "@graph": [')
        for k, node in enumerate(jsonld_nodes(triples, compact)):
            # The C encoder (no indent) is several times faster than the indenting one.
            f.write(("\n  " if k == 0 else ",\n  ") + json.dumps(node, ensure_ascii=False))
        f.write("\n]}\n")
    return path


PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
PN_PREFIX = re.compile(r"[A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
STRING_ESCAPE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
STRING_ESCAPES = str.maketrans(STRING_ESCAPE)


class TurtleWriter:
    """A small Turtle writer for the per-resource documents: a few dozen triples each, so the
    prefixes are written only when used, and tens of thousands of them stay cheap."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.compact = Compactor({p: ns for p, ns in prefixes.items() if PN_PREFIX.fullmatch(p)})
        self.namespaces = dict(prefixes)
        self.written: dict[str, tuple[str, str]] = {}  # IRI → (prefix used or "", its text)

    def iri(self, iri: str, used: set[str]) -> str:
        # The same IRIs (predicates, shared entities) recur in every document: written once.
        found = self.written.get(iri)
        if found is None:
            short = self.compact(iri)
            prefix, _, local = short.partition(":")
            if short != iri and PN_LOCAL.fullmatch(local):
                found = (prefix, short)
            else:
                found = ("", "<" + IRI_ESCAPE.sub(lambda m: f"\\u{ord(m.group(0)):04X}", iri) + ">")
            if len(self.written) < 100_000:  # bounded: most IRIs that recur come first
                self.written[iri] = found
        if found[0]:
            used.add(found[0])
        return found[1]

    def term(self, t: object, used: set[str]) -> str:
        if isinstance(t, ox.NamedNode):
            return self.iri(t.value, used)
        if isinstance(t, ox.BlankNode):
            return f"_:{t.value}"
        if isinstance(t, ox.Literal):
            text = '"' + t.value.translate(STRING_ESCAPES) + '"'
            if t.language:
                return f"{text}@{t.language}"
            if t.datatype.value == XSD_STRING:
                return text
            return f"{text}^^{self.iri(t.datatype.value, used)}"
        raise TypeError("RDF-star quoted triples are not written")

    def document(self, triples: list[ox.Triple]) -> str:
        used: set[str] = set()
        body: list[str] = []
        for subject, group in groupby(triples, key=lambda t: t.subject):
            parts: list[str] = []
            for predicate, same in groupby(group, key=lambda t: t.predicate):
                p = "a" if predicate == RDF_TYPE else self.iri(predicate.value, used)
                objects = " , ".join(self.term(t.object, used) for t in same)
                parts.append(f"{p} {objects}")
            body.append(self.term(subject, used) + " " + " ;\n\t".join(parts) + " .\n")
        head = "".join(f"@prefix {p}: <{self.namespaces[p]}> .\n" for p in sorted(used))
        return head + ("\n" if head else "") + "".join(body)


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


class Documents:
    """For every minted URI: its description (concise bounded description) and the labels of
    the resources it links to, as Turtle, N-Triples and JSON-LD. Labels are learnt as the graph
    is read (`learn`); documents are written for any run of triples grouped by subject."""

    def __init__(self, prefixes: dict[str, str], base: str, out: Path, context_url: str) -> None:
        self.prefixes = prefixes
        self.base = base
        self.out = out
        self.context_url = context_url
        self.labels: dict[object, list[ox.Triple]] = {}
        self.compact = Compactor(prefixes)
        self.turtle = TurtleWriter(prefixes)
        self.folders: set[Path] = set()

    def learn(self, triples: Iterable[ox.Triple]) -> None:
        for t in triples:
            if t.predicate.value in LABELS:
                self.labels.setdefault(t.subject, []).append(t)

    def jobs(self, triples: Iterable[ox.Triple]) -> list[tuple[str, str, list[ox.Triple]]]:
        """(URI, path, its triples) for each minted URI among the triples (sorted by subject), its
        folder made. A service's sub-resources are fragments of its URI (…/hizmet/x#paraf-3):
        they are described in its document; sorted by subject, they directly follow it."""
        jobs: list[tuple[str, str, list[ox.Triple]]] = []
        for thing, group in groupby(triples, key=document_of):
            rel = document_path(thing, self.base) if thing is not None else None
            if thing is None or rel is None:
                continue
            jobs.append((thing, rel, list(group)))
            folder = (self.out / rel).parent
            if folder not in self.folders:
                folder.mkdir(parents=True, exist_ok=True)
                self.folders.add(folder)
        return jobs

    def write(self, job: tuple[str, str, list[ox.Triple]]) -> None:
        thing, rel, own = job
        labels = self.labels
        linked = sorted(
            {
                lt
                for t in own
                if isinstance(t.object, ox.NamedNode) and t.object.value.partition("#")[0] != thing
                for lt in labels.get(t.object, [])
            },
            key=lambda t: (term_value(t.subject), t.predicate.value, str(t.object)),
        )
        triples = own + linked
        out = self.out
        (out / f"{rel}.ttl").write_text(self.turtle.document(triples), encoding="utf-8")
        (out / f"{rel}.nt").write_text("".join(f"{t} .\n" for t in triples), encoding="utf-8")
        write_jsonld(triples, self.prefixes, self.context_url, out / f"{rel}.jsonld", self.compact)

    def paths(self, jobs: list[tuple[str, str, list[ox.Triple]]]) -> list[Path]:
        return [self.out / f"{rel}.{ext}" for _, rel, _ in jobs for ext in ("ttl", "nt", "jsonld")]


def resource_documents(graph: RdfGraph, base: str, out: Path, context_url: str) -> list[Path]:
    """Every minted URI's documents for a whole graph, written by one process per core."""
    documents = Documents(graph.prefixes, base, out, context_url)
    documents.learn(graph.triples)
    jobs = documents.jobs(graph.triples)
    in_processes(jobs, documents.write)
    return documents.paths(jobs)


# --- The dumps in parts ---------------------------------------------------------------------------
#
# A national graph is written batch by batch: each batch of services writes its part of each
# dump (Turtle without the prefix lines, N-Triples, JSON-LD nodes), and the parts are put together
# in order at the end — what the services share that sorts before them, the services' parts,
# then the rest — into the same bytes as writing the whole graph at once.

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
    triples: list[ox.Triple], prefixes: dict[str, str], compact: Compactor, stem: Path
) -> None:
    """stem.ttl, stem.nt and stem.jsonld: these triples (sorted by subject) as a run of each dump."""
    ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    stem.with_suffix(".ttl").write_bytes(split_turtle(ttl)[1])
    ox.serialize(triples, output=str(stem.with_suffix(".nt")), format=ox.RdfFormat.N_TRIPLES)
    with stem.with_suffix(".jsonld").open("w", encoding="utf-8") as f:
        for k, node in enumerate(jsonld_nodes(triples, compact)):
            f.write(("" if k == 0 else ",\n  ") + json.dumps(node, ensure_ascii=False))


def join_dump_parts(
    stems: list[Path], prefixes: dict[str, str], context_url: str, data: Path
) -> list[Path]:
    """data/dataset.{ttl,nt,jsonld} from the parts, in order; the parts are removed."""
    ttl, nt, jsonld = (data / f"dataset.{ext}" for ext in DUMP_PARTS)
    with ttl.open("wb") as t, nt.open("wb") as n, jsonld.open("wb") as j:
        if any(stem.with_suffix(".ttl").stat().st_size for stem in stems):
            t.write(turtle_header(prefixes))
        j.write(('{"@context": ' + json.dumps(context_url) + ',\n "@graph": [').encode())
        first = True
        for stem in stems:
            for target, ext in ((t, ".ttl"), (n, ".nt")):
                with stem.with_suffix(ext).open("rb") as part:
                    shutil.copyfileobj(part, target)
            part_path = stem.with_suffix(".jsonld")
            if part_path.stat().st_size:
                j.write(b"\n  " if first else b",\n  ")
                first = False
                with part_path.open("rb") as part:
                    shutil.copyfileobj(part, j)
            for ext in DUMP_PARTS:
                stem.with_suffix("." + ext).unlink()
        j.write(b"\n]}\n")
    return [ttl, nt, jsonld]
