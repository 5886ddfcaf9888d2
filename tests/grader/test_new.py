"""``grader new``: an assignment composed of chosen catalogue functions, end to end --
written, loaded, released, its public tests run, graded -- and bad input refused with
nothing written."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.assignment import Assignment
from grader.cli import main
from grader.errors import UsageError
from grader.new import compose, rebalance
from grader.runner import Settings, grade
from grader.submission import read

CHOSEN = ["sigmoid", "relu", "relu_grad", "softmax", "he_normal", "dead_relu_mask",
          "softsign", "softsign_grad"]
BASE = Assignment.load("activations")
# a wrong relu_grad (1 at the kink) and a wrong softsign_grad (the square forgotten),
# defined again at the end of the file so that they replace the right ones
WRONG = {
    "derivatives.py": '''

def relu_grad(x):
    x = np.asarray(x)
    return (x >= 0).astype(np.float32 if x.dtype == np.float32 else np.float64)


def softsign_grad(x):
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    return (1.0 / (1.0 + np.abs(x.astype(np.float64)))).astype(dtype)
''',
}


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("course") / "year2027"
    assert main(["new", str(folder), "--from", "activations",
                 "--functions", ",".join(CHOSEN)]) == 0
    return folder


@pytest.fixture(scope="module")
def bundle(composed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "bundle"
    assert main(["release", str(composed), str(out)]) == 0
    return out


def defined(path: Path) -> list[str]:
    return [n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)]


def function_scores(entry) -> dict[str, float]:
    scores: dict[str, float] = {}
    for test in entry["tests"]:
        scores[test["function"]] = scores.get(test["function"], 0.0) + test["score"]
    return {f: round(s, 4) for f, s in scores.items()}


def test_the_composed_assignment_loads_and_grades_exactly_the_chosen_functions(
        composed: Path) -> None:
    loaded = Assignment.load(composed)
    assert loaded.name == "year2027" and loaded.composed_from == "activations"
    assert sorted(loaded.functions) == sorted(CHOSEN)
    assert loaded.seed == BASE.seed and loaded.policy == BASE.policy
    assert loaded.rubric.total == 100.0
    assert loaded.student_files == BASE.student_files  # every file holds a chosen function
    for file in loaded.student_files:
        assert defined(composed / file) == [f for f in loaded.functions
                                            if loaded.files[f] == file]
    for name in ("grading/registry.py", "grading/make_public_data.py", "notebook.py",
                 "conftest.py", "pytest.ini", "tests/expected.json", "README.md"):
        assert (composed / name).is_file(), name
    assert not list(composed.rglob("__pycache__"))


def test_stubs_are_the_base_header_and_the_chosen_def_blocks_word_for_word(
        composed: Path) -> None:
    stub = (composed / "activations.py").read_text()
    base = (BASE.folder / "activations.py").read_text()
    header = base[:base.index("def sigmoid")]
    assert stub.startswith(header)  # docstring, imports, SELU constants, comments
    sigmoid = base[base.index("def sigmoid"):base.index("def tanh")].rstrip()
    assert sigmoid in stub
    catalogue = (BASE.folder / "catalogue" / "activations.py").read_text()
    softsign = catalogue[catalogue.index("def softsign"):catalogue.index("def celu")].rstrip()
    assert softsign in stub
    assert 'raise NotImplementedError("softsign is not implemented yet")' in stub


def test_points_keep_the_bases_proportions_and_add_up_to_exactly_100(composed: Path) -> None:
    points = Assignment.load(composed).rubric.points
    assert round(sum(points.values()), 9) == 100.0
    base = {c: p for (f, c), p in BASE.rubric.points.items() if f == "relu_grad"}
    mine = {c: p for (f, c), p in points.items() if f == "relu_grad"}
    assert mine.keys() == base.keys()
    scale = mine["values"] / base["values"]
    for check in base:
        assert mine[check] == pytest.approx(base[check] * scale, abs=2e-3)
    # a catalogue function the base does not grade gets every check its suite runs
    assert {c for (f, c) in points if f == "softsign_grad"} == \
        {"values", "gradient", "stability", "contract", "vectorized"}
    for value in points.values():
        assert value == round(value, 3) and value > 0


def test_rebalancing_rounds_to_3_decimals_and_puts_the_remainder_on_the_largest() -> None:
    points = rebalance({"a": {"x": 1.0, "y": 1.0}, "b": {"x": 1.0}})
    assert points == {"a": {"x": 33.334, "y": 33.333}, "b": {"x": 33.333}}
    fixed = rebalance({"a": {"x": 40.0}, "b": {"x": 1.0, "y": 3.0}}, {"a"})
    assert fixed == {"a": {"x": 40.0}, "b": {"x": 15.0, "y": 45.0}}


def test_release_ships_the_stubs_the_readme_and_the_public_tests_and_nothing_hidden(
        composed: Path, bundle: Path) -> None:
    shipped = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert shipped == ["README.md", "activations.py", "conftest.py", "dead_relu.py",
                       "derivatives.py", "initializers.py", "pytest.ini",
                       "tests/expected.json", "tests/test_activations.py",
                       "tests/test_dead_relu.py", "tests/test_derivatives.py",
                       "tests/test_initializers.py"]
    readme = (bundle / "README.md").read_text()
    for function in CHOSEN:
        assert f"`{function}(" in readme
    assert "leaky_relu(" not in readme and "prelu" not in readme
    assert "**Randomness.**" in readme and "**Derivatives at kinks.**" in readme
    assert "pip install numpy scipy pytest" in readme


def run_pytest(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def test_the_released_public_tests_fail_on_the_stubs_and_pass_on_the_correct_example(
        composed: Path, bundle: Path, tmp_path: Path) -> None:
    result = run_pytest(bundle)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "sigmoid is not implemented yet" in result.stdout
    assert "softsign is not implemented yet" in result.stdout
    solved = tmp_path / "solved"
    shutil.copytree(bundle, solved)
    for path in (composed / "examples" / "correct").iterdir():
        shutil.copyfile(path, solved / path.name)
    result = run_pytest(solved)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_correct_example_scores_100_and_a_mistake_costs_only_its_function(
        composed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    correct = composed / "examples" / "correct"
    output = tmp_path / "results.json"
    assert main(["grade", "--assignment", str(composed), str(correct), "--no-sandbox",
                 "--quiet", "--json", str(output)]) == 0
    import json

    [entry] = json.loads(output.read_text())["submissions"]
    assert entry["score"] == 100.0
    full = function_scores(entry)
    assert sorted(full) == sorted(CHOSEN)

    wrong = tmp_path / "wrong"
    shutil.copytree(correct, wrong)
    for file, extra in WRONG.items():
        with open(wrong / file, "a", encoding="utf-8") as handle:
            handle.write(extra)
    settings = Settings(assignment=str(composed))
    scores = function_scores(grade(read(wrong, settings.load().student_files), settings))
    assert {f for f in CHOSEN if scores[f] < full[f]} == {"relu_grad", "softsign_grad"}
    assert scores["relu_grad"] > 0 and scores["softsign_grad"] > 0  # partial credit


def test_a_points_file_overrides_functions_and_checks_before_the_rebalance(
        tmp_path: Path) -> None:
    points = tmp_path / "points.toml"
    points.write_text("[points]\nsigmoid = 20\n[points.relu_grad]\nkink = 3\nstability = 0\n")
    folder = tmp_path / "weighted"
    compose(folder, "activations", ["sigmoid", "relu", "relu_grad", "softsign"],
            points_file=points)
    rubric = Assignment.load(folder).rubric
    assert rubric.function_points("sigmoid") == 20.0
    assert rubric.points[("relu_grad", "kink")] == 3.0
    assert ("relu_grad", "stability") not in rubric.points  # 0 drops the check
    assert rubric.points[("relu_grad", "values")] == \
        BASE.rubric.points[("relu_grad", "values")]  # the file's functions keep their points
    assert rubric.total == 100.0

    every = tmp_path / "every.toml"
    every.write_text("[points]\nsigmoid = 1\nrelu = 3\n")
    compose(tmp_path / "scaled", "activations", ["sigmoid", "relu"], points_file=every)
    rubric = Assignment.load(tmp_path / "scaled").rubric
    assert (rubric.function_points("sigmoid"), rubric.function_points("relu")) == (25.0, 75.0)


def nothing_written(parent: Path, before: set[Path]) -> bool:
    return set(parent.rglob("*")) == before


@pytest.mark.parametrize(("functions", "points", "message"), [
    ("sigmoid,swishh", None, r"Expected functions of the catalogue of activations but got "
                             r"swishh\. The catalogue: activations.py: sigmoid, .*prelu; "
                             r"derivatives.py: sigmoid_grad, "),
    ("", None, "at least one function"),
    ("sigmoid", "[points]\nrelu = 3\n", r"points for the chosen functions \(sigmoid\) but "
                                        r"got points\.relu"),
    ("sigmoid", "[points]\nsigmoid = -1\n", r"a number > 0 but got points\.sigmoid=-1"),
    ("sigmoid,relu_grad", "[points.relu_grad]\njacobian = 1\n",
     r"a check of relu_grad \(values, gradient, kink, .*\) but got points\.relu_grad\.jacobian"),
    ("sigmoid,relu", "[points]\nsigmoid = 100\n", "leaves nothing of the 100 for relu"),
    ("sigmoid", "[points\n", "Cannot read the points file"),
    ("sigmoid", "[weights]\nsigmoid = 1\n", r"one table \[points\]"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], functions: str,
        points: str | None, message: str) -> None:
    argv = ["new", str(tmp_path / "out"), "--functions", functions]
    if points is not None:
        (tmp_path / "points.toml").write_text(points)
        argv += ["--points", str(tmp_path / "points.toml")]
    before = set(tmp_path.rglob("*"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("grader: error: ")
    import re

    assert re.search(message, err), err
    assert nothing_written(tmp_path, before)


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="Expected a new or empty folder"):
        compose(folder, "activations", ["sigmoid"])
    assert [p.name for p in tmp_path.rglob("*")] == ["course", "notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    compose(empty, "activations", ["sigmoid"])
    assert Assignment.load(empty).functions == ["sigmoid"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "empty"]  # no staging


def test_the_command_prints_what_it_wrote_and_what_to_run_next(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "small"
    assert main(["new", str(folder), "--functions", "relu,prelu", "--name", "relu-only"]) == 0
    out = capsys.readouterr().out
    assert "note: the public tests cannot check prelu without the reference" in out
    assert f"wrote {len([p for p in folder.rglob('*') if p.is_file()])} files to {folder}" in out
    assert "  assignment.toml\n" in out and "  activations.py\n" in out
    assert f"grader release {folder} OUT" in out
    assert f"grader grade --assignment {folder} {folder / 'examples' / 'correct'}" in out
    assert f"grader nbgrader init COURSE --assignment {folder}" in out
    loaded = Assignment.load(folder)
    assert loaded.name == "relu-only" and loaded.student_files == ("activations.py",)
    assert [p.name for p in (folder / "examples" / "correct").iterdir()] == ["activations.py"]


def test_every_catalogue_function_composes_and_its_correct_example_scores_100(
        tmp_path: Path) -> None:
    """The kinds of check grader new gives a catalogue function are those its hidden
    suite runs: a manifest pair no suite collects would stop the grading."""
    from grader.new import catalogue, load_registry

    every = list(catalogue(load_registry(BASE)))
    folder = tmp_path / "everything"
    compose(folder, "activations", every)
    settings = Settings(assignment=str(folder))
    entry = grade(read(folder / "examples" / "correct", settings.load().student_files), settings)
    assert entry["score"] == 100.0, [t["name"] for t in entry["tests"] if t["status"] != "passed"]
    assert sorted(function_scores(entry)) == sorted(every)


def test_a_file_of_catalogue_functions_only_gets_the_catalogues_header() -> None:
    from grader.new import _stub_sources, compose_stub

    stubs = _stub_sources(BASE)
    alone = compose_stub(stubs, "dead_relu.py", ["saturated_fraction"])
    assert alone.startswith('"""Finding saturated units in a sigmoid or tanh network.')
    assert "grader new:" not in alone and "relu_activity" not in alone
    beside = compose_stub(stubs, "dead_relu.py", ["dead_relu_mask", "saturated_fraction"])
    assert beside.startswith('"""Finding dead ReLU units in a trained network.')
    # the activations' catalogue has no header of its own: the base's rules stay
    assert compose_stub(stubs, "activations.py", ["prelu"]).startswith(
        stubs["activations.py"][0][:60])
    for source in (alone, beside):
        compile(source, "dead_relu.py", "exec")
