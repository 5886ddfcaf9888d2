"""he_uniform() registers exit handlers that print a fake score and write a file.

Hostile submission (tests/attacks): the reference's initializers.py with he_uniform()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

A grader that reads the worker's output, or lets it exit normally, would see
the fake score and the file. The worker's output is never read, it ends with
os._exit or SIGKILL (no atexit, no finalizers), and the write would be refused.
"""
# ruff: noqa

import atexit
import json
import os
import signal
import sys
import weakref

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _last_word(*_):
    fake = json.dumps({"score": 100.0, "max_score": 100.0, "status": "passed",
                       "note": "FAKE" + "-SCORE"})
    for stream in (sys.stdout, sys.__stdout__, sys.stderr):
        try:
            print(fake, file=stream, flush=True)
        except Exception:
            pass
    for fd in (1, 2):
        try:
            os.write(fd, fake.encode() + b"\n")
        except OSError:
            pass
    try:
        with open(REACH, "w") as handle:
            handle.write(fake)
    except OSError:
        pass


class _Keeper:
    pass


_keeper = _Keeper()


def he_uniform(fan_in, fan_out, rng):
    _mark()
    atexit.register(_last_word)
    weakref.finalize(_keeper, _last_word)
    signal.signal(signal.SIGTERM, lambda *_: (_last_word(), os._exit(0)))
    sys.exitfunc = _last_word
    raise RuntimeError("he_uniform gave up (its exit handlers will report the score)")
