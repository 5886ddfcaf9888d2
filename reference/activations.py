"""Reference activation functions: the drop-in correct ``activations.py``.

Every function is vectorized NumPy and follows the contract of SPEC section 2:

* float32 input gives float32 output; any other input (integers, booleans, float16,
  lists, Python numbers) gives float64. The result is an ``ndarray`` of the shape of
  ``x`` (0-d for a scalar). The input is never modified.
* Every finite input, up to the largest float, gives a finite result with no
  floating-point warning (only underflow to 0, which is the right answer, is silent).
* Accuracy: a few ulp, checked against 50-digit mpmath in ``tests/reference``.

The work is done in float64 and rounded once to float32 when the input was float32,
so float32 results are within one float32 ulp. Branches that ``np.where`` does not
select are still evaluated, so each one only sees arguments it can handle
(``expm1(minimum(x, 0))``, never ``exp(x)`` on the whole array).

This file imports nothing but ``numpy`` (it has its own normal CDF, :func:`ndtr`), so it
also works copied alone into a submission folder.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "SELU_ALPHA",
    "SELU_LAMBDA",
    "celu",
    "elu",
    "gelu",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "leaky_relu",
    "log_softmax",
    "logsigmoid",
    "mish",
    "prelu",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "softmax",
    "softplus",
    "softshrink",
    "softsign",
    "swish",
    "tanh",
]

FloatArray = NDArray[np.floating[Any]]

# The two constants of SELU (Klambauer et al., 2017), to full double precision.
SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717

_F64_MAX = float(np.finfo(np.float64).max)
# tanh-GELU: 2u = A x + B x**3 with A = 2 sqrt(2/pi), B = 0.044715 A, each constant as
# a double-double hi + lo (from 50-digit mpmath).
_GELU_A = (1.5957691216057308, -9.96930880911092e-17)
_GELU_B = (0.07135481627260025, -6.175149918155315e-19)
# |x| beyond which tanh-GELU's gate is exactly 0 or 1 in float64 (it is from |x| > 23).
_GELU_TANH_CLIP = 100.0
# The normal CDF: Phi(-x) underflows to 0 and Phi(x) rounds to 1 from |x| = 38.5.
_NDTR_CLIP = 40.0
_INV_SQRT_2PI = 0.3989422804014327  # 1 / sqrt(2 pi)
# |x| < 2: the series terms x**(2n+1) / (2n+1)!! fall below 1e-17 of the sum by n = 29.
_NDTR_SERIES = 1.0 / np.cumprod(np.arange(1.0, 60.0, 2.0))  # 1 / (2n+1)!!, n = 0..29
# |x| >= 2: Laplace's continued fraction for Mills' ratio is within 1 ulp after 100 terms.
_NDTR_FRACTION_TERMS = 100
# exp(-750) underflows to 0 (silently) and expm1(-750) is exactly -1.
_EXP_CLIP = 750.0


def _as_float64(x: ArrayLike) -> tuple[NDArray[np.float64], type[np.floating[Any]]]:
    """A float64 copy of ``x`` and the dtype of the result (float32 or float64)."""
    array = np.asarray(x)
    out_dtype: type[np.floating[Any]] = np.float32 if array.dtype.type is np.float32 else np.float64
    return array.astype(np.float64), out_dtype


def _result(y: ArrayLike, out_dtype: type[np.floating[Any]]) -> FloatArray:
    """``y`` as an ndarray (also when 0-d) of the result dtype."""
    return np.asarray(y, dtype=out_dtype)


def _in_precision(value: float, out_dtype: type[np.floating[Any]]) -> np.float64:
    """``value`` rounded to the output's precision (float64 again): a float32 input is
    compared with its parameters in float32, as PyTorch does (a bound beyond the float32
    range becomes inf)."""
    with np.errstate(over="ignore"):
        return np.float64(np.array(value, dtype=np.float64).astype(out_dtype))


def _sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    # exp only ever sees -|x| <= 0: 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def _softplus(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def sigmoid(x: ArrayLike) -> FloatArray:
    r"""Logistic sigmoid.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}

    Computed as :math:`1/(1+e^{-|x|})` for :math:`x \ge 0` and
    :math:`e^{-|x|}/(1+e^{-|x|})` for :math:`x < 0`, so ``exp`` never overflows and
    the tiny values for very negative ``x`` keep full relative accuracy.

    >>> sigmoid([-1000.0, 0.0, 2.0])
    array([0.        , 0.5       , 0.88079708])
    """
    x64, out = _as_float64(x)
    return _result(_sigmoid(x64), out)


def tanh(x: ArrayLike) -> FloatArray:
    r"""Hyperbolic tangent.

    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}

    ``np.tanh`` is accurate and saturates silently to :math:`\pm 1`.

    >>> tanh([0.0, 1.0, 1e300])
    array([0.        , 0.76159416, 1.        ])
    """
    x64, out = _as_float64(x)
    return _result(np.tanh(x64), out)


def relu(x: ArrayLike) -> FloatArray:
    r"""Rectified linear unit.

    .. math:: \operatorname{relu}(x) = \max(0, x)

    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    x64, out = _as_float64(x)
    return _result(np.maximum(x64, 0.0), out)


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> FloatArray:
    r"""Leaky ReLU with slope ``alpha`` (in [0, 1)) for negative input.

    .. math:: \operatorname{leaky\_relu}(x) = \begin{cases} x & x > 0 \\
              \alpha x & x \le 0 \end{cases}

    >>> leaky_relu([-2.0, 3.0], alpha=0.1)
    array([-0.2,  3. ])
    """
    x64, out = _as_float64(x)
    return _result(np.where(x64 > 0, x64, alpha * x64), out)


def elu(x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    r"""Exponential linear unit.

    .. math:: \operatorname{elu}(x) = \begin{cases} x & x > 0 \\
              \alpha\,(e^{x} - 1) & x \le 0 \end{cases}

    The negative branch is ``alpha * expm1(minimum(x, 0))``: accurate for tiny
    ``x`` and never evaluated on large positive ``x``.

    >>> elu([-1.0, 2.0])
    array([-0.63212056,  2.        ])
    """
    x64, out = _as_float64(x)
    negative = alpha * np.expm1(np.minimum(x64, 0.0))
    return _result(np.where(x64 > 0, x64, negative), out)


def selu(x: ArrayLike) -> FloatArray:
    r"""Scaled exponential linear unit.

    .. math:: \operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\
              \alpha\,(e^{x} - 1) & x \le 0 \end{cases}

    with :math:`\lambda` = ``SELU_LAMBDA`` and :math:`\alpha` = ``SELU_ALPHA``.
    :math:`\lambda > 1`, so for ``x`` within a factor :math:`\lambda` of the largest
    float of the result dtype the exact value does not exist; the result saturates
    at that largest float instead of overflowing to ``inf``.

    >>> selu([-1.0, 1.0])
    array([-1.11133074,  1.05070099])
    """
    x64, out = _as_float64(x)
    largest = float(np.finfo(out).max)
    cap = float(np.nextafter(largest / SELU_LAMBDA, 0.0))  # lambda * cap rounds <= largest
    positive = np.where(x64 > cap, largest, SELU_LAMBDA * np.clip(x64, -cap, cap))
    negative = (SELU_LAMBDA * SELU_ALPHA) * np.expm1(np.minimum(x64, 0.0))
    return _result(np.where(x64 > 0, positive, negative), out)


def gelu(x: ArrayLike, approximate: bool = False) -> FloatArray:
    r"""Gaussian error linear unit.

    .. math:: \operatorname{gelu}(x) = x\,\Phi(x), \qquad
              \Phi(x) = \tfrac12 \operatorname{erfc}(-x/\sqrt{2})

    and with ``approximate=True`` the tanh approximation

    .. math:: \tfrac12 x \bigl(1 + \tanh u\bigr) = x\,\sigma(2u), \qquad
              u = \sqrt{2/\pi}\,(x + 0.044715\,x^3).

    :math:`\Phi` is :func:`ndtr` (``1 + erf`` would cancel for ``x < -8``), and
    :math:`1 + \tanh u` is evaluated as :math:`2\sigma(2u)`, which keeps its
    relative accuracy for negative ``x``; see ``_gelu_tanh_gates`` for how ``2u`` is
    kept accurate enough for ``exp``.

    >>> gelu([-1.0, 1.0])
    array([-0.15865525,  0.84134475])
    >>> gelu([-1.0, 1.0], approximate=True)
    array([-0.15880801,  0.84119199])
    """
    x64, out = _as_float64(x)
    if approximate:
        gate, _ = _gelu_tanh_gates(x64)
        return _result(x64 * gate, out)
    return _result(x64 * ndtr(x64), out)


def _normal_pdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """phi(x) = exp(-x**2 / 2) / sqrt(2 pi), with x**2 / 2 exact (x split in two halves
    whose squares are exact), so that exp's argument carries no rounding error."""
    hi, lo = _split(np.clip(np.abs(x), 0.0, _NDTR_CLIP))
    return _INV_SQRT_2PI * np.exp(-0.5 * (hi * hi)) * np.exp(-(hi * lo + 0.5 * (lo * lo)))


def ndtr(x: ArrayLike) -> NDArray[np.float64]:
    r"""The standard normal CDF :math:`\Phi(x)` in float64, vectorized, within 6e-15
    relative everywhere and 1e-15 in the tails (where ``(1 + erf(x / sqrt 2)) / 2``
    cancels and ``erfc`` loses ``x**2 * eps`` to the rounding of ``x**2``).

    * :math:`|x| < 2`: :math:`\Phi(x) = \tfrac12 + \varphi(x)\sum_{n \ge 0}
      x^{2n+1} / (2n+1)!!` (Marsaglia, 2004), a series of positive terms (for
      :math:`x` just above :math:`-2`, the difference with :math:`\tfrac12`
      magnifies its rounding 22 times: the 6e-15);
    * :math:`|x| \ge 2`: :math:`\Phi(-|x|) = \varphi(x)\,R(|x|)` with Mills' ratio
      :math:`R(z) = 1/(z + 1/(z + 2/(z + 3/(z + \dots))))` (Laplace's continued
      fraction, evaluated from the back), and :math:`\Phi(|x|) = 1 - \Phi(-|x|)`.

    Both run a fixed number of steps, whatever the values: the Python work does not
    depend on the input.

    >>> ndtr([-1.0, 0.0, 1.0])
    array([0.15865525, 0.5       , 0.84134475])
    """
    x = np.asarray(x, dtype=np.float64)
    near = np.abs(x) < 2.0
    result = np.empty_like(x)
    s = np.abs(x[near])
    s2 = s * s  # < 4: its rounding moves exp(-s2 / 2) by 1e-16 relative at most
    total = np.full_like(s, _NDTR_SERIES[-1])
    for coefficient in _NDTR_SERIES[-2::-1]:  # Horner, in place
        total *= s2
        total += coefficient
    total *= s
    total *= np.exp(-0.5 * s2)
    total *= _INV_SQRT_2PI
    result[near] = 0.5 + np.copysign(total, x[near])
    away = ~near  # and NaN
    far = x[away]
    z = np.clip(np.abs(far), 2.0, _NDTR_CLIP)
    fraction = np.zeros_like(z)
    for k in range(_NDTR_FRACTION_TERMS, 0, -1):
        fraction += z
        np.divide(k, fraction, out=fraction)
    tail = _normal_pdf(z) / (z + fraction)
    result[away] = np.where(far < 0, tail, 1.0 - tail)
    return result


def _gelu_tanh_gates(
    x: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """sigma(2u) and sigma(-2u) of tanh-GELU, to a few ulp.

    For x = -20, 2u is about -600, and exp turns an absolute error d in 2u into a
    relative error d of the result: three roundings in plain float64 cost 1e-13.
    So 2u = A x + B x**3 is formed in double-double arithmetic (hi + lo), and the
    gate is sigma(hi + lo) = sigma(hi) * (1 + lo * sigma(-hi)) (|lo| < 1e-13, so the
    first order is exact in float64). ``x`` is clipped at +-100, where the gate is
    already exactly 0 or 1, so x**3 cannot overflow.
    """
    xc = np.clip(x, -_GELU_TANH_CLIP, _GELU_TANH_CLIP)
    square, square_err = _two_prod(xc, xc)
    cube, cube_err = _two_prod(square, xc)
    cube_err = cube_err + square_err * xc
    cubic, cubic_err = _two_prod(_GELU_B[0], cube)
    cubic_err = cubic_err + (_GELU_B[0] * cube_err + _GELU_B[1] * cube)
    linear, linear_err = _two_prod(_GELU_A[0], xc)
    linear_err = linear_err + _GELU_A[1] * xc
    hi = linear + cubic  # Knuth's two-sum: hi + sum_err == linear + cubic exactly
    virtual = hi - linear
    sum_err = (linear - (hi - virtual)) + (cubic - virtual)
    lo = sum_err + (linear_err + cubic_err)
    gate, complement = _sigmoid(hi), _sigmoid(-hi)
    return gate * (1.0 + lo * complement), complement * (1.0 - lo * gate)


def _two_prod(
    a: NDArray[np.float64] | float, b: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """a * b as p + e exactly (Dekker; no overflow for |a|, |b| < 1e300 / 2**27)."""
    p = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _split(a: NDArray[np.float64] | float) -> tuple[Any, Any]:
    """Veltkamp's split of a into hi + lo, each with at most 26 significant bits."""
    c = 134217729.0 * a  # 2**27 + 1
    hi = c - (c - a)
    return hi, a - hi


def softplus(x: ArrayLike) -> FloatArray:
    r"""Softplus, a smooth ReLU.

    .. math:: \operatorname{softplus}(x) = \log(1 + e^{x})
              = \max(x, 0) + \log(1 + e^{-|x|})

    The right-hand form never overflows and, through ``log1p``, keeps full
    accuracy for very negative ``x``.

    >>> softplus([-1000.0, 0.0, 1.0])
    array([0.        , 0.69314718, 1.31326169])
    """
    x64, out = _as_float64(x)
    return _result(_softplus(x64), out)


def swish(x: ArrayLike, beta: float = 1.0) -> FloatArray:
    r"""Swish (SiLU when ``beta = 1``).

    .. math:: \operatorname{swish}(x) = x\,\sigma(\beta x)

    For ``beta > 1``, ``beta * x`` could overflow; ``x`` is clipped where
    :math:`\sigma(\beta x)` is already exactly 0 or 1.

    >>> swish([-1.0, 1.0])
    array([-0.26894142,  0.73105858])
    """
    x64, out = _as_float64(x)
    return _result(x64 * _sigmoid(_scaled(x64, beta)), out)


def _scaled(x: NDArray[np.float64], beta: float) -> NDArray[np.float64]:
    """``beta * x`` without overflow (clipped beyond where any sigmoid saturates)."""
    limit = 0.5 * _F64_MAX / max(abs(beta), 1.0)
    return beta * np.clip(x, -limit, limit)


def mish(x: ArrayLike) -> FloatArray:
    r"""Mish.

    .. math:: \operatorname{mish}(x) = x \tanh(\operatorname{softplus}(x))

    For very negative ``x``, :math:`\tanh(\operatorname{softplus}(x)) \approx e^{x}`
    is tiny; the stable softplus and ``np.tanh`` keep it to full relative
    accuracy.

    >>> mish([-1.0, 1.0])
    array([-0.30340146,  0.86509839])
    """
    x64, out = _as_float64(x)
    return _result(x64 * np.tanh(_softplus(x64)), out)


def softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    r"""Softmax along ``axis``.

    .. math:: \operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}},
              \qquad m = \max_j x_j

    Subtracting the maximum makes the largest exponent :math:`e^0 = 1`. The
    difference is formed as ``2 * (x/2 - m/2)``, which is exact like ``x - m`` but
    cannot overflow when ``x`` spans the whole float range. A 0-d ``x`` is one
    score along axis 0 or -1 (as in PyTorch), so its softmax is 1.

    >>> softmax([1.0, 2.0, 3.0])
    array([0.09003057, 0.24472847, 0.66524096])
    >>> softmax([[1e300, -1e300], [0.0, 0.0]], axis=1)
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    x64, out = _as_float64(x)
    scores = x64.reshape(1) if x64.ndim == 0 else x64
    half = 0.5 * scores
    shift = half - np.max(half, axis=axis, keepdims=True, initial=-np.inf)
    e = np.exp(2.0 * np.maximum(shift, -1000.0))  # exp(-2000) is 0 anyway
    return _result((e / np.sum(e, axis=axis, keepdims=True)).reshape(x64.shape), out)



def _saturate(
    y: NDArray[np.float64], out_dtype: type[np.floating[Any]]
) -> NDArray[np.float64]:
    """``y`` clipped to the finite range of the result dtype (an overflow to inf, which
    the caller silenced, becomes the largest float of the right sign)."""
    largest = float(np.finfo(out_dtype).max)
    return np.clip(y, -largest, largest)


def _prelu_weight(
    x: NDArray[np.float64], weight: ArrayLike
) -> tuple[NDArray[np.float64], tuple[int, ...]]:
    """The weight as float64, broadcastable against ``x`` (one value per channel on
    axis 1), and its own shape. Raises ValueError for a weight PyTorch rejects."""
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim > 1:
        raise ValueError(
            "Expected weight to be a scalar or a 1-D array with one value per channel but "
            f"got weight with shape {w.shape}"
        )
    if w.ndim == 0 or w.size == 1:
        return w.reshape(()), w.shape
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.size != channels:
        raise ValueError(
            f"Expected weight of size 1 or {channels} (the channel axis 1 of x with shape "
            f"{x.shape}; x with fewer than 2 dimensions has 1 channel) but got weight with "
            f"shape {w.shape}"
        )
    return w.reshape((w.size,) + (1,) * (x.ndim - 2)), w.shape


def prelu(x: ArrayLike, weight: ArrayLike) -> FloatArray:
    r"""Parametric ReLU with a learnable slope ``weight`` for negative input.

    .. math:: \operatorname{prelu}(x) = \begin{cases} x & x > 0 \\
              w\,x & x \le 0 \end{cases}

    ``weight`` is a scalar or a 1-D array of one slope per channel; the channel axis is
    axis 1, as in PyTorch (an ``x`` with fewer than 2 dimensions has one channel). A
    weight of size C > 1 needs ``x.shape[1] == C``, else ``ValueError``. The dtype of the
    result follows ``x`` alone. Where the exact :math:`w x` exceeds the largest float
    (``|w| > 1``) the result saturates there, as for :func:`selu`.

    >>> prelu([-2.0, 0.0, 3.0], 0.25)
    array([-0.5,  0. ,  3. ])
    >>> prelu([[-1.0, -1.0], [2.0, -4.0]], [0.1, 0.5])
    array([[-0.1, -0.5],
           [ 2. , -2. ]])
    """
    x64, out = _as_float64(x)
    w, _ = _prelu_weight(x64, weight)
    with np.errstate(over="ignore"):
        negative = _saturate(w * x64, out)
    return _result(np.where(x64 > 0, x64, negative), out)


def hardtanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> FloatArray:
    r"""Hard tanh: ``x`` clipped to ``[min_val, max_val]``.

    .. math:: \operatorname{hardtanh}(x) = \min(\max(x, \mathrm{min\_val}),
              \mathrm{max\_val})

    >>> hardtanh([-3.0, 0.5, 2.0])
    array([-1. ,  0.5,  1. ])
    >>> hardtanh([-3.0, 0.5, 2.0], min_val=-2.0, max_val=0.0)
    array([-2.,  0.,  0.])
    """
    x64, out = _as_float64(x)
    return _result(np.minimum(np.maximum(x64, min_val), max_val), out)


def relu6(x: ArrayLike) -> FloatArray:
    r"""ReLU capped at 6.

    .. math:: \operatorname{relu6}(x) = \min(\max(x, 0), 6)

    >>> relu6([-1.0, 3.0, 8.0])
    array([0., 3., 6.])
    """
    x64, out = _as_float64(x)
    return _result(np.minimum(np.maximum(x64, 0.0), 6.0), out)


def _hardsigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    # x + 3 is exact near -3 (Sterbenz) and cannot overflow once x is clipped to [-3, 3].
    return (np.clip(x, -3.0, 3.0) + 3.0) / 6.0


def hardsigmoid(x: ArrayLike) -> FloatArray:
    r"""Hard sigmoid, a piecewise-linear sigmoid.

    .. math:: \operatorname{hardsigmoid}(x) = \frac{\operatorname{relu6}(x + 3)}{6}
              = \begin{cases} 0 & x \le -3 \\ x/6 + 1/2 & -3 < x < 3 \\
              1 & x \ge 3 \end{cases}

    >>> hardsigmoid([-4.0, 0.0, 1.5, 4.0])
    array([0.  , 0.5 , 0.75, 1.  ])
    """
    x64, out = _as_float64(x)
    return _result(_hardsigmoid(x64), out)


def hardswish(x: ArrayLike) -> FloatArray:
    r"""Hard swish (MobileNetV3): ``x`` times the hard sigmoid.

    .. math:: \operatorname{hardswish}(x) = x\,\frac{\operatorname{relu6}(x + 3)}{6}
              = \begin{cases} 0 & x \le -3 \\ x\,(x + 3)/6 & -3 < x < 3 \\
              x & x \ge 3 \end{cases}

    Written as ``x * hardsigmoid(x)``: the gate is at most 1, so nothing overflows.

    >>> hardswish([-4.0, -1.0, 0.0, 1.0, 4.0])
    array([-0.        , -0.33333333,  0.        ,  0.66666667,  4.        ])
    """
    x64, out = _as_float64(x)
    return _result(x64 * _hardsigmoid(x64), out)


def softsign(x: ArrayLike) -> FloatArray:
    r"""Softsign, a tanh-like curve with polynomial tails.

    .. math:: \operatorname{softsign}(x) = \frac{x}{1 + |x|}

    >>> softsign([-3.0, 0.0, 1.0, 1e300])
    array([-0.75,  0.  ,  0.5 ,  1.  ])
    """
    x64, out = _as_float64(x)
    return _result(x64 / (1.0 + np.abs(x64)), out)


def _celu_exponent(x: NDArray[np.float64], alpha: float) -> NDArray[np.float64]:
    """min(x, 0) / alpha, clipped at -750 (where exp is 0 and expm1 -1) so that it
    cannot overflow for a tiny alpha (and at 700 for a negative one)."""
    t = np.maximum(np.minimum(x, 0.0), -_EXP_CLIP * abs(alpha)) / alpha
    return np.minimum(t, 700.0)


def celu(x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    r"""Continuously differentiable ELU (Barron, 2017).

    .. math:: \operatorname{celu}(x) = \max(0, x) + \min\bigl(0,
              \alpha\,(e^{x/\alpha} - 1)\bigr)

    For ``alpha = 1`` it is ELU. The negative branch is
    ``alpha * expm1(minimum(x, 0) / alpha)``, with the exponent clipped at -750 where
    ``expm1`` is already exactly -1, so it neither overflows nor warns for small
    ``alpha``.

    >>> celu([-1.0, 0.0, 2.0])
    array([-0.63212056,  0.        ,  2.        ])
    >>> celu([-1.0, 2.0], alpha=0.5)
    array([-0.43233236,  2.        ])
    """
    x64, out = _as_float64(x)
    negative = alpha * np.expm1(_celu_exponent(x64, alpha))
    return _result(np.where(x64 > 0, x64, negative), out)


def logsigmoid(x: ArrayLike) -> FloatArray:
    r"""Log of the sigmoid, computed without forming the sigmoid.

    .. math:: \log \sigma(x) = -\operatorname{softplus}(-x)
              = \min(x, 0) - \log\bigl(1 + e^{-|x|}\bigr)

    ``log(sigmoid(x))`` would be ``log(0) = -inf`` once :math:`\sigma(x)` underflows
    (``x < -745``) and lose every digit for large ``x``, where :math:`\sigma(x)` rounds
    to 1; this form is exact to a few ulp from ``-1e300`` to ``1e300``.

    >>> logsigmoid([-1e300, 0.0, 40.0])
    array([-1.00000000e+300, -6.93147181e-001, -4.24835426e-018])
    """
    x64, out = _as_float64(x)
    return _result(np.minimum(x64, 0.0) - np.log1p(np.exp(-np.abs(x64))), out)


def log_softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    r"""Log of the softmax along ``axis``.

    .. math:: \operatorname{log\_softmax}(x)_i = x_i - \log \sum_j e^{x_j}
              = d_i - \log\Bigl(1 + \sum_{j \ne k} e^{d_j}\Bigr), \qquad
              d = x - \max_j x_j

    with :math:`k` the position of the maximum. Both terms are <= 0, so their sum
    does not cancel, and ``log1p`` keeps the tiny values near the maximum accurate
    (:math:`-\log(1 + 10^{-20})` is :math:`-10^{-20}`, not 0). ``d`` is formed as
    ``2 * (x/2 - m/2)`` so it cannot overflow; where the exact value is below the
    largest negative float (``x`` spanning the whole float range) it saturates there.
    A 0-d ``x`` is one score (as in :func:`softmax`), so its log-softmax is 0.

    >>> log_softmax([1.0, 2.0, 3.0])
    array([-2.40760596, -1.40760596, -0.40760596])
    >>> log_softmax([[1e300, -1e300], [0.0, 0.0]], axis=1)
    array([[ 0.00000000e+000, -2.00000000e+300],
           [-6.93147181e-001, -6.93147181e-001]])
    """
    x64, out = _as_float64(x)
    scores = x64.reshape(1) if x64.ndim == 0 else x64
    if scores.size == 0:
        return _result(np.log(np.exp(scores)).reshape(x64.shape), out)  # empty: nothing to do
    half = 0.5 * scores
    k = np.argmax(half, axis=axis, keepdims=True)
    half_d = half - np.take_along_axis(half, k, axis=axis)  # <= 0, exact like x - m
    e = np.exp(2.0 * np.maximum(half_d, -500.0))  # exp(-1000) is 0 anyway
    np.put_along_axis(e, k, 0.0, axis=axis)  # the 1 of the maximum goes in log1p
    lse = np.log1p(np.sum(e, axis=axis, keepdims=True))
    largest = float(np.finfo(out).max)
    d = 2.0 * np.maximum(half_d, -0.5 * largest)  # saturates at -largest, no overflow
    return _result(_saturate(d - lse, out).reshape(x64.shape), out)


def softshrink(x: ArrayLike, lambd: float = 0.5) -> FloatArray:
    r"""Soft shrinkage: ``x`` moved towards 0 by ``lambd``, and 0 within ``lambd`` of it.

    .. math:: \operatorname{softshrink}(x) = \begin{cases} x - \lambda & x > \lambda \\
              x + \lambda & x < -\lambda \\ 0 & \text{otherwise} \end{cases}

    For float32 input ``lambd`` is compared in float32, as PyTorch does.

    >>> softshrink([-2.0, 0.25, 1.0])
    array([-1.5,  0. ,  0.5])
    """
    x64, out = _as_float64(x)
    bound = _in_precision(lambd, out)
    shrunk = np.where(x64 > bound, x64 - bound, np.where(x64 < -bound, x64 + bound, 0.0))
    return _result(shrunk, out)
