# The catalogue's functions in the masked style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/masked/derivatives.py.

# --- the rest of the lecture's catalogue --------------------------------------------


def prelu_grad(x, weight, upstream):
    x = _prepare(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=float), x.shape)
    w = np.asarray(weight, dtype=float)
    if w.size > 1 and (x.ndim < 2 or x.shape[1] != w.size):
        raise ValueError("the number of slopes must be 1 or x.shape[1]")
    negative = x <= 0
    grad_x = np.array(g, dtype=x.dtype)
    contributions = np.zeros(x.shape)
    contributions[negative] = g[negative] * x[negative]
    if w.size == 1:
        grad_x[negative] *= w.item()
        grad_w = contributions.sum().reshape(w.shape)
    else:
        channel = np.broadcast_to(
            np.arange(w.size).reshape((1, -1) + (1,) * (x.ndim - 2)), x.shape)
        grad_x[negative] *= w[channel[negative]]
        grad_w = np.moveaxis(contributions, 1, 0).reshape(w.size, -1).sum(axis=1)
    return grad_x, grad_w


def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x = _prepare(x)
    out = np.zeros_like(x)
    out[(x > min_val) & (x < max_val)] = 1.0
    return out


def relu6_grad(x):
    x = _prepare(x)
    return np.logical_and(x > 0, x < 6).astype(x.dtype)


def hardsigmoid_grad(x):
    x = _prepare(x)
    out = np.zeros_like(x)
    out[(x > -3) & (x < 3)] = 1.0 / 6.0
    return out


def hardswish_grad(x):
    x = _prepare(x)
    out = np.zeros_like(x)
    middle = (x > -3) & (x < 3)
    out[middle] = x[middle] / 3.0 + 0.5
    out[x >= 3] = 1.0
    return out


def softsign_grad(x):
    x = _prepare(x)
    r = 1.0 / (1.0 + np.abs(x))
    return r * r


def celu_grad(x, alpha=1.0):
    x = _prepare(x)
    out = np.ones_like(x)
    neg = x <= 0
    out[neg] = np.exp(x[neg] / alpha)
    return out


def logsigmoid_grad(x):
    return sigmoid(-_prepare(x))


def log_softmax_vjp(x, upstream, axis=-1):
    x = _prepare(x)
    s = softmax(x, axis=axis)
    g = np.asarray(upstream, dtype=float)
    return (g - s * g.sum(axis=axis, keepdims=True)).astype(x.dtype)


def softshrink_grad(x, lambd=0.5):
    x = _prepare(x)
    out = np.zeros_like(x)
    out[(x > lambd) | (x < -lambd)] = 1.0
    return out
