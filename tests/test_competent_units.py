"""Competent units: every görevli birim column a service fills names its unit(s), one a line.

A small inventory written here by hand (two services from the seed's rows, their four unit
cells rewritten) is built with the CLI; the graph must link each unit to its service as a
competent authority, say each unit's level, mint a unit named twice once, and keep apart
units that are apart.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from envanter.cli import main
from envanter.read.inventory import Cell, RawRecord
from envanter.read.source import write_csv

from .conftest import SEED

BASE = "https://envanter.example/"
ENV = BASE + "def/envanter#"
LEVEL = BASE + "def/idari-duzey/"
UNIT = BASE + "id/kurum/"
FIRST = "<https://envanter.example/id/hizmet/sosyal-destek-istanbulkart>"

MINISTRY = "Aile ve Sosyal Hizmetler Bakanlığı"
PROVINCIAL = "İstanbul Aile ve Sosyal Hizmetler İl Müdürlüğü"
SOCIAL = "Sosyal Hizmetler Şube Müdürlüğü"  # a unit the seed's organisations.yaml curates
DISABLED = "Engelliler Müdürlüğü"


def _units(
    central: str = "-", provincial: str = "-", local: str = "-", other: str = "-"
) -> dict[str, Cell]:
    """The four cells; a value with line breaks is a steward's one-unit-a-line cell."""

    def cell(text: str) -> Cell:
        return Cell(text, (), tuple(text.split("\n")) if "\n" in text else ())

    return {
        "unit_central": cell(central),
        "unit_provincial": cell(provincial),
        "unit_local": cell(local),
        "unit_other": cell(other),
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory, raw_records: list[RawRecord]) -> Path:
    first, second = raw_records[0], raw_records[1]
    rows = [
        replace(
            first,
            cells={
                **first.cells,
                **_units(MINISTRY, PROVINCIAL, f"{SOCIAL}\n{DISABLED}"),
            },
        ),
        replace(second, cells={**second.cells, **_units(local=f"1. {SOCIAL}\n2. {DISABLED}")}),
    ]
    tmp = tmp_path_factory.mktemp("units")
    path = tmp / "inventory.csv"
    write_csv(rows, path)
    # The seed's services, published as the seed is: by İBB's department, for İstanbul.
    shutil.copy(SEED.with_name(SEED.stem + ".meta.yaml"), tmp / "inventory.meta.yaml")
    out = tmp / "dist"
    result = CliRunner().invoke(
        main, ["build", "-q", "--source", str(path), "--out", str(out), "--reference-year", "2025"]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def built(dist: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(dist / "data" / "dataset.nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _authorities(store: ox.Store, service: str) -> set[str]:
    q = f"SELECT ?u {{ {service} <http://data.europa.eu/m8g/hasCompetentAuthority> ?u }}"
    return {str(r["u"].value).removeprefix(UNIT) for r in store.query(q)}  # type: ignore[union-attr]


def _services(store: ox.Store) -> list[str]:
    q = f"SELECT ?s {{ ?s <{ENV}rowNumber> ?n }} ORDER BY ?n"
    return [f"<{r['s'].value}>" for r in store.query(q)]  # type: ignore[union-attr]


def test_every_filled_level_names_its_units_one_a_line(built: ox.Store) -> None:
    assert _services(built)[0] == FIRST
    assert _authorities(built, FIRST) == {
        "aile-ve-sosyal-hizmetler-bakanligi",
        "istanbul-aile-ve-sosyal-hizmetler-il-mudurlugu",
        "sosyal-hizmetler-sube-mudurlugu",
        "engelliler-mudurlugu",
    }


def test_each_unit_says_the_level_of_the_column_naming_it(built: ox.Store) -> None:
    q = f"SELECT ?u ?l {{ ?u <{ENV}administrativeLevel> ?l }}"
    levels = {
        (str(r["u"].value).removeprefix(UNIT), str(r["l"].value).removeprefix(LEVEL))  # type: ignore[union-attr]
        for r in built.query(q)  # type: ignore[union-attr]
    }
    assert levels == {
        ("aile-ve-sosyal-hizmetler-bakanligi", "merkezi-idare"),
        ("istanbul-aile-ve-sosyal-hizmetler-il-mudurlugu", "tasra"),
        ("sosyal-hizmetler-sube-mudurlugu", "mahalli-idare"),
        ("engelliler-mudurlugu", "mahalli-idare"),
    }
    # The services no longer carry a level of their own: it belongs to each unit.
    assert not built.query(f"ASK {{ {FIRST} <{ENV}administrativeLevel> ?l }}")


def test_a_unit_named_twice_is_one_unit_and_units_apart_stay_apart(built: ox.Store) -> None:
    second = _services(built)[1]
    # Numbered items lose their numbers; the same names are the same two units as above.
    assert _authorities(built, second) == {
        "sosyal-hizmetler-sube-mudurlugu",
        "engelliler-mudurlugu",
    }
    names = {
        str(r["n"].value)  # type: ignore[union-attr]
        for r in built.query(  # type: ignore[union-attr]
            "SELECT ?n { ?u a <http://data.europa.eu/m8g/PublicOrganisation> ; "
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?n FILTER(lang(?n) = 'tr') }"
        )
    }
    assert {MINISTRY, PROVINCIAL, SOCIAL, DISABLED} <= names
    # The publisher's DETSİS code and department are not said of a ministry in another column.
    ministry = f"<{UNIT}aile-ve-sosyal-hizmetler-bakanligi>"
    assert not built.query(f"ASK {{ {ministry} <{ENV}detsisCode> ?c }}")
    assert not built.query(f"ASK {{ {ministry} <http://www.w3.org/ns/org#subOrganizationOf> ?p }}")
    social = f"<{UNIT}sosyal-hizmetler-sube-mudurlugu>"
    assert built.query(f'ASK {{ {social} <{ENV}detsisCode> "93186084" }}')
    # Nor is the department's place: a provincial directorate's area is not known.
    spatial = "<http://purl.org/dc/terms/spatial>"
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert not built.query(f'ASK {{ ?u <{skos}prefLabel> "{PROVINCIAL}"@tr ; {spatial} ?p }}')
    assert built.query(f"ASK {{ {social} {spatial} <http://www.wikidata.org/entity/Q406> }}")


def test_the_service_page_lists_every_unit_under_its_level(dist: Path) -> None:
    page = (dist / "doc/id/hizmet/sosyal-destek-istanbulkart.html").read_text(encoding="utf-8")
    section = page.split('<dl class="units">', 1)[1].split("</dl>", 1)[0]
    order = [section.index(x) for x in ("Merkezî idare", MINISTRY, PROVINCIAL, "Mahallî idare")]
    assert order == sorted(order)
    assert SOCIAL in section and DISABLED in section
