"""A whole nbgrader course, with real nbgrader: init, release, submit, autograde, export,
feedback -- and the scores are the ones ``grader grade`` gives the same code.

One course is set up per module (nbgrader's commands take seconds each): eight
students hand in notebooks, ``grader nbgrader autograde`` grades them, nbgrader
exports and writes feedback, and at the end plain ``nbgrader autograde`` (test cells
run in a Jupyter kernel) grades the two honest students again.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import nbgrader.api as nbgrader_api  # noqa: E402  (the dev extra installs nbgrader)
import pytest

from grader.runner import Settings, grade_all
from grader.sandbox import choose
from grader.submission import read
from tests.nbgrader import students

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

FUNCTIONS = Settings().rubric().functions
HIDDEN_SOURCE = ("def check_", "@graded", "VECTOR_SMALL", "record.hint(", "student.call(")


@dataclass
class Course:
    root: Path
    trusted: dict[str, dict[str, float]]  # student -> test cell -> score, after our autograde
    kernel: dict[str, dict[str, float]]  # the honest students after plain nbgrader autograde
    exit_code: int
    totals: dict[str, float]  # nbgrader export
    feedback: dict[str, str]  # student -> feedback HTML, unescaped (students h*)
    comments: dict[str, str | None]  # answer cell -> automatic comment, of honest_mistake
    settings: Settings


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(students.ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        # as in an activated environment: nbgrader runs `alembic` by name
        PATH=os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")]))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def cell_scores(course: Path, student: str) -> dict[str, float]:
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook("activations", "activations", student)
        return {g.name.removeprefix("test_"): float(g.score) for g in notebook.grades}


def answer_comments(course: Path, student: str) -> dict[str, str | None]:
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook("activations", "activations", student)
        return {c.name: c.auto_comment for c in notebook.comments}


def run_cli(*argv: str) -> int:
    from grader.nbgrader.cli import register, run

    parser = argparse.ArgumentParser(prog="grader")
    register(parser.add_subparsers(dest="command"))
    return run(parser.parse_args(["nbgrader", *argv]))


SUBMISSIONS = {
    "honest_correct": lambda rel, src: students.solved(rel, src),
    "honest_mistake": lambda rel, src: students.solved(rel, src, {
        "relu_grad": students.MISTAKES["relu_grad"]}),
    "another_style": lambda rel, src: students.helpers_on_top(rel),
    "he_factor": lambda rel, src: students.solved(rel, src, {
        "he_normal": students.MISTAKES["he_normal"]}),
    "naive_sigmoid": lambda rel, src: students.solved(rel, src, {
        "sigmoid": students.MISTAKES["sigmoid"]}),
    "hangs": lambda rel, src: students.solved(rel, src, {"relu": students.HANG}),
    "syntax_error": lambda rel, src: students.syntax_error_in(students.solved(rel, src), "tanh"),
    "fake_score": lambda rel, src: students.fake_score(students.solved(rel, src, {
        "relu": students.MISTAKES["relu"]})),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    root = tmp_path_factory.mktemp("course")
    assert run_cli("init", str(root)) == 0
    nbgrader(root, "generate_assignment", "activations")
    release = nbformat.read(root / "release" / "activations" / "activations.ipynb", 4)
    source = nbformat.read(root / "source" / "activations" / "activations.ipynb", 4)
    for student, make in SUBMISSIONS.items():
        students.submit(root, student, make(release, source))
    code = run_cli("autograde", str(root), "--jobs", "2", "--quiet")
    trusted = {s: cell_scores(root, s) for s in SUBMISSIONS}
    comments = answer_comments(root, "honest_mistake")
    nbgrader(root, "export")
    with open(root / "grades.csv", newline="") as handle:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    nbgrader(root, "generate_feedback", "activations", "--student=h*")  # 4 students: time
    feedback = {s: html.unescape((root / "feedback" / s / "activations" /
                                  "activations.html").read_text())
                for s in SUBMISSIONS if s.startswith("h")}
    nbgrader(root, "autograde", "activations", "--student=honest_*", "--force")
    kernel = {s: cell_scores(root, s) for s in ("honest_correct", "honest_mistake")}
    return Course(root, trusted, kernel, code, totals, feedback, comments,
                  Settings(sandbox=choose("auto")))


SAME_CODE_AS_FILES = {
    "honest_correct": {},
    "another_style": {},
    "honest_mistake": {"relu_grad": students.MISTAKES["relu_grad"]},
    "he_factor": {"he_normal": students.MISTAKES["he_normal"]},
    "naive_sigmoid": {"sigmoid": students.MISTAKES["sigmoid"]},
    "hangs": {"relu": students.HANG},
}


@pytest.fixture(scope="module")
def graded_by_grader_grade(course: Course, tmp_path_factory: pytest.TempPathFactory
                           ) -> dict[str, dict[str, float]]:
    """Per-function scores ``grader grade`` gives each submitted notebook ("nb/<id>")
    and the same code as files ("files/<id>"), two submissions at a time."""
    files = sorted(set(course.settings.rubric().files.values()))
    folders = tmp_path_factory.mktemp("as_files")
    submissions = []
    for student in SUBMISSIONS:
        submission = read(course.root / "submitted" / student / "activations" /
                          "activations.ipynb", files)
        submission.id = f"nb/{student}"
        submissions.append(submission)
    for student, bodies in SAME_CODE_AS_FILES.items():
        submission = read(students.as_folder(folders / student, bodies), files)
        submission.id = f"files/{student}"
        submissions.append(submission)
    return {entry["id"]: function_scores(entry)
            for entry in grade_all(submissions, course.settings, jobs=2)}


def function_scores(entry: dict[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for test in entry["tests"]:
        scores[test["function"]] = scores.get(test["function"], 0.0) + test["score"]
    return {f: round(s, 4) for f, s in scores.items()}


def test_every_submission_is_autograded(course: Course) -> None:
    assert course.exit_code == 0
    assert set(course.trusted) == set(SUBMISSIONS)
    for scores in course.trusted.values():
        assert sorted(scores) == sorted(FUNCTIONS)


@pytest.mark.parametrize("student", sorted(SUBMISSIONS))
def test_each_test_cell_scores_what_grader_grade_gives_the_notebook(
        course: Course, graded_by_grader_grade: dict[str, dict[str, float]],
        student: str) -> None:
    assert course.trusted[student] == graded_by_grader_grade[f"nb/{student}"]


@pytest.mark.parametrize("student", sorted(SAME_CODE_AS_FILES))
def test_each_test_cell_scores_what_grader_grade_gives_the_same_code_as_files(
        course: Course, graded_by_grader_grade: dict[str, dict[str, float]],
        student: str) -> None:
    assert course.trusted[student] == graded_by_grader_grade[f"files/{student}"]


def test_honest_students_get_full_marks_and_mistakes_cost_only_their_function(
        course: Course) -> None:
    full = course.trusted["honest_correct"]
    assert sum(full.values()) == pytest.approx(100.0)
    assert course.trusted["another_style"] == full
    for student, broken in (("honest_mistake", {"relu_grad"}), ("he_factor", {"he_normal"}),
                            ("hangs", {"relu"}), ("syntax_error", {"tanh"}),
                            ("fake_score", {"relu"})):
        scores = course.trusted[student]
        lost = {f for f in FUNCTIONS if scores[f] < full[f]}
        assert lost == broken, student
    assert course.trusted["syntax_error"]["tanh"] == 0.0
    assert course.trusted["hangs"]["relu"] == 0.0


def test_printing_a_score_and_overwriting_the_test_cell_earns_nothing(course: Course) -> None:
    assert course.trusted["fake_score"]["relu"] < 2.5
    assert course.totals["fake_score"] < 100.0


def test_nbgrader_export_totals_are_the_sums_of_the_test_cells(course: Course) -> None:
    assert set(course.totals) == set(SUBMISSIONS)
    for student, scores in course.trusted.items():
        assert course.totals[student] == pytest.approx(sum(scores.values()), abs=1e-6)


def test_feedback_carries_the_teaching_messages_and_no_hidden_test(course: Course) -> None:
    kink = course.feedback["honest_mistake"]
    assert "relu_grad: " in kink and "follows the convention at the kink" in kink
    assert "use x > 0, not x >= 0" in kink  # the hint of the registry
    assert "did not finish within" in course.feedback["hangs"]
    assert "all 4 checks passed" in course.feedback["honest_correct"]
    for page in course.feedback.values():
        assert "BEGIN SOLUTION" not in page
        for fragment in HIDDEN_SOURCE:
            assert fragment not in page


def test_answer_cells_get_the_messages_of_their_functions_as_comments(course: Course) -> None:
    assert course.comments["answer_relu_grad"].startswith("relu_grad: ")
    assert "use x > 0, not x >= 0" in course.comments["answer_relu_grad"]
    assert course.comments["answer_relu"] is None  # full marks: nothing to say


def test_the_autograded_notebook_says_which_cell_was_left_out_and_why(course: Course) -> None:
    notebook = nbformat.read(course.root / "autograded" / "syntax_error" / "activations" /
                             "activations.ipynb", 4)
    [tanh] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id")
              == "test_tanh"]
    text = "".join(o.get("text", "") for o in tanh.outputs)
    assert text.startswith("tanh: 0 / 2.5 points") and "has a syntax error" in text


def test_plain_nbgrader_autograde_gives_honest_students_the_same_scores(course: Course) -> None:
    for student, scores in course.kernel.items():
        assert scores == course.trusted[student], student
