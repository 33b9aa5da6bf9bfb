"""The graph: run the declarative mappings (mappings/*.yaml) over the tidy tables.

A mapping names a table, a subject URI template, the subject's classes, and for each property the
objects to make from a row: a literal from a column (`column`, with `datatype` or `lang`), a
literal from a template (`template`), a URI from a template (`iri`), or a constant (`value`).
Templates are relative to the publication's base URI unless they are a whole column holding a
URL (`iri: "{url}"`) or start with a prefix (`iri: "wd:{wikidata}"`). `{@name}` takes a build
parameter (the source's key, say). A row whose template columns are empty makes no triple, and
`when: {column: value}` limits a class or an object to the rows that match (`""` matches an empty
cell). This module knows nothing about services: everything the graph says is in mappings/ and
ontology/.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from ..errors import ConfigError
from ..read.reference import load_yaml
from .table_model import TO_SERVICES, Table, TableRow
from .vocab import RDF_TYPE

PLACEHOLDER = re.compile(r"\{(@?[\w]+)\}")


@dataclass(frozen=True)
class Mapping_:
    name: str
    table: str
    subject: str
    types: tuple[dict[str, Any], ...]
    properties: tuple[tuple[str, dict[str, Any]], ...]


def load_mappings(folder: Path) -> tuple[dict[str, str], list[Mapping_]]:
    """Read every mappings/*.yaml (in name order); `prefixes.yaml` declares the prefixes."""
    prefixes: dict[str, str] = {}
    mappings: list[Mapping_] = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8")) or {}  # (read twice a build)
        if path.name == "prefixes.yaml":
            prefixes.update(data)
            continue
        for name, spec in data.items():
            try:
                types = tuple(
                    t if isinstance(t, dict) else {"type": t} for t in spec.get("types", [])
                )
                properties = tuple(
                    (prop, obj)
                    for prop, objs in (spec.get("properties") or {}).items()
                    for obj in (objs if isinstance(objs, list) else [objs])
                )
                mappings.append(
                    Mapping_(name, spec.get("table", name), spec["subject"], types, properties)
                )
            except (KeyError, AttributeError, TypeError) as e:
                raise ConfigError(f"{path.name}: mapping {name!r} is malformed: {e}") from e
    return prefixes, mappings


class Template:
    """A URI or text template, split once into literal text and placeholders: filling it is a
    join, not a regular-expression substitution per row (millions of times at national scale)."""

    def __init__(self, text: str, params: dict[str, str], encode: bool) -> None:
        self.parts: list[tuple[bool, str]] = []  # (is a column, literal text or column name)
        self.encode = encode
        position = 0
        for m in PLACEHOLDER.finditer(text):
            self.parts.append((False, text[position : m.start()]))
            key = m.group(1)
            if key.startswith("@"):  # a build parameter: the same for every row
                value = params.get(key[1:])
                if value is None or value == "":
                    self.parts.append((True, key))  # never in a row: the template stays empty
                else:
                    self.parts.append((False, quote(value, safe="-._~") if encode else value))
            else:
                self.parts.append((True, key))
            position = m.end()
        self.parts.append((False, text[position:]))
        self.parts = [p for p in self.parts if p[0] or p[1]]
        self.quoted: dict[str, str] = {}

    def fill(self, row: TableRow) -> str | None:
        """The template with the row's values; None when a value it needs is empty."""
        out = []
        for is_column, text in self.parts:
            if not is_column:
                out.append(text)
                continue
            v = row.get(text)
            if v is None or v == "":
                return None
            value = str(v).lower() if isinstance(v, bool) else str(v)
            if self.encode:
                # Keys repeat across rows (a service's slug in each of its sub-resources).
                encoded = self.quoted.get(value)
                if encoded is None:
                    encoded = self.quoted[value] = quote(value, safe="-._~")
                value = encoded
            out.append(value)
        return "".join(out)


class Mapper:
    """Turns table rows into triples, given the base URI, prefixes and build parameters."""

    def __init__(self, base: str, prefixes: dict[str, str], params: dict[str, str]) -> None:
        self.base = base
        # Relative prefixes (our vocabulary) are resolved against the base, like the ontology.
        self.prefixes = {
            p: (ns if re.match(r"^\w+:", ns) else base + ns) for p, ns in prefixes.items()
        }
        self.params = params
        self.curies: dict[str, ox.NamedNode] = {}
        self.templates: dict[tuple[str, bool], Template] = {}

    def curie(self, name: str) -> ox.NamedNode:
        node = self.curies.get(name)
        if node is None:
            prefix, _, local = name.partition(":")
            if prefix not in self.prefixes:
                raise ConfigError(
                    f"unknown prefix {prefix!r} in {name!r}; declare it in mappings/prefixes.yaml"
                )
            node = self.curies[name] = ox.NamedNode(self.prefixes[prefix] + local)
        return node

    def template(self, text: str, encode: bool) -> Template:
        t = self.templates.get((text, encode))
        if t is None:
            t = self.templates[(text, encode)] = Template(text, self.params, encode)
        return t

    def iri_maker(self, template: str) -> Callable[[TableRow], ox.NamedNode | None]:
        """A function of a row: the URI the template makes of it, or None (a value it needs is
        empty)."""
        if template.startswith("{") and template.endswith("}") and template.count("{") == 1:
            namespace, filler = "", self.template(template, False)  # a column holding a URL
        elif re.match(r"^[a-z][\w-]*:", template) and not template.startswith("http"):
            prefix, _, rest = template.partition(":")
            self.curie(f"{prefix}:")  # an unknown prefix is an error even with no rows
            namespace, filler = self.prefixes[prefix], self.template(rest, True)
        else:
            namespace, filler = self.base, self.template(template, True)
        fill, named = filler.fill, ox.NamedNode

        def make(row: TableRow) -> ox.NamedNode | None:
            filled = fill(row)
            return named(namespace + filled) if filled else None

        return make

    def condition(self, spec: dict[str, Any]) -> Callable[[TableRow], bool] | None:
        """A spec's `when` as a test of a row (None: every row)."""
        when = spec.get("when")
        if not when:
            return None
        wanted = [(k, str(v).lower()) for k, v in when.items()]
        # (An empty cell is "": `when: {column: ""}` matches it.)
        return lambda row: all(
            ("" if (x := row.get(k)) is None else str(x)).lower() == v for k, v in wanted
        )

    def object_maker(
        self, spec: dict[str, Any]
    ) -> Callable[[TableRow], ox.NamedNode | ox.Literal | None]:
        """A function of a row: the object the spec makes of it, or None."""
        if "iri" in spec:
            return self.iri_maker(spec["iri"])
        if "value" in spec:
            value = spec["value"]
            constant: ox.NamedNode | ox.Literal
            if isinstance(value, str) and re.match(r"^[a-z][\w-]*:\w", value):
                constant = self.curie(value)
            else:
                constant = ox.Literal(str(value))
            return lambda row: constant
        if "column" in spec:
            column = spec["column"]

            def text_of(row: TableRow) -> str | None:
                text = row.get(column)
                if text is None or text == "":
                    return None
                return str(text).lower() if isinstance(text, bool) else str(text)

        elif "template" in spec:
            text_of = self.template(spec["template"], False).fill
        else:
            raise ConfigError(f"an object needs column, template, iri or value: {spec}")
        literal = ox.Literal
        if "datatype" in spec:
            datatype = self.curie(spec["datatype"])

            def typed(row: TableRow) -> ox.Literal | None:
                text = text_of(row)
                return None if text is None else literal(text, datatype=datatype)

            return typed
        if "lang" in spec:
            language = spec["lang"]

            def tagged(row: TableRow) -> ox.Literal | None:
                text = text_of(row)
                return None if text is None else literal(text, language=language)

            return tagged

        def plain(row: TableRow) -> ox.Literal | None:
            text = text_of(row)
            return None if text is None else literal(text)

        return plain

    def triples(self, mapping: Mapping_, rows: list[TableRow]) -> Iterator[ox.Triple]:
        # Each spec made into a function once per mapping, not interpreted for every row.
        subject_of = self.iri_maker(mapping.subject)
        types = [(self.condition(spec), self.curie(spec["type"])) for spec in mapping.types]
        properties = [
            (self.curie(prop), self.condition(spec), self.object_maker(spec))
            for prop, spec in mapping.properties
        ]
        triple = ox.Triple
        for row in rows:
            subject = subject_of(row)
            if subject is None:
                continue
            for when, cls in types:
                if when is None or when(row):
                    yield triple(subject, RDF_TYPE, cls)
            for prop, when, make in properties:
                if when is not None and not when(row):
                    continue
                o = make(row)
                if o is not None:
                    yield triple(subject, prop, o)


def in_order(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Unique triples, subjects in order, each subject's rdf:type first, then by predicate and
    object."""
    return [t for _, group in subject_groups(triples) for t in group]


SubjectGroup = tuple[str, list[ox.Triple]]  # a subject's term value, and its triples in order


def subject_groups(triples: Iterable[ox.Triple]) -> list[SubjectGroup]:
    """Each subject (in order of its term value) with its unique triples: rdf:type first, then
    by predicate and object. Grouped by subject first and each (small) group sorted apart: no
    sort key is made for the subject of every triple, which made sorting most of the cost of the
    graph stage; and what works per subject later (a batch's services, descriptions, shards,
    counts) reads each subject once, not once a triple."""
    by_subject: dict[str, set[ox.Triple]] = {}
    for t in triples:
        key = term_value(t.subject)
        group = by_subject.get(key)
        if group is None:
            group = by_subject[key] = set()
        group.add(t)
    return [
        (key, sorted(by_subject.pop(key), key=lambda t: (t.predicate != RDF_TYPE, str(t))))
        for key in sorted(by_subject)
    ]


def term_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term's IRI, label or lexical form (we never make RDF-star quoted triples)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def stable_blank_nodes(triples: Iterator[ox.Triple], prefix: str) -> Iterator[ox.Triple]:
    """Blank nodes renamed in order of appearance: the parser's random labels would make two
    builds of the same input differ."""
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def rename(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"{prefix}{len(names) + 1}"))
        return term

    for t in triples:
        yield ox.Triple(rename(t.subject), t.predicate, rename(t.object))


def service_key(table: Table) -> str | None:
    """The column that says which service a row belongs to: `id` in services, `service` in the
    tables that point at it; None for what the services share (laws, documents, units …)."""
    if table.name == "services":
        return "id"
    return "service" if TO_SERVICES in table.foreign_keys else None


Rows = dict[str, list[TableRow]]  # table name → rows


Packed = dict[str, tuple[list[str], list[tuple[object, ...]]]]  # table → (columns, value tuples)


def packed_batches(
    tables: list[Table], size: Callable[[int], int]
) -> tuple[Rows, list[str], list[Packed]]:
    """(the rows of the shared tables, the names of the per-service tables, and their rows in
    batches of services): services taken in the order of their ids, `size(services)` a batch.
    One pass over each table, a row to its service's batch, each batch's tables as their
    columns and a tuple of values a row, ready for pack_rows (dicts would pickle every key
    again). The tuples are made in the same pass: a batch's rows are scattered among all of a
    national inventory's rows, and touched in the order they were made they cost less than a
    batch at a time (figures in docs/performance.md)."""
    services = next((t for t in tables if t.name == "services"), None)
    ids = sorted(str(row["id"]) for row in services.rows) if services else []
    per_batch = size(len(ids))
    batch_of = {service: k // per_batch for k, service in enumerate(ids)}
    batches: list[Packed] = [{} for _ in range(-(-len(ids) // per_batch))]
    shared: Rows = {}
    names: list[str] = []
    for t in tables:
        key = service_key(t)
        if key is None:
            shared[t.name] = list(t.rows)
            continue
        names.append(t.name)
        columns = [c.name for c in t.columns]
        rows: list[list[tuple[object, ...]]] = []
        for batch in batches:
            batch[t.name] = (columns, [])
            rows.append(batch[t.name][1])
        for row in t.rows:
            rows[batch_of[str(row[key])]].append(tuple(map(row.get, columns)))
    return shared, names, batches


def pack_rows(batch: Packed) -> bytes:
    """A batch's rows (packed_batches) to send to a worker, pickled."""
    return pickle.dumps(batch, protocol=5)


def unpack_rows(data: bytes) -> Rows:
    """The rows pack_rows packed, as dicts again."""
    return unpacked(pickle.loads(data))


def unpacked(batch: Packed) -> Rows:
    return {
        name: [dict(zip(names, values, strict=True)) for values in table]
        for name, (names, table) in batch.items()
    }


class GraphMaker:
    """The graph in parts: what the services share (the ontology, laws, units, documents …),
    and any batch of services with their sub-resources. A national inventory is mapped batch by
    batch, so its graph is never whole in memory."""

    def __init__(
        self,
        shared_rows: Rows,
        service_tables: Iterable[str],
        mappings_folder: Path,
        ontology_folder: Path,
        base: str,
        params: dict[str, str],
        build_rows: list[dict[str, str]] | None = None,
    ) -> None:
        prefixes, self.mappings = load_mappings(mappings_folder)
        self.mapper = Mapper(base, prefixes, params)
        self.prefixes = self.mapper.prefixes
        self.ontology_folder = ontology_folder
        self.base = base
        # A row per inventory's dataset (by default the one of `params`).
        self.shared_rows: Rows = {
            **shared_rows,
            "_build": [dict(r) for r in build_rows or [params]],
        }
        self.service_tables = set(service_tables)
        for mapping in self.mappings:
            if mapping.table not in self.shared_rows and mapping.table not in self.service_tables:
                names = sorted([*self.shared_rows, *self.service_tables])
                raise ConfigError(
                    f"mapping {mapping.name!r} reads table {mapping.table!r}, which the "
                    f"build does not make; tables: {', '.join(names)}"
                )

    def shared(self) -> Iterator[ox.Triple]:
        """The ontology and concept schemes, and every mapping over a shared table."""
        for path in sorted(self.ontology_folder.glob("*.ttl")):
            parsed = ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=self.base + "def/")
            yield from stable_blank_nodes((q.triple for q in parsed), path.stem)
        for mapping in self.mappings:
            if mapping.table in self.shared_rows:
                yield from self.mapper.triples(mapping, self.shared_rows[mapping.table])

    def batch(self, rows: Rows) -> Iterator[ox.Triple]:
        """Every mapping over the rows of some services (`packed_batches`). Most triples are about the
        services and their fragments; a few are about what they share (the dataset's
        dct:hasPart)."""
        for mapping in self.mappings:
            if mapping.table in self.service_tables:
                yield from self.mapper.triples(mapping, rows.get(mapping.table, []))
