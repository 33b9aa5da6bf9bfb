"""`envanter init`: a draft metadata file from what the table says, each value with where it
came from, every unknown a TODO the build reports and never publishes; end to end from an empty
folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from envanter.cli import main

CORPUS = Path(__file__).parent / "inventories"


def test_init_drafts_then_a_build_warns_then_a_filled_value_is_published(tmp_path: Path) -> None:
    folder = tmp_path / "yeni"
    folder.mkdir()
    source = folder / "ege.ods"
    shutil.copy(CORPUS / "ege-universitesi-ogrenci-isleri.ods", source)
    runner = CliRunner()

    result = runner.invoke(main, ["init", str(source)])
    assert result.exit_code == 0, result.output
    meta = folder / "ege.meta.yaml"
    text = meta.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    # What the title rows and the Kurum Kodu column say, each with where it came from.
    assert data["publisher"]["name"] == "Ege Üniversitesi Rektörlüğü"
    assert data["department"]["name"] == "Öğrenci İşleri Daire Başkanlığı"
    assert data["department"]["detsis"] == "23174567"
    assert '  detsis: "23174567"  # from the Kurum Kodu column, the same in every row' in text
    assert '  name: "Ege Üniversitesi Rektörlüğü"  # from a title row' in text
    # What the table does not say is a TODO, never a guess.
    assert data["place"] == "TODO"
    assert data["reference_year"] == "TODO"
    assert data["publisher"]["detsis"] == "TODO"

    # A second init keeps the reviewed file.
    again = runner.invoke(main, ["init", str(source)])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert meta.read_text(encoding="utf-8") == text

    # The draft builds, review-free, with the TODOs as warnings.
    out = folder / "dist"
    built = runner.invoke(main, ["build", "--source", str(source), "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert f"warning: {meta}: place is still TODO: it is left out until filled in" in built.output
    catalog = Graph().parse(out / "catalog.ttl")
    assert list(catalog.objects(None, DCTERMS.spatial)) == []
    publisher = URIRef("https://envanter.example/id/kurum/ege-universitesi-rektorlugu")
    assert Literal("Ege Üniversitesi Rektörlüğü", lang="tr") in set(
        catalog.objects(publisher, FOAF.name)
    )
    assert "TODO" not in (out / "data" / "dataset.nt").read_text(encoding="utf-8")

    # Filled in, the place is published.
    meta.write_text(
        text.replace("place: TODO", "place: {name: İzmir, wikidata: Q35997}  #"), encoding="utf-8"
    )
    built = runner.invoke(main, ["build", "--source", str(source), "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert "place is still TODO" not in built.output
    catalog = Graph().parse(out / "catalog.ttl")
    assert set(catalog.objects(None, DCTERMS.spatial)) == {
        URIRef("http://www.wikidata.org/entity/Q35997")
    }

    # --force replaces it with a new draft.
    forced = runner.invoke(main, ["init", str(source), "--force"])
    assert forced.exit_code == 0, forced.output
    assert meta.read_text(encoding="utf-8") == text


def drafted(name: str) -> dict[str, object]:
    from envanter.draft import draft_metadata
    from envanter.read.formats import read_inventory

    path = CORPUS / name
    draft = draft_metadata(read_inventory(path, name), path)
    data: dict[str, object] = yaml.safe_load("\n".join(draft.lines))
    return data


def test_the_draft_reads_each_kind_of_title_and_footer() -> None:
    # One row naming the body and its department: cut where the department's name begins.
    aski = drafted("aski-abone-isleri.xls")
    assert aski["publisher"] == {
        "name": "Aski Genel Müdürlüğü",
        "name_en": "TODO",
        "detsis": "TODO",
    }
    assert aski["department"] == {
        "name": "Abone İşleri Dairesi Başkanlığı",
        "name_en": "TODO",
        "detsis": "26934071",
    }
    # A hospital under its ministry: the hospital, the more specific, publishes.
    bursa = drafted("bursa-yuksek-ihtisas-hastanesi.docx")
    assert bursa["publisher"] == {
        "name": "Bursa Yüksek İhtisas Eğitim Ve Araştırma Hastanesi",
        "name_en": "TODO",
        "detsis": "11982345",
    }
    assert "department" not in bursa
    # A row listing several units names no department; the footer's date is the issue date.
    cankaya = drafted("cankaya-belediyesi.xlsx")
    assert cankaya["publisher"] == {
        "name": "Çankaya Belediye Başkanlığı",
        "name_en": "TODO",
        "detsis": "24380478",
    }
    assert "department" not in cankaya
    assert cankaya["issued"] == "2025-01-15"
    # No title rows: nothing drafted but the defaults.
    sgk = drafted("sgk-konya-il-mudurlugu.xlsx")
    assert sgk["publisher"] == "TODO" and sgk["title"] == "TODO" and sgk["issued"] == "TODO"
