"""relu_activity() fills the worker's private folder: 20 files of 16 MiB.

Hostile submission (tests/attacks): the reference's dead_relu.py with relu_activity()
replaced by the attack below. A student could hand this file in as it is; the attack
suite fills in the @NAME@ placeholders (paths and ports of the test's own canaries)
before grading it.

RLIMIT_FSIZE caps one file at 16 MiB; what caps the folder is that it is a tmpfs
of Limits.disk_bytes (64 MiB) in the worker's own mount namespace (and, under
bubblewrap, the sandbox's /tmp is a tmpfs of that size too). Without that, the
folder would be on the host's /tmp (disk) or the sandbox's tmpfs (memory outside
RLIMIT_AS), and the submission could write as long as its time budget lasts.
The attack reports how much it wrote.
"""
# ruff: noqa

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

import os

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


__all__ = ["dead_relu_mask", "relu_activity"]


def relu_activity(weights, biases, X, batch_size=1024):
    _mark()
    block, written = b"x" * (1 << 20), 0
    try:
        for number in range(20):
            with open(f"fill{number}.bin", "wb") as handle:
                for _ in range(16):
                    handle.write(block)
                    written += 1
    except OSError as exc:
        raise OSError(f"wrote {written} MiB in {os.getcwd()}: {exc}") from None
    raise RuntimeError(f"wrote {written} MiB in {os.getcwd()}")


def dead_relu_mask(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    batch_size: int = 1024,
) -> list[NDArray[np.bool_]]:
    r"""For each layer and unit, True when its pre-activation is <= 0 for every sample.

    .. math:: \operatorname{dead}_{l,j} = \forall i:\ (a_l)_{ij} \le 0

    Returns one bool array of shape ``(n_{l+1},)`` per layer.

    >>> weights = [np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]])]
    >>> biases = [np.array([0.0, -5.0]), np.array([-10.0])]
    >>> dead_relu_mask(weights, biases, np.array([[-1.0], [1.0], [2.0], [3.0]]))
    [array([False,  True]), array([ True])]
    """
    counts, _ = _positive_counts(weights, biases, X, batch_size)
    return [count == 0 for count in counts]


def _positive_counts(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    batch_size: int,
) -> tuple[list[NDArray[np.int64]], int]:
    """Per layer, how many samples make each unit's pre-activation > 0; and n_samples."""
    layers = _checked_layers(weights, biases)
    samples = np.asarray(X)  # no copy for an ndarray; batches are converted one by one
    if samples.ndim != 2 or samples.shape[0] < 1:
        raise ValueError(
            "Expected X of shape (n_samples, n_0) with n_samples >= 1 but got "
            f"X with shape {samples.shape}"
        )
    if layers and samples.shape[1] != layers[0][0].shape[0]:
        raise ValueError(
            f"Expected X with {layers[0][0].shape[0]} columns (weights[0] has shape "
            f"{layers[0][0].shape}) but got X with shape {samples.shape}"
        )
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(
            "Expected batch_size to be an integer >= 1 but got "
            f"batch_size={batch_size!r} (type={type(batch_size).__name__})"
        )
    if batch_size < 1:
        raise ValueError(
            "Expected batch_size to be an integer >= 1 but got "
            f"batch_size={batch_size!r} (type={type(batch_size).__name__})"
        )

    counts = [np.zeros(w.shape[1], dtype=np.int64) for w, _ in layers]
    n_samples = samples.shape[0]
    for start in range(0, n_samples, int(batch_size)):
        h = samples[start : start + int(batch_size)].astype(np.float64)
        for count, (w, b) in zip(counts, layers, strict=True):
            a = h @ w + b
            count += np.count_nonzero(a > 0, axis=0)
            h = np.maximum(a, 0.0)
    return counts, n_samples


def _checked_layers(
    weights: Sequence[ArrayLike], biases: Sequence[ArrayLike]
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """The layers as float64 (weight, bias) pairs, after checking that the shapes chain."""
    if len(weights) != len(biases):
        raise ValueError(
            "Expected one bias per weight matrix but got "
            f"{len(weights)} weight matrices and {len(biases)} biases"
        )
    layers: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    for index, (weight, bias) in enumerate(zip(weights, biases, strict=True)):
        w = np.asarray(weight, dtype=np.float64)
        b = np.asarray(bias, dtype=np.float64)
        if w.ndim != 2:
            raise ValueError(
                f"Expected weights[{index}] to be 2-D (n_in, n_out) but got shape {w.shape}"
            )
        if b.shape != (w.shape[1],):
            raise ValueError(
                f"Expected biases[{index}] of shape ({w.shape[1]},) to match "
                f"weights[{index}] of shape {w.shape} but got shape {b.shape}"
            )
        if layers and layers[-1][0].shape[1] != w.shape[0]:
            raise ValueError(
                f"Expected weights[{index}] to have {layers[-1][0].shape[1]} rows "
                f"(weights[{index - 1}] has {layers[-1][0].shape[1]} columns) "
                f"but got shape {w.shape}"
            )
        layers.append((w, b))
    return layers
