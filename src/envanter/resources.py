"""Where the build finds what it is made with: the mappings, the ontology, the shapes, the site's
templates and assets, the example queries and the curated reference data.

Each ships inside the package (`envanter/project/`, which in a checkout links to the top-level
folders), so `envanter build` runs from any folder. A project may keep its own copy: a folder of
that name in the working directory (e.g. `mappings/`) replaces the packaged one as a whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Resource = Literal["mappings", "ontology", "shapes", "site", "queries", "data/reference"]
RESOURCES: tuple[Resource, ...] = (
    "mappings",
    "ontology",
    "shapes",
    "site",
    "queries",
    "data/reference",
)
PACKAGED = Path(__file__).resolve().parent / "project"


def resource(name: Resource) -> Path:
    """The folder `name`: the working directory's own copy if it has one, else the packaged one."""
    own = Path(name)
    return own if own.is_dir() else packaged(name)


def packaged(name: Resource) -> Path:
    """The copy of `name` shipped with the package."""
    return PACKAGED / name
