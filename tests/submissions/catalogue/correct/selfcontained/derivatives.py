"""Derivatives, self-contained: nothing is imported from activations.py.

Every formula is written so that exp only sees non-positive arguments:
with e = exp(-|x|), sigmoid'(x) = e / (1 + e)**2 for either sign of x.
"""

import math

import numpy as np
from scipy.special import erfc

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
GELU_CUBIC = 0.044715


def _float_array(x):
    x = np.asarray(x)
    if x.dtype == np.float32:
        return x
    return x.astype(np.float64)


def _logistic(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sech2(u):
    """1 / cosh(u)**2 = (2 q / (1 + q**2))**2 with q = exp(-|u|) in (0, 1]: never overflows."""
    q = np.exp(-np.abs(u))
    return (2.0 * q / (1.0 + q * q)) ** 2


def sigmoid_grad(x):
    x = _float_array(x)
    e = np.exp(-np.abs(x))
    return e / (1.0 + e) ** 2


def tanh_grad(x):
    return _sech2(_float_array(x))


def relu_grad(x):
    x = _float_array(x)
    return (x > 0).astype(x.dtype)


def leaky_relu_grad(x, alpha=0.01):
    x = _float_array(x)
    return np.where(x > 0, 1.0, alpha).astype(x.dtype)


def elu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))).astype(x.dtype)


def selu_grad(x):
    x = _float_array(x)
    left = SELU_LAMBDA * SELU_ALPHA * np.exp(np.minimum(x, 0.0))
    return np.where(x > 0, SELU_LAMBDA, left).astype(x.dtype)


def gelu_grad(x, approximate=False):
    x = _float_array(x)
    if not approximate:
        cdf = 0.5 * erfc(-x / math.sqrt(2.0))
        # phi(40) = 1e-348 is already 0 in float64, so limiting x loses nothing
        xc = np.clip(x, -40.0, 40.0)
        return cdf + xc * (INV_SQRT_2PI * np.exp(-0.5 * xc * xc))
    xc = np.clip(x, -1e6, 1e6)
    u = SQRT_2_OVER_PI * (xc + GELU_CUBIC * xc**3)
    du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * xc * xc)
    return _logistic(2.0 * u) + 0.5 * xc * _sech2(u) * du


def softplus_grad(x):
    return _logistic(_float_array(x))


def swish_grad(x, beta=1.0):
    x = _float_array(x)
    z = beta * x
    s = _logistic(z)
    # d/dx x*s(beta x) = s + beta x s (1 - s), and 1 - s(z) = s(-z) exactly
    return s + z * s * _logistic(-z)


def mish_grad(x):
    x = _float_array(x)
    sp = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return np.tanh(sp) + x * _sech2(sp) * _logistic(x)


def softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    inner = np.sum(g * s, axis=axis, keepdims=True)
    return (s * (g - inner)).astype(x.dtype, copy=False)


# --- the rest of the lecture's catalogue --------------------------------------------


def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    if w.size > 1:
        if x.ndim < 2 or x.shape[1] != w.size:
            raise ValueError(f"{w.size} slopes do not fit x of shape {x.shape}")
        slopes = w.reshape((-1,) + (1,) * (x.ndim - 2))
        other_axes = (0,) + tuple(range(2, x.ndim))
    else:
        slopes = w.reshape(())
        other_axes = None  # one slope for everything: sum over all axes
    grad_x = g * np.where(x > 0, 1.0, slopes)
    grad_w = np.sum(g * np.where(x > 0, 0.0, x), axis=other_axes)
    return grad_x.astype(x.dtype), np.reshape(grad_w, w.shape).astype(x.dtype)


def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x = _float_array(x)
    return ((x > min_val) & (x < max_val)).astype(x.dtype)


def relu6_grad(x):
    x = _float_array(x)
    return ((x > 0) & (x < 6)).astype(x.dtype)


def hardsigmoid_grad(x):
    x = _float_array(x)
    return np.where((x > -3) & (x < 3), 1.0 / 6.0, 0.0).astype(x.dtype)


def hardswish_grad(x):
    x = _float_array(x)
    middle = x / 3.0 + 0.5
    return np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, middle)).astype(x.dtype)


def softsign_grad(x):
    x = _float_array(x)
    return (1.0 / (1.0 + np.abs(x))) ** 2


def celu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0) / alpha)).astype(x.dtype)


def logsigmoid_grad(x):
    return _logistic(-_float_array(x))


def log_softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    return (g - s * np.sum(g, axis=axis, keepdims=True)).astype(x.dtype, copy=False)


def softshrink_grad(x, lambd=0.5):
    x = _float_array(x)
    return (np.abs(x) > lambd).astype(x.dtype)
