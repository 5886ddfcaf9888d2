"""The reference files are drop-in submissions: copied into a folder and imported there
as top-level modules (as the grader's worker does), they work and give exactly the
values of the package.

The subprocess runs ``python -I -S`` with only the folder and the directories that hold
numpy and scipy on ``sys.path``, so neither this repository nor an editable install of
it can leak in.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy

import reference
from reference import activations, dead_relu, derivatives, initializers

SOURCE = Path(reference.__file__).parent
FILES = ["activations.py", "derivatives.py", "initializers.py", "dead_relu.py"]
LIBRARY_PATHS = sorted({str(Path(str(m.__file__)).parent.parent) for m in (np, scipy)})

# Run in both processes: the values every graded function gives on a few inputs.
PROBE = textwrap.dedent(
    """
    import numpy as np

    def probe(activations, derivatives, initializers, dead_relu):
        x = np.concatenate([[-1e300], np.linspace(-30.0, 30.0, 61), [0.0, 1e300]])
        x2 = np.random.default_rng(0).normal(0.0, 3.0, (3, 4))
        values = {}
        for module in (activations, derivatives):
            for name in module.__all__:
                function = getattr(module, name)
                if name in ("softmax_vjp", "log_softmax_vjp"):
                    values[name] = function(x2, np.cos(x2), axis=0)
                elif name in ("softmax", "log_softmax"):
                    values[name] = function(x2, axis=0)
                elif name == "prelu":
                    values[name] = function(x, 0.25)
                    values[name + "/channels"] = function(x2, [0.1, -0.2, 0.3, 2.0])
                elif name == "prelu_grad":
                    for i, grad in enumerate(function(x2, [0.1, -0.2, 0.3, 2.0], np.cos(x2))):
                        values[f"{name}/{i}"] = grad
                elif callable(function):
                    values[name] = function(x)
                    values[name + "/float32"] = function(x[1:-2].astype(np.float32))
        values["gelu(approximate)"] = activations.gelu(x, approximate=True)
        values["gelu_grad(approximate)"] = derivatives.gelu_grad(x, approximate=True)
        values["swish(beta=1.7)"] = activations.swish(x, beta=1.7)
        values["swish_grad(beta=1.7)"] = derivatives.swish_grad(x, beta=1.7)
        for name in ["random_normal", "xavier_uniform", "xavier_normal", "he_uniform",
                     "he_normal", "lecun_normal"]:
            values[name] = getattr(initializers, name)(5, 3, np.random.default_rng(42))
        values["zeros"] = initializers.zeros(2, 3)
        values["calculate_gain"] = np.array(
            [initializers.calculate_gain(n) for n in ["linear", "tanh", "relu", "leaky_relu"]]
        )
        rng = np.random.default_rng(1)
        weights = [rng.normal(0, 1, (4, 6)), rng.normal(0, 1, (6, 3))]
        biases = [rng.normal(-0.5, 1, 6), rng.normal(-0.5, 1, 3)]
        X = rng.normal(0, 1, (50, 4))
        for i, a in enumerate(dead_relu.relu_activity(weights, biases, X, batch_size=7)):
            values[f"relu_activity/{i}"] = a
        for i, d in enumerate(dead_relu.dead_relu_mask(weights, biases, X, batch_size=7)):
            values[f"dead_relu_mask/{i}"] = d
        steep = [3 * w for w in weights]
        for i, f in enumerate(dead_relu.saturated_fraction(steep, biases, X, "tanh", 0.1,
                                                            batch_size=7)):
            values[f"saturated_fraction/{i}"] = f
        values["activation_stats"] = initializers.activation_stats(
            "xavier_normal", "tanh", 5, 8, np.random.default_rng(2), samples=20
        )
        return values
    """
)

CHILD = textwrap.dedent(
    """
    import sys
    folder, out, *libraries = sys.argv[1:]
    sys.path[:0] = [folder]
    sys.path.extend(libraries)
    import numpy as np
    import activations, derivatives, initializers, dead_relu
    from _probe import probe

    assert "reference" not in sys.modules, "the reference package leaked in"
    for module in (activations, derivatives, initializers, dead_relu):
        assert module.__file__.startswith(folder), module.__file__
    assert derivatives.sigmoid is activations.sigmoid, "derivatives did not import activations"
    np.savez(out, **probe(activations, derivatives, initializers, dead_relu))
    print("ok")
    """
)


def _run(folder: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-S", "-W", "error", "-c", script, str(folder), *args,
         *LIBRARY_PATHS],
        capture_output=True, text=True, timeout=120, cwd=folder, check=False,
    )


def test_the_four_files_copied_into_a_folder_give_the_package_values(tmp_path: Path) -> None:
    for name in FILES:
        shutil.copy(SOURCE / name, tmp_path / name)
    (tmp_path / "_probe.py").write_text(PROBE)
    out = tmp_path / "values.npz"
    result = _run(tmp_path, CHILD, str(out))
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
    assert result.stderr == ""

    namespace: dict[str, Any] = {}
    exec(PROBE, namespace)
    expected = namespace["probe"](activations, derivatives, initializers, dead_relu)
    with np.load(out) as got:
        assert sorted(got.files) == sorted(expected)
        for name, value in expected.items():
            assert got[name].dtype == value.dtype, name
            np.testing.assert_array_equal(got[name], value, err_msg=name)


def test_the_files_that_import_no_sibling_work_each_copied_alone(tmp_path: Path) -> None:
    alone = ["activations", "initializers", "dead_relu"]
    for module in alone:
        (tmp_path / module).mkdir()
        shutil.copy(SOURCE / f"{module}.py", tmp_path / module / f"{module}.py")
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.extend(sys.argv[2:])
        for module in {alone!r}:
            sys.path.insert(0, sys.argv[1] + "/" + module)
            print(module, len(__import__(module).__all__))
            del sys.path[0]
        """
    )
    result = _run(tmp_path, script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        str(item) for module in alone for item in (module, len(getattr(reference, module).__all__))
    ]


ALLOWED_SCIPY = {"erf", "erfc", "ndtr"}


@pytest.mark.parametrize("name", FILES)
def test_the_files_import_only_what_the_assignment_allows(name: str) -> None:
    """numpy, the standard library, scipy.special.erf/erfc/ndtr, and (derivatives.py
    only) activations."""
    tree = ast.parse((SOURCE / name).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                assert top == "numpy" or top in sys.stdlib_module_names, alias.name
        elif isinstance(node, ast.ImportFrom):
            top = (node.module or "").partition(".")[0]
            imported = {alias.name for alias in node.names}
            if node.module == "scipy.special":
                assert imported <= ALLOWED_SCIPY, imported
            elif top == "activations" or (node.level == 1 and node.module == "activations"):
                assert name == "derivatives.py"
            else:
                assert node.level == 0, f"relative import in {name}"
                assert top == "numpy" or top in sys.stdlib_module_names, node.module
