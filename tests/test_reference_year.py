"""The reference year of the annual counts: a source that does not say it still builds, its counts
published without a year (never a guessed one), with a warning in the build log and the validation
report, and no temporal coverage in the catalog."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, namespace
from rdflib.namespace import DCTERMS, RDF, SH

from envanter.cli import main

SOURCE = Path(__file__).parent / "inventories" / "kadikoy-tapu-mudurlugu.csv"
ENV = Namespace("https://envanter.example/def/envanter#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = namespace.XSD  # (imported by name, pytest warns when it looks for mocks in it)
# The annual counts of the six services, as the file prints them.
COUNTS = {18740, 9310, 420, 3970, 12650, 610}


def _build(out: Path, *extra: str) -> str:
    args = ["build", "--source", str(SOURCE), "--out", str(out), *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_unknown_year_is_a_warning_and_no_year_is_published(tmp_path: Path) -> None:
    output = _build(tmp_path / "dist")
    assert (
        "warning: tests/inventories/kadikoy-tapu-mudurlugu.csv: the reference year of the annual "
        "counts is unknown: they are published without a year and the catalog has no temporal "
        "coverage (pass --reference-year YEAR or set reference_year in "
        "kadikoy-tapu-mudurlugu.meta.yaml)"
    ) in output.splitlines()
    graph = Graph().parse(tmp_path / "dist" / "data" / "dataset.ttl")
    volumes = set(graph.subjects(RDF.type, ENV.AnnualVolume))
    assert {graph.value(v, RDF.value).toPython() for v in volumes} == COUNTS
    assert list(graph.objects(None, ENV.referenceYear)) == []
    catalog = Graph().parse(tmp_path / "dist" / "catalog.ttl")
    assert list(catalog.objects(None, DCTERMS.temporal)) == []
    assert Literal("Kamu Hizmet Envanteri", lang="tr") in set(catalog.objects(None, DCTERMS.title))
    report = Graph().parse(tmp_path / "dist" / "validation" / "report.ttl")
    findings = [r for r in report.subjects(SH.resultPath, ENV.referenceYear)]
    assert {report.value(r, SH.focusNode) for r in findings} == volumes
    assert {report.value(r, SH.resultSeverity) for r in findings} == {SH.Warning}


def test_a_year_given_is_on_every_count_and_in_the_catalog(tmp_path: Path) -> None:
    output = _build(tmp_path / "dist", "--reference-year", "2024")
    assert "reference year" not in output
    graph = Graph().parse(tmp_path / "dist" / "data" / "dataset.ttl")
    volumes = set(graph.subjects(RDF.type, ENV.AnnualVolume))
    assert len(volumes) == len(COUNTS)
    for v in volumes:
        assert list(graph.objects(v, ENV.referenceYear)) == [Literal("2024", datatype=XSD.gYear)]
    catalog = Graph().parse(tmp_path / "dist" / "catalog.ttl")
    (period,) = catalog.objects(None, DCTERMS.temporal)
    assert catalog.value(period, DCAT.startDate) == Literal("2024-01-01", datatype=XSD.date)
    assert catalog.value(period, DCAT.endDate) == Literal("2024-12-31", datatype=XSD.date)
    report = Graph().parse(tmp_path / "dist" / "validation" / "report.ttl")
    assert list(report.subjects(SH.resultPath, ENV.referenceYear)) == []
