"""relu_activity() fills the worker's private folder: 20 files of 16 MiB.

Hostile submission (tests/attacks): the reference's dead_relu.py with relu_activity()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

RLIMIT_FSIZE caps one file at 16 MiB; what caps the folder is that it is a tmpfs
of Limits.disk_bytes (64 MiB) in the worker's own mount namespace (and, under
bubblewrap, the sandbox's /tmp is a tmpfs of that size too). Without that, the
folder would be on the host's /tmp (disk) or the sandbox's tmpfs (memory outside
RLIMIT_AS), and the submission could write as long as its time budget lasts.
The attack reports how much it wrote.
"""
# ruff: noqa

import os

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def relu_activity(weights, biases, X, batch_size=1024):
    _mark()
    block, written = b"x" * (1 << 20), 0
    try:
        for number in range(20):
            with open(f"fill{number}.bin", "wb") as handle:
                for _ in range(16):
                    handle.write(block)
                    written += 1
    except OSError as exc:
        raise OSError(f"wrote {written} MiB in {os.getcwd()}: {exc}") from None
    raise RuntimeError(f"wrote {written} MiB in {os.getcwd()}")
