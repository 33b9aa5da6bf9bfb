"""How the build runs, apart from what it does: in this process (`Serial`) or in forked worker
processes (`Parallel`), with the garbage-collector policy both share. Either gives the same bytes;
the build's stages never see a process, a pipe or the collector.

The policy: reading and mapping make millions of long-lived objects and almost no cyclic garbage,
yet the cyclic collector would traverse them again and again (more than half of the graph stage
of a national inventory). So it is off for the whole build; what the build has kept is frozen out
of its sight after each batch (never scanned again, nor its pages copied into forked workers by
the collector touching them), and a batch, whose objects die with it, is collected once when it
ends. Once the last batch is merged, what the build keeps is frozen and the collector comes back
on: the stages after the batches make pages and files, not data they keep, and a rendered
page's template context leaves cycles that only the collector frees (off, they would pile up
until the build ends, a page at a time). Before those stages fork to share out their pages,
what the build holds is collected and frozen again, and the C heap's free pages given back, so
that the forked processes share its pages rather than copy them.
"""

from __future__ import annotations

import ctypes
import gc
import heapq
import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Protocol, TypeVar

from ..errors import EnvanterError

T = TypeVar("T")
C = TypeVar("C")
R = TypeVar("R")

Progress = Callable[[str], None]


class WorkerLost(EnvanterError):
    """A process of the build ended without its result: killed, or out of memory."""


class Stop(Protocol):
    """A flag the batches share: set once a batch has a violation, so that none writes more."""

    value: int


class Executor(Protocol):
    """How the build runs its stages: `Serial` or `Parallel`."""

    parallel: bool

    def batch_size(self, services: int) -> int: ...

    def running(self) -> AbstractContextManager[None]: ...

    def read(self, work: Callable[[Progress], R], progress: Progress) -> R: ...

    def batches(
        self, publish: Callable[[C, int, Stop], R], context: C, count: int
    ) -> Iterator[R]: ...

    def each(
        self, jobs: list[T], work: Callable[[T], None], cost: Callable[[T], int] | None = None
    ) -> None: ...


class Flag:
    """The stop flag where the batches run in this process."""

    value = 0


def services_per_batch(services: int, workers: int) -> int:
    """Services per batch: a few per worker so that every core stays busy to the end, and at
    most 1,000 so that a batch's graph, its rdflib shards and its pages stay small — and the same
    size for any inventory of 8,000 services or more, so that what a service costs in a batch does
    not grow with the inventory."""
    return max(100, min(1_000, -(-services // (4 * workers))))


@contextmanager
def no_cyclic_gc(after: Callable[[], object] = gc.freeze) -> Iterator[None]:
    """The cyclic collector off while the work makes its objects; then `after` (by default what
    was made is frozen out of the collector's sight; a batch collects instead)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        after()
        if collecting:
            gc.enable()
        else:
            gc.disable()  # (a stage may have turned it on: see the batches)


class Serial:
    """Everything in this process: for tests, debugging, and systems without fork."""

    parallel = False

    def __init__(self, services_per_batch: int | None = None) -> None:
        # None: the parallel build's size for one worker; a large number: one batch.
        self.size = services_per_batch

    def batch_size(self, services: int) -> int:
        return self.size or services_per_batch(services, 1)

    @contextmanager
    def running(self) -> Iterator[None]:
        """The build's collector policy, from its start to its end."""
        try:
            with no_cyclic_gc():
                yield
        finally:
            gc.unfreeze()  # what the build froze is ordinary garbage again once it is done

    def read(self, work: Callable[[Progress], R], progress: Progress) -> R:
        """`work(progress)`: reading the source and packing its batches."""
        return work(progress)

    def batches(self, publish: Callable[[C, int, Stop], R], context: C, count: int) -> Iterator[R]:
        """`publish(context, k, stop)` for every batch k, the results in order; what the caller
        kept of a result is frozen when it asks for the next."""
        gc.freeze()  # what the build made before the batches: each batch's collection skips it
        stop = Flag()
        for k in range(count):
            with no_cyclic_gc(after=gc.collect):
                result = publish(context, k, stop)
            yield result
            kept()
        batches_done()

    def each(
        self, jobs: list[T], work: Callable[[T], None], cost: Callable[[T], int] | None = None
    ) -> None:
        """`work` on every job."""
        for job in jobs:
            work(job)


class Parallel(Serial):
    """The reading in a forked child (the raw cells, records and tables of a national inventory
    take gigabytes, all given back when it exits), the batches in a pool of forked workers, one per
    core, and the end's pages and documents shared out among forked processes. Forked children
    share what the build has read, so no data but a batch's index and result goes through pipes.
    Where fork is unavailable, it runs as `Serial`."""

    parallel = True

    def __init__(self, workers: int | None = None) -> None:
        super().__init__()
        self.workers = workers or available_cores()
        self.forking = hasattr(os, "fork")

    def batch_size(self, services: int) -> int:
        return services_per_batch(services, self.workers)

    def read(self, work: Callable[[Progress], R], progress: Progress) -> R:
        if not self.forking:
            return work(progress)
        return in_child(work, progress)

    def batches(self, publish: Callable[[C, int, Stop], R], context: C, count: int) -> Iterator[R]:
        if self.workers <= 1 or count <= 1 or not self.forking:
            yield from super().batches(publish, context, count)
            return
        yield from in_workers(publish, context, count, self.workers)

    def each(
        self, jobs: list[T], work: Callable[[T], None], cost: Callable[[T], int] | None = None
    ) -> None:
        """`work` on every job, shared out among forked processes, one per core; a failed child
        fails the whole. Many small jobs of about the same size are dealt out in turn; with
        `cost`, jobs of very different sizes (a page listing 100,000 services beside pages
        listing ten) go largest first to the process with the least so far."""
        in_processes(jobs, work, cost, self.workers if self.forking else 1)


def kept() -> None:
    """What the build holds lives to its end: collected first (for the cyclic garbage a batch
    run in this process leaves), then frozen out of the collector's sight, so that no later
    collection traverses it again (after every batch) or writes to it (in this process and the
    ones it forks to share out pages)."""
    gc.collect()
    gc.freeze()


def batches_done() -> None:
    """After the last batch (kept() froze what the build merged): the collector on again for the
    stages after the batches, which make pages and files whose garbage it frees as they go."""
    gc.enable()


def in_workers(
    publish: Callable[[C, int, Stop], R], context: C, count: int, workers: int
) -> Iterator[R]:
    """`publish(context, k, stop)` for every batch k, each in a process forked for it, `workers`
    at a time; the results in order. A fresh fork for every batch: what a worker copied of the
    build's memory by touching it (copy-on-write) goes with it, so no worker grows to a copy of
    the build, and a worker that dies is seen (its pipe closes without a result)."""
    gc.freeze()  # what the build made before the batches: kept()'s collections skip it
    mp = multiprocessing.get_context("fork")
    stop = mp.Value("b", 0, lock=False)
    running: dict[int, tuple[BaseProcess, Connection]] = {}
    done: dict[int, R] = {}
    started = 0

    def start(k: int) -> None:
        receive, send = mp.Pipe(duplex=False)
        process = mp.Process(target=run_batch, args=(send, publish, context, k, stop))
        process.start()
        send.close()
        running[k] = (process, receive)

    try:
        for k in range(count):
            while k not in done:
                while started < count and len(running) < workers:
                    start(started)
                    started += 1
                ready = wait([receive for _, receive in running.values()])
                for j in [j for j, (_, receive) in running.items() if receive in ready]:
                    process, receive = running.pop(j)
                    try:
                        kind, value = receive.recv()
                    except EOFError:
                        process.join()
                        raise WorkerLost(
                            f"a worker process died (exit status {process.exitcode}) while "
                            f"publishing batch {j + 1} of {count}; nothing was published"
                        ) from None
                    finally:
                        receive.close()
                    process.join()
                    if kind == "error":
                        raise value
                    done[j] = value
            yield done.pop(k)
            kept()
        batches_done()
    finally:
        for process, receive in running.values():
            process.kill()
            process.join()
            receive.close()


def run_batch(
    send: Connection, publish: Callable[[C, int, Stop], R], context: C, index: int, stop: Stop
) -> None:
    """In a worker: one batch, its result sent back. What the worker inherits is frozen out of
    its collector's sight (there is more of it with every batch the build has merged); the
    batch's own objects are collected once, when it ends."""
    gc.freeze()
    with no_cyclic_gc(after=gc.collect):
        report_to(send, lambda: publish(context, index, stop))
    send.close()


def trim_heap() -> None:
    """Give the C heap's free pages back to the system (glibc's malloc_trim), before forking:
    pages freed but kept by the allocator would otherwise stay resident in this process and be
    copied when a child or this process reuses them. Nothing where the C library has no
    malloc_trim."""
    trim = getattr(c_library(), "malloc_trim", None)
    if trim is not None:
        trim(0)


def c_library() -> Any:
    """The C library the interpreter runs on (ctypes), on Linux; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def in_processes(
    jobs: list[T],
    work: Callable[[T], None],
    cost: Callable[[T], int] | None = None,
    workers: int | None = None,
) -> None:
    """`work` on every job, in `workers` forked processes (this one among them; by default one
    per available core, and only one where fork is unavailable)."""
    cores = workers or available_cores()
    n = min(cores, len(jobs) if cost else max(1, len(jobs) // 200))
    if n <= 1 or not hasattr(os, "fork"):
        for job in jobs:
            work(job)
        return
    shares = deal(jobs, n, cost)
    # What this process holds frozen, and the heap's free pages given back: the children
    # share its pages rather than copy them.
    kept()
    trim_heap()
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


def in_child(work: Callable[[Progress], R], progress: Progress) -> R:
    """`work(progress)` in a forked child process, its progress messages passed on as they come
    and its result (or error) sent back; the memory it used is given back when it exits."""
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
        raise WorkerLost(
            "the process reading the source died without its result (killed, or out of "
            "memory?); nothing was published"
        ) from None
    return found
