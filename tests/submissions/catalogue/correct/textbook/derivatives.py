# The catalogue's functions in the textbook style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/textbook/derivatives.py.

# --- the rest of the lecture's catalogue --------------------------------------------


def prelu_grad(x: ArrayLike, weight: ArrayLike, upstream: ArrayLike
               ) -> tuple[np.ndarray, np.ndarray]:
    x = act.to_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    slopes = act.channel_slopes(x, weight)
    positive = x > 0
    grad_x = np.where(positive, g, g * slopes).astype(x.dtype)
    w = np.asarray(weight, dtype=np.float64)
    contributions = np.where(positive, 0.0, g * x)
    if w.size == 1:
        grad_w = np.full(w.shape, contributions.sum())
    else:
        # (N, C, rest...) -> (N, C, L): sum over the batch and the rest, per channel
        grad_w = np.einsum("ncl->c", contributions.reshape(x.shape[0], w.size, -1))
    return grad_x, grad_w.astype(x.dtype)


def hardtanh_grad(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    x = act.to_array(x)
    inside = np.logical_and(x > min_val, x < max_val)
    return np.where(inside, 1.0, 0.0).astype(x.dtype)


def relu6_grad(x: ArrayLike) -> np.ndarray:
    x = act.to_array(x)
    return np.where((x > 0.0) & (x < 6.0), 1.0, 0.0).astype(x.dtype)


def hardsigmoid_grad(x: ArrayLike) -> np.ndarray:
    x = act.to_array(x)
    return np.where(np.abs(x) < 3.0, 1.0 / 6.0, 0.0).astype(x.dtype)


def hardswish_grad(x: ArrayLike) -> np.ndarray:
    """0 for x <= -3, (2x + 3) / 6 between, 1 for x >= 3 (PyTorch's outer values)."""
    x = act.to_array(x)
    out = np.where(x >= 3.0, 1.0, (2.0 * np.clip(x, -3.0, 3.0) + 3.0) / 6.0)
    return np.where(x <= -3.0, 0.0, out).astype(x.dtype)


def softsign_grad(x: ArrayLike) -> np.ndarray:
    x = act.to_array(x)
    d = 1.0 + np.abs(x)
    return 1.0 / d / d


def celu_grad(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    x = act.to_array(x)
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0) / alpha)).astype(x.dtype)


def logsigmoid_grad(x: ArrayLike) -> np.ndarray:
    """d/dx log sigmoid(x) = sigmoid(-x)."""
    return act.sigmoid(-act.to_array(x))


def log_softmax_vjp(x: ArrayLike, upstream: ArrayLike, axis: int = -1) -> np.ndarray:
    x = act.to_array(x)
    s = np.exp(act.log_softmax(x, axis=axis))
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    return (g - s * np.sum(g, axis=axis, keepdims=True)).astype(x.dtype)


def softshrink_grad(x: ArrayLike, lambd: float = 0.5) -> np.ndarray:
    x = act.to_array(x)
    return np.where((x > lambd) | (x < -lambd), 1.0, 0.0).astype(x.dtype)
