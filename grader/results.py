"""Typed results: what one check of one function earned, before it becomes JSON.

The JSON document (docs/results.md, SPEC section 3) is made from these records, key for
key; readers inside the engine (the plots, the pages) use the fields instead of parsing
the ``feedback`` text, which quotes what the student's code raised or returned.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    """The status of a check (and of its cases), worst first."""

    NOT_ALLOWED = "not_allowed"
    TIMEOUT = "timeout"
    ERROR = "error"
    FAILED = "failed"
    PASSED = "passed"

    def __str__(self) -> str:
        return self.value


SEVERITY = tuple(status.value for status in Status)  # worst first
INPUTS_SHOWN = 12  # failing inputs one test record names


def worst(statuses: Iterable[str]) -> Status:
    """The worst of ``statuses`` (``passed`` for none)."""
    return Status(min((str(s) for s in statuses), key=SEVERITY.index, default="passed"))


def finite_inputs(values: Iterable[Any], cap: int = INPUTS_SHOWN) -> tuple[float, ...]:
    """Up to ``cap`` distinct finite numbers of ``values``, in order."""
    found: dict[float, None] = {}
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            continue
        if math.isfinite(number):
            found.setdefault(number, None)
            if len(found) >= cap:
                break
    return tuple(found)


@dataclass(frozen=True)
class TestRecord:
    """One (function, check) of a submission: the ``tests`` entries of the JSON."""

    __test__ = False  # not a pytest test class, whatever its name

    name: str
    function: str
    check: str
    score: float
    max_score: float
    status: Status
    feedback: str = ""
    hint: str = ""  # the grader's hints, one per line, apart from the feedback
    inputs: tuple[float, ...] = field(default=())  # inputs where values were wrong

    def as_json(self) -> dict[str, Any]:
        """The record as docs/results.md lays it out (``inputs`` only where there are)."""
        data: dict[str, Any] = {
            "name": self.name, "function": self.function, "check": self.check,
            "score": self.score, "max_score": self.max_score, "status": self.status.value,
            "feedback": self.feedback, "hint": self.hint,
        }
        if self.inputs:
            data["inputs"] = list(self.inputs)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TestRecord:
        """A record read back from a results file (unknown statuses are errors)."""
        status = str(data.get("status", "error"))
        return cls(str(data.get("name", "")), str(data.get("function", "")),
                   str(data.get("check", "")), float(data.get("score", 0.0)),
                   float(data.get("max_score", 0.0)),
                   Status(status) if status in SEVERITY else Status.ERROR,
                   str(data.get("feedback", "")), str(data.get("hint", "")),
                   finite_inputs(data.get("inputs") or ()))
