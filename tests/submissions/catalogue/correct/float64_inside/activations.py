# The catalogue's functions in the float64_inside style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/float64_inside/activations.py.

# --- the rest of the lecture's catalogue, in float64 and cast back ------------------


def _per_channel(x, weight):
    """The slope(s), indexed so that they line up with axis 1 of x."""
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim == 0 or w.size == 1:
        return float(w.reshape(-1)[0])
    if x.ndim < 2 or x.shape[1] != w.size:
        raise ValueError(f"prelu: {w.size} slopes for x of shape {x.shape}")
    return w[(slice(None),) + (np.newaxis,) * (x.ndim - 2)]


def prelu(x, weight):
    x, dt = _work(x)
    w = _per_channel(x, weight)
    return np.where(x > 0, x, x * w).astype(dt)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    x, dt = _work(x)
    return np.where(x < min_val, min_val, np.where(x > max_val, max_val, x)).astype(dt)


def relu6(x):
    x, dt = _work(x)
    return np.clip(x, 0.0, 6.0).astype(dt)


def hardsigmoid(x):
    x, dt = _work(x)
    return (np.minimum(np.maximum(x + 3.0, 0.0), 6.0) / 6.0).astype(dt)


def hardswish(x):
    x, dt = _work(x)
    return (x * (np.clip(x + 3.0, 0.0, 6.0) / 6.0)).astype(dt)


def softsign(x):
    x, dt = _work(x)
    return (x / (np.abs(x) + 1.0)).astype(dt)


def celu(x, alpha=1.0):
    x, dt = _work(x)
    negative = alpha * np.expm1(np.minimum(x, 0.0) / alpha)
    return np.where(x > 0, x, negative).astype(dt)


def logsigmoid(x):
    x, dt = _work(x)
    return (np.where(x < 0, x, 0.0) - np.log1p(np.exp(-np.abs(x)))).astype(dt)


def log_softmax(x, axis=-1):
    x, dt = _work(x)
    if x.ndim == 0:
        return np.zeros((), dtype=dt)
    z = x - x.max(axis=axis, keepdims=True)
    return (z - np.log(np.exp(z).sum(axis=axis, keepdims=True))).astype(dt)


def softshrink(x, lambd=0.5):
    # x - clip(x, -lambd, lambd); lambd rounded to the caller's precision first
    x, dt = _work(x)
    bound = float(np.asarray(lambd, dtype=dt))
    return (x - np.clip(x, -bound, bound)).astype(dt)
