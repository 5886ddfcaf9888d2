"""The grading process the notebook's test cells talk to.

A test cell running in a Jupyter kernel (:mod:`grader.nbgrader.cell`) must not grade
in the kernel itself: the student's cells ran there first and could have changed
numpy, pytest or the grader. So the first test cell starts this process, a fresh
interpreter that never runs student code (that still happens in the engine's
worker), and every test cell sends it one request, a JSON line on its standard
input::

    {"assignment": "activations", "function": "relu", "cells": [[true, "def relu..."], ...]}

``cells`` are the notebook's code cells as ``[answer, source]`` pairs. The reply is one
JSON line on standard output: ``{"ok": true, "score": ..., "points": ..., "text": ...}``
or ``{"ok": false, "error": "..."}``. Only the requested function is graded (its checks,
with the seeds a whole-submission run uses), so a cell takes a fraction of a second.
Nothing else may write to standard output: it is redirected to standard error, which
the kernel side discards.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from grader.nbgrader.messages import summarize
from grader.notebook import Cell, to_files
from grader.rubric import Rubric
from grader.runner import Settings, grade
from grader.sandbox import choose
from grader.submission import Submission, SubmissionReadError


@dataclass(frozen=True)
class OneFunction(Settings):
    """Settings whose rubric grades one function: the engine runs only its checks."""

    function: str = ""

    def rubric(self) -> Rubric:
        full = super().rubric()
        points = {key: p for key, p in full.points.items() if key[0] == self.function}
        return Rubric(full.assignment, full.titles, full.files, points)


def grade_cells(assignment: str, function: str, cells: list[Cell], sandbox: str
                ) -> dict[str, Any]:
    """The reply to one request."""
    settings = OneFunction(assignment=assignment, sandbox=sandbox, function=function)
    rubric = settings.rubric()
    if not rubric.points:
        return {"ok": False, "error": f"{function} is not graded in {assignment}"}
    submission = Submission("notebook", Path("notebook.ipynb"))
    try:
        files, notes = to_files(cells, rubric.files, "your notebook")
        submission.files.update(files)
        submission.notes.extend(notes)
    except SubmissionReadError as exc:
        submission.error = str(exc)
    entry = grade(submission, settings)
    result = summarize(function, entry["tests"], entry.get("notes", ()))
    return {"ok": True, "score": result.score, "points": result.points, "text": result.text}


def serve(requests: TextIO, replies: TextIO) -> None:
    sandbox = ""
    for line in requests:
        try:
            request = json.loads(line)
            cells = [Cell(i + 1, str(source), bool(answer))
                     for i, (answer, source) in enumerate(request["cells"])]
            sandbox = sandbox or choose(os.environ.get("GRADER_SANDBOX", "auto"))
            reply = grade_cells(str(request.get("assignment", "activations")),
                                str(request["function"]), cells, sandbox)
        except Exception as exc:  # noqa: BLE001 - the cell turns any failure into 0 points
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def main() -> None:
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints cannot reach the reply
    sys.stdout = sys.stderr
    serve(sys.stdin, replies)


if __name__ == "__main__":
    main()
