# The catalogue's functions in the textbook style: tests/assignments/test_catalogue_validity.py
# appends them to tests/submissions/correct/textbook/activations.py.

# --- the rest of the lecture's catalogue --------------------------------------------


def channel_slopes(x: np.ndarray, weight: ArrayLike) -> np.ndarray:
    """One slope per entry of x: the channel's slope (channel axis 1), or the only one."""
    w = np.asarray(weight, dtype=np.float64)
    if w.size == 1:
        return np.full(x.shape, w.item())
    if x.ndim < 2 or x.shape[1] != w.size:
        raise ValueError(f"expected {x.shape[1] if x.ndim >= 2 else 1} slopes, got {w.size}")
    shape = [1] * x.ndim
    shape[1] = w.size
    return np.broadcast_to(w.reshape(shape), x.shape)


def prelu(x: ArrayLike, weight: ArrayLike) -> np.ndarray:
    x = to_array(x)
    slopes = channel_slopes(x, weight)
    out = x.copy()
    negative = x <= 0
    out[negative] = slopes[negative] * x[negative]
    return out


def hardtanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    x = to_array(x)
    return np.minimum(np.maximum(x, min_val), max_val)


def relu6(x: ArrayLike) -> np.ndarray:
    x = to_array(x)
    return np.minimum(np.maximum(x, 0.0), 6.0)


def hardsigmoid(x: ArrayLike) -> np.ndarray:
    """relu6(x + 3) / 6."""
    return relu6(to_array(x) + 3.0) / 6.0


def hardswish(x: ArrayLike) -> np.ndarray:
    """x * relu6(x + 3) / 6."""
    x = to_array(x)
    return x * relu6(x + 3.0) / 6.0


def softsign(x: ArrayLike) -> np.ndarray:
    x = to_array(x)
    return x / (1.0 + np.abs(x))


def celu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    x = to_array(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


def logsigmoid(x: ArrayLike) -> np.ndarray:
    """log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|))."""
    x = to_array(x)
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def log_softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """x - logsumexp(x), with the maximum taken out before the exp."""
    x = to_array(x)
    if x.ndim == 0:
        return x - x
    m = np.max(x, axis=axis, keepdims=True)
    log_norm = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return (x - m) - log_norm


def softshrink(x: ArrayLike, lambd: float = 0.5) -> np.ndarray:
    """sign(x) * max(|x| - lambd, 0)."""
    x = to_array(x)
    return np.sign(x) * np.maximum(np.abs(x) - lambd, 0.0)
