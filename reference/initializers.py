"""Reference weight initializers: the drop-in correct ``initializers.py``.

Weights have shape ``(fan_in, fan_out)`` (a layer computes ``h @ W + b``) and are
float64. Every random initializer draws all its randomness from the
``numpy.random.Generator`` it is given, never from the global ``np.random`` state.

As in JAX, the named initializers are one-line specializations of
:func:`variance_scaling`: a zero-mean distribution whose variance is
``scale / n``, with ``n`` the fan-in, the fan-out or their average.

This file imports nothing but ``numpy`` and ``math``, so it also works copied alone
into a submission folder.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "activation_stats",
    "calculate_gain",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "random_normal",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

Mode = Literal["fan_in", "fan_out", "fan_avg"]
Distribution = Literal["normal", "uniform"]


def _check_fan(name: str, value: object) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"Expected {name} to be a positive integer but got {name}={value!r} "
            f"(type={type(value).__name__})"
        )
    if value < 1:
        raise ValueError(
            f"Expected {name} to be a positive integer but got {name}={value!r} "
            f"(type={type(value).__name__})"
        )
    return int(value)


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "Expected rng to be a numpy.random.Generator (np.random.default_rng(seed)) "
            f"but got rng={rng!r} (type={type(rng).__name__})"
        )
    return rng


def zeros(fan_in: int, fan_out: int) -> NDArray[np.float64]:
    """All-zero weights: every unit of the layer computes the same thing and receives
    the same gradient, so the symmetry never breaks.

    >>> zeros(2, 3)
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros((_check_fan("fan_in", fan_in), _check_fan("fan_out", fan_out)))


def random_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, std: float = 0.01
) -> NDArray[np.float64]:
    r"""Weights drawn from :math:`\mathcal N(0, \mathrm{std}^2)`, whatever the fans.

    >>> w = random_normal(300, 200, np.random.default_rng(0))
    >>> w.shape, w.dtype, bool(abs(w.std() - 0.01) < 1e-3)
    ((300, 200), dtype('float64'), True)
    """
    shape = (_check_fan("fan_in", fan_in), _check_fan("fan_out", fan_out))
    return _check_rng(rng).normal(0.0, std, size=shape)


def variance_scaling(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    scale: float,
    mode: Mode,
    distribution: Distribution,
) -> NDArray[np.float64]:
    r"""Zero-mean weights with variance ``scale / n``.

    .. math:: \operatorname{Var}(W_{ij}) = \frac{\mathrm{scale}}{n}, \qquad
              n = \begin{cases} \mathrm{fan\_in} & \text{mode "fan\_in"} \\
              \mathrm{fan\_out} & \text{mode "fan\_out"} \\
              (\mathrm{fan\_in} + \mathrm{fan\_out})/2 & \text{mode "fan\_avg"}
              \end{cases}

    ``distribution`` "normal" draws from :math:`\mathcal N(0, \mathrm{scale}/n)`;
    "uniform" from :math:`U(-a, a)` with :math:`a = \sqrt{3\,\mathrm{scale}/n}`
    (a uniform distribution on :math:`[-a, a]` has variance :math:`a^2/3`).

    >>> w = variance_scaling(400, 100, np.random.default_rng(0), 2.0, "fan_in", "uniform")
    >>> bool(np.abs(w).max() <= math.sqrt(6 / 400)), bool(abs(w.var() - 2 / 400) < 5e-4)
    (True, True)
    """
    shape = (_check_fan("fan_in", fan_in), _check_fan("fan_out", fan_out))
    generator = _check_rng(rng)
    fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
    if mode not in fans:
        raise ValueError(
            f"Expected mode to be 'fan_in', 'fan_out' or 'fan_avg' but got mode={mode!r} "
            f"(type={type(mode).__name__})"
        )
    variance = scale / fans[mode]
    if distribution == "normal":
        return generator.normal(0.0, math.sqrt(variance), size=shape)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * variance)
        return generator.uniform(-limit, limit, size=shape)
    raise ValueError(
        "Expected distribution to be 'normal' or 'uniform' but got "
        f"distribution={distribution!r} (type={type(distribution).__name__})"
    )


def xavier_uniform(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0
) -> NDArray[np.float64]:
    r"""Xavier/Glorot uniform: :math:`U(-a, a)`,
    :math:`a = \mathrm{gain} \sqrt{6 / (\mathrm{fan\_in} + \mathrm{fan\_out})}`.

    >>> w = xavier_uniform(100, 200, np.random.default_rng(0))
    >>> bool(np.abs(w).max() <= math.sqrt(6 / 300))
    True
    """
    return variance_scaling(fan_in, fan_out, rng, gain**2, "fan_avg", "uniform")


def xavier_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0
) -> NDArray[np.float64]:
    r"""Xavier/Glorot normal:
    :math:`\mathcal N(0, \mathrm{gain}^2 \cdot 2 / (\mathrm{fan\_in} + \mathrm{fan\_out}))`.

    >>> w = xavier_normal(100, 200, np.random.default_rng(0), gain=2.0)
    >>> bool(abs(w.var() - 4 * 2 / 300) < 1e-3)
    True
    """
    return variance_scaling(fan_in, fan_out, rng, gain**2, "fan_avg", "normal")


def he_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> NDArray[np.float64]:
    r"""He/Kaiming uniform: :math:`U(-a, a)`, :math:`a = \sqrt{6 / \mathrm{fan\_in}}`
    (twice the variance of LeCun: ReLU zeroes half its inputs).

    >>> w = he_uniform(100, 200, np.random.default_rng(0))
    >>> bool(np.abs(w).max() <= math.sqrt(6 / 100))
    True
    """
    return variance_scaling(fan_in, fan_out, rng, 2.0, "fan_in", "uniform")


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> NDArray[np.float64]:
    r"""He/Kaiming normal: :math:`\mathcal N(0, 2 / \mathrm{fan\_in})`.

    >>> w = he_normal(100, 200, np.random.default_rng(0))
    >>> bool(abs(w.var() - 2 / 100) < 2e-3)
    True
    """
    return variance_scaling(fan_in, fan_out, rng, 2.0, "fan_in", "normal")


def lecun_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> NDArray[np.float64]:
    r"""LeCun normal: :math:`\mathcal N(0, 1 / \mathrm{fan\_in})` (the one for SELU).

    >>> w = lecun_normal(100, 200, np.random.default_rng(0))
    >>> bool(abs(w.var() - 1 / 100) < 1e-3)
    True
    """
    return variance_scaling(fan_in, fan_out, rng, 1.0, "fan_in", "normal")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    ============ =========================================================
    linear       1
    sigmoid      1
    tanh         5/3
    relu         :math:`\sqrt{2}`
    leaky_relu   :math:`\sqrt{2 / (1 + \mathrm{slope}^2)}`, slope ``param``
                 (0.01 when ``None``)
    selu         3/4
    ============ =========================================================

    Anything else raises ``ValueError`` (SPEC keeps only these names; torch also
    accepts "conv1d" and the like as 1).

    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("leaky_relu", 0.2)
    1.3867504905630728
    """
    if nonlinearity in ("linear", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (bool, np.bool_)) or not isinstance(param, numbers.Real):
            raise ValueError(
                "Expected param (the negative slope of leaky_relu) to be a number but got "
                f"param={param!r} (type={type(param).__name__})"
            )
        else:
            slope = float(param)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        "Expected nonlinearity to be one of 'linear', 'sigmoid', 'tanh', 'relu', "
        f"'leaky_relu', 'selu' but got nonlinearity={nonlinearity!r} "
        f"(type={type(nonlinearity).__name__})"
    )



def _linear(h: NDArray[np.float64]) -> NDArray[np.float64]:
    return h


def _relu(h: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.maximum(h, 0.0)


def _sigmoid(h: NDArray[np.float64]) -> NDArray[np.float64]:
    e = np.exp(-np.abs(h))  # never overflows
    return np.where(h >= 0, 1.0, e) / (1.0 + e)


_NONLINEARITIES: dict[str, Callable[[NDArray[np.float64]], NDArray[np.float64]]] = {
    "tanh": np.tanh,
    "relu": _relu,
    "sigmoid": _sigmoid,
    "linear": _linear,
}
_STAT_INITS: dict[str, Callable[[int, int, np.random.Generator], NDArray[np.float64]]] = {
    "random_normal": random_normal,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_normal": lecun_normal,
}


def activation_stats(
    init: str,
    nonlinearity: str,
    depth: int,
    width: int,
    rng: np.random.Generator,
    samples: int = 1000,
) -> NDArray[np.float64]:
    r"""The lecture's depth experiment: the std of each layer's activations in a deep
    network of ``depth`` square layers of ``width`` units, without biases.

    .. math:: h_0 = X \sim \mathcal N(0, 1)^{\mathrm{samples} \times \mathrm{width}},
              \qquad h_{l+1} = f(h_l W_l), \qquad
              W_l = \mathrm{init}(\mathrm{width}, \mathrm{width}, \mathrm{rng})

    ``init`` names an initializer of this file ("random_normal" (std 0.01),
    "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal");
    ``nonlinearity`` is "tanh", "relu", "sigmoid" or "linear"; anything else raises
    ``ValueError``. ``X`` is drawn first, then each ``W_l`` in turn, all from ``rng``.
    Returns a float64 array of shape ``(depth,)``: the std of ``h_1, ..., h_depth``
    over all samples and units. With Xavier, tanh's std stays away from 0; with He,
    ReLU's stays in a stable band; with small random weights it collapses toward 0.

    >>> stds = activation_stats("random_normal", "tanh", 10, 100, np.random.default_rng(0))
    >>> stds.shape, bool(stds[-1] < 1e-8)
    ((10,), True)
    >>> stds = activation_stats("he_normal", "relu", 10, 100, np.random.default_rng(0))
    >>> bool(0.3 < stds[-1] < 3.0)
    True
    """
    if init not in _STAT_INITS:
        raise ValueError(
            f"Expected init to be one of {', '.join(map(repr, _STAT_INITS))} but got "
            f"init={init!r} (type={type(init).__name__})"
        )
    if nonlinearity not in _NONLINEARITIES:
        raise ValueError(
            f"Expected nonlinearity to be one of {', '.join(map(repr, _NONLINEARITIES))} "
            f"but got nonlinearity={nonlinearity!r} (type={type(nonlinearity).__name__})"
        )
    n_layers = _check_fan("depth", depth)
    n_units = _check_fan("width", width)
    n_samples = _check_fan("samples", samples)
    generator = _check_rng(rng)
    initializer, f = _STAT_INITS[init], _NONLINEARITIES[nonlinearity]
    h = generator.standard_normal((n_samples, n_units))
    stds = np.empty(n_layers)
    for layer in range(n_layers):
        h = f(h @ initializer(n_units, n_units, generator))
        stds[layer] = h.std()
    return stds
