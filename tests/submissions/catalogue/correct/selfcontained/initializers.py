"""Initializers, one explicit formula per function."""

import math

import numpy as np


def zeros(fan_in, fan_out):
    return np.zeros((fan_in, fan_out), dtype=np.float64)


def random_normal(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    limit = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng):
    limit = math.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    std = math.sqrt(2.0 / fan_in)
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng):
    std = math.sqrt(1.0 / fan_in)
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def calculate_gain(nonlinearity, param=None):
    if nonlinearity in ("linear", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative slope {param!r} is not a number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    f = nonlinearities[nonlinearity]
    h = rng.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        h = f(h @ initializers[init](width, width, rng))
        stds.append(h.std())
    return np.array(stds)
