"""The SPARQL 1.1 result formats (JSON, XML, CSV, TSV) and RDF syntaxes for graph answers.

XML 1.0 cannot carry most control characters at all (not even escaped): an answer holding one is
refused in XML with a message naming the variable, never sent broken or silently changed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from ..sparql import AskResult, GraphResult, QueryError, Result, SelectResult

Term = NamedNode | BlankNode | Literal | Triple
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
# What XML 1.0 cannot hold: C0 controls but tab, LF and CR; surrogates; U+FFFE and U+FFFF.
NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class NotWritable(QueryError):
    """The answer cannot be written in the format asked for (another format can)."""


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str  # what the server answers with
    accepts: tuple[str, ...]  # the media types a client may ask for it by
    for_graphs: bool  # CONSTRUCT/DESCRIBE (True) or SELECT/ASK (False)


SOLUTION_FORMATS: Final = (
    ResultFormat(
        "json",
        "application/sparql-results+json",
        ("application/sparql-results+json", "application/json"),
        False,
    ),
    ResultFormat(
        "xml",
        "application/sparql-results+xml; charset=utf-8",
        ("application/sparql-results+xml", "application/xml", "text/xml"),
        False,
    ),
    ResultFormat("csv", "text/csv; charset=utf-8", ("text/csv",), False),
    ResultFormat(
        "tsv", "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",), False
    ),
)
GRAPH_FORMATS: Final = (
    ResultFormat(
        "turtle", "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), True
    ),
    ResultFormat("ntriples", "application/n-triples", ("application/n-triples",), True),
    ResultFormat(
        "jsonld", "application/ld+json", ("application/ld+json", "application/json"), True
    ),
    ResultFormat("rdfxml", "application/rdf+xml", ("application/rdf+xml",), True),
)
RDF_FORMATS: Final = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}


def formats_for(result: Result) -> tuple[ResultFormat, ...]:
    return GRAPH_FORMATS if isinstance(result, GraphResult) else SOLUTION_FORMATS


def write_result(result: Result, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """`result` in the SPARQL results format (or RDF syntax, for a graph) named `fmt`."""
    if isinstance(result, GraphResult):
        if fmt not in RDF_FORMATS:
            raise QueryError(
                f"a CONSTRUCT or DESCRIBE answer is a graph: it can be written as "
                f"{', '.join(RDF_FORMATS)}, not {fmt}"
            )
        out = serialize(result.triples, format=RDF_FORMATS[fmt], prefixes=prefixes or None)
        assert out is not None
        return out
    writers: dict[str, Callable[[Result], str]] = {
        "json": results_json,
        "xml": results_xml,
        "csv": results_csv,
        "tsv": results_tsv,
    }
    if fmt not in writers:
        raise QueryError(
            f"a SELECT or ASK answer can be written as {', '.join(writers)}, not {fmt}"
        )
    return writers[fmt](result).encode("utf-8")


def term_json(term: Term) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def results_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON Format."""
    if isinstance(result, AskResult):
        return json.dumps({"head": {}, "boolean": result.value})
    assert isinstance(result, SelectResult)
    bindings = [
        {v: term_json(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    head: dict[str, object] = {"vars": result.variables}
    if result.truncated:  # (clients that read only the body see it too; others ignore it)
        head["warnings"] = [truncation_warning(len(result.rows))]
    return json.dumps({"head": head, "results": {"bindings": bindings}}, ensure_ascii=False)


def truncation_warning(rows: int) -> str:
    """What a cut answer says in its JSON results' head (docs/serving.md)."""
    return (
        f"truncated: the answer has more rows than the server's limit of {rows}; these are "
        "the first ones (page with LIMIT and OFFSET)"
    )


def term_xml(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Triple):
        return (
            f"<triple><subject>{term_xml(term.subject)}</subject>"
            f"<predicate>{term_xml(term.predicate)}</predicate>"
            f"<object>{term_xml(term.object)}</object></triple>"
        )
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def results_xml(result: Result) -> str:
    """SPARQL Query Results XML Format."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    ]
    if isinstance(result, AskResult):
        out.append(f"<head/><boolean>{'true' if result.value else 'false'}</boolean></sparql>\n")
        return "\n".join(out)
    assert isinstance(result, SelectResult)
    out.append(
        "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>"
    )
    out.append("<results>")
    for row in result.rows:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{term_xml(t)}</binding>"
            for v, t in zip(result.variables, row, strict=True)
            if t is not None
        )
        out.append(f"<result>{cells}</result>")
    out.append("</results>\n</sparql>\n")
    text = "\n".join(out)
    bad = NOT_XML.search(text)
    if bad is not None:
        raise NotWritable(unwritable_in_xml(result, bad.group()))
    return text


def unwritable_in_xml(result: SelectResult, char: str) -> str:
    where = next(
        (
            f"row {n}, ?{v}"
            for n, row in enumerate(result.rows, 1)
            for v, t in zip(result.variables, row, strict=True)
            if t is not None and char in term_plain(t)
        ),
        "a value",
    )
    return (
        f"the answer holds the character U+{ord(char):04X} ({where}), which XML 1.0 cannot "
        "carry: ask for application/sparql-results+json, text/csv or text/tab-separated-values"
    )


def term_plain(term: Term | None) -> str:
    """A term as CSV results write it: an IRI or a literal's lexical form, nothing for unbound."""
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return str(term)
    return term.value


def results_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV Format (an ASK answer: one line, true or false)."""
    if isinstance(result, AskResult):
        return "true\r\n" if result.value else "false\r\n"
    assert isinstance(result, SelectResult)
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF line ends, quotes where needed
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([term_plain(t) for t in row])
    return buffer.getvalue()


def results_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV Format: terms in Turtle syntax, `?` before each variable."""
    if isinstance(result, AskResult):
        return "true\n" if result.value else "false\n"
    assert isinstance(result, SelectResult)
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    # str() of an oxigraph term is its N-Triples form: tabs and newlines in literals are escaped.
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def text_table(result: SelectResult) -> str:
    """An aligned plain-text table for people: IRIs and literal values, unbound cells empty."""
    header = result.variables
    body = [[term_plain(t) for t in row] for row in result.rows]
    # A newline in a value would break the table's lines; show it as the escape it is.
    body = [[c.replace("\r", "\\r").replace("\n", "\\n") for c in row] for row in body]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(header)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines) + "\n"
