"""relu() never returns (while True: pass).

Hostile submission (tests/attacks): the reference's activations.py with relu() replaced
by the code below (tests/compose.py). A student could hand that file in as it is; the
attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

The trusted side's per-call deadline kills the worker (SIGKILL) and relu is
not called again; the next function gets a fresh worker.
"""
# ruff: noqa

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def relu(x):
    _mark()
    while True:
        pass
