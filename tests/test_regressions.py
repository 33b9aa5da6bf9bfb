"""One test per bug that once passed the whole suite; each fails if the bug comes back."""

from __future__ import annotations

import pyoxigraph as ox

from envanter.errors import InputError, Problem
from envanter.rdf.graph import Mapper, Mapping_
from envanter.read.inventory import CELL_KEYS, Cell, RawRecord
from envanter.read.records import build_records


def _record(number: int, **cells: str) -> RawRecord:
    """A raw row whose cells are all valid unless given here."""
    valid = {
        "institution_code": "95121434",
        "sdp_codes": "815",
        "name": "Evde bakım hizmeti",
        "description": "Yaşlılara evde bakım.",
        "legal_basis": "5393 sayılı Belediye Kanunu",
        "annual_count": "12",
    }
    valid.update(cells)
    return RawRecord(
        number=number,
        cells={key: Cell(valid.get(key, "_"), (number * 10,)) for key in CELL_KEYS},
        file="envanter.txt",
        first_line=number * 10,
        last_line=number * 10 + 9,
    )


def test_build_records_reports_every_problem_of_every_record_at_once() -> None:
    """build_records once raised only the first problem it met: a steward fixed one per run."""
    raw = [
        _record(1),
        _record(2, institution_code="9512143", sdp_codes="abc", name="_"),
        # (An annual count that is no figure is kept as text with a warning, not a problem.)
        _record(3, legal_basis="_", description="_"),
    ]
    try:
        build_records(raw, [], "corrections.yaml", 2025)
    except InputError as error:
        problems = sorted(error.problems)
    else:
        raise AssertionError("build_records accepted three records with five problems")
    assert problems == [
        Problem(
            "envanter.txt",
            20,
            "institution_code",
            "service 2: expected an 8-digit DETSİS code, found '9512143'",
        ),
        Problem("envanter.txt", 20, "name", "service 2: this cell must not be empty"),
        Problem(
            "envanter.txt",
            20,
            "sdp_codes",
            "service 2: expected Standard File Plan codes like '815' or '120.05', found 'abc'",
        ),
        Problem("envanter.txt", 30, "description", "service 3: this cell must not be empty"),
        Problem(
            "envanter.txt",
            30,
            "legal_basis",
            "service 3: expected at least one law or regulation",
        ),
    ]


def test_the_mapping_engines_iri_templates_percent_encode_their_values() -> None:
    """Template once stopped percent-encoding: a space or a quote made an IRI no parser reads."""
    mapper = Mapper("https://envanter.example/", {"ex": "https://ex.example/def/"}, {})
    mapping = Mapping_(
        name="services",
        table="services",
        subject="id/service/{slug}",
        types=({"type": "ex:Service"},),
        properties=(
            ("ex:page", {"iri": "ex:page/{slug}"}),
            ("ex:title", {"template": "{slug}"}),
        ),
    )
    slug = 'Evde bakım "özel" <ğ>'
    triples = set(mapper.triples(mapping, [{"slug": slug}]))
    subject = ox.NamedNode(
        "https://envanter.example/id/service/Evde%20bak%C4%B1m%20%22%C3%B6zel%22%20%3C%C4%9F%3E"
    )
    assert triples == {
        ox.Triple(
            subject,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://ex.example/def/Service"),
        ),
        ox.Triple(
            subject,
            ox.NamedNode("https://ex.example/def/page"),
            ox.NamedNode(
                "https://ex.example/def/page/Evde%20bak%C4%B1m%20%22%C3%B6zel%22%20%3C%C4%9F%3E"
            ),
        ),
        # A text template keeps its values as they are.
        ox.Triple(subject, ox.NamedNode("https://ex.example/def/title"), ox.Literal(slug)),
    }
