"""Work shared out among forked processes: the build's slow stages (pages, documents) use both
cores. Forked children share what the parent has already read, so no data goes through pipes;
`no_cyclic_gc` keeps the cyclic collector from traversing (and so copying into every child)
what the build holds."""

from __future__ import annotations

import gc
import heapq
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


@contextmanager
def no_cyclic_gc(after: Callable[[], object] = gc.freeze) -> Iterator[None]:
    """Reading and mapping make millions of long-lived objects and almost no cyclic garbage, yet
    the cyclic collector would traverse them again and again (measured: more than half of the
    graph stage at 100,000 services). It is off while they are made, and what was made is then
    frozen out of its sight (build() gives it back): never scanned again, nor its pages copied
    into the forked workers by the collector touching them. A batch, whose objects die with it,
    collects once instead (`after=gc.collect`)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        after()
        if collecting:
            gc.enable()


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def in_processes(
    jobs: list[T], work: Callable[[T], None], cost: Callable[[T], int] | None = None
) -> None:
    """Do `work` on every job, shared out among forked processes, one per available core (all
    in this process where fork is unavailable or there is one core). The children share what
    this process has read so far; a failed child fails the whole.

    Many small jobs of about the same size are dealt out in turn. With `cost`, jobs of very
    different sizes (a page listing 100,000 services beside pages listing ten) are shared out by
    it: the largest first, each to the process with the least so far."""
    n = min(available_cores(), len(jobs) if cost else max(1, len(jobs) // 200))
    if n <= 1 or not hasattr(os, "fork"):
        for job in jobs:
            work(job)
        return
    shares = deal(jobs, n, cost)
    children: list[int] = []
    try:
        for k in range(1, n):
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # a child: its share, reported by exit status; never returns
                status = 1
                try:
                    for job in shares[k]:
                        work(job)
                    status = 0
                except BaseException:
                    traceback.print_exc()
                    sys.stderr.flush()
                finally:
                    os._exit(status)
            children.append(pid)
        for job in shares[0]:
            work(job)
    finally:
        failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    if failed:
        raise OSError(f"{len(failed)} of {n} worker processes failed (see above)")


def deal(jobs: list[T], n: int, cost: Callable[[T], int] | None = None) -> list[list[T]]:
    """The jobs in n shares: in turn, or, with `cost`, largest first to the least loaded share
    (each share keeps the jobs' order)."""
    if cost is None:
        return [jobs[k::n] for k in range(n)]
    loads = [(0, k) for k in range(n)]
    owner = [0] * len(jobs)
    for i in sorted(range(len(jobs)), key=lambda i: -cost(jobs[i])):
        load, k = heapq.heappop(loads)
        owner[i] = k
        heapq.heappush(loads, (load + cost(jobs[i]), k))
    return [[job for i, job in enumerate(jobs) if owner[i] == k] for k in range(n)]


R = TypeVar("R")


def report_to(send: Any, work: Callable[[], object]) -> None:
    """In a child: send back work()'s result, or the error it raised."""
    try:
        outcome: tuple[str, object] = ("done", work())
    except BaseException as e:  # sent back to be raised there
        try:
            pickle.dumps(e)
            outcome = ("error", e)
        except Exception:
            outcome = ("error", RuntimeError(f"{type(e).__name__}: {e}"))
    send.send(outcome)


def receive_result(receive: Any) -> tuple[str, Any]:
    try:
        found: tuple[str, Any] = receive.recv()
    except EOFError:
        raise RuntimeError("a child process of the build ended without a result") from None
    return found


def in_child(work: Callable[[Callable[[str], None]], R], progress: Callable[[str], None]) -> R:
    """`work(progress)` in a forked child process, its progress messages passed on as they come
    and its result (or error) sent back; the memory it used is given back when it exits. In this
    process where fork is unavailable."""
    if not hasattr(os, "fork"):
        return work(progress)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def said(message: str) -> None:
        send.send(("progress", message))

    process = context.Process(target=report_to, args=(send, lambda: work(said)))
    process.start()
    send.close()
    try:
        while True:
            kind, value = receive_result(receive)
            if kind == "progress":
                progress(value)
            elif kind == "error":
                raise value
            else:
                result: R = value
                return result
    finally:
        receive.close()
        process.join()
