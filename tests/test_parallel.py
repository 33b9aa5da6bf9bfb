"""How the build runs: work shared out among forked processes, batches in worker processes,
and a worker that dies (envanter.run.executor)."""

from __future__ import annotations

import gc
import os
import signal
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from envanter.run.executor import (
    Parallel,
    Serial,
    Stop,
    WorkerLost,
    c_library,
    deal,
    in_processes,
    trim_heap,
)
from envanter.run.pipeline import BuildOptions, build

from .conftest import ROOT


def test_pages_are_shared_out_among_processes_once_each(tmp_path: Path) -> None:
    """The renderer's fork helper: every job done exactly once; a failing child fails it all."""
    jobs = list(range(1000))

    def work(k: int) -> None:
        (tmp_path / str(k)).write_text(str(os.getpid()), encoding="utf-8")

    in_processes(jobs, work)
    assert sorted(int(p.name) for p in tmp_path.iterdir()) == jobs
    writers = {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    assert len(writers) == min(cores, 5), f"{len(writers)} processes on {cores} cores"

    def fail(k: int) -> None:
        if k == 1:  # in a child where there is more than one core
            raise ValueError("job 1 fails")

    with pytest.raises((OSError, ValueError), match=r"failed|job 1 fails"):
        in_processes(jobs, fail)


def test_jobs_of_very_different_sizes_are_shared_out_by_size(tmp_path: Path) -> None:
    """The end's pages: one entity page listing every service beside many small pages. Shared
    out by cost, the big one is alone in its share and the rest go together; each job is done
    once, and each share keeps the jobs' order."""
    sizes = [1] * 50 + [100] + [1] * 50
    shares = deal(list(range(len(sizes))), 2, cost=lambda k: sizes[k])
    assert sorted(k for share in shares for k in share) == list(range(len(sizes)))
    assert sorted(sum(sizes[k] for k in share) for share in shares) == [100, 100]
    assert all(share == sorted(share) for share in shares)
    assert deal(list(range(5)), 2) == [[0, 2, 4], [1, 3]]

    def work(k: int) -> None:
        (tmp_path / str(k)).write_text(str(os.getpid()), encoding="utf-8")

    in_processes(list(range(len(sizes))), work, cost=lambda k: sizes[k])
    assert sorted(int(p.name) for p in tmp_path.iterdir()) == list(range(len(sizes)))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    writers = {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    assert len(writers) == min(cores, 2)  # with cost, even a few jobs are shared out


def numbered(context: str, k: int, stop: Stop) -> tuple[str, int, int]:
    return context, k, os.getpid()


def test_the_batches_results_come_in_order_from_either_executor() -> None:
    """Each batch runs once, in a process of its own in parallel (a fresh fork for each)."""
    serial = list(Serial().batches(numbered, "c", 7))
    parallel = list(Parallel(workers=2).batches(numbered, "c", 7))
    assert [(c, k) for c, k, _ in serial] == [(c, k) for c, k, _ in parallel]
    assert [k for _, k, _ in parallel] == list(range(7))
    assert {pid for _, _, pid in serial} == {os.getpid()}
    assert len({pid for _, _, pid in parallel} | {os.getpid()}) == 8


class Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def cycles_left(count: int) -> int:
    """How many of `count` cycles, dropped at once, are still alive after as many objects again
    were made (enough for the collector, if it is on, to run by itself)."""
    refs = [weakref.ref(Cycle()) for _ in range(count)]
    made = [[] for _ in range(count)]  # container objects: what the collector's count follows
    del made
    return sum(1 for r in refs if r() is not None)


@pytest.fixture
def collector() -> Iterator[None]:
    """The cyclic collector left on or off, and nothing frozen, as the test found it."""
    was = gc.isenabled()
    try:
        yield
    finally:
        gc.unfreeze()
        if was:
            gc.enable()
        else:
            gc.disable()


@pytest.mark.parametrize("executor", [Serial(), Parallel(workers=2)], ids=["serial", "parallel"])
def test_the_collector_is_off_during_the_batches_and_on_after_them(
    executor: Serial, collector: None
) -> None:
    """Reading and the batches make long-lived data and little garbage: the cyclic collector
    stays off. After the last batch the stages make pages, whose templates leave cycles: those
    are freed as the stages go, not held until the build ends."""
    gc.enable()
    with executor.running():
        assert cycles_left(10_000) == 10_000
        batches = executor.batches(numbered, "c", 3)
        next(batches)
        assert not gc.isenabled()
        list(batches)
        assert cycles_left(10_000) < 1_000
    assert gc.isenabled()  # as the build found it
    gc.disable()
    with executor.running():
        list(executor.batches(numbered, "c", 3))
    assert not gc.isenabled()


def test_what_the_parent_holds_is_frozen_and_its_garbage_freed_before_it_forks(
    tmp_path: Path, collector: None
) -> None:
    """The end's pages and documents, shared out among forked processes: what the build holds
    is out of every process's collections (which would otherwise write to it and copy its
    pages into each), and the cyclic garbage it had is freed first, not frozen with it."""
    gc.disable()
    gc.unfreeze()
    held = [[k] for k in range(5_000)]
    garbage = weakref.ref(Cycle())

    def work(k: int) -> None:
        (tmp_path / str(k)).write_text(str(gc.get_freeze_count()), encoding="utf-8")

    in_processes(list(range(4)), work, cost=lambda _: 1, workers=2)
    frozen = sorted(int(p.read_text(encoding="utf-8")) for p in tmp_path.iterdir())
    assert len(frozen) == 4 and frozen[0] >= len(held)
    assert garbage() is None


def test_the_heap_can_be_trimmed_before_forking() -> None:
    """On Linux (glibc, as on the systems the build runs on) the C heap's free pages can be
    given back before the pages fork."""
    libc = c_library()
    assert libc is not None and hasattr(libc, "malloc_trim")
    trim_heap()


def test_a_failing_batch_fails_the_batches_with_its_own_error() -> None:
    def fail(context: str, k: int, stop: Stop) -> int:
        if k == 2:
            raise ValueError(f"batch {k} is wrong")
        return k

    with pytest.raises(ValueError, match="batch 2 is wrong"):
        list(Parallel(workers=2).batches(fail, "c", 5))


def test_a_worker_killed_mid_batch_fails_the_batches_with_a_clear_message() -> None:
    def killed(context: str, k: int, stop: Stop) -> int:
        if k == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return k

    with pytest.raises(WorkerLost, match=r"died \(exit status -9\) while publishing batch 2 of 4"):
        list(Parallel(workers=2).batches(killed, "c", 4))


class SmallBatches(Parallel):
    """The seed's 54 services in three batches, in two workers."""

    def batch_size(self, services: int) -> int:
        return 20


def test_a_build_whose_worker_is_killed_fails_and_leaves_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from envanter.run import batches
    from envanter.run.output import MARKER, MARKER_TEXT

    out = tmp_path / "dist"
    out.mkdir()
    (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # (as if a build had written it)
    (out / "previous.txt").write_text("the previous release", encoding="utf-8")
    beside = sorted(p.name for p in tmp_path.iterdir())
    publish = batches.publish_batch

    def killed(context: batches.Context, k: int, stop: Stop) -> batches.BatchResult:
        if k == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return publish(context, k, stop)

    monkeypatch.setattr(batches, "publish_batch", killed)
    monkeypatch.chdir(ROOT)
    said: list[str] = []
    with pytest.raises(WorkerLost, match="batch 2 of 3; nothing was published"):
        build(BuildOptions(out=out), said.append, SmallBatches(workers=2))
    assert "mapping, validating and writing 54 services in 3 batches" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == beside  # no staging folder left
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "previous.txt"])
    assert (out / "previous.txt").read_text(encoding="utf-8") == "the previous release"
