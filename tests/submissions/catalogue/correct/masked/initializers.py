"""Initializers with rng.normal / rng.uniform and explicit sizes."""

import math

import numpy as np


def zeros(fan_in, fan_out):
    return np.zeros(shape=(fan_in, fan_out), dtype=float)


def random_normal(fan_in, fan_out, rng, std=0.01):
    return rng.normal(loc=0.0, scale=std, size=(fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(low=-a, high=a, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    variance = gain**2 * 2.0 / (fan_in + fan_out)
    return rng.normal(loc=0.0, scale=math.sqrt(variance), size=(fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng):
    a = math.sqrt(6.0 / fan_in)
    return rng.uniform(low=-a, high=a, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    variance = 2.0 / fan_in
    return rng.normal(loc=0.0, scale=math.sqrt(variance), size=(fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng):
    variance = 1.0 / fan_in
    return rng.normal(loc=0.0, scale=math.sqrt(variance), size=(fan_in, fan_out))


def calculate_gain(nonlinearity, param=None):
    linear_like = ["linear", "sigmoid"]
    if nonlinearity in linear_like:
        gain = 1.0
    elif nonlinearity == "tanh":
        gain = 5.0 / 3.0
    elif nonlinearity == "relu":
        gain = math.sqrt(2.0)
    elif nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            negative_slope = param
        else:
            raise ValueError("negative_slope " + repr(param) + " not a valid number")
        gain = math.sqrt(2.0 / (1 + negative_slope**2))
    elif nonlinearity == "selu":
        gain = 3.0 / 4
    else:
        raise ValueError("Unsupported nonlinearity " + repr(nonlinearity))
    return gain


def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    if init == "random_normal":
        make = random_normal
    elif init == "xavier_uniform":
        make = xavier_uniform
    elif init == "xavier_normal":
        make = xavier_normal
    elif init == "he_uniform":
        make = he_uniform
    elif init == "he_normal":
        make = he_normal
    elif init == "lecun_normal":
        make = lecun_normal
    else:
        raise ValueError("unknown init " + repr(init))
    if nonlinearity not in ["tanh", "relu", "sigmoid", "linear"]:
        raise ValueError("unknown nonlinearity " + repr(nonlinearity))
    h = rng.standard_normal(size=(samples, width))
    result = np.empty(depth)
    for layer in range(depth):
        a = np.dot(h, make(width, width, rng))
        if nonlinearity == "tanh":
            h = np.tanh(a)
        elif nonlinearity == "relu":
            h = a * (a > 0)
        elif nonlinearity == "sigmoid":
            h = np.exp(-np.logaddexp(0.0, -a))
        else:
            h = a
        result[layer] = h.std()
    return result
