"""Paged lists: a synthetic inventory of 1,200 services (bench/generate.py) lists its services,
and a law most of them cite its users, 500 a page, at stable addresses with working links."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from envanter.publication.paging import Pager, page_paths, pagers
from envanter.run.pipeline import build

from .conftest import ROOT

SERVICES = 1_200


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if str(ROOT / "bench") not in sys.path:  # (as tests/test_bench.py imports the generator)
        sys.path.insert(0, str(ROOT / "bench"))
    from common import synthetic_input, synthetic_options

    folder = tmp_path_factory.mktemp("paging")
    synthetic_input(SERVICES, folder)
    out = folder / "dist"
    build(synthetic_options(SERVICES, folder, out))
    yield out


class Links(HTMLParser):
    """The entries of a page's list (ul#services, or the used-by list) and its page links."""

    def __init__(self) -> None:
        super().__init__()
        self.depth: list[str] = []
        self.entries: list[str] = []
        self.pager: list[tuple[str, dict[str, str | None]]] = []
        self.in_list = False
        self.in_pager = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "ul" and a.get("id") == "services":
            self.in_list = True
        if tag == "nav" and a.get("class") == "pager":
            self.in_pager = True
        if tag == "a" and self.in_list:
            self.entries.append(a.get("href") or "")
        if tag == "a" and self.in_pager:
            self.pager.append((a.get("href") or "", a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.in_list = False
        if tag == "nav":
            self.in_pager = False


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


@pytest.mark.parametrize("home", ["", "en/"])
def test_the_list_of_services_is_paged_at_500(dist: Path, home: str) -> None:
    pages = [
        f"{home}hizmetler.html",
        f"{home}hizmetler/sayfa/2.html",
        f"{home}hizmetler/sayfa/3.html",
    ]
    assert not (dist / home / "hizmetler/sayfa/4.html").exists()
    seen: list[str] = []
    for number, page in enumerate(pages, start=1):
        links = parse(dist / page)
        assert len(links.entries) == (500 if number < 3 else 200), page
        for href in links.entries:
            seen.append(urljoin(f"http://x/{page}", href))
            assert (dist / urljoin(page, href)).is_file(), f"{page}: {href}"
        # Previous, the numbered pages, next; the current one marked.
        hrefs = {urljoin(page, h) for h, _ in links.pager}
        assert hrefs >= set(pages) - {page} | {page}, (page, hrefs)
        current = [urljoin(page, h) for h, a in links.pager if a.get("aria-current") == "page"]
        assert current == [page]
        rel = {a.get("rel"): urljoin(page, h) for h, a in links.pager if a.get("rel")}
        assert rel.get("prev") == (pages[number - 2] if number > 1 else None)
        assert rel.get("next") == (pages[number] if number < 3 else None)
    assert len(seen) == len(set(seen)) == SERVICES, "every service once, on one page"


def test_pages_of_a_list_are_in_the_sitemap(dist: Path) -> None:
    sitemap = (dist / "sitemap.xml").read_text(encoding="utf-8")
    for page in ("hizmetler/sayfa/2.html", "en/hizmetler/sayfa/3.html"):
        assert f"/{page}</loc>" in sitemap, page


def test_an_entitys_services_are_paged_too(dist: Path) -> None:
    """The Municipality Law (5393) is cited by most of the seed's services, so by more than 500
    of the synthetic ones: its page lists 500 and links the pages of the rest."""
    page = "doc/id/mevzuat/kanun-5393.html"
    text = (dist / page).read_text(encoding="utf-8")
    total = int(re.search(r"\((\d+)\)</h2>", text)[1])  # type: ignore[index]
    assert total > 500
    count = -(-total // 500)
    rest = [f"doc/id/mevzuat/kanun-5393/sayfa/{n}.html" for n in range(2, count + 1)]
    listed = 0
    for path in [page, *rest]:
        html = (dist / path).read_text(encoding="utf-8")
        entries = re.findall(r'<li><a href="([^"]*/hizmet/[^"]*)">', html)
        assert 0 < len(entries) <= 500, path
        listed += len(entries)
        for href in entries:
            assert (dist / urljoin(path, href)).is_file(), f"{path}: {href}"
        nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
        assert nav, f"{path} has no page list"
        for href in re.findall(r'href="([^"]*)"', nav[0]):
            assert (dist / urljoin(path, href)).is_file(), f"{path}: {href}"
    assert listed == total
    assert not (dist / f"doc/id/mevzuat/kanun-5393/sayfa/{count + 1}.html").exists()


def test_page_paths_and_the_numbers_a_page_list_shows() -> None:
    assert page_paths("hizmetler.html", 0) == ["hizmetler.html"]
    assert page_paths("hizmetler.html", 500) == ["hizmetler.html"]
    assert page_paths("hizmetler.html", 501) == ["hizmetler.html", "hizmetler/sayfa/2.html"]
    assert page_paths("doc/id/kurum/x.html", 1001)[-1] == "doc/id/kurum/x/sayfa/3.html"
    # (a folder's index.html, the validation report, pages in its own folder)
    assert page_paths("validation/index.html", 1001) == [
        "validation/index.html",
        "validation/sayfa/2.html",
        "validation/sayfa/3.html",
    ]
    paged = pagers("hizmetler.html", 100_000)
    assert len(paged) == 200
    pager, first = paged[99]
    assert (pager.number, pager.first, pager.last, first) == (100, 49_501, 50_000, 49_500)
    assert pager.shown() == [1, None, 98, 99, 100, 101, 102, None, 200]
    assert paged[0][0].shown() == [1, 2, 3, None, 200]
    assert isinstance(paged[-1][0], Pager) and paged[-1][0].shown() == [1, None, 198, 199, 200]
    assert pagers("hizmetler.html", 1_200)[2][0].last == 1_200
