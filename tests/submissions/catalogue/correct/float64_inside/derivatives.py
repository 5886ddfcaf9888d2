# The catalogue's functions in the float64_inside style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/float64_inside/derivatives.py.

# --- the rest of the lecture's catalogue, in float64 and cast back ------------------


def prelu_grad(x, weight, upstream):
    x, dt = _work(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    negative = np.where(x > 0, 0.0, x)
    if w.size == 1:
        slope = np.where(x > 0, 1.0, w.reshape(-1)[0])
        grad_w = np.array(np.vdot(g, negative)).reshape(w.shape)
    else:
        if x.ndim < 2 or x.shape[1] != w.size:
            raise ValueError(f"prelu_grad: {w.size} slopes for x of shape {x.shape}")
        lined_up = w[(slice(None),) + (np.newaxis,) * (x.ndim - 2)]
        slope = np.where(x > 0, 1.0, lined_up)
        other = tuple(axis for axis in range(x.ndim) if axis != 1)
        grad_w = (g * negative).sum(axis=other)
    return (g * slope).astype(dt), grad_w.astype(dt)


def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x, dt = _work(x)
    return (np.heaviside(x - min_val, 0.0) * np.heaviside(max_val - x, 0.0)).astype(dt)


def relu6_grad(x):
    x, dt = _work(x)
    return (np.heaviside(x, 0.0) * np.heaviside(6.0 - x, 0.0)).astype(dt)


def hardsigmoid_grad(x):
    x, dt = _work(x)
    return ((np.abs(x) < 3.0) / 6.0).astype(dt)


def hardswish_grad(x):
    x, dt = _work(x)
    outer = (x >= 3.0).astype(np.float64)
    return np.where(np.abs(x) < 3.0, x / 3.0 + 0.5, outer).astype(dt)


def softsign_grad(x):
    x, dt = _work(x)
    return np.square(1.0 / (1.0 + np.abs(x))).astype(dt)


def celu_grad(x, alpha=1.0):
    # exp(min(x, 0) / alpha) is exp(0) = 1 for x > 0
    x, dt = _work(x)
    return np.exp(np.minimum(x, 0.0) / alpha).astype(dt)


def logsigmoid_grad(x):
    x, dt = _work(x)
    return _logistic64(-x).astype(dt)


def log_softmax_vjp(x, upstream, axis=-1):
    x, dt = _work(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    if x.ndim == 0:
        return np.zeros((), dtype=dt)
    s = softmax(x, axis=axis)
    return (g - s * g.sum(axis=axis, keepdims=True)).astype(dt)


def softshrink_grad(x, lambd=0.5):
    x, dt = _work(x)
    bound = float(np.asarray(lambd, dtype=dt))
    return (np.abs(x) > bound).astype(dt)
