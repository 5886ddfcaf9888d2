"""Every public reference function documents itself: a docstring with its formula
(``.. math::``, for the activations and derivatives), its convention at a kink, and a
doctest that passes."""

from __future__ import annotations

import doctest
import inspect
from types import ModuleType

import pytest

from reference import activations, dead_relu, derivatives, initializers

MODULES = [activations, derivatives, initializers, dead_relu]
FUNCTIONS = [
    pytest.param(module, name, id=f"{module.__name__.rpartition('.')[2]}.{name}")
    for module in MODULES
    for name in module.__all__
    if inspect.isfunction(getattr(module, name))
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_doctests_pass(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0


@pytest.mark.parametrize(("module", "name"), FUNCTIONS)
def test_every_public_function_has_an_example(module: ModuleType, name: str) -> None:
    doc = inspect.getdoc(getattr(module, name)) or ""
    assert ">>> " in doc
    if module in (activations, derivatives):
        assert ".. math::" in doc


@pytest.mark.parametrize(
    ("name", "convention"),
    [
        ("relu_grad", "relu'(0) = 0"),
        ("leaky_relu_grad", "leaky_relu'(0) = alpha"),
        ("elu_grad", "elu'(0) = alpha"),
        ("selu_grad", "selu'(0) = lambda * alpha"),
        ("prelu_grad", "prelu'(0) = weight"),
        ("hardtanh_grad", "hardtanh'(min_val) = hardtanh'(max_val) = 0"),
        ("relu6_grad", "relu6'(0) = relu6'(6) = 0"),
        ("hardsigmoid_grad", "hardsigmoid'(-3) = hardsigmoid'(3) = 0"),
        ("hardswish_grad", "hardswish'(-3) = 0 and hardswish'(3) = 1"),
        ("celu_grad", "celu'(0) = 1"),
    ],
)
def test_the_kink_convention_is_stated(name: str, convention: str) -> None:
    assert convention in (inspect.getdoc(getattr(derivatives, name)) or "")
