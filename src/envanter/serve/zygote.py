"""The query side of `envanter serve`: a zygote process that loads the store once and forks the
query workers, and the worker loop that checks, runs and writes one query at a time.

The server starts the zygote as a fresh interpreter (`python -m envanter.serve.zygote`), so no
server thread, socket or lock is ever copied into a worker. Each worker, once forked, takes a
memory ceiling, dies with its parent and loses the network (sandbox.py) before it reads a query.
The zygote dies with the server the same way, so a killed server takes every worker with it.

Messages on the sockets are frames: a 4-byte length, then JSON (a reply's body follows as a
second, raw frame). JSON, not pickle: a worker is the part that runs strangers' queries, and
nothing it sends can make the server run code.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import signal
import socket
import struct
import sys
from pathlib import Path
from typing import Any

from ..sparql import (
    QueryError,
    adapt_query,
    dataset_base,
    dataset_prefixes,
    evaluate,
    example_queries,
    load_store,
)
from . import guard, sandbox
from .negotiation import negotiate
from .results import NotWritable, formats_for, write_result

LENGTH = struct.Struct(">I")
MAX_FRAME = 1 << 30  # a frame longer than this is a broken peer, not an answer


def send_frame(sock: socket.socket, data: bytes) -> None:
    sock.sendall(LENGTH.pack(len(data)) + data)


def receive_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError("the peer closed the connection")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def receive_frame(sock: socket.socket) -> bytes:
    (size,) = LENGTH.unpack(receive_exactly(sock, LENGTH.size))
    if size > MAX_FRAME:
        raise EOFError(f"a frame of {size} bytes")
    return receive_exactly(sock, size)


# ---------------------------------------------------------------------------------------------
# A worker: one query at a time


class Worker:
    def __init__(self, dist: Path, limit: int | None, queries: Path | None) -> None:
        self.store = load_store(dist)
        self.graphs = frozenset(g.value for g in self.store.named_graphs())
        self.prefixes = dataset_prefixes(dist)
        self.limit = limit
        # The grammar and the example queries' parse trees are made once, here in the zygote,
        # and every worker forked from it has them.
        guard.parsed("ASK {}")
        if queries is not None and queries.is_dir():
            base = dataset_base(dist)
            for example in example_queries(queries):
                with contextlib.suppress(guard.Refused):
                    guard.parsed(adapt_query(example.text, base))

    def answer(self, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """The reply to one query: a status with a message, or 200 with the result."""
        default, named = job.get("default", []), job.get("named", [])
        try:
            if not job.get("approved"):  # (the server remembers what a worker let through)
                guard.check(job["query"], self.graphs, default, named)
            result = evaluate(self.store, job["query"], self.limit, lambda: False, default, named)
        except guard.Refused as e:
            return {"status": 400, "message": str(e)}, b""
        except QueryError as e:
            return {"status": 400, "message": str(e)}, b""
        formats = formats_for(result)
        asked = job.get("format")
        if asked:
            names = [f.name for f in formats]
            if asked not in names:
                message = f"format={asked}: this answer can be had as {', '.join(names)}"
                return {"status": 400, "message": message}, b""
            fmt = formats[names.index(asked)]
        else:
            chosen = negotiate(job.get("accept"), [f.accepts for f in formats])
            if chosen is None:
                offered = ", ".join(f.accepts[0] for f in formats)
                return {"status": 406, "message": f"this answer can be had as {offered}"}, b""
            fmt = formats[chosen]
        try:
            body = write_result(result, fmt.name, self.prefixes)
        except NotWritable as e:
            return {"status": 406, "message": str(e)}, b""
        truncated = bool(getattr(result, "truncated", False))
        head = {"status": 200, "type": fmt.media_type, "truncated": truncated, "checked": True}
        return head, body

    def serve(self, sock: socket.socket) -> None:
        while True:
            try:
                job = json.loads(receive_frame(sock))
            except EOFError:
                return
            try:
                head, body = self.answer(job)
            except MemoryError:
                # Python's heap hit the ceiling: say so, then leave (the state is suspect).
                head, body = {"status": 503, "message": "memory"}, b""
                send_frame(sock, json.dumps(head).encode())
                send_frame(sock, body)
                return
            send_frame(sock, json.dumps(head).encode())
            send_frame(sock, body)


def become_worker(worker: Worker, sock: socket.socket, zygote: int, memory: int | None) -> None:
    sandbox.die_with_parent(zygote)
    os.nice(10)  # files and dereferencing, on the server's threads, go first
    resource.setrlimit(
        resource.RLIMIT_CORE, (0, 0)
    )  # a worker stopped at its ceiling leaves no core
    if memory is not None:
        sandbox.limit_memory(memory)
    sandbox.deny_network()
    worker.serve(sock)


# ---------------------------------------------------------------------------------------------
# The zygote


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="envanter.serve.zygote")
    parser.add_argument("--socket", type=int, required=True)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--dist", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--memory", type=int, default=0)
    parser.add_argument("--queries", type=Path)
    options = parser.parse_args(argv)
    sandbox.die_with_parent(options.parent)
    # Ctrl-C in a terminal reaches the whole process group: the server stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they end
    control = socket.socket(fileno=options.socket)
    try:
        worker = Worker(options.dist, options.limit or None, options.queries)
    except Exception as e:  # told to the server, which reports it and exits
        send_frame(control, json.dumps({"error": str(e)}).encode())
        sys.exit(1)
    memory = options.memory or None
    if memory is not None and sandbox.address_space() >= memory:
        message = (
            f"--memory {memory >> 20} MB is below what a worker needs with the store loaded "
            f"({sandbox.address_space() >> 20} MB of address space): raise it"
        )
        send_frame(control, json.dumps({"error": message}).encode())
        sys.exit(1)
    send_frame(control, json.dumps({"triples": len(worker.store)}).encode())
    zygote = os.getpid()
    while True:
        try:
            command = control.recv(1)
        except OSError:
            return
        if not command:
            return  # the server closed its end: it is gone or stopping
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                ours.close()
                become_worker(worker, theirs, zygote, memory)
            finally:
                os._exit(0)
        theirs.close()
        try:
            socket.send_fds(control, [LENGTH.pack(pid)], [ours.fileno()])
        except OSError:
            return  # the server is gone: so are its workers, by their parent-death signal
        finally:
            ours.close()


if __name__ == "__main__":
    main()
