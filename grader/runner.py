"""Grading: one submission through the hidden suites, or a whole class in parallel.

The hidden suites run in a pytest session on the trusted side, with each
submission's code in its own worker (see :mod:`grader.proxy`). One session
grades submission after submission (pytest's configuration and collection are
paid once per process, not once per student). A class is shared out to ``jobs``
grading processes, each with its own session and pre-warmed zygote; results come
back as they finish.
"""

from __future__ import annotations

import importlib
import os
import queue
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

from grader.cases import Outcome
from grader.errors import GraderError
from grader.plugin import GradingPlugin
from grader.proxy import Student
from grader.report import clean, printable
from grader.rubric import Rubric
from grader.settings import Settings
from grader.submission import Submission
from grader.zygote import close_zygotes, forget_zygotes, hand_over_zygote, shared_zygote

_warm: set[Path] = set()  # hidden-suite folders already imported in this process


def warm_up(settings: Settings) -> None:
    """Import the hidden suites as pytest will import them (``prepend`` mode: the folder
    first on ``sys.path``, each ``test_*.py`` under its own name) and run the
    ``warm_up()`` each may define (data made once, e.g. by Hypothesis). Grading
    processes forked afterwards start with all of it ready; pytest finds the modules
    already imported and collects them as they are."""
    grading = settings.grading
    _use_suites(grading)
    if grading in _warm:
        return
    if str(grading) not in sys.path:
        sys.path.insert(0, str(grading))
    for path in sorted(grading.glob("test_*.py")):
        try:
            module = importlib.import_module(path.stem)
            if getattr(module, "__file__", None) != str(path):
                raise GraderError(f"{path.stem} is already imported from "
                                  f"{getattr(module, '__file__', '?')}")
            hook = getattr(module, "warm_up", None)
            if callable(hook):
                hook()
        except GraderError:
            raise
        except Exception as exc:
            raise GraderError(f"the hidden tests of {settings.assignment} could not be "
                              f"imported: {path.name}: {type(exc).__name__}: {exc}") from exc
    _warm.add(grading)


def _use_suites(grading: Path) -> None:
    """Forget the hidden suites of any other assignment this process imported: theirs
    and these share module names (``registry``, ``test_*``), and pytest must import
    these."""
    for other in [folder for folder in _warm if folder != grading]:
        for name, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None)
            if path and Path(path).parent == other:
                del sys.modules[name]
        while str(other) in sys.path:
            sys.path.remove(str(other))
        _warm.discard(other)


def grade_each(submissions: Iterable[Submission], settings: Settings,
               deliver: Callable[[dict[str, Any]], None]) -> None:
    """Grade submissions one after another in one pytest session (configuration and
    collection of the hidden suites paid once); ``deliver`` each entry when done."""
    assignment = settings.load()
    rubric, policy = assignment.rubric, assignment.policy
    _use_suites(assignment.suites)
    _warm.add(assignment.suites)  # what pytest imports now: forgotten before another's
    layer, limits = settings.sandbox, settings.limits
    shared_zygote(layer, limits)  # it imports numpy and scipy while pytest collects the suites

    def passes() -> Iterator[tuple[Student, Callable[[list[Outcome]], None]]]:
        for submission in submissions:
            if submission.error:
                deliver(_failed_entry(submission, rubric, submission.error))
                continue
            student = Student(submission.files, rubric.files, shared_zygote(layer, limits),
                              call_seconds=limits.call_seconds,
                              import_seconds=2 * limits.call_seconds,
                              submission_seconds=limits.submission_seconds, policy=policy)
            yield student, partial(_deliver_outcomes, submission, rubric, deliver)

    plugin = GradingPlugin(lambda f, c: (f, c) in rubric.points, passes(), rubric.points)
    with _no_plugin_autoload():
        code = pytest.main(_pytest_args(settings.grading), plugins=[plugin])
    if plugin.collection_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        detail = plugin.collection_errors[0] if plugin.collection_errors else f"exit code {code}"
        raise GraderError(f"the hidden tests of {settings.assignment} could not run: {detail}")


def _deliver_outcomes(submission: Submission, rubric: Rubric,
                      deliver: Callable[[dict[str, Any]], None], outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.internal:
            print(printable(f"grader: internal error grading {submission.id} "
                            f"({outcome.function} / {outcome.check}):\n{outcome.internal}",
                            newlines=True), file=sys.stderr)
    tests = [record.as_json() for record in rubric.score(outcomes)]
    entry = {
        "id": submission.id,
        "score": round(sum(t["score"] for t in tests), 4),
        "max_score": rubric.total,
        "status": "graded",
        "tests": tests,
    }
    if submission.notes:
        entry["notes"] = submission.notes
    deliver(clean(entry))  # student text made encodable here, for every path that writes it


def grade(submission: Submission, settings: Settings) -> dict[str, Any]:
    """Grade one submission in this process; return its SPEC section 3 entry."""
    entries: list[dict[str, Any]] = []
    grade_each([submission], settings, entries.append)
    return entries[0]


def _failed_entry(submission: Submission, rubric: Rubric, reason: str) -> dict[str, Any]:
    return {
        "id": submission.id,
        "score": 0.0,
        "max_score": rubric.total,
        "status": "error",
        "feedback": reason,
        "tests": [record.as_json() for record in rubric.failed(reason)],
    }


# pytest's own plugins the hidden suites do without. They are blocked on the command line,
# not in the suites' pytest.ini: only there does "-p no:NAME" keep pytest from importing
# them at all (unittest, pdb and xml alone cost 30 ms a grading process).
UNUSED_PLUGINS = ("cacheprovider", "terminal", "logging", "warnings", "doctest", "junitxml",
                  "pastebin", "unraisableexception", "threadexception", "stepwise",
                  "legacypath", "unittest", "debugging", "faulthandler", "setuponly",
                  "setupplan", "subtests")


def _pytest_args(grading: Path) -> list[str]:
    blocked = [arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")]
    return [str(grading), "-c", str(grading / "pytest.ini"), "--rootdir", str(grading),
            *blocked, "--assert=plain"]


@contextmanager
def _no_plugin_autoload() -> Iterator[None]:
    """Hidden suites run with our plugin only: no third-party plugin may reorder,
    rerun or skip them."""
    before = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"]
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = before


def _grading_process(tasks: Any, results: Any, settings: Settings, adopt: bool) -> None:
    """A grading process: take submissions until the sentinel, report each result.
    ``adopt``: use the zygote the parent started for these settings."""
    forget_zygotes(keep=(settings.sandbox, settings.limits) if adopt else None)
    signal.signal(signal.SIGTERM, _interrupted)  # stop, but close the zygote (and its folder)

    def taken() -> Iterator[Submission]:
        for submission in iter(tasks.get, None):
            results.put(("start", os.getpid(), submission.id))
            yield submission

    try:
        grade_each(taken(), settings, lambda entry: results.put(("done", os.getpid(), entry)))
    except GraderError as exc:
        results.put(("fatal", os.getpid(), str(exc)))
    except KeyboardInterrupt:  # told to stop (SIGTERM): nobody waits for a result
        pass
    except BaseException:  # noqa: BLE001 - reported, then this process ends
        results.put(("fatal", os.getpid(), traceback.format_exc()))
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        close_zygotes()


def _interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # pytest ends the session on it (a SystemExit it would catch)


def grade_all(
    submissions: Iterable[Submission], settings: Settings, *, jobs: int = 1
) -> Iterator[dict[str, Any]]:
    """Grade every submission in ``jobs`` grading processes; yield entries as they finish.

    A grading process that dies costs only the submission it was grading (which
    gets status "error"); a replacement takes over the rest.
    """
    pending = list(submissions)
    if not pending:
        return
    warm_up(settings)  # once here, not once per grading process
    context = get_context("fork")
    tasks, results = context.Queue(), context.Queue()
    for submission in pending:
        tasks.put(submission)
    workers = max(1, min(jobs, len(pending)))
    for _ in range(workers):
        tasks.put(None)
    rubric = settings.rubric()
    by_id = {s.id: s for s in pending}
    processes: dict[int, Any] = {}
    in_flight: dict[int, str] = {}
    # One grading process: it adopts a zygote started here, whose start (numpy, scipy,
    # the sandbox) overlaps the fork; the caller may have started it even earlier.
    handed = shared_zygote(settings.sandbox, settings.limits) if workers == 1 else None

    def start(adopt: bool = False) -> None:
        process = context.Process(target=_grading_process,
                                  args=(tasks, results, settings, adopt), daemon=True)
        process.start()
        assert process.pid is not None
        processes[process.pid] = process

    for _ in range(workers):
        start(adopt=handed is not None)
    if handed is not None:
        hand_over_zygote(settings.sandbox, settings.limits)
    remaining = len(pending)
    try:
        while remaining:
            try:
                kind, pid, payload = results.get(timeout=0.5)
            except queue.Empty:
                for pid, process in list(processes.items()):
                    if process.exitcode is not None:
                        processes.pop(pid)
                        lost = in_flight.pop(pid, None)
                        if lost is not None:
                            remaining -= 1
                            yield _failed_entry(by_id[lost], rubric, (
                                "the grader failed while grading this submission (its "
                                f"grading process ended with exit code {process.exitcode}); "
                                "grade it again alone"))
                            tasks.put(None)
                            start()
                if not processes:
                    raise GraderError(
                        "every grading process stopped before the class was done") from None
                continue
            if kind == "start":
                in_flight[pid] = payload
            elif kind == "done":
                in_flight.pop(pid, None)
                remaining -= 1
                yield payload
            else:
                raise GraderError(payload)
    finally:
        # what no grading process took (a run that stopped early) is dropped, not flushed
        # into a pipe nobody reads: waiting for that at exit would hang this process
        tasks.cancel_join_thread()
        for process in processes.values():  # done: they end by themselves, tidily
            process.join(timeout=0 if remaining else 10)
        for process in processes.values():
            if process.is_alive():
                process.terminate()
            process.join(timeout=10)
        if handed is not None:
            handed.reap()
