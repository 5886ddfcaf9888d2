"""Derivatives built from the forward functions of activations.py."""

import math

import numpy as np
from scipy.special import ndtr

from activations import (
    SELU_ALPHA,
    SELU_LAMBDA,
    as_float,
    elu,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh_grad(x):
    t = tanh(x)
    return 1 - t * t


def relu_grad(x):
    # sign(relu(x)) is 1 where x > 0 and 0 elsewhere, including at the kink
    return np.sign(relu(x))


def leaky_relu_grad(x, alpha=0.01):
    x = as_float(x)
    return np.where(x > 0, 1, alpha).astype(x.dtype)


def elu_grad(x, alpha=1.0):
    # for x <= 0: d/dx alpha*(e^x - 1) = alpha*e^x = elu(x) + alpha
    x = as_float(x)
    return np.where(x > 0, 1, elu(x, alpha) + alpha).astype(x.dtype)


def selu_grad(x):
    return SELU_LAMBDA * elu_grad(x, SELU_ALPHA)


def gelu_grad(x, approximate=False):
    x = as_float(x)
    c = np.clip(x, -1000, 1000)  # keeps c**2, c**3 finite; beyond it the result is 0 or 1
    if not approximate:
        return ndtr(x) + c * np.exp(-0.5 * c * c) / math.sqrt(2 * math.pi)
    k = math.sqrt(2 / math.pi)
    t = np.tanh(k * (c + 0.044715 * c**3))
    return 0.5 * (1 + t) + 0.5 * c * (1 - t * t) * k * (1 + 3 * 0.044715 * c * c)


def softplus_grad(x):
    return sigmoid(x)


def swish_grad(x, beta=1.0):
    x = as_float(x)
    s = sigmoid(beta * x)
    return s * (1 + beta * x * (1 - s))


def mish_grad(x):
    x = as_float(x)
    t = tanh(softplus(x))
    return t + x * (1 - t * t) * sigmoid(x)


def softmax_vjp(x, upstream, axis=-1):
    x = as_float(x)
    s = softmax(x, axis)
    g = np.asarray(upstream, dtype=s.dtype)
    if x.ndim == 0:
        return np.zeros_like(s)
    return s * (g - (g * s).sum(axis=axis, keepdims=True))
