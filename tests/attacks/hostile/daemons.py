"""xavier_normal() leaves an orphan, a double-forked setsid daemon and a program behind.

Hostile submission (tests/attacks): the reference's initializers.py with xavier_normal()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

Each would sleep past the end of grading and then write a file outside. fork,
clone without CLONE_THREAD and execve are refused by seccomp; had one
succeeded, it would still die with the worker's pid namespace.
"""
# ruff: noqa

import os
import signal
import subprocess
import sys
import time

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _escapes_first(notes: list[str]) -> list[str]:
    """What got out first: the feedback shows only the start of a long message."""
    return sorted(notes, key=lambda note: not note.startswith("escaped"))


def _linger_then_write(suffix):
    _mark()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    time.sleep(2)
    try:
        with open(REACH + suffix, "w") as handle:
            handle.write(f"{suffix} outlived its grading\n")
    except OSError:
        pass
    time.sleep(600)
    os._exit(0)


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    _mark()
    notes = []
    try:  # an orphan: its parent returns, it stays
        if os.fork() == 0:
            _linger_then_write(".orphan")
        notes.append("escaped: orphan started")
    except OSError as exc:
        notes.append(f"orphan: {exc}")
    try:  # a classic daemon: fork, setsid, fork again, first child exits
        first = os.fork()
        if first == 0:
            os.setsid()
            if os.fork() == 0:
                _linger_then_write(".daemon")
            os._exit(0)
        os.waitpid(first, 0)
        notes.append("escaped: daemon started")
    except OSError as exc:
        notes.append(f"daemon: {exc}")
    program = (f"import ctypes, time; ctypes.CDLL(None).prctl(15, {MARKER.encode()!r}, 0, 0, 0); "
               f"time.sleep(2); open({REACH + '.program'!r}, 'w').write('hello'); time.sleep(600)")
    try:  # a program of its own, in a new session
        subprocess.Popen([sys.executable or "python3", "-c", program], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        notes.append("escaped: a program started")
    except OSError as exc:
        notes.append(f"program: {exc}")
    raise RuntimeError("; ".join(_escapes_first(notes)))
