"""Activations by masked assignment: compute each branch only where it applies."""

import math

import numpy as np
from scipy.special import erfc

LAMBDA = 1.0507009873554804934193349852946
ALPHA = 1.6732632423543772848170429916717


def _prepare(x):
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = np.asarray(x, dtype=float)
    return x


def sigmoid(x):
    x = _prepare(x)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ez = np.exp(x[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def tanh(x):
    # tanh|x| = -expm1(-2|x|) / (2 + expm1(-2|x|)); from |x| = 20 on it is 1.0 exactly
    x = _prepare(x)
    out = np.where(x < 0, -1.0, 1.0).astype(x.dtype)
    mid = np.abs(x) < 20
    m = np.expm1(-2.0 * np.abs(x[mid]))
    out[mid] = np.copysign(-m / (2.0 + m), x[mid])
    return out


def relu(x):
    x = _prepare(x)
    out = x.copy()
    out[x < 0] = 0
    return out


def leaky_relu(x, alpha=0.01):
    x = _prepare(x)
    out = x.copy()
    neg = x <= 0
    out[neg] = alpha * x[neg]
    return out


def elu(x, alpha=1.0):
    x = _prepare(x)
    return np.piecewise(x, [x > 0], [lambda v: v, lambda v: alpha * np.expm1(v)])


def selu(x):
    x = _prepare(x)
    return np.piecewise(x, [x > 0], [lambda v: LAMBDA * v, lambda v: LAMBDA * ALPHA * np.expm1(v)])


def gelu(x, approximate=False):
    x = _prepare(x)
    if not approximate:
        return 0.5 * x * erfc(-x / math.sqrt(2.0))
    out = np.where(x > 0, x, 0.0)  # the value once tanh has saturated
    mid = np.abs(x) < 20
    v = x[mid]
    u = math.sqrt(2.0 / math.pi) * (v + 0.044715 * v**3)
    out[mid] = 0.5 * v * (1.0 + np.tanh(u))
    return out


def softplus(x):
    x = _prepare(x)
    out = np.empty_like(x)
    pos = x > 0
    out[pos] = x[pos] + np.log1p(np.exp(-x[pos]))
    out[~pos] = np.log1p(np.exp(x[~pos]))
    return out


def swish(x, beta=1.0):
    x = _prepare(x)
    return x * sigmoid(beta * x)


def mish(x):
    x = _prepare(x)
    return x * np.tanh(softplus(x))


def softmax(x, axis=-1):
    x = _prepare(x)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
