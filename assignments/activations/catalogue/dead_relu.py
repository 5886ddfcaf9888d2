"""Finding saturated units in a sigmoid or tanh network.

A dead ReLU passes no gradient because its input is always negative. A saturated
sigmoid or tanh unit passes almost none: its input sits far out on a flat tail, where
the derivative is tiny, so the gradient that reaches its weights all but vanishes.
The usual causes are weights initialized too large for the nonlinearity (use Xavier
for sigmoid and tanh) and inputs that are not normalised.

The network
-----------
``weights[l]`` has shape ``(n_l, n_{l+1})`` and ``biases[l]`` shape ``(n_{l+1},)``.
``X`` has shape ``(n_samples, n_0)``. Every layer is followed by the nonlinearity f
(sigmoid or tanh)::

    h_0 = X
    a_l = h_l @ weights[l] + biases[l]      (pre-activation of layer l)
    h_{l+1} = f(a_l)

Rules
-----
* Libraries: ``numpy`` and ``math``. You may import your own files.
* Vectorized over samples and units: a Python loop over the layers and over the
  batches is fine, a loop over single samples or single units is not.
* Memory: handle ``X`` in batches of ``batch_size`` rows, so that a large data
  set never needs one huge array of pre-activations.
* Never modify ``weights``, ``biases`` or ``X``.
"""
# grader new: this header replaces dead_relu.py's when none of that file's functions is chosen

from __future__ import annotations

import numpy as np


def saturated_fraction(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    X: np.ndarray,
    nonlinearity: str = "sigmoid",
    threshold: float = 0.01,
    batch_size: int = 1024,
) -> list[np.ndarray]:
    """For every unit, the fraction of samples on which it is saturated.

    The network, with ``nonlinearity`` after every layer::

        h_0 = X
        a_l = h_l @ weights[l] + biases[l]
        h_{l+1} = f(a_l)

    A unit of layer l is saturated on a sample when ``f'(a_l) < threshold``, with
    ``sigmoid' = s * (1 - s)`` (``s = sigmoid(a)``) and ``tanh' = 1 - tanh(a)**2``.

    Parameters
    ----------
    weights : list of numpy.ndarray
        ``weights[l]`` of shape ``(n_l, n_{l+1})``.
    biases : list of numpy.ndarray
        ``biases[l]`` of shape ``(n_{l+1},)``.
    X : numpy.ndarray
        Inputs, shape ``(n_samples, n_0)`` with at least one sample.
    nonlinearity : str, default "sigmoid"
        "sigmoid" or "tanh"; anything else raises ``ValueError``.
    threshold : float, default 0.01
        A derivative strictly below it counts as saturated.
    batch_size : int, default 1024
        How many rows of ``X`` to push through the network at a time.

    Returns
    -------
    list of numpy.ndarray
        One float64 array per layer; entry l has shape ``(n_{l+1},)`` and values in
        [0, 1].

    Watch out
    ---------
    * Memory: go through ``X`` in batches of ``batch_size`` rows and keep only a
      count per unit between batches; divide by the number of samples once, at
      the end (the last batch is usually shorter).
    * Compute the sigmoid stably: saturated networks are exactly the ones with
      huge pre-activations.
    * Never modify ``weights``, ``biases`` or ``X``.
    """
    raise NotImplementedError("saturated_fraction is not implemented yet")
