"""relu_activity, dead_relu_mask and saturated_fraction on small hand-built networks."""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest

from reference import dead_relu_mask, relu_activity, saturated_fraction

BATCH_SIZES = [1, 2, 3, 4, 7, 9, 10, 11, 1024]


def _brute_force(
    weights: list[np.ndarray], biases: list[np.ndarray], X: np.ndarray
) -> list[np.ndarray]:
    """The pre-activations of every layer for all samples at once."""
    h, pre = np.asarray(X, dtype=np.float64), []
    for w, b in zip(weights, biases, strict=True):
        a = h @ w + b
        pre.append(a)
        h = np.maximum(a, 0.0)
    return pre


def _random_network(seed: int, sizes: list[int], n: int) -> tuple[list[Any], list[Any], Any]:
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 1, (a, b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    biases = [rng.normal(-0.5, 1.0, b) for b in sizes[1:]]
    return weights, biases, rng.normal(0, 1, (n, sizes[0]))


def test_a_large_negative_bias_kills_a_unit() -> None:
    weights, _, X = _random_network(0, [3, 4], 50)
    biases = [np.array([0.0, 0.0, -100.0, 0.0])]
    activity = relu_activity(weights, biases, X)
    dead = dead_relu_mask(weights, biases, X)
    pre = _brute_force(weights, biases, X)[0]
    np.testing.assert_array_equal(activity[0], np.mean(pre > 0, axis=0))
    np.testing.assert_array_equal(dead[0], np.all(pre <= 0, axis=0))
    assert dead[0][2] and activity[0][2] == 0.0
    assert dead[0].sum() == 1


def test_a_pre_activation_of_exactly_zero_everywhere_counts_as_dead() -> None:
    X = np.random.default_rng(1).normal(0, 1, (20, 2))
    weights = [np.array([[0.0, 1.0], [0.0, 1.0]])]
    biases = [np.array([0.0, 0.0])]
    assert dead_relu_mask(weights, biases, X)[0].tolist() == [True, False]
    assert relu_activity(weights, biases, X)[0][0] == 0.0


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_a_unit_active_only_on_the_last_sample_is_alive(batch_size: int) -> None:
    n = 10
    X = np.arange(n, dtype=np.float64).reshape(n, 1)  # 0, 1, ..., 9
    weights, biases = [np.array([[1.0, 1.0]])], [np.array([-8.5, -9.0])]
    activity = relu_activity(weights, biases, X, batch_size=batch_size)
    dead = dead_relu_mask(weights, biases, X, batch_size=batch_size)
    assert activity[0].tolist() == [1 / n, 0.0]  # 9 - 9 = 0 is not > 0
    assert dead[0].tolist() == [False, True]


def test_a_unit_fed_only_by_dead_units_is_dead_whatever_its_weights() -> None:
    X = np.random.default_rng(2).normal(0, 1, (30, 2))
    weights = [
        np.array([[1.0, 1.0], [1.0, 1.0]]),
        np.array([[100.0, 0.0], [0.0, 1.0]]),  # unit 0 sees only the dead unit 0
    ]
    biases = [np.array([-1e6, 10.0]), np.array([0.0, 0.0])]
    dead = dead_relu_mask(weights, biases, X)
    assert dead[0].tolist() == [True, False]
    assert dead[1].tolist() == [True, False]
    assert relu_activity(weights, biases, X)[1].tolist() == [0.0, 1.0]


def test_a_single_sample_is_enough() -> None:
    weights = [np.array([[2.0, -1.0, 0.0]])]
    biases = [np.array([0.0, 0.0, 0.5])]
    X = np.array([[1.5]])
    assert relu_activity(weights, biases, X)[0].tolist() == [1.0, 0.0, 1.0]
    assert dead_relu_mask(weights, biases, X)[0].tolist() == [False, True, False]


def test_results_are_one_float64_and_one_bool_array_per_layer() -> None:
    weights, biases, X = _random_network(3, [4, 6, 5, 2], 40)
    activity = relu_activity(weights, biases, X)
    dead = dead_relu_mask(weights, biases, X)
    assert isinstance(activity, list) and isinstance(dead, list)
    assert [a.shape for a in activity] == [(6,), (5,), (2,)] == [d.shape for d in dead]
    assert all(a.dtype == np.float64 for a in activity)
    assert all(d.dtype == np.bool_ for d in dead)


def test_the_result_does_not_depend_on_the_batch_size() -> None:
    weights, biases, X = _random_network(4, [5, 8, 8, 3], 103)
    pre = _brute_force(weights, biases, X)
    expected_activity = [np.mean(a > 0, axis=0) for a in pre]
    expected_dead = [np.all(a <= 0, axis=0) for a in pre]
    for batch_size in [*BATCH_SIZES, 50, 102, 103, 104]:
        activity = relu_activity(weights, biases, X, batch_size=batch_size)
        dead = dead_relu_mask(weights, biases, X, batch_size=batch_size)
        for got_activity, expected in zip(activity, expected_activity, strict=True):
            np.testing.assert_array_equal(got_activity, expected)
        for got_dead, expected_mask in zip(dead, expected_dead, strict=True):
            np.testing.assert_array_equal(got_dead, expected_mask)


def test_the_arguments_are_not_modified() -> None:
    weights, biases, X = _random_network(5, [3, 4, 2], 25)
    X[0] = -1e3  # negative values that a careless in-place ReLU would zero
    copies = ([w.copy() for w in weights], [b.copy() for b in biases], X.copy())
    for array in [*weights, *biases, X]:
        array.flags.writeable = False
    weight_list, bias_list = list(weights), list(biases)
    relu_activity(weights, biases, X, batch_size=4)
    dead_relu_mask(weights, biases, X, batch_size=4)
    assert weights == weight_list and biases == bias_list
    originals = [*copies[0], *copies[1], copies[2]]
    for array, original in zip([*weights, *biases, X], originals, strict=True):
        np.testing.assert_array_equal(array, original)


def test_lists_and_float32_inputs_work() -> None:
    weights = [[[1.0, -1.0]]]
    biases = [[0.0, 0.0]]
    X = np.array([[-1.0], [2.0], [3.0]], dtype=np.float32)
    assert relu_activity(weights, biases, X)[0].tolist() == [2 / 3, 1 / 3]
    assert dead_relu_mask(weights, biases, X.tolist())[0].tolist() == [False, False]


def test_memory_does_not_grow_with_the_number_of_samples() -> None:
    weights, biases, X = _random_network(6, [8, 64, 64], 20_000)
    tracemalloc.start()
    try:
        relu_activity(weights, biases, X, batch_size=1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One batch of pre-activations is 1000 * 64 * 8 bytes = 0.5 MB; all of them 10 MB.
    assert peak < 3_000_000


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"batch_size": 0}, ValueError, "batch_size=0"),
        ({"batch_size": -5}, ValueError, "batch_size=-5"),
        ({"batch_size": 2.5}, TypeError, "batch_size=2.5"),
        ({"batch_size": True}, TypeError, "batch_size=True"),
        ({"X": np.zeros((0, 2))}, ValueError, "n_samples >= 1"),
        ({"X": np.zeros(2)}, ValueError, "n_samples, n_0"),
        ({"X": np.zeros((3, 5))}, ValueError, "2 columns"),
        ({"biases": [np.zeros(3)]}, ValueError, "one bias per weight"),
        ({"biases": [np.zeros(3), np.zeros(2)]}, ValueError, r"biases\[0\] of shape \(4,\)"),
        ({"weights": [np.zeros((2, 4)), np.zeros((3, 2))]}, ValueError, r"weights\[1\] to have 4"),
    ],
    ids=["batch_size 0", "batch_size -5", "batch_size float", "batch_size bool", "no samples",
         "X 1-D", "X columns", "bias count", "bias shape", "weights chain"],
)
def test_bad_arguments_are_rejected_with_a_message_naming_them(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments: dict[str, Any] = {
        "weights": [np.zeros((2, 4)), np.zeros((4, 2))],
        "biases": [np.zeros(4), np.zeros(2)],
        "X": np.zeros((3, 2)),
    }
    arguments.update(kwargs)
    for function in (relu_activity, dead_relu_mask):
        with pytest.raises(error, match=message):
            function(**arguments)


# saturated_fraction: the same network with sigmoid or tanh layers.

SATURATING = {
    "sigmoid": (lambda a: 1 / (1 + np.exp(-a)),
                lambda a: np.exp(-np.abs(a)) / (1 + np.exp(-np.abs(a))) ** 2),
    "tanh": (np.tanh, lambda a: 1 / np.cosh(np.minimum(np.abs(a), 300.0)) ** 2),
}


def _brute_force_saturation(
    weights: list[np.ndarray], biases: list[np.ndarray], X: np.ndarray, nonlinearity: str,
    threshold: float,
) -> list[np.ndarray]:
    f, slope = SATURATING[nonlinearity]
    h, fractions = np.asarray(X, dtype=np.float64), []
    with np.errstate(over="ignore", under="ignore"):
        for w, b in zip(weights, biases, strict=True):
            a = h @ w + b
            fractions.append(np.mean(slope(a) < threshold, axis=0))
            h = f(a)
    return fractions


@pytest.mark.parametrize("nonlinearity", ["sigmoid", "tanh"])
@pytest.mark.parametrize("threshold", [0.01, 0.1, 1e-6])
def test_saturated_fraction_batched_equals_unbatched(nonlinearity: str, threshold: float) -> None:
    weights, biases, X = _random_network(7, [5, 8, 8, 3], 103)
    weights = [3.0 * w for w in weights]  # some units saturate, some do not
    expected = _brute_force_saturation(weights, biases, X, nonlinearity, threshold)
    whole = saturated_fraction(weights, biases, X, nonlinearity, threshold, batch_size=103)
    for got, want in zip(whole, expected, strict=True):
        np.testing.assert_array_equal(got, want)
    assert any(0 < value < 1 for layer in whole for value in layer)
    for batch_size in [*BATCH_SIZES, 50, 102, 104]:
        batched = saturated_fraction(weights, biases, X, nonlinearity, threshold,
                                     batch_size=batch_size)
        for got, want in zip(batched, whole, strict=True):
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("nonlinearity", ["sigmoid", "tanh"])
def test_a_network_with_huge_weights_is_saturated_and_one_with_tiny_weights_is_not(
    nonlinearity: str,
) -> None:
    rng = np.random.default_rng(8)
    X = rng.normal(0, 1, (500, 20))
    sizes = [20, 30, 30, 30]
    shapes = list(zip(sizes[:-1], sizes[1:], strict=True))
    biases = [np.zeros(b) for b in sizes[1:]]
    huge = [rng.normal(0, 50.0, s) for s in shapes]  # pre-activations of size ~200
    tiny = [rng.normal(0, 0.01, s) for s in shapes]
    saturated = saturated_fraction(huge, biases, X, nonlinearity)
    assert all(layer.mean() > 0.9 for layer in saturated), [layer.mean() for layer in saturated]
    assert all(not layer.any() for layer in saturated_fraction(tiny, biases, X, nonlinearity))


def test_a_big_bias_saturates_exactly_its_unit() -> None:
    X = np.random.default_rng(9).normal(0, 1, (100, 3))
    weights = [np.full((3, 4), 0.1)]
    biases = [np.array([0.0, 30.0, -30.0, 0.0])]
    for nonlinearity in ("sigmoid", "tanh"):
        got = saturated_fraction(weights, biases, X, nonlinearity)[0]
        assert got.tolist() == [0.0, 1.0, 1.0, 0.0]


def test_the_threshold_is_strict_and_the_derivative_is_the_nonlinearitys() -> None:
    X = np.array([[0.0]])
    weights, biases = [np.array([[1.0]])], [np.array([0.0])]
    # sigmoid'(0) = 0.25, tanh'(0) = 1: saturated only for a threshold above them
    assert saturated_fraction(weights, biases, X, "sigmoid", threshold=0.25)[0][0] == 0.0
    assert saturated_fraction(weights, biases, X, "sigmoid", threshold=0.26)[0][0] == 1.0
    assert saturated_fraction(weights, biases, X, "tanh", threshold=1.0)[0][0] == 0.0
    assert saturated_fraction(weights, biases, X, "tanh", threshold=1.01)[0][0] == 1.0


def test_saturated_fraction_keeps_its_arguments_and_returns_float64_per_layer() -> None:
    weights, biases, X = _random_network(10, [3, 4, 2], 25)
    copies = ([w.copy() for w in weights], [b.copy() for b in biases], X.copy())
    for array in [*weights, *biases, X]:
        array.flags.writeable = False
    with np.errstate(all="raise", under="ignore"):
        result = saturated_fraction(weights, biases, X * 1e300, "tanh", batch_size=4)
    assert [r.shape for r in result] == [(4,), (2,)]
    assert all(r.dtype == np.float64 for r in result)
    originals = [*copies[0], *copies[1], copies[2]]
    for array, original in zip([*weights, *biases, X], originals, strict=True):
        np.testing.assert_array_equal(array, original)


@pytest.mark.parametrize("nonlinearity", ["relu", "Sigmoid", "", "softmax"])
def test_saturated_fraction_rejects_other_nonlinearities_naming_the_value(
    nonlinearity: str,
) -> None:
    weights, biases, X = _random_network(11, [2, 3], 5)
    with pytest.raises(ValueError, match=f"nonlinearity={nonlinearity!r}"):
        saturated_fraction(weights, biases, X, nonlinearity)


def test_saturated_fraction_checks_the_network_as_relu_activity_does() -> None:
    with pytest.raises(ValueError, match="one bias per weight"):
        saturated_fraction([np.zeros((2, 3))], [], np.zeros((4, 2)))
    with pytest.raises(ValueError, match="batch_size=0"):
        saturated_fraction([np.zeros((2, 3))], [np.zeros(3)], np.zeros((4, 2)), batch_size=0)
    with pytest.raises(TypeError, match="threshold="):
        saturated_fraction([np.zeros((2, 3))], [np.zeros(3)], np.zeros((4, 2)), threshold="0.1")


def test_saturated_fraction_memory_does_not_grow_with_the_number_of_samples() -> None:
    weights, biases, X = _random_network(12, [8, 64, 64], 20_000)
    tracemalloc.start()
    try:
        saturated_fraction(weights, biases, X, "sigmoid", batch_size=1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000
