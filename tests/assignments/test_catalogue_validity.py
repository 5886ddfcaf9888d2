"""Grading validity for the rest of the lecture's catalogue (issue 11): on an assignment
composed of every function the activations registry knows, correct solutions in every
style get full marks, harmless look-alikes too, and every catalogued mistake loses points
exactly in the functions it breaks, caught by the kinds of check it names, with a message
that names the function and carries a hint.

The assignment is composed once with ``grader new``'s ``compose``; every submission is
graded once, in parallel, by the real grader (real workers, the real hidden suites).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import grader.new
from grader.assignment import Assignment
from grader.report import function_scores
from grader.runner import Settings, grade_all
from grader.submission import Submission
from tests.compose import functions, read_as, with_mistake
from tests.submissions.catalogue.mistakes import (
    BASE_STYLE,
    CHECK_KINDS,
    HARMLESS,
    KNOWN_GAPS,
    MISTAKES,
    Mistake,
)

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ROOT / "tests" / "submissions"
CATALOGUE = SUBMISSIONS / "catalogue"
STYLES = sorted(p.name for p in (CATALOGUE / "correct").iterdir() if p.is_dir())
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")
# the functions that are new in the catalogue (the default assignment does not grade them)
NEW = frozenset({
    "prelu", "hardtanh", "relu6", "hardsigmoid", "hardswish", "softsign", "celu",
    "logsigmoid", "log_softmax", "prelu_grad", "hardtanh_grad", "relu6_grad",
    "hardsigmoid_grad", "hardswish_grad", "softsign_grad", "celu_grad", "logsigmoid_grad",
    "log_softmax_vjp", "saturated_fraction", "activation_stats", "softshrink",
    "softshrink_grad",
})


def catalogue_functions() -> list[str]:
    """The catalogue's functions the correct styles write: a function added to the
    catalogue later is graded here once the styles have it (tests/assignments/
    test_catalogue.py grades the reference on every one meanwhile)."""
    base = Assignment.load("activations")
    written = set().union(*(functions(source.decode())
                            for source in style(BASE_STYLE, "base").files.values()))
    return [f for f in grader.new.catalogue(grader.new.load_registry(base)) if f in written]


def style(name: str, sid: str) -> Submission:
    """A correct style of the whole catalogue: the old functions of
    tests/submissions/correct/<name>/ with the catalogue's, written in the same style,
    appended from tests/submissions/catalogue/correct/<name>/."""
    old = read_as(SUBMISSIONS / "correct" / name, sid, FILES)
    added = read_as(CATALOGUE / "correct" / name, sid, FILES)
    return Submission(sid, CATALOGUE / "correct" / name, files={
        file: old.files[file] + b"\n\n" + added.files[file] for file in FILES})


def marked(records: list[Mistake], test: str) -> list[Any]:
    """The records as parameters of ``test``; a known gap of the grader is a strict xfail."""
    return [pytest.param(m, id=m.id, marks=pytest.mark.xfail(
                strict=True, reason=KNOWN_GAPS[test, m.id]))
            if (test, m.id) in KNOWN_GAPS else pytest.param(m, id=m.id) for m in records]


@pytest.fixture(scope="module")
def assignment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalogue") / "catalogue"
    grader.new.compose(path, "activations", catalogue_functions())
    return path


@pytest.fixture(scope="module")
def results(assignment: Path) -> dict[str, dict[str, Any]]:
    base = style(BASE_STYLE, "base").files
    subs = [style(name, f"correct/{name}") for name in STYLES]
    subs.append(read_as(ROOT / "reference", "reference", FILES))
    for mistake in [*MISTAKES, *HARMLESS]:
        subs.append(Submission(mistake.id, CATALOGUE, files=with_mistake(base, mistake)))
    return {e["id"]: e for e in grade_all(subs, Settings(assignment=str(assignment)), jobs=2)}


def failing(entry: dict[str, Any]) -> str:
    return "\n".join(f"{t['name']} [{t['status']}] {t['score']}/{t['max_score']}\n"
                     f"{t['feedback']}" for t in entry["tests"] if t["status"] != "passed")


def test_the_composed_assignment_grades_the_whole_catalogue(assignment) -> None:
    graded = {f for f, _ in Assignment.load(assignment).rubric.points}
    assert graded == set(catalogue_functions())
    assert NEW <= graded
    assert Assignment.load("activations").functions[0] in graded  # the old ones too


@pytest.mark.parametrize("sid", [f"correct/{s}" for s in STYLES] + ["reference"])
def test_a_correct_solution_in_any_style_gets_full_marks(results, sid) -> None:
    entry = results[sid]
    assert entry["score"] == 100.0, failing(entry)


@pytest.mark.parametrize("mistake", marked(HARMLESS, "full_marks"))
def test_a_harmless_variant_keeps_full_marks(results, mistake) -> None:
    entry = results[mistake.id]
    assert entry["score"] == 100.0, f"{mistake.why}\n{failing(entry)}"


@pytest.mark.parametrize("mistake", marked(MISTAKES, "loses_points"))
def test_a_mistake_loses_points_only_where_it_is(results, mistake) -> None:
    entry = results[mistake.id]
    full: dict[str, float] = {}
    for test in entry["tests"]:
        full[test["function"]] = full.get(test["function"], 0.0) + test["max_score"]
    scores = function_scores(entry)
    lost = {f for f in full if scores[f] < full[f] - 1e-9}
    assert lost == set(mistake.breaks), f"{mistake.why}\n{failing(entry)}"
    caught = {t["check"] for t in entry["tests"]
              if t["function"] in mistake.breaks and t["score"] < t["max_score"]}
    assert caught & mistake.checks, (f"expected {sorted(mistake.checks)} to catch it, but "
                                     f"it lost points in {sorted(caught)}\n{failing(entry)}")


@pytest.mark.parametrize("mistake", marked(MISTAKES, "feedback"))
def test_the_feedback_names_the_function_and_gives_a_hint(results, mistake) -> None:
    entry = results[mistake.id]
    for test in entry["tests"]:
        if test["score"] < test["max_score"]:
            assert test["function"] in test["feedback"], test["feedback"]
            assert "hint:" in test["feedback"], test["feedback"]


def test_the_catalogue_is_large_and_varied() -> None:
    assert len(MISTAKES) >= 30 and len(HARMLESS) >= 10 and len(STYLES) >= 4
    assert len({m.id for m in [*MISTAKES, *HARMLESS]}) == len(MISTAKES) + len(HARMLESS)
    assert all(m.breaks <= NEW and m.checks and m.checks <= CHECK_KINDS for m in MISTAKES)
    assert {m for _, m in KNOWN_GAPS} <= {m.id for m in [*MISTAKES, *HARMLESS]}
    assert {t for t, _ in KNOWN_GAPS} <= {"full_marks", "loses_points", "feedback"}
    broken = set().union(*(m.breaks for m in MISTAKES))
    assert broken == NEW  # every new function has at least one mistake
