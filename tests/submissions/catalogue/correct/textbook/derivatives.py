"""Assignment 3 -- derivatives, reusing the activations module."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import erf

import activations as act

INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    s = act.sigmoid(x)
    return s * (1.0 - s)


def tanh_grad(x: ArrayLike) -> np.ndarray:
    return 1.0 - np.tanh(act.to_array(x)) ** 2


def step(x: np.ndarray, at_zero: float, left: float | np.ndarray, right: float = 1.0) -> np.ndarray:
    """right where x > 0, left where x < 0; at the kink x == 0 the value at_zero."""
    out = np.where(x > 0, right, left)
    return np.where(x == 0, at_zero, out).astype(x.dtype)


def relu_grad(x: ArrayLike) -> np.ndarray:
    x = act.to_array(x)
    return step(x, at_zero=0.0, left=0.0)


def leaky_relu_grad(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    x = act.to_array(x)
    return step(x, at_zero=alpha, left=alpha)


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    x = act.to_array(x)
    return step(x, at_zero=alpha, left=alpha * np.exp(act.negative_part(x)))


def selu_grad(x: ArrayLike) -> np.ndarray:
    return act.SELU_LAMBDA * elu_grad(x, alpha=act.SELU_ALPHA)


def standard_normal_pdf(x: np.ndarray) -> np.ndarray:
    # the density is below 1e-300 from |x| = 37 on: limit x so that x*x cannot overflow
    limited = np.clip(x, -50.0, 50.0)
    return INV_SQRT_2PI * np.exp(-0.5 * limited * limited)


def gelu_grad(x: ArrayLike, approximate: bool = False) -> np.ndarray:
    x = act.to_array(x)
    if not approximate:
        cdf = 0.5 * (1.0 + erf(x / act.SQRT2))
        return cdf + x * standard_normal_pdf(x)
    limited = np.clip(x, -1e5, 1e5)
    u = act.SQRT_2_OVER_PI * (limited + act.GELU_COEFF * limited**3)
    du_dx = act.SQRT_2_OVER_PI * (1.0 + 3.0 * act.GELU_COEFF * limited**2)
    half_one_plus_t = act.sigmoid(2.0 * u)  # 0.5 * (1 + tanh(u))
    # 1 - tanh(u)^2 = 4 * sigmoid(2u) * sigmoid(-2u)
    sech_squared = 4.0 * half_one_plus_t * act.sigmoid(-2.0 * u)
    return half_one_plus_t + 0.5 * limited * sech_squared * du_dx


def softplus_grad(x: ArrayLike) -> np.ndarray:
    return act.sigmoid(x)


def swish_grad(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    x = act.to_array(x)
    s = act.sigmoid(beta * x)
    one_minus_s = act.sigmoid(-beta * x)
    return s + beta * x * s * one_minus_s


def mish_grad(x: ArrayLike) -> np.ndarray:
    x = act.to_array(x)
    sp = act.softplus(x)
    t = np.tanh(sp)
    # sech^2(sp) = 1 - t^2 = (1 - t)(1 + t); d softplus / dx = sigmoid(x)
    return t + x * (1.0 - t) * (1.0 + t) * act.sigmoid(x)


def softmax_vjp(x: ArrayLike, upstream: ArrayLike, axis: int = -1) -> np.ndarray:
    x = act.to_array(x)
    s = act.softmax(x, axis=axis)
    g = np.asarray(upstream, dtype=x.dtype)
    if x.ndim == 0:
        return np.zeros_like(x)
    weighted_mean = np.sum(g * s, axis=axis, keepdims=True)
    return s * (g - weighted_mean)


# --- the rest of the lecture's catalogue --------------------------------------------


def prelu_grad(x: ArrayLike, weight: ArrayLike, upstream: ArrayLike
               ) -> tuple[np.ndarray, np.ndarray]:
    x = act.to_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    slopes = act.channel_slopes(x, weight)
    positive = x > 0
    grad_x = np.where(positive, g, g * slopes).astype(x.dtype)
    w = np.asarray(weight, dtype=np.float64)
    contributions = np.where(positive, 0.0, g * x)
    if w.size == 1:
        grad_w = np.full(w.shape, contributions.sum())
    else:
        # (N, C, rest...) -> (N, C, L): sum over the batch and the rest, per channel
        grad_w = np.einsum("ncl->c", contributions.reshape(x.shape[0], w.size, -1))
    return grad_x, grad_w.astype(x.dtype)


def hardtanh_grad(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    x = act.to_array(x)
    inside = np.logical_and(x > min_val, x < max_val)
    return np.where(inside, 1.0, 0.0).astype(x.dtype)


def relu6_grad(x: ArrayLike) -> np.ndarray:
    x = act.to_array(x)
    return np.where((x > 0.0) & (x < 6.0), 1.0, 0.0).astype(x.dtype)


def hardsigmoid_grad(x: ArrayLike) -> np.ndarray:
    x = act.to_array(x)
    return np.where(np.abs(x) < 3.0, 1.0 / 6.0, 0.0).astype(x.dtype)


def hardswish_grad(x: ArrayLike) -> np.ndarray:
    """0 for x <= -3, (2x + 3) / 6 between, 1 for x >= 3 (PyTorch's outer values)."""
    x = act.to_array(x)
    out = np.where(x >= 3.0, 1.0, (2.0 * np.clip(x, -3.0, 3.0) + 3.0) / 6.0)
    return np.where(x <= -3.0, 0.0, out).astype(x.dtype)


def softsign_grad(x: ArrayLike) -> np.ndarray:
    x = act.to_array(x)
    d = 1.0 + np.abs(x)
    return 1.0 / d / d


def celu_grad(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    x = act.to_array(x)
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0) / alpha)).astype(x.dtype)


def logsigmoid_grad(x: ArrayLike) -> np.ndarray:
    """d/dx log sigmoid(x) = sigmoid(-x)."""
    return act.sigmoid(-act.to_array(x))


def log_softmax_vjp(x: ArrayLike, upstream: ArrayLike, axis: int = -1) -> np.ndarray:
    x = act.to_array(x)
    s = np.exp(act.log_softmax(x, axis=axis))
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    return (g - s * np.sum(g, axis=axis, keepdims=True)).astype(x.dtype)


def softshrink_grad(x: ArrayLike, lambd: float = 0.5) -> np.ndarray:
    x = act.to_array(x)
    return np.where((x > lambd) | (x < -lambd), 1.0, 0.0).astype(x.dtype)
