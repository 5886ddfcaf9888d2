"""The pytest plugin that turns a hidden suite into per-function results.

The grader runs a hidden suite with ``pytest.main(..., plugins=[GradingPlugin(...)])``.
The plugin provides two fixtures: ``student``, the :class:`~grader.proxy.Student`
proxy of the submission being graded, and ``grade``, which runs the checks the
rubric lists for a function and records one :class:`Outcome` per (function, check).
One pytest item grades one function (pytest's per-item cost is paid once per
function, not once per check). Nothing the student's code prints is read: outcomes
come from the checks running here, on the trusted side.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from grader.cases import CaseResult, Cases, Outcome
from grader.errors import CheckFailed, RubricError, StudentCodeError
from grader.proxy import Student

INTERNAL = ("the grader could not run this check (an internal error); your instructor "
            "has been told")

Check = Callable[[Any, Student, Cases], None]


class Grade:
    """Runs checks and keeps their outcomes (the ``grade`` fixture)."""

    def __init__(self, graded: Callable[[str, str], bool]) -> None:
        self.graded = graded  # does the rubric give (function, check) points?
        self.outcomes: list[Outcome] = []

    @contextmanager
    def check(self, function: str, check: str, hint: str = "") -> Iterator[Cases]:
        """One check of one function; whatever escapes it is recorded, never raised.
        ``hint`` is told with an exception the student's code raised."""
        cases, internal = Cases(hint=hint), ""
        try:
            yield cases
        except (CheckFailed, StudentCodeError) as exc:
            cases.record("", exc)
        except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the grading
            cases.results.append(CaseResult("", "error", INTERNAL))
            internal = "".join(traceback.format_exception(exc))
        failures = cases.failures()
        self.outcomes.append(Outcome(function, check, cases.fraction, cases.status,
                                     [f.message for f in failures], internal,
                                     [f.hint for f in failures],
                                     [x for f in failures for x in f.inputs]))

    def run(self, record: Any, student: Student, checks: Mapping[str, Check]) -> None:
        """Run, for ``record``, every check in ``checks`` that the rubric gives points."""
        for name, check in checks.items():
            if self.graded(record.name, name):
                hint = record.hint(name) if callable(getattr(record, "hint", None)) else ""
                with self.check(record.name, name, hint) as cases:
                    check(record, student, cases)


def by_name(records: Sequence[Any], checks: Iterable[str] | None = None) -> Any:
    """Parametrize a test over records, with each function's name as id. ``checks``: the
    kinds of check the test runs for them (its ``grade.run`` table), so that the grader
    can hold the manifest to them before it grades anything."""
    parametrize = pytest.mark.parametrize("record", records, ids=[r.name for r in records])
    if checks is None:
        return parametrize
    kinds = tuple(checks)

    def declare(test: Any) -> Any:
        test.grader_checks = kinds  # an attribute, not a marker: no config to register it in
        return parametrize(test)

    return declare


class GradingPlugin:
    """Serves the fixtures of the submission being graded.

    It grades one submission per pass over the collected items, so one pytest
    session (configuration and collection paid once) can grade a whole class:
    :meth:`grade_all` is the session's test loop when submissions are given.
    """

    def __init__(self, graded: Callable[[str, str], bool],
                 passes: Iterable[tuple[Student, Callable[[list[Outcome]], None]]] = (),
                 pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.graded = graded
        self.passes = passes
        self.pairs = list(pairs)  # the manifest's (function, check) pairs, to find in suites
        self._student: Student | None = None
        self._grade = Grade(graded)
        self.collection_errors: list[str] = []

    @property
    def outcomes(self) -> list[Outcome]:
        return self._grade.outcomes

    @pytest.fixture
    def student(self) -> Student:
        assert self._student is not None
        return self._student

    @pytest.fixture
    def grade(self) -> Grade:
        return self._grade

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(str(report.longrepr)[:4000])

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Every graded function must have a record in the suites (items parametrized
        with ``by_name``), and every check with points must be one its test runs (where
        the test declares them): a manifest entry no suite grades is an error before any
        submission is graded, never a silent zero."""
        runs: dict[str, set[str] | None] = {}  # function -> its declared checks (None: not)
        for item in session.items:
            params = getattr(getattr(item, "callspec", None), "params", {})
            if "record" not in params:
                continue
            name = str(getattr(params["record"], "name", ""))
            declared = getattr(getattr(item, "function", None), "grader_checks", None)
            if declared is None or runs.get(name, set()) is None:
                runs[name] = None
            else:
                runs[name] = (runs.get(name) or set()) | {str(k) for k in declared}
        if not runs:
            return
        functions = list(dict.fromkeys(f for f, _ in self.pairs))
        missing = [f for f in functions if f not in runs]
        if missing:
            self.collection_errors.append(
                f"the manifest grades {', '.join(missing)}, but no hidden suite has a record "
                "for it (add one to the registry, or remove it from assignment.toml)")
        unknown = [f"{f} / {c}" for f, c in self.pairs if c not in (runs.get(f) or {c})]
        if unknown:
            self.collection_errors.append(
                f"the manifest gives points to {', '.join(unknown)}, which no hidden suite "
                "runs (remove them from assignment.toml, or add the check to the suite)")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:  # outside any check: a bug in the hidden suite itself
            self.collection_errors.append(f"{report.nodeid}: {str(report.longrepr)[:4000]}")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        """For each (student, deliver) pass: run every item, hand over the outcomes."""
        if self.collection_errors:
            return True
        items = session.items
        for student, deliver in self.passes:
            self._student, self._grade = student, Grade(self.graded)
            try:
                for index, item in enumerate(items):
                    following = items[index + 1] if index + 1 < len(items) else None
                    item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
            finally:
                student.close()
            if self.collection_errors:
                return True
            try:
                deliver(self._grade.outcomes)
            except RubricError as exc:  # the manifest and the suites disagree: say how
                self.collection_errors.append(str(exc))
                return True
        return True
