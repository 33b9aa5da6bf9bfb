"""Work shared out among forked processes (envanter.run.parallel)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from envanter.run.parallel import deal, in_processes


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
