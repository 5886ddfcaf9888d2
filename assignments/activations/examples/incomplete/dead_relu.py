"""Finding dead ReLU units in a trained network.

A ReLU unit is dead when its pre-activation is <= 0 for every input: it always
outputs 0, its derivative (``relu_grad``) is 0 everywhere, so no gradient ever
reaches its weights and it can never come back. The usual cause is one update
that was too large (too high a learning rate) and pushed the unit's bias far
below zero. A unit can also die because every unit feeding it is dead: its
input is then all zeros and only its bias is left.

Remedies: a smaller learning rate, He initialization, a small positive bias at
the start, or an activation with a gradient for negative inputs (Leaky ReLU,
ELU, SELU, GELU, swish, mish).

The network
-----------
``weights[l]`` has shape ``(n_l, n_{l+1})`` and ``biases[l]`` shape ``(n_{l+1},)``.
``X`` has shape ``(n_samples, n_0)``. Every layer is followed by ReLU::

    h_0 = X
    a_l = h_l @ weights[l] + biases[l]      (pre-activation of layer l)
    h_{l+1} = max(a_l, 0)

Rules
-----
* Libraries: ``numpy`` and ``math``. You may import your own files.
* Vectorized over samples and units: a Python loop over the layers and over the
  batches is fine, a loop over single samples or single units is not.
* Memory: handle ``X`` in batches of ``batch_size`` rows, so that a large data
  set never needs one huge array of pre-activations.
* Never modify ``weights``, ``biases`` or ``X``.

You may add your own helper functions to this file (a forward pass over one
batch, for instance).
"""

from __future__ import annotations

import numpy as np


def relu_activity(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    X: np.ndarray,
    batch_size: int = 1024,
) -> list[np.ndarray]:
    """For every unit, the fraction of samples on which it is active.

    A unit of layer l is active on a sample when its pre-activation ``a_l`` is
    strictly greater than 0.

    Parameters
    ----------
    weights : list of numpy.ndarray
        ``weights[l]`` of shape ``(n_l, n_{l+1})``.
    biases : list of numpy.ndarray
        ``biases[l]`` of shape ``(n_{l+1},)``.
    X : numpy.ndarray
        Inputs, shape ``(n_samples, n_0)`` with at least one sample.
    batch_size : int, default 1024
        How many rows of ``X`` to push through the network at a time.

    Returns
    -------
    list of numpy.ndarray
        One float64 array per layer; entry l has shape ``(n_{l+1},)`` and values
        in [0, 1].

    Watch out
    ---------
    * "Active" means > 0, not >= 0: a pre-activation of exactly 0 gives no
      gradient (``relu_grad(0) = 0``).
    * The last batch is usually smaller than ``batch_size``. Count active
      samples per batch and divide by the total number of samples once, at the
      end; averaging the per-batch fractions weights a short last batch wrongly.
    * The result must not depend on ``batch_size``.
    """
    raise NotImplementedError("relu_activity is not implemented yet")


def dead_relu_mask(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    X: np.ndarray,
    batch_size: int = 1024,
) -> list[np.ndarray]:
    """For every unit, whether it is dead on the whole data set ``X``.

    Parameters
    ----------
    weights : list of numpy.ndarray
        ``weights[l]`` of shape ``(n_l, n_{l+1})``.
    biases : list of numpy.ndarray
        ``biases[l]`` of shape ``(n_{l+1},)``.
    X : numpy.ndarray
        Inputs, shape ``(n_samples, n_0)`` with at least one sample.
    batch_size : int, default 1024
        How many rows of ``X`` to push through the network at a time.

    Returns
    -------
    list of numpy.ndarray
        One bool array per layer; entry l has shape ``(n_{l+1},)`` and is True
        for a unit whose pre-activation is <= 0 on every sample.

    Watch out
    ---------
    * A dead unit is one that is active on no sample at all; you have already
      written most of this.
    * Return booleans (dtype bool), not 0.0 and 1.0.
    """
    raise NotImplementedError("dead_relu_mask is not implemented yet")
