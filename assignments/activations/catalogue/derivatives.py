"""More derivatives: those of the rest of the lecture's catalogue.

Stubs of the derivatives a course may add to ``derivatives.py`` (``grader new``
copies the ones it chooses into the student file, after that file's header and
rules). The rules of ``derivatives.py`` hold for every one of them; where a function
has a kink, the value there is PyTorch's, as stated in each docstring. You may import
your own activations (``from activations import softsign``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def prelu_grad(
    x: ArrayLike, weight: ArrayLike, upstream: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Backpropagation through PReLU: the gradients with respect to ``x`` AND ``weight``.

    With ``g = upstream`` (the gradient of the loss with respect to ``prelu(x, weight)``):

        grad_x      = g * (1 where x > 0, else weight)
        grad_weight = sum of g * x over the entries where x <= 0,
                      summed over every axis except the channel axis (axis 1)

    Parameters
    ----------
    x : array-like
        Input of any shape; axis 1 is the channel axis (see ``prelu``).
    weight : float or array-like
        A single slope, or a 1-D array of one slope per channel.
    upstream : array-like
        The incoming gradient, same shape as ``x``.

    Returns
    -------
    tuple of two numpy.ndarray
        ``(grad_x, grad_weight)``: ``grad_x`` has the shape of ``x`` (and its dtype
        rule: float32 stays float32, else float64); ``grad_weight`` has the shape of
        ``weight`` (a 0-d float64 array for a single slope).

    Watch out
    ---------
    * The kink: at x = 0 PyTorch uses the left-hand slope, so ``grad_x`` is
      ``upstream * weight`` there. Use ``x > 0``, not ``x >= 0``, for the slope 1.
    * A slope shared by many entries collects the gradient of every entry it
      multiplies: sum over the batch (and the other axes), not just the first sample.

    Example
    -------
    >>> prelu_grad([-2.0, 0.0, 3.0], 0.25, [1.0, 1.0, 1.0])
    (array([0.25, 0.25, 1.  ]), array(-2.))
    """
    raise NotImplementedError("prelu_grad is not implemented yet")


def hardtanh_grad(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    """Derivative of hardtanh.

        hardtanh'(x) = 1   for min_val < x < max_val
                       0   otherwise, including at min_val and at max_val

    Parameters
    ----------
    x : array-like
        Input of any shape.
    min_val, max_val : float, default -1.0 and 1.0
        The bounds of hardtanh.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value 0 or 1.

    Watch out
    ---------
    * The kinks move with the parameters, and at both of them the derivative is 0
      (as in PyTorch): use strict inequalities.

    Example
    -------
    >>> hardtanh_grad([-1.0, 0.0, 1.0])
    array([0., 1., 0.])
    """
    raise NotImplementedError("hardtanh_grad is not implemented yet")


def relu6_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of relu6.

        relu6'(x) = 1   for 0 < x < 6
                    0   otherwise, including at 0 and at 6

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value 0 or 1.

    Example
    -------
    >>> relu6_grad([0.0, 3.0, 6.0])
    array([0., 1., 0.])
    """
    raise NotImplementedError("relu6_grad is not implemented yet")


def hardsigmoid_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of hardsigmoid.

        hardsigmoid'(x) = 1/6   for -3 < x < 3
                          0     otherwise, including at -3 and at 3

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
    >>> hardsigmoid_grad([-3.0, 0.0, 3.0])
    array([0.        , 0.16666667, 0.        ])
    """
    raise NotImplementedError("hardsigmoid_grad is not implemented yet")


def hardswish_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of hardswish, with PyTorch's values at the kinks.

        hardswish'(x) = 0             for x <= -3
                        x / 3 + 1/2   for -3 < x < 3
                        1             for x >= 3

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * At both kinks PyTorch (2.x) takes the outer value: 0 at x = -3 and 1 at x = 3,
      not the middle formula's -0.5 and 1.5. Mind which side each inequality
      includes.

    Example
    -------
    >>> hardswish_grad([-4.0, -3.0, 0.0, 3.0, 4.0])
    array([0. , 0. , 0.5, 1. , 1. ])
    """
    raise NotImplementedError("hardswish_grad is not implemented yet")


def softsign_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of softsign.

        softsign'(x) = 1 / (1 + |x|)**2

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in (0, 1].

    Watch out
    ---------
    * ``(1 + |x|)**2`` overflows for |x| above about 1e154. ``(1 / (1 + |x|))**2``
      only underflows, quietly, to 0.

    Example
    -------
    >>> softsign_grad([-1.0, 0.0, 3.0])
    array([0.25  , 1.    , 0.0625])
    """
    raise NotImplementedError("softsign_grad is not implemented yet")


def celu_grad(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """Derivative of celu.

        celu'(x) = 1                for x > 0
                   exp(x / alpha)   otherwise

    Parameters
    ----------
    x : array-like
        Input of any shape.
    alpha : float, default 1.0
        As in ``celu``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in (0, 1].

    Watch out
    ---------
    * The ``alpha`` in front of the exponential cancels with the ``1 / alpha`` of
      the chain rule.
    * ``np.exp(x / alpha)`` overflows for large positive x even in the branch that
      ``np.where`` does not select: use ``np.exp(np.minimum(x, 0) / alpha)``.

    Example
    -------
    >>> celu_grad([-2.0, 1.0], alpha=2.0)
    array([0.36787944, 1.        ])
    """
    raise NotImplementedError("celu_grad is not implemented yet")


def logsigmoid_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of logsigmoid.

        logsigmoid'(x) = 1 - sigmoid(x) = sigmoid(-x)

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in [0, 1].

    Watch out
    ---------
    * Compute ``sigmoid(-x)`` stably (``np.exp`` only of ``-|x|``):
      ``1 / (1 + np.exp(x))`` overflows for x > 709.

    Example
    -------
    >>> logsigmoid_grad([0.0, 1000.0])
    array([0.5, 0. ])
    """
    raise NotImplementedError("logsigmoid_grad is not implemented yet")


def log_softmax_vjp(x: ArrayLike, upstream: ArrayLike, axis: int = -1) -> np.ndarray:
    """Vector-Jacobian product of log_softmax: backpropagation through it.

    With ``s = softmax(x)`` and ``g = upstream``, the gradient of
    ``sum(g * log_softmax(x))`` with respect to ``x`` is

        g - s * sum(g, axis, keepdims=True)

    Parameters
    ----------
    x : array-like
        Scores of any shape (at least 1-d).
    upstream : array-like
        The incoming gradient, same shape as ``x``.
    axis : int, default -1
        As in ``log_softmax``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * The Jacobian of log_softmax is ``I - 1 s^T``: every output feels the whole
      sum of ``g``. Never build that n-by-n matrix: the formula above needs one sum
      along the axis (the grader measures the memory your function uses).
    * Compute ``s`` stably (subtract the maximum along the axis first).

    Example
    -------
    >>> log_softmax_vjp([0.0, 0.0], [1.0, 0.0])
    array([ 0.5, -0.5])
    """
    raise NotImplementedError("log_softmax_vjp is not implemented yet")


def softshrink_grad(x: ArrayLike, lambd: float = 0.5) -> np.ndarray:
    """Derivative of softshrink.

        softshrink'(x) = 1   for |x| > lambd
                         0   otherwise, including at -lambd and at lambd

    Parameters
    ----------
    x : array-like
        Input of any shape.
    lambd : float, default 0.5
        The lambd of softshrink.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value 0 or 1.

    Watch out
    ---------
    * The kinks move with ``lambd``, and at both of them the derivative is 0 (as in
      PyTorch): use strict inequalities.

    Example
    -------
    >>> softshrink_grad([-2.0, -0.5, 0.25, 0.5, 1.0])
    array([1., 0., 0., 0., 1.])
    """
    raise NotImplementedError("softshrink_grad is not implemented yet")
