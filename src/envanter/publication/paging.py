"""Long lists in pages of PAGE_SIZE entries, at stable addresses.

The list of services and the services that use an entity are paged: page 1 is the page itself
(`hizmetler.html`, `doc/id/mevzuat/kanun-5393.html`), page n a file of its own beside it
(`hizmetler/sayfa/2.html`, `doc/id/mevzuat/kanun-5393/sayfa/2.html`). The folder has the page's
name without `.html`, which no minted document has (theirs all end in `.html`), so the pages
of a list never meet another page's address; a folder's `index.html` (the validation report,
`validation/index.html`) pages in its own folder (`validation/sayfa/2.html`). A list's page n holds the same entries as long as
the list's order and what comes before them do not change.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.serialize import Description

PAGE_SIZE = 500
# How many numbered links the page list shows either side of the current page (the first and
# the last are always shown).
AROUND = 2


@dataclass(frozen=True, slots=True)
class Pager:
    """Where a page is in its list: its number, the paths of all the list's pages (from the
    language's home), the list's length and the number of the page's first entry."""

    path: str
    number: int
    paths: list[str]
    total: int
    first: int  # 1-based

    @property
    def last(self) -> int:
        return min(self.first + PAGE_SIZE - 1, self.total)

    def shown(self) -> list[int | None]:
        """The page numbers the page list links, None where it skips some (…)."""
        count = len(self.paths)
        keep = sorted(
            {1, count}
            | set(range(max(1, self.number - AROUND), min(count, self.number + AROUND) + 1))
        )
        out: list[int | None] = []
        for n in keep:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def page_paths(page: str, entries: int) -> list[str]:
    """The paths of a list's pages: the page itself, then `{page without .html}/sayfa/{n}.html`
    (`{folder}/sayfa/{n}.html` for a folder's `index.html`)."""
    count = max(1, -(-entries // PAGE_SIZE))
    stem = (
        page.removesuffix("/index.html")
        if page.endswith("/index.html")
        else page.removesuffix(".html")
    )
    return [page] + [f"{stem}/sayfa/{n}.html" for n in range(2, count + 1)]


def pagers(page: str, entries: int) -> list[tuple[Pager, int]]:
    """Each page of a list of `entries` at `page`, with the index of its first entry."""
    paths = page_paths(page, entries)
    return [
        (Pager(path, n, paths, entries, (n - 1) * PAGE_SIZE + 1), (n - 1) * PAGE_SIZE)
        for n, path in enumerate(paths, start=1)
    ]


def page_description(d: Description) -> tuple[Description, list[tuple[str, int]]]:
    """What a resource's page shows of its description: at most PAGE_SIZE values of each of
    its properties, in the description's order; and each property cut short, with how many
    values it has."""
    subject = ox.NamedNode(d.iri)
    counts: dict[str, int] = {}
    for t in d.triples:
        if t.subject == subject:
            counts[t.predicate.value] = counts.get(t.predicate.value, 0) + 1
    long = {p for p, n in counts.items() if n > PAGE_SIZE}
    if not long:
        return d, []
    kept, seen = [], dict.fromkeys(long, 0)
    for t in d.triples:
        p = t.predicate.value
        if p in long and t.subject == subject:
            seen[p] += 1
            if seen[p] > PAGE_SIZE:
                continue
        kept.append(t)
    return Description(d.iri, kept), [(p, counts[p]) for p in sorted(long)]
