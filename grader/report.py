"""Results as people and programs read them: the SPEC JSON, a CSV gradebook, text.

The JSON document is rewritten atomically (temporary file, then rename) after
every finished submission, so a grading run that is killed loses nothing it
finished and never leaves a half-written file; ``--resume`` reads it back.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from grader.errors import UsageError


def document(assignment: str, entries: Sequence[Mapping[str, Any]],
             meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"assignment": assignment, "submissions": list(entries)}
    if meta:
        doc["grader"] = dict(meta)
    return doc


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def to_json(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class ResultsFile:
    """The ``--json`` file of a run, rewritten (atomically) as entries arrive.

    The text is :func:`to_json` of :func:`document`, byte for byte, but each entry is
    serialized once, when it arrives: a class's file runs to megabytes, and encoding all
    of it again after every submission cost a core a tenth of the grading time.
    """

    def __init__(self, path: Path | None, assignment: str, meta: Mapping[str, Any] | None,
                 order: Sequence[str]) -> None:
        self.path, self.assignment, self.meta = path, assignment, meta
        self.rank = {name: i for i, name in enumerate(order)}
        self.entries: dict[str, str] = {}  # id -> the entry's text inside the document

    def add(self, entry: Mapping[str, Any]) -> None:
        text = json.dumps(entry, indent=2, ensure_ascii=False)
        self.entries[str(entry["id"])] = "    " + text.replace("\n", "\n    ")

    def text(self) -> str:
        ids = sorted(self.entries, key=lambda i: self.rank.get(i, len(self.rank)))
        listed = "[\n" + ",\n".join(self.entries[i] for i in ids) + "\n  ]" if ids else "[]"
        text = (f'{{\n  "assignment": {json.dumps(self.assignment, ensure_ascii=False)},\n'
                f'  "submissions": {listed}')
        if self.meta:
            grader = json.dumps(dict(self.meta), indent=2, ensure_ascii=False)
            text += ',\n  "grader": ' + grader.replace("\n", "\n  ")
        return text + "\n}\n"

    def save(self) -> None:
        """Rewrite the file (nothing to do without one: ``--json -`` or no ``--json``)."""
        if self.path is not None:
            write_atomic(self.path, self.text())


def load_previous(path: Path, assignment: str) -> dict[str, dict[str, Any]]:
    """Entries of an earlier run's JSON by id (for ``--resume``); {} if there is none."""
    if not path.exists():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot resume from {path}: it is not a results file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("assignment") != assignment:
        raise UsageError(f"cannot resume from {path}: it holds results of another assignment")
    return {e["id"]: e for e in doc.get("submissions", []) if isinstance(e, dict) and "id" in e}


def function_scores(entry: Mapping[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for test in entry.get("tests", []):
        scores[test["function"]] = scores.get(test["function"], 0.0) + test["score"]
    return {k: round(v, 4) for k, v in scores.items()}


def to_csv(doc: Mapping[str, Any], functions: Iterable[str]) -> str:
    """A gradebook: one row per submission, one column per graded function."""
    functions = list(functions)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "score", "max_score", "status", *functions])
    for entry in doc["submissions"]:
        scores = function_scores(entry)
        writer.writerow([entry["id"], f"{entry['score']:g}", f"{entry['max_score']:g}",
                         entry["status"], *(f"{scores.get(f, 0.0):g}" for f in functions)])
    return out.getvalue()


def summary_table(entries: Sequence[Mapping[str, Any]]) -> str:
    """One line per submission, then the class mean: for the terminal."""
    if not entries:
        return "no submissions graded\n"
    width = max(8, *(len(str(e["id"])) for e in entries))
    lines = [f"{'submission':<{width}}  {'score':>13}  status"]
    for entry in sorted(entries, key=lambda e: str(e["id"])):
        score = f"{entry['score']:6.2f} / {entry['max_score']:g}"
        lines.append(f"{entry['id']:<{width}}  {score:>13}  {entry['status']}")
    graded = [e for e in entries if e["status"] == "graded"]
    if graded:
        mean = sum(e["score"] for e in graded) / len(graded)
        lines.append(f"{len(entries)} submission(s), {len(entries) - len(graded)} not graded; "
                     f"mean score {mean:.2f}")
    return "\n".join(lines) + "\n"


def submission_report(entry: Mapping[str, Any]) -> str:
    """A readable report of one submission: score per function, then what went wrong."""
    lines = [f"{entry['id']}: {entry['score']:g} / {entry['max_score']:g} ({entry['status']})"]
    if entry.get("status") == "error":
        lines.append(f"  {entry.get('feedback', '')}")
        return "\n".join(lines) + "\n"
    per_function: dict[str, list[Mapping[str, Any]]] = {}
    for test in entry["tests"]:
        per_function.setdefault(test["function"], []).append(test)
    for function, tests in per_function.items():
        got = sum(t["score"] for t in tests)
        full = sum(t["max_score"] for t in tests)
        mark = "ok " if got >= full else "-- "
        lines.append(f"  {mark}{function:<16} {got:6.2f} / {full:g}")
        for test in tests:
            if test["status"] != "passed":
                lines.append(f"       {test['name']} [{test['status']}]")
                lines.extend(f"         {line}" for line in test["feedback"].splitlines())
    return "\n".join(lines) + "\n"
