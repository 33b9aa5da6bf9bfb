"""The tables round-trip: their CSV on the Web metadata passes strict validation (the `csvw`
package), and the CSVW conversion of the tables to RDF (the rules of "Generating RDF from
Tabular Data on the Web", applied below) makes triples of the dataset, the services' own
among them."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from csvw import CSVW  # type: ignore[import-untyped]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
HIZMET = "https://envanter.example/id/hizmet/"
RESERVED = ":/?#[]@!$&'()*+,;="  # RFC 3986 reserved characters, kept by `{+name}`


def expand(template: str, cells: dict[str, str | None]) -> str:
    """An RFC 6570 template of `{name}` (cell percent-encoded but for unreserved characters)
    and `{+name}` (reserved characters kept) expressions; a null cell expands to nothing."""
    out, rest = [], template
    while "{" in rest:
        before, _, rest = rest.partition("{")
        expression, _, rest = rest.partition("}")
        out.append(before)
        keep = "-._~"
        if expression.startswith("+"):
            expression, keep = expression[1:], keep + RESERVED + "%"
        value = cells.get(expression)
        out.append("" if value is None else quote(value, safe=keep))
    return "".join(out) + rest


def literal(value: str, column: dict[str, object]) -> ox.Literal:
    datatype = str(column.get("datatype", "string"))
    lang = str(column.get("lang", "und"))
    if datatype == "string" and lang != "und":
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def csvw_to_rdf(metadata: Path) -> set[ox.Triple]:
    """The triples CSVW's conversion makes of the cells (its minimal mode: no triples about the
    tables and rows themselves): for each row and each column not suppressed, the subject from
    `aboutUrl` (a blank node without it), the predicate from `propertyUrl` (the table's URL and
    `#name` without it), the object from `valueUrl`, else the cell's value as a literal of the
    column's datatype and language; a null cell makes no triple but in a virtual column."""
    group = json.loads(metadata.read_text(encoding="utf-8"))
    triples: set[ox.Triple] = set()
    for table in group["tables"]:
        url = table["url"]
        columns = table["tableSchema"]["columns"]
        with (metadata.parent / url).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for number, row in enumerate(rows, 1):
            cells: dict[str, str | None] = {k: (v if v != "" else None) for k, v in row.items()}
            for column in columns:
                if column.get("suppressOutput"):
                    continue
                name = column["name"]
                value = cells.get(name)
                if value is None and not column.get("virtual"):
                    continue
                about = column.get("aboutUrl")
                subject: ox.NamedNode | ox.BlankNode = (
                    ox.NamedNode(expand(about, cells)) if about else ox.BlankNode(f"r{number}")
                )
                predicate = ox.NamedNode(
                    expand(column["propertyUrl"], cells)
                    if "propertyUrl" in column
                    else f"{url}#{quote(name)}"
                )
                if "valueUrl" in column:
                    obj: ox.NamedNode | ox.Literal = ox.NamedNode(expand(column["valueUrl"], cells))
                else:
                    assert value is not None
                    obj = literal(value, column)
                triples.add(ox.Triple(subject, predicate, obj))
    return triples


def test_the_tables_pass_strict_csvw_validation(seed_dist: Path) -> None:
    metadata = seed_dist / "data" / "tables" / "csv-metadata.json"
    checked = CSVW(str(metadata), validate=True, strict=True)
    assert checked.is_valid, [str(w.message) for w in checked.warnings]


def test_the_tables_convert_to_triples_of_the_dataset(seed_dist: Path) -> None:
    converted = csvw_to_rdf(seed_dist / "data" / "tables" / "csv-metadata.json")
    dataset = {
        q.triple
        for q in ox.parse(
            path=str(seed_dist / "data" / "dataset.nt"), format=ox.RdfFormat.N_TRIPLES
        )
    }
    assert converted <= dataset, sorted(map(str, converted - dataset))[:5]
    assert len(converted) > len(dataset) // 2

    def has(s: str, p: str, o: ox.NamedNode | ox.Literal) -> bool:
        return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o) in converted

    service = HIZMET + "halk-sut-destegi"
    dct, cv = "http://purl.org/dc/terms/", "http://data.europa.eu/m8g/"
    assert has(service, RDF_TYPE, ox.NamedNode("http://purl.org/vocab/cpsv#PublicService"))
    assert has(service, dct + "identifier", ox.Literal("halk-sut-destegi"))
    assert has(service, dct + "title", ox.Literal("Halk Süt Desteği", language="tr"))
    assert has(
        service,
        dct + "isPartOf",
        ox.NamedNode("https://envanter.example/id/veri-seti/ibb-sosyal-hizmetler-2025"),
    )

    def objects(p: str) -> set[str]:
        return {
            t.object.value
            for t in converted
            if t.subject == ox.NamedNode(service) and t.predicate == ox.NamedNode(p)
        }

    mevzuat = "https://envanter.example/id/mevzuat/"
    assert objects(cv + "hasLegalResource") == {
        mevzuat + "kanun-5216",
        mevzuat + "kanun-5393",
        mevzuat + "yonetmelik-ibb-sosyal-isler-ve-yardim-esaslari-yonetmeligi",
    }
    assert objects(cv + "hasCompetentAuthority") == {
        "https://envanter.example/id/kurum/sosyal-hizmetler-sube-mudurlugu"
    }
    # Every service's type, identifier, title, law and unit links come out of the tables.
    services = {
        t.subject
        for t in converted
        if t.predicate.value == RDF_TYPE
        and t.object.value == "http://purl.org/vocab/cpsv#PublicService"
    }
    assert len(services) == 54
    for p in (
        dct + "identifier",
        dct + "title",
        cv + "hasLegalResource",
        cv + "hasCompetentAuthority",
    ):
        in_dataset = {t for t in dataset if t.predicate.value == p and t.subject in services}
        assert in_dataset and in_dataset <= converted, p
