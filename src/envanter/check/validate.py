"""`envanter validate`: any RDF file checked against our shapes.

The build's own validation is in shacl.py (the engines), shards.py (services in shards) and
report.py (the report published with the data).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph, URIRef

from ..rdf import vocab
from ..resources import resource
from .report import Report
from .shacl import DEFAULT_ENGINE, load_shapes, validate


def check_file(
    path: Path,
    which: str = "auto",
    base: str | None = None,
    shapes_dir: Path | None = None,  # the project's shapes/, else the packaged ones
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate an RDF file with our shapes (`envanter validate`)."""
    from ..config import DEFAULT_BASE_URI, check_base_uri
    from ..errors import ConfigError

    if not path.exists():
        raise ConfigError(f"{path}: not found (build first, or name an RDF file)")
    data = Graph()
    try:
        data.parse(path)
    except Exception as e:  # rdflib raises many kinds; all mean "not RDF we can read"
        raise ConfigError(f"{path}: cannot read it as RDF: {e}") from e
    if which == "auto":
        catalog = URIRef(vocab.DCAT + "Catalog")
        which = "dcat" if (None, RDF.type, catalog) in data else "profile"
    base = check_base_uri(base or DEFAULT_BASE_URI)
    folder = shapes_dir or resource("shapes")
    return validate(data, load_shapes([folder / f"{which}.ttl"], base), engine)
