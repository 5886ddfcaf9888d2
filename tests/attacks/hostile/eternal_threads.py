"""xavier_uniform() starts non-daemon threads that never end, then raises.

Hostile submission (tests/attacks): the reference's initializers.py with
xavier_uniform() replaced by the code below (tests/compose.py). A student could hand
that file in as it is; the attack suite fills in the @NAME@ placeholders (paths and
ports of the test's own canaries) before grading it.

The threads keep trying to write REACH and would keep a normal interpreter
from exiting. The worker is killed when the submission is done (SIGKILL to
the pid 1 of its pid namespace ends every thread and process in it), and
Landlock, inherited by every thread, refuses the writes meanwhile.
"""
# ruff: noqa

import os
import threading
import time

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _forever(number):
    _mark()
    while True:
        time.sleep(0.25)
        try:
            with open(f"{REACH}.thread{number}", "a") as handle:
                handle.write("still running\n")
        except OSError:
            pass


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    _mark()
    for number in range(4):
        threading.Thread(target=_forever, args=(number,), daemon=False).start()
    raise RuntimeError("xavier_uniform left four threads running")
