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


# --- the rest of the lecture's catalogue --------------------------------------------


def _slopes(x, weight):
    w = np.asarray(weight, dtype=float)
    if w.size == 1:
        return w.item()
    if x.ndim < 2 or x.shape[1] != w.size:
        raise ValueError("the number of slopes must be 1 or x.shape[1]")
    return np.expand_dims(w.ravel(), axis=tuple(range(1, x.ndim - 1)))


def prelu(x, weight):
    # max(x, 0) + w * min(x, 0): right for any slope, negative ones too
    x = _prepare(x)
    w = _slopes(x, weight)
    out = np.maximum(x, 0.0) + w * np.minimum(x, 0.0)
    return out.astype(x.dtype, copy=False)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    x = _prepare(x)
    out = x.copy()
    out[x < min_val] = min_val
    out[x > max_val] = max_val
    return out


def relu6(x):
    x = _prepare(x)
    out = x.copy()
    out[x < 0] = 0.0
    out[x > 6] = 6.0
    return out


def hardsigmoid(x):
    x = _prepare(x)
    out = np.zeros_like(x)
    middle = (x > -3) & (x < 3)
    out[middle] = (x[middle] + 3.0) / 6.0
    out[x >= 3] = 1.0
    return out


def hardswish(x):
    x = _prepare(x)
    out = x.copy()
    out[x <= -3] = 0.0
    middle = (x > -3) & (x < 3)
    out[middle] = x[middle] * (x[middle] + 3.0) / 6.0
    return out


def softsign(x):
    # x / (1 + x) for x >= 0 and x / (1 - x) for x < 0
    x = _prepare(x)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = x[pos] / (1.0 + x[pos])
    out[~pos] = x[~pos] / (1.0 - x[~pos])
    return out


def celu(x, alpha=1.0):
    x = _prepare(x)
    out = x.copy()
    neg = x <= 0
    out[neg] = alpha * np.expm1(x[neg] / alpha)
    return out


def logsigmoid(x):
    x = _prepare(x)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = -np.log1p(np.exp(-x[pos]))
    out[~pos] = x[~pos] - np.log1p(np.exp(x[~pos]))
    return out


def log_softmax(x, axis=-1):
    x = _prepare(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    moved = np.moveaxis(x, axis, -1)
    shifted = moved - moved.max(axis=-1)[..., None]
    out = shifted - np.log(np.exp(shifted).sum(axis=-1))[..., None]
    return np.moveaxis(out, -1, axis)


def softshrink(x, lambd=0.5):
    x = _prepare(x)
    out = np.zeros_like(x)
    above, below = x > lambd, x < -lambd
    out[above] = x[above] - lambd
    out[below] = x[below] + lambd
    return out
