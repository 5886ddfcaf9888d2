# The catalogue's functions in the selfcontained style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/selfcontained/activations.py.

# --- the rest of the lecture's catalogue --------------------------------------------


def _channel_weight(x, weight):
    """The slope(s) as float64, shaped to broadcast along the channel axis 1."""
    w = np.asarray(weight, dtype=np.float64)
    if w.size <= 1:
        return w.reshape(())
    if x.ndim < 2 or x.shape[1] != w.size:
        raise ValueError(f"{w.size} slopes do not fit x of shape {x.shape} (channel axis 1)")
    return w.reshape((-1,) + (1,) * (x.ndim - 2))


def prelu(x, weight):
    x = _float_array(x)
    w = _channel_weight(x, weight)
    return np.where(x > 0, x, w * x).astype(x.dtype, copy=False)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    return np.clip(_float_array(x), min_val, max_val)


def relu6(x):
    return np.clip(_float_array(x), 0.0, 6.0)


def hardsigmoid(x):
    x = _float_array(x)
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def hardswish(x):
    x = _float_array(x)
    return x * np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def softsign(x):
    x = _float_array(x)
    return x / (1.0 + np.abs(x))


def celu(x, alpha=1.0):
    x = _float_array(x)
    return np.maximum(x, 0.0) + np.minimum(0.0, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


def logsigmoid(x):
    # log(sigmoid(x)) = -log(1 + exp(-x)) = -logaddexp(0, -x)
    return -np.logaddexp(0.0, -_float_array(x))


def log_softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softshrink(x, lambd=0.5):
    x = _float_array(x)
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0)).astype(x.dtype)
