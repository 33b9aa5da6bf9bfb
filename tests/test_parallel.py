"""Work shared out among forked processes (envanter.parallel)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from envanter.parallel import alongside, deal, in_processes


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


def test_alongside_gives_both_results_from_two_processes() -> None:
    there, here = alongside(lambda: os.getpid(), lambda: os.getpid())
    assert here == os.getpid()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    assert (there != here) == (cores > 1 and hasattr(os, "fork"))


def test_alongside_raises_the_error_of_either_side() -> None:
    def fails() -> int:
        raise ValueError("the background failed")

    with pytest.raises(ValueError, match="the background failed"):
        alongside(fails, lambda: 1)
    with pytest.raises(KeyError, match="the foreground failed"):
        alongside(lambda: 1, lambda: {}["the foreground failed"])
