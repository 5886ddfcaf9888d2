"""The class report: how a whole class did, for the people who teach it.

Read from the results JSON document alone (docs/results.md): the score
distribution; pass rates per function and per check (which checks most students
fail); the hints that fired most, from the tests' ``hint`` field (which lessons did
not land; never parsed out of the feedback, which quotes student text); the
submissions that could not be graded, timed out or used what they may not; and
the grader's own configuration, so that a result can be reproduced.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from grader.pages.figures import score_histogram
from grader.pages.markup import bar, esc, figure, page, points, table

SHOWN = 15  # rows of the "hardest checks" and "hints" tables


def _graded(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [e for e in doc.get("submissions", []) if e.get("status") == "graded"]


def function_rates(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per function, over the graded submissions: mean score and share of full marks."""
    table_: dict[str, dict[str, Any]] = {}
    for entry in _graded(doc):
        per: dict[str, list[float]] = {}
        for test in entry.get("tests", []):
            sums = per.setdefault(test["function"], [0.0, 0.0])
            sums[0] += float(test["score"])
            sums[1] += float(test["max_score"])
        for function, (score, full) in per.items():
            row = table_.setdefault(function, {"function": function, "max_score": full,
                                               "total": 0.0, "full": 0, "count": 0})
            row["total"] += score
            row["full"] += score >= full - 1e-9
            row["count"] += 1
    rows = []
    for row in table_.values():
        row["mean"] = row["total"] / row["count"]
        row["full_rate"] = row["full"] / row["count"]
        rows.append(row)
    return rows


def check_rates(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per (function, check), over the graded submissions, hardest first: how many
    passed, the mean fraction of credit, and how the others ended."""
    rows: dict[str, dict[str, Any]] = {}
    for entry in _graded(doc):
        for test in entry.get("tests", []):
            row = rows.setdefault(test["name"], {
                "name": test["name"], "function": test["function"],
                "check": test.get("check", ""), "passed": 0, "count": 0, "credit": 0.0,
                "statuses": Counter()})
            row["count"] += 1
            row["passed"] += test["status"] == "passed"
            row["statuses"][test["status"]] += 1
            full = float(test["max_score"])
            row["credit"] += float(test["score"]) / full if full else 1.0
    out = list(rows.values())
    for row in out:
        row["pass_rate"] = row["passed"] / row["count"]
        row["mean_credit"] = row["credit"] / row["count"]
    return sorted(out, key=lambda r: (r["pass_rate"], r["mean_credit"]))


def hints_of(test: Mapping[str, Any]) -> list[str]:
    """The grader's hints a test showed: its ``hint`` field, one per line. Results
    written before the field existed have none: their hints are not counted."""
    return [h for h in dict.fromkeys(str(test.get("hint") or "").splitlines()) if h.strip()]


def hint_counts(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The hints that fired, most submissions first: each with the number of
    submissions and of failed checks that showed it, and the functions involved."""
    seen: dict[str, dict[str, Any]] = {}
    for entry in _graded(doc):
        for test in entry.get("tests", []):
            if test.get("status") == "passed":
                continue
            for hint in hints_of(test):
                row = seen.setdefault(hint, {"hint": hint, "ids": set(), "tests": 0,
                                             "functions": set()})
                row["ids"].add(entry["id"])
                row["tests"] += 1
                row["functions"].add(test["function"])
    rows = [{"hint": r["hint"], "submissions": len(r["ids"]), "tests": r["tests"],
             "functions": sorted(r["functions"])} for r in seen.values()]
    return sorted(rows, key=lambda r: (-r["submissions"], -r["tests"], r["hint"]))


def problems(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Submissions not graded, and those with checks that timed out, were not
    allowed or raised errors, in document order."""
    rows = []
    for entry in doc.get("submissions", []):
        by_status: dict[str, set[str]] = {}
        for test in entry.get("tests", []):
            by_status.setdefault(test["status"], set()).add(test["function"])
        row = {"id": entry["id"], "reason": entry.get("feedback", "")
               if entry.get("status") == "error" else "",
               "timeout": sorted(by_status.get("timeout", ())),
               "not_allowed": sorted(by_status.get("not_allowed", ())),
               "error": sorted(by_status.get("error", ()))}
        if row["reason"]:
            row["timeout"] = row["not_allowed"] = row["error"] = []
        if row["reason"] or row["timeout"] or row["not_allowed"] or row["error"]:
            rows.append(row)
    return rows


def reproduce_command(meta: Mapping[str, Any], assignment: str) -> str:
    """The ``grader grade`` options that reproduce a run with this configuration."""
    limits = meta.get("limits", {}) or {}
    parts = ["grader grade PATH..."]
    if assignment and assignment != "activations":
        parts.append(f"--assignment {assignment}")
    sandbox = meta.get("sandbox")
    if sandbox == "none":
        parts.append("--no-sandbox")
    elif sandbox:
        parts.append(f"--sandbox {sandbox}")
    if "call_seconds" in limits:
        parts.append(f"--call-timeout {limits['call_seconds']:g}")
    if "submission_seconds" in limits:
        parts.append(f"--submission-timeout {limits['submission_seconds']:g}")
    if "memory_bytes" in limits:
        parts.append(f"--memory {int(limits['memory_bytes']) >> 20}")
    return " ".join(parts)


def class_report(doc: Mapping[str, Any], *, pages: Mapping[str, str] | None = None) -> str:
    """The HTML of the class report; ``pages`` maps a submission id to the address of
    its feedback page (relative to the report), to link them."""
    entries = list(doc.get("submissions", []))
    graded = _graded(doc)
    assignment = str(doc.get("assignment", ""))
    scores = [float(e["score"]) for e in graded]
    full = max((float(e.get("max_score", 0)) for e in entries), default=0.0)
    parts = [_header(assignment, entries, scores, full)]
    if scores:
        parts.append('<section id="distribution"><h2>Score distribution</h2>'
                      + figure(score_histogram(scores, full),
                               f"{len(scores)} graded submissions; the dashed line is the "
                               "mean, the dotted one the median.") + "</section>")
    parts.append(_functions_section(doc))
    parts.append(_checks_section(doc))
    parts.append(_hints_section(doc))
    parts.append(_problems_section(doc, pages or {}))
    parts.append(_scores_section(entries, pages or {}))
    parts.append(_config_section(doc.get("grader") or {}, assignment))
    return page(f"{assignment} class report", "\n".join(parts),
                esc(f"activation-grader {(doc.get('grader') or {}).get('version', '')}"))


def _header(assignment: str, entries: Sequence[Mapping[str, Any]], scores: list[float],
            full: float) -> str:
    stats = ""
    if scores:
        stats = (f"mean {statistics.fmean(scores):.2f}, median {statistics.median(scores):.2f}, "
                 f"lowest {min(scores):g}, highest {max(scores):g} (of {points(full)})")
    ungraded = len(entries) - len(scores)
    return (f'<header class="top"><h1>Class report \u2014 {esc(assignment)}</h1>'
            f'<p id="counts">{len(entries)} submissions, {len(scores)} graded'
            + (f", <strong>{ungraded} could not be graded</strong>" if ungraded else "")
            + f'</p><p>{esc(stats)}</p></header>')


def _functions_section(doc: Mapping[str, Any]) -> str:
    rows = [[f'<span class="fn">{esc(r["function"])}</span>',
             f'{points(r["mean"])} / {points(r["max_score"])}',
             bar(r["mean"] / r["max_score"] if r["max_score"] else 1.0),
             f'{r["full_rate"]:.0%}'] for r in function_rates(doc)]
    return ('<section id="functions"><h2>Per function</h2><p class="muted">Mean score over '
            "the graded submissions, and the share that got full marks.</p>"
            + table(["function", "mean", "", "full marks"], rows, numeric=(1, 3))
            + "</section>")


def _checks_section(doc: Mapping[str, Any]) -> str:
    rows = []
    for r in check_rates(doc)[:SHOWN]:
        if r["pass_rate"] >= 1.0:
            break
        others = ", ".join(f"{n} {s}" for s, n in sorted(r["statuses"].items())
                           if s != "passed")
        rows.append([esc(r["name"]), f'{r["passed"]} / {r["count"]}', bar(r["pass_rate"]),
                     f'{r["mean_credit"]:.0%}', esc(others)])
    if not rows:
        return '<section id="checks"><h2>Hardest checks</h2><p>Every check passed.</p></section>'
    return ('<section id="checks"><h2>Hardest checks</h2><p class="muted">The checks the '
            "fewest submissions passed; credit is the mean share of the check's points "
            "(partial credit counts).</p>"
            + table(["check", "passed", "", "credit", "the others"], rows, numeric=(1, 3))
            + "</section>")


def _hints_section(doc: Mapping[str, Any]) -> str:
    rows = [[esc(r["hint"]), str(r["submissions"]), str(r["tests"]),
             ", ".join(f'<span class="fn">{esc(f)}</span>' for f in r["functions"])]
            for r in hint_counts(doc)[:SHOWN]]
    if not rows:
        return '<section id="hints"><h2>Hints shown</h2><p>No hint was shown.</p></section>'
    return ('<section id="hints"><h2>Hints shown most</h2><p class="muted">Each failed check '
            "ends with a hint tied to the lesson; these are the ones most submissions "
            "saw.</p>" + table(["hint", "submissions", "checks", "functions"], rows,
                               numeric=(1, 2)) + "</section>")


def _link(sid: str, pages: Mapping[str, str]) -> str:
    if sid in pages:
        return f'<a class="fn" href="{esc(pages[sid])}">{esc(sid)}</a>'
    return f'<span class="fn">{esc(sid)}</span>'


def _problems_section(doc: Mapping[str, Any], pages: Mapping[str, str]) -> str:
    rows = problems(doc)
    if not rows:
        return ('<section id="problems"><h2>Errors and timeouts</h2><p>Every submission was '
                "graded, and no check timed out, raised or used a library it may not."
                "</p></section>")
    cells = [[_link(r["id"], pages), esc(r["reason"]) or "",
              esc(", ".join(r["timeout"])), esc(", ".join(r["not_allowed"])),
              esc(f'{len(r["error"])} function(s)') if r["error"] else ""] for r in rows]
    return ('<section id="problems"><h2>Errors and timeouts</h2><p class="muted">Submissions '
            "that could not be graded, and the functions that timed out, used what they may "
            "not, or raised (unfinished functions raise NotImplementedError).</p>"
            + table(["submission", "not graded because", "timed out", "not allowed",
                     "raised"], cells) + "</section>")


def _scores_section(entries: Sequence[Mapping[str, Any]], pages: Mapping[str, str]) -> str:
    rows = [[_link(str(e["id"]), pages), f'{points(e["score"])} / {points(e["max_score"])}',
             bar(float(e["score"]) / float(e["max_score"]) if e.get("max_score") else 0.0),
             esc(e.get("status", ""))] for e in entries]
    return ('<section id="submissions"><h2>Submissions</h2>'
            + table(["submission", "score", "", "status"], rows, numeric=(1,)) + "</section>")


def _config_section(meta: Mapping[str, Any], assignment: str) -> str:
    items = [("assignment", assignment)]
    for key, value in meta.items():
        if isinstance(value, Mapping):
            items += [(f"{key}.{k}", v) for k, v in value.items()]
        else:
            items.append((key, value))
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return ('<section id="config"><h2>Grader configuration</h2><p class="muted">What these '
            "results were graded with; grading is deterministic, so the same submissions "
            "graded with these settings give the same results.</p>"
            f'<dl class="config">{rows}</dl><p>To reproduce:</p>'
            f"<pre>{esc(reproduce_command(meta, assignment))}</pre></section>")
