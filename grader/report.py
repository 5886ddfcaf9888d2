"""Results as people and programs read them: the results JSON, a CSV gradebook, text.

The JSON document (docs/results.md) is rewritten atomically (temporary file, then
rename) after every finished submission, so a grading run that is killed loses
nothing it finished and never leaves a half-written file; ``--resume`` reads it back.

Ids and feedback quote what students chose: folder names, exception messages, the
repr of what a function returned. Before any of it reaches an output it is made safe
for that output, here: :func:`clean` makes every string encodable (a lone surrogate
becomes ``\\ud800``); :func:`printable` shows control characters, escape sequences
and bidirectional overrides escaped (``\\x1b``) for the terminal; :func:`cell`
keeps a spreadsheet from reading a CSV cell as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import UsageError

if TYPE_CHECKING:
    from grader.settings import Settings

# Lone surrogates: no UTF-8 writer takes them (an exception message can hold one; an
# undecodable byte of a file name is one, U+DC80..U+DCFF, under surrogateescape).
_SURROGATE = re.compile("[\ud800-\udfff]")
# Shown escaped on a terminal: C0 and C1 controls and DEL (escape sequences, carriage
# returns, bells), lone surrogates, the bidirectional marks, embeddings, overrides and
# isolates (text shown in another order than it is stored), line and paragraph
# separators. The JSON escapes the same (less what JSON escapes itself).
_ALWAYS = ("\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
           "\u2066-\u2069")
_UNPRINTABLE = re.compile(f"[\x00-\x1f{_ALWAYS}]")
_UNPRINTABLE_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_ALWAYS}]")
_JSON_UNSAFE = re.compile(f"[{_ALWAYS}]")  # json.dumps escapes C0 itself
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A spreadsheet reads a cell starting with one of these as a formula (OWASP's list,
# and the full-width forms some spreadsheets also accept).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _json_escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _json(value: Any, indent: int = 2) -> str:
    """JSON text of ``value`` made :func:`clean`: UTF-8 writes it, and it shows no control
    character raw (JSON escapes C0 itself; DEL, C1, bidirectional controls and line
    separators, which only ever occur inside strings, as ``\\u009b``)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if _SURROGATE.search(text):
        text = json.dumps(_cleaned(value), indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(_json_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def encodable(text: str) -> str:
    """``text`` as any UTF-8 writer takes it: a lone surrogate is written out as
    ``\\ud800`` (one standing for an undecodable byte of a file name as ``\\xe9``)."""
    return _SURROGATE.sub(_escaped, text)


def printable(text: object, *, newlines: bool = False) -> str:
    """``text`` safe to print on a terminal: every control character (escape
    sequences, carriage return, tab, bell, C1), lone surrogate and bidirectional
    override shown escaped (``\\x1b``, ``\\r``, ``\\u202e``). With ``newlines``,
    line breaks are kept (the caller indents the lines)."""
    pattern = _UNPRINTABLE_BUT_NEWLINE if newlines else _UNPRINTABLE
    return pattern.sub(_escaped, str(text))


def clean(value: Any) -> Any:
    """A JSON value whose strings (keys too) are all :func:`encodable`: ``value`` itself
    when they already are (the usual case, found in one pass of the C encoder), else a
    copy."""
    if not _SURROGATE.search(json.dumps(value, ensure_ascii=False, default=repr)):
        return value
    return _cleaned(value)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, Mapping):
        return {_cleaned(k) if isinstance(k, str) else k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cleaned(v) for v in value]
    return value


def cell(value: object) -> str:
    """A CSV text cell: :func:`printable`, and quoted (``'=1+1``) where a spreadsheet
    would read a formula (OWASP's rule for CSV injection)."""
    text = printable(encodable(str(value)))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: Any) -> str:
    return f"{float(value) + 0.0:g}"  # + 0.0: never "-0"


def document(assignment: str, entries: Sequence[Mapping[str, Any]],
             meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"assignment": assignment, "submissions": list(entries)}
    if meta:
        doc["grader"] = dict(meta)
    return doc


def grader_meta(settings: Settings) -> dict[str, Any]:
    """The ``grader`` object of the results JSON: version, sandbox layer and limits."""
    from grader import __version__

    limits = settings.limits
    return {"version": __version__, "sandbox": settings.sandbox, "limits": limits.rlimits() | {
        "call_seconds": limits.call_seconds, "submission_seconds": limits.submission_seconds}}


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # backslashreplace: a lone surrogate that got this far is written as \ud800,
        # not a reason to lose the file (callers clean their text first)
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace",
                       newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def to_json(doc: Mapping[str, Any]) -> str:
    return _json(doc) + "\n"


class ResultsFile:
    """The ``--json`` file of a run, rewritten (atomically) as entries arrive.

    The text is :func:`to_json` of :func:`document`, byte for byte, but each entry is
    serialized once, when it arrives: a class's file runs to megabytes, and encoding all
    of it again after every submission cost a core a tenth of the grading time.
    """

    def __init__(self, path: Path | None, assignment: str, meta: Mapping[str, Any] | None,
                 order: Sequence[str]) -> None:
        self.path, self.assignment, self.meta = path, assignment, meta
        self.rank = {encodable(name): i for i, name in enumerate(order)}
        self.entries: dict[str, str] = {}  # id -> the entry's text inside the document

    def add(self, entry: Mapping[str, Any]) -> None:
        text = _json(entry)
        self.entries[encodable(str(entry["id"]))] = "    " + text.replace("\n", "\n    ")

    def text(self) -> str:
        ids = sorted(self.entries, key=lambda i: self.rank.get(i, len(self.rank)))
        listed = "[\n" + ",\n".join(self.entries[i] for i in ids) + "\n  ]" if ids else "[]"
        text = (f'{{\n  "assignment": {_json(self.assignment)},\n'
                f'  "submissions": {listed}')
        if self.meta:
            grader = _json(dict(self.meta))
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
    return {e["id"]: e for e in clean(doc.get("submissions", []))
            if isinstance(e, dict) and isinstance(e.get("id"), str)}


def function_scores(entry: Mapping[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for test in entry.get("tests", []):
        scores[test["function"]] = scores.get(test["function"], 0.0) + test["score"]
    return {k: round(v, 4) for k, v in scores.items()}


def to_csv(doc: Mapping[str, Any], functions: Iterable[str]) -> str:
    """A gradebook: one row per submission, one column per graded function. Scores are
    plain numbers; text cells go through :func:`cell` (no formula, no control character)."""
    functions = list(functions)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(c) for c in ("id", "score", "max_score", "status", *functions)])
    for entry in doc["submissions"]:
        scores = function_scores(entry)
        writer.writerow([cell(entry["id"]), _number(entry["score"]), _number(entry["max_score"]),
                         cell(entry["status"]), *(_number(scores.get(f, 0.0)) for f in functions)])
    return out.getvalue()


def summary_table(entries: Sequence[Mapping[str, Any]]) -> str:
    """One line per submission, then the class mean: for the terminal (ids and statuses
    :func:`printable`)."""
    if not entries:
        return "no submissions graded\n"
    width = max(8, *(len(printable(e["id"])) for e in entries))
    lines = [f"{'submission':<{width}}  {'score':>13}  status"]
    for entry in sorted(entries, key=lambda e: str(e["id"])):
        score = f"{entry['score']:6.2f} / {entry['max_score']:g}"
        lines.append(f"{printable(entry['id']):<{width}}  {score:>13}  "
                     f"{printable(entry['status'])}")
    graded = [e for e in entries if e["status"] == "graded"]
    if graded:
        mean = sum(e["score"] for e in graded) / len(graded)
        lines.append(f"{len(entries)} submission(s), {len(entries) - len(graded)} not graded; "
                     f"mean score {mean:.2f}")
    return "\n".join(lines) + "\n"


def submission_report(entry: Mapping[str, Any]) -> str:
    """A readable report of one submission: score per function, then what went wrong.
    For the terminal: all text :func:`printable`, feedback lines indented."""
    lines = [f"{printable(entry['id'])}: {entry['score']:g} / {entry['max_score']:g} "
             f"({printable(entry['status'])})"]
    if entry.get("status") == "error":
        lines.extend(_indented(entry.get("feedback", ""), "  "))
        return "\n".join(lines) + "\n"
    per_function: dict[str, list[Mapping[str, Any]]] = {}
    for test in entry["tests"]:
        per_function.setdefault(test["function"], []).append(test)
    for function, tests in per_function.items():
        got = sum(t["score"] for t in tests)
        full = sum(t["max_score"] for t in tests)
        mark = "ok " if got >= full else "-- "
        lines.append(f"  {mark}{printable(function):<16} {got:6.2f} / {full:g}")
        for test in tests:
            if test["status"] != "passed":
                lines.append(f"       {printable(test['name'])} [{printable(test['status'])}]")
                lines.extend(_indented(test.get("feedback", ""), "         "))
    return "\n".join(lines) + "\n"


def _indented(text: object, indent: str) -> list[str]:
    """The lines of ``text``, each indented and :func:`printable` (only line feeds break
    lines: every other line-breaking character is shown escaped)."""
    return [indent + line for line in printable(text, newlines=True).splitlines()]
