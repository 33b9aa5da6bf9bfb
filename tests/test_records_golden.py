"""Typed records against the golden records, each checked by hand against the source."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from envanter.read.records import Service

GOLDEN = sorted((Path(__file__).parent / "golden" / "records").glob("*.yaml"))


def test_all_54_golden_records_are_collected() -> None:
    assert len(GOLDEN) == 54


def as_plain(service: Service) -> dict[str, object]:
    def plain(o: object) -> object:
        if isinstance(o, dict):
            return {k: plain(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [plain(v) for v in o]
        return o

    d = plain(asdict(service))
    assert isinstance(d, dict)
    # The warnings (cells kept as text) are checked in test_cells.py.
    for key in ("cells", "source_file", "reference_year", "warnings"):
        d.pop(key)
    # A PDF table's line breaks read as wraps on a guess (test_table_readers.py): the seed is text.
    assert d.pop("guessed_breaks") == []
    d["corrections"] = [c["id"] for c in d["corrections"]]
    return d


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_record_matches_golden(path: Path, by_number: dict[int, Service]) -> None:
    golden = yaml.safe_load(path.read_text(encoding="utf-8"))
    golden.pop("notes")
    got = as_plain(by_number[golden["number"]])
    differences = {k: (golden.get(k), got.get(k)) for k in golden if golden.get(k) != got.get(k)}
    assert not differences, differences
    assert set(got) == set(golden)


def test_every_column_value_is_in_the_record(by_number: dict[int, Service]) -> None:
    """Each non-empty cell of each service ends up in a typed field (spot checks per column)."""
    s = by_number[32]
    assert [r.number for r in s.legal_basis] == ["5395", "4721", "5237", "6284"]
    assert s.legal_basis[3].articles == ("11", "21", "22")
    assert s.beneficiaries == (
        "Vatandaşlar",
        "Kamu Kurum ve Kuruluşları",
        "Sivil Toplum Kuruluşları",
    )
    s = by_number[54]
    assert [(c.value, c.unit) for c in s.annual_counts] == [
        (5977, "ziyaret ve program"),
        (76574, "kişi"),
    ]
    assert s.paraf[0] == "Halkla İlişkiler Personeli" and len(s.paraf) == 4
