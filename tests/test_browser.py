"""The site in a real browser: Debian's Chromium, headless, driven by Selenium.

The seed is built into a temporary folder and served on 127.0.0.1 by the standard library's
HTTP server (missing paths get the site's 404.html, as a static host serves it). The tests use
the search and facets of the service list, the language switch and the keyboard, run axe-core on
every kind of page in both languages, save a screenshot of each, and check that no page makes a
request to any host but 127.0.0.1.
"""

from __future__ import annotations

import functools
import json
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from envanter.run.pipeline import BuildResult

from .conftest import ROOT
from .test_site import build_site, english_names, golden, law_title, pinned_slugs

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# axe-core, vendored (MPL-2.0, its licence beside it): the tests download nothing.
AXE_VERSION = "4.14.1"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)
# One page of each kind the site has.
PAGES = {
    "home": "index.html",
    "list": "hizmetler.html",
    "service": "doc/id/hizmet/halk-sut-destegi.html",
    "law": "doc/id/mevzuat/kanun-5393.html",
    "organisation": "doc/id/kurum/engelli-hizmetleri-sube-mudurlugu.html",
    "document": "doc/id/belge/kisisel-verilerin-korunmasi-kanununa-iliskin-aydinlatma-metni.html",
    "channel": "doc/id/kanal/sms-1530.html",
    "concept": "doc/def/yararlanici/cocuklar.html",
    "scheme": "doc/def/yararlanici.html",
    "resource": "doc/id/duzeltme/belediye-kanunu-5393.html",
    "standards": "hizmet-standartlari.html",
    "queries": "sorgular.html",
    "about": "hakkinda.html",
    "404": "404.html",
}
# Bilingual pages the build writes once.
SINGLE = {"vocabulary": "def/index.html", "validation": "validation/index.html"}


def require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found: run `bash scripts/setup.sh --dev` to install "
            "Debian's chromium and chromium-driver",
            pytrace=False,
        )


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from the built site; a missing file gets 404.html, as static hosts do."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    require_browser()
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # Leave any alert() open, so that a test can see it rather than have it dismissed.
    options.unhandled_prompt_behavior = "ignore"
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def requested(driver: webdriver.Chrome) -> list[str]:
    """Every URL the browser asked for since the last call (from the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):  # type: ignore[no-untyped-call]
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def open_dialog(driver: webdriver.Chrome) -> str | None:
    """The text of an open alert/confirm/prompt, if a page opened one."""
    try:
        return driver.switch_to.alert.text
    except NoAlertPresentException:
        return None


def assert_local(urls: list[str], where: str) -> None:
    foreign = [
        u
        for u in urls
        if urlsplit(u).scheme not in ("data", "about", "blob")
        and urlsplit(u).hostname != "127.0.0.1"
    ]
    assert not foreign, f"{where} made requests to other hosts: {foreign}"


def visit(driver: webdriver.Chrome, url: str) -> None:
    """Open a page, wait for it, and check it asked nothing of any host but 127.0.0.1."""
    requested(driver)  # drain what came before
    driver.get(url)
    assert open_dialog(driver) is None, f"{url} opened a dialog: {open_dialog(driver)!r}"
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert_local([url, *resources, *requested(driver)], url)


def run_axe(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    assert driver.execute_script("return axe.version") == AXE_VERSION
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document).then(function (r) { done(r); })"
        ".catch(function (e) { done({error: String(e)}); });"
    )
    assert "error" not in result, f"axe failed: {result.get('error')}"
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def searches(driver: webdriver.Chrome) -> int:
    """How many searches the list's search has finished (site/static/search.js counts them)."""
    return int(driver.find_element(By.ID, "search").get_attribute("data-searches") or 0)


def open_list(driver: webdriver.Chrome, url: str) -> None:
    """Open a list of services and wait for its search to be ready (Pagefind loaded)."""
    visit(driver, url)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "search").get_attribute("data-ready") == "true"
    )


def result_titles(driver: webdriver.Chrome) -> list[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#result-list > li > a")]


def show_all(driver: webdriver.Chrome) -> None:
    """Press "more results" until every result is shown."""
    more = driver.find_element(By.ID, "more")
    while more.is_displayed():
        before = len(result_titles(driver))
        more.click()
        WebDriverWait(driver, 10).until(
            lambda d, before=before: len(result_titles(d)) > before or not more.is_displayed()
        )


def shown(driver: webdriver.Chrome) -> tuple[list[str], int]:
    """The titles the list shows, in order (every result, "more results" pressed until there
    are no more), and how many services it says it found: the search's results when a search
    is on, else the page of the plain list."""
    if driver.find_element(By.ID, "results").is_displayed():
        show_all(driver)
        titles = result_titles(driver)
        said = driver.find_element(By.ID, "count").text
        return titles, int(said.split()[0]) if said[:1].isdigit() else 0
    titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#services > li > a")]
    return titles, len(titles)


def after_search(driver: webdriver.Chrome, action: Any) -> None:
    """Do `action` (which starts a search) and wait until that search has finished."""
    before = searches(driver)
    action()
    WebDriverWait(driver, 10).until(lambda d: searches(d) > before)


def search(driver: webdriver.Chrome, text: str) -> None:
    box = driver.find_element(By.ID, "q")
    box.clear()

    def typed() -> None:
        if text:
            box.send_keys(text)
        else:  # clear() sends no input event
            driver.execute_script("arguments[0].dispatchEvent(new Event('input'))", box)

    after_search(driver, typed)


def choose(driver: webdriver.Chrome, facet: str, value: str) -> None:
    after_search(
        driver,
        lambda: Select(driver.find_element(By.ID, f"f-{facet}")).select_by_visible_text(value),
    )


# --- expectations from the hand-checked records, not from the pages ---

NUMBERS = range(1, 55)
TURKISH = str.maketrans("ışğüöç", "isguoc")


def fold(text: str) -> str:
    """Search folding as a reader expects it: Turkish case ('I' → 'ı', 'İ' → 'i'), then
    without Turkish letters and diacritics ('Süt' → 'sut')."""
    lowered = text.replace("I", "ı").replace("İ", "i").lower().translate(TURKISH)
    return "".join(
        c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
    )


def searchable(number: int) -> str:
    """What the list's search covers for a service: titles, description, documents, channels
    (including the online addresses, which are channels too)."""
    r = golden(number)
    words = [r["name"], english_names()[r["name"]], r["description"]]
    words += [d["name"] for d in r["documents"]]
    words += [c["label"] for c in r["channels"]]
    words += r["electronic"]["urls"] or []
    return fold(" ".join(words))


def names_where(predicate: Any) -> set[str]:
    return {golden(n)["name"] for n in NUMBERS if predicate(golden(n))}


# --- fixtures ---


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    dist = build_site(tmp_path_factory.mktemp("browser") / "dist")
    with serve(dist) as url:
        yield url


@pytest.fixture(scope="module")
def paged_site(paged_report_build: BuildResult) -> Iterator[str]:
    """A synthetic inventory with more than a page of services and of findings, served."""
    require_browser()
    with serve(paged_report_build.out) as url:
        yield url


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as d:
        yield d


# --- the service list ---


@pytest.mark.parametrize("query", ["süt", "sut", "SÜT"])
def test_search_finds_halk_sut_destegi(driver: webdriver.Chrome, site: str, query: str) -> None:
    open_list(driver, site + "hizmetler.html")
    titles, count = shown(driver)
    assert count == len(titles) == 54, f"before searching: {count} shown, {len(titles)} visible"
    search(driver, query)
    titles, count = shown(driver)
    assert titles[:1] == ["Halk Süt Desteği"], f"searching {query!r} shows {titles}"
    assert count == len(titles), f"searching {query!r}: the count says {count}"
    search(driver, "")
    assert shown(driver)[1] == 54, "clearing the search shows the list again"


def test_enter_in_the_search_box_keeps_the_page(driver: webdriver.Chrome, site: str) -> None:
    open_list(driver, site + "hizmetler.html")
    driver.execute_script("window.notReloaded = true")
    search(driver, "süt")
    after_search(driver, lambda: driver.find_element(By.ID, "q").send_keys(Keys.ENTER))
    assert driver.execute_script("return window.notReloaded === true"), "Enter reloaded the page"
    assert driver.current_url == site + "hizmetler.html?q=s%C3%BCt"
    assert shown(driver)[0][:1] == ["Halk Süt Desteği"]


# What a citizen types, and the services that must come first (from the seed, by hand): the two
# services for the elderly, the İstanbulkart (the apostrophe's case ending is the name's), the
# two services for women subjected to violence.
RANKED = [
    ("hizmetler.html", "yasli", {"Sosyal Yaşam Evi", "Emekli Pazar Desteği"}),
    ("hizmetler.html", "yaşlı", {"Sosyal Yaşam Evi", "Emekli Pazar Desteği"}),
    ("hizmetler.html", "istanbulkart'a", {"Sosyal Destek İstanbulkart"}),
    (
        "hizmetler.html",
        "kadına şiddet",
        {"Kadın Konukevi", "Kadın Konukevinden Ayrılan Kadınlara Nakdi Destek"},
    ),
    (
        "en/hizmetler.html",
        "elderly",
        {
            "Social Life House (activity centre for older people)",
            "Market Shopping Support for Pensioners",
        },
    ),
]


def test_a_word_shows_its_title_matches_first(driver: webdriver.Chrome, site: str) -> None:
    """A one-word search shows every service with the word in its title before any other
    (the first results come from the titles' index), then the rest, each service once."""
    in_title = names_where(lambda r: "destek" in fold(r["name"]))
    assert len(in_title) == 9, "the seed has 9 services with 'destek' in their names"
    open_list(driver, site + "hizmetler.html")
    search(driver, "destek")
    assert driver.find_element(By.ID, "search").get_attribute("data-shown")
    titles, count = shown(driver)
    assert set(titles[: len(in_title)]) == in_title, titles
    assert count == len(titles) == len(set(titles)) > len(in_title)
    links = [
        a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#result-list a")
    ]
    assert links and all(link.startswith(site + "doc/id/hizmet/") for link in links), links[:2]
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name)"
    )
    assert [u for u in loaded if "/pagefind/basliklar/fragment/" in u], "no title was loaded"


@pytest.mark.parametrize(("page", "query", "first"), RANKED)
def test_search_finds_the_right_services_first(
    driver: webdriver.Chrome, site: str, page: str, query: str, first: set[str]
) -> None:
    open_list(driver, site + page)
    search(driver, query)
    titles, count = shown(driver)
    assert set(titles[: len(first)]) == first, f"searching {query!r} shows {titles} first"
    assert count == len(titles) >= len(first)


def test_kadina_siddet_finds_the_support_line_too(driver: webdriver.Chrome, site: str) -> None:
    """The women's support line's description speaks of violence: it is found, after the two
    services for women subjected to violence."""
    open_list(driver, site + "hizmetler.html")
    search(driver, "kadına şiddet")
    assert "Kadın Destek Hattı" in shown(driver)[0][2:5]


@pytest.mark.parametrize("query", ["İSTANBUL", "istanbul", "ISTANBUL", "İstanbul"])
def test_search_folds_turkish_case(driver: webdriver.Chrome, site: str, query: str) -> None:
    open_list(driver, site + "hizmetler.html")
    search(driver, "istanbul")
    expected = shown(driver)[0]
    assert len(expected) > 5 and "Sosyal Destek İstanbulkart" in expected
    search(driver, query)
    assert shown(driver)[0] == expected, f"searching {query!r} differs from 'istanbul'"


def test_nothing_found_says_what_to_try(driver: webdriver.Chrome, site: str) -> None:
    open_list(driver, site + "hizmetler.html")
    search(driver, "zzqxw")
    titles, _ = shown(driver)
    assert titles == []
    assert "Daha kısa ya da başka bir sözcük" in driver.find_element(By.ID, "count").text


def test_a_search_survives_a_reload(driver: webdriver.Chrome, site: str) -> None:
    open_list(driver, site + "hizmetler.html")
    search(driver, "destek")
    choose(driver, "group", "Yaşlılar ve emekliler")
    before = shown(driver)
    # (Sosyal Yaşam Evi speaks of support in its description: after the title match)
    assert before[0] == ["Emekli Pazar Desteği", "Sosyal Yaşam Evi"], before
    url = driver.current_url
    assert "q=destek" in url and "group=" in url
    driver.refresh()
    WebDriverWait(driver, 10).until(lambda d: searches(d) > 0)
    assert driver.find_element(By.ID, "q").get_attribute("value") == "destek"
    assert Select(driver.find_element(By.ID, "f-group")).first_selected_option.text == (
        "Yaşlılar ve emekliler"
    )
    assert shown(driver) == before
    assert driver.current_url == url


def test_facets_are_readable_labels(driver: webdriver.Chrome, site: str) -> None:
    open_list(driver, site + "hizmetler.html")
    for facet in ("group", "channel", "online", "unit", "law"):
        options = [o.text for o in Select(driver.find_element(By.ID, f"f-{facet}")).options]
        assert len(options) > 2, f"{facet}: {options}"
        assert not [o for o in options if o.startswith("http") or o[:1].isdigit()], options


def test_results_are_loaded_a_page_at_a_time(driver: webdriver.Chrome, site: str) -> None:
    """The count comes from Pagefind's result list, which loads no result; the page shows the
    first 20 results, and "more results" the next ones."""
    open_list(driver, site + "hizmetler.html")
    search(driver, "destek")
    said = driver.find_element(By.ID, "count").text
    total = int(said.split()[0])
    assert 20 < total <= 40, f"'destek' finds {total} services in the seed"
    titles = result_titles(driver)
    assert len(titles) == 20
    more = driver.find_element(By.ID, "more")
    assert more.is_displayed()
    more.click()
    WebDriverWait(driver, 10).until(lambda d: len(result_titles(d)) == total)
    everything = result_titles(driver)
    assert everything[:20] == titles, "the first results stay where they were"
    assert len(set(everything)) == total, "each service once"
    assert not more.is_displayed()


def test_unit_facet_narrows_the_list(driver: webdriver.Chrome, site: str) -> None:
    unit = "Engelli Hizmetleri Şube Müdürlüğü"
    expected = names_where(lambda r: unit in r["units"].values())
    assert len(expected) == 19, "the seed has 19 services of the Engelli Hizmetleri unit"
    open_list(driver, site + "hizmetler.html")
    choose(driver, "unit", unit)
    titles, count = shown(driver)
    assert set(titles) == expected, f"unit facet: {sorted(set(titles) ^ expected)} differ"
    assert count == 19, f"unit facet: the count says {count}"
    # Search and facet together: the services of that unit that speak of transport (ulaşım).
    search(driver, "ulasim")
    titles, count = shown(driver)
    assert titles and set(titles) <= expected and "Ulaşım Hizmetleri" in titles[:1]
    after_search(driver, lambda: driver.find_element(By.ID, "clear").click())
    assert shown(driver)[1] == 54, "'clear filters' shows the list again"


def number_of(name: str) -> int:
    return next(n for n in NUMBERS if golden(n)["name"] == name)


@pytest.mark.parametrize(
    "law",
    [
        "Ailenin Korunması ve Kadına Karşı Şiddetin Önlenmesine Dair Kanun",
        "Sosyal ve Ekonomik Destek Hizmetleri Hakkında Yönetmelik",
        "İstanbul Büyükşehir Belediyesi Sosyal İşler ve Yardım Esasları Yönetmeliği",
    ],
)
def test_law_facet_narrows_the_list(driver: webdriver.Chrome, site: str, law: str) -> None:
    expected = names_where(lambda r: any(law_title(x) == law for x in r["legal_basis"]))
    assert expected, f"no record cites {law}"
    open_list(driver, site + "hizmetler.html")
    choose(driver, "law", law)
    titles, count = shown(driver)
    assert set(titles) == expected, (
        f"law facet {law!r}: missing {sorted(expected - set(titles))}, "
        f"extra {sorted(set(titles) - expected)}"
    )
    assert count == len(expected), f"law facet: the count says {count}, expected {len(expected)}"


# --- language and keyboard ---


def test_language_switch_opens_the_same_service_in_english(
    driver: webdriver.Chrome, site: str
) -> None:
    slug = pinned_slugs()["Halk Süt Desteği"]
    visit(driver, f"{site}doc/id/hizmet/{slug}.html")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "tr"
    driver.find_element(By.CSS_SELECTOR, "nav a[hreflang='en']").click()
    WebDriverWait(driver, 10).until(lambda d: "/en/" in d.current_url)
    assert driver.current_url == f"{site}en/doc/id/hizmet/{slug}.html"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    english = english_names()["Halk Süt Desteği"]
    assert driver.find_element(By.TAG_NAME, "h1").text == english
    assert driver.title.startswith(english), driver.title
    assert_local(requested(driver), "the English page")
    driver.find_element(By.CSS_SELECTOR, "nav a[hreflang='tr']").click()
    WebDriverWait(driver, 10).until(lambda d: "/en/" not in d.current_url)
    assert driver.current_url == f"{site}doc/id/hizmet/{slug}.html", "and back to Turkish"


@pytest.mark.parametrize("kind", ["home", "list", "service"])
def test_skip_link_is_first_and_moves_focus_to_main(
    driver: webdriver.Chrome, site: str, kind: str
) -> None:
    visit(driver, site + PAGES[kind])
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    first = driver.switch_to.active_element
    assert first.get_attribute("class") == "skip", (
        f"the first focusable element is <{first.tag_name} class={first.get_attribute('class')}>"
    )
    assert (first.get_attribute("href") or "").endswith("#main")
    box = driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", first)
    assert box["left"] >= 0 and box["top"] >= 0, f"the focused skip link is off screen: {box}"
    first.send_keys(Keys.ENTER)
    WebDriverWait(driver, 5).until(
        lambda d: d.switch_to.active_element.get_attribute("id") == "main"
    )
    assert driver.switch_to.active_element.tag_name == "main"


# --- accessibility, screenshots and requests, on every kind of page ---


# The widths axe and the layout checks run at: a desktop, a phone, the narrowest phone.
DESKTOP, MOBILE, NARROW = 1280, 390, 320
EVERY_PAGE = [(kind, lang) for kind in PAGES for lang in ("tr", "en")] + [
    (kind, "tr") for kind in SINGLE
]


def page_url(site: str, kind: str, lang: str) -> str:
    return site + ("en/" if lang == "en" else "") + (PAGES.get(kind) or SINGLE[kind])


def resize(driver: webdriver.Chrome, width: int) -> None:
    """Make the page's viewport `width` CSS pixels wide (the window has a frame around it)."""
    driver.set_window_size(width, 900)
    inner = driver.execute_script("return window.innerWidth")
    if inner != width:
        driver.set_window_size(2 * width - inner, 900)


@pytest.mark.parametrize("width", [DESKTOP, MOBILE])
@pytest.mark.parametrize(("kind", "lang"), EVERY_PAGE)
def test_axe_finds_no_violation(
    driver: webdriver.Chrome, site: str, kind: str, lang: str, width: int
) -> None:
    url = page_url(site, kind, lang)
    resize(driver, width)
    try:
        visit(driver, url)
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
        if kind != "404":
            assert driver.find_element(By.TAG_NAME, "h1").text.strip(), f"{url}: empty h1"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"{kind}-{lang}-{width}.png"))
        found = run_axe(driver)
    finally:
        resize(driver, DESKTOP)
    assert not found, f"{url} at {width} px: axe-core {AXE_VERSION} found\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in found
    )
    # The stylesheet really applied (a page that lost its CSS would still pass axe).
    font = driver.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font, f"{url}: the site's stylesheet did not load ({font!r})"


# The further pages of paged lists that only a large inventory has (not the seed): the
# validation report's findings and the standards table.
FURTHER_PAGES = [
    ("validation/sayfa/2.html", "tr"),
    ("hizmet-standartlari/sayfa/2.html", "tr"),
    ("en/hizmet-standartlari/sayfa/2.html", "en"),
]


@pytest.mark.parametrize("width", [DESKTOP, MOBILE, NARROW])
@pytest.mark.parametrize(("path", "lang"), FURTHER_PAGES)
def test_axe_finds_no_violation_on_further_pages(
    driver: webdriver.Chrome, paged_site: str, path: str, lang: str, width: int
) -> None:
    url = paged_site + path
    resize(driver, width)
    try:
        visit(driver, url)
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
        assert driver.find_element(By.TAG_NAME, "h1").text.strip(), f"{url}: empty h1"
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        found = run_axe(driver)
        current = driver.find_element(By.CSS_SELECTOR, ".pager [aria-current='page']").text
    finally:
        resize(driver, DESKTOP)
    assert not found, f"{url} at {width} px: axe-core {AXE_VERSION} found\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in found
    )
    assert wide <= width, f"{url} is {wide} px wide at {width} px"
    assert current == "2"


def test_no_page_type_overflows_a_320_px_screen(driver: webdriver.Chrome, site: str) -> None:
    """Long addresses, hashes and law titles wrap; wide tables scroll in a region of their own:
    no page is wider than the narrowest phone."""
    resize(driver, NARROW)
    wide = []
    try:
        for kind, lang in EVERY_PAGE:
            url = page_url(site, kind, lang)
            visit(driver, url)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            if width > NARROW:
                wide.append((url, width))
    finally:
        resize(driver, DESKTOP)
    assert not wide, f"pages wider than {NARROW} px: {wide}"


def test_how_to_apply_and_how_long_are_on_the_first_two_screens(
    driver: webdriver.Chrome, site: str
) -> None:
    """Halk Süt Desteği has 15 approval steps and 12 internal ones: on a phone, a citizen still
    finds how to apply and how long it takes within two screens."""
    resize(driver, MOBILE)
    try:
        visit(driver, site + PAGES["service"])
        screen = driver.execute_script("return window.innerHeight")
        tops = {
            key: driver.execute_script(
                "return document.getElementById(arguments[0]).getBoundingClientRect().top"
                " + window.scrollY",
                key,
            )
            for key in ("basvuru", "sure")
        }
        phone = driver.find_element(By.CSS_SELECTOR, "#basvuru + ul a.tel")
        href = phone.get_attribute("href")
    finally:
        resize(driver, DESKTOP)
    for key, top in tops.items():
        assert top < 2 * screen, f"#{key} is at {top} px, past two {screen} px screens"
    assert href == "tel:153", f"the ALO 153 line links to {href}"


def test_404_page_is_served_at_any_path_and_stays_local(
    driver: webdriver.Chrome, site: str
) -> None:
    visit(driver, site + "doc/id/hizmet/no-such-service.html")
    assert driver.find_element(By.TAG_NAME, "h1").text, "the 404 page has a heading"
    font = driver.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font, f"the 404 page's stylesheet did not load ({font!r})"
    home = driver.find_element(By.CSS_SELECTOR, ".site-name a").get_attribute("href")
    assert home == site + "index.html", f"the 404 page's home link goes to {home}"


def test_the_copy_button_copies_the_uri(driver: webdriver.Chrome, site: str) -> None:
    """The "link to this service" box: without scripts its button is hidden (the field can be
    selected by hand); with them it shows, and a click copies and says so."""
    visit(driver, site + PAGES["service"])
    button = driver.find_element(By.CSS_SELECTOR, ".linkbox button.copy")
    assert button.is_displayed(), "the script shows the button"
    driver.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    status = driver.find_element(By.CSS_SELECTOR, ".linkbox .copied")
    WebDriverWait(driver, 5).until(lambda d: status.text == "Kopyalandı.")
    selected = driver.execute_script(
        "var f = document.getElementById('uri');"
        " return f.value.substring(f.selectionStart, f.selectionEnd);"
    )
    assert selected == "https://envanter.example/id/hizmet/halk-sut-destegi"
