"""Dead ReLUs with an explicit loop over batches (range(0, n, batch_size))."""

import numpy as np


def relu_activity(weights, biases, X, batch_size=1024):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    counts = [np.zeros(np.asarray(W).shape[1]) for W in weights]
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        h = X[start:stop]
        for i in range(len(weights)):
            a = h @ weights[i] + biases[i]
            counts[i] = counts[i] + np.sum(a > 0, axis=0)
            h = np.where(a > 0, a, 0.0)
    fractions = []
    for c in counts:
        fractions.append(c / n)
    return fractions


def dead_relu_mask(weights, biases, X, batch_size=1024):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    best = [np.full(np.asarray(W).shape[1], -np.inf) for W in weights]
    for start in range(0, n, batch_size):
        h = X[start:start + batch_size]
        for i in range(len(weights)):
            a = h @ weights[i] + biases[i]
            best[i] = np.maximum(best[i], a.max(axis=0))
            h = np.maximum(a, 0.0)
    # dead: the largest pre-activation ever seen is still <= 0
    return [m <= 0 for m in best]


def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    if nonlinearity != "sigmoid" and nonlinearity != "tanh":
        raise ValueError("nonlinearity must be 'sigmoid' or 'tanh'")
    n = np.shape(X)[0]
    counts = [np.zeros(np.asarray(W).shape[1]) for W in weights]
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        h = np.asarray(X[start:stop], dtype=float)
        for i in range(len(weights)):
            a = h @ weights[i] + biases[i]
            if nonlinearity == "sigmoid":
                h = np.empty_like(a)
                pos = a >= 0
                h[pos] = 1.0 / (1.0 + np.exp(-a[pos]))
                ea = np.exp(a[~pos])
                h[~pos] = ea / (1.0 + ea)
                slope = h * (1.0 - h)
            else:
                h = np.tanh(a)
                slope = (1.0 - h) * (1.0 + h)
            counts[i] = counts[i] + np.sum(slope < threshold, axis=0)
    fractions = []
    for c in counts:
        fractions.append(c / n)
    return fractions
