# The catalogue's functions in the float64_inside style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/float64_inside/initializers.py.

_STATS_INITS = ("random_normal", "xavier_uniform", "xavier_normal", "he_uniform",
                "he_normal", "lecun_normal")


def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    if init not in _STATS_INITS:
        raise ValueError(f"activation_stats: unknown init {init!r}")
    make = globals()[init]
    f = {"tanh": np.tanh, "relu": lambda a: np.where(a > 0, a, 0.0),
         "sigmoid": lambda a: np.exp(np.minimum(a, 0.0)) / (1.0 + np.exp(-np.abs(a))),
         "linear": np.asarray}.get(nonlinearity)
    if f is None:
        raise ValueError(f"activation_stats: unknown nonlinearity {nonlinearity!r}")
    layers = []
    h = rng.standard_normal(size=(samples, width))
    for _ in range(depth):
        h = f(h @ make(width, width, rng))
        layers.append(float(np.std(h)))
    return np.asarray(layers, dtype=np.float64)
