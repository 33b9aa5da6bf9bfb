"""A hostile inventory: markup, template syntax and entities in the source text stay text.

The seed is written to CSV (as a publisher would send it) after one service's name, description
and a document are replaced with strings that would inject elements, break out of the JSON-LD
<script>, or be evaluated by Jinja if anything rendered source text as a template. A copy of
data/reference gives the hostile names English labels, so that the build validates and publishes.
Every HTML page is then parsed, and the hostile service is opened in the real browser.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from selenium import webdriver
from selenium.webdriver.common.by import By

from envanter.read.inventory import Cell, RawRecord
from envanter.read.source import write_csv

from .conftest import SEED
from .test_browser import (
    chromium,
    open_dialog,
    open_list,
    require_browser,
    search,
    serve,
    shown,
    visit,
)
from .test_site import BASE, Page, build_site, parse_site, squash

# One string with every attack: element and attribute injection, </script> break-out, Jinja
# expressions and statements, an entity that must not be decoded, and a marker a script would set.
PAYLOADS = (
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "\"'><img src=x onerror=alert(3)>",
    "<script>window.__pwned = true</script>",
    "{{ 7*7 }}",
    "{% raw %}{% if %}{% endraw %}",
    "&amp;",
)
HOSTILE = " ".join(PAYLOADS)
NUMBER = 14  # Halk Süt Desteği
NAME = f"Halk Süt Desteği {HOSTILE}"
NAME_EN = f"Milk Support {HOSTILE}"
DESCRIPTION = f"Hanelere süt desteği sunulmaktadır. {HOSTILE}"
KVKK = "Kişisel Verilerin Korunması Kanununa İlişkin Aydınlatma Metni"
DOCUMENT = f"Belge {HOSTILE}"
DOCUMENT_EN = f"Document {HOSTILE}"
OWN_SCRIPT = re.compile(r"(^|/)static/(search|copy|query)\.js$")


def hostile_records(records: list[RawRecord]) -> list[RawRecord]:
    out = list(records)
    i = next(k for k, r in enumerate(out) if r.number == NUMBER)
    r = out[i]
    cells = dict(r.cells)
    cells["name"] = Cell(NAME, r.cells["name"].lines)
    cells["description"] = Cell(DESCRIPTION, r.cells["description"].lines)
    parts = (f"1. {KVKK}", f"2. {DOCUMENT}")
    cells["documents"] = Cell("\n".join(parts), r.cells["documents"].lines, parts)
    out[i] = replace(r, cells=cells)
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory, raw_records: list[RawRecord]) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "hostile.csv"
    write_csv(hostile_records(raw_records), source)
    shutil.copy(SEED.with_name(SEED.stem + ".meta.yaml"), folder / "hostile.meta.yaml")
    en = yaml.safe_load(SEED.with_name(SEED.stem + ".en.yaml").read_text(encoding="utf-8"))
    en["service_names"][NAME] = NAME_EN
    en["documents"][DOCUMENT] = DOCUMENT_EN
    en_file = folder / "hostile.en.yaml"  # the seed's translations, and the hostile names'
    en_file.write_text(yaml.safe_dump(en, allow_unicode=True), encoding="utf-8")
    return build_site(folder / "dist", source=source)


@pytest.fixture(scope="module")
def pages(dist: Path) -> dict[str, Page]:
    return parse_site(dist)


def page_of(pages: dict[str, Page], prefix: str, lang: str = "tr") -> str:
    """The one page whose path starts with `prefix` (the hostile name's slug starts so)."""
    prefix = ("en/" if lang == "en" else "") + prefix
    found = [p for p in pages if p.startswith(prefix)]
    assert len(found) == 1, f"expected one page {prefix}…, found {found}"
    return found[0]


def service_path(pages: dict[str, Page], lang: str = "tr") -> str:
    return page_of(pages, "doc/id/hizmet/halk-sut-destegi-script-", lang)


def document_paths(pages: dict[str, Page]) -> list[str]:
    return [page_of(pages, "doc/id/belge/belge-script-", lang) for lang in ("tr", "en")]


def strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def test_the_hostile_service_was_built(pages: dict[str, Page]) -> None:
    tr, en = service_path(pages), service_path(pages, "en")
    assert pages[tr].h1 == NAME, f"the Turkish page's title is {pages[tr].h1!r}"
    assert pages[en].h1 == NAME_EN, f"the English page's title is {pages[en].h1!r}"


def test_no_element_or_attribute_was_injected(pages: dict[str, Page]) -> None:
    assert len(pages) > 700  # every page of the build, in both languages
    for path, page in pages.items():
        for tag, attrs in page.tags:
            where = f"{path}: <{tag} {attrs}>"
            assert tag not in ("img", "svg", "iframe", "object", "embed"), f"{where} injected"
            if tag == "script":
                own = OWN_SCRIPT.search(attrs.get("src", "")) is not None
                data = attrs.get("type") == "application/ld+json" and "src" not in attrs
                assert own or data, f"{where}: a script that is not the site's own"
            handlers = {k: v for k, v in attrs.items() if k.startswith("on")}
            if tag == "form" and handlers == {"onsubmit": "return false"}:
                continue  # the search form's own
            assert not handlers, f"{where}: event handler attributes"
        for script in page.scripts:
            if script.get("src"):
                assert not script["text"].strip(), f"{path}: text inside <script src>"


def test_hostile_text_is_shown_literally(pages: dict[str, Page]) -> None:
    shows: dict[str, tuple[str, ...]] = {
        service_path(pages): (NAME, DESCRIPTION, DOCUMENT),
        service_path(pages, "en"): (NAME_EN, DESCRIPTION, DOCUMENT_EN),
    }
    tr, en = document_paths(pages)
    shows[tr], shows[en] = (DOCUMENT,), (DOCUMENT_EN,)
    for path, texts in shows.items():
        page = pages[path]
        for text in texts:
            assert text in page.text, f"{path}: {text!r} is not shown as text"
        # Where '{{ 7*7 }}' is, Jinja would have put 49.
        assert page.h1 == texts[0] and "49" not in page.h1, f"{path}: h1 {page.h1!r}"
        assert page.title.startswith(texts[0] + " — "), f"{path}: <title> {page.title!r}"
        assert "{{ 7*7 }}" in page.text and "{% raw %}{% if %}{% endraw %}" in page.text
        assert "&amp;" in page.text, f"{path}: '&amp;' was decoded into '&'"
    # The hostile name is in the list, as text, in both languages.
    for path, name in (("hizmetler.html", NAME), ("en/hizmetler.html", NAME_EN)):
        listed = [text for _, text in pages[path].items if text.startswith(name)]
        assert len(listed) == 1, f"{path}: {name!r} is not listed once as text"


def test_jsonld_blocks_hold_the_exact_hostile_strings(pages: dict[str, Page]) -> None:
    for path, page in pages.items():
        for script in page.scripts:
            if script.get("type") == "application/ld+json":
                assert "</script" not in script["text"].lower(), f"{path}: </script> in JSON-LD"
    expected = {
        service_path(pages): {NAME, NAME_EN, DESCRIPTION},
        service_path(pages, "en"): {NAME, NAME_EN, DESCRIPTION},
    }
    for path in document_paths(pages):
        expected[path] = {DOCUMENT, DOCUMENT_EN}
    for path, wanted in expected.items():
        found = {s for document in pages[path].jsonld() for s in strings(document)}
        assert wanted <= found, f"{path}: JSON-LD lacks {wanted - found}"
        for schema in pages[path].jsonld():
            if schema.get("@context") == "https://schema.org":
                name = NAME_EN if path.startswith("en/") else NAME
                assert (schema["name"], schema["description"]) == (name, DESCRIPTION), path


def test_rdf_documents_hold_the_exact_hostile_strings(dist: Path, pages: dict[str, Page]) -> None:
    path = service_path(pages)
    iri = URIRef(BASE + path.removeprefix("doc/").removesuffix(".html"))
    turtle = Graph().parse(dist / path.replace(".html", ".ttl"), format="turtle")
    titles = set(turtle.objects(iri, URIRef("http://purl.org/dc/terms/title")))
    assert Literal(NAME, lang="tr") in titles and Literal(NAME_EN, lang="en") in titles, titles


# --- in the browser ---


@pytest.fixture(scope="module")
def site(dist: Path) -> Iterator[str]:
    require_browser()
    # A positive control: a page that does alert and set the marker, to prove the checks see it.
    (dist / "control.html").write_text(
        "<!DOCTYPE html><title>control</title>"
        "<script>window.__pwned = true; alert('control')</script>",
        encoding="utf-8",
    )
    with serve(dist) as url:
        yield url


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as d:
        yield d


def test_the_checks_see_an_alert(driver: webdriver.Chrome, site: str) -> None:
    driver.get(site + "control.html")
    assert open_dialog(driver) == "control", "the control page's alert was not seen"
    driver.switch_to.alert.accept()
    assert driver.execute_script("return window.__pwned") is True


@pytest.mark.parametrize("lang", ["tr", "en"])
def test_hostile_service_page_runs_nothing(
    driver: webdriver.Chrome, site: str, pages: dict[str, Page], lang: str
) -> None:
    path = service_path(pages, lang)
    visit(driver, site + path)  # fails on an open alert, or a request to another host
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    name = NAME_EN if lang == "en" else NAME
    assert driver.find_element(By.TAG_NAME, "h1").text == name
    assert driver.execute_script("return document.images.length") == 0
    sources = driver.execute_script(
        "return Array.prototype.map.call(document.scripts, function (s) {"
        " return s.type + ' ' + s.src; })"
    )
    assert all(
        s.startswith("application/ld+json ") or OWN_SCRIPT.search(s.split(" ", 1)[1])
        for s in sources
    ), sources


def test_hostile_service_in_the_list_runs_nothing(driver: webdriver.Chrome, site: str) -> None:
    open_list(driver, site + "hizmetler.html")
    assert squash(driver.find_element(By.ID, "services").text).count("{{ 7*7 }}") == 1
    search(driver, "alert")
    assert open_dialog(driver) is None
    titles, count = shown(driver)
    assert titles == [NAME] and count == 1, f"searching 'alert' shows {titles}"
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert squash(driver.find_element(By.ID, "result-list").text).count("{{ 7*7 }}") == 1
