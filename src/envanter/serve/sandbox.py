"""What a query worker does to itself before it takes a query: a memory ceiling, death with
its parent, and no network.

These are Linux mechanisms reached through ctypes (no extra dependency): `prctl` for the parent
death signal and no-new-privileges, and a seccomp filter that makes `socket(AF_INET…)` and
`socket(AF_INET6…)` fail with EPERM. On another system or architecture the filter is skipped;
the query guard (guard.py) still refuses every query that would reach out.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import signal
import struct
import sys
from typing import Final

PR_SET_PDEATHSIG: Final = 1
PR_SET_NO_NEW_PRIVS: Final = 38
PR_SET_SECCOMP: Final = 22
SECCOMP_MODE_FILTER: Final = 2
SECCOMP_RET_ALLOW: Final = 0x7FFF0000
SECCOMP_RET_ERRNO: Final = 0x00050000
AF_INET: Final = 2
AF_INET6: Final = 10
# (audit architecture, number of the socket system call) by machine.
ARCHITECTURES: Final = {
    "x86_64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
}
# Classic BPF opcodes.
LD_W_ABS: Final = 0x20
JEQ_K: Final = 0x15
RET_K: Final = 0x06


def libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def prctl(option: int, arg: int) -> None:
    if libc().prctl(option, ctypes.c_ulong(arg), 0, 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl({option}): {os.strerror(code)}")


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when the thread that started it ends; if the parent is already
    gone (it died before the call), end now."""
    if sys.platform == "linux":
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def limit_memory(ceiling: int) -> None:
    """Cap the address space: an allocation past `ceiling` bytes fails instead of growing."""
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def address_space() -> int:
    """The process's current virtual size in bytes (what RLIMIT_AS counts)."""
    with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def socket_filter(arch: int, socket_call: int) -> bytes:
    """A seccomp program: socket() for IPv4 or IPv6 fails with EPERM, all else is allowed."""
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    return b"".join(
        [
            instruction(LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
            instruction(JEQ_K, 0, 5, arch),  # another ABI: allow
            instruction(LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
            instruction(JEQ_K, 0, 3, socket_call),
            instruction(LD_W_ABS, 0, 0, 16),  # args[0] (the family), low word
            instruction(JEQ_K, 2, 0, AF_INET),
            instruction(JEQ_K, 1, 0, AF_INET6),
            instruction(RET_K, 0, 0, SECCOMP_RET_ALLOW),
            instruction(RET_K, 0, 0, deny),
        ]
    )


def deny_network() -> bool:
    """Install the filter; False where it cannot be (not Linux, an unknown machine)."""
    known = ARCHITECTURES.get(platform.machine())
    if sys.platform != "linux" or known is None:
        return False
    program = socket_filter(*known)
    count = len(program) // 8
    buffer = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))

    fprog = SockFprog(count, ctypes.cast(buffer, ctypes.c_void_p))
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    if libc().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"seccomp: {os.strerror(code)}")
    return True
