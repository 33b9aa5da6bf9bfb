"""The output folder: a build only ever replaces a folder it wrote itself, and never loses one.

A build writes into a fresh staging folder beside the output and, when everything has succeeded,
swaps it in. Before any work the output is checked: only a missing or empty folder, or one that
carries the marker file an earlier build wrote, may be replaced; anything else (a checkout, a
folder of data, a plain file, `/`, the working folder) is refused. A lock beside the output keeps
a second build out while one runs, and staging folders left by a killed build are cleared by the
next one. The swap is one exchange rename (Linux's renameat2), so a crash at any moment leaves a
whole output, the old or the new.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from ..errors import EXIT_BAD_INPUT, EnvanterError

MARKER = ".envanter-output"
MARKER_TEXT = (
    "This folder was written by `envanter build`.\n"
    "The next build into it replaces it as a whole: keep nothing else here.\n"
)
# The reasons writing fails that the user must fix (space, permissions), not a bug of ours.
USER_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


class OutputError(EnvanterError):
    """The output folder cannot be (or must not be) written; the message names it."""

    exit_code = EXIT_BAD_INPUT


class Inputs(Protocol):
    """What a build reads (its options): the output must not contain any of it."""

    @property
    def sources(self) -> tuple[Path, ...]: ...
    @property
    def corrections(self) -> Path | None: ...
    @property
    def reference(self) -> Path: ...
    @property
    def ids(self) -> Path: ...
    @property
    def mappings(self) -> Path: ...
    @property
    def ontology(self) -> Path: ...
    @property
    def site(self) -> Path: ...
    @property
    def queries(self) -> Path: ...
    @property
    def shapes(self) -> Path: ...


def inputs(options: Inputs) -> list[Path]:
    """The files and folders a build reads. (Not the previous release: building into the
    folder that holds it is how a new edition replaces the last.)"""
    read = [*options.sources, options.reference, options.ids, options.mappings, options.ontology]
    read += [options.site, options.queries, options.shapes]
    return read + ([options.corrections] if options.corrections else [])


def check_output(out: Path, inputs: Iterable[Path] = ()) -> None:
    """Raise OutputError unless `out` is a folder a build may replace: missing, empty, or one
    an earlier build wrote (it carries the marker). `inputs` are files and folders the build
    reads: the output must not contain any of them."""
    reason = refusal(out, inputs)
    if reason is not None:
        raise OutputError(f"--out {out}: {reason}")


def refusal(out: Path, inputs: Iterable[Path]) -> str | None:
    """Why `out` must not be replaced by a build, with how to fix it; None when it may be."""
    target = out.resolve()
    here = Path.cwd().resolve()
    other = "name a new folder (e.g. --out dist) or one an earlier build wrote"
    if target == Path(target.anchor):
        return f"is the root of the file system; {other}"
    if here.is_relative_to(target):
        what = "is the current folder" if here == target else "contains the current folder"
        return f"{what}, which a build would replace as a whole; {other}"
    for given in inputs:
        if given.resolve().is_relative_to(target):
            return f"contains the input {given}, which a build would delete; {other}"
    absolute = Path(os.path.abspath(out))
    if absolute.is_symlink():
        return f"is a symbolic link (to {target}); name the folder itself"
    if not absolute.exists():
        return None
    if not absolute.is_dir():
        return f"is a file, not a folder; {other}"
    if (absolute / MARKER).is_file():
        return None
    names = sorted(p.name for p in absolute.iterdir())
    if not names:
        return None
    if ".git" in names:
        return f"is a git checkout (it has .git), not a folder a build wrote; {other}"
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return (
        f"is not empty ({shown}) and was not written by a build (it has no {MARKER} file); "
        f"a build replaces its output as a whole, so {other}, or empty this one yourself"
    )


class staging:
    """A fresh folder beside `out` to build into; on success it is swapped in for `out`, on
    failure it is removed. Entering checks `out` (check_output) and takes the lock, before any
    work; the lock is held until the swap is done."""

    def __init__(self, out: Path, inputs: Iterable[Path] = ()) -> None:
        self.out = Path(os.path.abspath(out))
        self.given = out
        self.inputs = list(inputs)

    def __enter__(self) -> Path:
        check_output(self.given, self.inputs)
        # Published files are world-readable whatever the user's umask: a web server running
        # as another user serves them.
        self.umask = os.umask(0o022)
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.lock = lock(self.out, self.given)
        except OSError as e:
            os.umask(self.umask)
            raise output_error(e, self.given) from e
        try:
            for stale in stale_folders(self.out):
                remove_later(stale)
            self.folder = Path(
                tempfile.mkdtemp(prefix=f".{self.out.name}.build-", dir=self.out.parent)
            )
            os.chmod(self.folder, 0o755)  # mkdtemp makes it private
            (self.folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        except OSError as e:
            unlock(self.lock, self.out)
            os.umask(self.umask)
            raise output_error(e, self.given) from e
        return self.folder

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        os.umask(self.umask)
        try:
            if kind is not None:
                # A worker process that ran out of space reports only that it failed: the disk
                # it leaves full says why (looked at before the staging folder is removed).
                full = isinstance(value, OSError) and disk_full(self.folder)
                shutil.rmtree(self.folder, ignore_errors=True)
                if isinstance(value, OSError) and value.errno in USER_ERRNOS:
                    raise output_error(value, self.given) from value
                if isinstance(value, OSError) and full:
                    space = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.out.parent))
                    raise output_error(space, self.given) from value
                return
            try:
                old = swap(self.folder, self.out)
            except OSError as e:
                shutil.rmtree(self.folder, ignore_errors=True)
                raise output_error(e, self.given) from e
            if old is not None:
                remove_later(old)
        finally:
            unlock(self.lock, self.out)


def disk_full(folder: Path) -> bool:
    """Whether the file system holding `folder` has (next to) no room left for a file."""
    try:
        space = os.statvfs(folder)
    except OSError:
        return False
    return space.f_bavail * space.f_frsize < FULL_BELOW


FULL_BELOW = 1 << 20  # bytes: less than this left and a build cannot go on writing pages


def output_error(e: OSError, out: Path) -> OutputError:
    """An OSError met writing the output, as the message the user needs: the path and why."""
    where = e.filename or out
    hint = {
        errno.ENOSPC: "free some space, or build into a folder on another disk",
        errno.EDQUOT: "free some space, or build into a folder on another disk",
        errno.EROFS: "build into a folder on a writable file system",
    }.get(e.errno or 0, "check the permissions, or build into a folder you may write")
    return OutputError(f"--out {out}: cannot write {where}: {e.strerror or e}; {hint}")


def lock(out: Path, given: Path) -> int:
    """Take the lock file beside `out` (`.NAME.lock`), or refuse: another build is writing it.

    The lock is an flock, which the system releases when its holder dies, so a killed build
    never leaves it taken (only the file, which the next build takes over)."""
    path = lock_path(out)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(
                f"--out {given}: another build is writing it (it holds {path}); "
                "wait for it to end, or build into another folder"
            ) from None
        # The build that held it may have removed the file between our open and our lock:
        # then we hold a lock on a file no one else sees; take the one at the path.
        try:
            held, there = os.fstat(fd), os.stat(path)
            if (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def unlock(fd: int, out: Path) -> None:
    """Remove the lock file while still holding it, then let it go."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(lock_path(out))
    os.close(fd)


def lock_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.lock")


def stale_folders(out: Path) -> list[Path]:
    """Staging folders and replaced outputs beside `out` that a killed build left behind.

    Only called with the lock held, so no live build is writing any of them; only folders that
    carry the marker are taken, so nothing a build did not write is ever removed."""
    prefixes = (f".{out.name}.build-", f".{out.name}.old-")
    return sorted(
        p
        for p in out.parent.iterdir()
        if p.name.startswith(prefixes) and not p.is_symlink() and (p / MARKER).is_file()
    )


def swap(new: Path, out: Path) -> Path | None:
    """Put the folder `new` in place of `out` in one atomic step; return where the replaced
    output now is (to be removed), or None when there was none.

    Where the exchange rename is unsupported (not Linux, or a file system without it) it falls
    back to two renames: a crash between them leaves the previous output whole but under
    `.NAME.old-PID`, and no `out` until the next build."""
    try:
        os.rename(new, out)  # atomic, and succeeds when `out` is missing or an empty folder
        return None
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    try:
        exchange(new, out)
        return new
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    os.rename(new, out)
    return old


def exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically: renameat2(RENAME_EXCHANGE), Linux 3.15+ with glibc 2.28+."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        raise OSError(errno.ENOSYS, "renameat2 is not available") from None
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def remove_later(folder: Path) -> None:
    """Delete a replaced output without making the build wait for it.

    Deleting after the swap (writing right after a big delete is slow on some disks), in a
    detached process: a national build replaces hundreds of thousands of files."""
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(folder)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
