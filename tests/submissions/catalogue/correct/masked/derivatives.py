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


# --- the rest of the lecture's catalogue --------------------------------------------


def prelu_grad(x, weight, upstream):
    x = _prepare(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=float), x.shape)
    w = np.asarray(weight, dtype=float)
    if w.size > 1 and (x.ndim < 2 or x.shape[1] != w.size):
        raise ValueError("the number of slopes must be 1 or x.shape[1]")
    negative = x <= 0
    grad_x = np.array(g, dtype=x.dtype)
    contributions = np.zeros(x.shape)
    contributions[negative] = g[negative] * x[negative]
    if w.size == 1:
        grad_x[negative] *= w.item()
        grad_w = contributions.sum().reshape(w.shape)
    else:
        channel = np.broadcast_to(
            np.arange(w.size).reshape((1, -1) + (1,) * (x.ndim - 2)), x.shape)
        grad_x[negative] *= w[channel[negative]]
        grad_w = np.moveaxis(contributions, 1, 0).reshape(w.size, -1).sum(axis=1)
    return grad_x, grad_w


def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x = _prepare(x)
    out = np.zeros_like(x)
    out[(x > min_val) & (x < max_val)] = 1.0
    return out


def relu6_grad(x):
    x = _prepare(x)
    return np.logical_and(x > 0, x < 6).astype(x.dtype)


def hardsigmoid_grad(x):
    x = _prepare(x)
    out = np.zeros_like(x)
    out[(x > -3) & (x < 3)] = 1.0 / 6.0
    return out


def hardswish_grad(x):
    x = _prepare(x)
    out = np.zeros_like(x)
    middle = (x > -3) & (x < 3)
    out[middle] = x[middle] / 3.0 + 0.5
    out[x >= 3] = 1.0
    return out


def softsign_grad(x):
    x = _prepare(x)
    r = 1.0 / (1.0 + np.abs(x))
    return r * r


def celu_grad(x, alpha=1.0):
    x = _prepare(x)
    out = np.ones_like(x)
    neg = x <= 0
    out[neg] = np.exp(x[neg] / alpha)
    return out


def logsigmoid_grad(x):
    return sigmoid(-_prepare(x))


def log_softmax_vjp(x, upstream, axis=-1):
    x = _prepare(x)
    s = softmax(x, axis=axis)
    g = np.asarray(upstream, dtype=float)
    return (g - s * g.sum(axis=axis, keepdims=True)).astype(x.dtype)


def softshrink_grad(x, lambd=0.5):
    x = _prepare(x)
    out = np.zeros_like(x)
    out[(x > lambd) | (x < -lambd)] = 1.0
    return out
