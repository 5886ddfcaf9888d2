"""One student's feedback page: score per function, what to fix, and pictures.

The page is written for the student. It shows the score of every graded function,
grouped by file; then, for every function that lost points, the failed checks with
the grader's teaching messages and, where a picture explains better, plots drawn
from the student's own functions (:mod:`grader.plots`). It shows nothing the results
JSON entry does not already hold, besides those plots.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grader.pages.figures import render
from grader.pages.markup import bar, chip, esc, feedback_block, figure, page, points


def student_page(entry: Mapping[str, Any], *, files: Mapping[str, str] | None = None,
                 plots: Mapping[str, Mapping[str, list[Any]]] | None = None,
                 meta: Mapping[str, Any] | None = None, assignment: str = "") -> str:
    """The HTML of one submission's page.

    ``entry``: its results entry (docs/results.md); ``files``: function -> the student
    file that defines it (groups the table); ``plots``: what :func:`grader.plots.collect_plot_data`
    returned; ``meta``: the ``grader`` object of the results document.
    """
    sid = str(entry.get("id", "?"))
    score, full = float(entry.get("score", 0.0)), float(entry.get("max_score", 0.0))
    parts = [_header(sid, score, full, entry.get("status", ""), assignment)]
    if entry.get("status") == "error":
        parts.append('<section class="error-box"><h2>Your submission could not be graded'
                     f'</h2>{feedback_block(str(entry.get("feedback", "")))}</section>')
    else:
        tests = list(entry.get("tests", []))
        parts.append(_summary(tests, files or {}))
        parts.append(_what_to_fix(tests, plots or {}))
    notes = entry.get("notes") or []
    if notes:
        parts.append("<section><h2>Notes on your files</h2><ul>"
                     + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></section>")
    return page(f"{sid}: {points(score)} / {points(full)}", "\n".join(parts), _footer(meta))


def _header(sid: str, score: float, full: float, status: str, assignment: str) -> str:
    fraction = score / full if full else 0.0
    what = f" \u2014 {esc(assignment)}" if assignment else ""
    return (f'<header class="top"><h1>Feedback for <span class="fn">{esc(sid)}</span>{what}'
            f'</h1><div class="total" id="total"><span><strong>{points(score)}</strong> / '
            f'{points(full)}</span>{bar(fraction, f"{fraction:.0%} of the points")}'
            f'<span class="muted">{esc(status)}</span></div></header>')


def _by_function(tests: list[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for test in tests:
        grouped.setdefault(str(test.get("function", "?")), []).append(test)
    return grouped


def _summary(tests: list[Mapping[str, Any]], files: Mapping[str, str]) -> str:
    rows, current = [], None
    for function, group in _by_function(tests).items():
        file = files.get(function, "")
        if file != current and file:
            rows.append(f'<tr class="file"><th colspan="4">{esc(file)}</th></tr>')
            current = file
        got = sum(float(t.get("score", 0)) for t in group)
        full = sum(float(t.get("max_score", 0)) for t in group)
        checks = "".join(chip(str(t.get("status", "")), str(t.get("check") or t.get("name")))
                         for t in group)
        name = esc(function)
        if got < full:
            name = f'<a href="#f-{esc(function)}">{name}</a>'
        rows.append(f'<tr><td class="fn">{name}</td><td class="num">{points(got)} / '
                    f'{points(full)}</td><td>{bar(got / full if full else 1.0)}</td>'
                    f"<td>{checks}</td></tr>")
    return ('<section id="summary"><h2>Score per function</h2><table class="functions">'
            '<thead><tr><th>function</th><th class="num">points</th><th></th>'
            "<th>checks</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>")


def _what_to_fix(tests: list[Mapping[str, Any]],
                 plots: Mapping[str, Mapping[str, list[Any]]]) -> str:
    articles = []
    for function, group in _by_function(tests).items():
        failing = [t for t in group if t.get("status") != "passed"]
        if not failing:
            continue
        got = sum(float(t.get("score", 0)) for t in group)
        full = sum(float(t.get("max_score", 0)) for t in group)
        body = [f'<h3 class="fn">{esc(function)} <small>{points(got)} / {points(full)} points'
                "</small></h3>"]
        for test in failing:
            body.append(f'<div class="test">{chip(str(test.get("status", "")))} '
                        f'{esc(test.get("name", ""))} <span class="muted">'
                        f'({points(test.get("score", 0))} / {points(test.get("max_score", 0))})'
                        "</span></div>")
            if test.get("feedback"):
                body.append(feedback_block(str(test["feedback"]), str(test.get("hint") or "")))
        data = plots.get(function, {})
        for spec in data.get("figures", []):
            body.append(figure(render(spec), str(spec.get("caption", ""))))
        body += [f'<p class="note">{esc(note)}</p>' for note in data.get("notes", [])]
        articles.append(f'<article id="f-{esc(function)}">' + "".join(body) + "</article>")
    if not articles:
        return '<section class="good"><h2>Nothing to fix</h2><p>Every check passed.</p></section>'
    return '<h2 id="fix">What to fix</h2>' + "\n".join(articles)


def _footer(meta: Mapping[str, Any] | None) -> str:
    if not meta:
        return "activation-grader"
    return esc(f"graded by activation-grader {meta.get('version', '?')}, "
               f"sandbox {meta.get('sandbox', '?')}")
