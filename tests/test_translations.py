"""Translations live with the inventory (SOURCE.en.yaml), keyed by the Turkish text: `envanter
translations` lists what is missing for the steward to fill in, a filled label is published, and
an "English" that is the Turkish again is flagged, by its Turkish text."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from envanter.cli import main
from envanter.translations import read_translations

CORPUS = Path(__file__).parent / "inventories"


def test_translations_from_an_empty_folder_to_a_published_english_title(tmp_path: Path) -> None:
    source = tmp_path / "tapu.csv"
    shutil.copy(CORPUS / "kadikoy-tapu-mudurlugu.csv", source)
    runner = CliRunner()

    listed = runner.invoke(main, ["translations", str(source)])
    assert listed.exit_code == 0, listed.output
    path = tmp_path / "tapu.en.yaml"
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    # Every text the publication shows, keyed by its Turkish, with an empty English.
    assert data["Kat Mülkiyetinin Kurulması"] == ""
    assert '"Kat Mülkiyetinin Kurulması": ""  # service name; service 3' in text
    assert set(data.values()) == {""}
    assert f"{len(data)} texts to translate, listed in {path}" in listed.output
    # Nothing filled in yet, nothing read as English.
    assert read_translations(path).english == {}

    # Filled in: one translated, one copied from the Turkish.
    text = text.replace(
        '"Kat Mülkiyetinin Kurulması": ""',
        '"Kat Mülkiyetinin Kurulması": "Establishing Condominium"',
    ).replace('"Kadıköy Tapu Müdürlüğü": ""', '"Kadıköy Tapu Müdürlüğü": "Kadıköy Tapu Müdürlüğü"')
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "dist"
    built = runner.invoke(main, ["build", "--source", str(source), "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert (
        "warning: tapu.en.yaml: the English of 'Kadıköy Tapu Müdürlüğü' is the Turkish text "
        "itself: translate it, or delete the line if it has none (the English pages then show "
        "the Turkish)"
    ) in built.output
    assert "texts shown by the publication have no English label" in built.output
    graph = Graph().parse(out / "data" / "dataset.ttl")
    titles = set(graph.objects(None, DCTERMS.title))
    assert Literal("Establishing Condominium", lang="en") in titles

    # Listed again: what the file holds is kept, nothing is listed twice.
    again = runner.invoke(main, ["translations", str(source)])
    assert again.exit_code == 0, again.output
    assert path.read_text(encoding="utf-8") == text


def test_a_grouped_file_reads_as_a_flat_one(tmp_path: Path) -> None:
    grouped = tmp_path / "a.en.yaml"
    grouped.write_text(
        'service_names:\n  "Evlilik Desteği": "Marriage Support"\n'
        'documents:\n  "Nüfus Cüzdanı": "Identity card"\n  "Dilekçe": ""\n',
        encoding="utf-8",
    )
    flat = tmp_path / "b.en.yaml"
    flat.write_text(
        '"Evlilik Desteği": "Marriage Support"\n"Nüfus Cüzdanı": "Identity card"\n"Dilekçe": ""\n',
        encoding="utf-8",
    )
    expected = {"Evlilik Desteği": "Marriage Support", "Nüfus Cüzdanı": "Identity card"}
    assert read_translations(grouped).english == expected
    assert read_translations(flat).english == expected
