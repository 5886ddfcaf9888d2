"""Reference dead-ReLU diagnostics: the drop-in correct ``dead_relu.py``.

A network of ReLU layers: ``a_l = h_l @ weights[l] + biases[l]``,
``h_{l+1} = max(a_l, 0)``, ``h_0 = X``. A unit whose pre-activation ``a_l`` is <= 0
for every sample outputs 0 everywhere and receives no gradient: it is dead, and
gradient descent cannot revive it. A unit can be dead only because the units
feeding it are.

``X`` is pushed through the network ``batch_size`` rows at a time and only a count
per unit is kept, so memory does not grow with the number of samples. The
arithmetic is float64 whatever the input dtype. A pre-activation that is NaN is not
> 0, so it counts as inactive.

This file imports nothing but ``numpy``, so it also works copied alone into a
submission folder.

The same network with sigmoid or tanh layers fails the other way: a unit whose
pre-activation sits far out on the flat part of the curve passes almost no gradient.
:func:`saturated_fraction` measures how often that happens.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["dead_relu_mask", "relu_activity", "saturated_fraction"]

# Where a layer's units are counted: (pre-activations) -> (counted?, the layer's output).
Step = Callable[[NDArray[np.float64]], tuple[NDArray[np.bool_], NDArray[np.float64]]]


def relu_activity(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    batch_size: int = 1024,
) -> list[NDArray[np.float64]]:
    r"""For each layer and unit, the fraction of samples whose pre-activation is > 0.

    .. math:: \operatorname{activity}_{l,j} = \frac{1}{n}
              \bigl|\{\, i : (a_l)_{ij} > 0 \,\}\bigr|

    Returns one float64 array of shape ``(n_{l+1},)`` per layer.

    >>> weights = [np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]])]
    >>> biases = [np.array([0.0, 0.0]), np.array([-10.0])]
    >>> relu_activity(weights, biases, np.array([[-1.0], [1.0], [2.0], [3.0]]))
    [array([0.75, 0.25]), array([0.])]
    """
    counts, n_samples = _positive_counts(weights, biases, X, batch_size)
    return [count / n_samples for count in counts]


def dead_relu_mask(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    batch_size: int = 1024,
) -> list[NDArray[np.bool_]]:
    r"""For each layer and unit, True when its pre-activation is <= 0 for every sample.

    .. math:: \operatorname{dead}_{l,j} = \forall i:\ (a_l)_{ij} \le 0

    Returns one bool array of shape ``(n_{l+1},)`` per layer.

    >>> weights = [np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]])]
    >>> biases = [np.array([0.0, -5.0]), np.array([-10.0])]
    >>> dead_relu_mask(weights, biases, np.array([[-1.0], [1.0], [2.0], [3.0]]))
    [array([False,  True]), array([ True])]
    """
    counts, _ = _positive_counts(weights, biases, X, batch_size)
    return [count == 0 for count in counts]


def _relu_step(a: NDArray[np.float64]) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    return a > 0, np.maximum(a, 0.0)


def _positive_counts(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    batch_size: int,
) -> tuple[list[NDArray[np.int64]], int]:
    """Per layer, how many samples make each unit's pre-activation > 0; and n_samples."""
    return _counts(weights, biases, X, batch_size, _relu_step)


def _counts(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    batch_size: int,
    step: Step,
) -> tuple[list[NDArray[np.int64]], int]:
    """Per layer, for how many samples ``step`` counts each unit; and n_samples."""
    layers = _checked_layers(weights, biases)
    samples = np.asarray(X)  # no copy for an ndarray; batches are converted one by one
    if samples.ndim != 2 or samples.shape[0] < 1:
        raise ValueError(
            "Expected X of shape (n_samples, n_0) with n_samples >= 1 but got "
            f"X with shape {samples.shape}"
        )
    if layers and samples.shape[1] != layers[0][0].shape[0]:
        raise ValueError(
            f"Expected X with {layers[0][0].shape[0]} columns (weights[0] has shape "
            f"{layers[0][0].shape}) but got X with shape {samples.shape}"
        )
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(
            "Expected batch_size to be an integer >= 1 but got "
            f"batch_size={batch_size!r} (type={type(batch_size).__name__})"
        )
    if batch_size < 1:
        raise ValueError(
            "Expected batch_size to be an integer >= 1 but got "
            f"batch_size={batch_size!r} (type={type(batch_size).__name__})"
        )

    counts = [np.zeros(w.shape[1], dtype=np.int64) for w, _ in layers]
    n_samples = samples.shape[0]
    for start in range(0, n_samples, int(batch_size)):
        h = samples[start : start + int(batch_size)].astype(np.float64)
        for count, (w, b) in zip(counts, layers, strict=True):
            counted, h = step(h @ w + b)
            count += np.count_nonzero(counted, axis=0)
    return counts, n_samples


def saturated_fraction(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    nonlinearity: str = "sigmoid",
    threshold: float = 0.01,
    batch_size: int = 1024,
) -> list[NDArray[np.float64]]:
    r"""For each layer and unit, the fraction of samples where the unit is saturated:
    its derivative at the pre-activation is below ``threshold``.

    The network is that of :func:`relu_activity` with ``nonlinearity`` ("sigmoid" or
    "tanh") after every layer: ``a_l = h_l @ weights[l] + biases[l]``,
    ``h_{l+1} = f(a_l)``.

    .. math:: \operatorname{saturated}_{l,j} = \frac{1}{n}
              \bigl|\{\, i : f'((a_l)_{ij}) < \mathrm{threshold} \,\}\bigr|, \qquad
              \sigma' = \sigma(a)\,\sigma(-a), \quad 	anh' = 1/\cosh^2 a

    (the forms without the cancellation of :math:`1 - \sigma` or :math:`1 - 	anh^2`).
    Returns one float64 array of shape ``(n_{l+1},)`` per layer. A NaN pre-activation
    is not counted as saturated.

    >>> weights = [np.array([[1.0, 10.0]]), np.array([[1.0], [1.0]])]
    >>> biases = [np.array([0.0, 0.0]), np.array([0.0])]
    >>> X = np.array([[-1.0], [0.1], [2.0], [8.0]])
    >>> saturated_fraction(weights, biases, X)
    [array([0.25, 0.75]), array([0.])]
    >>> saturated_fraction(weights, biases, X, nonlinearity="tanh", threshold=0.1)
    [array([0.5 , 0.75]), array([0.5])]
    """
    if nonlinearity not in _SATURATING:
        raise ValueError(
            "Expected nonlinearity to be 'sigmoid' or 'tanh' but got "
            f"nonlinearity={nonlinearity!r} (type={type(nonlinearity).__name__})"
        )
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real):
        raise TypeError(
            "Expected threshold to be a real number but got "
            f"threshold={threshold!r} (type={type(threshold).__name__})"
        )
    function = _SATURATING[nonlinearity]
    limit = float(threshold)

    def step(a: NDArray[np.float64]) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
        h, slope = function(a)
        return slope < limit, h

    counts, n_samples = _counts(weights, biases, X, batch_size, step)
    return [count / n_samples for count in counts]


def _sigmoid_and_slope(
    a: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    e = np.exp(-np.abs(a))  # never overflows
    s = np.where(a >= 0, 1.0, e) / (1.0 + e)
    return s, e / (1.0 + e) ** 2  # sigma(a) sigma(-a)


def _tanh_and_slope(
    a: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    q = np.exp(-2.0 * np.minimum(np.abs(a), 400.0))  # sech**2 is 0 beyond |a| = 373
    return np.tanh(a), 4.0 * q / (1.0 + q) ** 2


_SATURATING: dict[
    str, Callable[[NDArray[np.float64]], tuple[NDArray[np.float64], NDArray[np.float64]]]
] = {"sigmoid": _sigmoid_and_slope, "tanh": _tanh_and_slope}


def _checked_layers(
    weights: Sequence[ArrayLike], biases: Sequence[ArrayLike]
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """The layers as float64 (weight, bias) pairs, after checking that the shapes chain."""
    if len(weights) != len(biases):
        raise ValueError(
            "Expected one bias per weight matrix but got "
            f"{len(weights)} weight matrices and {len(biases)} biases"
        )
    layers: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    for index, (weight, bias) in enumerate(zip(weights, biases, strict=True)):
        w = np.asarray(weight, dtype=np.float64)
        b = np.asarray(bias, dtype=np.float64)
        if w.ndim != 2:
            raise ValueError(
                f"Expected weights[{index}] to be 2-D (n_in, n_out) but got shape {w.shape}"
            )
        if b.shape != (w.shape[1],):
            raise ValueError(
                f"Expected biases[{index}] of shape ({w.shape[1]},) to match "
                f"weights[{index}] of shape {w.shape} but got shape {b.shape}"
            )
        if layers and layers[-1][0].shape[1] != w.shape[0]:
            raise ValueError(
                f"Expected weights[{index}] to have {layers[-1][0].shape[1]} rows "
                f"(weights[{index - 1}] has {layers[-1][0].shape[1]} columns) "
                f"but got shape {w.shape}"
            )
        layers.append((w, b))
    return layers
