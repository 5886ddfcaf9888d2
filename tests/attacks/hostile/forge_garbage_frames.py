"""selu_grad() writes garbage frames onto the worker's channel to the grader.

Hostile submission (tests/attacks): the reference's derivatives.py with selu_grad()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

It finds its socket descriptors in /proc/self/fd and writes a frame that
declares a 1 TiB buffer, then malformed headers. The trusted side checks
every declared size against its caps before reading or allocating, calls the
reply invalid, and kills the worker.
"""
# ruff: noqa

import json
import os
import struct

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _socket_fds() -> list[int]:
    """Every socket this process holds: the worker's channel to the grader among them."""
    import stat

    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        names = [str(fd) for fd in range(256)]
    found = []
    for name in names:
        try:
            if stat.S_ISSOCK(os.fstat(int(name)).st_mode):
                found.append(int(name))
        except (OSError, ValueError):
            pass
    return found


def selu_grad(x):
    _mark()
    header = json.dumps({"ok": True, "type": "numpy.ndarray", "fp": [], "modified": [],
                         "value": {"k": "array", "dtype": "<f8", "shape": [2**37], "buf": 0},
                         "buffers": [2**40]}).encode()
    junk = struct.pack(">I", len(header)) + header
    junk += b"\xff\xff\xff\xff" + struct.pack(">I", 9) + b"not json!" + b"\x00" * 64
    for fd in _socket_fds():
        try:
            os.write(fd, junk)
        except OSError:
            pass
    raise RuntimeError("selu_grad: the grader should have read the frames above instead")
