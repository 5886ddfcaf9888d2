# The catalogue's functions in the masked style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/masked/initializers.py.

def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    if init == "random_normal":
        make = random_normal
    elif init == "xavier_uniform":
        make = xavier_uniform
    elif init == "xavier_normal":
        make = xavier_normal
    elif init == "he_uniform":
        make = he_uniform
    elif init == "he_normal":
        make = he_normal
    elif init == "lecun_normal":
        make = lecun_normal
    else:
        raise ValueError("unknown init " + repr(init))
    if nonlinearity not in ["tanh", "relu", "sigmoid", "linear"]:
        raise ValueError("unknown nonlinearity " + repr(nonlinearity))
    h = rng.standard_normal(size=(samples, width))
    result = np.empty(depth)
    for layer in range(depth):
        a = np.dot(h, make(width, width, rng))
        if nonlinearity == "tanh":
            h = np.tanh(a)
        elif nonlinearity == "relu":
            h = a * (a > 0)
        elif nonlinearity == "sigmoid":
            h = np.exp(-np.logaddexp(0.0, -a))
        else:
            h = a
        result[layer] = h.std()
    return result
