"""Likely renames between two editions: a withdrawn service and an added one with similar names.

The build never applies one: it says so in its log and writes `renames.yaml` beside the
publication, each proposal as the pin line that would confirm it (`new name: old slug`). A
steward who copies a line into the inventory's `services.yaml` pins (data/ids/, or
data/ids/{scope}/ for a scoped inventory) keeps the withdrawn service's URI for the added one;
until then the old URI is a tombstone and the new one a new service.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from ..read.reference import same_name

FILE = "renames.yaml"  # beside the publication, not part of it: never a tombstone
SERVICES = "id/hizmet/"
# How alike two names must be (difflib's ratio over the case-folded names) to be proposed,
# unless one name is the other with words added ("X" → "X Başvurusu").
ALIKE = 0.75


@dataclass(frozen=True)
class Rename:
    old_iri: str
    old_title: str
    new_iri: str
    new_title: str

    @property
    def scope(self) -> str:
        """The inventory's URI scope ("" for the unscoped one): where its pins are."""
        key = self.old_iri.rpartition(SERVICES)[2]
        return key.partition("--")[0] if "--" in key else ""

    @property
    def old_slug(self) -> str:
        """The withdrawn service's slug as its pins hold it (without the scope)."""
        return self.old_iri.rpartition(SERVICES)[2].rpartition("--")[2]

    @property
    def pin(self) -> str:
        """The pin line that confirms the rename: the new name keeps the old slug."""
        return str(
            yaml.safe_dump({self.new_title: self.old_slug}, allow_unicode=True, width=1000)
        ).strip()


def likeness(a: str, b: str) -> float:
    x, y = same_name(a), same_name(b)
    if x.split() == y.split()[: len(x.split())] or y.split() == x.split()[: len(y.split())]:
        return 1.0
    return SequenceMatcher(None, x, y).ratio()


def propose(withdrawn: dict[str, str], added: dict[str, str]) -> list[Rename]:
    """Withdrawn and added services (IRI → Turkish title) paired by likeness, the likest first,
    each at most once; only services of one scope are paired."""
    pairs = sorted(
        (
            (-likeness(old_title, new_title), old, new)
            for old, old_title in withdrawn.items()
            for new, new_title in added.items()
        ),
    )
    taken: set[str] = set()
    out: list[Rename] = []
    for score, old, new in pairs:
        if -score < ALIKE or old in taken or new in taken:
            continue
        rename = Rename(old, withdrawn[old], new, added[new])
        if rename.scope != Rename(new, "", new, "").scope:
            continue
        taken |= {old, new}
        out.append(rename)
    return sorted(out, key=lambda r: r.old_iri)


def write_proposals(renames: list[Rename], folder: Path) -> Path:
    """`renames.yaml`: each proposal as a comment naming both services, then its pin line; the
    file is a fragment of services.yaml pins."""
    lines = [
        "# Likely renames since the previous edition: a withdrawn service and an added one with",
        "# similar names. None is applied. To confirm one (the added service keeps the withdrawn",
        "# one's URI, and no tombstone is written for it), copy its pin line into the inventory's",
        "# services.yaml pins (data/ids/, or data/ids/<scope>/) and build again. A proposal that",
        "# is wrong is left out: its old URI stays a tombstone.",
    ]
    for r in renames:
        where = f"data/ids/{r.scope}/services.yaml" if r.scope else "data/ids/services.yaml"
        lines += [
            "",
            f"# withdrawn: {r.old_title} <{r.old_iri}>",
            f"# added:     {r.new_title} <{r.new_iri}>",
            f"# pin in {where}:",
            r.pin,
        ]
    path = folder / FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
