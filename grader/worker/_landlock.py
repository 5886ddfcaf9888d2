"""Landlock for the worker: file-system, TCP and scope restrictions via ctypes.

Stdlib only; loaded by path from ``_isolate``. One call, :func:`restrict`,
builds a ruleset that handles every access right the running kernel knows,
grants read access beneath ``read`` paths and read-write access beneath
``write`` paths, and enforces it on the calling thread (and its future
children). After that the process can open nothing else, bind or connect no
TCP port (ABI >= 4), and neither reach abstract UNIX sockets nor signal
processes outside its domain (ABI >= 6).

ABI history: 1 (5.13) file system; 2 (5.19) REFER; 3 (6.2) TRUNCATE;
4 (6.7) TCP bind/connect; 5 (6.10) IOCTL_DEV; 6 (6.12) scopes; 7 (6.15) logging.
"""

from __future__ import annotations

import ctypes
import os
import platform

# syscall numbers are shared by x86_64 and aarch64 (unified table, >= 403)
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1

# --- file-system access rights (linux/landlock.h) ---------------------------
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5

NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

FS_BY_ABI = {1: (1 << 13) - 1, 2: FS_REFER, 3: FS_TRUNCATE, 5: FS_IOCTL_DEV}
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ_RIGHTS = FS_READ_FILE | FS_READ_DIR
WRITE_RIGHTS = (READ_RIGHTS | FS_WRITE_FILE | FS_TRUNCATE | FS_REMOVE_DIR | FS_REMOVE_FILE
                | FS_MAKE_DIR | FS_MAKE_REG | FS_REFER)


class LandlockError(OSError):
    """Landlock is missing, disabled, or refused the ruleset."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in the kernel header
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _fail(what: str) -> LandlockError:
    err = ctypes.get_errno()
    return LandlockError(err, f"landlock: {what}: {os.strerror(err)}")


def abi_version() -> int:
    """The kernel's Landlock ABI, or 0 if Landlock is unsupported or disabled."""
    if platform.system() != "Linux":
        return 0
    version = _libc.syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(int(version), 0)


def handled_rights(abi: int) -> tuple[int, int, int]:
    """(file-system, network, scope) rights a ruleset handles at this ABI."""
    fs = 0
    for since, bits in FS_BY_ABI.items():
        if abi >= since:
            fs |= bits
    net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    return fs, net, scoped


def _add_path(ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError as exc:
        raise LandlockError(exc.errno, f"landlock: cannot open {path}: {exc.strerror}") from None
    try:
        if not os.path.isdir(path):
            rights &= FILE_RIGHTS  # directory rights on a file are EINVAL
        attr = _PathBeneathAttr(rights, fd)
        if _libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(attr), 0) != 0:
            raise _fail(f"add rule for {path}")
    finally:
        os.close(fd)


def restrict(read: list[str], write: list[str], listable: tuple[str, ...] | list[str] = ()) -> int:
    """Allow only ``read`` (read-only) and ``write`` (read-write); return the ABI used.

    ``listable`` folders may be listed (recursively) but grant no file reads:
    the standard library's folder, say, whose ``site-packages`` must stay closed
    while its other entries are in ``read``. Applies to the calling thread only:
    call it while the process has one thread.
    """
    abi = abi_version()
    if abi < 1:
        raise LandlockError(0, "landlock is not supported or not enabled by this kernel")
    fs, net, scoped = handled_rights(abi)
    attr = _RulesetAttr(fs, net, scoped)
    size = 8 if abi < 4 else 16 if abi < 6 else 24  # the struct grew with the ABI
    ruleset = _libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        raise _fail("create ruleset")
    try:
        for path in listable:
            _add_path(ruleset, path, FS_READ_DIR)
        for path in read:
            _add_path(ruleset, path, READ_RIGHTS & fs)
        for path in write:
            _add_path(ruleset, path, WRITE_RIGHTS & fs)
        if _libc.syscall(SYS_RESTRICT_SELF, ruleset, 0) != 0:
            raise _fail("restrict self (is no_new_privs set?)")
    finally:
        os.close(ruleset)
    return abi
