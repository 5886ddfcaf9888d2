"""The common rules of SPEC section 2 for every reference activation and derivative.

dtype (float32 in, float32 out; anything else float64), shape (0-d included), the
input never modified, non-contiguous views, and finite silent results for every
finite input (checked at the extremes and, with Hypothesis, anywhere).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import reference as ref

Function = Callable[[Any], np.ndarray]


def _vjp(x: Any) -> np.ndarray:
    """softmax_vjp with an upstream gradient of the shape of x (2, -1, 0.5, 2, ...)."""
    shape = np.shape(x)
    upstream = np.resize(np.array([2.0, -1.0, 0.5]), shape) if shape else np.float64(2.0)
    return ref.softmax_vjp(x, upstream)


def _log_vjp(x: Any) -> np.ndarray:
    """log_softmax_vjp with the upstream gradient of _vjp."""
    shape = np.shape(x)
    upstream = np.resize(np.array([2.0, -1.0, 0.5]), shape) if shape else np.float64(2.0)
    return ref.log_softmax_vjp(x, upstream)


def _prelu_grad_x(weight: float) -> Function:
    """prelu_grad's gradient with respect to x, with the upstream gradient of _vjp."""

    def grad_x(x: Any) -> np.ndarray:
        shape = np.shape(x)
        upstream = np.resize(np.array([2.0, -1.0, 0.5]), shape) if shape else np.float64(2.0)
        return ref.prelu_grad(x, weight, upstream)[0]

    return grad_x


# (id, function of x alone). Every parameter setting the accuracy tests use, plus
# the extremes of beta where beta * x is the first thing to overflow.
FUNCTIONS: list[tuple[str, Function]] = [
    ("sigmoid", ref.sigmoid),
    ("tanh", ref.tanh),
    ("relu", ref.relu),
    ("leaky_relu", ref.leaky_relu),
    ("leaky_relu(alpha=0.2)", lambda x: ref.leaky_relu(x, alpha=0.2)),
    ("leaky_relu(alpha=0)", lambda x: ref.leaky_relu(x, alpha=0.0)),
    ("elu", ref.elu),
    ("elu(alpha=0.5)", lambda x: ref.elu(x, alpha=0.5)),
    ("selu", ref.selu),
    ("gelu", ref.gelu),
    ("gelu(approximate)", lambda x: ref.gelu(x, approximate=True)),
    ("softplus", ref.softplus),
    ("swish", ref.swish),
    ("swish(beta=1.7)", lambda x: ref.swish(x, beta=1.7)),
    ("swish(beta=1e6)", lambda x: ref.swish(x, beta=1e6)),
    ("swish(beta=1e-6)", lambda x: ref.swish(x, beta=1e-6)),
    ("mish", ref.mish),
    ("softmax", ref.softmax),
    ("sigmoid_grad", ref.sigmoid_grad),
    ("tanh_grad", ref.tanh_grad),
    ("relu_grad", ref.relu_grad),
    ("leaky_relu_grad", ref.leaky_relu_grad),
    ("leaky_relu_grad(alpha=0.2)", lambda x: ref.leaky_relu_grad(x, alpha=0.2)),
    ("elu_grad", ref.elu_grad),
    ("elu_grad(alpha=0.5)", lambda x: ref.elu_grad(x, alpha=0.5)),
    ("selu_grad", ref.selu_grad),
    ("gelu_grad", ref.gelu_grad),
    ("gelu_grad(approximate)", lambda x: ref.gelu_grad(x, approximate=True)),
    ("softplus_grad", ref.softplus_grad),
    ("swish_grad", ref.swish_grad),
    ("swish_grad(beta=1.7)", lambda x: ref.swish_grad(x, beta=1.7)),
    ("swish_grad(beta=1e6)", lambda x: ref.swish_grad(x, beta=1e6)),
    ("swish_grad(beta=1e-6)", lambda x: ref.swish_grad(x, beta=1e-6)),
    ("mish_grad", ref.mish_grad),
    ("softmax_vjp", _vjp),
    ("prelu(weight=0.25)", lambda x: ref.prelu(x, 0.25)),
    ("prelu(weight=-2)", lambda x: ref.prelu(x, -2.0)),
    ("prelu(weight=[0.5])", lambda x: ref.prelu(x, np.array([0.5]))),
    ("hardtanh", ref.hardtanh),
    ("hardtanh(-2.5, 0.7)", lambda x: ref.hardtanh(x, -2.5, 0.7)),
    ("relu6", ref.relu6),
    ("hardsigmoid", ref.hardsigmoid),
    ("hardswish", ref.hardswish),
    ("softsign", ref.softsign),
    ("celu", ref.celu),
    ("celu(alpha=0.5)", lambda x: ref.celu(x, alpha=0.5)),
    ("celu(alpha=1e-6)", lambda x: ref.celu(x, alpha=1e-6)),
    ("logsigmoid", ref.logsigmoid),
    ("log_softmax", ref.log_softmax),
    ("prelu_grad(weight=0.25)", _prelu_grad_x(0.25)),
    ("prelu_grad(weight=-2)", _prelu_grad_x(-2.0)),
    ("hardtanh_grad", ref.hardtanh_grad),
    ("hardtanh_grad(-2.5, 0.7)", lambda x: ref.hardtanh_grad(x, -2.5, 0.7)),
    ("relu6_grad", ref.relu6_grad),
    ("hardsigmoid_grad", ref.hardsigmoid_grad),
    ("hardswish_grad", ref.hardswish_grad),
    ("softsign_grad", ref.softsign_grad),
    ("celu_grad", ref.celu_grad),
    ("celu_grad(alpha=0.5)", lambda x: ref.celu_grad(x, alpha=0.5)),
    ("celu_grad(alpha=1e-6)", lambda x: ref.celu_grad(x, alpha=1e-6)),
    ("logsigmoid_grad", ref.logsigmoid_grad),
    ("log_softmax_vjp", _log_vjp),
]


def _catalogue() -> list[Any]:
    """The records of the activations assignment's registry: the catalogue."""
    from grader.assignment import Assignment
    from grader.new import load_registry

    return list(load_registry(Assignment.load("activations")).RECORDS.values())


def _derived() -> list[tuple[str, Function]]:
    """Every elementwise function of the catalogue that FUNCTIONS does not list, at each
    of its registry's parameter settings: a function added to the reference and the
    registry is held to these rules without an entry here."""
    listed = {name.split("(")[0] for name, _ in FUNCTIONS}
    derived: list[tuple[str, Function]] = []
    for record in _catalogue():
        if type(record).__name__ != "Elementwise" or record.name in listed:
            continue
        for params in record.params:
            shown = ", ".join(f"{k}={v}" for k, v in params.items())
            derived.append((f"{record.name}({shown})" if shown else record.name,
                            lambda x, r=record, p=dict(params): r.reference(x, **p)))
    return derived


FUNCTIONS += _derived()
NAMES = [name for name, _ in FUNCTIONS]
each_function = pytest.mark.parametrize(
    "function", [pytest.param(f, id=name) for name, f in FUNCTIONS]
)


def _extremes(dtype: type[np.floating[Any]]) -> np.ndarray:
    info = np.finfo(dtype)
    magnitudes = [
        0.0, info.smallest_subnormal, info.tiny, 1e-300, 1e-30, 1e-8, 0.5, 1.0, 20.0, 40.0,
        88.5, 89.5, 100.0, 700.0, 709.9, 710.0, 745.2, 746.0, 1000.0, 1e10, 1e103, 1e154,
        1e155, 1e300, float(info.max),
    ]
    with np.errstate(over="ignore"):  # the float64-only magnitudes become inf in float32
        values = np.array(magnitudes, dtype=dtype)
    values = values[np.isfinite(values)]
    return np.concatenate([values, -values])


@each_function
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_extreme_inputs_give_finite_results_without_warnings(
    function: Function, dtype: type[np.floating[Any]]
) -> None:
    x = _extremes(dtype)
    with np.errstate(all="raise", under="ignore"):
        elementwise = [function(value) for value in x]
        whole = function(x)
    assert whole.dtype == dtype and whole.shape == x.shape
    assert np.all(np.isfinite(whole)), x[~np.isfinite(whole)]
    assert all(np.isfinite(value) for value in elementwise)


DTYPE_CASES: list[tuple[str, Any, type[np.floating[Any]]]] = [
    ("float32", np.linspace(-3, 3, 7, dtype=np.float32), np.float32),
    ("float64", np.linspace(-3, 3, 7), np.float64),
    ("float16", np.linspace(-3, 3, 7, dtype=np.float16), np.float64),
    ("int32", np.arange(-3, 4, dtype=np.int32), np.float64),
    ("int64", np.arange(-3, 4), np.float64),
    ("uint8", np.arange(7, dtype=np.uint8), np.float64),
    ("bool", np.array([True, False, True]), np.float64),
    ("list of floats", [-1.0, 0.0, 2.5], np.float64),
    ("list of ints", [-1, 0, 2], np.float64),
    ("nested list", [[1.0, 2.0], [3.0, -4.0]], np.float64),
]


@each_function
def test_float32_gives_float32_and_everything_else_float64(function: Function) -> None:
    wrong = []
    for name, x, dtype in DTYPE_CASES:
        result = function(x)
        if type(result) is not np.ndarray or result.dtype != dtype or result.shape != np.shape(x):
            wrong.append(f"{name}: got {type(result).__name__} {result.dtype} {result.shape}")
    assert wrong == []


@each_function
def test_a_scalar_gives_a_0d_array(function: Function) -> None:
    for x in [0.0, -1.5, 2, True, np.float64(0.25), np.float32(-0.5)]:
        result = function(x)
        assert type(result) is np.ndarray and result.shape == (), repr(x)
        assert result.dtype == (np.float32 if isinstance(x, np.float32) else np.float64)
        np.testing.assert_array_equal(result, function(np.asarray(x).reshape(1))[0])


@each_function
def test_the_result_has_the_shape_of_the_input(function: Function) -> None:
    rng = np.random.default_rng(0)
    for shape in [(), (0,), (1,), (5,), (2, 3), (2, 3, 4), (1, 1, 1, 2)]:
        assert function(rng.normal(0.0, 3.0, shape)).shape == shape


@each_function
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_input_is_never_modified(function: Function, dtype: type[np.floating[Any]]) -> None:
    big = np.finfo(dtype).max
    x = np.array([[-big, -3.0, -0.0], [0.0, 2.5, big]], dtype=dtype)
    before = x.copy()
    function(x)
    np.testing.assert_array_equal(x, before)
    assert np.array_equal(np.signbit(x), np.signbit(before))
    x.flags.writeable = False
    function(x)  # works on read-only arrays, so it cannot write into them


def test_softmax_vjp_does_not_modify_upstream() -> None:
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]])
    upstream = np.array([[1e300, -2.0, 0.5], [3.0, 0.0, -1.0]])
    before = upstream.copy()
    upstream.flags.writeable = False
    ref.softmax_vjp(x, upstream)
    np.testing.assert_array_equal(upstream, before)


@each_function
def test_non_contiguous_views_give_the_same_values_as_contiguous_copies(
    function: Function,
) -> None:
    base = np.random.default_rng(1).normal(0.0, 4.0, (6, 8))
    for view in (base[::2, 1::3], base.T, base[::-1, ::-2], base[:, 3]):
        assert not view.flags.c_contiguous or view.ndim == 1
        np.testing.assert_array_equal(function(view), function(np.ascontiguousarray(view)))


def _apply_all(x: np.ndarray) -> list[str]:
    """Names of the functions that warn, or give a non-finite value or a wrong dtype."""
    problems = []
    for name, function in FUNCTIONS:
        try:
            with np.errstate(all="raise", under="ignore"):
                result = function(x)
        except FloatingPointError as error:
            problems.append(f"{name}: {error}")
            continue
        if result.dtype != x.dtype or result.shape != x.shape:
            problems.append(f"{name}: dtype {result.dtype}, shape {result.shape}")
        elif not np.all(np.isfinite(result)):
            problems.append(f"{name}: not finite at {x[~np.isfinite(result)][:3]}")
    return problems


def _finite_arrays(
    dtype: type[np.floating[Any]], width: Literal[32, 64]
) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(
        dtype,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5),
        elements=st.floats(allow_nan=False, allow_infinity=False, width=width),
    )


@settings(derandomize=True, database=None, max_examples=80, deadline=None)
@given(_finite_arrays(np.float64, 64))
def test_any_finite_float64_input_gives_finite_silent_output(x: np.ndarray) -> None:
    assert _apply_all(x) == []


@settings(derandomize=True, database=None, max_examples=40, deadline=None)
@given(_finite_arrays(np.float32, 32))
def test_any_finite_float32_input_gives_finite_silent_output(x: np.ndarray) -> None:
    assert _apply_all(x) == []


def test_every_function_of_section_2_and_the_catalogue_is_covered() -> None:
    section_2 = {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "softplus",
                 "swish", "mish", "softmax"}
    records = {r.name: r.file for r in _catalogue()}
    activations = {name for name, file in records.items() if file == "activations.py"}
    derivatives = {name for name, file in records.items() if file == "derivatives.py"}
    assert section_2 <= activations
    assert {f"{name}_grad" for name in section_2 - {"softmax"}} | {"softmax_vjp"} <= derivatives
    assert {name.split("(")[0] for name in NAMES} == activations | derivatives
    assert set(ref.activations.__all__) - {"SELU_ALPHA", "SELU_LAMBDA"} == activations
    assert set(ref.derivatives.__all__) == derivatives


KINKS: list[tuple[str, Callable[[], np.ndarray], float]] = [
    ("relu'(0)", lambda: ref.relu_grad(0.0), 0.0),
    ("relu'(-0)", lambda: ref.relu_grad(-0.0), 0.0),
    ("leaky'(0)", lambda: ref.leaky_relu_grad(0.0), 0.01),
    ("leaky'(0; 0.2)", lambda: ref.leaky_relu_grad(0.0, alpha=0.2), 0.2),
    ("elu'(0)", lambda: ref.elu_grad(0.0), 1.0),
    ("elu'(0; 0.5)", lambda: ref.elu_grad(0.0, alpha=0.5), 0.5),
    ("selu'(0)", lambda: ref.selu_grad(0.0), ref.SELU_LAMBDA * ref.SELU_ALPHA),
    ("relu(0)", lambda: ref.relu(0.0), 0.0),
    ("elu(-0)", lambda: ref.elu(-0.0, alpha=0.5), 0.0),
    ("prelu'(0)", lambda: ref.prelu_grad(0.0, 0.3, 1.0)[0], 0.3),
    ("prelu'(-0)", lambda: ref.prelu_grad(-0.0, 0.3, 1.0)[0], 0.3),
    ("hardtanh'(-1)", lambda: ref.hardtanh_grad(-1.0), 0.0),
    ("hardtanh'(1)", lambda: ref.hardtanh_grad(1.0), 0.0),
    ("hardtanh'(0.7; -2.5, 0.7)", lambda: ref.hardtanh_grad(0.7, -2.5, 0.7), 0.0),
    ("hardtanh'(-2.5; -2.5, 0.7)", lambda: ref.hardtanh_grad(-2.5, -2.5, 0.7), 0.0),
    ("relu6'(0)", lambda: ref.relu6_grad(0.0), 0.0),
    ("relu6'(6)", lambda: ref.relu6_grad(6.0), 0.0),
    ("hardsigmoid'(-3)", lambda: ref.hardsigmoid_grad(-3.0), 0.0),
    ("hardsigmoid'(3)", lambda: ref.hardsigmoid_grad(3.0), 0.0),
    ("hardswish'(-3)", lambda: ref.hardswish_grad(-3.0), 0.0),  # torch 2.x: the outer value
    ("hardswish'(3)", lambda: ref.hardswish_grad(3.0), 1.0),  # torch 2.x: the outer value
    ("celu'(0)", lambda: ref.celu_grad(0.0), 1.0),
    ("celu'(0; 0.5)", lambda: ref.celu_grad(0.0, alpha=0.5), 1.0),
]


@pytest.mark.parametrize(
    ("function", "value"),
    [pytest.param(function, value, id=name) for name, function, value in KINKS],
)
def test_kinks_take_the_left_hand_value_as_pytorch(
    function: Callable[[], np.ndarray], value: float
) -> None:
    assert function() == value


def test_selu_saturates_at_the_largest_float_where_the_exact_value_overflows() -> None:
    for dtype in (np.float64, np.float32):
        largest = np.finfo(dtype).max
        with np.errstate(all="raise", under="ignore"):
            result = ref.selu(np.array([largest, largest / 1.02, -largest], dtype=dtype))
        assert result[0] == largest and result[1] == largest
        assert result[2] == dtype(-ref.SELU_LAMBDA * ref.SELU_ALPHA)
