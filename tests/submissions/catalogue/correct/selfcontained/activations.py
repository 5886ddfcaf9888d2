"""Activations, self-contained style: each function stands on its own.

Only two tiny private helpers are shared (the dtype rule and a stable logistic);
nothing here is imported by derivatives.py.
"""

import math

import numpy as np
from scipy.special import erfc

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU_CUBIC = 0.044715


def _float_array(x):
    """float32 stays float32, anything else becomes float64 (a new array)."""
    x = np.asarray(x)
    if x.dtype == np.float32:
        return x
    return x.astype(np.float64)


def _logistic(z):
    """1 / (1 + exp(-z)) where exp only ever sees arguments <= 0."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid(x):
    x = _float_array(x)
    return _logistic(x)


def tanh(x):
    return np.tanh(_float_array(x))


def relu(x):
    x = _float_array(x)
    return np.where(x > 0, x, 0.0)


def leaky_relu(x, alpha=0.01):
    x = _float_array(x)
    return np.where(x > 0, x, alpha * x).astype(x.dtype, copy=False)


def elu(x, alpha=1.0):
    x = _float_array(x)
    negative_part = alpha * np.expm1(np.minimum(x, 0.0))
    return np.where(x > 0, x, negative_part).astype(x.dtype, copy=False)


def selu(x):
    x = _float_array(x)
    negative_part = SELU_ALPHA * np.expm1(np.minimum(x, 0.0))
    return SELU_LAMBDA * np.where(x > 0, x, negative_part)


def gelu(x, approximate=False):
    x = _float_array(x)
    if not approximate:
        # Phi(x) = erfc(-x / sqrt(2)) / 2 keeps its relative accuracy for x << 0
        return x * (0.5 * erfc(-x / math.sqrt(2.0)))
    # Beyond |x| = 1e6 the tanh is exactly +-1 anyway; limiting x keeps x**3 finite.
    xc = np.clip(x, -1e6, 1e6)
    u = SQRT_2_OVER_PI * (xc + GELU_CUBIC * xc**3)
    # 0.5 * (1 + tanh(u)) == logistic(2u)
    return x * _logistic(2.0 * u)


def softplus(x):
    x = _float_array(x)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def swish(x, beta=1.0):
    x = _float_array(x)
    return x * _logistic(beta * x)


def mish(x):
    x = _float_array(x)
    sp = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return x * np.tanh(sp)


def softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


# --- the rest of the lecture's catalogue --------------------------------------------


def _channel_weight(x, weight):
    """The slope(s) as float64, shaped to broadcast along the channel axis 1."""
    w = np.asarray(weight, dtype=np.float64)
    if w.size <= 1:
        return w.reshape(())
    if x.ndim < 2 or x.shape[1] != w.size:
        raise ValueError(f"{w.size} slopes do not fit x of shape {x.shape} (channel axis 1)")
    return w.reshape((-1,) + (1,) * (x.ndim - 2))


def prelu(x, weight):
    x = _float_array(x)
    w = _channel_weight(x, weight)
    return np.where(x > 0, x, w * x).astype(x.dtype, copy=False)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    return np.clip(_float_array(x), min_val, max_val)


def relu6(x):
    return np.clip(_float_array(x), 0.0, 6.0)


def hardsigmoid(x):
    x = _float_array(x)
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def hardswish(x):
    x = _float_array(x)
    return x * np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def softsign(x):
    x = _float_array(x)
    return x / (1.0 + np.abs(x))


def celu(x, alpha=1.0):
    x = _float_array(x)
    return np.maximum(x, 0.0) + np.minimum(0.0, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


def logsigmoid(x):
    # log(sigmoid(x)) = -log(1 + exp(-x)) = -logaddexp(0, -x)
    return -np.logaddexp(0.0, -_float_array(x))


def log_softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softshrink(x, lambd=0.5):
    x = _float_array(x)
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0)).astype(x.dtype)
