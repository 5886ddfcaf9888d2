"""seccomp-bpf for the worker: a hand-written classic-BPF syscall filter.

Stdlib only (ctypes); loaded by path from ``_isolate``. The filter lets a
single-process, single-program worker compute (threads included) and denies
every way out of it:

* processes: ``fork``/``vfork``, ``clone`` without ``CLONE_THREAD`` (or with a
  namespace flag) fail with EPERM; ``clone3`` fails with ENOSYS, which makes
  glibc fall back to ``clone`` for ``pthread_create`` (its flags are not
  visible to a BPF filter because they live in a struct);
* programs: ``execve``/``execveat``;
* networking and IPC endpoints: every ``socket`` family, ``socketpair``,
  ``bind``/``listen``/``accept``/``connect`` (already-open descriptors such as
  the worker's channel keep working);
* other processes: ``ptrace``, ``process_vm_*``, ``pidfd_*``, ``kcmp``, signals
  to any process but the worker itself;
* the kernel's attack surface: mount family, namespaces, bpf, perf, keyrings,
  io_uring, userfaultfd, modules, kexec, ...

Anything else is allowed. A call made with a foreign ABI (i386 ``int 0x80``,
x32) kills the process: the syscall numbers above would not apply to it.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

# --- kernel constants (linux/seccomp.h, linux/filter.h, linux/audit.h) -----
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000

BPF_LD_W_ABS = 0x20  # A <- 32-bit word of struct seccomp_data at offset k
BPF_JEQ_K = 0x15  # pc += (A == k) ? jt : jf
BPF_JGE_K = 0x35  # pc += (A >= k) ? jt : jf
BPF_JSET_K = 0x45  # pc += (A & k) ? jt : jf
BPF_RET_K = 0x06  # return k

# offsets in struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6];}
OFF_NR, OFF_ARCH = 0, 4


def _arg_lo(i: int) -> int:
    """Offset of the low 32 bits of syscall argument ``i`` (little-endian)."""
    return 16 + 8 * i


CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = 0x7E020080  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME
X32_SYSCALL_BIT = 0x40000000

# --- per-architecture tables ---------------------------------------------
ARCHES = {  # platform.machine() -> AUDIT_ARCH_* (linux/audit.h)
    "x86_64": 0xC000003E,
    "aarch64": 0xC00000B7,
}
# name: (x86_64, aarch64); None where the architecture has no such call.
SYSCALLS: dict[str, tuple[int | None, int | None]] = {
    "socket": (41, 198), "socketpair": (53, 199), "connect": (42, 203),
    "bind": (49, 200), "listen": (50, 201), "accept": (43, 202), "accept4": (288, 242),
    "fork": (57, None), "vfork": (58, None), "execve": (59, 221), "execveat": (322, 281),
    "ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271),
    "kcmp": (312, 272), "pidfd_open": (434, 434), "pidfd_getfd": (438, 438),
    "pidfd_send_signal": (424, 424), "process_madvise": (440, 440),
    "mount": (165, 40), "umount2": (166, 39), "pivot_root": (155, 41), "chroot": (161, 51),
    "move_mount": (429, 429), "open_tree": (428, 428), "fsopen": (430, 430),
    "fsconfig": (431, 431), "fsmount": (432, 432), "fspick": (433, 433),
    "mount_setattr": (442, 442), "unshare": (272, 97), "setns": (308, 268),
    "bpf": (321, 280), "perf_event_open": (298, 241), "userfaultfd": (323, 282),
    "keyctl": (250, 219), "add_key": (248, 217), "request_key": (249, 218),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426),
    "io_uring_register": (427, 427), "fanotify_init": (300, 262),
    "open_by_handle_at": (304, 265), "name_to_handle_at": (303, 264),
    "kexec_load": (246, 104), "kexec_file_load": (320, 294), "init_module": (175, 105),
    "finit_module": (313, 273), "delete_module": (176, 106), "reboot": (169, 142),
    "swapon": (167, 224), "swapoff": (168, 225), "acct": (163, 89), "quotactl": (179, 60),
    "syslog": (103, 116), "vhangup": (153, 58), "modify_ldt": (154, None),
    "iopl": (172, None), "ioperm": (173, None), "uselib": (134, None),
    "tkill": (200, 130), "rt_sigqueueinfo": (129, 138), "rt_tgsigqueueinfo": (297, 240),
    # file metadata: Landlock does not confine it (a worker that runs as the files' owner
    # could otherwise chmod, chown, re-date or tag what it may only read)
    "chmod": (90, None), "fchmod": (91, 52), "fchmodat": (268, 53), "fchmodat2": (452, 452),
    "chown": (92, None), "fchown": (93, 55), "lchown": (94, None), "fchownat": (260, 54),
    "utime": (132, None), "utimes": (235, None), "futimesat": (261, None),
    "utimensat": (280, 88), "setxattr": (188, 5), "lsetxattr": (189, 6), "fsetxattr": (190, 7),
    "removexattr": (197, 14), "lremovexattr": (198, 15), "fremovexattr": (199, 16),
    "setxattrat": (463, 463), "removexattrat": (466, 466),
    # handled by dedicated rules below
    "clone": (56, 220), "clone3": (435, 435), "kill": (62, 129), "tgkill": (234, 131),
    "seccomp": (317, 277),
}
DENIED = [name for name in SYSCALLS if name not in ("clone", "clone3", "kill", "tgkill", "seccomp")]


class SeccompError(OSError):
    """The filter could not be built or installed."""


def _stmt(code: int, k: int) -> tuple[int, int, int, int]:
    return (code, 0, 0, k)


def _jump(code: int, k: int, jt: int, jf: int) -> tuple[int, int, int, int]:
    assert 0 <= jt < 256 and 0 <= jf < 256, "a classic BPF jump offset is one byte"
    return (code, jt, jf, k)


def _errno(err: int) -> int:
    return SECCOMP_RET_ERRNO | err


Instruction = tuple[int, int, int, int]  # (code, jt, jf, k) of struct sock_filter


def build_filter(machine: str | None = None, pid: int | None = None) -> list[Instruction]:
    """The BPF program as a list of ``(code, jt, jf, k)`` instructions.

    Every rule is a self-contained block that starts with the syscall number
    in the accumulator and either returns or falls through to the next block,
    so no jump is longer than a few instructions. ``pid`` is the worker's own
    pid (as it sees itself): the only process it may signal, besides its own
    process group (kill(0, ...)).
    """
    machine = machine or platform.machine()
    if machine not in ARCHES:
        raise SeccompError(errno.ENOSYS, f"no seccomp syscall table for {machine}")
    column = 0 if machine == "x86_64" else 1
    nr: dict[str, int] = {name: number for name, numbers in SYSCALLS.items()
                          if (number := numbers[column]) is not None}
    pid = os.getpid() if pid is None else pid
    allow, eperm = _stmt(BPF_RET_K, SECCOMP_RET_ALLOW), _stmt(BPF_RET_K, _errno(errno.EPERM))

    prog = [  # 1. the right ABI, or die
        _stmt(BPF_LD_W_ABS, OFF_ARCH),
        _jump(BPF_JEQ_K, ARCHES[machine], 1, 0),
        _stmt(BPF_RET_K, SECCOMP_RET_KILL_PROCESS),
        _stmt(BPF_LD_W_ABS, OFF_NR),
    ]
    if machine == "x86_64":  # x32 calls share the arch tag; their numbers carry a flag
        prog += [_jump(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1),
                 _stmt(BPF_RET_K, SECCOMP_RET_KILL_PROCESS)]
    # 2. denied outright
    for name in DENIED:
        if name in nr:  # fork, vfork, ... exist on x86_64 only
            prog += [_jump(BPF_JEQ_K, nr[name], 0, 1), eperm]
    # 3. clone3 -> ENOSYS: glibc then retries with clone, whose flags we can see
    prog += [_jump(BPF_JEQ_K, nr["clone3"], 0, 1), _stmt(BPF_RET_K, _errno(errno.ENOSYS))]
    # 4. clone: threads only (CLONE_THREAD set, no namespace flag)
    prog += [
        _jump(BPF_JEQ_K, nr["clone"], 0, 5),
        _stmt(BPF_LD_W_ABS, _arg_lo(0)),
        _jump(BPF_JSET_K, CLONE_NAMESPACES, 2, 0),
        _jump(BPF_JSET_K, CLONE_THREAD, 0, 1),
        allow,
        eperm,
    ]
    # 5. kill(pid, sig): only ourselves or our own process group
    prog += [
        _jump(BPF_JEQ_K, nr["kill"], 0, 5),
        _stmt(BPF_LD_W_ABS, _arg_lo(0)),
        _jump(BPF_JEQ_K, pid, 2, 0),
        _jump(BPF_JEQ_K, 0, 1, 0),
        eperm,
        allow,
    ]
    # 6. tgkill(tgid, tid, sig): threads of our own process (raise, pthread_kill)
    prog += [
        _jump(BPF_JEQ_K, nr["tgkill"], 0, 4),
        _stmt(BPF_LD_W_ABS, _arg_lo(0)),
        _jump(BPF_JEQ_K, pid, 1, 0),
        eperm,
        allow,
    ]
    prog.append(allow)  # 7. everything else
    return prog


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8),
                ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def install(pid: int | None = None) -> int:
    """Install the filter on the calling process (all threads); return its length.

    The caller must have set ``PR_SET_NO_NEW_PRIVS`` first (or hold
    CAP_SYS_ADMIN). Filters stack: this can only ever remove permissions.
    """
    machine = platform.machine()
    program = build_filter(machine, pid)
    array = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
    fprog = _SockFprog(len(program), array)
    libc = ctypes.CDLL(None, use_errno=True)
    column = 0 if machine == "x86_64" else 1
    seccomp_nr = SYSCALLS["seccomp"][column]
    if libc.syscall(seccomp_nr, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
                    ctypes.byref(fprog)) != 0:
        err = ctypes.get_errno()
        raise SeccompError(err, f"seccomp(SET_MODE_FILTER) failed: {os.strerror(err)}")
    return len(program)


def encode(program: list[Instruction]) -> bytes:
    """The program as the kernel reads it (for inspection and tests)."""
    return b"".join(struct.pack("=HBBI", *ins) for ins in program)
