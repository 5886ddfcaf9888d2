"""What runs inside a Dask worker process: the sandbox probe and the grading task.

The worker itself is trusted and never runs student code: it keeps one grading process
(:mod:`grader.cluster.serve`) per thread and hands each task's submission to one, as
bytes over a pipe. What arrives in a task is the client's own payload (a key, plain
``bytes`` of the student's files, the run's settings); what goes back is JSON text.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

from grader.cluster import serve
from grader.errors import GraderError

RESOURCE_PREFIX = "grader-"


def resource_name(run: str) -> str:
    """The Dask resource a worker accepted for the run ``run`` advertises (one per thread):
    tasks of that run need it, so refused workers (without it) never get one."""
    return RESOURCE_PREFIX + run[:16]


# --- the probe ------------------------------------------------------------------------
def describe(assignment: str, root: str | None = None, also: str = "") -> dict[str, Any]:
    """This machine as a grader sees it: which sandbox layers confine code here (a real
    sandboxed interpreter per layer, :func:`grader.sandbox.probe`), and the digests of the
    grader and the assignment it would grade with."""
    from pathlib import Path

    from grader import sandbox
    from grader.cluster.journal import assignment_digest, grader_digest

    report: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid(),
                              "python": sys.version.split()[0]}
    try:
        report["grader"] = grader_digest()
        report["assignment"] = assignment_digest(assignment, Path(root) if root else None)
    except Exception as exc:  # noqa: BLE001 - reported to the client, which refuses the worker
        report["grader"] = report["assignment"] = ""
        report["problem"] = f"{type(exc).__name__}: {exc}"
    layers = [*sandbox.LAYERS, *([also] if also and also not in sandbox.LAYERS else [])]
    report["layers"] = {layer: sandbox.probe(layer) for layer in layers}
    return report


async def probe(assignment: str, root: str | None = None, also: str = "",
                dask_worker: Any = None) -> dict:
    """:func:`describe`, run on a Dask worker (``client.run``) off its event loop; ``also``:
    a layer to probe besides those ``--sandbox auto`` picks from (one asked for by name)."""
    report = await asyncio.to_thread(describe, assignment, root, also)
    if dask_worker is not None:
        report["nthreads"] = dask_worker.state.nthreads
    return report


async def accept(run: Mapping[str, Any], dask_worker: Any = None) -> int:
    """Take this worker into the run: advertise the run's resource (one per thread) and
    start its grading processes, which warm up while the first tasks travel."""
    nthreads = int(dask_worker.state.nthreads)
    if "grader-pool" not in dask_worker.plugins:
        await dask_worker.plugin_add(plugin=_close_pool_plugin(), name="grader-pool")
    for _ in range(nthreads - _pool.idle(run["digest"])):
        _pool.give_back(_pool.start(run))
    await dask_worker.set_resources(**{resource_name(run["digest"]): nthreads})
    # The scheduler looks again at tasks waiting for a resource (all of them, once every
    # accepted worker was lost) when a worker joins or resumes, not when one gains the
    # resource: pausing and resuming this worker tells it.
    from distributed.core import Status

    if dask_worker.status == Status.running:
        dask_worker.status = Status.paused
        dask_worker.status = Status.running
    return nthreads


# --- grading ------------------------------------------------------------------------------
class ProcessEnded(Exception):
    """The grading process ended (or stopped answering) during a submission."""

    def __init__(self, code: int | None, detail: str = "") -> None:
        super().__init__(detail or f"exit code {code}")
        self.code, self.detail = code, detail


class GradingProcess:
    """One :mod:`grader.cluster.serve` process, fed submission after submission."""

    def __init__(self, run: Mapping[str, Any]) -> None:
        self.digest = str(run["digest"])
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                   MKL_NUM_THREADS="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.cluster.serve"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=env)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        serve.write_frame(self.stdin, {k: run[k] for k in ("assignment", "root", "sandbox",
                                                            "limits")})

    def grade(self, sid: str, files: Mapping[str, bytes], notes: list[str],
              seconds: float) -> dict[str, Any]:
        """Grade one submission; its entry. :class:`ProcessEnded` if the process ended or
        gave no answer within ``seconds``."""
        try:
            serve.write_frame(self.stdin, serve.encode_submission(sid, files, notes))
            ready, _, _ = select.select([self.stdout], [], [], seconds)
            if not ready:
                self.close(kill=True)
                raise ProcessEnded(None, f"no answer in {seconds:g} s")
            reply = serve.read_frame(self.stdout)
        except (OSError, serve.ChannelClosed):
            self.close(kill=False)
            raise ProcessEnded(self.process.returncode) from None
        if "fatal" in reply:  # the hidden suites cannot run: no submission can be graded
            self.close(kill=True)
            raise GraderError(str(reply["fatal"]))
        return dict(reply["entry"])

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self, *, kill: bool = False) -> None:
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if kill:
            self.process.kill()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _Pool:
    """This worker's idle grading processes, by run."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.processes: dict[str, list[GradingProcess]] = {}
        self.started: list[GradingProcess] = []

    def close(self) -> None:
        """End every grading process (each ends its zygote and removes its folders)."""
        with self.lock:
            started, self.started, self.processes = self.started, [], {}
        for process in started:
            process.close()

    def idle(self, digest: str) -> int:
        with self.lock:
            return len(self.processes.get(digest, []))

    def take(self, run: Mapping[str, Any]) -> GradingProcess:
        with self.lock:
            idle = self.processes.get(str(run["digest"]), [])
            while idle:
                process = idle.pop()
                if process.alive:
                    return process
                process.close()
        return self.start(run)

    def start(self, run: Mapping[str, Any]) -> GradingProcess:
        process = GradingProcess(run)
        with self.lock:
            self.started = [p for p in self.started if p.alive] + [process]
        return process

    def give_back(self, process: GradingProcess) -> None:
        with self.lock:
            self.processes.setdefault(process.digest, []).append(process)


def _close_pool_plugin() -> Any:
    """A Dask worker plugin: the worker's grading processes end with it."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class ClosePool(WorkerPlugin):  # type: ignore[misc]
        def teardown(self, worker: Any) -> None:
            _pool.close()

    return ClosePool()


_pool = _Pool()


def grade(run: Mapping[str, Any], key: str, files: Mapping[str, bytes],
          notes: list[str]) -> dict[str, Any]:
    """The Dask task: grade one submission's ``files`` in a grading process of this
    worker; ``{"entry": JSON text of the entry without id, "seconds", "worker"}``."""
    started = time.monotonic()
    limits = run["limits"]
    patience = 2 * float(limits["submission_seconds"]) + 120  # the engine enforces the budget
    process = _pool.take(run)
    try:
        entry = process.grade(key, files, notes, patience)
    except ProcessEnded as ended:
        entry = _process_ended(run, key, ended)
    else:
        _pool.give_back(process)
    entry.pop("id", None)
    return {"entry": json.dumps(entry, ensure_ascii=False),
            "seconds": time.monotonic() - started,
            "worker": f"{socket.gethostname()}:{os.getpid()}"}


def _process_ended(run: Mapping[str, Any], key: str, ended: ProcessEnded) -> dict[str, Any]:
    """The entry ``grade_all`` gives a submission whose grading process died."""
    from grader.runner import _failed_entry
    from grader.submission import Submission

    settings = serve.settings_from(run)
    if ended.detail:
        reason = f"the grader failed while grading this submission ({ended.detail})"
    else:
        reason = ("the grader failed while grading this submission (its grading process "
                  f"ended with exit code {ended.code})")
    return _failed_entry(Submission(key, settings.folder), settings.rubric(),
                         reason + "; grade it again alone")
