"""Dead ReLUs with a while loop over batches and a running maximum."""

import numpy as np


def _layers(weights, biases):
    return [(np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64))
            for W, b in zip(weights, biases)]


def relu_activity(weights, biases, X, batch_size=1024):
    layers = _layers(weights, biases)
    X = np.asarray(X, dtype=np.float64)
    positives = [np.zeros(W.shape[1]) for W, _ in layers]
    start = 0
    while start < len(X):
        h = X[start:start + batch_size]
        for count, (W, b) in zip(positives, layers):
            a = np.dot(h, W) + b
            count += (a > 0).sum(axis=0)
            h = a * (a > 0)
        start += batch_size
    return [count / len(X) for count in positives]


def dead_relu_mask(weights, biases, X, batch_size=1024):
    layers = _layers(weights, biases)
    X = np.asarray(X, dtype=np.float64)
    peak = [None] * len(layers)
    start = 0
    while start < len(X):
        h = X[start:start + batch_size]
        for i, (W, b) in enumerate(layers):
            a = np.dot(h, W) + b
            m = a.max(axis=0)
            peak[i] = m if peak[i] is None else np.maximum(peak[i], m)
            h = np.maximum(a, 0.0)
        start += batch_size
    return [~(p > 0) for p in peak]


def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    if nonlinearity == "sigmoid":
        def layer(a):
            e = np.exp(-np.abs(a))
            return np.where(a >= 0, 1.0, e) / (1.0 + e), e / (1.0 + e) ** 2
    elif nonlinearity == "tanh":
        def layer(a):
            return np.tanh(a), 1.0 / np.cosh(np.clip(a, -300.0, 300.0)) ** 2
    else:
        raise ValueError(f"saturated_fraction: unknown nonlinearity {nonlinearity!r}")
    n = len(X)
    saturated = [0 for _ in weights]
    start = 0
    while start < n:
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for i, (W, b) in enumerate(zip(weights, biases)):
            h, slope = layer(h @ np.asarray(W, dtype=np.float64) + b)
            saturated[i] = saturated[i] + (slope < threshold).sum(axis=0)
        start += batch_size
    return [np.asarray(s, dtype=np.float64) / n for s in saturated]
