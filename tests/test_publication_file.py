"""A publication file (docs/publication-file.md): the example the doc gives builds as it says,
with the whole published by the file's publisher and each inventory's metadata, translations
and pins taken from where the file names them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF

from envanter.cli import main
from envanter.errors import InputError
from envanter.metadata import read_metadata
from envanter.publication_file import read_publication

from .conftest import EPOCH, ROOT

DOC = ROOT / "docs" / "publication-file.md"
CORPUS = ROOT / "tests" / "inventories"
BASE = "https://veri.example.gov.tr/"
CPSV = Namespace("http://purl.org/vocab/cpsv#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


def documented_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## An example")
    found = re.search(r"```yaml\n(.*?)```\n", text[start:], re.DOTALL)
    assert found, "docs/publication-file.md: no yaml block under '## An example'"
    return found.group(1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph, str]:
    """The doc's example, with the files it names, built from another working folder."""
    folder = tmp_path_factory.mktemp("portal")
    (folder / "envanter.yaml").write_text(documented_example(), encoding="utf-8")
    for name in (
        "cankaya-belediyesi.xlsx",
        "kadikoy-tapu-mudurlugu.csv",
        "ege-universitesi-ogrenci-isleri.ods",
    ):
        shutil.copy(CORPUS / name, folder / name)
    (folder / "kadikoy.meta.yaml").write_text(
        "publisher: {name: Kadıköy Tapu Müdürlüğü}\nplace: {name: İstanbul, wikidata: Q406}\n"
        "reference_year: 2024\n",
        encoding="utf-8",
    )
    (folder / "kadikoy.en.yaml").write_text(
        '"Kat Mülkiyetinin Kurulması": "Establishing Condominium"\n', encoding="utf-8"
    )
    (folder / "ege-universitesi-ogrenci-isleri.meta.yaml").write_text(
        "publisher: {name: Ege Üniversitesi}\nplace: {name: İzmir, wikidata: Q35997}\n"
        "reference_year: 2024\n",
        encoding="utf-8",
    )
    # Çankaya's pinned slug, in the file's ids folder under its URI scope.
    pins = folder / "ids" / "cankaya-belediyesi"
    pins.mkdir(parents=True)
    (pins / "services.yaml").write_text("Yapı Ruhsatı Verilmesi: yapi-ruhsati\n", encoding="utf-8")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    out = elsewhere / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.chdir(elsewhere)  # the file's paths are its folder's, not the working folder's
        result = CliRunner().invoke(
            main, ["build", "--publication", str(folder / "envanter.yaml"), "--out", str(out)]
        )
    assert result.exit_code == 0, result.output
    return out, Graph().parse(out / "data" / "dataset.nt"), result.output


def test_the_whole_is_published_by_the_files_publisher(built: tuple[Path, Graph, str]) -> None:
    out, _, log = built
    catalog = Graph().parse(out / "catalog.ttl")
    whole = URIRef(f"{BASE}id/veri-seti/envanterler")
    portal = URIRef(f"{BASE}id/kurum/kamu-hizmetleri-veri-portali")
    assert catalog.value(whole, DCT.publisher) == portal
    assert Literal("Kamu Hizmetleri Veri Portalı", lang="tr") in set(
        catalog.objects(portal, FOAF.name)
    )
    assert set(catalog.objects(whole, DCT.title)) == {
        Literal("Kamu hizmet envanterleri", lang="tr"),
        Literal("Public-service inventories", lang="en"),
    }
    contact = catalog.value(whole, DCAT.contactPoint)
    assert catalog.value(contact, VCARD.hasEmail) == URIRef("mailto:veri@portal.example.gov.tr")
    assert "no publisher of the whole" not in log
    # Each inventory's dataset keeps its own publisher, from wherever its metadata is written.
    expected = {
        "cankaya-belediyesi": "cankaya-belediyesi",  # in the publication file
        "kadikoy-tapu-mudurlugu": "kadikoy-tapu-mudurlugu",  # in the file it names
        "ege-universitesi-ogrenci-isleri": "ege-universitesi",  # beside its source
    }
    assert set(catalog.objects(whole, DCT.hasPart)) == {
        URIRef(f"{BASE}id/veri-seti/{key}") for key in expected
    }
    for key, publisher in expected.items():
        dataset = URIRef(f"{BASE}id/veri-seti/{key}")
        assert catalog.value(dataset, DCT.publisher) == URIRef(f"{BASE}id/kurum/{publisher}")


def test_the_files_base_uri_pins_and_translations_are_used(
    built: tuple[Path, Graph, str],
) -> None:
    _, g, _ = built
    services = {str(s) for s in g.subjects(RDF.type, CPSV.PublicService)}
    assert len(services) == 7 + 6 + 6
    assert all(s.startswith(f"{BASE}id/hizmet/") for s in services)
    assert f"{BASE}id/hizmet/cankaya-belediyesi--yapi-ruhsati" in services
    assert Literal("Establishing Condominium", lang="en") in set(g.objects(None, DCT.title))


def test_the_file_and_source_together_are_refused(tmp_path: Path) -> None:
    (tmp_path / "envanter.yaml").write_text("inventories: [a.csv]\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["build", "--publication", str(tmp_path / "envanter.yaml"), "--source", "b.csv"],
    )
    assert result.exit_code == 2
    assert "not both" in result.output


def test_every_problem_of_the_file_is_told_at_once(tmp_path: Path) -> None:
    path = tmp_path / "envanter.yaml"
    path.write_text(
        "base_uri: not a uri\npublishr: {name: X}\n"
        "inventories:\n  - source: a.csv\n    metadata: {place: {wikidata: Q1}}\n  - {}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_publication(path)
    columns = {p.field for p in caught.value.problems}
    assert {"base_uri", "publishr", "place.name", "inventories[2].source"} <= columns


def test_todo_values_are_reported_and_a_missing_publisher_is_warned(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "kadikoy-tapu-mudurlugu.csv", tmp_path / "a.csv")
    shutil.copy(CORPUS / "cankaya-belediyesi.xlsx", tmp_path / "b.xlsx")
    path = tmp_path / "envanter.yaml"
    path.write_text(
        "issued: TODO\ninventories:\n  - source: a.csv\n    metadata: {publisher: {name: A}}\n"
        "  - source: b.xlsx\n    metadata: {publisher: {name: B}, place: TODO}\n",
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = CliRunner().invoke(main, ["build", "--publication", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"warning: {path}: issued is still TODO" in result.output
    assert f"warning: {path}: no publisher of the whole" in result.output
    assert f"{path} (inventories[2].metadata): place is still TODO" in result.output
    catalog = Graph().parse(out / "catalog.ttl")
    whole = URIRef("https://envanter.example/id/veri-seti/envanterler")
    assert catalog.value(whole, DCT.publisher) == URIRef("https://envanter.example/id/kurum/a")
    assert catalog.value(whole, DCT.issued) is None


def test_institutions_form_one_hierarchy_across_inventories(tmp_path: Path) -> None:
    # Two land registries under one regional directorate, itself under the general directorate:
    # each names the bodies above it in its own metadata, and the two name them alike.
    above = (
        "  part_of:\n    name: İstanbul Tapu ve Kadastro Bölge Müdürlüğü\n"
        "    detsis: '22222222'\n"
        "    part_of: {name: Tapu ve Kadastro Genel Müdürlüğü, key: tkgm, detsis: '11111111'}\n"
    )
    for name, publisher, code in (
        ("kadikoy", "Kadıköy Tapu Müdürlüğü", "33333333"),
        ("uskudar", "Üsküdar Tapu Müdürlüğü", "22222222"),  # the region's code: a mistake
    ):
        shutil.copy(CORPUS / "kadikoy-tapu-mudurlugu.csv", tmp_path / f"{name}.csv")
        (tmp_path / f"{name}.meta.yaml").write_text(
            f"publisher:\n  name: {publisher}\n  detsis: '{code}'\n{above}", encoding="utf-8"
        )
    (tmp_path / "envanter.yaml").write_text(
        "publisher: {name: Tapu Portalı}\ninventories: [kadikoy.csv, uskudar.csv]\n",
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = CliRunner().invoke(
            main, ["build", "--publication", str(tmp_path / "envanter.yaml"), "--out", str(out)]
        )
    assert result.exit_code == 0, result.output
    g = Graph().parse(out / "data" / "dataset.nt")
    org = Namespace("http://www.w3.org/ns/org#")
    kurum = Namespace("https://envanter.example/id/kurum/")
    region = kurum["istanbul-tapu-ve-kadastro-bolge-mudurlugu"]
    assert set(g.subjects(org.subOrganizationOf, region)) == {
        kurum["kadikoy-tapu-mudurlugu"],
        kurum["uskudar-tapu-mudurlugu"],
    }
    assert set(g.objects(region, org.subOrganizationOf)) == {kurum.tkgm}
    assert len(set(g.subjects(org.subOrganizationOf, kurum.tkgm))) == 1  # minted once
    # One DETSİS code on two bodies is told, naming both.
    assert (
        "warning: DETSİS code 22222222 is given to 2 organisations: "
        f"id/kurum/istanbul-tapu-ve-kadastro-bolge-mudurlugu ({tmp_path / 'kadikoy.csv'}), "
        f"id/kurum/uskudar-tapu-mudurlugu ({tmp_path / 'uskudar.csv'})"
    ) in result.output
    assert "DETSİS code 11111111" not in result.output  # one body named twice is not a clash
    # Each institution's page leads to the inventory it publishes and to the body above it.
    page = (out / "doc" / "id" / "kurum" / "kadikoy-tapu-mudurlugu.html").read_text("utf-8")
    assert 'href="../../../doc/id/veri-seti/kadikoy.html"' in page
    assert 'href="../../../doc/id/kurum/istanbul-tapu-ve-kadastro-bolge-mudurlugu.html"' in page
    region_page = out / "doc" / "id" / "kurum" / "istanbul-tapu-ve-kadastro-bolge-mudurlugu.html"
    assert 'href="../../../doc/id/kurum/uskudar-tapu-mudurlugu.html"' in region_page.read_text(
        "utf-8"
    )


def test_only_a_publisher_names_the_body_above_it(tmp_path: Path) -> None:
    path = tmp_path / "a.meta.yaml"
    path.write_text(
        "department: {name: B, part_of: {name: C}}\npublisher: {name: A, part_of: {name: D}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_metadata(path)
    assert [p.field for p in caught.value.problems] == ["department"]
