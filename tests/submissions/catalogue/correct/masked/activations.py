# The catalogue's functions in the masked style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/masked/activations.py.

# --- the rest of the lecture's catalogue --------------------------------------------


def _slopes(x, weight):
    w = np.asarray(weight, dtype=float)
    if w.size == 1:
        return w.item()
    if x.ndim < 2 or x.shape[1] != w.size:
        raise ValueError("the number of slopes must be 1 or x.shape[1]")
    return np.expand_dims(w.ravel(), axis=tuple(range(1, x.ndim - 1)))


def prelu(x, weight):
    # max(x, 0) + w * min(x, 0): right for any slope, negative ones too
    x = _prepare(x)
    w = _slopes(x, weight)
    out = np.maximum(x, 0.0) + w * np.minimum(x, 0.0)
    return out.astype(x.dtype, copy=False)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    x = _prepare(x)
    out = x.copy()
    out[x < min_val] = min_val
    out[x > max_val] = max_val
    return out


def relu6(x):
    x = _prepare(x)
    out = x.copy()
    out[x < 0] = 0.0
    out[x > 6] = 6.0
    return out


def hardsigmoid(x):
    x = _prepare(x)
    out = np.zeros_like(x)
    middle = (x > -3) & (x < 3)
    out[middle] = (x[middle] + 3.0) / 6.0
    out[x >= 3] = 1.0
    return out


def hardswish(x):
    x = _prepare(x)
    out = x.copy()
    out[x <= -3] = 0.0
    middle = (x > -3) & (x < 3)
    out[middle] = x[middle] * (x[middle] + 3.0) / 6.0
    return out


def softsign(x):
    # x / (1 + x) for x >= 0 and x / (1 - x) for x < 0
    x = _prepare(x)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = x[pos] / (1.0 + x[pos])
    out[~pos] = x[~pos] / (1.0 - x[~pos])
    return out


def celu(x, alpha=1.0):
    x = _prepare(x)
    out = x.copy()
    neg = x <= 0
    out[neg] = alpha * np.expm1(x[neg] / alpha)
    return out


def logsigmoid(x):
    x = _prepare(x)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = -np.log1p(np.exp(-x[pos]))
    out[~pos] = x[~pos] - np.log1p(np.exp(x[~pos]))
    return out


def log_softmax(x, axis=-1):
    x = _prepare(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    moved = np.moveaxis(x, axis, -1)
    shifted = moved - moved.max(axis=-1)[..., None]
    out = shifted - np.log(np.exp(shifted).sum(axis=-1))[..., None]
    return np.moveaxis(out, -1, axis)


def softshrink(x, lambd=0.5):
    x = _prepare(x)
    out = np.zeros_like(x)
    above, below = x > lambd, x < -lambd
    out[above] = x[above] - lambd
    out[below] = x[below] + lambd
    return out
