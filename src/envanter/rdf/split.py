"""Each inventory's own dump, split from the publication's whole (data/dataset.nt): its services
with their fragments, its dataset and source, and what they link to (laws, units, documents,
channels, concepts …) as far as it reaches, so that a download of one inventory is read on its
own.

One pass over the whole dump, then the links followed over the part the services share, held
once by subject: linear in the size of the publication, whatever the number of inventories.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from .serialize import write_turtle

# Not followed: a thing's class, and a scheme's list of its concepts (which would bring every
# inventory's codes into each one's dump).
NOT_FOLLOWED = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
    "<http://www.w3.org/2004/02/skos/core#hasTopConcept>",
)


def split_dumps(
    whole: Path, base: str, services: dict[str, str], prefixes: dict[str, str], out: Path
) -> dict[str, list[Path]]:
    """Write `out`/{inventory}.nt and .ttl for every inventory; `services` maps a service's id
    (id/hizmet/{id}) to its inventory's key. Their paths, by inventory."""
    service_prefix = f"<{base}id/hizmet/"
    own_prefixes = (f"<{base}id/veri-seti/", f"<{base}id/kaynak/")
    keys = sorted(set(services.values()))
    lines: dict[str, list[str]] = {key: [] for key in keys}
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
                owner = key if key in lines else None
            if owner is None:
                shared[subject].append(line)
                continue
            lines[owner].append(line)
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
                    lines[owner].append(line)
                _, predicate, rest = line.split(" ", 2)
                if predicate not in NOT_FOLLOWED and rest.startswith("<"):
                    following[rest[: rest.index(">") + 1]] |= owners
        frontier = following
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {}
    for key in keys:
        nt, ttl = out / f"{key}.nt", out / f"{key}.ttl"
        nt.write_text("".join(lines[key]), encoding="utf-8")
        triples = [q.triple for q in ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES)]
        write_turtle(triples, prefixes, ttl)
        written[key] = [ttl, nt]
    return written
