"""The public tests, run the way a student runs them: ``pytest`` in the released folder.

Each run is a real pytest session in a fresh interpreter, with plugin autoloading
off (a student has numpy, scipy and pytest, nothing else) and without the
project on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.release import release

from .test_stubs import FUNCTIONS

PROJECT = Path(__file__).resolve().parents[2]
FOLDER = PROJECT / "assignments" / "activations"
REFERENCE = PROJECT / "reference"
STUDENT_FILES = ["activations.py", "derivatives.py", "initializers.py", "dead_relu.py"]


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # a student's machine: not a CI server either (there pytest does not shorten the
        # short test summary, and a message would be counted twice)
        if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "CI", "BUILD_NUMBER")
    }
    env.update(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONDONTWRITEBYTECODE="1", COLUMNS="120")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def session_seconds(output: str) -> float:
    match = re.search(r" in (\d+\.\d+)s", output.splitlines()[-1])
    assert match, output
    return float(match.group(1))


def bundle_with(tmp: Path, solution: dict[str, str] | None = None) -> Path:
    """A released bundle, with the given files (name -> source) as the student's."""
    bundle = tmp / "bundle"
    release("activations", bundle)
    for name, source in (solution or {}).items():
        (bundle / name).write_text(source, encoding="utf-8")
    return bundle


def reference_solution() -> dict[str, str]:
    return {name: (REFERENCE / name).read_text(encoding="utf-8") for name in STUDENT_FILES}


def public_tests(functions: list[tuple[str, str]]) -> set[str]:
    """The test ids the public tests hold for these (file, function) pairs: every
    function's own first test, then for activations and derivatives the checks that
    need no reference (and the derivative check where the forward function is
    there), for random initializers their moments and generator."""
    present = {name for _, name in functions}
    ids = set()
    for module, name in functions:
        path = f"tests/test_{module}.py"
        if module in ("activations", "derivatives"):
            checks = ["values", "contract", "stability", "vectorized"]
            forward = "softmax" if name == "softmax_vjp" else name.removesuffix("_grad")
            if module == "derivatives" and forward in present:
                checks.append("gradient")
        elif module == "initializers":
            checks = ["initializer"]
            if name not in ("zeros", "calculate_gain"):
                checks += ["moments", "generator"]
        else:
            checks = ["dead_relu"]
        ids |= {f"{path}::test_{check}[{name}]" for check in checks}
    return ids


ALL_TESTS = public_tests(FUNCTIONS)


def summary(run: subprocess.CompletedProcess[str]) -> str:
    return run.stdout.splitlines()[-1]


@pytest.fixture(scope="module")
def stubs_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return run_pytest(bundle_with(tmp_path_factory.mktemp("stubs")), "-rs")


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return run_pytest(bundle_with(tmp_path_factory.mktemp("reference"), reference_solution()))


def test_on_the_stubs_each_function_fails_once_and_its_other_checks_wait(
    stubs_run: subprocess.CompletedProcess[str],
) -> None:
    assert stubs_run.returncode == 1, stubs_run.stdout + stubs_run.stderr
    waiting = len(ALL_TESTS) - len(FUNCTIONS)
    assert re.fullmatch(
        rf"=+ {len(FUNCTIONS)} failed, {waiting} skipped in [\d.]+s =+", summary(stubs_run)
    ), summary(stubs_run)


def test_a_skipped_check_says_which_function_it_waits_for(
    stubs_run: subprocess.CompletedProcess[str],
) -> None:
    skips = re.findall(r"^SKIPPED \[(\d+)\] tests/\S+: (.*)$", stubs_run.stdout, re.MULTILINE)
    assert sum(int(count) for count, _ in skips) == len(ALL_TESTS) - len(FUNCTIONS)
    assert {reason for _, reason in skips} == {
        f"{name} is not implemented yet" for _, name in FUNCTIONS
        if name not in ("zeros", "calculate_gain", "relu_activity", "dead_relu_mask")
    }


@pytest.mark.parametrize(("module", "name"), FUNCTIONS)
def test_each_unimplemented_function_is_reported_in_exactly_one_line(
    module: str, name: str, stubs_run: subprocess.CompletedProcess[str]
) -> None:
    lines = stubs_run.stdout.splitlines()
    assert lines.count(f"{name} is not implemented yet") == 1


def test_unimplemented_functions_are_reported_without_tracebacks(
    stubs_run: subprocess.CompletedProcess[str],
) -> None:
    for noise in ("Traceback", "NotImplementedError", "During handling", "conftest.py"):
        assert noise not in stubs_run.stdout
    assert stubs_run.stderr == ""


def test_the_public_tests_pass_on_the_reference_solution(
    reference_run: subprocess.CompletedProcess[str],
) -> None:
    assert reference_run.returncode == 0, reference_run.stdout + reference_run.stderr
    assert re.fullmatch(rf"=+ {len(ALL_TESTS)} passed in [\d.]+s =+", summary(reference_run))


def test_a_full_public_run_takes_less_than_two_seconds(
    reference_run: subprocess.CompletedProcess[str],
) -> None:
    assert session_seconds(reference_run.stdout) < 2.0


def test_the_correct_example_passes_every_public_test(tmp_path: Path) -> None:
    correct = FOLDER / "examples" / "correct"
    solution = {name: (correct / name).read_text(encoding="utf-8") for name in STUDENT_FILES}
    run = run_pytest(bundle_with(tmp_path, solution))
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.fullmatch(rf"=+ {len(ALL_TESTS)} passed in [\d.]+s =+", summary(run))


def test_pytest_in_the_assignment_folder_collects_only_the_public_tests() -> None:
    result = run_pytest(FOLDER, "--collect-only", "-q")
    collected = {line for line in result.stdout.splitlines() if "::" in line}
    assert collected == ALL_TESTS


# Mistakes a student makes, grafted onto the reference solution (a later definition
# replaces the earlier one), and the lines the public tests must print for each.
MISTAKES = {
    "activations.py": """
import math

def relu(x):
    return np.maximum(x, 0)

def elu(x, alpha=1.0):
    x = np.asarray(x)
    result = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
    x[...] = 0
    return result

def sigmoid(x):
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    return (1 / (1 + np.exp(-x))).astype(dtype)

def tanh(x):
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    return np.array([math.tanh(v) for v in x.ravel().tolist()], dtype=dtype).reshape(x.shape)

def selu(x):
    x = np.asarray(x, dtype=np.float32 if np.asarray(x).dtype == np.float32 else np.float64)
    return 1.05 * np.where(x > 0, x, 1.67 * np.expm1(np.minimum(x, 0)))

del mish
""",
    "derivatives.py": """
def relu_grad(x):
    x = np.asarray(x, dtype=float)
    return (x >= 0).astype(x.dtype)

def softmax_vjp(x, upstream, axis=-1):
    s = softmax(x, axis=axis)
    return s * (1 - s) * np.asarray(upstream, dtype=s.dtype)
""",
    "initializers.py": """
def he_normal(fan_in, fan_out, rng):
    return np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))

def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain**2 * 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))

def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))

def he_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(0.0, 2 * a, size=(fan_in, fan_out)) - a / 2

def random_normal(fan_in, fan_out, rng, std=0.01):
    return np.random.default_rng(0).normal(0.0, std, size=(fan_in, fan_out))
""",
    "dead_relu.py": "\ndef relu_activity(weights, biases, X, batch_size=1024)\n",
}
MESSAGES = {
    "relu": re.escape(
        "relu(x) returned dtype int64 for integer input, expected float64 "
        "(float32 in gives float32 out, anything else gives float64)"
    ),
    "relu contract": re.escape(
        "relu: for an int64 array you returned dtype int64, expected float64 (float32 in -> "
        "float32 out, anything else -> float64)\n  hint: convert with np.asarray(x), keep "
        "float32 as float32"
    ),
    "elu": re.escape("elu(x) modified its input; build a new array instead"),
    "mish": re.escape("mish is not defined in activations.py"),
    "sigmoid": re.escape(
        "sigmoid(x): numpy signalled a floating-point warning (overflow encountered in exp) "
        "for large |x| (up to |x| = 100000.0), first at x = -710.0\n"
        "  hint: 1/(1+np.exp(-x)) overflows for large negative x"
    ),
    "tanh": r"tanh: your code ran \d+ Python steps for 16 elements but \d+ for 4096 elements "
    + re.escape(
        "-- a Python loop over the elements (for, a comprehension, np.vectorize)?\n"
        "  hint: work on the whole array at once with numpy operations"
    ),
    "selu_grad": re.escape("selu_grad(x): disagrees with the slope of your selu at ")
    + r"\d+ of \d+ inputs.*\n(  at x = .*\n)+"
    + re.escape("  hint: differentiate the forward formula again; the check compares your "
                "derivative with the slope of the forward function\n"
                "  note: your selu itself misses the expected values (see test_values[selu]): "
                "fix it first"),
    "relu_grad": re.escape("relu_grad(x): wrong value at 1 of 8 inputs (rtol=1e-08, atol=1e-10)")
    + "\n"
    + re.escape("  at x = 0.0 you returned 1.0, expected 0.0"),
    "relu_grad hint": re.escape(
        "  at x = 0.0 you returned 1.0, expected 0.0\n"
        "  hint: relu_grad(0) is 0 here (as in PyTorch): use x > 0, not x >= 0"
    ),
    "softmax_vjp": re.escape(
        "softmax_vjp(x, upstream): disagrees with the gradient of sum(upstream * softmax(x)) "
        "by central differences of your softmax at "
    ) + r"\d+ of 12 inputs",
    "he_normal": re.escape(
        "he_normal(100, 300, rng): two generators with the same seed gave different weights "
        "(np.random was seeded differently before each call) -- some randomness comes from "
        "somewhere else (np.random.* or a new default_rng())\n"
        "  hint: draw every random number from the rng you are given"
    ),
    "random_normal": re.escape(
        "random_normal(100, 300, rng): generators with different seeds gave the same weights "
        "-- the rng you are given is not used"
    ),
    "xavier_normal": re.escape("xavier_normal(100, 300, rng): the weights have standard deviation ")
    + r"0\.00\d+"
    + re.escape(", expected about 0.07071 (within 20 %) (is that the variance? rng.normal takes "
                "the standard deviation)\n"
                "  hint: N(0, std^2) with std = gain*sqrt(2/(fan_in+fan_out))"),
    "xavier_uniform": re.escape(
        "xavier_uniform(100, 300, rng): the weights do not look uniformly distributed (excess "
        "kurtosis "
    )
    + r"-?0\.0\d*"
    + re.escape(", expected about -1.2); are they drawn from a normal distribution?"),
    "he_uniform": re.escape("he_uniform(100, 300, rng): the weights have mean ")
    + r"0\.\d+"
    + re.escape(", expected about 0 (within 0.01414)\n  hint: the weights must be centred on 0"),
    "dead_relu.py": re.escape("dead_relu.py could not be imported: SyntaxError: ") + ".*",
}


@pytest.fixture(scope="module")
def mistakes_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    solution = reference_solution()
    for name, extra in MISTAKES.items():
        solution[name] += extra
    return run_pytest(bundle_with(tmp_path_factory.mktemp("mistakes"), solution))


@pytest.mark.parametrize("mistake", [name for name in MESSAGES if name != "dead_relu.py"])
def test_a_mistake_is_reported_with_a_message_that_teaches(
    mistake: str, mistakes_run: subprocess.CompletedProcess[str]
) -> None:
    pattern = re.compile(f"^{MESSAGES[mistake]}", re.MULTILINE)
    assert len(pattern.findall(mistakes_run.stdout)) == 1, mistakes_run.stdout


def test_the_readme_shows_a_message_the_public_tests_really_print() -> None:
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert re.search(f"^{MESSAGES['relu_grad']}$", readme, re.MULTILINE)


def test_an_unimportable_file_fails_each_of_its_functions_once(
    mistakes_run: subprocess.CompletedProcess[str],
) -> None:
    pattern = re.compile(f"^{MESSAGES['dead_relu.py']}$", re.MULTILINE)
    failed = re.findall(r"^FAILED tests/test_dead_relu\.py::(\S+)", mistakes_run.stdout, re.M)
    assert len(pattern.findall(mistakes_run.stdout)) == len(failed) == 2


def test_the_expected_data_matches_the_reference() -> None:
    result = subprocess.run(
        [sys.executable, str(FOLDER / "grading" / "make_public_data.py"), "--check"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_expected_data_is_small() -> None:
    # about half of it is the hints, written once each (defaults and what differs)
    data = FOLDER / "tests" / "expected.json"
    json.loads(data.read_text(encoding="utf-8"))
    assert data.stat().st_size < 32_000


def test_the_data_lists_every_function_with_values_once() -> None:
    data = json.loads((FOLDER / "tests" / "expected.json").read_text(encoding="utf-8"))
    with_values = {
        *data["activations"],
        *data["derivatives"],
        *(name for name in ("softmax", "softmax_vjp") if name in data),
        *data["initializers"]["random"],
        *(name for name in ("zeros", "calculate_gain") if name in data["initializers"]),
        *(name for name in ("relu_activity", "dead_relu_mask") if name in data["dead_relu"]),
    }
    assert set(data["functions"]) == with_values == {name for _, name in FUNCTIONS}


# A wrong derivative everywhere (not just at the kink): the derivative check catches
# it against the slope of the student's own relu.
WRONG_DERIVATIVE = """
def relu_grad(x):
    x = np.asarray(x, dtype=np.float32 if np.asarray(x).dtype == np.float32 else np.float64)
    return np.maximum(x, 0)
"""


def test_a_wrong_derivative_disagrees_with_the_slope_of_the_own_forward(tmp_path: Path) -> None:
    solution = reference_solution()
    solution["derivatives.py"] += WRONG_DERIVATIVE
    run = run_pytest(bundle_with(tmp_path, solution))
    failed = re.findall(r"^FAILED (\S+)", run.stdout, re.MULTILINE)
    assert failed == [
        "tests/test_derivatives.py::test_values[relu_grad]",
        "tests/test_derivatives.py::test_gradient[relu_grad]",
    ], run.stdout
    assert re.search(
        "^"
        + re.escape("relu_grad(x): disagrees with the slope of your relu at ")
        + r"\d+ of 48 inputs \(rtol=1e-05, atol=1e-06\)\n"
        + re.escape("  at x = 0.25 you returned 0.25, the slope of your relu is 1.0"),
        run.stdout,
        re.MULTILINE,
    ), run.stdout


# An assignment made of a subset: tanh_grad without tanh gets no derivative check.
SUBSET = ["sigmoid", "relu", "relu_grad", "tanh_grad", "softmax", "zeros", "he_normal"]


def subset_bundle(tmp: Path, solution: dict[str, str] | None = None) -> Path:
    bundle = bundle_with(tmp, solution)
    result = subprocess.run(
        [sys.executable, str(FOLDER / "grading" / "make_public_data.py"),
         "--functions", ",".join(SUBSET), "--output", str(bundle / "tests" / "expected.json")],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return bundle


def test_an_assignment_of_a_subset_collects_only_its_functions(tmp_path: Path) -> None:
    run = run_pytest(subset_bundle(tmp_path), "--collect-only", "-q")
    collected = {line for line in run.stdout.splitlines() if "::" in line}
    functions = [(module, name) for module, name in FUNCTIONS if name in SUBSET]
    assert collected == public_tests(functions)
    assert "tests/test_derivatives.py::test_gradient[relu_grad]" in collected
    assert "tests/test_derivatives.py::test_gradient[tanh_grad]" not in collected
    assert "dead_relu" not in run.stdout
    assert "skipped" not in run.stdout


def test_an_assignment_of_a_subset_passes_on_the_reference(tmp_path: Path) -> None:
    run = run_pytest(subset_bundle(tmp_path, reference_solution()))
    expected = len(public_tests([(m, n) for m, n in FUNCTIONS if n in SUBSET]))
    assert re.fullmatch(rf"=+ {expected} passed in [\d.]+s =+", summary(run)), run.stdout


def test_an_assignment_of_a_subset_fails_once_per_function_on_the_stubs(tmp_path: Path) -> None:
    run = run_pytest(subset_bundle(tmp_path))
    failed = re.findall(r"^(\w+) is not implemented yet$", run.stdout, re.MULTILINE)
    assert sorted(failed) == sorted(SUBSET)
    assert re.fullmatch(rf"=+ {len(SUBSET)} failed, \d+ skipped in [\d.]+s =+", summary(run))


def test_make_public_data_refuses_an_unknown_function() -> None:
    result = subprocess.run(
        [sys.executable, str(FOLDER / "grading" / "make_public_data.py"),
         "--functions", "sigmoid,sigmoud", "--output", os.devnull],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 2
    assert "--functions: Expected functions of the registry but got sigmoud" in result.stderr


def test_the_public_tests_never_use_the_reference() -> None:
    for path in [FOLDER / "conftest.py", *sorted((FOLDER / "tests").glob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        for word in ("reference", "grading", "registry", "grader"):
            assert not re.search(rf"\bimport {word}\b|\bfrom {word}\b", source), path
