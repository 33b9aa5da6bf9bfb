"""The query page (sorgular.html): the example queries with the build's own base, run in a real
browser against the site's SPARQL endpoint when one answers, and with Oxigraph compiled to
WebAssembly from the site itself when none does (a static host).

Expected answers are the hand-counted ones of tests/golden/queries/; row counts are checked
against pyoxigraph running the published query on the published N-Triples.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from pyoxigraph import QueryBoolean, RdfFormat, Store
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from envanter.sparql import adapt_query

from .conftest import ROOT, build_seed
from .serving import serving
from .test_browser import (
    assert_local,
    chromium,
    open_list,
    requested,
    result_titles,
    run_axe,
    search,
    serve,
    shown,
    visit,
)

GOLDEN = ROOT / "tests" / "golden" / "queries"
# Another base, under a sub-path: the published examples must follow it, and the page must find
# its endpoint under that path.
OTHER_BASE = "https://kamu.example.org/envanter/"
ENGINE = ("static/query-worker.js", "static/vendor/oxigraph/web_bg.wasm", "data/dataset.nt")


class ExampleParser(HTMLParser):
    """The text of each example's `<code id="q-NAME">` on a queries page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.examples: dict[str, str] = {}
        self.current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id") or ""
        if tag == "code" and found.startswith("q-"):
            self.current = found[2:]
            self.examples[self.current] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.examples[self.current] += data


def published_examples(page: Path) -> dict[str, str]:
    parser = ExampleParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.examples


def rows_of(dist: Path, text: str) -> int:
    """How many rows (or triples, or 1 for ASK) pyoxigraph finds for the query."""
    store = Store()
    store.bulk_load(path=str(dist / "data" / "dataset.nt"), format=RdfFormat.N_TRIPLES)
    answer = store.query(text)
    if isinstance(answer, QueryBoolean):
        return 1
    return len(list(answer))


def golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((GOLDEN / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def other_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seed(tmp_path_factory.mktemp("other-base") / "dist", OTHER_BASE)


# --- the examples carry the build's base ---


def test_adapting_a_query_twice_changes_nothing() -> None:
    """A query copied from the page (already pointed at the build's base) stays as it is, also
    when that base starts with the default one."""
    text = "PREFIX env: <https://envanter.example/def/envanter#>\nSELECT * { ?s env:x ?o }"
    for base in (OTHER_BASE, "https://envanter.example/x/", "http://127.0.0.1:8000/"):
        once = adapt_query(text, base)
        assert once == f"PREFIX env: <{base}def/envanter#>\nSELECT * {{ ?s env:x ?o }}"
        assert adapt_query(once, base) == once


def test_published_examples_follow_the_builds_base(seed_dist: Path, other_dist: Path) -> None:
    """Every example on the queries pages of a build with another base answers that build as the
    default build's examples answer it: as many rows each, and rows at all."""
    files = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert len(files) == 17
    for lang in ("", "en/"):
        default = published_examples(seed_dist / f"{lang}sorgular.html")
        other = published_examples(other_dist / f"{lang}sorgular.html")
        assert sorted(default) == sorted(other) == files
        for name in files:
            assert "https://envanter.example/" not in other[name], f"{lang}{name}"
            expected = rows_of(seed_dist, default[name])
            assert expected > 0, f"{name} finds nothing in the default build"
            assert rows_of(other_dist, other[name]) == expected, f"{lang}{name}"
    # The query that matches on the env: vocabulary, with its hand-counted answer.
    text = published_examples(other_dist / "sorgular.html")["02-services-law-6284"]
    assert f"PREFIX env: <{OTHER_BASE}def/envanter#>" in text
    assert rows_of(other_dist, text) == len(golden("02-services-law-6284")["rows"]) == 4


# --- in the browser ---


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as d:
        d.get("about:blank")  # away from the browser's own start page, whose requests
        requested(d)  # are not the site's
        yield d


@pytest.fixture(scope="module")
def static_site(seed_dist: Path) -> Iterator[str]:
    """The seed's site on a plain static file server: no /sparql (404 and the site's 404 page)."""
    with serve(seed_dist) as url:
        yield url


def open_page(driver: webdriver.Chrome, url: str, mode: str) -> None:
    visit(driver, url)
    runner = driver.find_element(By.ID, "sorgu")
    WebDriverWait(driver, 10).until(lambda _: runner.get_attribute("data-mode"))
    assert runner.get_attribute("data-mode") == mode


def status(driver: webdriver.Chrome) -> str:
    return str(driver.find_element(By.ID, "query-status").text)


def run_example(driver: webdriver.Chrome, name: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f'button[data-query="q-{name}"]').click()
    wait_for_answer(driver)


def run_text(driver: webdriver.Chrome, text: str) -> None:
    editor = driver.find_element(By.ID, "query-text")
    driver.execute_script("arguments[0].value = arguments[1]", editor, text)
    driver.find_element(By.ID, "query-run").click()
    wait_for_answer(driver)


def wait_for_answer(driver: webdriver.Chrome) -> None:
    WebDriverWait(driver, 30).until(
        lambda d: (
            d.find_element(By.ID, "query-run").is_enabled()
            and status(d) not in ("", "Sorgu çalışıyor…", "Running the query…")
        )
    )


def table(driver: webdriver.Chrome) -> list[Any]:
    """The result table's header and its rows' cells, as the page shows them."""
    found: list[Any] = driver.execute_script(
        "var t = document.querySelector('#query-results table');"
        "var text = function (c) { return c.textContent; };"
        "return [Array.prototype.map.call(t.tHead.rows[0].cells, text),"
        " Array.prototype.map.call(t.tBodies[0].rows, function (r) {"
        "   return Array.prototype.map.call(r.cells, text); })];"
    )
    return found


def downloaded(driver: webdriver.Chrome) -> str:
    """The text of the file the download button hands the browser (its Blob, caught)."""
    driver.execute_script(
        "window.caught = [];"
        "var make = URL.createObjectURL;"
        "URL.createObjectURL = function (b) { window.caught.push(b); return make.call(URL, b); };"
    )
    driver.find_element(By.ID, "query-download").click()
    found = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "if (window.caught.length !== 1) { done(null); return; }"
        "window.caught[0].text().then(function (t) { done([window.caught[0].type, t]); });"
    )
    assert found is not None, "the download button made no file"
    kind, text = found
    assert kind == "text/csv;charset=utf-8"
    return str(text)


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def check_example_01(driver: webdriver.Chrome, dist: Path) -> None:
    run_example(driver, "01-services-per-law")
    expected = golden("01-services-per-law")
    published = published_examples(dist / "sorgular.html")["01-services-per-law"]
    assert len(expected["rows"]) == rows_of(dist, published) == 15
    assert status(driver) == "15 satır"
    header, cells = table(driver)
    assert header == expected["columns"] == ["law", "kind", "number", "title", "services"]
    assert cells == expected["rows"]
    assert cells[0] == ["kanun-5216", "kanun", "5216", "Büyükşehir Belediyesi Kanunu", "53"]
    assert downloaded(driver) == csv_text([expected["columns"], *expected["rows"]])


def test_the_static_site_runs_example_01_in_the_browser(
    driver: webdriver.Chrome, static_site: str, seed_dist: Path
) -> None:
    open_page(driver, static_site + "sorgular.html", "browser")
    check_example_01(driver, seed_dist)
    # Everything came from the site itself: the engine, its WebAssembly and the dataset.
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert_local([*loaded, *requested(driver)], "the query page")
    assert static_site + "static/query-worker.js" in loaded
    # With its answer shown, the page is still accessible by axe's measure.
    assert run_axe(driver) == []


def test_results_are_shown_and_downloaded_as_inert_text(
    driver: webdriver.Chrome, static_site: str
) -> None:
    """A value is text however it looks: no element is made of it, and a formula-like cell
    reaches a spreadsheet with an apostrophe (as the published CSV tables do)."""
    open_page(driver, static_site + "en/sorgular.html", "browser")
    hostile = '<img src=x onerror="document.title=1">'
    run_text(
        driver,
        "SELECT ?text ?n WHERE { VALUES (?text ?n) {"
        f" ('{hostile}' '=HYPERLINK(\"http://x.example/\",\"a, b\")')"
        " ('-5' '+cmd') ('@SUM(A1)' '-') } } ORDER BY ?n",
    )
    assert status(driver) == "3 rows"
    header, cells = table(driver)
    assert header == ["text", "n"]
    assert cells == [
        ["-5", "+cmd"],
        ["@SUM(A1)", "-"],
        [hostile, '=HYPERLINK("http://x.example/","a, b")'],
    ]
    assert not driver.find_elements(By.CSS_SELECTOR, "#query-results img")
    assert downloaded(driver) == (
        "text,n\r\n"
        "-5,'+cmd\r\n"
        "'@SUM(A1),-\r\n"
        f'"{hostile.replace(chr(34), chr(34) * 2)}",'
        '"\'=HYPERLINK(""http://x.example/"",""a, b"")"\r\n'
    )


def test_the_query_run_is_kept_in_the_address(driver: webdriver.Chrome, static_site: str) -> None:
    open_page(driver, static_site + "sorgular.html", "browser")
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://purl.org/vocab/cpsv#PublicService> }"
    run_text(driver, text)
    assert table(driver) == [["n"], [["54"]]]
    driver.refresh()
    editor = driver.find_element(By.ID, "query-text")
    assert editor.get_attribute("value") == text


def check_ask_and_construct(driver: webdriver.Chrome) -> None:
    """An ASK answer is said in words; a CONSTRUCT answer is shown as N-Triples, and downloaded
    as such."""
    run_text(driver, "ASK { ?s a <http://purl.org/vocab/cpsv#PublicService> }")
    assert status(driver) == "Yanıt: doğru (true)"
    assert not driver.find_element(By.ID, "query-download").is_displayed()
    run_text(
        driver,
        "CONSTRUCT { ?s <urn:x:rowNumber> ?n } WHERE { VALUES (?s ?n) { (<urn:x:a> 1) (<urn:x:b> 2) } }",
    )
    assert status(driver) == "2 üçlü"
    shown = driver.find_element(By.CSS_SELECTOR, "#query-results pre").text
    triples = {line for line in shown.splitlines() if line}
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    assert triples == {
        f'<urn:x:a> <urn:x:rowNumber> "1"^^{integer} .',
        f'<urn:x:b> <urn:x:rowNumber> "2"^^{integer} .',
    }
    assert driver.find_element(By.ID, "query-download").text.endswith("(N-Triples)")


def test_ask_and_construct_in_the_browser(driver: webdriver.Chrome, static_site: str) -> None:
    open_page(driver, static_site + "sorgular.html", "browser")
    check_ask_and_construct(driver)


def test_a_bad_query_says_what_is_wrong(driver: webdriver.Chrome, static_site: str) -> None:
    open_page(driver, static_site + "sorgular.html", "browser")
    run_text(driver, "SELEC * WHERE { ?s ?p ?o }")
    assert status(driver).startswith("Sorgu çalışmadı: "), status(driver)
    assert not driver.find_element(By.ID, "query-results").is_displayed()
    assert not driver.find_element(By.ID, "query-download").is_displayed()


def test_a_served_site_runs_example_01_on_its_endpoint(
    driver: webdriver.Chrome, seed_dist: Path, tmp_path: Path
) -> None:
    with serving(seed_dist, tmp_path / "serve.log") as running:
        site = f"http://127.0.0.1:{running.port}/"
        open_page(driver, site + "sorgular.html", "server")
        check_example_01(driver, seed_dist)
        check_ask_and_construct(driver)
        loaded = driver.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
        )
    assert site + "sparql" in loaded
    assert not [url for url in loaded if url.endswith(ENGINE)], (
        "the server's page loaded the engine"
    )


def test_a_site_under_a_sub_path_finds_its_endpoint(
    driver: webdriver.Chrome, other_dist: Path, tmp_path: Path
) -> None:
    """Served under /envanter/ (the build's base), the page asks /envanter/sparql; the example
    that matches on the env: vocabulary finds its four services there."""
    with serving(other_dist, tmp_path / "serve.log") as running:
        site = f"http://127.0.0.1:{running.port}/envanter/"
        open_page(driver, site + "sorgular.html", "server")
        run_example(driver, "02-services-law-6284")
        assert status(driver) == "4 satır"
        _, cells = table(driver)
    assert cells == golden("02-services-law-6284")["rows"]


def test_the_search_works_under_a_sub_path(
    driver: webdriver.Chrome, other_dist: Path, tmp_path: Path
) -> None:
    """Served under /envanter/, the list's search loads its indexes from there and its results
    lead there (not under the list's own page): the title matches first, then every other
    match, counted by the full index in its worker."""
    with serving(other_dist, tmp_path / "serve.log") as running:
        site = f"http://127.0.0.1:{running.port}/envanter/"
        open_list(driver, site + "hizmetler.html")
        search(driver, "destek")
        first = result_titles(driver)[:1]
        titles, count = shown(driver)
        links = [
            a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#result-list a")
        ]
        loaded = requested(driver)
    assert first and "Destek" in first[0], first
    assert 20 < count == len(titles) == len(links), (count, len(titles))
    assert all(link.startswith(site + "doc/") for link in links), links[:3]
    assert [u for u in loaded if u.startswith(site + "pagefind/basliklar/")]
