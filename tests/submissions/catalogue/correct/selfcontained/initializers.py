# The catalogue's functions in the selfcontained style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/selfcontained/initializers.py.

def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    f = nonlinearities[nonlinearity]
    h = rng.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        h = f(h @ initializers[init](width, width, rng))
        stds.append(h.std())
    return np.array(stds)
