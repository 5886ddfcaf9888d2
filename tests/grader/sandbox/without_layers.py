"""Run a command on a machine where the sandbox layers cannot work: a real kernel refusal.

``python without_layers.py [--keep-landlock] -- COMMAND [ARG...]`` installs a seccomp
filter on itself and then executes COMMAND, which inherits the filter with everything
it starts. The filter refuses what a container without user namespaces refuses:
``unshare`` and ``setns`` (EPERM), ``clone`` with any namespace flag (EPERM), ``clone3``
(ENOSYS, so that the C library falls back to ``clone``); and, unless
``--keep-landlock``, ``landlock_create_ruleset`` (ENOSYS: a kernel without Landlock).
So bubblewrap cannot make its namespaces, the landlock layer cannot make its own, and
(without ``--keep-landlock``) Landlock is missing too. Everything else is allowed.

Standard library only, so that it works before anything is imported.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys

PR_SET_NO_NEW_PRIVS, SECCOMP_SET_MODE_FILTER = 38, 1
ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}  # AUDIT_ARCH_*
# name: (x86_64, aarch64)
NUMBERS = {"unshare": (272, 97), "setns": (308, 268), "clone": (56, 220), "clone3": (435, 435),
           "landlock_create_ruleset": (444, 444), "seccomp": (317, 277)}
CLONE_NAMESPACES = 0x7E020080  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME
LD_W_ABS, JEQ_K, JSET_K, RET_K = 0x20, 0x15, 0x45, 0x06
ALLOW, ERRNO, KILL = 0x7FFF0000, 0x00050000, 0x80000000


def program(machine: str, keep_landlock: bool) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions of classic BPF."""
    column = 0 if machine == "x86_64" else 1
    nr = {name: numbers[column] for name, numbers in NUMBERS.items()}
    refuse = {"unshare": errno.EPERM, "setns": errno.EPERM, "clone3": errno.ENOSYS}
    if not keep_landlock:
        refuse["landlock_create_ruleset"] = errno.ENOSYS
    prog = [(LD_W_ABS, 0, 0, 4), (JEQ_K, 1, 0, ARCH[machine]), (RET_K, 0, 0, KILL),
            (LD_W_ABS, 0, 0, 0)]
    for name, err in refuse.items():
        prog += [(JEQ_K, 0, 1, nr[name]), (RET_K, 0, 0, ERRNO | err)]
    prog += [(JEQ_K, 0, 3, nr["clone"]),  # clone: no namespace flag in its flags (arg 0)
             (LD_W_ABS, 0, 0, 16),
             (JSET_K, 0, 1, CLONE_NAMESPACES),
             (RET_K, 0, 0, ERRNO | errno.EPERM)]
    return prog + [(RET_K, 0, 0, ALLOW)]


def install(keep_landlock: bool) -> None:
    machine = platform.machine()
    if machine not in ARCH:
        raise SystemExit(f"without_layers: no syscall table for {machine}")
    code = b"".join(struct.pack("=HBBI", *ins) for ins in program(machine, keep_landlock))
    buffer = ctypes.create_string_buffer(code, len(code))

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SystemExit(f"without_layers: no_new_privs: {os.strerror(ctypes.get_errno())}")
    fprog = Fprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    column = 0 if machine == "x86_64" else 1
    if libc.syscall(NUMBERS["seccomp"][column], SECCOMP_SET_MODE_FILTER, 0,
                    ctypes.byref(fprog)) != 0:
        raise SystemExit(f"without_layers: seccomp: {os.strerror(ctypes.get_errno())}")


def argv(command: list[str], *, keep_landlock: bool = False) -> list[str]:
    """``command`` run under the filter (for subprocess)."""
    return [sys.executable, "-I", "-S", os.path.abspath(__file__),
            *(["--keep-landlock"] if keep_landlock else []), "--", *command]


def main(args: list[str]) -> None:
    keep_landlock = "--keep-landlock" in args[: args.index("--")]
    command = args[args.index("--") + 1:]
    install(keep_landlock)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
