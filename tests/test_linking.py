"""Linking: one thing, one key — whatever the case it is printed in."""

from __future__ import annotations

from pathlib import Path

from envanter.metadata import load_metadata
from envanter.read.linking import Pins, organisation_named
from envanter.read.reference import load_reference, same_name, with_metadata

from .conftest import ROOT


def test_names_differing_only_in_case_are_one_thing() -> None:
    pins = Pins({"documents": {"Öğrenci Belgesi": "ogrenci-belgesi"}})
    assert pins.slug("documents", "Öğrenci belgesi") == "ogrenci-belgesi"
    assert pins.slug("documents", "ÖĞRENCİ BELGESİ") == "ogrenci-belgesi"
    assert pins.minted == {}
    assert same_name("IŞIK") == same_name("ışık") != same_name("isik")


def test_new_names_get_unique_slugs_and_are_reported(tmp_path: Path) -> None:
    pins = Pins({"roles": {"Birim Sorumlusu": "birim-sorumlusu"}})
    assert pins.slug("roles", "Birim Sorumlusu!") == "birim-sorumlusu-2"
    assert pins.minted == {"roles": {"Birim Sorumlusu!": "birim-sorumlusu-2"}}


def test_paraf_roles_that_name_another_body() -> None:
    seed = load_metadata(ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt")
    reference = with_metadata(load_reference(ROOT / "data" / "reference"), seed)
    assert organisation_named("Sosyal Hizmetler Dairesi Başkanı", reference) == (
        "sosyal-hizmetler-dairesi-baskanligi"
    )
    assert organisation_named("Sosyal Hizmetler Daire Başkanlığı", reference) == (
        "sosyal-hizmetler-dairesi-baskanligi"
    )
    assert organisation_named("Aile ve Sosyal Hizmetler Bakanlığı", reference) == (
        "aile-ve-sosyal-hizmetler-bakanligi"
    )
    assert organisation_named("Vaka Sorumlusu", reference) is None


def test_turkish_sort_order() -> None:
    from envanter.turkish import turkish_sort_key

    words = ["Zabıta", "Şehit", "İnsan", "Işık", "Çocuk", "Üniversite", "Cami", "Öğrenci"]
    words += ["Sağlık", "Dilekçe", "ağaç", "Ağaç", "5393 sayılı"]
    expected = [
        "5393 sayılı",
        "Ağaç",
        "ağaç",
        "Cami",
        "Çocuk",
        "Dilekçe",
        "Işık",
        "İnsan",
        "Öğrenci",
        "Sağlık",
        "Şehit",
        "Üniversite",
        "Zabıta",
    ]
    assert sorted(words, key=turkish_sort_key) == expected
