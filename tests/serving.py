"""Starting `envanter serve` as the command it is, on 127.0.0.1, for the tests that talk to it."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT, free_port

ENVANTER = str(Path(sys.executable).with_name("envanter"))


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    port: int
    log: Path  # the server's stderr

    def connect(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def answers(port: int) -> bool:
    """Whether something accepts connections on the port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def start(
    dist: Path,
    log: Path,
    *arguments: str,
    before: Callable[[], None] | None = None,
) -> Running:
    port = free_port()
    with log.open("wb") as err:
        process = subprocess.Popen(
            [
                ENVANTER,
                "serve",
                "--dist",
                str(dist),
                "--port",
                str(port),
                "--queries",
                str(ROOT / "queries"),
                "--site",
                str(ROOT / "site"),
                *arguments,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=before,
        )
    running = Running(process, port, log)
    deadline = time.monotonic() + 30
    while not answers(port):
        assert process.poll() is None, running.stderr()
        assert time.monotonic() < deadline, "the server did not listen within 30 s"
        time.sleep(0.05)
    return running


def stop(running: Running) -> None:
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGTERM)
        try:
            running.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait()


@contextmanager
def serving(dist: Path, log: Path, *arguments: str) -> Iterator[Running]:
    running = start(dist, log, *arguments)
    try:
        yield running
    finally:
        stop(running)


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (from /proc: children of children too)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def oxigraph_binary() -> str:
    """The Oxigraph server's command (the `oxigraph` package from PyPI, a development tool)."""
    import shutil

    import pytest

    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.fail(
            "the oxigraph server is missing: install the development tools with "
            "`bash scripts/setup.sh --dev` (the `oxigraph` package from PyPI)"
        )
    return found


@contextmanager
def oxigraph(location: Path, *arguments: str, command: str = "serve") -> Iterator[int]:
    """An Oxigraph server on 127.0.0.1 holding the store at `location`; yields its port."""
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph_binary(),
            command,
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            *arguments,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while not answers(port):
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "oxigraph did not listen within 15 s"
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
