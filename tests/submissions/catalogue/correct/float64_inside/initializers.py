"""Initializers with keyword-only calls and a unit draw scaled afterwards."""

import math

import numpy as np


def zeros(fan_in, fan_out):
    return np.zeros([fan_in, fan_out])


def random_normal(fan_in, fan_out, rng, std=0.01):
    return rng.standard_normal(size=(fan_in, fan_out)) * std


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-1.0, 1.0, size=(fan_in, fan_out)) * bound


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(size=(fan_in, fan_out), scale=gain * math.sqrt(2.0 / (fan_in + fan_out)))


def he_uniform(fan_in, fan_out, rng):
    bound = math.sqrt(3.0) * math.sqrt(2.0 / fan_in)
    return rng.uniform(-1.0, 1.0, size=(fan_in, fan_out)) * bound


def he_normal(fan_in, fan_out, rng):
    return rng.normal(scale=math.sqrt(2.0) / math.sqrt(fan_in), size=(fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng):
    return rng.normal(scale=1.0 / math.sqrt(fan_in), size=(fan_in, fan_out))


def calculate_gain(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {slope!r} not a valid number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 0.75}
    if not isinstance(nonlinearity, str) or nonlinearity not in gains:
        raise ValueError(f"Unsupported nonlinearity {nonlinearity}")
    return gains[nonlinearity]


_STATS_INITS = ("random_normal", "xavier_uniform", "xavier_normal", "he_uniform",
                "he_normal", "lecun_normal")


def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    if init not in _STATS_INITS:
        raise ValueError(f"activation_stats: unknown init {init!r}")
    make = globals()[init]
    f = {"tanh": np.tanh, "relu": lambda a: np.where(a > 0, a, 0.0),
         "sigmoid": lambda a: np.exp(np.minimum(a, 0.0)) / (1.0 + np.exp(-np.abs(a))),
         "linear": np.asarray}.get(nonlinearity)
    if f is None:
        raise ValueError(f"activation_stats: unknown nonlinearity {nonlinearity!r}")
    layers = []
    h = rng.standard_normal(size=(samples, width))
    for _ in range(depth):
        h = f(h @ make(width, width, rng))
        layers.append(float(np.std(h)))
    return np.asarray(layers, dtype=np.float64)
