"""The stubs of the activations assignment: the API of SPEC section 2, and nothing more.

The stubs are imported in a fresh interpreter with only the assignment folder added
to ``sys.path``, as a student's ``pytest`` run would see them.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

FOLDER = Path(__file__).resolve().parents[2] / "assignments" / "activations"

# SPEC section 2: file -> function -> its parameters, exactly as a student sees them.
SPEC: dict[str, dict[str, str]] = {
    "activations": {
        "sigmoid": "x",
        "tanh": "x",
        "relu": "x",
        "leaky_relu": "x, alpha=0.01",
        "elu": "x, alpha=1.0",
        "selu": "x",
        "gelu": "x, approximate=False",
        "softplus": "x",
        "swish": "x, beta=1.0",
        "mish": "x",
        "softmax": "x, axis=-1",
    },
    "derivatives": {
        "sigmoid_grad": "x",
        "tanh_grad": "x",
        "relu_grad": "x",
        "leaky_relu_grad": "x, alpha=0.01",
        "elu_grad": "x, alpha=1.0",
        "selu_grad": "x",
        "gelu_grad": "x, approximate=False",
        "softplus_grad": "x",
        "swish_grad": "x, beta=1.0",
        "mish_grad": "x",
        "softmax_vjp": "x, upstream, axis=-1",
    },
    "initializers": {
        "zeros": "fan_in, fan_out",
        "random_normal": "fan_in, fan_out, rng, std=0.01",
        "xavier_uniform": "fan_in, fan_out, rng, gain=1.0",
        "xavier_normal": "fan_in, fan_out, rng, gain=1.0",
        "he_uniform": "fan_in, fan_out, rng",
        "he_normal": "fan_in, fan_out, rng",
        "lecun_normal": "fan_in, fan_out, rng",
        "calculate_gain": "nonlinearity, param=None",
    },
    "dead_relu": {
        "relu_activity": "weights, biases, X, batch_size=1024",
        "dead_relu_mask": "weights, biases, X, batch_size=1024",
    },
}
FUNCTIONS = [(module, name) for module, functions in SPEC.items() for name in functions]
# imports a stub may need for its annotations; anything else belongs to the student
STUB_IMPORTS = {"__future__", "numpy", "numpy.typing"}

# Runs in a fresh interpreter: imports each stub, describes its public functions and
# calls each one with placeholder arguments (the stubs raise before using them).
PROBE = textwrap.dedent(
    """
    import importlib, inspect, json, sys
    sys.path.insert(0, sys.argv[1])
    import numpy as np

    PLACEHOLDERS = {
        "x": np.zeros(3), "upstream": np.ones(3), "fan_in": 3, "fan_out": 2,
        "rng": np.random.default_rng(0), "nonlinearity": "relu",
        "weights": [np.ones((2, 2))], "biases": [np.zeros(2)], "X": np.ones((4, 2)),
    }
    report = {}
    for module_name in sys.argv[2:]:
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module_name:
                continue
            parameters = inspect.signature(function).parameters.values()
            shown = [p.name if p.default is p.empty else f"{p.name}={p.default!r}"
                     for p in parameters]
            kinds = sorted({p.kind.name for p in parameters})
            args = [PLACEHOLDERS[p.name] for p in parameters if p.default is p.empty]
            try:
                function(*args)
                outcome = ["returned", ""]
            except Exception as error:
                outcome = [type(error).__name__, str(error)]
            report[f"{module_name}.{name}"] = {
                "signature": ", ".join(shown), "kinds": kinds, "outcome": outcome,
            }
    print(json.dumps(report))
    """
)


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", PROBE, str(FOLDER), *SPEC],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path_factory.mktemp("probe"),
        timeout=60,
    )
    assert result.returncode == 0, f"the stubs could not be imported:\n{result.stderr}"
    assert result.stderr == "", result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def stub_source(module: str) -> ast.Module:
    return ast.parse((FOLDER / f"{module}.py").read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", list(SPEC))
def test_each_stub_defines_exactly_the_spec_functions(module: str, probe: dict[str, Any]) -> None:
    defined = {key.split(".", 1)[1] for key in probe if key.startswith(module + ".")}
    assert defined == set(SPEC[module])


@pytest.mark.parametrize(("module", "name"), FUNCTIONS)
def test_every_function_has_the_spec_signature(
    module: str, name: str, probe: dict[str, Any]
) -> None:
    described = probe[f"{module}.{name}"]
    assert described["signature"] == SPEC[module][name]
    assert described["kinds"] == ["POSITIONAL_OR_KEYWORD"]


@pytest.mark.parametrize(("module", "name"), FUNCTIONS)
def test_every_function_raises_not_implemented_error_naming_itself(
    module: str, name: str, probe: dict[str, Any]
) -> None:
    assert probe[f"{module}.{name}"]["outcome"] == [
        "NotImplementedError",
        f"{name} is not implemented yet",
    ]


@pytest.mark.parametrize("module", list(SPEC))
def test_stub_bodies_hold_only_a_docstring_and_the_raise(module: str) -> None:
    for node in ast.walk(stub_source(module)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            assert isinstance(node, ast.FunctionDef), f"{module}.py defines {node!r}"
            docstring, *rest = node.body
            assert ast.get_docstring(node), f"{node.name} has no docstring"
            assert [ast.unparse(statement) for statement in rest] == [
                f"raise NotImplementedError('{node.name} is not implemented yet')"
            ]


@pytest.mark.parametrize("module", list(SPEC))
def test_stubs_import_nothing_but_numpy(module: str) -> None:
    imported = set()
    for node in ast.walk(stub_source(module)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert imported <= STUB_IMPORTS


@pytest.mark.parametrize("module", list(SPEC))
def test_module_docstrings_state_the_library_and_loop_rules(module: str) -> None:
    docstring = ast.get_docstring(stub_source(module)) or ""
    for rule in ("numpy", "loop"):
        assert rule in docstring.lower(), f"{module}.py does not mention {rule!r}"


@pytest.mark.parametrize("module", ["activations", "derivatives", "dead_relu"])
def test_files_that_take_arrays_say_never_to_modify_them(module: str) -> None:
    docstring = ast.get_docstring(stub_source(module)) or ""
    assert "Never modify" in docstring


@pytest.mark.parametrize("module", ["activations", "derivatives"])
def test_elementwise_files_state_the_dtype_stability_and_library_rules(module: str) -> None:
    docstring = ast.get_docstring(stub_source(module)) or ""
    for rule in ("float32", "float64", "sigmoid(", "scipy.special.expit", "erf", "ndtr"):
        assert rule in docstring, f"{module}.py does not mention {rule!r}"


def test_derivatives_show_importing_the_students_own_activations() -> None:
    docstring = ast.get_docstring(stub_source("derivatives")) or ""
    assert "from activations import sigmoid" in docstring


@pytest.mark.parametrize(
    ("name", "value_at_zero"),
    [
        ("relu_grad", "relu'(0) = 0"),
        ("leaky_relu_grad", "the value at x = 0 is alpha"),
        ("elu_grad", "the value at x = 0 is alpha"),
        ("selu_grad", "The value at x = 0 is ``SELU_LAMBDA * SELU_ALPHA``"),
    ],
)
def test_derivatives_with_a_kink_state_their_value_at_zero(name: str, value_at_zero: str) -> None:
    function = next(
        node
        for node in ast.walk(stub_source("derivatives"))
        if isinstance(node, ast.FunctionDef) and node.name == name
    )
    assert value_at_zero in " ".join((ast.get_docstring(function) or "").split())


def test_selu_constants_are_given_to_full_precision() -> None:
    constants = {
        target.id: ast.literal_eval(node.value)
        for node in stub_source("activations").body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert constants == {
        "SELU_LAMBDA": 1.0507009873554804934193349852946,
        "SELU_ALPHA": 1.6732632423543772848170429916717,
    }
