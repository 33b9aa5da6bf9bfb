"""Validation against a bare pySHACL run with the same shapes on the same graph.

For each size, a synthetic inventory is built through the pipeline in one process and one batch.
envanter's validation — each batch's services in shards of 500 turned into rdflib terms and
validated, then what they share, the findings merged — is the build's own timing of it (the
batch's "validate" and the build's "validate" stage), against `pyshacl.validate` alone on the
same whole published graph, already in rdflib.

    python bench/validation.py --sizes 1000,10000 [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import pyshacl  # noqa: E402

from common import build_serially, synthetic_input, synthetic_options  # noqa: E402
from envanter.check.shacl import load_shapes, to_rdflib  # noqa: E402


def measure(n: int, folder: Path) -> dict[str, float]:
    synthetic_input(n, folder)
    graph = build_serially(synthetic_options(n, folder, folder / "dist"))
    shapes = load_shapes([ROOT / "shapes" / "profile.ttl"], graph.base)
    result = graph.result
    ours = result.batch_stages["validate"] + result.stages["validate"]
    assert result.report is not None

    data = to_rdflib(graph.triples)
    start = time.perf_counter()
    pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
    )
    bare = time.perf_counter() - start
    return {
        "services": n,
        "triples": len(graph.triples),
        "findings": len(result.report.findings),
        "envanter_s": round(ours, 2),
        "pyshacl_s": round(bare, 2),
        "ratio": round(ours / bare, 2),
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
                f"{row['envanter_s']:7.2f} s  pyshacl {row['pyshacl_s']:7.2f} s  "
                f"ratio {row['ratio']:.2f}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
