"""Derivatives computed in float64 and cast back; a few accepted variants:
relu_grad as np.heaviside(x, 0), sigmoid_grad as s * (1 - s) of a clipped sigmoid,
leaky_relu_grad as a weighted heaviside."""

import math

import numpy as np
from scipy.special import ndtr

from activations import SELU_ALPHA, SELU_LAMBDA, _logistic64, _sigmoid64, _work, softmax


def sigmoid_grad(x):
    x, dt = _work(x)
    s = _sigmoid64(x)
    return (s * (1.0 - s)).astype(dt)


def tanh_grad(x):
    x, dt = _work(x)
    return (1.0 - np.tanh(x) ** 2).astype(dt)


def relu_grad(x):
    x, dt = _work(x)
    return np.heaviside(x, 0.0).astype(dt)


def leaky_relu_grad(x, alpha=0.01):
    x, dt = _work(x)
    step = np.heaviside(x, 0.0)
    return (step + alpha * (1.0 - step)).astype(dt)


def elu_grad(x, alpha=1.0):
    x, dt = _work(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))).astype(dt)


def selu_grad(x):
    x, dt = _work(x)
    return (SELU_LAMBDA * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0)))).astype(dt)


def gelu_grad(x, approximate=False):
    x, dt = _work(x)
    c = np.clip(x, -100.0, 100.0)
    if not approximate:
        return (ndtr(x) + c * np.exp(-0.5 * c**2) / math.sqrt(2.0 * math.pi)).astype(dt)
    k = math.sqrt(2.0 / math.pi)
    t = np.tanh(k * (c + 0.044715 * c**3))
    return (0.5 * (1.0 + t) + 0.5 * c * (1.0 - t**2) * k * (1.0 + 0.134145 * c**2)).astype(dt)


def softplus_grad(x):
    x, dt = _work(x)
    return _sigmoid64(x).astype(dt)


def swish_grad(x, beta=1.0):
    x, dt = _work(x)
    s = _logistic64(beta * x)
    return (s * (1.0 + beta * x * (1.0 - s))).astype(dt)


def mish_grad(x):
    x, dt = _work(x)
    sp = np.where(x > 20.0, x, np.log1p(np.exp(np.minimum(x, 20.0))))
    t = np.tanh(sp)
    return (t + x * (1.0 - t**2) * _logistic64(x)).astype(dt)


def softmax_vjp(x, upstream, axis=-1):
    x, dt = _work(x)
    g = np.asarray(upstream, dtype=np.float64)
    s = softmax(x, axis=axis)
    if x.ndim == 0:
        return np.zeros_like(x, dtype=dt)
    return (s * g - s * np.sum(s * g, axis=axis, keepdims=True)).astype(dt)


# --- the rest of the lecture's catalogue, in float64 and cast back ------------------


def prelu_grad(x, weight, upstream):
    x, dt = _work(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    negative = np.where(x > 0, 0.0, x)
    if w.size == 1:
        slope = np.where(x > 0, 1.0, w.reshape(-1)[0])
        grad_w = np.array(np.vdot(g, negative)).reshape(w.shape)
    else:
        if x.ndim < 2 or x.shape[1] != w.size:
            raise ValueError(f"prelu_grad: {w.size} slopes for x of shape {x.shape}")
        lined_up = w[(slice(None),) + (np.newaxis,) * (x.ndim - 2)]
        slope = np.where(x > 0, 1.0, lined_up)
        other = tuple(axis for axis in range(x.ndim) if axis != 1)
        grad_w = (g * negative).sum(axis=other)
    return (g * slope).astype(dt), grad_w.astype(dt)


def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x, dt = _work(x)
    return (np.heaviside(x - min_val, 0.0) * np.heaviside(max_val - x, 0.0)).astype(dt)


def relu6_grad(x):
    x, dt = _work(x)
    return (np.heaviside(x, 0.0) * np.heaviside(6.0 - x, 0.0)).astype(dt)


def hardsigmoid_grad(x):
    x, dt = _work(x)
    return ((np.abs(x) < 3.0) / 6.0).astype(dt)


def hardswish_grad(x):
    x, dt = _work(x)
    outer = (x >= 3.0).astype(np.float64)
    return np.where(np.abs(x) < 3.0, x / 3.0 + 0.5, outer).astype(dt)


def softsign_grad(x):
    x, dt = _work(x)
    return np.square(1.0 / (1.0 + np.abs(x))).astype(dt)


def celu_grad(x, alpha=1.0):
    # exp(min(x, 0) / alpha) is exp(0) = 1 for x > 0
    x, dt = _work(x)
    return np.exp(np.minimum(x, 0.0) / alpha).astype(dt)


def logsigmoid_grad(x):
    x, dt = _work(x)
    return _logistic64(-x).astype(dt)


def log_softmax_vjp(x, upstream, axis=-1):
    x, dt = _work(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    if x.ndim == 0:
        return np.zeros((), dtype=dt)
    s = softmax(x, axis=axis)
    return (g - s * g.sum(axis=axis, keepdims=True)).astype(dt)


def softshrink_grad(x, lambd=0.5):
    x, dt = _work(x)
    bound = float(np.asarray(lambd, dtype=dt))
    return (np.abs(x) > bound).astype(dt)
