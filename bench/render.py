"""Site rendering at several sizes: seconds per size and per 1,000 services.

For each size, a synthetic inventory (bench/generate.py) is built through the pipeline in this
process and in one batch, and the site's part of it is taken from the build's own timings: the
site data read from the batch's graph with the named queries (the batch's "site data"), and
every page rendered in both languages with sitemap.xml (the batch's "pages" and the build's "site"
stage: the entity and front pages, the site data of what the services share, the static files).
Rendering should grow linearly: "growth" is each size's time per 1,000 services over the
smallest size's. Writing some 30 files per service, the figures depend on the disk: `--runs 3`
reports the median of three builds.

    python bench/render.py --sizes 1000,10000 [--runs 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from common import build_serially, synthetic_input, synthetic_options  # noqa: E402


def measure(n: int, folder: Path, runs: int) -> dict[str, float]:
    synthetic_input(n, folder)
    out = folder / f"site-{n}"
    options = synthetic_options(n, folder, out)
    timings: list[tuple[float, float]] = []  # (data, render) of each run
    pages = triples = findings = 0
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        os.sync()  # start each run with the previous run's writes on disk, not in flight
        graph = build_serially(options)
        batch, stages = graph.result.batch_stages, graph.result.stages
        timings.append((batch["site data"], batch["pages"] + stages["site"]))
        pages = len(list(out.rglob("*.html")))
        triples = len(graph.triples)
        findings = len(graph.result.report.findings) if graph.result.report else 0
    shutil.rmtree(out, ignore_errors=True)
    data_s, render_s = sorted(timings, key=sum)[len(timings) // 2]  # the median run
    total = data_s + render_s
    return {
        "services": n,
        "triples": triples,
        "findings": findings,
        "pages": pages,
        "runs": runs,
        "data_s": round(data_s, 3),
        "render_s": round(render_s, 3),
        "total_s": round(total, 3),
        "per_1000_s": round(total / n * 1000, 3),
        "min_total_s": round(min(sum(t) for t in timings), 3),
        "max_total_s": round(max(sum(t) for t in timings), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated service counts")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--runs", type=int, default=1, help="render each size this many times; report the median"
    )
    args = parser.parse_args()
    results: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            row = measure(n, Path(tmp), args.runs)
            row["growth"] = (
                round(row["per_1000_s"] / results[0]["per_1000_s"], 2) if results else 1.0
            )
            results.append(row)
            print(
                f"{row['services']:>7} services {row['pages']:>8} pages  data "
                f"{row['data_s']:7.2f} s  render {row['render_s']:7.2f} s  total "
                f"{row['total_s']:7.2f} s  per 1,000 services {row['per_1000_s']:6.2f} s  "
                f"growth {row['growth']:.2f}"
                + (
                    f"  (runs {row['min_total_s']:.2f}–{row['max_total_s']:.2f} s)"
                    if args.runs > 1
                    else ""
                ),
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
