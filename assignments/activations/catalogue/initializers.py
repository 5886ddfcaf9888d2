"""The lecture's depth experiment, beside the initializers.

A stub a course may add to ``initializers.py`` (``grader new`` copies it into the
student file, after that file's header and rules). Draw every random number from the
``rng`` you are given.
"""

from __future__ import annotations

import numpy as np


def activation_stats(
    init: str,
    nonlinearity: str,
    depth: int,
    width: int,
    rng: np.random.Generator,
    samples: int = 1000,
) -> np.ndarray:
    """The spread of the activations, layer by layer, through a deep network.

    The experiment of the lecture::

        h = rng.standard_normal((samples, width))
        for each of the depth layers:
            W = init(width, width, rng)       # your initializer of that name
            h = f(h @ W)                      # no bias
            record h.std()                    # over all samples and units

    Parameters
    ----------
    init : str
        The name of an initializer of this file that takes ``(fan_in, fan_out,
        rng)``: "random_normal" (with its default std 0.01), "xavier_uniform",
        "xavier_normal", "he_uniform", "he_normal" or "lecun_normal".
    nonlinearity : str
        "tanh", "relu", "sigmoid" or "linear" (f(a) = a).
    depth : int
        The number of layers.
    width : int
        The number of units of every layer (and of the input).
    rng : numpy.random.Generator
        The only source of randomness: the inputs and every weight matrix.
    samples : int, default 1000
        The number of input rows.

    Returns
    -------
    numpy.ndarray
        float64, shape ``(depth,)``: the standard deviation of each layer's
        activations ``h``.

    Raises
    ------
    ValueError
        For an initializer or a nonlinearity name not in the lists above.

    What you should see
    -------------------
    Xavier keeps a tanh network's activations spread; He keeps a ReLU network's
    std stable layer after layer; small random weights (std 0.01) make the
    activations collapse towards 0 with depth.
    """
    raise NotImplementedError("activation_stats is not implemented yet")
