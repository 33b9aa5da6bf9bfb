"""Dump writing against pyoxigraph's own serialization of the same graph.

For each size, a synthetic inventory is built (not timed) and its published graph read back;
then the three dumps are written twice: by envanter's dump writers as the build uses them, the
whole graph as one run (`write_dump_part` and `Dumps`: Turtle and N-Triples through pyoxigraph,
compact JSON-LD of our own), and by pyoxigraph alone (Turtle with the same prefixes, N-Triples, its
expanded JSON-LD). The ratio is envanter's time over pyoxigraph's, median of three runs.

    python bench/dumps.py --sizes 1000,10000 [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import pyoxigraph as ox  # noqa: E402

from common import build_serially, synthetic_input, synthetic_options  # noqa: E402
from envanter.rdf.dumps import Dumps, write_dump_part  # noqa: E402
from envanter.rdf.jsonld import JsonLd  # noqa: E402


def median_time(action: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(n: int, folder: Path) -> dict[str, float]:
    synthetic_input(n, folder)
    graph = build_serially(synthetic_options(n, folder, folder / "dist"))
    triples, prefixes = graph.triples, graph.prefixes

    def ours() -> None:
        data = folder / "ours"
        data.mkdir(exist_ok=True)
        with Dumps(prefixes, data) as dumps:
            write_dump_part(triples, prefixes, JsonLd(prefixes), data / "whole")
            dumps.append(data / "whole")
            dumps.close()

    def theirs() -> None:
        out = folder / "theirs"
        out.mkdir(exist_ok=True)
        ox.serialize(triples, str(out / "dataset.ttl"), ox.RdfFormat.TURTLE, prefixes=prefixes)
        ox.serialize(triples, str(out / "dataset.nt"), ox.RdfFormat.N_TRIPLES)
        ox.serialize(triples, str(out / "dataset.jsonld"), ox.RdfFormat.JSON_LD)

    ours_s = median_time(ours)
    return {
        "services": n,
        "triples": len(triples),
        "envanter_s": round(ours_s, 3),
        "pyoxigraph_s": round(median_time(theirs), 3),
        "ratio": round(ours_s / median_time(theirs), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated service counts")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            row = measure(n, Path(tmp))
            results.append(row)
            print(
                f"{row['services']:>7} services {row['triples']:>9} triples  envanter "
                f"{row['envanter_s']:7.2f} s  pyoxigraph {row['pyoxigraph_s']:7.2f} s  "
                f"ratio {row['ratio']:.2f}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
