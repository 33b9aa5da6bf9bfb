"""The tidy tables written out: one CSV file each, described by CSV on the Web metadata."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from .table_model import Table


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


def csvw_metadata(tables: list[Table]) -> dict[str, object]:
    """CSV on the Web metadata describing every table, its columns and keys."""
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "tr"}],
        "dc:title": "Kamu Hizmet Envanteri — tidy tables",
        "tables": [
            {
                "url": f"{t.name}.csv",
                "dc:description": t.description,
                "tableSchema": {
                    "columns": [
                        {
                            "name": col.name,
                            "titles": col.name,
                            "datatype": col.datatype,
                            "required": col.required,
                            **({"dc:description": col.description} if col.description else {}),
                        }
                        for col in t.columns
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
                            ]
                        }
                        if t.foreign_keys
                        else {}
                    ),
                },
            }
            for t in tables
        ],
    }


def write_tables(tables: list[Table], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for t in tables:
        path = directory / f"{t.name}.csv"
        path.write_text(render_csv(t), encoding="utf-8")
        written.append(path)
    meta = directory / "csv-metadata.json"
    meta.write_text(
        json.dumps(csvw_metadata(tables), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written.append(meta)
    return written
