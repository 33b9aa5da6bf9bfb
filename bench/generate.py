"""A synthetic inventory of N services in the standard columns, drawn from the seed.

Deterministic (seeded): each synthetic service takes every column from a seed service picked at
random, so documents, channels, laws, paraf lists, counts and durations follow the seed's own
distributions, and the whole pipeline runs on it unchanged. Names get a running number so that
every service is distinct.

    python bench/generate.py 10000 /tmp/inventory-10000.csv [--seed 1]

With `--inventories K`, OUT is a folder and the N services are shared among K inventories of
K different institutions (inventory-0001.csv …, each with its own metadata: publisher, unit,
URI scope), for a publication of many (`envanter build --source A --source B …`):

    python bench/generate.py 100000 /tmp/inventories --inventories 1000
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from envanter.read.inventory import CELL_KEYS, Cell, RawRecord  # noqa: E402
from envanter.read.pdftext import read_pdf_text  # noqa: E402
from envanter.read.records import apply_corrections, load_corrections  # noqa: E402
from envanter.read.source import write_csv, write_xlsx  # noqa: E402

SEED = ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt"


@cache
def seed_pool() -> list[RawRecord]:
    """The seed's rows, corrected: what every synthetic service is drawn from."""
    raw = read_pdf_text(SEED, SEED.name)
    corrections = load_corrections(ROOT / "data" / "reference" / "corrections.yaml")
    pool, _, _ = apply_corrections(raw, corrections, "corrections.yaml")
    return pool


def synthetic(n: int, seed: int = 1) -> list[RawRecord]:
    pool = seed_pool()
    rng = random.Random(seed)
    records = []
    for number in range(1, n + 1):
        cells: dict[str, Cell] = {}
        for key in CELL_KEYS:
            donor = rng.choice(pool).cells[key]
            cells[key] = Cell(donor.text, (), donor.parts, donor.wrapped)
        # The unit and its DETSİS code travel together, as in the seed.
        unit_donor = rng.choice(pool)
        for key in (
            "institution_code",
            "unit_central",
            "unit_provincial",
            "unit_local",
            "unit_other",
        ):
            cells[key] = Cell(
                unit_donor.cells[key].text,
                (),
                unit_donor.cells[key].parts,
                unit_donor.cells[key].wrapped,
            )
        name = cells["name"].text or "Hizmet"
        cells["name"] = Cell(f"{name} {number}", (), ())
        records.append(
            replace(
                pool[0],
                number=number,
                cells=cells,
                file="synthetic",
                first_line=number,
                last_line=number,
                furniture=(),
            )
        )
    return records


def inventory_records(n: int, k: int, i: int, seed: int = 1) -> list[RawRecord]:
    """The services of the i-th (from 1) of K inventories sharing N services."""
    return synthetic(n // k + (1 if i <= n % k else 0), seed * 100_003 + i)


def inventories(n: int, k: int, out: Path, seed: int = 1) -> list[Path]:
    """K inventories of K institutions sharing N services (the first ones one more when K does
    not divide N), as CSV files in `out`, each with its metadata; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, k + 1):
        path = out / f"inventory-{i:04d}.csv"
        write_csv(inventory_records(n, k, i, seed), path)
        # A different institution each: its own publisher, unit and URI scope.
        path.with_name(path.stem + ".meta.yaml").write_text(
            f"title: Sentetik envanter {i}\n"
            f"publisher: {{name: Sentetik Kurum {i}, key: sentetik-kurum-{i}}}\n"
            f"department: {{name: Sentetik Daire Başkanlığı {i}}}\n"
            "place: {name: Türkiye, name_en: Türkiye, wikidata: Q43}\n"
            "reference_year: 2025\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many services")
    parser.add_argument(
        "out", type=Path, help="output file: .csv or .xlsx (a folder with --inventories)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--inventories",
        type=int,
        default=None,
        metavar="K",
        help="write K inventories of different institutions into the folder OUT",
    )
    args = parser.parse_args()
    if args.inventories is not None:
        if not 1 <= args.inventories <= args.n:
            parser.error("--inventories K needs 1 <= K <= N")
        paths = inventories(args.n, args.inventories, args.out, args.seed)
        print(
            f"wrote {args.n} services in {len(paths)} inventories to {args.out}/", file=sys.stderr
        )
        return
    records = synthetic(args.n, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    (write_xlsx if args.out.suffix == ".xlsx" else write_csv)(records, args.out)
    args.out.with_name(args.out.stem + ".meta.yaml").write_text(
        "title: Synthetic inventory\npublisher: İstanbul Büyükşehir Belediyesi\n"
        "publisher_key: ibb\nunit: Sosyal Hizmetler Dairesi Başkanlığı\nreference_year: 2025\n",
        encoding="utf-8",
    )
    print(f"wrote {args.n} services to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
