"""The four SPARQL result formats, written by the server and read back by rdflib's own result
parsers: values, datatypes and languages survive (CSV keeps values only, by its definition);
CSV has CRLF line ends; XML never carries a character XML cannot hold."""

from __future__ import annotations

import io

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib import BNode, URIRef, Variable
from rdflib import Literal as RdfLiteral
from rdflib.query import Result as RdfResult

from envanter.serve.results import NotWritable, write_result
from envanter.sparql import AskResult, SelectResult

XSD = "http://www.w3.org/2001/XMLSchema#"

SELECT = SelectResult(
    ["thing", "label", "value"],
    [
        (
            NamedNode("https://envanter.example/id/hizmet/halk-süt-desteği?a=1&b=2"),
            Literal('Halk Süt Desteği, "İBB"\nikinci satır', language="tr"),
            Literal("42", datatype=NamedNode(XSD + "integer")),
        ),
        (
            BlankNode("b0"),
            Literal("Milk support", language="en-GB"),
            Literal("2025-01-31", datatype=NamedNode(XSD + "date")),
        ),
        (
            NamedNode("urn:x:y"),
            Literal("tab\there; semi;colon, comma"),
            None,  # unbound
        ),
        (None, Literal("<tag> & ampersand"), Literal("x", datatype=NamedNode("urn:my:type"))),
    ],
)
# What rdflib should read, written out by hand.
EXPECTED = [
    {
        "thing": URIRef("https://envanter.example/id/hizmet/halk-süt-desteği?a=1&b=2"),
        "label": RdfLiteral('Halk Süt Desteği, "İBB"\nikinci satır', lang="tr"),
        "value": RdfLiteral("42", datatype=URIRef(XSD + "integer")),
    },
    {
        "thing": BNode("b0"),
        "label": RdfLiteral("Milk support", lang="en-GB"),
        "value": RdfLiteral("2025-01-31", datatype=URIRef(XSD + "date")),
    },
    {"thing": URIRef("urn:x:y"), "label": RdfLiteral("tab\there; semi;colon, comma")},
    {
        "label": RdfLiteral("<tag> & ampersand"),
        "value": RdfLiteral("x", datatype=URIRef("urn:my:type")),
    },
]


def read(fmt: str, data: bytes) -> RdfResult:
    return RdfResult.parse(io.BytesIO(data), format=fmt)


def rows(result: RdfResult) -> list[dict[str, object]]:
    return [{str(k): v for k, v in row.items() if v is not None} for row in result.bindings]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_values_datatypes_and_languages_survive(fmt: str) -> None:
    result = read(fmt, write_result(SELECT, fmt))
    assert result.vars == [Variable("thing"), Variable("label"), Variable("value")]
    got = rows(result)
    # Blank node labels are the writer's to choose: compare that one by kind only.
    assert isinstance(got[1].pop("thing"), BNode)
    expected = [dict(r) for r in EXPECTED]
    expected[1].pop("thing")
    assert got == expected
    for row, want in zip(got, expected, strict=True):
        for key, value in want.items():  # language tags compare without case (BCP 47)
            if isinstance(value, RdfLiteral):
                got_term = row[key]
                assert isinstance(got_term, RdfLiteral)
                assert (got_term.language or "").lower() == (value.language or "").lower()
                assert got_term.datatype == value.datatype


def test_csv_keeps_the_values_with_crlf_line_ends() -> None:
    data = write_result(SELECT, "csv")
    text = data.decode("utf-8")
    assert text.startswith("thing,label,value\r\n")
    assert text.count("\r\n") == 5  # a header and four rows
    assert text.count("\n") == 5 + 1  # and the value's own newline, inside its quotes
    assert '"Halk Süt Desteği, ""İBB""\nikinci satır"' in text
    got = rows(read("csv", data))
    assert [str(r.get("label")) for r in got] == [str(r["label"]) for r in EXPECTED]
    assert [str(r.get("value", "")) for r in got] == ["42", "2025-01-31", "", "x"]
    assert str(got[0]["thing"]) == "https://envanter.example/id/hizmet/halk-süt-desteği?a=1&b=2"


@pytest.mark.parametrize("fmt", ["json", "xml"])  # (CSV and TSV define no ASK answer)
def test_ask_answers(fmt: str) -> None:
    for value in (True, False):
        assert read(fmt, write_result(AskResult(value), fmt)).askAnswer is value


def test_xml_refuses_a_character_xml_cannot_carry() -> None:
    result = SelectResult(["s", "o"], [(NamedNode("urn:x:a"), Literal("bell\x07here"))])
    with pytest.raises(NotWritable) as caught:
        write_result(result, "xml")
    assert str(caught.value) == (
        "the answer holds the character U+0007 (row 1, ?o), which XML 1.0 cannot carry: ask for "
        "application/sparql-results+json, text/csv or text/tab-separated-values"
    )
    # JSON carries it, escaped, and reads back the same.
    back = rows(read("json", write_result(result, "json")))
    assert back == [{"s": URIRef("urn:x:a"), "o": RdfLiteral("bell\x07here")}]
