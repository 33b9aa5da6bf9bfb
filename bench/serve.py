"""`envanter serve` under load, on the built seed, all on 127.0.0.1.

(a) Dereferencing: client processes, each with one HTTP/1.1 keep-alive connection, ask for
random thing URIs with random Accept headers (every answer a 303) for a fixed time, bounded in
requests too; reports requests per second (target: 500 or more on 2 cores).
(b) SPARQL: each example query in queries/ 50 times over HTTP, one after another; reports the
p50 and p99 latency per query (target: p99 under 50 ms).

The server runs as `envanter serve` in its own process, so the clients (separate processes)
do not share its interpreter lock.

    python bench/serve.py [--seconds 10] [--clients 4] [--workers 1] [--dist DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from envanter.run.pipeline import BuildOptions, build  # noqa: E402
from envanter.sparql import adapt_query, dataset_base, example_queries  # noqa: E402

ACCEPTS = [
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/json",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html;q=0.5, text/turtle",
]
MAX_REQUESTS = 2_000_000  # per client: the loop is bounded in count as well as in time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def things(dist: Path) -> list[str]:
    """The thing paths the publication has documents for (doc/id/x.ttl → /id/x)."""
    doc = dist / "doc"
    return sorted(
        "/" + quote(p.relative_to(doc).as_posix()[: -len(".ttl")]) for p in doc.rglob("*.ttl")
    )


def hammer(port: int, paths: list[str], seconds: float, seed: int) -> tuple[int, int, float]:
    """One client: requests until the time is up; (answered 303, other answers, seconds)."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    ok = bad = 0
    start = time.monotonic()
    deadline = start + seconds
    while time.monotonic() < deadline and ok + bad < MAX_REQUESTS:
        conn.request("GET", rng.choice(paths), headers={"Accept": rng.choice(ACCEPTS)})
        response = conn.getresponse()
        response.read()
        if response.status == 303:
            ok += 1
        else:
            bad += 1
    elapsed = time.monotonic() - start
    conn.close()
    return ok, bad, elapsed


def dereference_rate(port: int, paths: list[str], seconds: float, clients: int) -> dict[str, float]:
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        counts = pool.starmap(hammer, [(port, paths, seconds, i) for i in range(clients)])
    # The clients' own time under load (starting the processes is not part of it).
    elapsed = max(c[2] for c in counts)
    ok = sum(c[0] for c in counts)
    bad = sum(c[1] for c in counts)
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": ok + bad,
        "not_303": bad,
        "requests_per_s": round((ok + bad) / elapsed, 1),
    }


def query_latencies(port: int, dist: Path, runs: int) -> list[dict[str, object]]:
    base = dataset_base(dist)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rows: list[dict[str, object]] = []
    for q in example_queries(ROOT / "queries"):
        text = adapt_query(q.text, base).encode("utf-8")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            conn.request(
                "POST",
                "/sparql",
                body=text,
                headers={
                    "Content-Type": "application/sparql-query",
                    "Accept": "application/sparql-results+json",
                },
            )
            response = conn.getresponse()
            body = response.read()
            times.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                raise SystemExit(f"{q.name}: {response.status} {body[:300]!r}")
        times.sort()
        rows.append(
            {
                "query": q.name,
                "runs": runs,
                "p50_ms": round(statistics.median(times), 2),
                "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
                "max_ms": round(times[-1], 2),
            }
        )
    conn.close()
    return rows


def start_server(dist: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    envanter = Path(sys.executable).with_name("envanter")
    command = (
        [str(envanter)]
        if envanter.exists()
        else [sys.executable, "-c", "from envanter.cli import main; main()"]
    )
    process = subprocess.Popen(
        [*command, "serve", "--dist", str(dist), "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the load (a)")
    parser.add_argument("--clients", type=int, default=4, help="client processes for (a)")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--runs", type=int, default=50, help="runs of each query for (b)")
    parser.add_argument("--dist", type=Path, help="a built publication (default: build the seed)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        dist = args.dist
        if dist is None:
            dist = Path(tmp) / "dist"
            cwd = Path.cwd()
            os.chdir(ROOT)
            try:
                build(BuildOptions(out=dist, base_uri="http://127.0.0.1:8000/"))
            finally:
                os.chdir(cwd)
        paths = things(dist)
        port = free_port()
        server = start_server(dist, port, args.workers)
        try:
            load = dereference_rate(port, paths, args.seconds, args.clients)
            latencies = query_latencies(port, dist, args.runs)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=10)

    print(
        f"dereferencing: {len(paths)} things, {args.clients} clients, {args.workers} server process(es), {os.cpu_count()} cores"
    )
    print(
        f"  {load['requests']} requests in {load['seconds']} s: {load['requests_per_s']} requests/s ({load['not_303']} not 303)"
    )
    print()
    print(f"{'query':40} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for row in latencies:
        print(f"{row['query']!s:40} {row['p50_ms']:>8} {row['p99_ms']:>8} {row['max_ms']:>8}")
    worst = max(float(str(r["p99_ms"])) for r in latencies)
    print(f"worst p99: {worst} ms")
    if args.json:
        figures = {"cores": os.cpu_count(), "workers": args.workers, "things": len(paths),
                   "dereference": load, "queries": latencies}  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
