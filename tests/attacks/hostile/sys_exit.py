"""zeros() calls sys.exit(0).

Hostile submission (tests/attacks): the reference's initializers.py with zeros()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

SystemExit is not an Exception: a grader that catches only Exception, or runs
student code in the test process, stops here. The worker reports it as what
zeros() raised.
"""
# ruff: noqa

import sys

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def zeros(fan_in, fan_out):
    _mark()
    sys.exit(0)
