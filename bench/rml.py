"""Our YAML mappings (mappings/*.yaml) as an RML mapping (Turtle), for morph-kgc to materialise.

The mappings are read with envanter's own parser (`envanter.rdf.graph.load_mappings`), and each one
becomes RML over the tidy tables a build writes as CSV (`<dist>/data/tables/<table>.csv`), so
that an RML engine makes the same triples from the same rows as `envanter.rdf.graph.Mapper`:

- Templates relative to the base URI get the base in front; `wd:{x}` gets its namespace; a whole
  column (`iri: "{url}"`) is an `rml:reference` with `rml:termType rml:IRI`, not percent-encoded,
  as in our mapper. Other placeholders in IRI templates are percent-encoded by the engine (RML
  templates are; ours are too, with the same unreserved characters).
- `{@name}` build parameters become constants here, at translation time (percent-encoded in IRI
  templates); a template that needs an empty parameter makes no triple, as in our mapper. The
  `_build` pseudo-table (one row of parameters) is written as a one-row CSV beside the mapping.
- `when: {column: value}`: RML has no filter, so the objects and classes under one condition go
  into a triples map of their own whose logical source is an RML tabular view: an `rml:query`
  (SQL) over the same CSV with `WHERE lower("column") = 'value'`, which morph-kgc runs with
  DuckDB (every column read as text, an empty field as the empty string, as pandas reads the
  other sources). The filter is thus part of the materialisation, as in our build.
- A literal template without a column is an `rml:constant` (plain string) with
  `rml:termType rml:Literal` and the `rml:language` or `rml:datatype` beside it.
- The ontology (ontology/*.ttl) is not part of it: only what the mappings make.

Where morph-kgc itself may still differ (none of it occurs in our data today): it takes a value
"nan" for an empty one, writes xsd:integer values through a float (exact below 2**53), and does
not escape quotes in constant literals.

    python bench/rml.py DIST OUT_FOLDER   # writes OUT_FOLDER/mapping.rml.ttl and _build.csv
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from envanter.config import DEFAULT_BASE_URI, load_source_metadata  # noqa: E402
from envanter.rdf.graph import PLACEHOLDER, Mapper, Mapping_, load_mappings  # noqa: E402
from envanter.run.reading import build_parameters  # noqa: E402

RML = "http://w3id.org/rml/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# A field value that never occurs: DuckDB then reads an empty field as '' rather than NULL
# (morph-kgc would write a NULL as the text "None"; it drops empty strings as pandas reads them).
NO_NULL = "\u0001"
# A term map: ("template" | "reference" | "constant", its value, "IRI" | "Literal").
Term = tuple[str, str, str]


def turtle_string(text: str) -> str:
    """A Turtle string literal (control characters escaped)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + re.sub(r"[\x00-\x1f]", lambda m: f"\\u{ord(m.group()):04x}", out) + '"'


def escape_template_text(text: str) -> str:
    """Text outside the references of an RML template: braces and backslashes escaped."""
    return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")


class Translator:
    """Turns our mappings into RML triples maps over the CSV tables in `tables`."""

    def __init__(
        self, base: str, prefixes: dict[str, str], params: dict[str, str], csvs: dict[str, Path]
    ) -> None:
        self.mapper = Mapper(base, prefixes, params)  # its prefixes resolved against the base
        self.base = base
        self.params = params
        self.csvs = csvs  # table name → its CSV file
        self.maps: list[str] = []
        self.columns: dict[str, list[str]] = {}

    def csv(self, table: str) -> Path:
        if table not in self.csvs:
            raise SystemExit(f"no CSV for the table {table!r}; tables: {', '.join(self.csvs)}")
        return self.csvs[table]

    def header(self, table: str) -> list[str]:
        if table not in self.columns:
            with self.csv(table).open(encoding="utf-8", newline="") as f:
                self.columns[table] = next(csv.reader(f))
        return self.columns[table]

    def template(self, template: str, encode: bool) -> tuple[str, str | None] | None:
        """An RML template with the parameters substituted and its text escaped, and the plain
        text when it reads no column (a constant), else None. None for both when a parameter
        it needs is empty: our mapper makes no triple then."""
        parts = PLACEHOLDER.split(template)  # text, key, text, key, …, text
        out: list[str] = []
        plain: list[str] = []
        columns = False
        for k, part in enumerate(parts):
            if k % 2 == 0:
                text = part
            elif part.startswith("@"):
                value = self.params.get(part[1:]) or ""
                if not value:
                    return None
                text = quote(value, safe="-._~") if encode else value
            else:
                out.append("{" + part + "}")
                columns = True
                continue
            out.append(escape_template_text(text))
            plain.append(text)
        return "".join(out), None if columns else "".join(plain)

    def iri(self, template: str) -> Term | None:
        """An IRI term map for one of our IRI templates (see `envanter.rdf.graph.Mapper.iri`)."""
        if template.startswith("{") and template.endswith("}") and template.count("{") == 1:
            key = template[1:-1]
            if key.startswith("@"):  # a parameter holding a whole IRI
                value = self.params.get(key[1:]) or ""
                return ("constant", value, "IRI") if value else None
            return ("reference", key, "IRI")  # a column holding a whole URL: not encoded
        if re.match(r"^[a-z][\w-]*:", template) and not template.startswith("http"):
            prefix, _, rest = template.partition(":")
            namespace = self.mapper.curie(f"{prefix}:").value
        else:
            namespace, rest = self.base, template
        filled = self.template(rest, encode=True)
        if filled is None:
            return None
        text, constant = filled
        if constant is not None:  # only parameters: a constant IRI
            return ("constant", namespace + constant, "IRI")
        return ("template", escape_template_text(namespace) + text, "IRI")

    def literal(self, spec: dict[str, Any]) -> Term | None:
        if "column" in spec:
            return ("reference", spec["column"], "Literal")
        filled = self.template(spec["template"], encode=False)
        if filled is None:
            return None
        text, constant = filled
        # morph-kgc takes no template without a reference: a constant is an rml:constant.
        return (
            ("template", text, "Literal") if constant is None else ("constant", constant, "Literal")
        )

    def object_map(self, spec: dict[str, Any]) -> str | None:
        """The objectMap of one of our object specs, as Turtle; None when it makes nothing."""
        extra = ""
        if "iri" in spec:
            term = self.iri(spec["iri"])
        elif "value" in spec:
            value = spec["value"]
            if isinstance(value, str) and re.match(r"^[a-z][\w-]*:\w", value):
                term = ("constant", self.mapper.curie(value).value, "IRI")
            else:  # our mapper makes a plain literal of any other value
                term = ("constant", str(value), "Literal")
        else:
            term = self.literal(spec)
            if "datatype" in spec:
                extra = f" rml:datatype <{self.mapper.curie(spec['datatype']).value}> ;"
            elif "lang" in spec:
                extra = f" rml:language {turtle_string(spec['lang'])} ;"
        if term is None:
            return None
        kind, value, termtype = term
        text = f"<{value}>" if kind == "constant" and termtype == "IRI" else turtle_string(value)
        return f"[ rml:{kind} {text} ; rml:termType rml:{termtype} ;{extra} ]"

    def subject_map(self, mapping: Mapping_, classes: list[str]) -> str | None:
        term = self.iri(mapping.subject)
        if term is None:
            return None
        kind, value, _ = term
        text = f"<{value}>" if kind == "constant" else turtle_string(value)
        typed = "".join(f" rml:class <{c}> ;" for c in classes)
        return f"[ rml:{kind} {text} ; rml:termType rml:IRI ;{typed} ]"

    def source(self, table: str, when: tuple[tuple[str, str], ...]) -> str:
        path = str(self.csv(table).resolve())
        if not when:
            return f"[ rml:source {turtle_string(path)} ; rml:referenceFormulation rml:CSV ]"
        for column, _ in when:
            if column not in self.header(table):
                raise SystemExit(f"{table}.csv has no column {column!r} (a `when` condition)")
        sql_path = path.replace("'", "''")
        where = " AND ".join(
            f"lower(\"{column}\") = '{value.replace(chr(39), chr(39) * 2)}'"
            for column, value in when
        )
        query = (
            f"SELECT * FROM read_csv('{sql_path}', header = true, all_varchar = true, "
            f"delim = ',', quote = '\"', escape = '\"', nullstr = '{NO_NULL}') WHERE {where}"
        )
        return f"[ rml:query {turtle_string(query)} ; rml:referenceFormulation rml:SQL2008Query ]"

    def add(self, mapping: Mapping_) -> None:
        """One triples map per distinct `when` condition of the mapping (the first: none)."""
        groups: dict[tuple[tuple[str, str], ...], tuple[list[str], list[str]]] = {(): ([], [])}
        for spec in mapping.types:
            classes, _ = groups.setdefault(condition(spec), ([], []))
            classes.append(self.mapper.curie(spec["type"]).value)
        for prop, spec in mapping.properties:
            objects = self.object_map(spec)
            if objects is not None:
                _, poms = groups.setdefault(condition(spec), ([], []))
                predicate = self.mapper.curie(prop).value
                poms.append(f"[ rml:predicate <{predicate}> ; rml:objectMap {objects} ]")
        for k, (when, (classes, poms)) in enumerate(groups.items()):
            if not classes and not poms:
                continue
            subject = self.subject_map(mapping, classes)
            if subject is None:
                continue
            self.check_columns(mapping, when)
            lines = [
                f"<#{mapping.name}{'' if k == 0 else f'-when-{k}'}> a rml:TriplesMap ;",
                f"    rml:logicalSource {self.source(mapping.table, when)} ;",
                f"    rml:subjectMap {subject}",
            ]
            lines += [f"    ; rml:predicateObjectMap {pom}" for pom in poms]
            self.maps.append("\n".join(lines) + " .\n")

    def check_columns(self, mapping: Mapping_, when: tuple[tuple[str, str], ...]) -> None:
        """Every column the mapping reads must be in the table's CSV (an engine would fail
        later, and less clearly)."""
        used = {m.group(1) for m in PLACEHOLDER.finditer(mapping.subject)}
        for _, spec in mapping.properties:
            for key in ("iri", "template"):
                used |= {m.group(1) for m in PLACEHOLDER.finditer(str(spec.get(key, "")))}
            if "column" in spec:
                used.add(spec["column"])
        missing = {c for c in used if not c.startswith("@")} - set(self.header(mapping.table))
        if missing:
            raise SystemExit(
                f"mapping {mapping.name!r}: {mapping.table}.csv lacks {', '.join(sorted(missing))}"
            )

    def turtle(self) -> str:
        head = f"@prefix rml: <{RML}> .\n@base <urn:envanter:rml:> .\n\n"
        return head + "\n".join(self.maps)


def condition(spec: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A `when` condition as a sorted tuple, the value as our mapper compares it (lower-case)."""
    return tuple(sorted((k, str(v).lower()) for k, v in (spec.get("when") or {}).items()))


def translate(
    mappings: Path,
    tables: Path,
    params: dict[str, str],
    out: Path,
    base: str = DEFAULT_BASE_URI,
) -> Path:
    """Write `out/mapping.rml.ttl` (and `out/_build.csv`, the build parameters' one row) for the
    CSV tables in `tables`; return the mapping's path."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "_build.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(params.keys())
        writer.writerow(params.values())
    prefixes, loaded = load_mappings(mappings)
    csvs = {path.stem: path for path in sorted(tables.glob("*.csv"))}
    csvs["_build"] = out / "_build.csv"
    translator = Translator(base, prefixes, params, csvs)
    for mapping in loaded:
        translator.add(mapping)
    text = translator.turtle()
    path = out / "mapping.rml.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dist", type=Path, help="a built dist/ folder (its data/tables/*.csv)")
    parser.add_argument("out", type=Path, help="where to write mapping.rml.ttl and _build.csv")
    parser.add_argument(
        "--source",
        type=Path,
        default=ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt",
        help="the inventory the dist was built from (for the build parameters)",
    )
    parser.add_argument("--mappings", type=Path, default=ROOT / "mappings")
    args = parser.parse_args()
    metadata = load_source_metadata(args.source)
    params = build_parameters(args.source, metadata, metadata.reference_year or 0)
    path = translate(args.mappings, args.dist / "data" / "tables", params, args.out)
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
