"""Dead-ReLU detection with one shared forward pass over batches."""

import numpy as np


def _batched_preactivations(weights, biases, X, batch_size):
    """Yield, for each batch of rows of X, the list of pre-activations per layer."""
    X = np.asarray(X, dtype=np.float64)
    for start in range(0, X.shape[0], batch_size):
        h = X[start:start + batch_size]
        pre = []
        for W, b in zip(weights, biases):
            a = h @ np.asarray(W, dtype=np.float64) + np.asarray(b, dtype=np.float64)
            pre.append(a)
            h = np.maximum(a, 0.0)
        yield pre


def relu_activity(weights, biases, X, batch_size=1024):
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        for count, a in zip(counts, pre):
            count += np.count_nonzero(a > 0, axis=0)
    n_samples = np.shape(X)[0]
    return [count / n_samples for count in counts]


def dead_relu_mask(weights, biases, X, batch_size=1024):
    ever_active = [np.zeros(np.shape(W)[1], dtype=bool) for W in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        for active, a in zip(ever_active, pre):
            active |= np.any(a > 0, axis=0)
    return [~active for active in ever_active]


def _sigmoid_and_slope(a):
    e = np.exp(-np.abs(a))
    s = np.where(a >= 0, 1.0, e) / (1.0 + e)
    return s, e / (1.0 + e) ** 2


def _tanh_and_slope(a):
    t = np.tanh(a)
    return t, 1.0 - t * t


def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    layers = {"sigmoid": _sigmoid_and_slope, "tanh": _tanh_and_slope}
    if nonlinearity not in layers:
        raise ValueError(f"nonlinearity must be 'sigmoid' or 'tanh', not {nonlinearity!r}")
    step = layers[nonlinearity]
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    n_samples = np.shape(X)[0]
    for start in range(0, n_samples, batch_size):
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for count, W, b in zip(counts, weights, biases):
            h, slope = step(h @ np.asarray(W, dtype=np.float64) + np.asarray(b, dtype=np.float64))
            count += np.count_nonzero(slope < threshold, axis=0)
    return [count / n_samples for count in counts]
