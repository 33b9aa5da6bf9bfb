"""Compact JSON-LD, written by hand: pyoxigraph writes only expanded JSON-LD. The graph arrives
sorted (subjects together, rdf:type first), so writing is one linear pass."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring as json_string  # as json.dumps(…, ensure_ascii=False)

import pyoxigraph as ox

from .graph import term_value
from .vocab import RDF_TYPE, XSD_STRING


def context_document(prefixes: dict[str, str]) -> dict[str, object]:
    """The JSON-LD context we publish: our prefixes, so compact IRIs read like the Turtle."""
    return {"@context": dict(sorted(prefixes.items()))}


class InlineContexts:
    """The context each JSON-LD file carries inline, as JSON text: a file read offline (a
    downloaded dump, a document saved from the site) needs nothing from the publisher's host.
    A small document carries only the prefixes its text uses (a compact IRI `dct:title` shows
    as `"dct:` in it), as its Turtle carries only the prefix lines it uses."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items())
        self.needles = [(json_string(name + ":")[:-1], name) for name, _ in self.prefixes]
        self.made: dict[tuple[str, ...], str] = {}

    def every(self) -> str:
        """The context of every prefix (the dump's, which uses most of them)."""
        return context_text(self.prefixes)

    def used_by(self, texts: Iterable[str]) -> str:
        """The context of the prefixes these JSON texts use."""
        body = "".join(texts)
        used = tuple(name for needle, name in self.needles if needle in body)
        text = self.made.get(used)
        if text is None:
            names = set(used)
            text = context_text([(n, ns) for n, ns in self.prefixes if n in names])
            if len(self.made) < 10_000:  # bounded: documents of a kind use the same prefixes
                self.made[used] = text
        return text


def context_text(prefixes: list[tuple[str, str]]) -> str:
    """A JSON-LD context of these prefixes as JSON text, on one line."""
    return json.dumps(dict(prefixes), ensure_ascii=False, sort_keys=True)


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
    node (`{"@id": …, "@type": …, "dct:title": …}`), without making the dicts: it runs for
    every triple of a national graph. The text of an IRI object is made once."""

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


def jsonld_document(contexts: InlineContexts, nodes: Iterable[str]) -> str:
    """Compact JSON-LD with its context inline, one node per subject and per line."""
    texts = list(nodes)
    return (
        '{"@context": '
        + contexts.used_by(texts)
        + ',\n "@graph": ['
        + "".join(("\n  " if k == 0 else ",\n  ") + node for k, node in enumerate(texts))
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
