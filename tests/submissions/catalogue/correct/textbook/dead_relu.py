"""Assignment 3 -- finding dead ReLU units."""

from __future__ import annotations

import numpy as np


def forward_batch(
    weights: list[np.ndarray], biases: list[np.ndarray], h: np.ndarray
) -> list[np.ndarray]:
    """Pre-activations a_l of every layer for one batch of inputs h."""
    pre_activations = []
    for W, b in zip(weights, biases):
        a = h @ W + b
        pre_activations.append(a)
        h = np.maximum(a, 0.0)
    return pre_activations


def relu_activity(
    weights: list[np.ndarray], biases: list[np.ndarray], X: np.ndarray, batch_size: int = 1024
) -> list[np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    n_samples = X.shape[0]
    totals = [np.zeros(np.shape(b)[0], dtype=np.float64) for b in biases]
    n_batches = (n_samples + batch_size - 1) // batch_size
    for k in range(n_batches):
        batch = X[k * batch_size:(k + 1) * batch_size]
        for total, a in zip(totals, forward_batch(weights, biases, batch)):
            # mean over the batch, weighted by its size
            total += np.mean(a > 0, axis=0) * batch.shape[0]
    return [total / n_samples for total in totals]


def dead_relu_mask(
    weights: list[np.ndarray], biases: list[np.ndarray], X: np.ndarray, batch_size: int = 1024
) -> list[np.ndarray]:
    activity = relu_activity(weights, biases, X, batch_size=batch_size)
    return [fraction == 0.0 for fraction in activity]


def saturated_fraction(
    weights: list[np.ndarray], biases: list[np.ndarray], X: np.ndarray,
    nonlinearity: str = "sigmoid", threshold: float = 0.01, batch_size: int = 1024,
) -> list[np.ndarray]:
    """Fraction of samples on which each unit's derivative is below threshold."""
    if nonlinearity not in ("sigmoid", "tanh"):
        raise ValueError(f"nonlinearity must be 'sigmoid' or 'tanh', got {nonlinearity!r}")
    n_samples = np.shape(X)[0]
    totals = [np.zeros(np.shape(b)[0], dtype=np.float64) for b in biases]
    n_batches = (n_samples + batch_size - 1) // batch_size
    for k in range(n_batches):
        h = np.asarray(X[k * batch_size:(k + 1) * batch_size], dtype=np.float64)
        for total, W, b in zip(totals, weights, biases):
            a = h @ W + b
            if nonlinearity == "sigmoid":
                e = np.exp(-np.abs(a))
                h = np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
                slope = h * (1.0 - h)
            else:
                h = np.tanh(a)
                slope = 1.0 - h**2
            total += np.sum(slope < threshold, axis=0)
    return [total / n_samples for total in totals]
