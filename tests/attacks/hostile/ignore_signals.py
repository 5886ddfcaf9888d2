"""tanh() ignores SIGTERM, SIGINT and friends and sleeps forever.

Hostile submission (tests/attacks): the reference's activations.py with tanh() replaced
by the code below (tests/compose.py). A student could hand that file in as it is; the
attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

A grader that stops hung code politely (SIGTERM, KeyboardInterrupt) waits
forever. The trusted side's deadline uses SIGKILL, which cannot be ignored.
"""
# ruff: noqa

import signal
import time

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def tanh(x):
    _mark()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT,
                signal.SIGUSR1, signal.SIGALRM, signal.SIGXCPU):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        try:
            time.sleep(3600)
        except BaseException:
            pass
