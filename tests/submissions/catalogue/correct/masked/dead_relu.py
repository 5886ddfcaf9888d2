# The catalogue's functions in the masked style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/masked/dead_relu.py.

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
