"""Initializers from the two primitive draws of a Generator."""

import math

import numpy as np


def _normal(rng, fan_in, fan_out, std):
    return std * rng.standard_normal((fan_in, fan_out))


def _uniform(rng, fan_in, fan_out, limit):
    # rng.random() is U[0, 1); 2r - 1 is U[-1, 1)
    return limit * (2.0 * rng.random((fan_in, fan_out)) - 1.0)


def zeros(fan_in, fan_out):
    return np.zeros((fan_in, fan_out))


def random_normal(fan_in, fan_out, rng, std=0.01):
    return _normal(rng, fan_in, fan_out, std)


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    return _uniform(rng, fan_in, fan_out, gain * math.sqrt(6 / (fan_in + fan_out)))


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return _normal(rng, fan_in, fan_out, gain * math.sqrt(2 / (fan_in + fan_out)))


def he_uniform(fan_in, fan_out, rng):
    return _uniform(rng, fan_in, fan_out, math.sqrt(6 / fan_in))


def he_normal(fan_in, fan_out, rng):
    return _normal(rng, fan_in, fan_out, math.sqrt(2 / fan_in))


def lecun_normal(fan_in, fan_out, rng):
    return _normal(rng, fan_in, fan_out, math.sqrt(1 / fan_in))


def _leaky_gain(param):
    slope = 0.01 if param is None else param
    if isinstance(slope, bool) or not isinstance(slope, (int, float)):
        raise ValueError(f"negative_slope {param!r} is not a valid number")
    return math.sqrt(2.0 / (1 + slope**2))


_GAINS = {
    "linear": lambda p: 1.0,
    "sigmoid": lambda p: 1.0,
    "tanh": lambda p: 5.0 / 3,
    "relu": lambda p: math.sqrt(2.0),
    "leaky_relu": _leaky_gain,
    "selu": lambda p: 3.0 / 4,
}


def calculate_gain(nonlinearity, param=None):
    try:
        gain = _GAINS[nonlinearity]
    except (KeyError, TypeError):
        raise ValueError(f"Unsupported nonlinearity {nonlinearity}") from None
    return gain(param)
