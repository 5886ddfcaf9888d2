"""Weight initializers: where training starts, and why the scale matters.

A layer computes ``h @ W + b``, so a weight matrix has shape ``(fan_in, fan_out)``:
``fan_in`` inputs feed each unit, and the layer has ``fan_out`` units.

Why the scale matters
---------------------
Each pre-activation is a sum of ``fan_in`` products ``h_i * w_ij``. With independent
zero-mean weights its variance is about ``fan_in * Var(w) * E[h**2]``:

* weights too small, and the signal (and the gradient) shrinks layer after layer;
* weights too large, and it grows until sigmoid and tanh units saturate, where
  their gradient is almost 0;
* all weights equal (for example all zeros), and every unit of a layer computes
  the same thing and receives the same gradient, so they stay identical forever:
  the symmetry never breaks.

Choosing ``Var(w)`` proportional to ``1 / fan`` keeps the variance steady. Xavier
(Glorot) initialization balances the forward pass (fan_in) and the backward pass
(fan_out) with ``2 / (fan_in + fan_out)``; it suits tanh and sigmoid. He
initialization uses ``2 / fan_in``: ReLU zeroes about half of its inputs, and the
factor 2 makes up for that. LeCun initialization, ``1 / fan_in``, goes with SELU.

A uniform distribution U(-a, a) has variance ``a**2 / 3``, which is where the
``sqrt(6 / ...)`` limits below come from.

Rules
-----
* Draw ALL randomness from the ``rng`` argument, a ``numpy.random.Generator``
  (``rng.normal``, ``rng.uniform``, ...). Never use ``np.random.normal``,
  ``np.random.seed`` or a new ``np.random.default_rng()`` of your own: results
  must be reproducible, and the grader checks that the same seed gives the same
  weights and that a different seed gives different ones.
* Return a float64 ``numpy.ndarray`` of shape ``(fan_in, fan_out)``.
* Libraries: ``numpy`` and ``math`` (``math.sqrt`` is fine for a constant).
* No Python loop over the elements: one call to ``rng`` fills the whole matrix.

You may add your own helper functions to this file (one helper shared by the
normal initializers, for instance).
"""

from __future__ import annotations

import numpy as np


def zeros(fan_in: int, fan_out: int) -> np.ndarray:
    """All-zero weights: the symmetry that never breaks.

    Parameters
    ----------
    fan_in : int
        Number of inputs of each unit (rows).
    fan_out : int
        Number of units in the layer (columns).

    Returns
    -------
    numpy.ndarray
        float64 zeros of shape ``(fan_in, fan_out)``.

    Watch out
    ---------
    * Fine for biases, useless for the weights of a hidden layer: every unit
      gets the same output and the same gradient, so the layer behaves like a
      single unit however wide it is. This one is here to show you that.
    """
    return np.zeros((fan_in, fan_out))


def random_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, std: float = 0.01
) -> np.ndarray:
    """Weights drawn from N(0, std**2), with a fixed std that ignores the layer size.

    Parameters
    ----------
    fan_in : int
        Number of inputs of each unit (rows).
    fan_out : int
        Number of units in the layer (columns).
    rng : numpy.random.Generator
        The only source of randomness you may use.
    std : float, default 0.01
        Standard deviation (not variance) of the weights.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(fan_in, fan_out)``.

    Watch out
    ---------
    * It breaks the symmetry, but the scale does not follow ``fan_in``: with
      std = 0.01 the signal fades in a deep network, with std = 1 sigmoid and
      tanh units saturate.
    * ``rng.normal(loc, scale, size)`` takes the standard deviation as ``scale``.
    """
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def xavier_uniform(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0
) -> np.ndarray:
    """Xavier (Glorot) uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    The variance is ``gain**2 * 2 / (fan_in + fan_out)``, the same as
    ``xavier_normal``.

    Parameters
    ----------
    fan_in : int
        Number of inputs of each unit (rows).
    fan_out : int
        Number of units in the layer (columns).
    rng : numpy.random.Generator
        The only source of randomness you may use.
    gain : float, default 1.0
        Scale factor for the activation that follows (see ``calculate_gain``).

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(fan_in, fan_out)``, every value in [-a, a].

    Watch out
    ---------
    * Both fans count here, unlike in He and LeCun initialization.
    """
    raise NotImplementedError("xavier_uniform is not implemented yet")


def xavier_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0
) -> np.ndarray:
    """Xavier (Glorot) normal: N(0, gain**2 * 2 / (fan_in + fan_out)).

    Parameters
    ----------
    fan_in : int
        Number of inputs of each unit (rows).
    fan_out : int
        Number of units in the layer (columns).
    rng : numpy.random.Generator
        The only source of randomness you may use.
    gain : float, default 1.0
        Scale factor for the activation that follows (see ``calculate_gain``).

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(fan_in, fan_out)``.

    Watch out
    ---------
    * The formula gives the variance; ``rng.normal`` wants the standard
      deviation, its square root.
    """
    raise NotImplementedError("xavier_normal is not implemented yet")


def he_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """He (Kaiming) uniform: U(-a, a) with a = sqrt(6 / fan_in).

    The variance is ``2 / fan_in``, the same as ``he_normal``.

    Parameters
    ----------
    fan_in : int
        Number of inputs of each unit (rows).
    fan_out : int
        Number of units in the layer (columns).
    rng : numpy.random.Generator
        The only source of randomness you may use.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(fan_in, fan_out)``, every value in [-a, a].

    Watch out
    ---------
    * Only ``fan_in`` enters the scale; ``fan_out`` only sets the shape.
    """
    raise NotImplementedError("he_uniform is not implemented yet")


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """He (Kaiming) normal: N(0, 2 / fan_in), made for ReLU layers.

    Parameters
    ----------
    fan_in : int
        Number of inputs of each unit (rows).
    fan_out : int
        Number of units in the layer (columns).
    rng : numpy.random.Generator
        The only source of randomness you may use.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(fan_in, fan_out)``.

    Watch out
    ---------
    * The factor 2 compensates for ReLU setting about half of the
      pre-activations to 0; without it the signal halves in variance at every
      layer.
    * Variance 2 / fan_in means standard deviation sqrt(2 / fan_in).
    """
    raise NotImplementedError("he_normal is not implemented yet")


def lecun_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """LeCun normal: N(0, 1 / fan_in), the partner of SELU.

    Parameters
    ----------
    fan_in : int
        Number of inputs of each unit (rows).
    fan_out : int
        Number of units in the layer (columns).
    rng : numpy.random.Generator
        The only source of randomness you may use.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(fan_in, fan_out)``.

    Watch out
    ---------
    * SELU keeps activations at mean 0 and variance 1 only when the weights
      have exactly this variance.
    """
    raise NotImplementedError("lecun_normal is not implemented yet")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale factor ``gain`` for a given activation function.

    Same values as ``torch.nn.init.calculate_gain``:

        ============  ===============================================
        nonlinearity  gain
        ============  ===============================================
        "linear"      1
        "sigmoid"     1
        "tanh"        5 / 3
        "relu"        sqrt(2)
        "leaky_relu"  sqrt(2 / (1 + slope**2)), slope = ``param``
                      (0.01 when ``param`` is None)
        "selu"        3 / 4
        ============  ===============================================

    Parameters
    ----------
    nonlinearity : str
        Name of the activation, one of the table above.
    param : float or None, default None
        The negative slope for "leaky_relu"; ignored for the others.

    Returns
    -------
    float
        The gain, to pass as ``gain=`` to ``xavier_uniform`` or ``xavier_normal``.

    Raises
    ------
    ValueError
        For any other ``nonlinearity``; say which name was not recognised.

    Watch out
    ---------
    * The gain multiplies the standard deviation, so the variance grows by
      gain**2: sqrt(2) for ReLU is exactly He's factor 2.
    """
    raise NotImplementedError("calculate_gain is not implemented yet")
