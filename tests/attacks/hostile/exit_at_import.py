"""Calls os._exit(0) while dead_relu.py is being imported.

Hostile submission (tests/attacks): the reference's dead_relu.py with the module's top
level (os._exit(0) while it is imported) replaced by the code below (tests/compose.py).
A student could hand that file in as it is; the attack suite fills in the @NAME@
placeholders (paths and ports of the test's own canaries) before grading it.

A naive grader that imports student code in its own process dies here with
exit status 0, which a batch script reads as success. The worker dies instead;
the trusted side sees the channel close and scores the file's functions as
errors, and the next file gets a fresh worker.
"""
# ruff: noqa

import os

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


_mark()
os._exit(0)
