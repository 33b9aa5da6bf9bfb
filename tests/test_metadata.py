"""An inventory's metadata file (docs/metadata.md): the documented example is read as it says,
a wrong file is refused with every problem at once, TODO is never a value, and a build of
another institution's inventory says nothing of İBB, İstanbul or its department."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from envanter.cli import main
from envanter.errors import InputError
from envanter.metadata import (
    Contact,
    InventoryMetadata,
    Organisation,
    Place,
    Unit,
    load_metadata,
    read_metadata,
)
from envanter.turkish import genitive, search_fold

ROOT = Path(__file__).parent.parent
CORPUS = Path(__file__).parent / "inventories"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
WD = "http://www.wikidata.org/entity/"


def docs_example() -> str:
    text = (ROOT / "docs" / "metadata.md").read_text(encoding="utf-8")
    section = text.split("## A full example", 1)[1]
    found = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert found, "docs/metadata.md has its full example"
    return found.group(1)


def test_the_documented_example_is_read_as_the_docs_say(tmp_path: Path) -> None:
    path = tmp_path / "x.meta.yaml"
    path.write_text(docs_example(), encoding="utf-8")
    m = read_metadata(path)
    assert m == InventoryMetadata(
        title="Kamu Hizmet Envanteri Tablosu",
        publisher=Organisation(
            "Çankaya Belediyesi",
            "Çankaya Municipality",
            None,
            "12345678",
            None,
            ("Çankaya Belediye Başkanlığı",),
        ),
        department=Organisation(
            "İmar ve Şehircilik Müdürlüğü", "Directorate of Zoning and Urban Planning"
        ),
        place=Place("Ankara", "Ankara", "http://www.wikidata.org/entity/Q3640"),
        reference_year=2024,
        licence="https://creativecommons.org/licenses/by/4.0/",
        contact=Contact(
            "envanter@cankaya.example", "0312 000 00 00", "https://www.cankaya.example/"
        ),
        issued="2025-01-15",
        language="tr",
        themes=("GOVE", "REGI"),
        units=(
            Unit(
                "İmar ve Şehircilik Müdürlüğü",
                None,
                "Directorate of Zoning and Urban Planning",
                "87654321",
            ),
        ),
        form_code="ÇNK-FR-01",
        received_as="XLSX published on the municipality's site",
    )
    assert m.path == path
    assert m.missing() == []


def test_every_key_of_the_docs_table_is_read() -> None:
    text = (ROOT / "docs" / "metadata.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)[.`]", text, re.M))
    from envanter.metadata import KEYS

    assert documented == set(KEYS)


def test_a_wrong_file_is_refused_with_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "x.meta.yaml"
    path.write_text(
        "publisher: {name_en: Somewhere}\n"
        "place: {name: Ankara, wikidata: Ankara}\n"
        "reference_year: geçen yıl\n"
        "issued: 15.01.2025\n"
        "themes: [GOVE, SOSYAL]\n"
        "contact: {email: yok}\n"
        "licence: CC-BY\n"
        "colour: blue\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        read_metadata(path)
    lines = [str(p) for p in e.value.problems]
    where = str(path)
    assert lines == [
        f"{where}: colour: unknown key(s); expected some of title, publisher, department, "
        "place, reference_year, licence, contact, issued, language, themes, units, form_code, "
        "received_as, uri_scope (docs/metadata.md)",
        f"{where}: contact.email: expected an e-mail address, not 'yok'",
        f"{where}: issued: expected a date like 2025-03-01, not '15.01.2025'",
        f"{where}: licence: expected an http(s) IRI like 'https://example.org/x', not 'CC-BY'",
        f"{where}: place.wikidata: expected a Wikidata item like Q3640, not 'Ankara'",
        f"{where}: publisher.name: expected the organisation's name",
        f"{where}: reference_year: expected a year like 2025, not 'geçen yıl'",
        f"{where}: themes: unknown theme(s) SOSYAL; expected some of AGRI, ECON, EDUC, ENER, "
        "ENVI, GOVE, HEAL, INTR, JUST, REGI, SOCI, TECH, TRAN",
    ]
    # From the command line: exit 2, nothing written.
    source = tmp_path / "x.csv"
    shutil.copy(CORPUS / "kadikoy-tapu-mudurlugu.csv", source)
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "8 problems in the input:" in result.output
    assert not out.exists()


def test_todo_is_reported_as_missing_and_never_taken_as_a_value(tmp_path: Path) -> None:
    path = tmp_path / "x.meta.yaml"
    path.write_text(
        "publisher:\n  name: Ege Üniversitesi\n  detsis: TODO\n"
        "place: TODO the province\nreference_year: TODO\n",
        encoding="utf-8",
    )
    m = read_metadata(path)
    assert m.publisher == Organisation("Ege Üniversitesi")
    assert m.place is None and m.reference_year is None
    assert set(m.todo) == {"publisher.detsis", "place", "reference_year"}
    assert f"{path}: publisher.detsis is still TODO: it is left out until filled in" in m.missing()


def test_the_first_flat_form_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "x.meta.yaml"
    path.write_text(
        "publisher: Ege Üniversitesi Rektörlüğü\npublisher_en: Ege University\n"
        "publisher_key: ege\nunit: Öğrenci İşleri Daire Başkanlığı\nreference_year: 2024\n",
        encoding="utf-8",
    )
    m = read_metadata(path)
    assert m.publisher == Organisation("Ege Üniversitesi Rektörlüğü", "Ege University", "ege")
    assert m.department == Organisation("Öğrenci İşleri Daire Başkanlığı")
    assert m.reference_year == 2024


def test_no_file_is_empty_metadata_with_every_gap_named(tmp_path: Path) -> None:
    m = load_metadata(tmp_path / "x.csv")
    assert m.publisher is None and m.place is None
    where = f"{tmp_path / 'x.meta.yaml'} (no such file: `envanter init SOURCE` drafts it)"
    assert m.missing() == [
        f"{where}: no publisher: the catalog and the data name none "
        "(set publisher, see docs/metadata.md)",
        f"{where}: no place: the catalog and the services say nothing of where they apply "
        "(set place, see docs/metadata.md)",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sosyal Hizmetler Dairesi Başkanlığı", "Sosyal Hizmetler Dairesi Başkanlığı'nın"),
        ("Çankaya Belediyesi", "Çankaya Belediyesi'nin"),
        ("Ankara İl Milli Eğitim Müdürlüğü", "Ankara İl Milli Eğitim Müdürlüğü'nün"),
        ("Kadıköy Tapu Müdürlüğü", "Kadıköy Tapu Müdürlüğü'nün"),
        ("Eskişehir Valiliği", "Eskişehir Valiliği'nin"),
        ("ASKİ Genel Müdürlüğü", "ASKİ Genel Müdürlüğü'nün"),
        ("Türkiye İş Kurumu", "Türkiye İş Kurumu'nun"),
        ("Ege Üniversitesi Rektörlük", "Ege Üniversitesi Rektörlük'ün"),
        ("SGK", "SGK"),
    ],
)
def test_the_genitive_follows_vowel_harmony(name: str, expected: str) -> None:
    assert genitive(name) == expected


FORBIDDEN = re.compile(r"\bibb\b|istanbul|\bq406\b|sosyal hizmetler")


def test_another_institution_is_published_with_nothing_of_ibb(tmp_path: Path) -> None:
    source = tmp_path / "cankaya-belediyesi.xlsx"
    shutil.copy(CORPUS / "cankaya-belediyesi.xlsx", source)
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    where = tmp_path / "cankaya-belediyesi.meta.yaml"
    assert f"warning: {where} (no such file: `envanter init SOURCE` drafts it): no publisher: " in (
        result.output
    )
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 100
    found = {
        str(p.relative_to(out)): m.group(0)
        for p in files
        if (m := FORBIDDEN.search(search_fold(p.read_bytes().decode("utf-8", "ignore"))))
    }
    assert found == {}
    # Nothing invented: no publisher, no place, and no empty IRI in their stead.
    catalog = Graph().parse(out / "catalog.ttl")
    assert list(catalog.objects(None, DCTERMS.publisher)) == []
    assert list(catalog.objects(None, DCTERMS.spatial)) == []
    graph = Graph().parse(out / "data" / "dataset.ttl")
    assert list(graph.objects(None, DCTERMS.publisher)) == []
    assert list(graph.objects(None, DCTERMS.spatial)) == []
    page = next((out / "doc" / "id" / "hizmet").glob("*.html")).read_text(encoding="utf-8")
    assert '"@type": "GovernmentService"' in page and "areaServed" not in page


def test_the_metadata_is_what_the_publication_says_of_its_institution(tmp_path: Path) -> None:
    source = tmp_path / "cankaya-belediyesi.xlsx"
    shutil.copy(CORPUS / "cankaya-belediyesi.xlsx", source)
    tmp_path.joinpath("cankaya-belediyesi.meta.yaml").write_text(docs_example(), encoding="utf-8")
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "meta.yaml" not in result.output  # nothing missing
    base = "https://envanter.example/"
    publisher = URIRef(base + "id/kurum/cankaya-belediyesi")
    dataset = URIRef(base + "id/veri-seti/cankaya-belediyesi")
    catalog = Graph().parse(out / "catalog.ttl")
    assert set(catalog.objects(None, DCTERMS.publisher)) == {publisher}
    assert set(catalog.objects(publisher, FOAF.name)) == {
        Literal("Çankaya Belediyesi", lang="tr"),
        Literal("Çankaya Municipality", lang="en"),
    }
    assert set(catalog.objects(dataset, DCTERMS.spatial)) == {URIRef(WD + "Q3640")}
    themes = "http://publications.europa.eu/resource/authority/data-theme/"
    assert set(catalog.objects(dataset, DCAT.theme)) == {
        URIRef(themes + "GOVE"),
        URIRef(themes + "REGI"),
    }
    assert set(catalog.objects(dataset, DCTERMS.issued)) == {
        Literal("2025-01-15", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    }
    contact = catalog.value(dataset, DCAT.contactPoint)
    assert catalog.value(contact, VCARD.hasEmail) == URIRef("mailto:envanter@cankaya.example")
    assert catalog.value(contact, VCARD.hasTelephone) == URIRef("tel:03120000000")
    graph = Graph().parse(out / "data" / "dataset.ttl")
    assert (publisher, RDF.type, URIRef("http://data.europa.eu/m8g/PublicOrganisation")) in graph
    # A department without a key is the institution's own: scoped by it (docs/uri-policy.md).
    department = URIRef(base + "id/kurum/cankaya-belediyesi--imar-ve-sehircilik-mudurlugu")
    org = Namespace("http://www.w3.org/ns/org#")
    assert graph.value(department, org.subOrganizationOf) == publisher
    assert graph.value(department, DCTERMS.spatial) == URIRef(WD + "Q3640")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Çankaya Belediyesi İmar ve Şehircilik Müdürlüğü&#39;nün kamu hizmet envanteri" in home
    assert "Kaynak: Çankaya Belediyesi, Kamu Hizmet Envanteri Tablosu." in home
    english = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert (
        "The public service inventory of Çankaya Municipality&#39;s Directorate of Zoning and "
        "Urban Planning:" in english
    )
    page = next((out / "doc" / "id" / "hizmet").glob("*.html")).read_text(encoding="utf-8")
    assert (
        '"areaServed": {"@type": "AdministrativeArea", "name": "Ankara", '
        '"sameAs": "http://www.wikidata.org/entity/Q3640"}' in page
    )
