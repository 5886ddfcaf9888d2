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
        if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
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


@pytest.fixture(scope="module")
def stubs_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return run_pytest(bundle_with(tmp_path_factory.mktemp("stubs")))


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return run_pytest(bundle_with(tmp_path_factory.mktemp("reference"), reference_solution()))


def test_the_public_tests_fail_on_the_stubs(stubs_run: subprocess.CompletedProcess[str]) -> None:
    assert stubs_run.returncode == 1, stubs_run.stdout + stubs_run.stderr
    summary = stubs_run.stdout.splitlines()[-1]
    assert re.fullmatch(rf"=+ {len(FUNCTIONS)} failed in [\d.]+s =+", summary), summary


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
    summary = reference_run.stdout.splitlines()[-1]
    assert re.fullmatch(rf"=+ {len(FUNCTIONS)} passed in [\d.]+s =+", summary), summary


def test_a_full_public_run_takes_less_than_two_seconds(
    reference_run: subprocess.CompletedProcess[str],
) -> None:
    assert session_seconds(reference_run.stdout) < 2.0


def test_pytest_in_the_assignment_folder_collects_only_the_public_tests() -> None:
    result = run_pytest(FOLDER, "--collect-only", "-q")
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert len(collected) == len(FUNCTIONS)
    assert all(line.startswith("tests/test_") for line in collected)


# Mistakes a student makes, grafted onto the reference solution (a later definition
# replaces the earlier one), and the line the public tests must print for each.
MISTAKES = {
    "activations.py": """
def relu(x):
    return np.maximum(x, 0)

def elu(x, alpha=1.0):
    x = np.asarray(x)
    result = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
    x[...] = 0
    return result

del mish
""",
    "derivatives.py": """
def relu_grad(x):
    x = np.asarray(x, dtype=float)
    return (x >= 0).astype(x.dtype)
""",
    "initializers.py": """
def he_normal(fan_in, fan_out, rng):
    return np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))

def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain**2 * 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))
""",
    "dead_relu.py": "\ndef relu_activity(weights, biases, X, batch_size=1024)\n",
}
MESSAGES = {
    "relu": re.escape(
        "relu(x) returned dtype int64 for integer input, expected float64 "
        "(float32 in gives float32 out, anything else gives float64)"
    ),
    "elu": re.escape("elu(x) modified its input; build a new array instead"),
    "mish": re.escape("mish is not defined in activations.py"),
    "relu_grad": re.escape("relu_grad(x): wrong value at 1 of 8 inputs (rtol=1e-08, atol=1e-10)")
    + "\n"
    + re.escape("  at x = 0.0 you returned 1.0, expected 0.0"),
    "he_normal": re.escape(
        "he_normal(100, 300, rng): two generators with the same seed gave different weights; "
        "draw every random number from rng, never from np.random"
    ),
    "xavier_normal": re.escape("xavier_normal(100, 300, rng): the weights have standard deviation ")
    + r"0\.00\d+"
    + re.escape(", expected about 0.07071 (is that the variance? rng.normal takes the standard "
                "deviation)"),
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
    pattern = re.compile(f"^{MESSAGES[mistake]}$", re.MULTILINE)
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
    data = FOLDER / "tests" / "expected.json"
    json.loads(data.read_text(encoding="utf-8"))
    assert data.stat().st_size < 16_000


def test_the_public_tests_never_use_the_reference() -> None:
    for path in [FOLDER / "conftest.py", *sorted((FOLDER / "tests").glob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        for word in ("reference", "grading", "registry", "grader"):
            assert not re.search(rf"\bimport {word}\b|\bfrom {word}\b", source), path
