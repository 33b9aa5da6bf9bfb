"""A fixed pool of query worker processes, started from the zygote, and the bounds on queries:
at most `size` run at once, at most `queue` more wait (for no longer than the time limit), the
rest are refused at once; a query past its time limit has its worker killed and replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .zygote import LENGTH, receive_frame, send_frame

APPROVED = 1024  # queries remembered as checked


class Unavailable(Exception):
    """The query was not answered; `status` and the message say why (503 or 504)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass
class Reply:
    status: int
    head: dict[str, Any]
    body: bytes


@dataclass
class WorkerProcess:
    pid: int
    pidfd: int  # signals reach this process, never another that reused its number
    sock: socket.socket

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        self.sock.close()
        os.close(self.pidfd)


class Pool:
    def __init__(
        self,
        dist: Path,
        size: int,
        timeout: float,
        limit: int | None,
        memory: int | None,
        queue_size: int = 32,
        queries: Path | None = None,
        startup: float = 120.0,
    ) -> None:
        self.size, self.timeout, self.queue_size, self.memory = size, timeout, queue_size, memory
        self.idle: queue.Queue[WorkerProcess] = queue.Queue()
        self.waiting = 0
        self.lock = threading.Lock()  # guards `waiting` and the zygote's socket
        self.closed = False
        # Queries a worker checked and ran: the next worker need not parse them again.
        self.approved: OrderedDict[str, None] = OrderedDict()
        control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.control = control
        self.zygote = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "envanter.serve.zygote",
                f"--socket={theirs.fileno()}",
                f"--parent={os.getpid()}",
                f"--dist={dist}",
                f"--limit={limit or 0}",
                f"--memory={memory or 0}",
                *([f"--queries={queries}"] if queries is not None else []),
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        control.settimeout(startup)
        try:
            ready = json.loads(receive_frame(control))
        except (EOFError, OSError) as e:
            self.close()
            raise ConfigError(f"the query workers did not start: {e}") from e
        if "error" in ready:
            self.close()
            raise ConfigError(str(ready["error"]))
        control.settimeout(None)
        self.triples: int = ready["triples"]
        for _ in range(size):
            self.idle.put(self.spawn())

    def spawn(self) -> WorkerProcess:
        with self.lock:
            self.control.sendall(b"w")
            data, fds, _, _ = socket.recv_fds(self.control, LENGTH.size, 1)
        (pid,) = LENGTH.unpack(data)
        worker = WorkerProcess(pid, os.pidfd_open(pid), socket.socket(fileno=fds[0]))
        return worker

    def replace(self, worker: WorkerProcess) -> None:
        worker.kill()
        if not self.closed:
            self.idle.put(self.spawn())

    def run(self, job: dict[str, Any]) -> Reply:
        """Run one query on a free worker: its reply, or Unavailable."""
        key = json.dumps([job["query"], job["default"], job["named"]])
        reply = self.queued({**job, "approved": key in self.approved})
        if reply.head.get("checked"):
            with self.lock:
                self.approved[key] = None
                self.approved.move_to_end(key)
                if len(self.approved) > APPROVED:
                    self.approved.popitem(last=False)
        return reply

    def queued(self, job: dict[str, Any]) -> Reply:
        with self.lock:
            if self.waiting >= self.queue_size + self.size:
                raise Unavailable(
                    503,
                    f"the server is busy ({self.size} queries running, {self.queue_size} "
                    "waiting); try again shortly",
                    retry_after=max(1, round(self.timeout)),
                )
            self.waiting += 1
        try:
            try:
                worker = self.idle.get(timeout=self.timeout)
            except queue.Empty:
                raise Unavailable(
                    503,
                    f"no query worker was free within {self.timeout:g} s; try again shortly",
                    retry_after=max(1, round(self.timeout)),
                ) from None
            return self.on(worker, job)
        finally:
            with self.lock:
                self.waiting -= 1

    def on(self, worker: WorkerProcess, job: dict[str, Any]) -> Reply:
        deadline = time.monotonic() + self.timeout
        try:
            worker.sock.settimeout(self.timeout)
            send_frame(worker.sock, json.dumps(job).encode())
            worker.sock.settimeout(max(0.001, deadline - time.monotonic()))
            head = json.loads(receive_frame(worker.sock))
            worker.sock.settimeout(max(0.001, deadline - time.monotonic()))
            body = receive_frame(worker.sock)
        except TimeoutError:
            self.replace(worker)  # a query cannot be stopped inside one step: its process can
            raise Unavailable(
                503,
                f"the query ran longer than the server's limit of {self.timeout:g} s and was "
                "stopped; narrow it down (a LIMIT, more specific patterns) or run it on the "
                "downloaded dataset",
            ) from None
        except (EOFError, OSError, ValueError):
            self.replace(worker)
            raise Unavailable(503, self.died()) from None
        if head.get("message") == "memory" and head.get("status") == 503:
            self.replace(worker)
            raise Unavailable(503, self.died())
        self.idle.put(worker)
        return Reply(int(head["status"]), head, body)

    def died(self) -> str:
        ceiling = f" of {self.memory >> 20} MB" if self.memory else ""
        return (
            f"the query needed more memory than the server allows each query{ceiling} and was "
            "stopped; narrow it down (a LIMIT, fewer variables to sort) or run it on the "
            "downloaded dataset"
        )

    def close(self) -> None:
        """Stop every worker and the zygote (they would die with this process anyway)."""
        self.closed = True
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                break
        self.control.close()
        self.zygote.kill()
        self.zygote.wait()
