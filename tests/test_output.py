"""The output folder: what a build refuses to replace, the lock, the atomic swap, stale staging
folders, permissions, and the write failures the user must fix (exit 2 with the path)."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from envanter.cli import main
from envanter.run import output
from envanter.run.output import MARKER

from .conftest import CORRECTIONS, ROOT, SEED

ENVANTER = [sys.executable, "-c", "from envanter.cli import main; main()"]
# A fixed build date: two builds of the same input are then the same bytes.
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def envanter(
    *args: str, cwd: Path = ROOT, umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ENVANTER, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
        preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under `folder` (itself included) with its kind and content hash."""
    seen: dict[str, str] = {}
    for path in [folder, *sorted(folder.rglob("*"))] if folder.is_dir() else [folder]:
        key = path.relative_to(folder).as_posix() if path != folder else "."
        if path.is_symlink():
            seen[key] = "link " + os.readlink(path)
        elif path.is_dir():
            seen[key] = "dir"
        else:
            seen[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


def checkout(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "main.py").write_text("print('hi')\n", encoding="utf-8")
    (folder / "README.md").write_text("# a project\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


def data_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "source").mkdir(parents=True)
    (folder / "reference").mkdir()
    (folder / "source" / "inventory.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (folder / "reference" / "laws.yaml").write_text("laws: []\n", encoding="utf-8")
    return folder


def plain_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("keep me\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("make", [checkout, data_folder, plain_file])
def test_a_target_envanter_did_not_write_is_refused_and_left_alone(
    tmp_path: Path, make: object
) -> None:
    assert callable(make)
    target: Path = make(tmp_path)
    before, around = snapshot(target), sorted(p.name for p in tmp_path.iterdir())
    done = envanter("build", "--source", str(SEED), "--out", str(target))
    assert done.returncode == 2, done.stderr
    assert f"--out {target}:" in done.stderr
    assert "internal error" not in done.stderr
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == around  # no lock, no staging folder


def test_the_root_the_current_folder_and_its_parents_are_refused(tmp_path: Path) -> None:
    project = checkout(tmp_path)
    before = snapshot(tmp_path)
    for out in ["/", ".", "..", str(project)]:
        done = envanter("build", "--source", str(SEED), "--out", out, cwd=project)
        assert done.returncode == 2, (out, done.stderr)
        assert f"--out {out}:" in done.stderr
    assert "root of the file system" in envanter("build", "--out", "/").stderr
    assert snapshot(tmp_path) == before


def test_an_output_holding_the_source_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "inputs" / "inventory.txt"
    source.parent.mkdir()
    source.write_bytes(SEED.read_bytes())
    (source.parent / MARKER).write_text("", encoding="utf-8")  # even one that looks like ours
    before = snapshot(tmp_path)
    done = envanter("build", "--source", str(source), "--out", str(source.parent))
    assert done.returncode == 2
    assert "contains the input" in done.stderr
    assert snapshot(tmp_path) == before


def test_a_built_folder_is_replaced_world_readable_and_stale_staging_is_cleared(
    tmp_path: Path,
) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")
    (out / "from-the-last-build.txt").write_text("old\n", encoding="utf-8")
    # What killed builds left: their staging folder and a replaced output (both marked),
    # and a folder of the user's that only looks like one (no marker): it must stay.
    for name in [".dist.build-k1ll3d", ".dist.old-4242"]:
        (tmp_path / name / "data").mkdir(parents=True)
        (tmp_path / name / MARKER).write_text("", encoding="utf-8")
    (tmp_path / ".dist.build-mine").mkdir()
    (tmp_path / ".dist.build-mine" / "notes.txt").write_text("mine\n", encoding="utf-8")

    done = envanter(
        "build", "--source", str(SEED), "--corrections", str(CORRECTIONS), "--out", str(out),
        umask=0o077,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr

    assert not (out / "from-the-last-build.txt").exists()
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert (out / "data" / "dataset.nt").stat().st_size > 0
    for path in [out, *out.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
    # The old output and the stale folders are removed by a detached process: wait for it.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = sorted(p.name for p in tmp_path.iterdir())
        if left == [".dist.build-mine", "dist"]:
            break
        time.sleep(0.05)
    assert left == [".dist.build-mine", "dist"]


def test_a_second_build_while_one_runs_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")
    before = snapshot(out)
    # A build holding the lock: a real process, stopped inside the staging block.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from envanter.run.output import staging\n"
            "with staging(Path(sys.argv[1])):\n"
            "    print('holding', flush=True)\n"
            "    time.sleep(60)\n",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        done = envanter("build", "--source", str(SEED), "--out", str(out))
        assert done.returncode == 2, done.stderr
        assert "another build is writing it" in done.stderr
        assert str(out.with_name(".dist.lock")) in done.stderr
        assert snapshot(out) == before
    finally:
        holder.kill()
        holder.wait()
    # The system releases the lock of a killed build: the next one gets it.
    with output.staging(out):
        pass


def complete(folder: Path, contents: set[str]) -> bool:
    return (folder / MARKER).is_file() and (folder / "page.html").read_text() in contents


def make_output(folder: Path, content: str) -> Path:
    folder.mkdir()
    (folder / MARKER).write_text("", encoding="utf-8")
    (folder / "page.html").write_text(content, encoding="utf-8")
    return folder


class Killed(BaseException):
    """Stands for SIGKILL at one step of the swap: nothing after it runs."""


class Steps:
    """The file system calls of a swap, the one numbered `stop_at` killed before it runs."""

    def __init__(self, stop_at: int, exchange_supported: bool) -> None:
        self.stop_at, self.taken = stop_at, 0
        self.exchange_supported = exchange_supported
        self.real_rename, self.real_exchange = os.rename, output.exchange

    def step(self) -> None:
        if self.taken == self.stop_at:
            raise Killed
        self.taken += 1

    def rename(self, *args: str | Path) -> None:
        self.step()
        self.real_rename(*args)

    def exchange(self, a: Path, b: Path) -> None:
        self.step()
        if not self.exchange_supported:
            raise OSError(errno.EINVAL, "not supported")
        self.real_exchange(a, b)


@pytest.mark.parametrize("exchange_supported", [True, False])
def test_a_swap_stopped_at_any_step_leaves_a_whole_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange_supported: bool
) -> None:
    outcomes: list[str] = []
    for stop_at in range(6):
        place = tmp_path / str(stop_at)
        place.mkdir()
        out = make_output(place / "dist", "old")
        new = make_output(place / ".dist.build-x", "new")
        steps = Steps(stop_at, exchange_supported)
        monkeypatch.setattr(output.os, "rename", steps.rename)
        monkeypatch.setattr(output, "exchange", steps.exchange)
        try:
            output.swap(new, out)
            outcomes.append("done")
        except Killed:
            outcomes.append("killed")
        monkeypatch.undo()
        if exchange_supported:
            assert complete(out, {"old", "new"}), stop_at  # old or new, whole, at every step
        else:
            # Two renames: the previous output stays whole, though between them under a name
            # of its own (documented in output.swap).
            olds = list(place.glob(".dist.old-*"))
            assert complete(out, {"old", "new"}) or (len(olds) == 1 and complete(olds[0], {"old"}))
        if outcomes[-1] == "done":
            assert complete(out, {"new"})
    assert outcomes[-1] == "done" and "killed" in outcomes


SWAPPER = """
import sys
from pathlib import Path
from envanter.run.output import swap
out, new = Path(sys.argv[1]), Path(sys.argv[2])
print("swapping", flush=True)
while True:
    swap(new, out)  # after an exchange `new` holds the other version: swap them back and forth
"""


def test_sigkill_during_swaps_never_leaves_the_output_missing_or_partial(tmp_path: Path) -> None:
    out = make_output(tmp_path / "dist", "A")
    new = make_output(tmp_path / ".dist.build-x", "B")
    for attempt in range(20):
        swapper = subprocess.Popen(
            [sys.executable, "-c", SWAPPER, str(out), str(new)], stdout=subprocess.PIPE, text=True
        )
        assert swapper.stdout is not None and swapper.stdout.readline() == "swapping\n"
        time.sleep(0.001 * (attempt % 7))
        swapper.send_signal(signal.SIGKILL)
        swapper.wait()
        assert complete(out, {"A", "B"}), attempt
        assert complete(new, {"A", "B"}), attempt
        assert {(out / "page.html").read_text(), (new / "page.html").read_text()} == {"A", "B"}


def test_sigkill_of_a_whole_build_leaves_the_previous_or_the_new_output(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    args = ["build", "--source", str(SEED), "--corrections", str(CORRECTIONS), "--out", str(out)]
    start = time.monotonic()
    assert envanter(*args).returncode == 0
    took = time.monotonic() - start
    reference = snapshot(out)  # the same input gives the same bytes: every build is this one
    for fraction in [0.3, 0.6, 0.8, 0.9, 1.0]:
        build = subprocess.Popen(
            [*ENVANTER, *args],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(took * fraction)
        os.killpg(build.pid, signal.SIGKILL)  # the build and its workers
        build.wait()
        assert snapshot(out) == reference, fraction
    # The next build clears what the killed ones left.
    assert envanter(*args).returncode == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = sorted(p.name for p in tmp_path.iterdir())
        if left == ["dist"]:
            break
        time.sleep(0.05)
    assert left == ["dist"]
    assert snapshot(out) == reference


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (errno.ENOSPC, "No space left on device"),
        (errno.EROFS, "Read-only file system"),
        (errno.EACCES, "Permission denied"),
    ],
)
def test_a_write_failure_the_user_must_fix_ends_in_exit_2_with_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, said: str
) -> None:
    out = make_output(tmp_path / "dist", "previous")
    before = snapshot(out)
    failing = out.with_name(".dist.build-x") / "data" / "tables" / "services.csv"

    def fail(*_a: object, **_k: object) -> list[Path]:
        raise OSError(code, os.strerror(code), str(failing))

    monkeypatch.setattr("envanter.run.reading.write_tables", fail)
    result = CliRunner().invoke(
        main, ["build", "--source", str(SEED), "--corrections", str(CORRECTIONS), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert f"--out {out}: cannot write {failing}: {said}" in result.output
    assert "internal error" not in result.output
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


FULL_DISK = """
mount -t tmpfs -o size=3m tmpfs "$1" || exit 97
mkdir "$1/dist" && : > "$1/dist/.envanter-output" && echo previous > "$1/dist/page.html"
"$2" -c "from envanter.cli import main; main()" build --source "$3" --out "$1/dist"
echo "exit=$?"
ls -A "$1"
cat "$1/dist/page.html"
"""


def test_a_full_disk_ends_in_exit_2_and_keeps_the_previous_output(tmp_path: Path) -> None:
    # A real full disk: a 3 MB tmpfs in a mount namespace of our own (the seed's output is
    # some 19 MB). Only where the system has no unshare(1) is this left to the test above.
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("this system does not allow mount namespaces")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", FULL_DISK, "sh", str(disk), sys.executable, str(SEED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    assert done.stdout.splitlines() == ["exit=2", "dist", "previous"], (done.stdout, done.stderr)
    assert f"--out {disk}/dist: cannot write" in done.stderr
    assert "No space left on device" in done.stderr
    assert "internal error" not in done.stderr


WORKER_FILLS_THE_DISK = """
import sys
from envanter.cli import main
from envanter.run import reading

def fill_then_fail(tables, folder, *rest):
    # What a worker process that ran out of space leaves: a full disk, and only "it failed".
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(folder / "filler", "wb") as f:
            while True:
                f.write(b"x" * 65536)
    except OSError:
        pass
    raise OSError("1 of 2 worker processes failed (see above)")

reading.write_tables = fill_then_fail
sys.argv = ["envanter", "build", "--source", sys.argv[1], "--out", sys.argv[2]]
main()
"""


def test_a_worker_that_filled_the_disk_ends_in_exit_2_not_an_internal_error(
    tmp_path: Path,
) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("this system does not allow mount namespaces")
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (
        'mount -t tmpfs -o size=3m tmpfs "$1" || exit 97\n'
        '"$2" -c "$3" "$4" "$1/dist"; echo "exit=$?"; ls -A "$1"\n'
    )
    python = [sys.executable, WORKER_FILLS_THE_DISK, str(SEED)]
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(disk), *python],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    assert done.stdout.splitlines() == ["exit=2"], (done.stdout, done.stderr)
    assert f"--out {disk}/dist: cannot write {disk}: No space left on device" in done.stderr


def test_a_read_only_file_system_ends_in_exit_2_with_the_path(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("this system does not allow mount namespaces")
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (
        'mount -t tmpfs -o ro,size=1m tmpfs "$1" || exit 97\n'
        '"$2" -c "from envanter.cli import main; main()" build --source "$3" --out "$1/dist"\n'
        'echo "exit=$?"; ls -A "$1"\n'
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(disk), sys.executable, str(SEED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    assert done.stdout.splitlines() == ["exit=2"], (done.stdout, done.stderr)
    assert (
        f"error: --out {disk}/dist: cannot write {disk}/.dist.lock: Read-only file system; "
        "build into a folder on a writable file system"
    ) in done.stderr
