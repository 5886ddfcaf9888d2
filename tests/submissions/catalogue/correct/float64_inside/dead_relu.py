# The catalogue's functions in the float64_inside style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/float64_inside/dead_relu.py.

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
