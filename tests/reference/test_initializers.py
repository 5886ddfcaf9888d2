"""Reference initializers: shapes, dtype, the variance-scaling formulas, randomness
drawn only from the given Generator, and calculate_gain as in PyTorch.

The statistical checks use 200,000 draws from fixed seeds, so they are deterministic;
their bounds are at least 6 standard errors wide.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import reference as ref


@dataclass(frozen=True)
class Record:
    """A random initializer and the distribution SPEC section 2 gives for it."""

    name: str
    func: Callable[..., np.ndarray]
    kwargs: tuple[tuple[str, Any], ...]
    distribution: str  # "normal" or "uniform"
    variance: Callable[[int, int], float]

    def __call__(self, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
        return self.func(fan_in, fan_out, rng, **dict(self.kwargs))


RECORDS = [
    Record("random_normal", ref.random_normal, (), "normal", lambda i, o: 0.01**2),
    Record("random_normal(std=0.5)", ref.random_normal, (("std", 0.5),), "normal",
           lambda i, o: 0.25),
    Record("xavier_uniform", ref.xavier_uniform, (), "uniform", lambda i, o: 2 / (i + o)),
    Record("xavier_uniform(gain=5/3)", ref.xavier_uniform, (("gain", 5 / 3),), "uniform",
           lambda i, o: (5 / 3) ** 2 * 2 / (i + o)),
    Record("xavier_normal", ref.xavier_normal, (), "normal", lambda i, o: 2 / (i + o)),
    Record("xavier_normal(gain=sqrt2)", ref.xavier_normal, (("gain", math.sqrt(2)),), "normal",
           lambda i, o: 4 / (i + o)),
    Record("he_uniform", ref.he_uniform, (), "uniform", lambda i, o: 2 / i),
    Record("he_normal", ref.he_normal, (), "normal", lambda i, o: 2 / i),
    Record("lecun_normal", ref.lecun_normal, (), "normal", lambda i, o: 1 / i),
]
each_record = pytest.mark.parametrize("record", RECORDS, ids=lambda record: record.name)

FAN_IN, FAN_OUT = 400, 500  # 200,000 draws


@each_record
@pytest.mark.parametrize("shape", [(1, 1), (3, 7), (7, 3), (64, 10)])
def test_weights_are_float64_of_shape_fan_in_by_fan_out(
    record: Record, shape: tuple[int, int]
) -> None:
    w = record(*shape, np.random.default_rng(0))
    assert type(w) is np.ndarray and w.dtype == np.float64 and w.shape == shape
    assert np.all(np.isfinite(w))


@each_record
def test_the_distribution_has_the_documented_variance_and_shape(record: Record) -> None:
    w = record(FAN_IN, FAN_OUT, np.random.default_rng(12345)).ravel()
    variance = record.variance(FAN_IN, FAN_OUT)
    std = math.sqrt(variance)
    n = w.size
    # Standard errors: mean std/sqrt(n); variance sqrt(2/n) (normal), sqrt(0.8/n) (uniform).
    assert abs(w.mean()) <= 6 * std / math.sqrt(n)
    assert abs(w.var() / variance - 1) <= 6 * math.sqrt(2 / n)
    if record.distribution == "uniform":
        limit = math.sqrt(3 * variance)
        assert np.abs(w).max() <= limit * (1 + 1e-12)
        assert np.abs(w).max() >= limit * (1 - 1e-3)
        assert abs(np.mean(np.abs(w) <= limit / 2) - 0.5) <= 0.01  # flat, not bell-shaped
    else:
        assert abs(np.mean(np.abs(w) <= std) - 0.6827) <= 0.01
        assert abs(np.mean(np.abs(w) <= 2 * std) - 0.9545) <= 0.005


@pytest.mark.parametrize(
    ("func", "limit"),
    [
        (lambda rng: ref.xavier_uniform(30, 70, rng), math.sqrt(6 / 100)),
        (lambda rng: ref.xavier_uniform(30, 70, rng, gain=2.0), 2 * math.sqrt(6 / 100)),
        (lambda rng: ref.he_uniform(30, 70, rng), math.sqrt(6 / 30)),
    ],
    ids=["xavier_uniform", "xavier_uniform(gain=2)", "he_uniform"],
)
def test_uniform_limits_are_the_formulas_of_the_spec(
    func: Callable[[np.random.Generator], np.ndarray], limit: float
) -> None:
    w = func(np.random.default_rng(1))
    assert np.abs(w).max() <= limit * (1 + 1e-15)
    assert np.abs(w).max() >= 0.95 * limit


def test_zeros_are_zeros_of_the_right_shape() -> None:
    w = ref.zeros(3, 5)
    assert w.dtype == np.float64 and w.shape == (3, 5) and not w.any()


@each_record
def test_the_same_seed_gives_the_same_weights_whatever_the_global_state(record: Record) -> None:
    np.random.seed(1)  # noqa: NPY002 - the global state must not matter
    first = record(20, 30, np.random.default_rng(7))
    np.random.seed(2)  # noqa: NPY002
    second = record(20, 30, np.random.default_rng(7))
    np.testing.assert_array_equal(first, second)


@each_record
def test_the_global_random_state_is_neither_used_nor_advanced(record: Record) -> None:
    np.random.seed(3)  # noqa: NPY002
    expected = np.random.random(4)  # noqa: NPY002
    np.random.seed(3)  # noqa: NPY002
    record(20, 30, np.random.default_rng(0))
    np.testing.assert_array_equal(np.random.random(4), expected)  # noqa: NPY002


@each_record
def test_every_draw_comes_from_the_generator(record: Record) -> None:
    rng = np.random.default_rng(5)
    first, second = record(10, 10, rng), record(10, 10, rng)
    assert not np.array_equal(first, second)  # the generator was advanced
    replay = np.random.default_rng(5)
    np.testing.assert_array_equal(record(10, 10, replay), first)


@pytest.mark.parametrize(
    ("nonlinearity", "param", "gain"),
    [
        ("linear", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / (1 + 0.2**2))),
        ("leaky_relu", 0, math.sqrt(2)),
        ("leaky_relu", 1, 1.0),
        ("selu", None, 3 / 4),
        ("tanh", 0.5, 5 / 3),  # param only matters for leaky_relu
    ],
)
def test_calculate_gain_follows_pytorch(
    nonlinearity: str, param: float | None, gain: float
) -> None:
    result = ref.calculate_gain(nonlinearity, param)
    assert isinstance(result, float)
    assert result == pytest.approx(gain, rel=1e-15)


@pytest.mark.parametrize("nonlinearity", ["softmax", "ReLU", "conv2d", "", "gelu"])
def test_calculate_gain_rejects_other_nonlinearities_naming_the_value(nonlinearity: str) -> None:
    with pytest.raises(ValueError, match=f"nonlinearity={nonlinearity!r}"):
        ref.calculate_gain(nonlinearity)


@pytest.mark.parametrize("param", [True, "0.2", [0.2]], ids=repr)
def test_calculate_gain_rejects_a_slope_that_is_not_a_number(param: Any) -> None:
    with pytest.raises(ValueError, match="param="):
        ref.calculate_gain("leaky_relu", param)


untyped: Any = ref  # the calls below are wrong on purpose; keep mypy out of them


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: untyped.he_normal(0, 3, np.random.default_rng()), ValueError, "fan_in=0"),
        (lambda: untyped.he_normal(3, -1, np.random.default_rng()), ValueError, "fan_out=-1"),
        (lambda: untyped.he_normal(2.5, 3, np.random.default_rng()), TypeError, "fan_in=2.5"),
        (lambda: untyped.zeros(True, 3), TypeError, "fan_in=True"),
        (lambda: untyped.he_normal(3, 3, None), TypeError, "rng=None"),
        (lambda: untyped.he_normal(3, 3, np.random.RandomState(0)), TypeError, "RandomState"),
        (lambda: untyped.variance_scaling(3, 3, np.random.default_rng(), 1.0, "fan", "normal"),
         ValueError, "mode='fan'"),
        (lambda: untyped.variance_scaling(3, 3, np.random.default_rng(), 1.0, "fan_in", "t"),
         ValueError, "distribution='t'"),
    ],
    ids=["fan_in 0", "fan_out -1", "fan_in float", "fan_in bool", "rng None", "RandomState",
         "mode", "distribution"],
)
def test_bad_arguments_are_rejected_with_a_message_naming_them(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_numpy_integer_fans_are_accepted() -> None:
    w = ref.lecun_normal(np.int64(4), np.int32(2), np.random.default_rng(0))
    assert w.shape == (4, 2)
