"""The dumps (Turtle, N-Triples, JSON-LD) written in runs, one run per batch of services."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .jsonld import InlineContexts, JsonLd
from .serialize import Description, split_turtle, turtle_header

# # A national graph is written batch by batch: each batch of services writes its run of each dump
# (Turtle without the prefix lines, N-Triples, JSON-LD nodes), and the build appends the runs to
# the dumps as the batches finish, in order, then what the services share. Every subject's
# triples are together: a service's (with its fragments') are all in its batch, and the batches
# add to what the services share only triples about it (the dataset's dct:hasPart), which are
# written with it at the end.

DUMP_PARTS = ("ttl", "nt", "jsonld")


def write_dump_part(
    triples: list[ox.Triple],
    prefixes: dict[str, str],
    jsonld: JsonLd,
    stem: Path,
    nodes: Iterable[str] | None = None,
) -> None:
    """stem.ttl, stem.nt and stem.jsonld: these triples (sorted by subject) as a run of each dump;
    `nodes`, where given, are their JSON-LD nodes already made."""
    ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    stem.with_suffix(".ttl").write_bytes(split_turtle(ttl)[1])
    with stem.with_suffix(".nt").open("wb") as f:  # (to a path, pyoxigraph writes unbuffered)
        ox.serialize(triples, output=f, format=ox.RdfFormat.N_TRIPLES)
    with stem.with_suffix(".jsonld").open("w", encoding="utf-8") as f:
        f.write(",\n  ".join(jsonld.nodes(triples) if nodes is None else nodes))


# Put after each description's triples, this triple marks where its Turtle and N-Triples end
# in the batch's runs of the dumps: pyoxigraph writes it on a line of its own (a new subject
# starts a statement; literals' line breaks are escaped), and it is cut out again.
CUT = ox.Triple(*(ox.NamedNode("urn:envanter:cut"),) * 3)
CUT_LINE = b"<urn:envanter:cut> <urn:envanter:cut> <urn:envanter:cut> .\n"


def write_descriptions_part(
    descriptions: list[Description], prefixes: dict[str, str], jsonld: JsonLd, stem: Path
) -> None:
    """stem.ttl, stem.nt and stem.jsonld, as `write_dump_part` writes them, of these descriptions
    (sorted, and holding every triple of the run); each description keeps its own Turtle and
    N-Triples, cut from the runs, for its documents."""
    marked = [t for d in descriptions for t in chain(d.triples, (CUT,))]
    for form, ext in ((ox.RdfFormat.TURTLE, "ttl"), (ox.RdfFormat.N_TRIPLES, "nt")):
        text = ox.serialize(marked, format=form, prefixes=prefixes) or b""
        pieces = (split_turtle(text)[1] if ext == "ttl" else text).split(CUT_LINE)
        del text  # (a batch's run is tens of megabytes: the pieces are all that is kept)
        # (one piece a description, and what follows the last cut: nothing)
        if len(pieces) != len(descriptions) + 1 or pieces[-1]:
            raise AssertionError(f"{stem}: {len(pieces)} pieces for {len(descriptions)} cuts")
        with stem.with_suffix("." + ext).open("wb") as f:
            f.writelines(pieces)
        for d, piece in zip(descriptions, pieces[:-1], strict=True):
            if ext == "ttl":
                d.turtle = piece
            else:
                d.ntriples = piece
    with stem.with_suffix(".jsonld").open("w", encoding="utf-8") as f:
        f.write(",\n  ".join(chain.from_iterable(d.nodes(jsonld) for d in descriptions)))


class Dumps:
    """data/dataset.{ttl,nt,jsonld}, written a run at a time (`append`), then closed."""

    def __init__(self, prefixes: dict[str, str], data: Path) -> None:
        data.mkdir(parents=True, exist_ok=True)
        self.paths = [data / f"dataset.{ext}" for ext in DUMP_PARTS]
        self.header = turtle_header(prefixes)
        self.ttl, self.nt, self.jsonld = (path.open("wb") for path in self.paths)
        # The context inline: a downloaded dump is read offline (docs/publication.md).
        context = InlineContexts(prefixes).every()
        self.jsonld.write(('{"@context": ' + context + ',\n "@graph": [').encode())
        self.turtle_started = False
        self.nodes = False

    def append(self, stem: Path) -> None:
        """Add a run (stem.ttl, stem.nt, stem.jsonld, as write_dump_part writes it), and remove
        its files."""
        ttl, nt, jsonld = (stem.with_suffix("." + ext) for ext in DUMP_PARTS)
        if ttl.stat().st_size:
            if not self.turtle_started:  # (the prefixes, unless the dump is empty)
                self.ttl.write(self.header)
                self.turtle_started = True
            copy(ttl, self.ttl)
        copy(nt, self.nt)
        if jsonld.stat().st_size:
            self.jsonld.write(b",\n  " if self.nodes else b"\n  ")
            self.nodes = True
            copy(jsonld, self.jsonld)
        for path in (ttl, nt, jsonld):
            path.unlink()

    def close(self) -> list[Path]:
        """Finish the dumps: their paths."""
        self.jsonld.write(b"\n]}\n")
        self.release()
        return self.paths

    def release(self) -> None:
        for f in (self.ttl, self.nt, self.jsonld):
            f.close()

    def __enter__(self) -> Dumps:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()  # (closed already, or a failed build's, which is removed)


def copy(path: Path, target: BinaryIO) -> None:
    """Append a file to an open one: by sendfile, which copies in the kernel (at a national
    scale the runs add up to gigabytes, copied while the workers need the cores), once what is
    buffered is written; by reading and writing where the system has no sendfile."""
    with path.open("rb") as part:
        if hasattr(os, "sendfile"):
            target.flush()  # (sendfile writes at the file's offset: the buffer goes first)
            source, out, done = part.fileno(), target.fileno(), 0
            size = os.fstat(source).st_size
            while done < size:
                sent = os.sendfile(out, source, done, size - done)
                if sent == 0:  # (the file shrank: nothing more to copy)
                    break
                done += sent
        else:
            shutil.copyfileobj(part, target, 1 << 20)
