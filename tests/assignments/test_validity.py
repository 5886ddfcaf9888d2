"""Grading validity: correct solutions in every style get full marks; every catalogued
mistake loses points exactly in the functions it breaks, with a message naming them.

The whole catalogue is graded once, in parallel, by the real grader (real worker
processes, the real hidden suites); the tests below read the results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grader.report import function_scores
from grader.runner import Settings, grade_all
from grader.submission import Submission
from tests.compose import read_as, with_mistake
from tests.submissions.mistakes import BASE_STYLE, HARMLESS, MISTAKES

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ROOT / "tests" / "submissions"
STYLES = sorted(p.name for p in (SUBMISSIONS / "correct").iterdir() if p.is_dir())
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")
# the catalogue's words for kinds of check -> the rubric's checks that must catch it
CAUGHT_BY = {
    "params": {"values"}, "gain": {"values", "errors"}, "dead": {"values", "batching"},
    "activity": {"values", "batching"},
}


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    base = read_as(SUBMISSIONS / "correct" / BASE_STYLE, "base", FILES).files
    subs = [read_as(SUBMISSIONS / "correct" / name, f"correct/{name}", FILES) for name in STYLES]
    subs.append(read_as(ROOT / "reference", "reference", FILES))
    subs.append(read_as(ROOT / "assignments" / "activations", "stubs", FILES))
    for mistake in [*MISTAKES, *HARMLESS]:
        subs.append(Submission(mistake.id, SUBMISSIONS, files=with_mistake(base, mistake)))
    return {e["id"]: e for e in grade_all(subs, Settings(), jobs=2)}


def failing(entry: dict[str, Any]) -> str:
    return "\n".join(f"{t['name']} [{t['status']}] {t['score']}/{t['max_score']}\n"
                     f"{t['feedback']}" for t in entry["tests"] if t["status"] != "passed")


@pytest.mark.parametrize("sid", [f"correct/{s}" for s in STYLES] + ["reference"])
def test_a_correct_solution_in_any_style_gets_full_marks(results, sid) -> None:
    entry = results[sid]
    assert entry["score"] == 100.0, failing(entry)


def test_the_stubs_get_nothing(results) -> None:
    entry = results["stubs"]
    assert entry["score"] == 0.0
    assert all("not implemented yet" in t["feedback"] for t in entry["tests"])


@pytest.mark.parametrize("mistake", HARMLESS, ids=lambda m: m.id)
def test_a_harmless_variant_keeps_full_marks(results, mistake) -> None:
    entry = results[mistake.id]
    assert entry["score"] == 100.0, f"{mistake.why}\n{failing(entry)}"


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_a_mistake_loses_points_only_where_it_is(results, mistake) -> None:
    entry = results[mistake.id]
    full = {t["function"]: 0.0 for t in entry["tests"]}
    for test in entry["tests"]:
        full[test["function"]] += test["max_score"]
    scores = function_scores(entry)
    lost = {f for f in full if scores[f] < full[f] - 1e-9}
    assert lost == set(mistake.breaks), f"{mistake.why}\n{failing(entry)}"
    for test in entry["tests"]:
        if test["status"] != "passed":
            assert test["function"] in test["feedback"], test["feedback"]
    if "policy" in mistake.checks:
        assert any(t["status"] == "not_allowed" for t in entry["tests"])
    kinds = set().union(*(CAUGHT_BY.get(k, {k}) for k in mistake.checks - {"policy"}))
    if kinds:
        caught = {t["check"] for t in entry["tests"]
                  if t["function"] in mistake.breaks and t["score"] < t["max_score"]}
        assert caught & kinds, f"expected {kinds} to catch it, but lost points in {caught}"


def test_a_vjp_through_the_full_jacobian_loses_only_the_jacobian_check(results) -> None:
    entry = results["softmax_vjp_full_jacobian_einsum"]
    lost = {t["check"] for t in entry["tests"]
            if t["function"] == "softmax_vjp" and t["score"] < t["max_score"]}
    assert lost == {"jacobian"}, failing(entry)
    said = next(t["feedback"] for t in entry["tests"] if t["check"] == "jacobian")
    assert "Jacobian" in said and "MiB" in said, said


def test_the_catalogue_is_large_and_varied() -> None:
    assert len(MISTAKES) >= 40 and len(HARMLESS) >= 10 and len(STYLES) >= 3
    broken = set().union(*(m.breaks for m in MISTAKES))
    assert len(broken) >= 25  # most graded functions have at least one mistake
