"""One graded function's result, as a test cell shows it and the gradebook stores it.

Both ways of grading a notebook -- ``grader nbgrader autograde`` and the test cells
running in a kernel -- turn the engine's tests (SPEC section 3) into a
:class:`FunctionResult` here, so they give the same points and the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FunctionResult:
    function: str
    score: float  # points earned, rounded as the JSON rounds them, never above ``points``
    points: float
    text: str  # what the student reads: the score, then each failed check's feedback

    @property
    def full(self) -> bool:
        return self.score >= self.points


def summarize(function: str, tests: Iterable[Mapping[str, Any]],
              notes: Sequence[str] = ()) -> FunctionResult:
    """The result of ``function`` from the engine's ``tests`` of a submission."""
    own = [t for t in tests if t.get("function") == function]
    points = round(sum(float(t["max_score"]) for t in own), 6)
    score = min(round(sum(float(t["score"]) for t in own), 4), points)
    failed = [t for t in own if t.get("status") != "passed"]
    if not own:
        text = f"{function}: not graded (the grader has no checks for it)"
    elif not failed:
        text = f"{function}: {score:g} / {points:g} points; all {len(own)} checks passed"
    else:
        lines = [f"{function}: {score:g} / {points:g} points"]
        shown: set[str] = set()
        for test in failed:
            title = str(test.get("name", "")).removeprefix(f"{function}: ")
            lines.append(f"- {title}: {float(test['score']):g} / {float(test['max_score']):g} "
                         f"[{test.get('status')}]")
            feedback = str(test.get("feedback", ""))
            if feedback in shown:
                lines.append("    (the same as above)")
                continue
            shown.add(feedback)
            lines.extend(f"    {line}" for line in feedback.splitlines())
        passed = len(own) - len(failed)
        if passed:
            lines.append(f"(the other {passed} check{'s' if passed > 1 else ''} passed)")
        lines.extend(f"note: {note}" for note in notes)
        text = "\n".join(lines)
    return FunctionResult(function, score, points, text)
