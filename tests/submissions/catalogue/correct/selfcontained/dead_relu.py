# The catalogue's functions in the selfcontained style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/selfcontained/dead_relu.py.

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
