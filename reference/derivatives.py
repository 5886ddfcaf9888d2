"""Reference derivatives: the drop-in correct ``derivatives.py``.

Each ``*_grad`` returns the elementwise derivative of the activation of the same name,
evaluated at ``x``, with the same parameters; ``softmax_vjp`` is the vector-Jacobian
product of softmax. The contract is that of ``activations.py``: float32 in, float32
out, anything else float64; same shape; input never modified; finite and silent for
every finite input; a few ulp of the exact value.

At a kink the value is the left-hand one, as in PyTorch: relu'(0) = 0,
leaky_relu'(0) = alpha, elu'(0) = alpha, selu'(0) = lambda * alpha.

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
        _gelu_tanh_gates,
        _normal_pdf,
        _result,
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
        _gelu_tanh_gates,
        _normal_pdf,
        _result,
        _scaled,
        ndtr,
        sigmoid,
        softmax,
        softplus,
    )

__all__ = [
    "elu_grad",
    "gelu_grad",
    "leaky_relu_grad",
    "mish_grad",
    "relu_grad",
    "selu_grad",
    "sigmoid_grad",
    "softmax_vjp",
    "softplus_grad",
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
    x64, out = _as_float64(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x64.shape)
    scores, g = (x64.reshape(1), g.reshape(1)) if x64.ndim == 0 else (x64, g)
    s = np.asarray(softmax(scores, axis=axis), dtype=np.float64)
    if s.size == 0:
        return _result(s.reshape(x64.shape), out)

    _, exponent = np.frexp(np.max(np.abs(g), axis=axis, keepdims=True, initial=0.0))
    g = np.ldexp(g, -exponent)  # exact: |g| <= 1 along the axis

    vjp = s * (g - np.sum(g * s, axis=axis, keepdims=True))
    k = np.argmax(s, axis=axis, keepdims=True)
    g_k = np.take_along_axis(g, k, axis=axis)
    s_k = np.take_along_axis(s, k, axis=axis)
    np.put_along_axis(vjp, k, s_k * np.sum(s * (g_k - g), axis=axis, keepdims=True), axis=axis)
    return _result(np.ldexp(vjp, exponent).reshape(x64.shape), out)
