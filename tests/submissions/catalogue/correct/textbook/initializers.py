"""Assignment 3 -- initializers, as one variance-scaling rule."""

from __future__ import annotations

import math

import numpy as np


def _variance_scaling(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    variance: float,
    distribution: str,
) -> np.ndarray:
    shape = (fan_in, fan_out)
    if distribution == "normal":
        return rng.normal(0.0, math.sqrt(variance), size=shape)
    # U(-a, a) has variance a^2 / 3
    limit = math.sqrt(3.0 * variance)
    return rng.uniform(-limit, limit, size=shape)


def zeros(fan_in: int, fan_out: int) -> np.ndarray:
    return np.zeros((fan_in, fan_out))


def random_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, std: float = 0.01
) -> np.ndarray:
    return _variance_scaling(fan_in, fan_out, rng, std**2, "normal")


def xavier_uniform(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0
) -> np.ndarray:
    return _variance_scaling(fan_in, fan_out, rng, gain**2 * 2.0 / (fan_in + fan_out), "uniform")


def xavier_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0
) -> np.ndarray:
    return _variance_scaling(fan_in, fan_out, rng, gain**2 * 2.0 / (fan_in + fan_out), "normal")


def he_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    return _variance_scaling(fan_in, fan_out, rng, 2.0 / fan_in, "uniform")


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    return _variance_scaling(fan_in, fan_out, rng, 2.0 / fan_in, "normal")


def lecun_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    return _variance_scaling(fan_in, fan_out, rng, 1.0 / fan_in, "normal")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    match nonlinearity:
        case "linear" | "sigmoid":
            return 1.0
        case "tanh":
            return 5.0 / 3.0
        case "relu":
            return math.sqrt(2.0)
        case "leaky_relu":
            if param is None:
                slope = 0.01
            elif isinstance(param, (int, float)) and not isinstance(param, bool):
                slope = float(param)
            else:
                raise ValueError(f"negative_slope {param} not a valid number")
            return math.sqrt(2.0 / (1.0 + slope * slope))
        case "selu":
            return 0.75
        case _:
            raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def activation_stats(
    init: str, nonlinearity: str, depth: int, width: int, rng: np.random.Generator,
    samples: int = 1000,
) -> np.ndarray:
    """The depth experiment: std of h_1, ..., h_depth with h_{l+1} = f(h_l W_l)."""
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in ("tanh", "relu", "sigmoid", "linear"):
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    h = rng.normal(0.0, 1.0, size=(samples, width))
    stds = np.zeros(depth)
    for layer in range(depth):
        a = h @ initializers[init](width, width, rng)
        if nonlinearity == "tanh":
            h = np.tanh(a)
        elif nonlinearity == "relu":
            h = np.maximum(a, 0.0)
        elif nonlinearity == "sigmoid":
            h = 1.0 / (1.0 + np.exp(-a))
        else:
            h = a
        stds[layer] = np.std(h)
    return stds
