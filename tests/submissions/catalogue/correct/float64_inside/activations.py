"""Activations computed in float64 and cast back to the caller's precision.

This file also collects variants that look suspicious but are correct:
sigmoid on an input clipped to [-500, 500] (exp(500) is finite in float64),
relu as x * (x > 0) (gives -0.0, which equals 0.0), tanh as 2 sigmoid(2x) - 1,
softplus with PyTorch's threshold of 20.
"""

import math

import numpy as np
from scipy.special import erfc

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def _work(x):
    """(float64 copy of x, dtype to return)."""
    x = np.asarray(x)
    out_dtype = np.float32 if x.dtype == np.float32 else np.float64
    return x.astype(np.float64), out_dtype


def _sigmoid64(z):
    z = np.clip(z, -500.0, 500.0)
    return 1.0 / (1.0 + np.exp(-z))


def _logistic64(z):
    """Exact-zero tails: used where the sigmoid is multiplied by a huge x.

    (x * sigmoid(x) with the clipped sigmoid gives -1e300 * 7e-218 = -7e82 at
    x = -1e300, so swish must not use _sigmoid64.)
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid(x):
    x, dt = _work(x)
    return _sigmoid64(x).astype(dt)


def tanh(x):
    x, dt = _work(x)
    return (2.0 * _sigmoid64(2.0 * x) - 1.0).astype(dt)


def relu(x):
    x, dt = _work(x)
    return (x * (x > 0)).astype(dt)


def leaky_relu(x, alpha=0.01):
    x, dt = _work(x)
    return (x * np.where(x > 0, 1.0, alpha)).astype(dt)


def elu(x, alpha=1.0):
    x, dt = _work(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0))).astype(dt)


def selu(x):
    x, dt = _work(x)
    return (SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))).astype(dt)


def gelu(x, approximate=False):
    x, dt = _work(x)
    if approximate:
        c = np.clip(x, -100.0, 100.0)
        t = np.tanh(math.sqrt(2.0 / math.pi) * (c + 0.044715 * c**3))
        return (0.5 * x * (1.0 + t)).astype(dt)
    return (0.5 * x * erfc(-x / math.sqrt(2.0))).astype(dt)


def softplus(x):
    # like torch.nn.functional.softplus: x itself above the threshold 20
    # (the error there, log1p(exp(-x)) < 2.1e-9, is below 1e-10 relative)
    x, dt = _work(x)
    small = np.minimum(x, 20.0)
    return np.where(x > 20.0, x, np.log1p(np.exp(small))).astype(dt)


def swish(x, beta=1.0):
    x, dt = _work(x)
    return (x * _logistic64(beta * x)).astype(dt)


def mish(x):
    x, dt = _work(x)
    sp = np.where(x > 20.0, x, np.log1p(np.exp(np.minimum(x, 20.0))))
    return (x * np.tanh(sp)).astype(dt)


def softmax(x, axis=-1):
    x, dt = _work(x)
    if x.ndim == 0:
        return np.ones_like(x, dtype=dt)
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=axis, keepdims=True)).astype(dt)


# --- the rest of the lecture's catalogue, in float64 and cast back ------------------


def _per_channel(x, weight):
    """The slope(s), indexed so that they line up with axis 1 of x."""
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim == 0 or w.size == 1:
        return float(w.reshape(-1)[0])
    if x.ndim < 2 or x.shape[1] != w.size:
        raise ValueError(f"prelu: {w.size} slopes for x of shape {x.shape}")
    return w[(slice(None),) + (np.newaxis,) * (x.ndim - 2)]


def prelu(x, weight):
    x, dt = _work(x)
    w = _per_channel(x, weight)
    return np.where(x > 0, x, x * w).astype(dt)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    x, dt = _work(x)
    return np.where(x < min_val, min_val, np.where(x > max_val, max_val, x)).astype(dt)


def relu6(x):
    x, dt = _work(x)
    return np.clip(x, 0.0, 6.0).astype(dt)


def hardsigmoid(x):
    x, dt = _work(x)
    return (np.minimum(np.maximum(x + 3.0, 0.0), 6.0) / 6.0).astype(dt)


def hardswish(x):
    x, dt = _work(x)
    return (x * (np.clip(x + 3.0, 0.0, 6.0) / 6.0)).astype(dt)


def softsign(x):
    x, dt = _work(x)
    return (x / (np.abs(x) + 1.0)).astype(dt)


def celu(x, alpha=1.0):
    x, dt = _work(x)
    negative = alpha * np.expm1(np.minimum(x, 0.0) / alpha)
    return np.where(x > 0, x, negative).astype(dt)


def logsigmoid(x):
    x, dt = _work(x)
    return (np.where(x < 0, x, 0.0) - np.log1p(np.exp(-np.abs(x)))).astype(dt)


def log_softmax(x, axis=-1):
    x, dt = _work(x)
    if x.ndim == 0:
        return np.zeros((), dtype=dt)
    z = x - x.max(axis=axis, keepdims=True)
    return (z - np.log(np.exp(z).sum(axis=axis, keepdims=True))).astype(dt)


def softshrink(x, lambd=0.5):
    # x - clip(x, -lambd, lambd); lambd rounded to the caller's precision first
    x, dt = _work(x)
    bound = float(np.asarray(lambd, dtype=dt))
    return (x - np.clip(x, -bound, bound)).astype(dt)
