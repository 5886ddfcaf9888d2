"""Sub-cases inside one graded check, for partial credit.

A graded check (one pytest item) runs several cases -- every parameter
setting, every kind of input -- and earns the fraction of them that pass::

    def test_values(record, student, cases):
        for params in record.params:
            with cases.case(f"{params}"):
                ...

A case that fails records its message and the check goes on with the next.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from grader.errors import CheckFailed, StudentCodeError, StudentRaised
from grader.results import SEVERITY, Status, worst

__all__ = ["SEVERITY", "CaseResult", "Cases", "Outcome", "Status", "feedback", "hints", "worst"]


@dataclass
class CaseResult:
    label: str
    status: str
    message: str = ""
    hint: str = ""  # the grader's hint for a failed case (also at the end of ``message``)
    inputs: tuple[float, ...] = ()  # the inputs where its values were wrong


@dataclass
class Cases:
    results: list[CaseResult] = field(default_factory=list)
    hint: str = ""  # the check's hint, also told when the student's code raises

    @contextmanager
    def case(self, label: str) -> Iterator[None]:
        """Run one case; a failure or a student error is recorded, not raised."""
        try:
            yield
        except (CheckFailed, StudentCodeError) as exc:
            self.record(label, exc)
        else:
            self.results.append(CaseResult(label, "passed"))

    def record(self, label: str, exc: CheckFailed | StudentCodeError) -> None:
        if isinstance(exc, StudentCodeError):
            # an exception of the student's own (not an unfinished stub's) is often the
            # mistake the check's hint explains: a weight broadcast along the wrong axis
            hint = self.hint if isinstance(exc, StudentRaised) and not exc.is_a(
                "NotImplementedError") else ""
            message = f"{exc.message}\n  hint: {hint}" if hint else exc.message
            self.results.append(CaseResult(label, exc.status, message, hint))
        else:
            self.results.append(CaseResult(label, "failed", str(exc), exc.hint, exc.inputs))

    @property
    def fraction(self) -> float:
        if not self.results:
            return 0.0
        return sum(r.status == "passed" for r in self.results) / len(self.results)

    @property
    def status(self) -> Status:
        return worst(r.status for r in self.results)

    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if r.status != "passed"]


@dataclass
class Outcome:
    """What one (function, check) of a submission earned, as the rubric scores it."""

    function: str
    check: str
    fraction: float
    status: Status
    messages: list[str] = field(default_factory=list)
    internal: str = ""  # traceback of a grader bug, for the instructor's log only
    hints: list[str] = field(default_factory=list)  # the grader's hint of each message
    inputs: list[float] = field(default_factory=list)  # where the values were wrong


def feedback(messages: Sequence[str], *, shown: int = 3, cap: int = 3000) -> str:
    """The messages of a check's failed cases, the first few, bounded in size."""
    unique = list(dict.fromkeys(messages))
    text = "\n".join(unique[:shown])
    if len(unique) > shown:
        text += f"\n(... and {len(unique) - shown} more failing case(s) of this check)"
    return text if len(text) <= cap else text[: cap - 4] + " ..."


def hints(messages: Sequence[str], hints: Sequence[str], *, shown: int = 3) -> str:
    """The grader's hints of the messages :func:`feedback` shows, each once, one per
    line ("" for none): the ``hint`` field of a test. ``hints[i]`` belongs to
    ``messages[i]``. Taken from the checks, never parsed back out of the text, which
    quotes what the student's code raised or returned."""
    first = dict.fromkeys(list(dict.fromkeys(messages))[:shown])
    found = (h for m, h in zip(messages, hints, strict=True) if m in first and h)
    return "\n".join(dict.fromkeys(" ".join(h.split()) for h in found))
