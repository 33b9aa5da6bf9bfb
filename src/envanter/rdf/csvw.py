"""The tidy tables written out: one CSV file each, described by CSV on the Web metadata that
says, with the mappings, which triples of the dataset each row makes (docs/publication.md)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .graph import PLACEHOLDER, Mapper, Mapping_
from .table_model import Table, TableColumn
from .vocab import RDF_TYPE


def render_csv(t: Table) -> str:
    """A table as RFC 4180 CSV text (UTF-8, header row, LF line ends, empty for null)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [col.name for col in t.columns]
    writer.writerow(names)
    for row in t.rows:
        # Most cells are text that starts like no formula: written as they are, without a call.
        writer.writerow(
            [
                v if type(v) is str and v[:1] not in FORMULA_START else _cell(v)
                for v in map(row.get, names)
            ]
        )
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return inert(str(value))


# A text a spreadsheet would run as a formula: '=…', '@…', or '+…'/'-…' that is not a plain
# number or a lone dash (a steward's 'none'). Such a value is published with an apostrophe before
# it, the mark spreadsheets take for "this is text" (docs/publication.md).
FORMULA = re.compile(r"^[=@\t\r]|^[+\-](?![0-9]+(?:[.,][0-9]+)?$)(?!$)")
FORMULA_START = frozenset("=@\t\r+-")  # the first characters FORMULA can match


def inert(text: str) -> str:
    """The text, made inert for spreadsheets: a formula-like text gets a leading apostrophe."""
    return "'" + text if FORMULA.match(text) else text


@dataclass
class TableRdf:
    """What a table's rows say in RDF, as CSVW annotations: per column that holds a literal its
    `aboutUrl`, `propertyUrl` and `datatype` or `lang`; the links and classes, virtual columns."""

    columns: dict[str, dict[str, object]] = field(default_factory=dict)
    virtual: list[dict[str, object]] = field(default_factory=list)

    def link(self, about: str, predicate: str, value: str) -> None:
        said: dict[str, object] = {"aboutUrl": about, "propertyUrl": predicate, "valueUrl": value}
        if said not in self.virtual:
            self.virtual.append(said)


CURIE = re.compile(r"^[a-z][\w-]*:\w")


def uri_template(template: str, mapper: Mapper) -> str | None:
    """A mapping's URI template as a CSVW one (RFC 6570, absolute): the base or the prefix's
    namespace before it, build parameters filled in; `{+url}` for a column holding a URL, taken
    as it is. None when it needs a build parameter the build lacks."""
    if template.startswith("{") and template.endswith("}") and template.count("{") == 1:
        return "{+" + template[1:]
    if re.match(r"^[a-z][\w-]*:", template) and not template.startswith("http"):
        prefix, _, rest = template.partition(":")
        namespace, template = mapper.curie(prefix + ":").value, rest
    else:
        namespace = mapper.base
    missing = False

    def parameter(m: re.Match[str]) -> str:
        nonlocal missing
        name = m.group(1)
        if not name.startswith("@"):
            return m.group(0)
        value = mapper.params.get(name[1:])
        if not value:
            missing = True
            return ""
        return quote(value, safe="-._~")  # (as the mappings fill it, and RFC 6570 would)

    filled = PLACEHOLDER.sub(parameter, template)
    return None if missing else namespace + filled


def variables(template: str) -> set[str]:
    return {name.lstrip("+") for name in re.findall(r"\{([^}]*)\}", template)}


def rdf_annotations(
    tables: list[Table], mappings: list[Mapping_], mapper: Mapper
) -> dict[str, TableRdf]:
    """For each table, what the mappings make of its rows, as CSV on the Web can say it, so a
    CSVW processor turns the tables into triples of the dataset: a column that holds a literal
    gets `aboutUrl` (the subject), `propertyUrl` and its `datatype` or `lang`; a link and a
    class become a virtual column with a `valueUrl`. What CSVW cannot say is left out, never
    approximated: a second mapping of a column, a literal made from a template, what holds only
    for the rows that match `when`, and a link or subject whose template takes a column that may
    be empty (CSVW would make a URI of the empty value, where the mapping makes no triple)."""
    by_name = {t.name: t for t in tables}
    out = {t.name: TableRdf() for t in tables}
    for mapping in mappings:
        table = by_name.get(mapping.table)
        if table is None:
            continue
        required = {col.name for col in table.columns if col.required}
        names = {col.name for col in table.columns}
        subject = uri_template(mapping.subject, mapper)
        if subject is None or not variables(subject) <= required:
            continue
        rdf = out[table.name]
        for spec in mapping.types:
            if not spec.get("when"):
                rdf.link(subject, RDF_TYPE.value, mapper.curie(spec["type"]).value)
        for prop, spec in mapping.properties:
            if spec.get("when"):
                continue
            predicate = mapper.curie(prop).value
            if "iri" in spec:
                target = uri_template(spec["iri"], mapper)
                if target is not None and variables(target) <= required:
                    rdf.link(subject, predicate, target)
            elif "value" in spec and isinstance(spec["value"], str) and CURIE.match(spec["value"]):
                rdf.link(subject, predicate, mapper.curie(spec["value"]).value)
            elif "column" in spec and spec["column"] in names and spec["column"] not in rdf.columns:
                said: dict[str, object] = {"aboutUrl": subject, "propertyUrl": predicate}
                if "datatype" in spec:
                    said["datatype"] = mapper.curie(spec["datatype"]).value.rpartition("#")[2]
                elif "lang" in spec:
                    said["lang"] = spec["lang"]
                rdf.columns[spec["column"]] = said
    return out


def csvw_metadata(tables: list[Table], rdf: dict[str, TableRdf] | None = None) -> dict[str, object]:
    """CSV on the Web metadata describing every table, its columns and keys, and, with `rdf`,
    the triples its rows make. A foreign key is declared on a required column only: a column
    that may be empty names its table in its description instead (strict CSVW validation takes
    an empty referencing cell for a broken reference)."""
    rdf = rdf or {}
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "tr"}],
        "dc:title": "Kamu Hizmet Envanteri — tidy tables",
        "tables": [
            {
                "url": f"{t.name}.csv",
                "dc:description": t.description,
                "tableSchema": {
                    "columns": [
                        *(column(t, col, rdf.get(t.name)) for col in t.columns),
                        *(
                            {"name": virtual_name(t, k), "virtual": True, **said}
                            for k, said in enumerate(rdf[t.name].virtual if t.name in rdf else [])
                        ),
                    ],
                    "primaryKey": list(t.primary_key),
                    **(
                        {
                            "foreignKeys": [
                                {
                                    "columnReference": col,
                                    "reference": {
                                        "resource": f"{ref}.csv",
                                        "columnReference": refcol,
                                    },
                                }
                                for col, ref, refcol in t.foreign_keys
                                if required(t, col)
                            ]
                        }
                        if any(required(t, col) for col, _, _ in t.foreign_keys)
                        else {}
                    ),
                },
            }
            for t in tables
        ],
    }


def virtual_name(t: Table, k: int) -> str:
    """A virtual column's name: `rdf1`, `rdf2` … (a name may not start with `_` in CSVW), one no
    column of the table has."""
    names = {col.name for col in t.columns}
    name = f"rdf{k + 1}"
    while name in names:
        name = "rdf" + name
    return name


def required(t: Table, name: str) -> bool:
    return any(col.required for col in t.columns if col.name == name)


def column(t: Table, col: TableColumn, rdf: TableRdf | None) -> dict[str, object]:
    """A column's description: its name, datatype and whether it may be empty; what its cells
    say in RDF, or that they say nothing (`suppressOutput`)."""
    described: dict[str, object] = {
        "name": col.name,
        "titles": col.name,
        "datatype": col.datatype,
        "required": col.required,
    }
    description = col.description
    for name, table, key in t.foreign_keys:
        if name == col.name and not col.required:
            description = "; ".join(filter(None, [description, f"{table}.{key}, or empty"]))
    if description:
        described["dc:description"] = description
    said = rdf.columns.get(col.name) if rdf is not None else None
    if said is None:
        described["suppressOutput"] = True
    else:
        described.update(said)
    return described


def write_tables(
    tables: list[Table], directory: Path, rdf: dict[str, TableRdf] | None = None
) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for t in tables:
        path = directory / f"{t.name}.csv"
        path.write_text(render_csv(t), encoding="utf-8")
        written.append(path)
    meta = directory / "csv-metadata.json"
    meta.write_text(
        json.dumps(csvw_metadata(tables, rdf), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    written.append(meta)
    return written
