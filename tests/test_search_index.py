"""Pagefind runs beside the stages after the services: its failure still fails the build, and a
build that fails while it runs ends it and publishes nothing."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

import envanter.publication.search
import envanter.run.pipeline
from envanter.publication.search import SearchIndexError
from envanter.run.pipeline import build

from .test_site import build_options


def fake_pagefind(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build runs this shell script instead of Pagefind."""
    binary = folder / "pagefind"
    binary.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(envanter.publication.search, "pagefind_binary", lambda: binary)


def test_a_pagefind_failure_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_pagefind(tmp_path, "echo 'index: no room left' >&2\nexit 3\n", monkeypatch)
    out = tmp_path / "dist"
    with pytest.raises(SearchIndexError, match="index: no room left"):
        build(build_options(out))
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist")]


def test_a_build_failing_while_pagefind_runs_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind is started once the services are written, before the catalog; the catalog
    failing ends it rather than leave it writing into the folder being removed."""
    pid_file = tmp_path / "pagefind.pid"
    fake_pagefind(tmp_path, f"echo $$ > {pid_file}\nexec sleep 300\n", monkeypatch)

    def failing_catalog(*args: object, **kwargs: object) -> Path:
        for _ in range(600):  # (Pagefind was started: wait for it to say who it is)
            if pid_file.is_file() and pid_file.read_text(encoding="utf-8").endswith("\n"):
                break
            time.sleep(0.05)
        raise RuntimeError("the catalog failed")

    monkeypatch.setattr(envanter.run.pipeline, "write_checked_catalog", failing_catalog)
    out = tmp_path / "dist"
    with pytest.raises(RuntimeError, match="the catalog failed"):
        build(build_options(out))
    pid = int(pid_file.read_text(encoding="utf-8"))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist")]
