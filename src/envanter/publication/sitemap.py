"""sitemap.xml (or a sitemap index and its parts) and robots.txt, for the pages a build wrote."""

from __future__ import annotations

import os
from pathlib import Path


def write_sitemap(out: Path, base: str, written: list[Path]) -> list[Path]:
    """sitemap.xml of the written pages and robots.txt pointing at it."""
    # The pages the build wrote before the site (vocabulary, validation report, source
    # documents) are pages too.
    others = [
        *out.glob("def/*.html"),
        *out.glob("validation/**/*.html"),
        *out.glob("kaynak/*.html"),
        *out.glob("kaynak/*/sayfa/*.html"),
    ]
    start = len(str(out)) + 1  # (str slicing: Path.relative_to is slow on a national site)
    urls = sorted(
        f"{base}{str(p)[start:].replace(os.sep, '/')}"
        for p in [*written, *others]
        if p.name != "404.html"
    )
    files = write_sitemaps(out, base, urls)
    robots = out / "robots.txt"
    robots.write_text(f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n", encoding="utf-8")
    return [*files, robots]


SITEMAP_LIMIT = 50_000  # URLs per sitemap file (the sitemaps.org protocol's limit)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write_sitemaps(out: Path, base: str, urls: list[str], limit: int = SITEMAP_LIMIT) -> list[Path]:
    """sitemap.xml listing the pages; past `limit` URLs (a national inventory has hundreds of
    thousands of pages) it is a sitemap index of sitemap-1.xml, sitemap-2.xml, …"""

    def urlset(chunk: list[str]) -> str:
        entries = "".join(f"  <url><loc>{escape_xml(u)}</loc></url>\n" for u in chunk)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'

    index = out / "sitemap.xml"
    if len(urls) <= limit:
        index.write_text(urlset(urls), encoding="utf-8")
        return [index]
    parts = []
    for k in range(0, len(urls), limit):
        part = out / f"sitemap-{k // limit + 1}.xml"
        part.write_text(urlset(urls[k : k + limit]), encoding="utf-8")
        parts.append(part)
    entries = "".join(
        f"  <sitemap><loc>{escape_xml(base + p.name)}</loc></sitemap>\n" for p in parts
    )
    index.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
        f"{entries}</sitemapindex>\n",
        encoding="utf-8",
    )
    return [index, *parts]


def escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
