"""Points: the ``[checks]`` and ``[functions]`` of the assignment's manifest
(``assignment.toml``), and the scoring of outcomes against it.

The rubric gives, per graded function, the file that must define it and the
points of each kind of check; and, per kind of check, the title shown to
students. One JSON test (docs/results.md) is one (function, check) pair: its
score is its points times the fraction of its cases that passed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.cases import Outcome, feedback, hints, worst
from grader.errors import RubricError
from grader.results import Status, TestRecord, finite_inputs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Rubric:
    assignment: str
    titles: dict[str, str]  # check kind -> title
    files: dict[str, str]  # function -> file that defines it
    points: dict[tuple[str, str], float]  # (function, check) -> points

    @classmethod
    def load(cls, path: Path) -> Rubric:
        """The rubric of a manifest file (``assignment.toml``)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RubricError(f"cannot read the rubric {path}: {exc}") from None
        return cls.from_data(data, str(data.get("name", path.parent.name)), f"in {path}")

    @classmethod
    def from_data(cls, data: dict[str, Any], assignment: str, where: str) -> Rubric:
        """The rubric of a parsed manifest: its ``[checks]`` and ``[functions.NAME]``."""
        checks, functions = data.get("checks", {}), data.get("functions", {})
        if not isinstance(checks, dict) or not isinstance(functions, dict):
            raise RubricError(f"Expected tables [checks] and [functions.NAME] {where}")
        titles: dict[str, str] = {}
        for kind, entry in checks.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
                raise RubricError(f'Expected {{ title = "..." }} but got checks.{kind}='
                                  f"{entry!r} {where}")
            titles[str(kind)] = entry["title"]
        files: dict[str, str] = {}
        points: dict[tuple[str, str], float] = {}
        for function, entry in functions.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                raise RubricError(f'Expected {{ file = "...", points = {{ ... }} }} for '
                                  f"[functions.{function}] but got {entry!r} {where}")
            files[function] = entry["file"]
            table = entry.get("points", {})
            if not isinstance(table, dict):
                raise RubricError(f"Expected a table of points but got functions.{function}"
                                  f".points={table!r} {where}")
            for check, value in table.items():
                if check not in titles:
                    raise RubricError(f"{function} has points for check {check!r}, which has "
                                      f"no entry under [checks] {where}")
                if (not isinstance(value, (int, float)) or isinstance(value, bool)
                        or not value > 0 or value == float("inf")):
                    raise RubricError(f"Expected a positive number of points but got "
                                      f"functions.{function}.points.{check}={value!r} {where}")
                points[(function, check)] = float(value)
        return cls(assignment, titles, files, points)

    @property
    def functions(self) -> list[str]:
        return list(self.files)

    @property
    def total(self) -> float:
        return round(sum(self.points.values()), 6)

    def title(self, function: str, check: str) -> str:
        return f"{function}: {self.titles[check]}"

    def function_points(self, function: str) -> float:
        return round(sum(p for (f, _), p in self.points.items() if f == function), 6)

    def score(self, outcomes: Iterable[Outcome]) -> list[TestRecord]:
        """The ``tests`` of a results entry (docs/results.md), one per (function, check), in
        rubric order; ``hint`` holds the grader's hints apart from the ``feedback`` text,
        and ``inputs`` the inputs its failing cases named."""
        grouped: dict[tuple[str, str], list[Outcome]] = {}
        for outcome in outcomes:
            key = (outcome.function, outcome.check)
            if key not in self.points:
                raise RubricError(f"the hidden tests grade {key[0]} / {key[1]}, which has no "
                                  "points in the rubric")
            grouped.setdefault(key, []).append(outcome)
        missing = [key for key in self.points if key not in grouped]
        if missing:
            raise RubricError(f"no hidden test grades {missing[0][0]} / {missing[0][1]}")
        tests = []
        for (function, check), points in self.points.items():
            items = grouped[(function, check)]
            fraction = sum(o.fraction for o in items) / len(items)
            status = worst([o.status for o in items])
            messages = [m for o in items for m in o.messages]
            passed = status is Status.PASSED
            tests.append(TestRecord(
                name=self.title(function, check), function=function, check=check,
                score=round(points * fraction, 4), max_score=points, status=status,
                feedback="" if passed else feedback(messages),
                hint="" if passed else hints(messages, [h for o in items for h in _aligned(o)]),
                inputs=() if passed else finite_inputs(x for o in items for x in o.inputs)))
        return tests

    def failed(self, reason: str, status: Status = Status.ERROR) -> list[TestRecord]:
        """Every test at 0 for ``reason`` (a submission that could not be graded)."""
        return [TestRecord(self.title(f, c), f, c, 0.0, p, status, reason)
                for (f, c), p in self.points.items()]


def _aligned(outcome: Outcome) -> list[str]:
    """The hint of each of ``outcome``'s messages ("" where it has none)."""
    return (list(outcome.hints) + [""] * len(outcome.messages))[:len(outcome.messages)]
