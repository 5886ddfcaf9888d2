"""An assignment ``grader new`` composed, as an nbgrader course: ``grader nbgrader init
--assignment PATH`` builds a notebook of exactly its functions, and real nbgrader runs
it end to end (release, submit, ``grader nbgrader autograde``, plain ``nbgrader
autograde`` in a kernel) with the scores ``grader grade`` gives."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat
import nbgrader.api as nbgrader_api  # noqa: E402  (the dev extra installs nbgrader)
import pytest
from nbformat.notebooknode import NotebookNode

from grader.assignment import Assignment
from grader.nbgrader.autograde import graded_function
from grader.new import compose
from tests.nbgrader import students
from tests.nbgrader.test_e2e import nbgrader, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

CHOSEN = ["sigmoid", "relu", "relu_grad", "softmax", "he_normal", "dead_relu_mask",
          "softsign", "softsign_grad"]
NAME = "selection"


@dataclass
class Course:
    root: Path
    assignment: Path
    source: NotebookNode
    trusted: dict[str, dict[str, float]]  # after grader nbgrader autograde
    kernel: dict[str, float]  # honest_correct after plain nbgrader autograde


def submit(course: Path, student: str, notebook: NotebookNode) -> None:
    folder = course / "submitted" / student / NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text("2026-11-23 12:00:00.000000 UTC")
    nbformat.write(notebook, str(folder / f"{NAME}.ipynb"))


def cell_scores(course: Path, student: str) -> dict[str, float]:
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(NAME, NAME, student)
        return {g.name.removeprefix("test_"): float(g.score) for g in notebook.grades}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    assignment = tmp_path_factory.mktemp("assignments") / NAME
    compose(assignment, "activations", CHOSEN)
    root = tmp_path_factory.mktemp("course")
    assert run_cli("init", str(root), "--assignment", str(assignment)) == 0
    nbgrader(root, "generate_assignment", NAME)
    release = nbformat.read(root / "release" / NAME / f"{NAME}.ipynb", 4)
    source = nbformat.read(root / "source" / NAME / f"{NAME}.ipynb", 4)
    submit(root, "honest_correct", students.solved(release, source))
    submit(root, "honest_mistake", students.solved(release, source, {
        "relu_grad": students.MISTAKES["relu_grad"]}))
    assert run_cli("autograde", str(root), "--assignment", str(assignment), "--quiet") == 0
    trusted = {s: cell_scores(root, s) for s in ("honest_correct", "honest_mistake")}
    nbgrader(root, "autograde", NAME, "--student=honest_correct", "--force")
    return Course(root, assignment, source, trusted, cell_scores(root, "honest_correct"))


def test_the_notebook_answers_exactly_the_chosen_functions(course: Course) -> None:
    loaded = Assignment.load(course.assignment)
    answers = [c.metadata.nbgrader.grade_id for c in course.source.cells
               if c.metadata.get("nbgrader", {}).get("solution")]
    assert sorted(answers) == sorted(f"answer_{f}" for f in loaded.functions)
    tests = [c for c in course.source.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [graded_function(c.source) for c in tests] == \
        [a.removeprefix("answer_") for a in answers]  # each answer, then its test
    for cell in tests:  # the kernel's grading process finds the assignment by its folder
        assert f"assignment={str(course.assignment.resolve())!r}" in cell.source
        assert cell.metadata.nbgrader.points == \
            loaded.rubric.function_points(graded_function(cell.source))
    # a catalogue function's answer: the template's text, then its stub's signature
    cells = course.source.cells
    [at] = [i for i, c in enumerate(cells)
            if c.metadata.get("nbgrader", {}).get("grade_id") == "answer_softsign"]
    assert cells[at - 1].source.startswith("### Softsign")
    assert cells[at].source.startswith("def softsign(x: ArrayLike) -> np.ndarray:")
    pictures = [c.source for c in course.source.cells
                if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("picture_")]
    assert pictures  # those that use only chosen functions (or none) stay
    used = {n.id for source in pictures for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Name)}
    assert not used & {"tanh", "leaky_relu", "leaky_relu_grad", "xavier_normal",
                       "relu_activity", "random_normal"}


def test_grader_nbgrader_autograde_gives_full_marks_and_charges_only_the_mistake(
        course: Course) -> None:
    full = course.trusted["honest_correct"]
    assert sorted(full) == sorted(CHOSEN)
    assert full == {f: Assignment.load(course.assignment).rubric.function_points(f)
                    for f in CHOSEN}
    assert sum(full.values()) == pytest.approx(100.0)
    mistake = course.trusted["honest_mistake"]
    assert {f for f in CHOSEN if mistake[f] < full[f]} == {"relu_grad"}


def test_plain_nbgrader_autograde_in_a_kernel_gives_the_same_scores(course: Course) -> None:
    assert course.kernel == course.trusted["honest_correct"]
