"""Each inventory's own dump, split from the publication's whole (data/dataset.nt): its services
with their fragments, its dataset and source, and what they link to (laws, units, documents,
channels, concepts …) as far as it reaches, so that a download of one inventory is read on its
own.

One pass over the whole dump, then the links followed over the part the services share, held
once by subject: linear in the size of the publication, whatever the number of inventories. Only
that shared part is held: each inventory's own lines go to its file as they are read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .serialize import write_turtle

# Not followed: a thing's class, and a scheme's list of its concepts (which would bring every
# inventory's codes into each one's dump).
NOT_FOLLOWED = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
    "<http://www.w3.org/2004/02/skos/core#hasTopConcept>",
)


# How the inventories' Turtle files are written: an executor's `each` (jobs, work, cost).
Each = Callable[[list[str], Callable[[str], None], Callable[[str], int]], None]


def split_dumps(
    whole: Path,
    base: str,
    services: dict[str, str],
    prefixes: dict[str, str],
    out: Path,
    each: Each,
) -> dict[str, list[Path]]:
    """Write `out`/{inventory}.nt and .ttl for every inventory; `services` maps a service's id
    (id/hizmet/{id}) to its inventory's key. Their paths, by inventory. The Turtle files, one
    an inventory, are written by `each` (shared out among processes by the executor)."""
    service_prefix = f"<{base}id/hizmet/"
    own_prefixes = (f"<{base}id/veri-seti/", f"<{base}id/kaynak/")
    keys = sorted(set(services.values()))
    out.mkdir(parents=True, exist_ok=True)
    files = Appender(out, keys)
    shared: dict[str, list[str]] = defaultdict(list)  # subject → its lines
    # What each inventory's own triples point to: the subjects to follow, per inventory.
    wanted: dict[str, set[str]] = defaultdict(set)
    with whole.open(encoding="utf-8") as f:
        for line in f:
            subject, predicate, rest = line.split(" ", 2)
            owner = None
            if subject.startswith(service_prefix):
                owner = services.get(subject[len(service_prefix) : -1].split("#", 1)[0])
            elif subject.startswith(own_prefixes):
                key = subject[subject.rindex("/", 0, -1) + 1 : -1]
                owner = key if key in files.pending else None
            if owner is None:
                shared[subject].append(line)
                continue
            files.add(owner, line)
            if predicate not in NOT_FOLLOWED and rest.startswith("<"):
                wanted[rest[: rest.index(">") + 1]].add(owner)
    # Follow the links over the shared part, breadth first, each subject once per inventory.
    taken: dict[str, set[str]] = defaultdict(set)
    frontier = wanted
    while frontier:
        following: dict[str, set[str]] = defaultdict(set)
        for subject in sorted(frontier):
            owners = frontier[subject] - taken[subject]
            if not owners or subject not in shared:
                continue
            taken[subject] |= owners
            for line in shared[subject]:
                for owner in sorted(owners):
                    files.add(owner, line)
                _, predicate, rest = line.split(" ", 2)
                if predicate not in NOT_FOLLOWED and rest.startswith("<"):
                    following[rest[: rest.index(">") + 1]] |= owners
        frontier = following
    files.close()
    del shared, taken

    def turtle(key: str) -> None:
        # (parsed by pyoxigraph straight into its Turtle writer: no list of the triples)
        nt = ox.parse(path=out / f"{key}.nt", format=ox.RdfFormat.N_TRIPLES)
        write_turtle(nt, prefixes, out / f"{key}.ttl")

    sizes = {key: (out / f"{key}.nt").stat().st_size for key in keys}
    each(keys, turtle, sizes.__getitem__)
    return {key: [out / f"{key}.ttl", out / f"{key}.nt"] for key in keys}


class Appender:
    """Each inventory's N-Triples file, written in pieces as its lines come: the lines of a
    thousand inventories are not held until the end, nor a thousand files kept open."""

    LIMIT = 1 << 18  # characters an inventory holds before they are written

    def __init__(self, out: Path, keys: list[str]) -> None:
        self.out = out
        self.pending: dict[str, list[str]] = {key: [] for key in keys}
        self.sizes = dict.fromkeys(keys, 0)
        for key in keys:
            (out / f"{key}.nt").write_bytes(b"")

    def add(self, key: str, line: str) -> None:
        self.pending[key].append(line)
        self.sizes[key] += len(line)
        if self.sizes[key] > self.LIMIT:
            self.flush(key)

    def flush(self, key: str) -> None:
        with (self.out / f"{key}.nt").open("a", encoding="utf-8") as f:
            f.write("".join(self.pending[key]))
        self.pending[key].clear()
        self.sizes[key] = 0

    def close(self) -> None:
        for key in self.pending:
            if self.pending[key]:
                self.flush(key)
