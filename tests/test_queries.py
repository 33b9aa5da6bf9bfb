"""The example queries (queries/*.rq) run on the built graph, each answer compared with the one
worked out by hand from the source and the golden records (tests/golden/queries/*.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pyoxigraph import Literal, QuerySolutions, RdfFormat, Store

from .conftest import ROOT

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
GOLDEN = ROOT / "tests" / "golden" / "queries"
HEADER = ("title", "title@en", "description", "description@en")
NAME = re.compile(r"^\d{2}-[a-z0-9]+(-[a-z0-9]+)*\.rq$")


@pytest.fixture(scope="module")
def store(seed_dist: Path) -> Store:
    store = Store()
    store.load(path=str(seed_dist / "data" / "dataset.nt"), format=RdfFormat.N_TRIPLES)
    return store


def text(term: object) -> str | None:
    """A term as the golden files write it: an IRI as its full string, a literal as its lexical
    value, an unbound variable as None."""
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.value
    return str(term.value)  # type: ignore[attr-defined]


def header(query: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in query.read_text(encoding="utf-8").splitlines()[: len(HEADER)]:
        m = re.match(r"^# (title|title@en|description|description@en): (\S.*)$", line)
        if m:
            fields[m.group(1)] = m.group(2)
    return fields


def test_every_query_has_its_expected_answer() -> None:
    goldens = sorted(GOLDEN.glob("*.yaml"))
    assert len(QUERIES) >= 14
    assert len(QUERIES) == len(goldens)
    assert [q.stem for q in QUERIES] == [g.stem for g in goldens]
    assert all(NAME.match(q.name) for q in QUERIES), [q.name for q in QUERIES]
    numbers = [q.name[:2] for q in QUERIES]
    assert numbers == [f"{n:02d}" for n in range(1, len(QUERIES) + 1)]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_query_starts_with_its_four_header_lines(query: Path) -> None:
    fields = header(query)
    assert tuple(fields) == HEADER, f"{query.name}: the first lines must be # {', # '.join(HEADER)}"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_query_gives_the_answer_worked_out_by_hand(store: Store, query: Path) -> None:
    expected = yaml.safe_load((GOLDEN / f"{query.stem}.yaml").read_text(encoding="utf-8"))
    assert expected.get("notes"), f"{query.stem}.yaml: say how the answer was counted"
    result = store.query(query.read_text(encoding="utf-8"))
    assert isinstance(result, QuerySolutions), f"{query.name} must be a SELECT query"
    columns = [v.value for v in result.variables]
    rows = [[text(solution[c]) for c in columns] for solution in result]
    assert columns == expected["columns"]
    assert rows == expected["rows"]
