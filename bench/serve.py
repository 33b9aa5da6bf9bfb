"""`envanter serve` under load, on the built seed, all on 127.0.0.1.

(a) Dereferencing: client processes, each with one HTTP/1.1 keep-alive connection, ask for
random thing URIs with random Accept headers (every answer a 303) for a fixed time, bounded in
requests too; reports requests per second (target: 500 or more on 2 cores).
(b) SPARQL: 1, 8 and 64 clients at once, each sending the example queries in queries/ over
its own keep-alive connection, round after round; reports the p50 and p99 latency of all their
requests (target: p99 under 50 ms with 8 clients). One warm-up round comes first.

The server runs as `envanter serve` in its own process, so the clients (separate processes)
do not share its interpreter lock.

    python bench/serve.py [--seconds 10] [--clients 4] [--workers 2] [--rounds 5] [--dist DIR]
                          [--json FILE]
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


def ask_all(port: int, texts: list[bytes], rounds: int, threads: int) -> list[float]:
    """One client process: `threads` connections, each sending every query `rounds` times;
    the latencies in milliseconds."""
    import threading

    times: list[float] = []
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(rounds):
            for text in texts:
                start = time.perf_counter()
                conn.request("POST", "/sparql", body=text, headers=SPARQL_HEADERS)
                response = conn.getresponse()
                body = response.read()
                mine.append((time.perf_counter() - start) * 1000)
                if response.status != 200:
                    failures.append(f"{response.status} {body[:300]!r}")
        conn.close()
        times.extend(mine)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} queries failed, the first: {failures[0]}")
    return times


SPARQL_HEADERS = {
    "Content-Type": "application/sparql-query",
    "Accept": "application/sparql-results+json",
}


def query_latencies(port: int, dist: Path, clients: int, rounds: int) -> dict[str, object]:
    base = dataset_base(dist)
    texts = [adapt_query(q.text, base).encode("utf-8") for q in example_queries(ROOT / "queries")]
    ask_all(port, texts, 1, 1)  # warm-up: every query parsed and checked once
    processes = min(clients, 8)  # clients beyond 8 are threads of these processes
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.starmap(ask_all, [(port, texts, rounds, n) for n in shares])
    elapsed = time.perf_counter() - start
    times = sorted(t for part in parts for t in part)
    return {
        "clients": clients,
        "requests": len(times),
        "queries_per_s": round(len(times) / elapsed, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
        "max_ms": round(times[-1], 2),
    }


def start_server(dist: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    envanter = Path(sys.executable).with_name("envanter")
    command = (
        [str(envanter)]
        if envanter.exists()
        else [sys.executable, "-c", "from envanter.cli import main; main()"]
    )
    process = subprocess.Popen(
        [
            *command,
            "serve",
            "--dist",
            str(dist),
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--queue",
            "64",
        ],
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
    parser.add_argument("--workers", type=int, default=2, help="the server's query workers")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the queries a client")
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
            latencies = [query_latencies(port, dist, n, args.rounds) for n in (1, 8, 64)]
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=10)

    print(f"dereferencing: {len(paths)} things, {args.clients} clients, {os.cpu_count()} cores")
    print(
        f"  {load['requests']} requests in {load['seconds']} s: {load['requests_per_s']} "
        f"requests/s ({load['not_303']} not 303)"
    )
    print()
    print(f"SPARQL, the example queries, {args.workers} query workers:")
    print(f"{'clients':>8} {'requests':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for row in latencies:
        print(
            f"{row['clients']!s:>8} {row['requests']!s:>9} {row['queries_per_s']!s:>8} "
            f"{row['p50_ms']!s:>8} {row['p99_ms']!s:>8} {row['max_ms']!s:>8}"
        )
    if args.json:
        figures = {"cores": os.cpu_count(), "workers": args.workers, "things": len(paths),
                   "dereference": load, "sparql": latencies}  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
