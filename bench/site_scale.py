"""The site at scale: the weight of its pages, the time of its stages and its search's latency.

For each size N (services; 54 is the real seed, any other a synthetic inventory of
bench/generate.py, as bench/run.py builds them): one build as `envanter build` runs it (one
worker process per core), then

- the site's stages as the pipeline records them ("site", "search index") and the build's wall;
- the largest HTML page (bytes, and which), how many HTML pages, and the search index's size
  and files (pagefind/);
- the search's latency in headless Chromium (Debian's, through Selenium, as the browser tests
  drive it): the Turkish list of services served on 127.0.0.1 by the standard library's HTTP
  server, its search ready (Pagefind loaded), then each of --queries queries typed into it
  and submitted; the time from the submission to the first results shown (site/static/search.js
  counts them in the form's data-shown) is measured in the page with performance.now(), and
  the time until every match is counted (data-searches) too. The first query loads the
  language's index; all are reported: the median, the first, the slowest.

    python bench/site_scale.py --sizes 54,10000 [--workdir DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import SEED_SERVICES, build_options, synthetic_input, synthetic_options
from envanter.run.pipeline import build

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# What citizens type: words of the seed's services, suffixed, without Turkish letters, in
# English letters; each is searched once, in this order (twenty of them).
QUERIES = (
    "destek",
    "yasli",
    "istanbulkart'a",
    "kadına şiddet",
    "engelli",
    "süt",
    "egitim",
    "ulaşım",
    "çocuk",
    "psikolojik destek",
    "kamp",
    "hidroterapi",
    "medikal",
    "evlilik",
    "üniversite öğrencisi",
    "nakdi",
    "danışmanlık",
    "rehabilitasyon",
    "işaret dili",
    "göç",
)
# Submit the query and wait for the search it starts to finish, timed in the page.
TIMED_SEARCH = """
const [text, done] = arguments;
const form = document.getElementById("search");
const before = Number(form.dataset.searches || 0);
const shownBefore = Number(form.dataset.shown || 0);
document.getElementById("q").value = text;
const start = performance.now();
form.requestSubmit();
let shown = null;
(function wait() {
  if (shown === null && Number(form.dataset.shown || 0) > shownBefore) {
    shown = performance.now() - start;
  }
  if (Number(form.dataset.searches || 0) > before) {
    const all = performance.now() - start;
    done([shown === null ? all : shown, all, document.getElementById("count").textContent]);
  } else {
    setTimeout(wait, 1);
  }
})();
"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def search_latency(dist: Path, profile: Path) -> dict[str, Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_script_timeout(900)  # (a national index, searched for a common word)
    try:
        with served(dist) as url:
            driver.get(url + "hizmetler.html")
            WebDriverWait(driver, 60).until(
                lambda d: d.find_element(By.ID, "search").get_attribute("data-ready") == "true"
            )
            times, counted, found = [], [], []
            for text in QUERIES:
                ms, all_ms, said = driver.execute_async_script(TIMED_SEARCH, text)
                times.append(ms)
                counted.append(all_ms)
                found.append(said)
    finally:
        driver.quit()
    return {
        "queries": list(QUERIES),
        "ms": times,
        "found": found,
        "median_ms": statistics.median(times),
        "first_ms": times[0],
        "max_ms": max(times),
        "counted_ms": counted,
        "counted_median_ms": statistics.median(counted),
    }


def measure(n: int, work: Path, keep: bool = False) -> dict[str, Any]:
    out = work / f"dist-{n}"
    if n == SEED_SERVICES:
        options = build_options(out)
    else:
        synthetic_input(n, work)
        options = synthetic_options(n, work, out)
    start = time.perf_counter()
    result = build(options)
    wall = time.perf_counter() - start
    pages = [(p.stat().st_size, p.relative_to(out).as_posix()) for p in out.rglob("*.html")]
    largest = max(pages)
    pages.sort(reverse=True)
    index = [p for p in (out / "pagefind").rglob("*") if p.is_file()]
    figures = {
        "services": n,
        "build_s": wall,
        "stages": result.stages,
        "html_pages": len(pages),
        "largest_page_bytes": largest[0],
        "largest_page": largest[1],
        "largest_pages": [[size, page] for size, page in pages[:5]],
        "index_files": len(index),
        "index_bytes": sum(p.stat().st_size for p in index),
        "search": search_latency(out, work / f"profile-{n}"),
    }
    if not keep:
        shutil.rmtree(out)
    return figures


def table(runs: list[dict[str, Any]]) -> str:
    def row(name: str, values: list[str]) -> str:
        return f"  {name:<30}" + "".join(f"{v:>16}" for v in values)

    lines = [
        "The site at scale (bench/site_scale.py), seconds, bytes, milliseconds",
        row("services", [f"{r['services']:,}" for r in runs]),
        row("site", [f"{r['stages']['site']:.2f}" for r in runs]),
        row("search index", [f"{r['stages']['search index']:.2f}" for r in runs]),
        row("build wall", [f"{r['build_s']:.2f}" for r in runs]),
        row("HTML pages", [f"{r['html_pages']:,}" for r in runs]),
        row("largest HTML page", [f"{r['largest_page_bytes']:,}" for r in runs]),
        row("search index files", [f"{r['index_files']:,}" for r in runs]),
        row("search index bytes", [f"{r['index_bytes']:,}" for r in runs]),
        row("search median ms (20)", [f"{r['search']['median_ms']:.1f}" for r in runs]),
        row("search first ms", [f"{r['search']['first_ms']:.1f}" for r in runs]),
        row("search slowest ms", [f"{r['search']['max_ms']:.1f}" for r in runs]),
        row("search counted, median ms", [f"{r['search']['counted_median_ms']:.1f}" for r in runs]),
    ]
    for r in runs:
        lines.append(f"  the largest pages at {r['services']:,} services, bytes:")
        lines += [f"    {size:>12,}  {page}" for size, page in r["largest_pages"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="54,10000", help="comma-separated service counts")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument(
        "--keep", action="store_true", help="keep the builds (dist-N) in --workdir, to look at"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.keep:
        if args.workdir is None:
            parser.error("--keep needs --workdir")
        args.workdir.mkdir(parents=True, exist_ok=True)
        runs = [measure(n, args.workdir, keep=True) for n in sizes]
    else:
        with tempfile.TemporaryDirectory(dir=args.workdir) as work:
            runs = [measure(n, Path(work)) for n in sizes]
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
