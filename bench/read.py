"""Time the reading stage alone (file to raw records) at two sizes, CSV and XLSX.

    python bench/read.py 10000 100000 [--formats csv,xlsx] [--workdir /tmp/bench-read]

The inventories are made by bench/generate.py (kept in the work folder and reused). Reading must
stay linear: the cost at the larger size over the cost at the smaller, divided by the ratio of
the sizes, is printed for each format (issue 21 asks for cost(100,000)/cost(10,000) <= 12).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from envanter.read.formats import read_inventory  # noqa: E402
from envanter.read.source import write_csv, write_xlsx  # noqa: E402
from envanter.run.executor import no_cyclic_gc  # noqa: E402
from generate import synthetic  # noqa: E402


def source(n: int, suffix: str, workdir: Path) -> Path:
    path = workdir / f"inventory-{n}{suffix}"
    if not path.exists():
        records = synthetic(n)
        (write_csv if suffix == ".csv" else write_xlsx)(records, path)
    return path


def seconds_to_read(path: Path) -> float:
    gc.collect()
    start = time.perf_counter()
    with no_cyclic_gc(after=gc.collect):  # as the build reads (run/executor.py)
        reading = read_inventory(path, path.name)
    elapsed = time.perf_counter() - start
    assert reading.records, path
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs=2, help="the smaller and the larger size")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/envanter-bench-read"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    small, large = args.sizes
    for suffix in (f".{f}" for f in args.formats.split(",")):
        costs = {n: seconds_to_read(source(n, suffix, args.workdir)) for n in (small, large)}
        result = {
            "format": suffix[1:],
            **{f"seconds_{n}": round(s, 2) for n, s in costs.items()},
            "bytes_large": source(large, suffix, args.workdir).stat().st_size,
            "cost_ratio": round(costs[large] / costs[small], 2),
            "size_ratio": large / small,
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
