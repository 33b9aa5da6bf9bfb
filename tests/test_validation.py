"""Validation in the build and `envanter validate`: refusals, the report, the exact words."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Namespace, URIRef

from envanter.check.report import ValidationFailed
from envanter.cli import main
from envanter.run.pipeline import BuildOptions, build

from .conftest import ROOT, SEED

SH = Namespace("http://www.w3.org/ns/shacl#")

BROKEN = """
@prefix cpsv: <http://purl.org/vocab/cpsv#> . @prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix env: <https://envanter.example/def/envanter#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://envanter.example/id/hizmet/x> a cpsv:PublicService ;
    dct:identifier "x" ; dct:title "Bir Hizmet"@tr ; dct:description "Bir hizmet."@tr ;
    cv:hasCompetentAuthority <https://envanter.example/id/kurum/u> ;
    cv:processingTime "P1D"^^xsd:duration ;
    prov:wasDerivedFrom <https://envanter.example/id/hizmet/x#kaynak> .
<https://envanter.example/id/kurum/u> a cv:PublicOrganisation ;
    skos:prefLabel "Birim"@tr , "Unit"@en ; dct:spatial <http://www.wikidata.org/entity/Q406> .
<https://envanter.example/id/hizmet/x#kaynak> a env:SourceExcerpt ;
    env:firstLine "1"^^xsd:integer ; env:lastLine "2"^^xsd:integer ;
    env:sourceDocument <https://envanter.example/id/kaynak/s> .
"""


@pytest.mark.parametrize("engine", [[], ["--shacl-engine", "pyshacl"], ["--shacl-engine", "turbo"]])
def test_validate_reports_a_broken_graph_word_for_word(tmp_path: Path, engine: list[str]) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), *engine])
    assert result.exit_code == 1
    service = "<https://envanter.example/id/hizmet/x>"
    assert result.output == (
        f"{path}: 1 violation, 2 warnings, 0 notes\n"
        f"  violation [service-legal-resource] {service}: A service must rest on at least one "
        "law or regulation (cv:hasLegalResource).\n"
        "  warning [english-title]: 1 resource\n"
        "  warning [no-online-channel]: 1 resource\n"
    )


def test_validate_in_turkish(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), "--lang", "tr", "--all"])
    assert (
        "  warning [english-title] <https://envanter.example/id/hizmet/x>: Hizmetin İngilizce "
        "bir adı (dct:title@en) yok: envanterin çevirilerine (KAYNAK.en.yaml, `envanter "
        "translations`) ekleyin; İngilizce "
        "sayfalar Türkçe adı gösterir.\n"
    ) in result.output
    assert "  warning [no-online-channel] <https://envanter.example/id/hizmet/x>: " in result.output


def test_validate_refuses_an_unknown_engine(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), "--shacl-engine", "java"])
    assert result.exit_code == 2
    assert "'java' is not one of 'turbo', 'pyshacl'" in result.output


def test_validate_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "none.ttl")])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {tmp_path / 'none.ttl'}: not found (build first, or name an RDF file)\n"
    )


def test_a_violation_stops_the_build_and_nothing_is_published(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", reference)
    organisations = yaml.safe_load((reference / "organisations.yaml").read_text(encoding="utf-8"))
    ministry = organisations["institutions"][0]
    assert ministry["key"] == "aile-ve-sosyal-hizmetler-bakanligi"
    del ministry["spatial"]  # the area a public organisation serves
    (reference / "organisations.yaml").write_text(
        yaml.safe_dump(organisations, allow_unicode=True), encoding="utf-8"
    )
    # An unknown area is a warning in the shipped shapes; a project's own shapes may make it a
    # violation, which must stop the build.
    shapes = tmp_path / "shapes"
    shutil.copytree(ROOT / "shapes", shapes)
    profile = (shapes / "profile.ttl").read_text(encoding="utf-8")
    unknown_area = "sh:path dct:spatial ; sh:minCount 1 ;\n        sh:severity sh:Warning ;"
    assert unknown_area in profile
    (shapes / "profile.ttl").write_text(
        profile.replace(unknown_area, unknown_area.replace("Warning", "Violation")),
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    with pytest.raises(ValidationFailed) as failed:
        build(BuildOptions(out=out, reference=reference, shapes=shapes))
    assert failed.value.exit_code == 1
    lines = str(failed.value).splitlines()
    assert lines[0] == "the graph does not pass validation: 1 violation, 38 warnings, 76 notes"
    assert lines[1].startswith("  violation [organisation-label-spatial] <")
    assert not out.exists()


def test_a_missing_english_title_is_a_warning_and_the_page_shows_the_turkish_one(
    tmp_path: Path,
) -> None:
    """English does not block a build: the English page shows the Turkish title, marked tr."""
    # The seed, with its translations beside it less one.
    folder = tmp_path / "source"
    folder.mkdir()
    for path in SEED.parent.glob(SEED.stem + ".*"):
        shutil.copy(path, folder / path.name)
    translations = folder / (SEED.stem + ".en.yaml")
    english = yaml.safe_load(translations.read_text(encoding="utf-8"))
    del english["service_names"]["Halk Süt Desteği"]
    translations.write_text(yaml.safe_dump(english, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "dist"
    result = build(BuildOptions(source=folder / SEED.name, out=out))
    assert result.report is not None
    missing = [f for f in result.report.findings if f.rule == "english-title"]
    assert [(f.severity, f.focus) for f in missing] == [
        ("warning", "https://envanter.example/id/hizmet/halk-sut-destegi")
    ]
    page = (out / "en" / "doc" / "id" / "hizmet" / "halk-sut-destegi.html").read_text(
        encoding="utf-8"
    )
    assert '<h1 lang="tr">Halk Süt Desteği</h1>' in page
    listing = (out / "en" / "hizmetler.html").read_text(encoding="utf-8")
    assert 'lang="tr">Halk Süt Desteği</a>' in listing


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", "--strict", "--quiet", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith(
        "error: the graph does not pass validation: 0 violations, 38 warnings, 76 notes\n"
        "  warning [no-exact-processing-time] <https://envanter.example/id/hizmet/"
    )
    assert not out.exists()


def test_the_report_is_published(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(BuildOptions(out=out))
    report = Graph().parse(out / "validation" / "report.ttl", format="turtle")
    (node,) = report.subjects(None, SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is True
    results = list(report.objects(node, SH.result))
    assert len(results) == 38 + 76
    page = (out / "validation" / "index.html").read_text(encoding="utf-8")
    shapes = Graph()
    for name in ("profile.ttl",):
        shapes.parse(ROOT / "shapes" / name, publicID="https://envanter.example/def/")
    rule_ids = {str(o) for o in shapes.objects(None, URIRef("http://purl.org/dc/terms/identifier"))}
    for rule in rule_ids:
        assert f'<section id="{rule}">' in page, rule


def test_validation_in_shards_finds_what_the_whole_graph_gives(tmp_path: Path) -> None:
    """The build validates each batch's services in shards, and what they share apart: its
    findings are those of the reference engine on the whole published graph at once."""
    import sys

    from envanter.check.shacl import load_shapes, validate
    from envanter.run.executor import Serial

    sys.path.insert(0, str(ROOT / "bench"))
    from common import synthetic_input, synthetic_options

    synthetic_input(120, tmp_path)
    options = synthetic_options(120, tmp_path, tmp_path / "dist")
    shapes = load_shapes([ROOT / "shapes" / "profile.ttl"], "https://envanter.example/")
    first = None
    for per_batch, engine in ((7, "turbo"), (1000, "pyshacl")):
        result = build(replace(options, shacl_engine=engine), executor=Serial(per_batch))
        if first is None:  # (the reference engine on the whole graph once: it is slow)
            graph = Graph().parse(tmp_path / "dist" / "data" / "dataset.nt", format="nt")
            first = validate(graph, shapes, "pyshacl")
            assert first.findings  # the synthetic services do have warnings and notes
        assert result.report is not None
        assert result.report.findings == first.findings, (per_batch, engine)


def test_shards_keep_every_triple_when_a_shape_is_closed_or_runs_sparql() -> None:
    from envanter.check.shacl import load_shapes
    from envanter.check.shards import relevant_predicates

    shapes = load_shapes([ROOT / "shapes" / "profile.ttl"], "https://envanter.example/")
    kept = relevant_predicates(shapes)
    assert kept is not None
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in kept
    assert "http://purl.org/dc/terms/title" in kept
    assert "https://envanter.example/def/envanter#order" not in kept  # no shape looks at it
    sh = Namespace("http://www.w3.org/ns/shacl#")
    for extra in (sh.closed, sh.sparql):
        more = Graph()
        for t in shapes:
            more.add(t)
        more.add((URIRef("https://envanter.example/shape"), extra, URIRef("urn:x")))
        assert relevant_predicates(more) is None, extra
