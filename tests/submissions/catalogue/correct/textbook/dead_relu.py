# The catalogue's functions in the textbook style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/textbook/dead_relu.py.

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
