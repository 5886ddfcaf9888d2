"""Reference derivatives: the drop-in correct ``derivatives.py``.

Each ``*_grad`` returns the elementwise derivative of the activation of the same name,
evaluated at ``x``, with the same parameters; ``softmax_vjp`` is the vector-Jacobian
product of softmax. The contract is that of ``activations.py``: float32 in, float32
out, anything else float64; same shape; input never modified; finite and silent for
every finite input; a few ulp of the exact value.

At a kink the value is PyTorch's (checked against torch autograd in
``tests/reference/test_torch.py``). Mostly the left-hand one: relu'(0) = 0,
leaky_relu'(0) = alpha, elu'(0) = alpha, selu'(0) = lambda * alpha, prelu'(0) = weight.
The clipping functions take 0 at and beyond each bound (hardtanh, relu6, hardsigmoid),
and hardswish takes the outer value at both kinks: hardswish'(-3) = 0 and
hardswish'(3) = 1.

Differences such as ``s * (1 - s)`` or ``1 - tanh(x)**2`` lose every digit once ``s``
or ``tanh`` rounds to 1; the functions below use forms without that cancellation.

The only import from another student file is from ``activations`` (relative inside
the ``reference`` package, top-level when copied into a submission folder beside the
reference ``activations.py``): the stable activations themselves, the SELU constants,
and the private helpers (dtype handling, overflow-free ``beta * x``, the tanh-GELU
gate), so that each numerical device exists once.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

if __package__:
    from .activations import (
        SELU_ALPHA,
        SELU_LAMBDA,
        _as_float64,
        _celu_exponent,
        _gelu_tanh_gates,
        _in_precision,
        _normal_pdf,
        _prelu_weight,
        _result,
        _saturate,
        _scaled,
        ndtr,
        sigmoid,
        softmax,
        softplus,
    )
else:  # copied into a submission folder as a top-level module
    from activations import (  # type: ignore[no-redef]
        SELU_ALPHA,
        SELU_LAMBDA,
        _as_float64,
        _celu_exponent,
        _gelu_tanh_gates,
        _in_precision,
        _normal_pdf,
        _prelu_weight,
        _result,
        _saturate,
        _scaled,
        ndtr,
        sigmoid,
        softmax,
        softplus,
    )

__all__ = [
    "celu_grad",
    "elu_grad",
    "gelu_grad",
    "hardsigmoid_grad",
    "hardswish_grad",
    "hardtanh_grad",
    "leaky_relu_grad",
    "log_softmax_vjp",
    "logsigmoid_grad",
    "mish_grad",
    "prelu_grad",
    "relu6_grad",
    "relu_grad",
    "selu_grad",
    "sigmoid_grad",
    "softmax_vjp",
    "softplus_grad",
    "softshrink_grad",
    "softsign_grad",
    "swish_grad",
    "tanh_grad",
]

FloatArray = NDArray[np.floating[Any]]

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715
# The clip of activations: beyond it tanh-GELU's gate is exactly 0 or 1, its slope 0.
_GELU_TANH_CLIP = 100.0
# sech(x)**2 underflows to 0 for |x| > 373; clip before doubling x.
_SECH_CLIP = 400.0


def _sech2(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """:math:`1/\\cosh^2 x = 4q/(1+q)^2` with :math:`q = e^{-2|x|}`: no cancellation."""
    q = np.exp(-2.0 * np.minimum(np.abs(x), _SECH_CLIP))
    return 4.0 * q / (1.0 + q) ** 2


def sigmoid_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of sigmoid.

    .. math:: \sigma'(x) = \sigma(x)\,(1 - \sigma(x)) = \sigma(x)\,\sigma(-x)

    The right-hand form keeps full relative accuracy in both tails, where
    :math:`1 - \sigma(x)` would round to 0.

    >>> sigmoid_grad([0.0, 40.0, -1000.0])
    array([2.50000000e-01, 4.24835426e-18, 0.00000000e+00])
    """
    x64, out = _as_float64(x)
    return _result(sigmoid(x64) * sigmoid(-x64), out)


def tanh_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of tanh.

    .. math:: \tanh'(x) = 1 - \tanh^2 x = \frac{1}{\cosh^2 x}
              = \frac{4 e^{-2|x|}}{(1 + e^{-2|x|})^2}

    The last form has no cancellation and no overflow.

    >>> tanh_grad([0.0, 1.0, 20.0])
    array([1.00000000e+00, 4.19974342e-01, 1.69934170e-17])
    """
    x64, out = _as_float64(x)
    return _result(_sech2(x64), out)


def relu_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of ReLU; relu'(0) = 0 (the left-hand value, as in PyTorch).

    .. math:: \operatorname{relu}'(x) = \begin{cases} 1 & x > 0 \\
              0 & x \le 0 \end{cases}

    >>> relu_grad([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    x64, out = _as_float64(x)
    return _result(np.where(x64 > 0, 1.0, 0.0), out)


def leaky_relu_grad(x: ArrayLike, alpha: float = 0.01) -> FloatArray:
    r"""Derivative of Leaky ReLU; leaky_relu'(0) = alpha (as in PyTorch).

    .. math:: \operatorname{leaky\_relu}'(x) = \begin{cases} 1 & x > 0 \\
              \alpha & x \le 0 \end{cases}

    >>> leaky_relu_grad([-1.0, 0.0, 2.0], alpha=0.2)
    array([0.2, 0.2, 1. ])
    """
    x64, out = _as_float64(x)
    return _result(np.where(x64 > 0, 1.0, alpha), out)


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    r"""Derivative of ELU; elu'(0) = alpha (the left-hand value, as in PyTorch).

    .. math:: \operatorname{elu}'(x) = \begin{cases} 1 & x > 0 \\
              \alpha e^{x} & x \le 0 \end{cases}

    >>> elu_grad([-1.0, 0.0, 2.0], alpha=0.5)
    array([0.18393972, 0.5       , 1.        ])
    """
    x64, out = _as_float64(x)
    return _result(np.where(x64 > 0, 1.0, alpha * np.exp(np.minimum(x64, 0.0))), out)


def selu_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of SELU; selu'(0) = lambda * alpha (as in PyTorch).

    .. math:: \operatorname{selu}'(x) = \lambda \begin{cases} 1 & x > 0 \\
              \alpha e^{x} & x \le 0 \end{cases}

    >>> selu_grad([-1.0, 0.0, 2.0])
    array([0.6467686 , 1.75809934, 1.05070099])
    """
    x64, out = _as_float64(x)
    negative = SELU_LAMBDA * (SELU_ALPHA * np.exp(np.minimum(x64, 0.0)))
    return _result(np.where(x64 > 0, SELU_LAMBDA, negative), out)


def gelu_grad(x: ArrayLike, approximate: bool = False) -> FloatArray:
    r"""Derivative of GELU.

    .. math:: \operatorname{gelu}'(x) = \Phi(x) + x\,\varphi(x), \qquad
              \varphi(x) = e^{-x^2/2} / \sqrt{2\pi}

    and with ``approximate=True``, writing the gate as :math:`\sigma(2u)`,
    :math:`u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)`,

    .. math:: \sigma(2u) + x \cdot 2u'\,\sigma(2u)\,\sigma(-2u), \qquad
              u' = \sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2).

    ``x**2`` is formed from ``x`` clipped where :math:`\varphi` (or the gate's
    slope) has underflowed to 0, so it cannot overflow.

    >>> gelu_grad([-1.0, 0.0, 1.0])
    array([-0.08331547,  0.5       ,  1.08331547])
    >>> gelu_grad([-1.0, 0.0, 1.0], approximate=True)
    array([-0.08296408,  0.5       ,  1.08296408])
    """
    x64, out = _as_float64(x)
    if approximate:
        xc = np.clip(x64, -_GELU_TANH_CLIP, _GELU_TANH_CLIP)
        two_du = (2.0 * _SQRT_2_OVER_PI) * (1.0 + (3.0 * _GELU_CUBIC) * xc**2)
        gate, complement = _gelu_tanh_gates(x64)
        return _result(gate + x64 * (two_du * (gate * complement)), out)
    return _result(ndtr(x64) + x64 * _normal_pdf(x64), out)


def softplus_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of softplus, which is the sigmoid.

    .. math:: \operatorname{softplus}'(x) = \sigma(x)

    >>> softplus_grad([0.0, -1000.0])
    array([0.5, 0. ])
    """
    x64, out = _as_float64(x)
    return _result(sigmoid(x64), out)


def swish_grad(x: ArrayLike, beta: float = 1.0) -> FloatArray:
    r"""Derivative of swish.

    .. math:: \operatorname{swish}'(x) = \sigma(\beta x)
              + \beta x\,\sigma(\beta x)\,\sigma(-\beta x)

    (:math:`\sigma(t)(1-\sigma(t))` written as :math:`\sigma(t)\sigma(-t)` so that it
    keeps its digits when :math:`\sigma(t)` rounds to 1).

    >>> swish_grad([-1.0, 0.0, 1.0])
    array([0.07232949, 0.5       , 0.92767051])
    """
    x64, out = _as_float64(x)
    t = _scaled(x64, beta)
    gate = sigmoid(t)
    return _result(gate + t * (gate * sigmoid(-t)), out)


def mish_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of mish.

    .. math:: \operatorname{mish}'(x) = \tanh(\operatorname{sp}(x))
              + x\,\operatorname{sech}^2(\operatorname{sp}(x))\,\sigma(x),
              \qquad \operatorname{sp} = \operatorname{softplus}

    :math:`\operatorname{sech}^2 = 4q/(1+q)^2`, :math:`q = e^{-2\operatorname{sp}(x)}`,
    instead of :math:`1 - \tanh^2`, which loses every digit for large ``x``. For very
    negative ``x`` both terms are tiny (:math:`\approx e^{x}` and :math:`x e^{x}`) and
    keep full relative accuracy.

    >>> mish_grad([-1.0, 0.0, 1.0])
    array([0.05921676, 0.6       , 1.04903622])
    """
    x64, out = _as_float64(x)
    sp = np.asarray(softplus(x64), dtype=np.float64)
    return _result(np.tanh(sp) + x64 * (_sech2(sp) * sigmoid(x64)), out)


def _softmax_and_scaled_upstream(
    x: ArrayLike, upstream: ArrayLike, axis: int
) -> tuple[NDArray[np.float64], type[np.floating[Any]], NDArray[np.float64],
           NDArray[np.float64], NDArray[Any]]:
    """What both VJPs start from: ``x`` as float64 and its output dtype, ``s =
    softmax(x)``, and ``upstream`` broadcast to ``x`` and scaled by ``2**-exponent``
    (exactly) so that ``max |g| <= 1`` along ``axis``; a 0-d ``x`` is one entry along a
    1-d axis."""
    x64, out = _as_float64(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x64.shape)
    scores, g = (x64.reshape(1), g.reshape(1)) if x64.ndim == 0 else (x64, g)
    s = np.asarray(softmax(scores, axis=axis), dtype=np.float64)
    _, exponent = np.frexp(np.max(np.abs(g), axis=axis, keepdims=True, initial=0.0))
    return x64, out, s, np.ldexp(g, -exponent), exponent


def softmax_vjp(x: ArrayLike, upstream: ArrayLike, axis: int = -1) -> FloatArray:
    r"""Vector-Jacobian product of softmax: the gradient of
    ``sum(upstream * softmax(x, axis))`` with respect to ``x``.

    .. math:: (g^\top J)_i = s_i \Bigl(g_i - \sum_j g_j s_j\Bigr)
              = s_i \sum_j s_j\,(g_i - g_j), \qquad s = \operatorname{softmax}(x)

    ``upstream`` (``g``) is broadcast to the shape of ``x``; the result has the shape
    of ``x`` and its dtype rule. Two refinements over the textbook left-hand form:

    * ``g`` is scaled by a power of two (exactly) so that ``max |g| <= 1`` along
      ``axis``; no sum can overflow even for ``g`` near the largest float.
    * For the entry with the largest :math:`s_k`, which may round to 1, the
      difference :math:`g_k - \sum_j g_j s_j` cancels; it is computed with the
      right-hand form instead, whose terms do not.

    >>> softmax_vjp([1.0, 2.0, 3.0], [1.0, 0.0, 0.0])
    array([ 0.08192507, -0.02203304, -0.05989202])
    >>> softmax_vjp([0.0, -50.0], [1.0, 0.0])
    array([ 1.92874985e-22, -1.92874985e-22])
    """
    x64, out, s, g, exponent = _softmax_and_scaled_upstream(x, upstream, axis)
    if s.size == 0:
        return _result(s.reshape(x64.shape), out)

    vjp = s * (g - np.sum(g * s, axis=axis, keepdims=True))
    k = np.argmax(s, axis=axis, keepdims=True)
    g_k = np.take_along_axis(g, k, axis=axis)
    s_k = np.take_along_axis(s, k, axis=axis)
    np.put_along_axis(vjp, k, s_k * np.sum(s * (g_k - g), axis=axis, keepdims=True), axis=axis)
    return _result(np.ldexp(vjp, exponent).reshape(x64.shape), out)



def _saturating_product(
    a: NDArray[np.float64], b: NDArray[np.float64], out: type[np.floating[Any]]
) -> NDArray[np.float64]:
    """a * b, saturated at the largest float of ``out`` where the exact product is not
    representable (silently: the overflow to inf is clipped)."""
    with np.errstate(over="ignore"):
        return _saturate(a * b, out)


def prelu_grad(
    x: ArrayLike, weight: ArrayLike, upstream: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    r"""Gradients of ``sum(upstream * prelu(x, weight))`` with respect to ``x`` and to
    ``weight``; prelu'(0) = weight (the left-hand value, as in PyTorch).

    .. math:: \frac{\partial L}{\partial x} = g \cdot \begin{cases} 1 & x > 0 \\
              w & x \le 0 \end{cases}, \qquad
              \frac{\partial L}{\partial w_c} = \sum_{x \le 0,\ \text{channel } c} g\,x

    ``upstream`` (``g``) is broadcast to the shape of ``x``. The weight gradient has the
    shape of ``weight`` (0-d for a scalar weight): it sums over every axis but the
    channel axis 1, and over everything for a weight of size 1. Both results follow the
    dtype rule of ``x``; a value beyond the largest float saturates there.

    >>> grad_x, grad_w = prelu_grad([-2.0, 0.0, 3.0], 0.25, [1.0, 1.0, 1.0])
    >>> grad_x, grad_w
    (array([0.25, 0.25, 1.  ]), array(-2.))
    >>> prelu_grad([[-1.0, 2.0], [-3.0, -4.0]], [0.1, 0.5], 1.0)[1]
    array([-4., -4.])
    """
    x64, out = _as_float64(x)
    w, weight_shape = _prelu_weight(x64, weight)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x64.shape)
    slope = np.where(x64 > 0, 1.0, w)
    grad_x = _saturating_product(g, slope, out)

    negative = np.where(x64 <= 0, x64, 0.0)
    channels = w.size if w.ndim else 1
    per_channel = (
        np.moveaxis(negative, 1, 0).reshape(channels, -1) if w.ndim else negative.reshape(1, -1)
    )
    g_lanes = np.moveaxis(g, 1, 0).reshape(channels, -1) if w.ndim else g.reshape(1, -1)
    grad_w = _scaled_dot(g_lanes, per_channel, out)
    return _result(grad_x, out), _result(grad_w.reshape(weight_shape), out)


def _scaled_dot(
    a: NDArray[np.float64], b: NDArray[np.float64], out: type[np.floating[Any]]
) -> NDArray[np.float64]:
    """Row-wise sum(a * b) without intermediate overflow: a and b are scaled by powers of
    two (exactly) to at most 1, and the sums saturate at the largest float of ``out``."""
    if a.shape[1] == 0:
        return np.zeros(a.shape[0])
    _, ea = np.frexp(np.max(np.abs(a), axis=1, keepdims=True))
    _, eb = np.frexp(np.max(np.abs(b), axis=1, keepdims=True))
    total = np.sum(np.ldexp(a, -ea) * np.ldexp(b, -eb), axis=1, keepdims=True)
    return _ldexp_saturated(total, ea + eb, out).reshape(-1)


def _ldexp_saturated(
    v: NDArray[np.float64], exponent: NDArray[np.int_], out: type[np.floating[Any]]
) -> NDArray[np.float64]:
    """v * 2**exponent, saturated at the largest float of ``out`` instead of overflowing."""
    mantissa, own = np.frexp(v)  # |mantissa| in [0.5, 1) (or 0)
    total = own + exponent
    scaled = np.ldexp(mantissa, np.minimum(total, 1024))  # < 2**1024: finite
    largest = float(np.finfo(out).max)
    return np.clip(np.where(total > 1024, np.copysign(largest, mantissa), scaled),
                   -largest, largest)


def hardtanh_grad(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> FloatArray:
    r"""Derivative of hardtanh; 0 at the bounds (hardtanh'(min_val) = hardtanh'(max_val) = 0,
    as in PyTorch).

    .. math:: \operatorname{hardtanh}'(x) = \begin{cases} 1 &
              \mathrm{min\_val} < x < \mathrm{max\_val} \\ 0 & \text{otherwise}
              \end{cases}

    For float32 input the bounds are compared in float32, as PyTorch does: at
    ``x = float32(0.7)`` the derivative of ``hardtanh(x, max_val=0.7)`` is 0.

    >>> hardtanh_grad([-1.0, 0.0, 1.0, 2.0])
    array([0., 1., 0., 0.])
    """
    x64, out = _as_float64(x)
    low, high = _in_precision(min_val, out), _in_precision(max_val, out)
    return _result(np.where((x64 > low) & (x64 < high), 1.0, 0.0), out)


def relu6_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of relu6; relu6'(0) = relu6'(6) = 0 (as in PyTorch).

    .. math:: \operatorname{relu6}'(x) = \begin{cases} 1 & 0 < x < 6 \\
              0 & \text{otherwise} \end{cases}

    >>> relu6_grad([0.0, 3.0, 6.0])
    array([0., 1., 0.])
    """
    x64, out = _as_float64(x)
    return _result(np.where((x64 > 0.0) & (x64 < 6.0), 1.0, 0.0), out)


def hardsigmoid_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of hardsigmoid; hardsigmoid'(-3) = hardsigmoid'(3) = 0 (as in PyTorch).

    .. math:: \operatorname{hardsigmoid}'(x) = \begin{cases} 1/6 & -3 < x < 3 \\
              0 & \text{otherwise} \end{cases}

    >>> hardsigmoid_grad([-3.0, 0.0, 3.0])
    array([0.        , 0.16666667, 0.        ])
    """
    x64, out = _as_float64(x)
    return _result(np.where((x64 > -3.0) & (x64 < 3.0), 1.0 / 6.0, 0.0), out)


def hardswish_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of hardswish; hardswish'(-3) = 0 and hardswish'(3) = 1 (the outer
    value at both kinks, as in PyTorch 2.x).

    .. math:: \operatorname{hardswish}'(x) = \begin{cases} 0 & x \le -3 \\
              x/3 + 1/2 & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}

    >>> hardswish_grad([-3.0, -1.5, 0.0, 3.0])
    array([0. , 0. , 0.5, 1. ])
    """
    x64, out = _as_float64(x)
    inside = np.clip(x64, -3.0, 3.0) / 3.0 + 0.5
    return _result(np.where(x64 <= -3.0, 0.0, np.where(x64 >= 3.0, 1.0, inside)), out)


def softsign_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of softsign.

    .. math:: \operatorname{softsign}'(x) = \frac{1}{(1 + |x|)^2}

    Squared after the division, so that it underflows to 0 instead of overflowing.

    >>> softsign_grad([-1.0, 0.0, 3.0])
    array([0.25  , 1.    , 0.0625])
    """
    x64, out = _as_float64(x)
    return _result((1.0 / (1.0 + np.abs(x64))) ** 2, out)


def celu_grad(x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    r"""Derivative of CELU; celu'(0) = 1 (as in PyTorch; both sides agree).

    .. math:: \operatorname{celu}'(x) = \begin{cases} 1 & x > 0 \\
              e^{x/\alpha} & x \le 0 \end{cases}

    >>> celu_grad([-1.0, 0.0, 2.0], alpha=0.5)
    array([0.13533528, 1.        , 1.        ])
    """
    x64, out = _as_float64(x)
    return _result(np.where(x64 > 0, 1.0, np.exp(_celu_exponent(x64, alpha))), out)


def logsigmoid_grad(x: ArrayLike) -> FloatArray:
    r"""Derivative of logsigmoid.

    .. math:: \frac{d}{dx} \log \sigma(x) = 1 - \sigma(x) = \sigma(-x)

    The right-hand form keeps full relative accuracy for large ``x``, where
    :math:`1 - \sigma(x)` would round to 0.

    >>> logsigmoid_grad([-1000.0, 0.0, 40.0])
    array([1.00000000e+00, 5.00000000e-01, 4.24835426e-18])
    """
    x64, out = _as_float64(x)
    return _result(sigmoid(-x64), out)


def log_softmax_vjp(x: ArrayLike, upstream: ArrayLike, axis: int = -1) -> FloatArray:
    r"""Vector-Jacobian product of log_softmax: the gradient of
    ``sum(upstream * log_softmax(x, axis))`` with respect to ``x``.

    .. math:: (g^\top J)_i = g_i - s_i \sum_j g_j, \qquad s = \operatorname{softmax}(x)

    ``upstream`` (``g``) is broadcast to the shape of ``x``; the result has the shape of
    ``x`` and its dtype rule. ``g`` is scaled by a power of two (exactly) so that
    ``max |g| <= 1`` along ``axis``: the sum cannot overflow, and a result beyond the
    largest float saturates there.

    >>> log_softmax_vjp([1.0, 2.0, 3.0], [1.0, 0.0, 0.0])
    array([ 0.90996943, -0.24472847, -0.66524096])
    """
    x64, out, s, g, exponent = _softmax_and_scaled_upstream(x, upstream, axis)
    if s.size == 0:
        return _result(s.reshape(x64.shape), out)
    vjp = g - s * np.sum(g, axis=axis, keepdims=True)
    return _result(_ldexp_saturated(vjp, exponent, out).reshape(x64.shape), out)


def softshrink_grad(x: ArrayLike, lambd: float = 0.5) -> FloatArray:
    r"""Derivative of softshrink; 0 at :math:`\pm\lambda` (as in PyTorch).

    .. math:: \operatorname{softshrink}'(x) = \begin{cases} 1 & |x| > \lambda \\
              0 & \text{otherwise} \end{cases}

    >>> softshrink_grad([-2.0, -0.5, 0.25, 0.5, 1.0])
    array([1., 0., 0., 0., 1.])
    """
    x64, out = _as_float64(x)
    bound = _in_precision(lambd, out)
    return _result(np.where((x64 > bound) | (x64 < -bound), 1.0, 0.0), out)
