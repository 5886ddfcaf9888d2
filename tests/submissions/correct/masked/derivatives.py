"""Derivatives by masked assignment; the stable sigmoid, softplus and softmax
come from activations.py."""

import math

import numpy as np
from scipy.special import erfc

from activations import ALPHA, LAMBDA, sigmoid, softmax, softplus

INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _prepare(x):
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = np.asarray(x, dtype=float)
    return x


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_grad(x):
    x = _prepare(x)
    out = np.zeros_like(x)
    keep = np.abs(x) < 30  # beyond, 1 - tanh^2 < 4e-26
    out[keep] = 1.0 - np.tanh(x[keep]) ** 2
    return out


def relu_grad(x):
    x = _prepare(x)
    out = np.zeros_like(x)
    out[x > 0] = 1.0
    return out


def leaky_relu_grad(x, alpha=0.01):
    x = _prepare(x)
    out = np.full_like(x, alpha)
    out[x > 0] = 1.0
    return out


def elu_grad(x, alpha=1.0):
    x = _prepare(x)
    out = np.ones_like(x)
    neg = x <= 0
    out[neg] = alpha * np.exp(x[neg])
    return out


def selu_grad(x):
    x = _prepare(x)
    out = np.full_like(x, LAMBDA)
    neg = x <= 0
    out[neg] = LAMBDA * ALPHA * np.exp(x[neg])
    return out


def gelu_grad(x, approximate=False):
    x = _prepare(x)
    if not approximate:
        out = np.array(0.5 * erfc(-x / math.sqrt(2.0)))  # a real array, even for 0-d x
        mid = np.abs(x) < 40
        v = x[mid]
        out[mid] += v * np.exp(-0.5 * v * v) * INV_SQRT_2PI
        return out
    out = np.where(x > 0, 1.0, 0.0).astype(x.dtype)
    mid = np.abs(x) < 20
    v = x[mid]
    k = math.sqrt(2.0 / math.pi)
    t = np.tanh(k * (v + 0.044715 * v**3))
    out[mid] = 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * v * v)
    return out


def softplus_grad(x):
    return sigmoid(x)


def swish_grad(x, beta=1.0):
    x = _prepare(x)
    s = sigmoid(beta * x)
    return s + beta * x * s * (1.0 - s)


def mish_grad(x):
    x = _prepare(x)
    t = np.tanh(softplus(x))
    return t + x * (1.0 - t * t) * sigmoid(x)


def softmax_vjp(x, upstream, axis=-1):
    x = _prepare(x)
    s = softmax(x, axis=axis)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(s)
    dot = np.sum(s * g, axis=axis, keepdims=True)
    return (s * (g - dot)).astype(x.dtype)
