"""softplus_grad() answers the grader itself with forged frames that claim success.

Hostile submission (tests/attacks): the reference's derivatives.py with softplus_grad()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

For each call it writes, straight onto its channel, a well-formed reply: "ok",
an exact numpy.ndarray, no floating-point warnings, inputs unmodified, no
Python work; and it makes the worker swallow its own reply so the channel
stays in step. Forging buys nothing: the trusted side judges the values it
receives, and the forger does not know the expected ones (it sends NaN).
"""
# ruff: noqa

import json
import os
import struct
import sys

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


def softplus_grad(x):
    _mark()
    fake = np.full(np.shape(x), np.nan)
    header = json.dumps({
        "ok": True, "type": "numpy.ndarray", "fp": [], "modified": [], "events": 0,
        "value": {"k": "array", "dtype": "<f8", "shape": list(fake.shape), "buf": 0,
                  "cls": "numpy.ndarray"},
        "buffers": [fake.nbytes]}).encode()
    frame = struct.pack(">I", len(header)) + header + fake.tobytes()
    for fd in _socket_fds():
        try:
            os.write(fd, frame)
        except OSError:
            pass
    wire = sys.modules.get("_wire")  # the worker's own frame writer
    if wire is not None:
        real_send = wire.send

        def swallow_once(sock, header, buffers=None):
            wire.send = real_send

        wire.send = swallow_once
    return fake
