# The catalogue's functions in the textbook style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/textbook/initializers.py.

def activation_stats(
    init: str, nonlinearity: str, depth: int, width: int, rng: np.random.Generator,
    samples: int = 1000,
) -> np.ndarray:
    """The depth experiment: std of h_1, ..., h_depth with h_{l+1} = f(h_l W_l)."""
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in ("tanh", "relu", "sigmoid", "linear"):
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    h = rng.normal(0.0, 1.0, size=(samples, width))
    stds = np.zeros(depth)
    for layer in range(depth):
        a = h @ initializers[init](width, width, rng)
        if nonlinearity == "tanh":
            h = np.tanh(a)
        elif nonlinearity == "relu":
            h = np.maximum(a, 0.0)
        elif nonlinearity == "sigmoid":
            h = 1.0 / (1.0 + np.exp(-a))
        else:
            h = a
        stds[layer] = np.std(h)
    return stds
