"""elu_grad() dereferences NULL through ctypes.

Hostile submission (tests/attacks): the reference's derivatives.py with elu_grad()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

The worker dies of SIGSEGV; the trusted side notices the closed channel,
reports the crash for elu_grad, and restarts a worker for what follows.
"""
# ruff: noqa

import ctypes

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def elu_grad(x, alpha=1.0):
    _mark()
    ctypes.string_at(0)
