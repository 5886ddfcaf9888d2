"""Grading: one submission through the hidden suites, or a whole class in parallel.

For each submission the hidden suites run in a pytest session on the trusted
side, with the submission's code in its own worker (see :mod:`grader.proxy`).
A class is split over ``jobs`` grading processes, each with its own pre-warmed
zygote; results come back as they finish.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

from grader.errors import GraderError
from grader.plugin import GradingPlugin
from grader.proxy import Student, Zygote
from grader.release import assignment_dir
from grader.rubric import Rubric
from grader.sandbox import Limits
from grader.submission import Submission


@dataclass(frozen=True)
class Settings:
    """Everything a grading process needs to know; picklable (sent to the pool)."""

    assignment: str = "activations"
    root: Path | None = None  # folder holding the assignments (default: the installed one)
    sandbox: str = "none"  # a layer sandbox.choose() returned
    limits: Limits = field(default_factory=Limits)

    @property
    def folder(self) -> Path:
        return assignment_dir(self.assignment, self.root)

    @property
    def grading(self) -> Path:
        return self.folder / "grading"

    def rubric(self) -> Rubric:
        return Rubric.load(self.grading / "rubric.toml")


_zygotes: dict[tuple[str, Limits], Zygote] = {}


def _shared_zygote(settings: Settings) -> Zygote:
    """This process's zygote for these settings, started on first use."""
    key = (settings.sandbox, settings.limits)
    zygote = _zygotes.get(key)
    if zygote is None or zygote.process.poll() is not None:
        zygote = _zygotes[key] = Zygote(layer=settings.sandbox, limits=settings.limits)
    return zygote


def grade(submission: Submission, settings: Settings, zygote: Zygote | None = None
          ) -> dict[str, Any]:
    """Grade one submission; return its SPEC section 3 entry."""
    rubric = settings.rubric()
    if submission.error:
        return _failed_entry(submission, rubric, submission.error)
    zygote = zygote or _shared_zygote(settings)
    limits = settings.limits
    student = Student(
        submission.files,
        rubric.files,
        zygote,
        call_seconds=limits.call_seconds,
        import_seconds=2 * limits.call_seconds,
        submission_seconds=limits.submission_seconds,
    )
    plugin = GradingPlugin(student, lambda f, c: (f, c) in rubric.points)
    try:
        with _no_plugin_autoload():
            code = pytest.main(_pytest_args(settings.grading), plugins=[plugin])
    finally:
        student.close()
    if plugin.collection_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        detail = plugin.collection_errors[0] if plugin.collection_errors else f"exit code {code}"
        raise GraderError(f"the hidden tests of {settings.assignment} could not run: {detail}")
    for outcome in plugin.outcomes:
        if outcome.internal:
            print(f"grader: internal error grading {submission.id} "
                  f"({outcome.function} / {outcome.check}):\n{outcome.internal}",
                  file=sys.stderr)
    tests = rubric.score(plugin.outcomes)
    entry = {
        "id": submission.id,
        "score": round(sum(t["score"] for t in tests), 4),
        "max_score": rubric.total,
        "status": "graded",
        "tests": tests,
    }
    if submission.notes:
        entry["notes"] = submission.notes
    return entry


def _failed_entry(submission: Submission, rubric: Rubric, reason: str) -> dict[str, Any]:
    return {
        "id": submission.id,
        "score": 0.0,
        "max_score": rubric.total,
        "status": "error",
        "feedback": reason,
        "tests": [
            {"name": rubric.title(f, c), "function": f, "check": c, "score": 0.0,
             "max_score": p, "status": "error", "feedback": reason}
            for (f, c), p in rubric.points.items()
        ],
    }


def _pytest_args(grading: Path) -> list[str]:
    return [str(grading), "-c", str(grading / "pytest.ini"), "--rootdir", str(grading)]


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


def grade_all(
    submissions: Iterable[Submission],
    settings: Settings,
    *,
    jobs: int = 1,
    on_start: Callable[[Submission], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Grade every submission, ``jobs`` at a time; yield entries as they finish."""
    pending = list(submissions)
    if jobs <= 1 or len(pending) <= 1:
        for submission in pending:
            if on_start:
                on_start(submission)
            yield grade(submission, settings)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        running: dict[Future[dict[str, Any]], Submission] = {}
        queue = iter(pending)
        for submission in queue:
            running[pool.submit(grade, submission, settings)] = submission
            if len(running) >= jobs * 2:
                break
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                yield future.result()
                nxt = next(queue, None)
                if nxt is not None:
                    running[pool.submit(grade, nxt, settings)] = nxt
