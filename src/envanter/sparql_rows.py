"""Running a named SPARQL query over a pyoxigraph store and getting plain rows back."""

from __future__ import annotations

import pyoxigraph as ox

DEFAULT_BASE = "https://envanter.example/"


def adapt(query: str, base: str) -> str:
    """Queries are written against the default base; a build with another base rewrites it."""
    return query if base == DEFAULT_BASE else query.replace(DEFAULT_BASE, base)


def rows(store: ox.Store, query: str, base: str = DEFAULT_BASE) -> list[dict[str, str | None]]:
    """The solutions as dicts of variable → lexical value (IRIs as their string), every
    variable present (None when unbound), so templates can rely on each key."""
    results = store.query(adapt(query, base))
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError("a SELECT query was expected")
    names = [v.value for v in results.variables]
    triple = ox.Triple
    return [
        dict(
            zip(
                names,
                [None if t is None else str(t) if type(t) is triple else t.value for t in solution],
                strict=True,
            )
        )
        for solution in results
    ]
