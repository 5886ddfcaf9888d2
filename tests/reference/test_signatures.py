"""The reference has exactly the names, parameters and defaults of SPEC section 2."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import ModuleType

import pytest

from reference import activations, dead_relu, derivatives, initializers

# Copied from SPEC section 2, which is fixed, and the catalogue of issue 11's contract.
SPEC = {
    activations: [
        "sigmoid(x)", "tanh(x)", "relu(x)", "leaky_relu(x, alpha=0.01)", "elu(x, alpha=1.0)",
        "selu(x)", "gelu(x, approximate=False)", "softplus(x)", "swish(x, beta=1.0)", "mish(x)",
        "softmax(x, axis=-1)",
        # the catalogue of issue 11
        "prelu(x, weight)", "hardtanh(x, min_val=-1.0, max_val=1.0)", "relu6(x)",
        "hardsigmoid(x)", "hardswish(x)", "softsign(x)", "celu(x, alpha=1.0)", "logsigmoid(x)",
        "log_softmax(x, axis=-1)",
    ],
    derivatives: [
        "sigmoid_grad(x)", "tanh_grad(x)", "relu_grad(x)", "leaky_relu_grad(x, alpha=0.01)",
        "elu_grad(x, alpha=1.0)", "selu_grad(x)", "gelu_grad(x, approximate=False)",
        "softplus_grad(x)", "swish_grad(x, beta=1.0)", "mish_grad(x)",
        "softmax_vjp(x, upstream, axis=-1)",
        # the catalogue of issue 11
        "prelu_grad(x, weight, upstream)", "hardtanh_grad(x, min_val=-1.0, max_val=1.0)",
        "relu6_grad(x)", "hardsigmoid_grad(x)", "hardswish_grad(x)", "softsign_grad(x)",
        "celu_grad(x, alpha=1.0)", "logsigmoid_grad(x)",
        "log_softmax_vjp(x, upstream, axis=-1)",
    ],
    initializers: [
        "zeros(fan_in, fan_out)", "random_normal(fan_in, fan_out, rng, std=0.01)",
        "xavier_uniform(fan_in, fan_out, rng, gain=1.0)",
        "xavier_normal(fan_in, fan_out, rng, gain=1.0)", "he_uniform(fan_in, fan_out, rng)",
        "he_normal(fan_in, fan_out, rng)", "lecun_normal(fan_in, fan_out, rng)",
        "calculate_gain(nonlinearity, param=None)",
        "activation_stats(init, nonlinearity, depth, width, rng, samples=1000)",
    ],
    dead_relu: [
        "relu_activity(weights, biases, X, batch_size=1024)",
        "dead_relu_mask(weights, biases, X, batch_size=1024)",
        "saturated_fraction(weights, biases, X, nonlinearity='sigmoid', threshold=0.01, "
        "batch_size=1024)",
    ],
}
CASES = [
    pytest.param(module, spec, id=spec.partition("(")[0])
    for module, specs in SPEC.items()
    for spec in specs
]


def _plain(signature: inspect.Signature) -> str:
    """The signature without annotations, as SPEC writes it."""
    empty = inspect.Parameter.empty
    parameters = [p.replace(annotation=empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


@pytest.mark.parametrize(("module", "spec"), CASES)
def test_the_signature_is_the_one_in_the_spec(module: ModuleType, spec: str) -> None:
    name, _, parameters = spec.partition("(")
    function = getattr(module, name)
    assert name in module.__all__
    assert _plain(inspect.signature(function)) == f"({parameters}"


def _stubs(module: ModuleType) -> dict[str, inspect.Signature]:
    """The signatures students are given for the functions of ``module``'s file: the
    shipped stubs and the catalogue's (parsed, the stubs only raise)."""
    folder = Path(__file__).resolve().parents[2] / "assignments" / "activations"
    file = module.__name__.rpartition(".")[2] + ".py"
    found: dict[str, inspect.Signature] = {}
    for path in (folder / file, folder / "catalogue" / file):
        namespace: dict[str, object] = {}
        exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - our stubs
        found.update({name: inspect.signature(value) for name, value in namespace.items()
                      if inspect.isfunction(value) and not name.startswith("_")
                      and value.__module__ is None})
    return found


@pytest.mark.parametrize("module", list(SPEC), ids=lambda module: module.__name__)
def test_the_public_functions_are_those_students_are_given(module: ModuleType) -> None:
    # every public function has a stub with its signature (the catalogue's stubs are its
    # student API), and every stub a function: no table to keep in step here
    public = {name for name in module.__all__ if inspect.isfunction(getattr(module, name))}
    stubs = _stubs(module)
    spec = {spec.partition("(")[0] for spec in SPEC[module]}
    assert public - set(stubs) <= {"variance_scaling"}
    assert set(stubs) <= public and spec <= public
    for name, signature in stubs.items():
        assert _plain(inspect.signature(getattr(module, name))) == _plain(signature), name
