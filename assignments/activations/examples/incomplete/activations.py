"""Activation functions: the non-linearities between the layers of a network.

Without them a stack of layers is just one big linear map, however deep it is.
Each function below takes ``x`` (a Python number, a list, or a NumPy array of any
shape, including 0-d) and returns a NumPy array of the same shape.

Rules (the grader checks every one of them)
-------------------------------------------
* Libraries: ``numpy`` and ``math``, and from ``scipy.special`` only ``erf``,
  ``erfc`` and ``ndtr`` (handy for GELU). Ready-made versions of the functions you
  are writing are not allowed: no ``scipy.special.expit``, ``scipy.special.softmax``,
  ``torch``, ``jax``, ``tensorflow`` and the like.
* Vectorized: work on whole arrays (``np.exp``, ``np.where``, ``np.maximum``, ...).
  No Python loop over the elements, and no ``np.vectorize`` (it is a loop in
  disguise). ``math`` functions only work on one number at a time, so they are for
  constants, not for ``x``.
* dtype: float32 in, float32 out. Anything else (float64, integers, booleans,
  lists, Python numbers) gives float64. Convert once at the top with
  ``np.asarray`` and ``astype``; note that ``np.maximum`` of an integer array is
  still an integer array.
* Never modify the input. ``x[x < 0] = 0`` or ``np.exp(x, out=x)`` would change the
  caller's array. Build a new array instead (``astype`` returns a copy).
* Numerically stable: finite input of ANY size gives a finite output, with no
  floating-point warning (overflow, invalid value, divide by zero). For example
  ``sigmoid(-1000.0)`` must be exactly ``0.0``, silently, although
  ``np.exp(1000.0)`` is ``inf`` with a RuntimeWarning. In float64 ``exp`` overflows
  above about 709, in float32 above about 88.
* ``np.where(condition, a, b)`` computes ``a`` and ``b`` for EVERY element before
  choosing. A branch that is "not selected" can still overflow and warn, so only
  give ``exp`` the values its branch really uses.

You may add your own helper functions to this file and call one of your functions
from another one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

# The two constants of SELU (Klambauer et al., 2017), to full double precision.
SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def sigmoid(x: ArrayLike) -> np.ndarray:
    """Logistic sigmoid: squashes any real number into (0, 1).

        sigmoid(x) = 1 / (1 + exp(-x))

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
    * Overflow: for x = -1000, ``exp(-x)`` is ``exp(1000)`` = inf. The formula then
      gives 1 / inf = 0, the right value, but NumPy warns, and the grader counts
      that as a failure. For negative x use the equivalent form
      ``exp(x) / (1 + exp(x))``, where ``exp`` only ever sees numbers <= 0.
    * Saturation: for large |x| the curve is flat, so its slope is almost 0 and
      the gradient flowing back through the neuron vanishes. Its slope is at most
      1/4 (at x = 0), so a gradient passing through many sigmoid layers shrinks at
      least 4x per layer.
    * Not zero-centred: the outputs are always positive. The weights of the next
      layer then all receive gradients of the same sign, and gradient descent
      zig-zags towards the minimum instead of going straight.

    Example
    -------
    >>> sigmoid([0.0, 2.0])
    array([0.5       , 0.88079708])
    """
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def tanh(x: ArrayLike) -> np.ndarray:
    """Hyperbolic tangent: squashes any real number into (-1, 1).

        tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)) = 2 * sigmoid(2x) - 1

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value in [-1, 1].

    Watch out
    ---------
    * Unlike sigmoid it is zero-centred (tanh(0) = 0, odd function), which makes
      optimisation better behaved.
    * It still saturates: for |x| larger than about 3 it is flat, and gradients
      vanish just like with sigmoid.
    * The textbook formula overflows for large |x| (inf / inf is nan). NumPy's
      own ``np.tanh`` is allowed here and handles this for you.

    Example
    -------
    >>> tanh([0.0, 1.0])
    array([0.        , 0.76159416])
    """
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float64)
    return np.tanh(x)


def relu(x: ArrayLike) -> np.ndarray:
    """Rectified linear unit: keeps positive values, replaces the rest by 0.

        relu(x) = max(0, x)

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value >= 0.

    Watch out
    ---------
    * No saturation for x > 0 (the slope is exactly 1 there), which is why deep
      networks train much faster with ReLU than with sigmoid or tanh.
    * Dying ReLU: for x <= 0 the output AND the gradient are 0. A unit whose
      pre-activation is negative for every input (for example after one too
      large update pushed its bias far below zero) outputs 0, receives no
      gradient, and never recovers. See ``dead_relu.py``.
    * dtype: ``np.maximum(x, 0)`` of an integer array is an integer array; the
      result must be float64 (or float32 for float32 input).

    Example
    -------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float64)
    return np.maximum(x, 0.0)


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """Leaky ReLU: like ReLU, but negative inputs keep a small slope ``alpha``.

        leaky_relu(x) = x          if x > 0
                        alpha * x  otherwise

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
    * This is the simplest remedy for dying ReLU: a unit with negative
      pre-activations still gets a gradient of ``alpha`` and can come back.
    * With alpha = 0 it is exactly ReLU. With 0 <= alpha < 1 it is also
      ``max(x, alpha * x)``; think about why that needs alpha < 1.

    Example
    -------
    >>> leaky_relu([-2.0, 3.0], alpha=0.1)
    array([-0.2,  3. ])
    """
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float64)
    return np.where(x > 0, x, alpha * x)


def elu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: identity for x > 0, a smooth exponential below.

        elu(x) = x                     if x > 0
                 alpha * (exp(x) - 1)  otherwise

    Parameters
    ----------
    x : array-like
        Input of any shape.
    alpha : float, default 1.0
        The value ``-alpha`` is where elu levels off for very negative x.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value > -alpha.

    Watch out
    ---------
    * Negative outputs pull the mean activation towards 0 (a remedy both for
      dying ReLU and for the not-zero-centred problem), and the gradient for
      x < 0 is small but not 0.
    * Overflow: if you write ``np.where(x > 0, x, alpha * (np.exp(x) - 1))``,
      ``np.exp`` also runs on x = 1000 and overflows with a warning, even
      though that value is thrown away. Only give ``exp`` values <= 0.
    * ``np.expm1(t)`` computes exp(t) - 1 accurately even for tiny t, where
      ``np.exp(t) - 1`` loses digits.

    Example
    -------
    >>> elu([-1.0, 2.0])
    array([-0.63212056,  2.        ])
    """
    raise NotImplementedError("elu is not implemented yet")


def selu(x: ArrayLike) -> np.ndarray:
    """Scaled ELU: ELU with two fixed constants that make it self-normalizing.

        selu(x) = SELU_LAMBDA * x                             if x > 0
                  SELU_LAMBDA * SELU_ALPHA * (exp(x) - 1)     otherwise

    with SELU_LAMBDA = 1.0507009873554804934193349852946 and
    SELU_ALPHA = 1.6732632423543772848170429916717 (defined at the top of this file).

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
    * The constants are chosen so that, with weights from ``lecun_normal``,
      activations keep mean 0 and variance 1 from layer to layer: the network
      normalizes itself. Use the constants exactly as given.
    * The same overflow trap as ``elu``: don't let ``exp`` see large positive x.

    Example
    -------
    >>> selu([-1.0, 1.0])
    array([-1.11133074,  1.05070099])
    """
    raise NotImplementedError("selu is not implemented yet")


def gelu(x: ArrayLike, approximate: bool = False) -> np.ndarray:
    """Gaussian error linear unit: x weighted by how likely a N(0, 1) draw is below x.

        gelu(x) = x * Phi(x),   Phi(x) = (1 + erf(x / sqrt(2))) / 2

    where Phi is the cumulative distribution function of the standard normal
    distribution. With ``approximate=True`` use the tanh approximation instead:

        gelu(x) = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))

    Parameters
    ----------
    x : array-like
        Input of any shape.
    approximate : bool, default False
        Use the tanh formula instead of the exact one.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * ``math.erf`` works on one number only. Use ``scipy.special.erf``, ``erfc`` or
      ``ndtr`` (which is Phi itself); these three are allowed.
    * For very negative x, ``1 + erf(x / sqrt(2))`` is 1 plus a number very close
      to -1, and the digits cancel. ``erfc`` or ``ndtr`` avoid that.
    * In the approximation, ``x**3`` overflows for huge |x| (about 1e102 in
      float64, 1e12 in float32) although the tanh is simply +1 or -1 there.

    Example
    -------
    >>> gelu([-1.0, 1.0])
    array([-0.15865525,  0.84134475])
    """
    raise NotImplementedError("gelu is not implemented yet")


def softplus(x: ArrayLike) -> np.ndarray:
    """Softplus: a smooth version of ReLU.

        softplus(x) = log(1 + exp(x))

    Parameters
    ----------
    x : array-like
        Input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, every value >= 0 (and >= x).

    Watch out
    ---------
    * ``exp(x)`` overflows for x = 1000, but softplus(1000) is simply 1000.
      Rewrite the formula so that ``exp`` only sees numbers <= 0; it helps to
      treat the positive and the negative part of x separately.
    * ``np.log1p(t)`` computes log(1 + t) accurately for tiny t, where
      ``np.log(1 + t)`` rounds to 0.
    * Its derivative is exactly ``sigmoid``.

    Example
    -------
    >>> softplus([0.0, 1.0])
    array([0.69314718, 1.31326169])
    """
    raise NotImplementedError("softplus is not implemented yet")


def swish(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    """Swish: x gated by its own sigmoid (called SiLU when beta = 1).

        swish(x) = x * sigmoid(beta * x)

    Parameters
    ----------
    x : array-like
        Input of any shape.
    beta : float, default 1.0
        Sharpness of the gate, positive. As beta grows, swish approaches ReLU.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Watch out
    ---------
    * It is smooth and dips slightly below 0 for negative x (not monotonic).
    * Reuse your own, stable ``sigmoid``: ``beta * x`` can be very large.

    Example
    -------
    >>> swish([-1.0, 1.0])
    array([-0.26894142,  0.73105858])
    """
    raise NotImplementedError("swish is not implemented yet")


def mish(x: ArrayLike) -> np.ndarray:
    """Mish: x gated by tanh of its softplus.

        mish(x) = x * tanh(softplus(x))

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
    * Like swish it is smooth, slightly negative for x < 0, and does not
      saturate for x > 0.
    * Build it from your stable ``softplus`` so that large |x| stays finite
      and silent.

    Example
    -------
    >>> mish([-1.0, 1.0])
    array([-0.30340146,  0.86509839])
    """
    raise NotImplementedError("mish is not implemented yet")


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """Softmax: turns scores into probabilities along one axis.

        softmax(x)_i = exp(x_i) / sum_j exp(x_j)     (sum along ``axis``)

    Parameters
    ----------
    x : array-like
        Scores of any shape with at least one dimension.
    axis : int, default -1
        The axis along which the result sums to 1 (the last one by default).
        Every other axis is independent: a (batch, classes) array gives one
        probability vector per row.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; values in [0, 1] that sum to 1 along ``axis``.

    Watch out
    ---------
    * Overflow: exp(1000) is inf, and inf / inf is nan. Softmax does not change
      when you subtract the same number from every score along the axis, so
      subtract the maximum first: then the largest exponent is exp(0) = 1.
    * Shapes: reduce with ``keepdims=True`` so the sum (or max) broadcasts back
      against ``x`` for any ``axis``.
    * This is not elementwise: each output depends on all the scores along
      ``axis``.

    Example
    -------
    >>> softmax([1.0, 2.0, 3.0])
    array([0.09003057, 0.24472847, 0.66524096])
    """
    raise NotImplementedError("softmax is not implemented yet")
