"""More activation functions: the rest of the lecture's catalogue.

Stubs of the activations a course may add to ``activations.py`` (``grader new``
copies the ones it chooses into the student file, after that file's header and
rules). The rules of ``activations.py`` hold for every one of them: numpy and math
only, vectorized, float32 in gives float32 out (anything else float64), the input is
never modified, and any finite input gives a finite result with no warning.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def prelu(x: ArrayLike, weight: ArrayLike) -> np.ndarray:
    """Parametric ReLU: a leaky ReLU whose negative slope ``weight`` is learned.

        prelu(x) = x            for x > 0
                   weight * x   otherwise

    Parameters
    ----------
    x : array-like
        Input of any shape. Axis 1 is the channel axis (as in PyTorch): for ``x`` of
        shape ``(N, C, ...)`` channel ``c`` is ``x[:, c]``. An ``x`` with fewer than
        2 dimensions has a single channel.
    weight : float or array-like
        The slope for negative input: one number shared by every element, or a 1-D
        array of ``C`` slopes, one per channel.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; its dtype follows ``x`` alone (float32 stays float32).

    Watch out
    ---------
    * A weight of shape ``(C,)`` broadcasts along the LAST axis of ``x``, not along
      axis 1. Reshape it to ``(C, 1, ..., 1)`` so that it lines up with axis 1.
    * A weight of ``C > 1`` values needs ``x.ndim >= 2`` and ``x.shape[1] == C``;
      otherwise raise ``ValueError`` with a message that says what you expected.

    Example
    -------
    >>> prelu([-2.0, 0.0, 3.0], 0.25)
    array([-0.5,  0. ,  3. ])
    """
    raise NotImplementedError("prelu is not implemented yet")


def hardtanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    """Hard tanh: tanh's S-shape made of three straight lines.

        hardtanh(x) = min_val   for x < min_val
                      x         for min_val <= x <= max_val
                      max_val   for x > max_val

    Parameters
    ----------
    x : array-like
        Input of any shape.
    min_val, max_val : float, default -1.0 and 1.0
        The bounds of the result.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in [min_val, max_val].

    Watch out
    ---------
    * Use the bounds you are given, not -1 and 1.

    Example
    -------
    >>> hardtanh([-3.0, 0.5, 2.0])
    array([-1. ,  0.5,  1. ])
    """
    raise NotImplementedError("hardtanh is not implemented yet")


def relu6(x: ArrayLike) -> np.ndarray:
    """ReLU capped at 6, used by mobile networks (MobileNet) for low-precision arithmetic.

        relu6(x) = min(max(x, 0), 6)

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in [0, 6], a float array even for integer
        input.

    Example
    -------
    >>> relu6([-1.0, 3.0, 8.0])
    array([0., 3., 6.])
    """
    raise NotImplementedError("relu6 is not implemented yet")


def hardsigmoid(x: ArrayLike) -> np.ndarray:
    """Hard sigmoid: a cheap, piecewise-linear sigmoid.

        hardsigmoid(x) = relu6(x + 3) / 6

    That is 0 below -3, 1 above 3, and the straight line ``x / 6 + 1 / 2`` in
    between.

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in [0, 1].

    Example
    -------
    >>> hardsigmoid([-4.0, 0.0, 1.5])
    array([0.  , 0.5 , 0.75])
    """
    raise NotImplementedError("hardsigmoid is not implemented yet")


def hardswish(x: ArrayLike) -> np.ndarray:
    """Hard swish: swish with the sigmoid replaced by the hard sigmoid (MobileNetV3).

        hardswish(x) = x * relu6(x + 3) / 6

    That is 0 below -3, ``x`` above 3, and ``x * (x + 3) / 6`` in between.

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Example
    -------
    >>> hardswish([-1.5, 0.0, 4.0])
    array([-0.375,  0.   ,  4.   ])
    """
    raise NotImplementedError("hardswish is not implemented yet")


def softsign(x: ArrayLike) -> np.ndarray:
    """Softsign: squashes into (-1, 1) like tanh, but approaches the bounds slowly.

        softsign(x) = x / (1 + |x|)

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in (-1, 1) (within rounding).

    Watch out
    ---------
    * The absolute value is in the denominator: ``1 + x`` divides by zero at -1.
    * It saturates polynomially (as 1/|x|), not exponentially like tanh, so its
      gradient vanishes more slowly.

    Example
    -------
    >>> softsign([-3.0, 0.0, 1.0])
    array([-0.75,  0.  ,  0.5 ])
    """
    raise NotImplementedError("softsign is not implemented yet")


def celu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """Continuously differentiable ELU.

        celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))

    Unlike ELU, its slope at 0 is 1 from both sides for every ``alpha``.

    Parameters
    ----------
    x : array-like
        Input of any shape.
    alpha : float, default 1.0
        The negative side levels off at ``-alpha``; ``alpha > 0``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * ``x`` is divided by ``alpha`` inside the exponential: that is what makes it
      differ from ELU.
    * ``np.where`` evaluates both branches: ``np.exp(x / alpha)`` overflows for large
      positive x even where it is not selected. ``np.expm1(np.minimum(x, 0) / alpha)``
      is safe, and exact near 0.

    Example
    -------
    >>> celu([-1.0, 2.0], alpha=2.0)
    array([-0.78693868,  2.        ])
    """
    raise NotImplementedError("celu is not implemented yet")


def logsigmoid(x: ArrayLike) -> np.ndarray:
    """The logarithm of the sigmoid, as used by the log-likelihood of a binary label.

        logsigmoid(x) = log(sigmoid(x)) = -softplus(-x) = -log(1 + exp(-x))

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value <= 0.

    Watch out
    ---------
    * ``np.log(sigmoid(x))`` is ``log(0) = -inf`` once ``sigmoid(x)`` underflows to 0
      (x below about -745), where the true value is about ``x``. Never take the log
      of a sigmoid: compute ``-softplus(-x)`` stably, e.g.
      ``np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))``.

    Example
    -------
    >>> logsigmoid([-1000.0, 0.0, 2.0])  # about x for very negative x, never -inf
    array([-1.00000000e+03, -6.93147181e-01, -1.26928011e-01])
    """
    raise NotImplementedError("logsigmoid is not implemented yet")


def log_softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """The logarithm of the softmax along ``axis``: log-probabilities.

        log_softmax(x)_i = x_i - log(sum_j exp(x_j))

    Parameters
    ----------
    x : array-like
        Scores of any shape (at least 1-d).
    axis : int, default -1
        The axis along which the entries form one distribution.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; ``np.exp`` of the result sums to 1 along ``axis``.

    Watch out
    ---------
    * ``np.log(softmax(x))`` is ``-inf`` where a softmax entry underflows to 0.
      Subtract the maximum ``m`` along the axis first (with ``keepdims=True``):
      ``x - m - log(sum(exp(x - m)))``; no exp overflows and no log sees a 0.

    Example
    -------
    >>> log_softmax([1.0, 2.0, 3.0])
    array([-2.40760596, -1.40760596, -0.40760596])
    """
    raise NotImplementedError("log_softmax is not implemented yet")


def softshrink(x: ArrayLike, lambd: float = 0.5) -> np.ndarray:
    """Soft shrinkage: moves every value towards 0 by ``lambd``; what is within
    ``lambd`` of 0 becomes 0 (the proximal step of an L1 penalty).

        softshrink(x) = x - lambd   for x > lambd
                        x + lambd   for x < -lambd
                        0           otherwise

    Parameters
    ----------
    x : array-like
        Input of any shape.
    lambd : float, default 0.5
        How far values are moved towards 0 (lambd >= 0).

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Example
    -------
    >>> softshrink([-2.0, 0.25, 1.0])
    array([-1.5,  0. ,  0.5])
    """
    raise NotImplementedError("softshrink is not implemented yet")
