"""The site's search: what Pagefind indexes of each service, and the run that builds its index.

Pagefind (pagefind.app, the `pagefind` binary of the `pagefind-bin` package) indexes HTML and
writes a static index that the browser loads in pieces, one for each language (`<html lang>`),
with Turkish and English stemming. It does not index the service pages themselves: each
service gets a small search record per language (`record`), written beside the site while
its pages are, which says what a search looks in and how much each part weighs: the title
above the beneficiaries, the beneficiaries above the documents and the description. Pagefind
lower-cases 'İ' to 'i' with a combining dot and keeps Turkish letters, so the record carries
a folded copy of its text too (turkish.py's search_fold) and the search page folds the query
the same way (site/static/search.js): 'yasli' finds 'Yaşlılar', 'istanbulkart' finds
'İstanbulkart'. Filters (the facets) carry readable labels in the record's language.

Each service also gets a title record (`title_record_html`): its title alone, with the same
metadata and filters, indexed apart (`pagefind/basliklar/`). A search shows its first results
from that small index, title matches first as the issue of ranking wants them, while the full
index counts every match and gives the results after them (site/static/search.js): how much
of Pagefind's work a query costs follows how many services it matches, and a common word's
title matches are a fraction of its matches anywhere.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from ..errors import EnvanterError
from ..turkish import search_fold
from .pagefind import make_deterministic
from .pages import ServiceView
from .sitedata import SiteData

# Where the records are written while the build runs (inside the staging folder, removed
# before the swap), and where the index goes, relative to the site's root.
RECORDS = ".search-records"
TITLE_RECORDS = ".search-titles"
PIECES_RECORDS = ".search-pieces"
INDEX = "pagefind"
TITLES = "basliklar"  # the titles' index, inside INDEX (başlıklar: titles)
# Services a piece of the search index holds (see IndexRun); a title record is a few words,
# so a piece of the titles' index holds more.
PIECE = 1_000
TITLE_PIECE = 10_000
# How much a match in each part counts (Pagefind's data-pagefind-weight; its default is 1).
TITLE_WEIGHT = 10
GROUP_WEIGHT = 5
BENEFICIARY_WEIGHT = 3


class SearchIndexError(EnvanterError):
    """Pagefind is missing or failed."""


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """What the search knows of a service in one language."""

    lang: str
    title: str
    title_lang: str  # the title's own language ("tr" for an English page without a translation)
    groups: list[str]  # beneficiary groups' labels
    beneficiaries: list[str]  # who the service is for, as the source says it
    documents: list[str]
    description: str
    unit: str
    filters: dict[str, list[str]]  # facet key → readable values
    turkish_title: str = ""  # on an English record, the Turkish title the service is known by


def record_html(r: SearchRecord) -> str:
    """The record as the HTML Pagefind reads: weighted parts, a folded copy of the text, the
    title and unit as metadata for the result list, the filters as readable values."""
    e = escape
    parts = [
        f'<h1 lang="{r.title_lang}" data-pagefind-weight="{TITLE_WEIGHT}" '
        f'data-pagefind-meta="title">{e(r.title)}</h1>',
        f'<p data-pagefind-weight="{TITLE_WEIGHT}">{e(search_fold(r.title))}</p>',
    ]
    weighted = (
        (GROUP_WEIGHT, r.groups),
        (BENEFICIARY_WEIGHT, r.beneficiaries),
        (1, r.documents),
        (1, [r.description]),
    )
    for weight, texts in weighted:
        text = " · ".join(t for t in texts if t)
        if text:
            shown = f'<p data-pagefind-weight="{weight}">' if weight > 1 else "<p>"
            parts.append(f"{shown}{e(text)}</p>{shown}{e(search_fold(text))}</p>")
    return _page(r, parts, filters=True)


def title_record_html(r: SearchRecord) -> str:
    """The title record: the title (and, on an English record, the Turkish title a service is
    known by) with a folded copy, and the same metadata as the full record. No filters: a
    search with facets goes to the full index, and counting facets costs every search."""
    e = escape
    titles = [r.title] + ([r.turkish_title] if r.turkish_title not in ("", r.title) else [])
    parts = [f'<h1 lang="{r.title_lang}" data-pagefind-meta="title">{e(r.title)}</h1>']
    parts += [f"<p>{e(t)}</p><p>{e(search_fold(t))}</p>" for t in titles[1:]]
    parts.append(f"<p>{e(search_fold(r.title))}</p>")
    return _page(r, parts, filters=False)


def _page(r: SearchRecord, body: list[str], filters: bool) -> str:
    """A record's HTML around its body: the page Pagefind indexes, in the record's language,
    with the title's language and the unit as metadata and (`filters`) the facets' values."""
    e = escape
    parts = [
        f'<!DOCTYPE html><html lang="{r.lang}"><head><meta charset="utf-8"><title>{e(r.title)}'
        "</title></head><body><main data-pagefind-body>",
        *body,
    ]
    if r.title_lang != r.lang:
        parts.append(f'<meta data-pagefind-meta="title_lang[content]" content="{r.title_lang}">')
    if r.unit:
        parts.append(f'<meta data-pagefind-meta="unit[content]" content="{e(r.unit)}">')
    for key, values in sorted(r.filters.items()) if filters else ():
        parts += [
            f'<meta data-pagefind-filter="{key}[content]" content="{e(value)}">' for value in values
        ]
    parts.append("</main></body></html>\n")
    return "".join(parts)


def write_record(out: Path, page: str, record: SearchRecord) -> None:
    """The records of a service's page (its path from the site's root, in its language): the
    full one and the title one."""
    at = page if record.lang == "tr" else f"en/{page}"
    for folder, html in (
        (RECORDS, record_html(record)),
        (TITLE_RECORDS, title_record_html(record)),
    ):
        path = out / folder / at
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")


def pagefind_binary() -> Path:
    """The `pagefind` binary the pagefind-bin package installs."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]
    except ImportError as e:
        raise SearchIndexError(
            "the search index needs Pagefind: install the project's dependencies "
            "(pip install -e . or bash scripts/setup.sh)"
        ) from e
    return Path(pagefind_bin.__file__).parent / (
        "pagefind.exe" if sys.platform == "win32" else "pagefind"
    )


def split(
    records: Path, index: Path, pages: list[str], size: int, others: Path
) -> list[tuple[Path, Path]]:
    """Pagefind's runs (records, index) for `pages` in pieces of `size`: the first piece's
    records stay where they are and make `index`, the others are moved to `others`/{n} and
    make `index`/piece/{n}."""
    jobs = [(records, index)]
    for n, k in enumerate(range(size, len(pages), size), start=2):
        for page in pages[k : k + size]:
            for path in (page, f"en/{page}"):  # (the service's record in each language)
                source = records / path
                if source.is_file():
                    target = others / str(n) / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source.rename(target)
        jobs.append((others / str(n), index / "piece" / str(n)))
    return jobs


class IndexRun:
    """Pagefind indexing the records written under `out` into `out`/pagefind/, started as soon
    as the last record is written: the stages after the services neither read nor write what it
    does, so it runs beside them rather than after them. `finish` waits for it; `cancel` ends
    it (a build that fails meanwhile must not leave it writing into a folder being removed).

    Pagefind's search time grows with the square of a query's matches in one index (each
    matching page looks through every matching word), so the services are indexed in pieces
    of PIECE, in the order of their pages, one Pagefind run after the other: the first piece
    is `pagefind/` itself, the others `pagefind/piece/{n}/` (their word, filter and fragment
    files only: the browser runs the first piece's code for all), listed in
    `pagefind/pieces.json`, which the search page merges into one search (Pagefind's
    mergeIndex). The title records are indexed the same way in pieces of TITLE_PIECE, into
    `pagefind/basliklar/` and its `piece/{n}/`, listed under "titles"."""

    def __init__(self, out: Path) -> None:
        self.records = out / RECORDS
        self.titles = out / TITLE_RECORDS
        self.index = out / INDEX
        self.others = out / PIECES_RECORDS
        for records in (self.records, self.titles):
            if not records.is_dir():  # (a build with no services)
                records.mkdir()
        pages = sorted(
            p.relative_to(self.records).as_posix() for p in self.records.glob("doc/**/*.html")
        )
        self.services = len(pages)
        self.jobs = split(self.records, self.index, pages, PIECE, self.others / "hepsi")
        self.jobs += split(
            self.titles, self.index / TITLES, pages, TITLE_PIECE, self.others / TITLES
        )
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.cancelled = False
        self.error: str | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        for site, index in self.jobs:
            # Its messages go to a file, not a pipe: nothing reads a pipe while the build goes
            # on, and a full one would stall Pagefind.
            with tempfile.TemporaryFile() as stderr:
                with self.lock:
                    if self.cancelled:
                        return
                    self.process = subprocess.Popen(
                        [
                            str(pagefind_binary()),
                            "--site",
                            str(site),
                            "--output-path",
                            str(index),
                            "--silent",
                        ],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=stderr,
                    )
                if self.process.wait() != 0:
                    stderr.seek(0)
                    said = stderr.read().decode("utf-8", errors="replace").strip()
                    self.error = said or f"exit status {self.process.returncode}"
                    return

    def finish(self) -> int:
        """Wait for Pagefind; make its index byte for byte the same for the same records, and
        remove them; how many services were indexed. Fails if Pagefind did."""
        self.thread.join()
        if self.error is not None or self.cancelled:
            raise SearchIndexError(f"Pagefind could not build the search index: {self.error}")
        titles = self.index / TITLES
        listed: dict[str, list[str]] = {"pieces": [], "titles": []}
        for _, index in self.jobs:
            make_deterministic(index)
            if index == self.index:
                continue
            for extra in index.iterdir():
                # A piece needs its index files; the titles' first piece its code too (the
                # browser runs it apart, on the page rather than in Pagefind's worker).
                kept = extra.name == "pagefind-entry.json" or extra.suffix == ".pf_meta"
                kept = kept or (index == titles and extra.suffix == ".pagefind")
                if extra.is_file() and not kept:
                    extra.unlink()
            part = "titles" if index.is_relative_to(titles) else "pieces"
            listed[part].append(index.relative_to(self.index).as_posix() + "/")
        (self.index / "pieces.json").write_text(json.dumps(listed) + "\n", encoding="utf-8")
        shutil.rmtree(self.records)
        shutil.rmtree(self.titles)
        if self.others.exists():
            shutil.rmtree(self.others)
        return self.services

    def cancel(self) -> None:
        """End Pagefind if it is still running (nothing if it has finished)."""
        with self.lock:
            self.cancelled = True
            if self.process is not None and self.process.poll() is None:
                self.process.kill()
        self.thread.join()


def search_records(
    v: ServiceView, data: SiteData, online: dict[str, dict[str, str]]
) -> list[SearchRecord]:
    """A service's records in Turkish and English; `online` names each value of the
    offered-online facet in each language."""
    row = v.row
    out = []
    for lang in ("tr", "en"):
        title = (row.get("title_en") if lang == "en" else None) or row["title_tr"]

        def label(iri: str, lang: str = lang) -> str:
            return data.label(iri, lang)

        out.append(
            SearchRecord(
                lang=lang,
                title=title,
                title_lang="en" if lang == "en" and row.get("title_en") else "tr",
                groups=[label(g) for g in v.audiences],
                beneficiaries=[r["text"] for r in v.requirements],
                documents=[label(d) for d, _ in v.documents],
                # (descriptions are in Turkish only; an English record has the Turkish title
                # too, so that a name as people know it finds the service in either language)
                description=row.get("description") or ""
                if lang == "tr"
                else f"{row['title_tr']} · {row.get('description') or ''}",
                unit=label(v.unit) if v.unit else "",
                filters={
                    "group": sorted({label(g) for g in v.audiences}),
                    "channel": sorted({label(k) for k in v.channel_kinds}),
                    "online": [online[lang][str(row.get("online") or "unknown")]],
                    "unit": [label(v.unit)] if v.unit else [],
                    "law": sorted({label(x) for x in v.laws}),
                },
                turkish_title=row["title_tr"] if lang == "en" else "",
            )
        )
    return out
