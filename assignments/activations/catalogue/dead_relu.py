"""Saturated units: the other way a network stops learning.

A stub a course may add to ``dead_relu.py`` (``grader new`` copies it into the
student file, after that file's header and rules). A dead ReLU passes no gradient
because its input is always negative; a saturated sigmoid or tanh unit passes almost
none because its input sits far out on a flat tail, where the derivative is tiny.
"""

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

    The network is that of ``relu_activity``, with ``nonlinearity`` after every
    layer instead of ReLU::

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
