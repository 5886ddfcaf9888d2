"""Assignment 3 -- activation functions.

Written the way the lecture notes derive them: small helpers, one formula each,
and the numerically stable form of every exponential.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import erf

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717

SQRT2 = math.sqrt(2.0)
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU_COEFF = 0.044715


def to_array(x: ArrayLike) -> np.ndarray:
    """Convert the input: float32 stays float32, everything else is float64."""
    arr = np.asarray(x)
    if arr.dtype == np.float32:
        return arr
    return np.asarray(arr, dtype=np.float64)


def positive_part(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def negative_part(x: np.ndarray) -> np.ndarray:
    return np.minimum(x, 0.0)


def sigmoid(x: ArrayLike) -> np.ndarray:
    x = to_array(x)
    # exp(-|x|) lies in (0, 1]: it can underflow to 0 but never overflow.
    exp_neg_abs = np.exp(-np.abs(x))
    numerator = np.where(x >= 0, 1.0, exp_neg_abs)
    return numerator / (1.0 + exp_neg_abs)


def tanh(x: ArrayLike) -> np.ndarray:
    return np.tanh(to_array(x))


def relu(x: ArrayLike) -> np.ndarray:
    x = to_array(x)
    return np.where(x > 0, x, 0.0)


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    x = to_array(x)
    return np.where(x > 0, x, alpha * x)


def elu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    x = to_array(x)
    return np.where(x > 0, x, alpha * np.expm1(negative_part(x)))


def selu(x: ArrayLike) -> np.ndarray:
    return SELU_LAMBDA * elu(x, alpha=SELU_ALPHA)


def standard_normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + erf(x / SQRT2))


def gelu(x: ArrayLike, approximate: bool = False) -> np.ndarray:
    x = to_array(x)
    if not approximate:
        return x * standard_normal_cdf(x)
    # 0.5 * (1 + tanh(u)) = sigmoid(2u); the clip only keeps x**3 finite
    limited = np.clip(x, -1e5, 1e5)
    u = SQRT_2_OVER_PI * (limited + GELU_COEFF * limited**3)
    return x * sigmoid(2.0 * u)


def softplus(x: ArrayLike) -> np.ndarray:
    x = to_array(x)
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|)
    return positive_part(x) + np.log1p(np.exp(-np.abs(x)))


def swish(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    x = to_array(x)
    return x * sigmoid(beta * x)


def mish(x: ArrayLike) -> np.ndarray:
    x = to_array(x)
    return x * np.tanh(softplus(x))


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    x = to_array(x)
    if x.ndim == 0:  # a single score is certain
        return np.ones_like(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=axis, keepdims=True)


# --- the rest of the lecture's catalogue --------------------------------------------


def channel_slopes(x: np.ndarray, weight: ArrayLike) -> np.ndarray:
    """One slope per entry of x: the channel's slope (channel axis 1), or the only one."""
    w = np.asarray(weight, dtype=np.float64)
    if w.size == 1:
        return np.full(x.shape, w.item())
    if x.ndim < 2 or x.shape[1] != w.size:
        raise ValueError(f"expected {x.shape[1] if x.ndim >= 2 else 1} slopes, got {w.size}")
    shape = [1] * x.ndim
    shape[1] = w.size
    return np.broadcast_to(w.reshape(shape), x.shape)


def prelu(x: ArrayLike, weight: ArrayLike) -> np.ndarray:
    x = to_array(x)
    slopes = channel_slopes(x, weight)
    out = x.copy()
    negative = x <= 0
    out[negative] = slopes[negative] * x[negative]
    return out


def hardtanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    x = to_array(x)
    return np.minimum(np.maximum(x, min_val), max_val)


def relu6(x: ArrayLike) -> np.ndarray:
    x = to_array(x)
    return np.minimum(np.maximum(x, 0.0), 6.0)


def hardsigmoid(x: ArrayLike) -> np.ndarray:
    """relu6(x + 3) / 6."""
    return relu6(to_array(x) + 3.0) / 6.0


def hardswish(x: ArrayLike) -> np.ndarray:
    """x * relu6(x + 3) / 6."""
    x = to_array(x)
    return x * relu6(x + 3.0) / 6.0


def softsign(x: ArrayLike) -> np.ndarray:
    x = to_array(x)
    return x / (1.0 + np.abs(x))


def celu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    x = to_array(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


def logsigmoid(x: ArrayLike) -> np.ndarray:
    """log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|))."""
    x = to_array(x)
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def log_softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """x - logsumexp(x), with the maximum taken out before the exp."""
    x = to_array(x)
    if x.ndim == 0:
        return x - x
    m = np.max(x, axis=axis, keepdims=True)
    log_norm = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return (x - m) - log_norm


def softshrink(x: ArrayLike, lambd: float = 0.5) -> np.ndarray:
    """sign(x) * max(|x| - lambd, 0)."""
    x = to_array(x)
    return np.sign(x) * np.maximum(np.abs(x) - lambd, 0.0)
