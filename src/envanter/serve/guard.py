"""Refusing, before evaluation, every query that would make the server reach out or change
anything: SERVICE anywhere, updates (LOAD among them), and FROM / FROM NAMED or protocol graph
parameters naming a graph the store does not hold.

The query is parsed with rdflib's SPARQL grammar and the parse tree is walked, so a keyword in a
comment, a string or an IRI neither hides a clause nor refuses a harmless query. A text the
grammar cannot read is refused too: what cannot be checked is not run.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache

from pyoxigraph import Store
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

UPDATE_REFUSED = (
    "SPARQL updates are refused: this endpoint is read-only "
    "(send a SELECT, ASK, CONSTRUCT or DESCRIBE query)"
)


class Refused(Exception):
    """The query is not run; the message says why (the client gets it with a 400)."""


def nodes(tree: object) -> Iterator[CompValue]:
    """Every grammar node of a parse tree, depth first."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(node)


@lru_cache(maxsize=1024)
def parsed(text: str) -> ParseResults:
    """The parse tree (cached: clients send the same queries again and again, and the grammar
    takes milliseconds)."""
    try:
        return parseQuery(text)
    except ParseException as e:
        try:
            parseUpdate(text)
        except ParseException:
            raise Refused(syntax_error(text, e)) from None
        raise Refused(UPDATE_REFUSED) from None


def syntax_error(text: str, error: ParseException) -> str:
    """Oxigraph's message for a text it cannot parse either (it says what was expected, and
    where, better than pyparsing). It is asked on an empty store, whose answer is dropped."""
    try:
        Store().query(text)
    except SyntaxError as e:
        return f"the query is not valid SPARQL: {e}"
    except (OSError, ValueError):
        pass
    return (
        f"the query cannot be checked by this endpoint's SPARQL grammar, so it is not run ({error})"
    )


def check(
    text: str,
    graphs: Collection[str],
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> None:
    """Raise Refused unless `text` is a query that only reads the store's own graphs."""
    tree = parsed(text)
    for node in nodes(tree):
        if node.name == "ServiceGraphPattern":
            raise Refused(
                f"SERVICE {shown(node['term'])} is refused: this endpoint never connects "
                "elsewhere (federate from your own client, or download the dataset)"
            )
        if node.name == "DatasetClause":
            # (CompValue.get answers the key itself when it is missing: test membership.)
            clause = "FROM" if "default" in node else "FROM NAMED"
            iri = node["default"] if "default" in node else node["named"]
            if str(iri) not in graphs:
                raise Refused(unknown_graph(f"{clause} <{iri}>", graphs))
    for parameter, iris in (
        ("default-graph-uri", default_graphs),
        ("named-graph-uri", named_graphs),
    ):
        for iri in iris:
            if iri not in graphs:
                raise Refused(unknown_graph(f"{parameter}={iri}", graphs))


def unknown_graph(what: str, graphs: Collection[str]) -> str:
    held = ", ".join(f"<{g}>" for g in sorted(graphs)) or "only its default graph"
    return f"{what} is refused: this endpoint fetches no graphs; it holds {held}"


def shown(term: object) -> str:
    """A term as the query wrote it: `<iri>` or `?variable`."""
    n3 = getattr(term, "n3", None)
    return str(n3()) if callable(n3) else str(term)
