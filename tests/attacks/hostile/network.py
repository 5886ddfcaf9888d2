"""dead_relu_mask() phones home: TCP to 127.0.0.1, UNIX sockets (path and abstract), UDP.

Hostile submission (tests/attacks): the reference's dead_relu.py with dead_relu_mask()
replaced by the attack below. A student could hand this file in as it is; the attack
suite fills in the @NAME@ placeholders (paths and ports of the test's own canaries)
before grading it.

The test listens on each address; nothing may ever connect. The worker has
its own network namespace (no interfaces but a down loopback), and seccomp
refuses socket() itself; under bubblewrap the socket path does not exist.
"""
# ruff: noqa

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

import socket

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
PORT = int("@PORT@")  # a TCP listener on 127.0.0.1 the test started
UNIX_PATH = "@UNIX_PATH@"  # a UNIX socket (path) the test listens on
ABSTRACT = "@ABSTRACT@"  # an abstract UNIX socket the test listens on


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _escapes_first(notes: list[str]) -> list[str]:
    """What got out first: the feedback shows only the start of a long message."""
    return sorted(notes, key=lambda note: not note.startswith("escaped"))


__all__ = ["dead_relu_mask", "relu_activity"]


def relu_activity(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    batch_size: int = 1024,
) -> list[NDArray[np.float64]]:
    r"""For each layer and unit, the fraction of samples whose pre-activation is > 0.

    .. math:: \operatorname{activity}_{l,j} = \frac{1}{n}
              \bigl|\{\, i : (a_l)_{ij} > 0 \,\}\bigr|

    Returns one float64 array of shape ``(n_{l+1},)`` per layer.

    >>> weights = [np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]])]
    >>> biases = [np.array([0.0, 0.0]), np.array([-10.0])]
    >>> relu_activity(weights, biases, np.array([[-1.0], [1.0], [2.0], [3.0]]))
    [array([0.75, 0.25]), array([0.])]
    """
    counts, n_samples = _positive_counts(weights, biases, X, batch_size)
    return [count / n_samples for count in counts]


def dead_relu_mask(weights, biases, X, batch_size=1024):
    _mark()
    notes = []
    targets = [
        (socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", PORT)),
        (socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", PORT)),
        (socket.AF_UNIX, socket.SOCK_STREAM, UNIX_PATH),
        (socket.AF_UNIX, socket.SOCK_STREAM, "\0" + ABSTRACT),
    ]
    for family, kind, address in targets:
        try:
            with socket.socket(family, kind) as sock:
                sock.settimeout(1.0)
                sock.connect(address)
                sock.sendall(b"dead_relu_mask says hello from inside the grader")
            notes.append(f"escaped: connected to {address!r}")
        except OSError as exc:
            notes.append(f"{address!r}: {exc}")
    raise ConnectionError("; ".join(_escapes_first(notes)))


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
