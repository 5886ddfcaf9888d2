"""Reference initializers: shapes, dtype, the variance-scaling formulas, randomness
drawn only from the given Generator, and calculate_gain as in PyTorch.

The statistical checks use 200,000 draws from fixed seeds, so they are deterministic;
their bounds are at least 6 standard errors wide.
"""

from __future__ import annotations

import functools
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


# activation_stats: the lecture's depth experiment, as statements about the distribution
# of its result over many seeds (not about one seed).

SEEDS = range(40)
DEPTH, WIDTH, SAMPLES = 50, 100, 100


@functools.cache
def _stds(init: str, nonlinearity: str) -> np.ndarray:
    """activation_stats for every seed: shape (len(SEEDS), DEPTH)."""
    return np.array([
        ref.activation_stats(init, nonlinearity, DEPTH, WIDTH, np.random.default_rng(seed),
                             samples=SAMPLES)
        for seed in SEEDS
    ])


@pytest.mark.parametrize("init", ["xavier_uniform", "xavier_normal"])
def test_xavier_keeps_tanh_alive_through_depth_50(init: str) -> None:
    stds = _stds(init, "tanh")
    # measured: about 0.09 at depth 50, never below 0.05 over 100 seeds
    assert stds.min() > 0.03
    assert 0.05 < np.median(stds[:, -1]) < 0.2
    # while small random weights kill it: its std is 1e-50 by then
    assert np.median(stds[:, -1]) > 1e40 * np.max(_stds("random_normal", "tanh")[:, -1])


@pytest.mark.parametrize("init", ["he_uniform", "he_normal"])
def test_he_keeps_relus_std_in_a_stable_band(init: str) -> None:
    stds = _stds(init, "relu")
    log_last = np.log10(stds[:, -1])
    # A random walk in log std: centred, its spread grows like sqrt(depth / width).
    assert np.all((stds > 0.02) & (stds < 20.0))
    assert -0.7 < np.median(log_last) < 0.3
    assert np.quantile(log_last, 0.9) - np.quantile(log_last, 0.1) < 1.5
    # the median over seeds hardly drifts between layer 10 and layer 50
    assert abs(np.log10(np.median(stds[:, -1]) / np.median(stds[:, 9]))) < 0.5


def test_xavier_lets_relus_std_collapse_where_he_does_not() -> None:
    xavier = np.median(_stds("xavier_normal", "relu")[:, -1])
    he = np.median(_stds("he_normal", "relu")[:, -1])
    assert xavier < 1e-5 < 0.1 < he  # Xavier halves the variance at every ReLU layer


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "linear"])
def test_small_random_normal_weights_collapse_toward_zero_with_depth(nonlinearity: str) -> None:
    stds = _stds("random_normal", nonlinearity)
    assert np.all(np.diff(stds, axis=1) < 0)  # every seed, every layer
    assert np.all(stds[:, -1] < 1e-30)
    # geometrically: each layer multiplies the std by about 0.01 * sqrt(width), and by
    # sqrt(1/2) more after a ReLU (E[relu(a)**2] = Var(a) / 2)
    ratio = np.median(stds[:, 11:] / stds[:, 10:-1])
    expected = 0.01 * math.sqrt(WIDTH) * (math.sqrt(0.5) if nonlinearity == "relu" else 1.0)
    assert abs(ratio / expected - 1) < 0.1, (ratio, expected)


@pytest.mark.parametrize("init", ["random_normal", "xavier_uniform", "xavier_normal",
                                  "he_uniform", "he_normal", "lecun_normal"])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "sigmoid", "linear"])
def test_activation_stats_is_one_float64_std_per_layer_and_reproducible(
    init: str, nonlinearity: str
) -> None:
    with np.errstate(all="raise", under="ignore"):
        stds = ref.activation_stats(init, nonlinearity, 7, 16, np.random.default_rng(3),
                                    samples=50)
    assert type(stds) is np.ndarray and stds.dtype == np.float64 and stds.shape == (7,)
    assert np.all(np.isfinite(stds)) and np.all(stds >= 0)
    again = ref.activation_stats(init, nonlinearity, 7, 16, np.random.default_rng(3), samples=50)
    np.testing.assert_array_equal(stds, again)


def test_activation_stats_is_the_documented_experiment() -> None:
    rng = np.random.default_rng(4)
    h = rng.standard_normal((30, 8))
    expected = []
    for _ in range(3):
        h = np.tanh(h @ ref.xavier_normal(8, 8, rng))
        expected.append(h.std())
    got = ref.activation_stats("xavier_normal", "tanh", 3, 8, np.random.default_rng(4), 30)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"init": "zeros"}, ValueError, "init='zeros'"),
        ({"init": "kaiming"}, ValueError, "init='kaiming'"),
        ({"nonlinearity": "selu"}, ValueError, "nonlinearity='selu'"),
        ({"nonlinearity": "Tanh"}, ValueError, "nonlinearity='Tanh'"),
        ({"depth": 0}, ValueError, "depth=0"),
        ({"width": 2.5}, TypeError, "width=2.5"),
        ({"samples": -1}, ValueError, "samples=-1"),
        ({"rng": 0}, TypeError, "rng=0"),
    ],
    ids=["init zeros", "init unknown", "nonlinearity selu", "nonlinearity case", "depth 0",
         "width float", "samples negative", "rng int"],
)
def test_activation_stats_rejects_bad_arguments_naming_them(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments: dict[str, Any] = {"init": "he_normal", "nonlinearity": "relu", "depth": 3,
                                 "width": 4, "rng": np.random.default_rng(0), "samples": 10}
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        untyped.activation_stats(**arguments)
