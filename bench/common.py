"""What the benchmarks share: the repository's paths, the synthetic inputs and the build options.

The real seed (data/source/ibb-sosyal-hizmetler-2025.txt, 54 services) is built with its curated
corrections; a synthetic inventory (bench/generate.py) is a CSV with its `.meta.yaml` beside it,
built without corrections and with a copy of data/reference that names every synthetic service
in English too. Every path is absolute, so a benchmark can run from any folder.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402
import yaml  # noqa: E402

from envanter.config import check_base_uri  # noqa: E402
from envanter.read.inventory import RawRecord  # noqa: E402
from envanter.read.source import write_csv  # noqa: E402
from envanter.run.executor import Serial  # noqa: E402
from envanter.run.pipeline import BuildOptions, BuildResult, build  # noqa: E402

SEED_SOURCE = ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt"
SEED_CORRECTIONS = ROOT / "data" / "reference" / "corrections.yaml"
# How many services the seed has: a benchmark size equal to it builds the seed itself.
SEED_SERVICES = 54
# A synthetic inventory is the seed's services again: it is published with the seed's metadata.
META = SEED_SOURCE.with_name(SEED_SOURCE.stem + ".meta.yaml").read_text(encoding="utf-8")


def write_inventory(records: list[RawRecord], source: Path) -> Path:
    """The records as a CSV inventory, with the `<stem>.meta.yaml` a build needs beside it."""
    source.parent.mkdir(parents=True, exist_ok=True)
    write_csv(records, source)
    source.with_name(source.stem + ".meta.yaml").write_text(META, encoding="utf-8")
    return source


def english_reference(records: list[RawRecord], folder: Path) -> Path:
    """A copy of data/reference that names every synthetic service in English too, as a
    publisher's reference would (a service without an English title does not validate)."""
    reference = folder / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    shutil.copytree(ROOT / "data" / "reference", reference)
    # (A reference folder's en.yaml is read with the inventory's own translations.)
    path = reference / "en.yaml"
    en = yaml.safe_load(SEED_SOURCE.with_name(SEED_SOURCE.stem + ".en.yaml").read_text("utf-8"))
    names: dict[str, str] = en["service_names"]
    for r in records:
        name = r.text("name") or ""
        seed_name, _, number = name.rpartition(" ")
        names[name] = f"{names.get(seed_name, 'Service')} {number}"
    path.write_text(yaml.safe_dump(en, allow_unicode=True, width=200), encoding="utf-8")
    return reference


def build_options(
    out: Path,
    source: Path = SEED_SOURCE,
    corrections: Path | None = SEED_CORRECTIONS,
    reference: Path = ROOT / "data" / "reference",
) -> BuildOptions:
    """The build's options with every folder of the repository given as an absolute path; by
    default the seed with its corrections."""
    return BuildOptions(
        source=source,
        out=out,
        corrections=corrections,
        reference=reference,
        ids=ROOT / "data" / "ids",
        mappings=ROOT / "mappings",
        ontology=ROOT / "ontology",
        site=ROOT / "site",
        queries=ROOT / "queries",
        shapes=ROOT / "shapes",
    )


def synthetic_input(n: int, folder: Path) -> tuple[Path, Path]:
    """Write a synthetic inventory of `n` services and its English reference into `folder`:
    (the inventory, the reference folder)."""
    # Imported here: a build that only reads an inventory need not load the generator.
    from generate import synthetic  # bench/generate.py (bench/ is on the path)

    records = synthetic(n)
    source = write_inventory(records, folder / f"inventory-{n}.csv")
    return source, english_reference(records, folder)


def synthetic_inventories(n: int, k: int, folder: Path) -> tuple[list[Path], Path]:
    """Write K synthetic inventories of K institutions sharing `n` services, and an English
    reference naming all of them, into `folder`: (the inventories, the reference folder)."""
    from generate import inventories, inventory_records

    paths = inventories(n, k, folder / "inventories")
    records = [r for i in range(1, k + 1) for r in inventory_records(n, k, i)]
    return paths, english_reference(records, folder)


def many_options(folder: Path, out: Path) -> BuildOptions:
    """The options that build every inventory `synthetic_inventories` wrote into `folder` as
    one publication, as `envanter build --source A --source B …` does."""
    paths = sorted((folder / "inventories").glob("inventory-*.csv"))
    options = build_options(out, source=paths[0], corrections=None, reference=folder / "reference")
    return replace(options, more_sources=tuple(paths[1:]))


def synthetic_options(n: int, folder: Path, out: Path) -> BuildOptions:
    """The options that build the synthetic inventory `synthetic_input(n, folder)` wrote."""
    return build_options(
        out, source=folder / f"inventory-{n}.csv", corrections=None, reference=folder / "reference"
    )


@dataclass
class Published:
    """A build through the one pipeline, and the whole graph it published."""

    result: BuildResult
    triples: list[ox.Triple]  # as the N-Triples dump has them, in its order
    prefixes: dict[str, str]  # the dumps' prefixes, as the Turtle dump declares them
    base: str


def build_serially(options: BuildOptions) -> Published:
    """Build through the pipeline in this process and in one batch (the figures of a stage are
    then those of one process), and read back the graph it published."""
    result = build(options, executor=Serial(services_per_batch=10_000_000))
    data = options.out / "data"
    nt = data / "dataset.nt"
    triples = [q.triple for q in ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES)]
    prefixes: dict[str, str] = {}
    with (data / "dataset.ttl").open(encoding="utf-8") as ttl:
        for line in ttl:
            found = re.fullmatch(r"@prefix (\S*): <([^>]*)> \.\n", line)
            if found is None:
                break
            prefixes[found[1]] = found[2]
    return Published(result, triples, prefixes, check_base_uri(options.base_uri))
