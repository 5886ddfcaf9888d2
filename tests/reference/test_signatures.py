"""The reference has exactly the names, parameters and defaults of SPEC section 2."""

from __future__ import annotations

import inspect
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


@pytest.mark.parametrize("module", list(SPEC), ids=lambda module: module.__name__)
def test_the_public_functions_are_those_of_the_spec_and_documented_helpers(
    module: ModuleType,
) -> None:
    public = {name for name in module.__all__ if inspect.isfunction(getattr(module, name))}
    spec = {spec.partition("(")[0] for spec in SPEC[module]}
    assert public - spec <= {"variance_scaling"}
    assert spec <= public
