"""Derivatives of the activation functions: what backpropagation multiplies by.

Each ``*_grad`` function returns the elementwise derivative d f / d x of the
activation with the same name, evaluated at ``x``, and takes the same parameters.
Softmax is not elementwise, so instead of a derivative you write its
vector-Jacobian product, ``softmax_vjp``.

The rules are those of ``activations.py``
-----------------------------------------
* Libraries: ``numpy`` and ``math``, and from ``scipy.special`` only ``erf``,
  ``erfc`` and ``ndtr``. No ready-made implementations (``scipy.special.expit``,
  ``scipy.special.softmax``, ``torch``, ``jax``, ``tensorflow``, automatic
  differentiation of any kind).
* Vectorized: no Python loop over the elements.
* dtype: float32 in, float32 out; anything else gives float64.
* Never modify the input.
* Finite input of any size gives a finite output with no floating-point warning.
  A saturated sigmoid has derivative 0, so ``sigmoid_grad(-1000.0)`` is 0.0,
  silently.

Reusing your activations
------------------------
Most derivatives are easiest to write with the activation itself (the derivative
of sigmoid is ``s * (1 - s)`` with ``s = sigmoid(x)``). Import your own file; this
is allowed, and it keeps the numerically careful code in one place::

    from activations import sigmoid, softplus

Kinks
-----
ReLU, Leaky ReLU, ELU and SELU have a kink at x = 0 where the derivative jumps. The
grader uses the left-hand value there, as PyTorch does: ``relu_grad(0) = 0``,
``leaky_relu_grad(0) = alpha``, ``elu_grad(0) = alpha``,
``selu_grad(0) = SELU_LAMBDA * SELU_ALPHA``. In code: the "x > 0" branch is the
strict inequality.

Checking yourself
-----------------
Compare with a central finite difference, which is accurate to about 1e-8 for
smooth functions (not across a kink)::

    h = 1e-6
    numeric = (f(x + h) - f(x - h)) / (2 * h)
    np.testing.assert_allclose(f_grad(x), numeric, rtol=1e-5, atol=1e-8)

You may add your own helper functions to this file.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of sigmoid.

        sigmoid'(x) = s * (1 - s),   s = sigmoid(x)

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in [0, 1/4].

    Watch out
    ---------
    * Vanishing gradients: the largest value is 1/4, at x = 0, and it goes to 0
      quickly as |x| grows. This is what "saturation" means for training.
    * Build it on a stable sigmoid; at x = +-1000 the answer is 0.0 with no
      warning.
    """
    raise NotImplementedError("sigmoid_grad is not implemented yet")


def tanh_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of tanh.

        tanh'(x) = 1 - tanh(x)**2

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
    * The maximum is 1 at x = 0 (four times sigmoid's), but for |x| above a few
      units it is as close to 0 as sigmoid's: tanh saturates too.
    """
    raise NotImplementedError("tanh_grad is not implemented yet")


def relu_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of ReLU.

        relu'(x) = 1  if x > 0
                   0  otherwise        (relu'(0) = 0 by convention)

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value 0.0 or 1.0 (floats, not booleans).

    Watch out
    ---------
    * At x = 0 the value is 0, as in PyTorch.
    * This is why a dead ReLU stays dead: if x <= 0 for every input, every
      gradient through the unit is multiplied by 0 and its weights never change.
    * A comparison such as ``x > 0`` gives booleans; convert to the right float
      dtype.
    """
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float64)
    return (x > 0).astype(x.dtype)


def leaky_relu_grad(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """Derivative of Leaky ReLU.

        leaky_relu'(x) = 1      if x > 0
                         alpha  otherwise        (the value at x = 0 is alpha)

    Parameters
    ----------
    x : array-like
        Input of any shape.
    alpha : float, default 0.01
        Slope for negative inputs, in [0, 1).

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * The gradient for negative inputs is small but never 0 (for alpha > 0):
      that is how Leaky ReLU keeps units from dying.
    """
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float64)
    return np.where(x > 0, 1.0, alpha).astype(x.dtype)


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """Derivative of ELU.

        elu'(x) = 1               if x > 0
                  alpha * exp(x)  otherwise       (the value at x = 0 is alpha)

    Parameters
    ----------
    x : array-like
        Input of any shape.
    alpha : float, default 1.0
        Same ``alpha`` as in ``elu``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * Same overflow trap as ``elu``: ``np.where`` evaluates ``exp(x)`` for the
      large positive x too. Only give ``exp`` values <= 0.
    * For x <= 0 this equals ``elu(x) + alpha``.
    """
    raise NotImplementedError("elu_grad is not implemented yet")


def selu_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of SELU.

        selu'(x) = SELU_LAMBDA                           if x > 0
                   SELU_LAMBDA * SELU_ALPHA * exp(x)     otherwise

    The value at x = 0 is ``SELU_LAMBDA * SELU_ALPHA``. The constants are in
    ``activations.py``; import them rather than retyping them.

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
    * Same overflow trap as ``elu_grad``.
    """
    raise NotImplementedError("selu_grad is not implemented yet")


def gelu_grad(x: ArrayLike, approximate: bool = False) -> np.ndarray:
    """Derivative of GELU (exact or tanh approximation, like ``gelu``).

    Exact, with Phi the standard normal CDF and phi its density:

        gelu'(x) = Phi(x) + x * phi(x),   phi(x) = exp(-x**2 / 2) / sqrt(2 * pi)

    Approximate, with u = sqrt(2 / pi) * (x + 0.044715 * x**3) and t = tanh(u):

        gelu'(x) = 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * sqrt(2 / pi) * (1 + 3 * 0.044715 * x**2)

    Parameters
    ----------
    x : array-like
        Input of any shape.
    approximate : bool, default False
        Differentiate the tanh approximation instead of the exact GELU.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * Differentiate the same formula that ``gelu`` uses for this
      ``approximate``: the exact and the approximate derivatives differ by up to
      about 1e-3.
    * ``x**2`` and ``x**3`` overflow for huge |x| (with a warning) although the
      derivative there is simply 0 or 1. Limit x before squaring or cubing.
    """
    raise NotImplementedError("gelu_grad is not implemented yet")


def softplus_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of softplus.

        softplus'(x) = exp(x) / (1 + exp(x)) = sigmoid(x)

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
    * Written as ``exp(x) / (1 + exp(x))`` it overflows to inf / inf = nan for
      large x. You already have a stable function with this value.
    """
    raise NotImplementedError("softplus_grad is not implemented yet")


def swish_grad(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    """Derivative of swish with respect to x.

        swish'(x) = s + beta * x * s * (1 - s),   s = sigmoid(beta * x)

    Parameters
    ----------
    x : array-like
        Input of any shape.
    beta : float, default 1.0
        Same ``beta`` as in ``swish``, positive.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * Don't forget the ``beta`` from the chain rule in the second term.
    * For large positive x the value tends to 1, for large negative x to 0;
      ``x * s * (1 - s)`` must stay finite (and silent) there.
    """
    raise NotImplementedError("swish_grad is not implemented yet")


def mish_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of mish.

        mish'(x) = t + x * (1 - t**2) * sigmoid(x),   t = tanh(softplus(x))

    (The chain rule through tanh and softplus: tanh' = 1 - tanh**2 and
    softplus' = sigmoid.)

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
    * Build it from your stable ``softplus`` and ``sigmoid``.
    """
    raise NotImplementedError("mish_grad is not implemented yet")


def softmax_vjp(x: ArrayLike, upstream: ArrayLike, axis: int = -1) -> np.ndarray:
    """Vector-Jacobian product of softmax: backpropagation through softmax.

    Returns the gradient with respect to ``x`` of ``sum(upstream * softmax(x, axis))``.
    Along ``axis``, with s = softmax(x), the Jacobian of softmax is

        d s_i / d x_j = s_i * (delta_ij - s_j)

    (delta_ij is 1 when i == j, else 0), and the result is
    ``result_j = sum_i upstream_i * d s_i / d x_j``, one such vector for every
    position along the other axes.

    Parameters
    ----------
    x : array-like
        Scores, same as for ``softmax``.
    upstream : array-like
        The gradient arriving from the layers above, same shape as ``x``.
    axis : int, default -1
        The softmax axis.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * Don't build the n-by-n Jacobian: multiply the formula out by hand. The
      result needs only ``s``, ``upstream`` and one sum along ``axis``
      (``keepdims=True``).
    * Use your stable softmax; ``x`` may contain very large scores.
    * The result sums to 0 along ``axis``: adding a constant to all scores does
      not change softmax.
    """
    raise NotImplementedError("softmax_vjp is not implemented yet")
