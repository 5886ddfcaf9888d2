"""The worker zygote: one pre-warmed worker process (numpy and scipy.special already
imported) that forks a fresh worker per submission in a few milliseconds.

This module is light (the standard library and the sandbox settings; numpy only once
the zygote is asked for something), so that the command line can start a zygote first
thing, before pytest and numpy are imported, and its start overlaps theirs.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from grader import errors, sandbox
from grader.sandbox import Limits

WORKER_MAIN = Path(__file__).with_name("worker") / "_main.py"
ALLOWED_PACKAGES = ("numpy", "scipy")


_zygotes: dict[tuple[str, Limits], Zygote] = {}  # this process's, by (layer, limits)


def shared_zygote(layer: str, limits: Limits) -> Zygote:
    """This process's zygote for ``layer`` and ``limits``, started on first use and closed
    (its temporary folder removed) when the process exits or :func:`close_zygotes`.
    Start it from a thread that lives as long as it is used: bubblewrap's
    ``--die-with-parent`` ends the zygote when the thread that started it ends."""
    key = (layer, limits)
    zygote = _zygotes.get(key)
    if zygote is None or not zygote.alive:
        if zygote is not None:
            zygote.close()
        if not _zygotes:
            atexit.register(close_zygotes)
        _close_at_exit()
        zygote = _zygotes[key] = Zygote(layer=layer, limits=limits)
    return zygote


_exit_hook_pid = 0  # the process that registered _close_own_zygotes


def _close_at_exit() -> None:
    """Close this process's zygotes at its exit also where atexit does not run: in a
    multiprocessing child (a pool's worker that grades), through its finalizers."""
    global _exit_hook_pid
    if _exit_hook_pid != os.getpid():
        from multiprocessing.util import Finalize

        _exit_hook_pid = os.getpid()
        Finalize(None, _close_own_zygotes, exitpriority=10)


def _close_own_zygotes() -> None:
    """Close the zygotes this process started (one it inherited is its parent's)."""
    for key in [k for k, z in _zygotes.items() if z.owner == os.getpid()]:
        _zygotes.pop(key).close()


def hand_over_zygote(layer: str, limits: Limits) -> None:
    """After forking a child that adopted this process's zygote for ``layer`` and
    ``limits`` (see :func:`forget_zygotes`): let go of it (:meth:`Zygote.reap` it later)."""
    zygote = _zygotes.pop((layer, limits), None)
    if zygote is not None:
        zygote.hand_over()


def close_zygotes() -> None:
    """Close this process's zygotes (forked children skip atexit: they call this)."""
    atexit.unregister(close_zygotes)
    while _zygotes:
        _, zygote = _zygotes.popitem()
        zygote.close()


def forget_zygotes(keep: tuple[str, Limits] | None = None) -> None:
    """In a forked child: the parent's zygotes are the parent's to use and close, but
    the one under ``keep``, which the parent handed over to this child."""
    for key in [k for k in _zygotes if k != keep]:
        del _zygotes[key]


@contextmanager
def nothing_left_running() -> Iterator[list[int]]:
    """Grade inside it: on leaving, no process that student code started still runs.

    Each worker's own processes end with it under every layer (see :class:`Zygote`). This
    covers what is left: with ``--no-sandbox`` student code runs as you and may kill the
    worker's supervisor and zygote, so that what it started would be adopted by init. Inside, this
    process is a child subreaper, so such orphans come to it instead; on leaving, its
    zygotes are closed, then every process that has come below it since it entered is
    killed and reaped. Yields the list that then receives their pids (empty when every
    worker ended its own). Use it around the grading whose results are written after."""
    from grader.worker import _isolate

    before = set(_isolate.children())
    was = _isolate.child_subreaper()
    _isolate.child_subreaper(True)
    ended: list[int] = []
    try:
        yield ended
    finally:
        close_zygotes()
        ended += _isolate.end_descendants(keep=before)
        if not was:
            _isolate.child_subreaper(False)


def allowed_packages_dir() -> Path:
    """A private folder with links to the packages graded code may import."""
    folder = Path(tempfile.mkdtemp(prefix="grader-site-"))
    for name in ALLOWED_PACKAGES:
        spec = find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        package = Path(next(iter(spec.submodule_search_locations)))
        for sibling in (package, package.with_name(name + ".libs")):
            if sibling.exists():
                (folder / sibling.name).symlink_to(sibling)
    return folder


class Zygote:
    """One pre-warmed worker process that forks a worker per submission.

    ``layer`` is the sandbox (:mod:`grader.sandbox`): "bubblewrap" runs the zygote
    under bwrap and confines each worker further; "landlock" confines each worker
    with namespaces, Landlock and seccomp; "landlock-nons" with Landlock and seccomp
    alone; "none" only separates the processes. Under every layer, a worker that ends
    (or is killed) leaves no process behind: whatever it started is ended before
    the zygote reports it gone (see ``grader/worker/_isolate.py``).
    """

    def __init__(self, *, layer: str = "none", limits: Limits | None = None,
                 python: str = sys.executable, start_seconds: float = 60.0) -> None:
        self.site = allowed_packages_dir()
        self.layer = layer
        limits = limits or Limits()
        self.policy = sandbox.policy_for(layer, limits, [self.site], [], python=python)
        ours, theirs = socket.socketpair()
        env = dict(sandbox.ENV, PATH=os.environ.get("PATH", "/usr/bin:/bin"))
        debug = os.environ.get("GRADER_DEBUG_WORKER")
        argv = [python, "-I", "-S", str(WORKER_MAIN), str(self.site), str(theirs.fileno())]
        if layer == "bubblewrap":
            argv = sandbox.bwrap_argv(python, [self.site], unprivileged=os.geteuid() == 0,
                                      tmp_bytes=limits.disk_bytes) + argv[1:]
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None if debug else subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            env=env,
        )
        theirs.close()
        self.control = ours
        self.reader: Any = None  # a _wire.Reader, made with the first request
        self.start_seconds = start_seconds
        self.owner = os.getpid()  # the process that started it (and must reap it)

    @property
    def alive(self) -> bool:
        """Whether the zygote process still runs (also in a forked child that adopted it)."""
        if os.getpid() == self.owner:
            return self.process.poll() is None
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as stat:
                state = stat.read().rpartition(b")")[2].split()[0]
        except (OSError, IndexError):
            return False
        return state not in (b"Z", b"X")

    def hand_over(self) -> None:
        """In the process that started it, once a forked child has adopted it: let go of
        the control channel (the child's closing it ends the zygote); :meth:`reap` later."""
        self.control.close()

    def reap(self, seconds: float = 10.0) -> None:
        """After :meth:`hand_over`: wait for the zygote to end (kill it if it does not)."""
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.site, ignore_errors=True)

    def _request(self, message: dict[str, Any], fds: list[int] = ()) -> dict[str, Any]:  # type: ignore[assignment]
        from grader.worker import _wire  # numpy: imported by now on the trusted side

        if self.reader is None:
            self.reader = _wire.Reader(self.control)
        try:
            socket.send_fds(self.control, [json.dumps(message).encode()], list(fds))
            ready, _, _ = select.select([self.control], [], [], self.start_seconds)
            if not ready:
                raise errors.WorkerError("the worker process did not answer")
            header, _ = _wire.recv(self.reader, 0)
        except (OSError, EOFError, _wire.WireError) as exc:
            raise errors.WorkerError(
                f"the worker process failed ({exc}); run with GRADER_DEBUG_WORKER=1 to see why"
            ) from None
        return header

    def spawn(self) -> tuple[socket.socket, int]:
        ours, theirs = socket.socketpair()
        try:
            reply = self._request({"op": "spawn", "policy": self.policy}, [theirs.fileno()])
        finally:
            theirs.close()
        if "pid" not in reply:
            ours.close()
            raise errors.WorkerError(str(reply.get("error", "the worker could not be started")))
        return ours, int(reply["pid"])

    def kill(self, pid: int) -> None:
        self._request({"op": "kill", "pid": pid})

    def status(self, pid: int) -> str:
        return str(self._request({"op": "status", "pid": pid}).get("status", "unknown"))

    def memory(self, pid: int) -> dict[str, int]:
        """The resident memory of worker ``pid``, now (``"rss"``) and at its peak so far
        (``"hwm"``), in bytes, as the zygote reads it from outside the worker; ``{}`` if
        it could not be read."""
        reply = self._request({"op": "memory", "pid": pid})
        return {k: reply[k] for k in ("rss", "hwm") if type(reply.get(k)) is int}

    def close(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=5)  # in an adopting child: returns at once (not ours)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.site, ignore_errors=True)

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
