"""The Assignment object: one manifest, loaded and checked once, on the fixture
assignment (tests/fixtures/assignments/powers). The engine must grade, release and
report it without knowing its functions."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.assignment import Assignment, assignment_dir
from grader.errors import RubricError, UsageError

ROOT = Path(__file__).resolve().parents[2]
POWERS = ROOT / "tests" / "fixtures" / "assignments" / "powers"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "powers"
    shutil.copytree(POWERS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def manifest(folder: Path, old: str, new: str) -> None:
    path = folder / "assignment.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def grader(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_fixture_loads_with_everything_the_manifest_says() -> None:
    assignment = Assignment.load(str(POWERS))
    assert assignment.name == "powers" and assignment.seed == 7
    assert assignment.files == {"square": "powers.py", "square_grad": "powers.py"}
    assert assignment.rubric.total == 100.0
    assert assignment.policy.describe().startswith("graded code may use numpy and math only")
    assert assignment.suites == POWERS.resolve() / "grading"
    assert Assignment.load(str(POWERS)) is assignment  # loaded once


@pytest.mark.parametrize(("old", "new", "error"), [
    ('points = { values = 40, contract = 10 }', 'points = { values = 45, contract = 10 }',
     "add up to 105, not 100: rebalance them"),
    ('file = "powers.py"\npoints = { values = 30',
     'file = "other.py"\npoints = { values = 30', "square_grad is graded in other.py, which "
     "is not one of the student_files"),
    ('contract = 10 }', 'contract = 10, style = 0 }', "has points for check 'style', which "
     "has no entry under \\[checks\\]"),
    ('contract = 10 }', 'contract = -10 }', "Expected a positive number of points but got "
     "functions.square.points.contract=-10"),
    ('allowed = {}', 'allowed = { "torch" = ["relu"] }', "policy.allowed names 'torch'"),
    ('allowed = {}', 'allowed = { "scipy.special" = ["expit()"] }',
     "Expected a list of names"),
    ('seed = 7', 'seed = "seven"', "Expected a non-negative integer but got seed='seven'"),
    ('student_files = ["powers.py"]', 'student_files = ["../powers.py"]',
     "Expected a relative path inside the assignment"),
    ('student_files = ["powers.py"]', 'student_files = ["sub/powers.py"]',
     "the student file 'sub/powers.py' must be NAME.py in the assignment's folder"),
    ('student_files = ["powers.py"]', 'student_files = ["math.py"]',
     "the student file 'math.py' would hide the module math"),
    ('student_files = ["powers.py"]', 'student_files = ["numpy.py"]',
     "the student file 'numpy.py' would hide the module numpy"),
])
def test_an_inconsistent_manifest_is_one_clear_error_at_load(copy, old, new, error) -> None:
    manifest(copy, old, new)
    with pytest.raises(RubricError, match=error):
        Assignment.load(str(copy))


def test_a_stub_that_lacks_a_graded_function_is_an_error_at_load(copy) -> None:
    stub = copy / "powers.py"
    stub.write_text(stub.read_text().replace("def square_grad(", "def square_gradient("))
    with pytest.raises(RubricError, match="the stub powers.py of powers does not define "
                                          "square_grad"):
        Assignment.load(str(copy))


def test_an_assignment_without_hidden_suites_is_an_error_at_load(copy) -> None:
    (copy / "grading" / "test_powers.py").unlink()
    with pytest.raises(RubricError, match="powers has no hidden suites"):
        Assignment.load(str(copy))


def test_a_total_other_than_100_is_allowed_when_the_manifest_says_so(copy) -> None:
    manifest(copy, 'seed = 7', 'seed = 7\ntotal = 50')
    manifest(copy, 'values = 40, contract = 10', 'values = 15, contract = 5')
    manifest(copy, 'values = 30, gradient = 20', 'values = 20, gradient = 10')
    assert Assignment.load(str(copy)).rubric.total == 50.0


def test_a_path_without_a_manifest_says_so(tmp_path) -> None:
    with pytest.raises(UsageError, match="Expected a folder holding an assignment.toml"):
        assignment_dir(str(tmp_path))
    with pytest.raises(UsageError, match="Expected the name of an assignment"):
        assignment_dir("no-such-assignment")


def test_grader_grades_releases_and_reports_a_folder_assignment(tmp_path) -> None:
    out = tmp_path / "results.json"
    done = grader("grade", "--assignment", POWERS, "--sandbox", "auto", "--json", out,
                  POWERS / "examples" / "correct", POWERS)
    assert done.returncode == 0, done.stderr  # both graded (the stubs in the folder: 0)
    document = json.loads(out.read_text())
    assert document["assignment"] == "powers"
    scores = {entry["id"]: entry["score"] for entry in document["submissions"]}
    assert scores == {"correct": 100.0, "powers": 0.0}
    bundle = tmp_path / "bundle"
    done = grader("release", POWERS, bundle)
    assert done.returncode == 0, done.stderr
    shipped = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert shipped == ["README.md", "powers.py", "tests/test_powers.py"]


def test_an_inconsistent_assignment_stops_grader_before_grading(copy, tmp_path) -> None:
    manifest(copy, 'contract = 10 }', 'contract = 11 }')
    done = grader("grade", "--assignment", copy, "--json", tmp_path / "r.json",
                  copy / "examples" / "correct")
    assert done.returncode == 3  # the assignment is broken, not the arguments
    assert "add up to 101, not 100" in done.stderr and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "r.json").exists()


def test_a_graded_function_no_suite_has_a_record_for_stops_grading(copy, tmp_path) -> None:
    manifest(copy, "[functions.square_grad]", "[functions.cube]\nfile = \"powers.py\"\n"
             "points = { values = 10 }\n[functions.square_grad]")
    manifest(copy, "points = { values = 30, gradient = 20 }",
             "points = { values = 20, gradient = 20 }")
    stub = copy / "powers.py"
    stub.write_text(stub.read_text() + "\n\ndef cube(x):\n    raise NotImplementedError\n")
    done = grader("grade", "--assignment", copy, "--json", tmp_path / "r.json",
                  copy / "examples" / "correct")
    assert done.returncode == 3, done.stderr
    assert "the manifest grades cube, but no hidden suite has a record for it" in done.stderr


@pytest.mark.parametrize("suites", [POWERS / "grading", ROOT / "assignments" / "activations"
                                    / "grading"], ids=["powers", "activations"])
def test_hidden_suites_use_only_the_engines_public_face(suites) -> None:
    import ast

    import grader

    for path in sorted(suites.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader"):
                where = f"{path.name} line {node.lineno}"
                assert node.module in ("grader", "grader.checks", "grader.errors"), where
                if node.module == "grader":
                    assert {a.name for a in node.names} <= set(grader.__all__), where
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("grader.") for a in node.names), path.name


def test_points_for_a_check_no_suite_runs_stop_grading(copy, tmp_path) -> None:
    manifest(copy, 'values = { title = "values match the reference" }',
             'values = { title = "values match the reference" }\nkink = { title = "kink" }')
    manifest(copy, "points = { values = 40, contract = 10 }",
             "points = { values = 30, contract = 10, kink = 10 }")
    done = grader("grade", "--assignment", copy, "--json", tmp_path / "r.json",
                  copy / "examples" / "correct")
    assert done.returncode == 3, done.stderr
    assert "the manifest gives points to square / kink, which no hidden suite runs" in \
        done.stderr and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "r.json").exists() or '"correct"' not in (tmp_path / "r.json"
                                                                      ).read_text()
