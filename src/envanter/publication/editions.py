"""Earlier editions' dumps, kept at stable paths: `surum/<n>/data/dataset.{ttl,nt,jsonld}`.

A build with `--previous` copies the previous edition's dumps under its edition number, and
every edition the previous one kept, so a link to any earlier edition's download keeps working.
Editions are numbered from 1 in the order they were built: a build's own number is one more than
the editions it keeps.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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
