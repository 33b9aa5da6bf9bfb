"""Earlier editions' dumps, kept at stable paths: `surum/<n>/data/dataset.{ttl,nt,jsonld}`.

A build with `--previous` copies the previous edition's dumps under its edition number, and
every edition the previous one kept, so a link to any earlier edition's download keeps working.
Editions are numbered from 1 in the order they were built: a build's own number is one more than
the editions it keeps.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

FOLDER = "surum"
DUMPS = ("dataset.ttl", "dataset.nt", "dataset.jsonld")


def kept_editions(dist: Path) -> list[int]:
    """The numbers of the earlier editions a build's output keeps."""
    folder = dist / FOLDER
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit())


def edition_of(dist: Path) -> int:
    """A build's own edition number: one more than the editions it keeps."""
    kept = kept_editions(dist)
    return (kept[-1] if kept else 0) + 1


def keep_previous_editions(previous: Path, folder: Path) -> list[Path]:
    """Into the new output `folder`: the editions `previous` kept, then its own dumps as its
    edition; the files written."""
    written: list[Path] = []
    for number in kept_editions(previous):
        for path in sorted((previous / FOLDER / str(number)).rglob("*")):
            if path.is_file():
                target = folder / path.relative_to(previous)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                written.append(target)
    own = folder / FOLDER / str(edition_of(previous)) / "data"
    own.mkdir(parents=True, exist_ok=True)
    for name in DUMPS:
        dump = previous / "data" / name
        if dump.is_file():
            shutil.copyfile(dump, own / name)
            written.append(own / name)
    return written


# The IRI of an earlier edition's dataset, {base}id/surum/<n>: independent of the source's file
# name (which names the current dataset), so it stays the same in every later edition.
EDITION_ROOT = "id/surum/"
_MODIFIED = "http://purl.org/dc/terms/modified"
_DATA_DUMP = "http://rdfs.org/ns/void#dataDump"


def edition_iri(base: str, number: int) -> str:
    return f"{base}{EDITION_ROOT}{number}"


def edition_times(previous: Path, base: str) -> dict[int, str]:
    """When each edition a previous output knows of was built (xsd:dateTime, as its catalog's
    dct:modified says): its own, and those of the editions it kept. An edition whose catalog
    says nothing (one built before editions were described) is left out."""
    catalog = previous / "catalog.ttl"
    if not catalog.is_file():
        return {}
    graph = ox.Store()
    graph.load(path=str(catalog), format=ox.RdfFormat.TURTLE)
    times: dict[int, str] = {}
    own = edition_of(previous)
    for quad in graph.quads_for_pattern(None, ox.NamedNode(_MODIFIED), None):
        subject, value = quad.subject, quad.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(value, ox.Literal):
            continue
        rest = subject.value.removeprefix(base + EDITION_ROOT)
        if rest != subject.value and rest.isdigit():
            times[int(rest)] = value.value
        # The dataset whose dump is data/dataset.ttl is the previous output's own edition.
        elif any(
            isinstance(d.object, ox.NamedNode) and d.object.value == base + "data/dataset.ttl"
            for d in graph.quads_for_pattern(subject, ox.NamedNode(_DATA_DUMP), None)
        ):
            times[own] = value.value
    return times
