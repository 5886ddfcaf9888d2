# The catalogue's functions in the selfcontained style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/selfcontained/derivatives.py.

# --- the rest of the lecture's catalogue --------------------------------------------


def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    if w.size > 1:
        if x.ndim < 2 or x.shape[1] != w.size:
            raise ValueError(f"{w.size} slopes do not fit x of shape {x.shape}")
        slopes = w.reshape((-1,) + (1,) * (x.ndim - 2))
        other_axes = (0,) + tuple(range(2, x.ndim))
    else:
        slopes = w.reshape(())
        other_axes = None  # one slope for everything: sum over all axes
    grad_x = g * np.where(x > 0, 1.0, slopes)
    grad_w = np.sum(g * np.where(x > 0, 0.0, x), axis=other_axes)
    return grad_x.astype(x.dtype), np.reshape(grad_w, w.shape).astype(x.dtype)


def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x = _float_array(x)
    return ((x > min_val) & (x < max_val)).astype(x.dtype)


def relu6_grad(x):
    x = _float_array(x)
    return ((x > 0) & (x < 6)).astype(x.dtype)


def hardsigmoid_grad(x):
    x = _float_array(x)
    return np.where((x > -3) & (x < 3), 1.0 / 6.0, 0.0).astype(x.dtype)


def hardswish_grad(x):
    x = _float_array(x)
    middle = x / 3.0 + 0.5
    return np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, middle)).astype(x.dtype)


def softsign_grad(x):
    x = _float_array(x)
    return (1.0 / (1.0 + np.abs(x))) ** 2


def celu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0) / alpha)).astype(x.dtype)


def logsigmoid_grad(x):
    return _logistic(-_float_array(x))


def log_softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    return (g - s * np.sum(g, axis=axis, keepdims=True)).astype(x.dtype, copy=False)


def softshrink_grad(x, lambd=0.5):
    x = _float_array(x)
    return (np.abs(x) > lambd).astype(x.dtype)
