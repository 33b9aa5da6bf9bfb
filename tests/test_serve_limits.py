"""`envanter serve` on the open internet: queries that would reach out are refused before they
run, a runaway query is stopped for real (time and memory) without slowing files down, slow
clients do not starve the others, and no process outlives the server. All on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from envanter.serve import sandbox

from .serving import Running, answers, descendants, serving, start, stop

THING = "/id/hizmet/halk-sut-destegi"
CARTESIAN = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
# Counting 9128³ rows: minutes of work in constant memory.
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def dist(seed_dist: Path) -> Path:
    return seed_dist  # (only read: the servers never write)


def sparql(
    running: Running, query: str, extra: dict[str, str] | None = None, timeout: float = 30
) -> tuple[int, bytes, float]:
    """GET /sparql?query=…: status, body and the seconds it took."""
    conn = running.connect(timeout)
    began = time.monotonic()
    try:
        conn.request("GET", "/sparql?" + urlencode({"query": query, **(extra or {})}))
        response = conn.getresponse()
        return response.status, response.read(), time.monotonic() - began
    finally:
        conn.close()


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def memory(pid: int, field: str) -> int:
    """A process's VmRSS or VmSize in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# No outbound connection


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    """A local listener a SERVICE or FROM could point the server at."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s


@pytest.fixture(scope="module")
def server(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with serving(dist, tmp_path_factory.mktemp("serve") / "serve.log", "--timeout", "5") as r:
        yield r


def test_nothing_reaches_out(server: Running, listener: socket.socket) -> None:
    there = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    refused = {
        f"SELECT * {{ SERVICE <{there}> {{ ?s ?p ?o }} }}": f"SERVICE <{there}> is refused",
        f"SELECT * {{ ?x ?y ?z OPTIONAL {{ SERVICE SILENT <{there}> {{ ?x ?p ?o }} }} }}": (
            f"SERVICE <{there}> is refused"
        ),
        f"ASK {{ {{ SELECT * {{ SERVICE <{there}> {{ }} }} }} }}": "SERVICE",
        "SELECT * { SERVICE ?where { ?s ?p ?o } VALUES ?where { <" + there + "> } }": (
            "SERVICE ?where is refused"
        ),
        f"SELECT * FROM <{there}> {{ ?s ?p ?o }}": f"FROM <{there}> is refused",
        f"SELECT * FROM NAMED <{there}> {{ GRAPH ?g {{ ?s ?p ?o }} }}": "FROM NAMED",
        f"LOAD <{there}>": "SPARQL updates are refused",
        f"PREFIX x: <urn:x:>\nLOAD SILENT <{there}> INTO GRAPH <urn:g>": "updates are refused",
    }
    for query, message in refused.items():
        status, body, _ = sparql(server, query)
        assert status == 400, (query, body)
        assert message in body.decode(), (query, body)
    status, body, _ = sparql(server, "ASK { ?s ?p ?o }", {"default-graph-uri": there})
    assert status == 400 and b"default-graph-uri" in body
    # Words that only look like clauses (in a comment, a string, an IRI) are no reason to refuse.
    status, body, _ = sparql(
        server, f'ASK {{ ?s ?p ?o FILTER(?o != "SERVICE <{there}>") }} # SERVICE <{there}>'
    )
    assert status == 200, body
    listener.settimeout(0.3)
    with pytest.raises(TimeoutError):
        listener.accept()


def test_a_worker_cannot_open_a_network_socket() -> None:
    """The second line of defence, should a query get past the guard: no IPv4/IPv6 socket."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            if sandbox.deny_network():
                try:
                    socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                except PermissionError:
                    try:
                        socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    except PermissionError:
                        socket.socketpair()[0].close()  # local pipes still work
                        code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_ambiguous_request_framing_is_refused(server: Running) -> None:
    """Two Content-Lengths, or one beside Transfer-Encoding: the ground for request smuggling."""
    for headers in (
        b"Content-Length: 5\r\nContent-Length: 6\r\n",
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
    ):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                + headers
                + b"Connection: close\r\n\r\nASK{}\r\n0\r\n\r\n"
            )
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        assert data.startswith(b"HTTP/1.1 400"), data[:200]


# ---------------------------------------------------------------------------------------------
# Bounded work


def test_the_cartesian_sort_is_stopped_under_the_memory_ceiling(dist: Path, tmp_path: Path) -> None:
    ceiling = 512 << 20
    # A time bound the sort cannot reach first, even on a busy host: the memory stops it.
    arguments = ("--timeout", "15", "--memory", "512", "--workers", "1")
    with serving(dist, tmp_path / "serve.log", *arguments) as running:
        server = running.process.pid
        peaks: dict[int, int] = {}  # the address space of the zygote and the workers
        server_peak = 0  # what the server holds (its threads' stacks make it large but empty)
        done = threading.Event()

        def watch() -> None:
            nonlocal server_peak
            while not done.is_set():
                for pid in descendants(server):
                    peaks[pid] = max(peaks.get(pid, 0), memory(pid, "VmSize"))
                server_peak = max(server_peak, memory(server, "VmRSS"))
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            status, body, took = sparql(running, CARTESIAN)
        finally:
            done.set()
            watcher.join()
        assert status == 503, body
        assert b"more memory than the server allows" in body, body
        assert took < 15
        assert len(peaks) >= 2 and max(peaks.values()) <= ceiling, peaks
        assert max(peaks.values()) > ceiling // 2  # the query did grow, up to the ceiling
        assert 0 < server_peak < 256 << 20  # the server itself stayed small
        status, body, _ = sparql(running, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        assert status == 200 and b'"9468"' in body  # the seed's graph and the ontology


def p99(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed_get(running: Running, path: str, headers: dict[str, str]) -> tuple[int, float]:
    conn = running.connect()
    began = time.monotonic()
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - began
    finally:
        conn.close()


def test_runaway_queries_are_killed_and_never_slow_files_down(dist: Path, tmp_path: Path) -> None:
    limit = 2.0
    arguments = ("--timeout", str(limit), "--workers", "4")
    with serving(dist, tmp_path / "serve.log", *arguments) as running:
        answers_: list[tuple[int, bytes, float]] = []
        runaways = [
            threading.Thread(target=lambda: answers_.append(sparql(running, RUNAWAY)))
            for _ in range(4)
        ]
        began = time.monotonic()
        for thread in runaways:
            thread.start()
        time.sleep(0.3)  # the four are running
        files, things = [], []
        for _ in range(50):
            status, took = timed_get(running, "/catalog.ttl", {})
            assert status == 200
            files.append(took)
            status, took = timed_get(running, THING, {"Accept": "text/turtle"})
            assert status == 303
            things.append(took)
        assert time.monotonic() - began < limit, "the measurements must fall within the queries"
        for thread in runaways:
            thread.join()
        assert [a[0] for a in answers_] == [503] * 4, answers_
        assert all(b"longer than the server's limit of 2 s" in a[1] for a in answers_)
        assert all(a[2] < limit + 1.0 for a in answers_)
        assert p99(files) < 0.2, sorted(files)[-5:]
        assert p99(things) < 0.2, sorted(things)[-5:]
        # Within a second of the limit, nothing works on the stopped queries any more.
        time.sleep(max(0.0, began + limit + 1.0 - time.monotonic()))
        tree = [running.process.pid, *descendants(running.process.pid)]
        before = cpu_seconds(tree)
        time.sleep(0.5)
        assert cpu_seconds(tree) - before < 0.1  # (of 1 s of CPU the two cores could give)
        status, _, _ = sparql(running, "ASK { ?s ?p ?o }")
        assert status == 200


def test_queries_beyond_the_queue_are_refused_with_retry_after(dist: Path, tmp_path: Path) -> None:
    arguments = ("--timeout", "2", "--workers", "1", "--queue", "1")
    with serving(dist, tmp_path / "serve.log", *arguments) as running:
        results: list[tuple[int, bytes, float]] = []
        threads = [
            threading.Thread(target=lambda: results.append(sparql(running, RUNAWAY)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.3)  # one runs, one waits: the next is one too many
        conn = running.connect()
        conn.request("GET", "/sparql?" + urlencode({"query": "ASK {}"}))
        response = conn.getresponse()
        body = response.read()
        conn.close()
        for thread in threads:
            thread.join()
        assert response.status == 503, body
        assert response.getheader("Retry-After") == "2"
        assert b"the server is busy" in body


# ---------------------------------------------------------------------------------------------
# Slow clients


def test_slow_clients_do_not_starve_the_others(server: Running) -> None:
    """300 connections sending their headers a byte at a time; a normal request still gets
    through at once."""
    slow = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(300)]
    request = b"GET /catalog.ttl HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    stop_sending = threading.Event()

    def dribble() -> None:
        for i in range(len(request)):
            for s in slow:
                with contextlib.suppress(OSError):  # (the server may drop some)
                    s.send(request[i : i + 1])
            if stop_sending.wait(0.02):
                return

    sender = threading.Thread(target=dribble)
    sender.start()
    try:
        timings = []
        for _ in range(50):
            status, took = timed_get(server, "/catalog.ttl", {})
            assert status == 200
            timings.append(took)
    finally:
        stop_sending.set()
        sender.join()
        for s in slow:
            s.close()
    assert p99(timings) < 1.0, sorted(timings)[-5:]


# ---------------------------------------------------------------------------------------------
# Workers die with their server


def test_sigkill_of_the_server_leaves_nothing_answering(dist: Path, tmp_path: Path) -> None:
    running = start(dist, tmp_path / "serve.log")
    try:
        status, _, _ = sparql(running, "ASK {}")
        assert status == 200
        tree = descendants(running.process.pid)
        assert len(tree) >= 3  # the zygote and two workers
        running.process.kill()
        running.process.wait()
        deadline = time.monotonic() + 5
        while answers(running.port) or any(alive(pid) for pid in tree):
            assert time.monotonic() < deadline, [p for p in tree if alive(p)]
            time.sleep(0.05)
    finally:
        stop(running)


@pytest.mark.parametrize(
    ("sent", "ignored"),
    [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGINT, True)],
    ids=["SIGTERM", "SIGINT", "SIGINT-while-ignored"],
)
def test_sigterm_and_sigint_stop_the_server_and_its_workers(
    dist: Path, tmp_path: Path, sent: signal.Signals, ignored: bool
) -> None:
    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a shell's background job has it

    running = start(dist, tmp_path / "serve.log", before=ignore_sigint if ignored else None)
    try:
        status, _, _ = sparql(running, "ASK {}")
        assert status == 200
        tree = descendants(running.process.pid)
        assert len(tree) >= 3
        running.process.send_signal(sent)
        assert running.process.wait(timeout=10) == 0, running.stderr()
        assert "stopped" in running.stderr()
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in tree):
            assert time.monotonic() < deadline, [p for p in tree if alive(p)]
            time.sleep(0.05)
        assert not answers(running.port)
    finally:
        stop(running)
