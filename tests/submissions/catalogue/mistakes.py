"""Mistakes real students make in the rest of the lecture's catalogue, and harmless
look-alikes: the catalogue functions (prelu, hardtanh, relu6, hardsigmoid, hardswish,
softsign, celu, logsigmoid, log_softmax, their derivatives and VJPs,
saturated_fraction, activation_stats), graded on an assignment of the whole catalogue.

Same format as ``tests/submissions/mistakes.py``: each record names one file of the
base solution ``correct/<BASE_STYLE>/`` and gives replacement source for one or more
of its top-level functions (whole ``def`` blocks, matched by name; ``import`` lines at
the top of a snippet are added to the file). In the base style no catalogue function
calls another graded function, so replacing one breaks only what ``breaks`` lists.

* ``MISTAKES``: every function in ``breaks`` must lose points, every other function
  must keep full marks; ``checks`` names the kinds of check (the manifest's) expected
  to catch it.
* ``HARMLESS``: variants that look suspicious but are correct; full marks.
* ``KNOWN_GAPS``: ids of records the grader gets wrong today (each with the reason);
  the validity test marks them xfail(strict=True), so a fix shows up as a failure.
"""

from __future__ import annotations

from tests.submissions.mistakes import ACT, DEAD, DER, INIT, Mistake, _m

BASE_STYLE = "selfcontained"

CHECK_KINDS = frozenset({
    "values", "stability", "contract", "vectorized", "gradient", "kink", "jacobian",
    "errors", "batching", "generator",
})


MISTAKES: list[Mistake] = [
    # ------------------------------------------------------------ activations.py
    _m("prelu_weight_on_last_axis", ACT, "prelu", "values",
       "The slopes broadcast against the last axis, not the channel axis 1: right for "
       "(N, C) by luck, wrong (or a broadcast error) for (N, C, L).", """
def prelu(x, weight):
    x = _float_array(x)
    w = np.asarray(weight, dtype=np.float64)
    return np.where(x > 0, x, w * x).astype(x.dtype, copy=False)
"""),
    _m("prelu_as_max_of_x_and_wx", ACT, "prelu", "values",
       "max(x, w*x) is PReLU only for 0 <= w <= 1; a learned slope can be negative or > 1.",
       """
def prelu(x, weight):
    x = _float_array(x)
    w = _channel_weight(x, weight)
    return np.maximum(x, w * x).astype(x.dtype, copy=False)
"""),
    _m("prelu_first_slope_only", ACT, "prelu", "values contract",
       "Only the first slope is used, for every channel (and a wrong number of slopes "
       "goes unnoticed).", """
def prelu(x, weight):
    x = _float_array(x)
    w = np.asarray(weight, dtype=np.float64).ravel()[0]
    return np.where(x > 0, x, w * x).astype(x.dtype, copy=False)
"""),
    _m("prelu_float64_for_float32", ACT, "prelu", "contract",
       "The float64 slopes promote a float32 x to float64.", """
def prelu(x, weight):
    x = _float_array(x)
    w = _channel_weight(x, weight)
    return np.where(x > 0, x, w * x)
"""),
    _m("hardtanh_ignores_bounds", ACT, "hardtanh", "values",
       "Clips to [-1, 1] whatever min_val and max_val say.", """
def hardtanh(x, min_val=-1.0, max_val=1.0):
    return np.clip(_float_array(x), -1.0, 1.0)
"""),
    _m("hardtanh_min_max_swapped", ACT, "hardtanh", "values",
       "max(min(x, min_val), max_val) is the constant max_val.", """
def hardtanh(x, min_val=-1.0, max_val=1.0):
    x = _float_array(x)
    return np.maximum(np.minimum(x, min_val), max_val)
"""),
    _m("relu6_no_upper_clip", ACT, "relu6", "values",
       "Forgets the cap at 6: plain ReLU.", """
def relu6(x):
    return np.maximum(_float_array(x), 0.0)
"""),
    _m("relu6_python_loop", ACT, "relu6", "vectorized",
       "np.vectorize of a scalar min(max(v, 0), 6) is a Python loop over elements.", """
def relu6(x):
    x = _float_array(x)
    return np.vectorize(lambda v: min(max(v, 0.0), 6.0), otypes=[x.dtype])(x)
"""),
    _m("hardsigmoid_unclipped", ACT, "hardsigmoid", "values",
       "x/6 + 1/2 without the clip to [0, 1].", """
def hardsigmoid(x):
    x = _float_array(x)
    return x / 6.0 + 0.5
"""),
    _m("hardsigmoid_keras_slope", ACT, "hardsigmoid", "values",
       "Old Keras's hard_sigmoid, clip(0.2 x + 0.5, 0, 1): slope 1/5 and kinks at +-2.5.",
       """
def hardsigmoid(x):
    x = _float_array(x)
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)
"""),
    _m("hardswish_kinks_off_by_one", ACT, "hardswish", "values",
       "x * relu6(x + 2) / 6: the kinks move to -2 and 4.", """
def hardswish(x):
    x = _float_array(x)
    return x * np.clip(x + 2.0, 0.0, 6.0) / 6.0
"""),
    _m("hardswish_relu6_of_x", ACT, "hardswish", "values",
       "x * relu6(x) / 6: the + 3 is missing.", """
def hardswish(x):
    x = _float_array(x)
    return x * np.clip(x, 0.0, 6.0) / 6.0
"""),
    _m("hardswish_piecewise_unguarded", ACT, "hardswish", "stability",
       "np.where evaluates x * (x + 3) everywhere: it overflows for |x| = 1e300.", """
def hardswish(x):
    x = _float_array(x)
    return np.where(x <= -3, 0.0, np.where(x >= 3, x, x * (x + 3.0) / 6.0)).astype(x.dtype)
"""),
    _m("softsign_no_abs", ACT, "softsign", "values",
       "x / (1 + x): the absolute value is missing (and x = -1 divides by zero).", """
def softsign(x):
    x = _float_array(x)
    return x / (1.0 + x)
"""),
    _m("celu_is_elu", ACT, "celu", "values",
       "alpha * (exp(x) - 1) is ELU: CELU divides x by alpha inside the exp.", """
def celu(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0))).astype(x.dtype)
"""),
    _m("celu_unguarded_exp", ACT, "celu", "stability",
       "np.where evaluates exp(x / alpha) for large positive x too: it overflows.", """
def celu(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, x, alpha * (np.exp(x / alpha) - 1.0)).astype(x.dtype)
"""),
    _m("softshrink_hard_shrink", ACT, "softshrink", "values",
       "Keeps x beyond lambd unshrunk: that is hardshrink.", """
def softshrink(x, lambd=0.5):
    x = _float_array(x)
    return np.where(np.abs(x) > lambd, x, 0.0).astype(x.dtype)
"""),
    _m("logsigmoid_log_of_sigmoid", ACT, "logsigmoid", "stability values",
       "log(sigmoid(x)) is log(0) = -inf once the sigmoid underflows (x < -745).", """
def logsigmoid(x):
    return np.log(_logistic(_float_array(x)))
"""),
    _m("logsigmoid_naive_softplus", ACT, "logsigmoid", "stability",
       "-log(1 + exp(-x)): exp(-x) overflows for x < -709.", """
def logsigmoid(x):
    x = _float_array(x)
    return -np.log1p(np.exp(-x))
"""),
    _m("log_softmax_log_of_softmax", ACT, "log_softmax", "stability values",
       "log(softmax(x)) is log(0) = -inf where a softmax entry underflows (values far "
       "apart).", """
def log_softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return np.log(e / np.sum(e, axis=axis, keepdims=True))
"""),
    _m("log_softmax_no_max_shift", ACT, "log_softmax", "stability",
       "x - log(sum(exp(x))) without the maximum taken out: exp overflows.", """
def log_softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))
"""),
    _m("log_softmax_ignores_axis", ACT, "log_softmax", "values",
       "Always normalises along the last axis.", """
def log_softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
"""),
    _m("log_softmax_global_max", ACT, "log_softmax", "stability values",
       "One maximum over the whole array: a row far below it underflows to exp = 0 and "
       "log(0) = -inf.", """
def log_softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    shifted = x - np.max(x)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
"""),
    # ------------------------------------------------------------ derivatives.py
    _m("prelu_grad_weight_not_summed_over_batch", DER, "prelu_grad", "values contract",
       "The weight gradient keeps the batch axis: one number per sample and channel "
       "instead of one per slope.", """
def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    if w.size > 1:
        slopes = w.reshape((-1,) + (1,) * (x.ndim - 2))
        grad_w = np.sum(g * np.where(x > 0, 0.0, x), axis=tuple(range(2, x.ndim)))
    else:
        slopes = w.reshape(())
        grad_w = np.sum(g * np.where(x > 0, 0.0, x))
    grad_x = g * np.where(x > 0, 1.0, slopes)
    return grad_x.astype(x.dtype), np.asarray(grad_w).astype(x.dtype)
"""),
    _m("prelu_grad_weight_summed_over_channels", DER, "prelu_grad", "values gradient",
       "Every slope gets the sum over all channels.", """
def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    slopes = w.reshape((-1,) + (1,) * (x.ndim - 2)) if w.size > 1 else w.reshape(())
    grad_x = g * np.where(x > 0, 1.0, slopes)
    total = np.sum(g * np.where(x > 0, 0.0, x))
    return grad_x.astype(x.dtype), np.full(w.shape, total).astype(x.dtype)
"""),
    _m("prelu_grad_weight_missing_x", DER, "prelu_grad", "values gradient",
       "d(w*x)/dw is x: summing the upstream alone drops that factor.", """
def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    if w.size > 1:
        slopes = w.reshape((-1,) + (1,) * (x.ndim - 2))
        axes = (0,) + tuple(range(2, x.ndim))
    else:
        slopes, axes = w.reshape(()), None
    grad_x = g * np.where(x > 0, 1.0, slopes)
    grad_w = np.sum(np.where(x > 0, 0.0, g), axis=axes)
    return grad_x.astype(x.dtype), np.reshape(grad_w, w.shape).astype(x.dtype)
"""),
    _m("prelu_grad_weight_counts_positive_side", DER, "prelu_grad", "values gradient",
       "The slope only multiplies x <= 0; summing upstream * x everywhere adds the "
       "positive side too.", """
def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    if w.size > 1:
        slopes = w.reshape((-1,) + (1,) * (x.ndim - 2))
        axes = (0,) + tuple(range(2, x.ndim))
    else:
        slopes, axes = w.reshape(()), None
    grad_x = g * np.where(x > 0, 1.0, slopes)
    grad_w = np.sum(g * x, axis=axes)
    return grad_x.astype(x.dtype), np.reshape(grad_w, w.shape).astype(x.dtype)
"""),
    _m("prelu_grad_one_at_zero", DER, "prelu_grad", "kink",
       "x >= 0 takes the slope 1 at x = 0; PyTorch takes the weight there.", """
def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    if w.size > 1:
        slopes = w.reshape((-1,) + (1,) * (x.ndim - 2))
        axes = (0,) + tuple(range(2, x.ndim))
    else:
        slopes, axes = w.reshape(()), None
    grad_x = g * np.where(x >= 0, 1.0, slopes)
    grad_w = np.sum(g * np.where(x > 0, 0.0, x), axis=axes)
    return grad_x.astype(x.dtype), np.reshape(grad_w, w.shape).astype(x.dtype)
"""),
    _m("prelu_grad_x_only", DER, "prelu_grad", "contract values",
       "Returns the gradient with respect to x alone, not the pair.", """
def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    slopes = w.reshape((-1,) + (1,) * (x.ndim - 2)) if w.size > 1 else w.reshape(())
    return (g * np.where(x > 0, 1.0, slopes)).astype(x.dtype)
"""),
    _m("hardtanh_grad_one_at_bounds", DER, "hardtanh_grad", "kink",
       "<= takes 1 at min_val and max_val; PyTorch takes 0 there.", """
def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x = _float_array(x)
    return ((x >= min_val) & (x <= max_val)).astype(x.dtype)
"""),
    _m("hardtanh_grad_ignores_bounds", DER, "hardtanh_grad", "values",
       "1 on (-1, 1) whatever min_val and max_val say.", """
def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x = _float_array(x)
    return ((x > -1.0) & (x < 1.0)).astype(x.dtype)
"""),
    _m("relu6_grad_one_at_six", DER, "relu6_grad", "kink",
       "x <= 6 takes 1 at the upper kink; PyTorch takes 0.", """
def relu6_grad(x):
    x = _float_array(x)
    return ((x > 0) & (x <= 6)).astype(x.dtype)
"""),
    _m("relu6_grad_no_cap", DER, "relu6_grad", "values gradient",
       "The derivative of ReLU: forgets that relu6 is flat above 6.", """
def relu6_grad(x):
    x = _float_array(x)
    return (x > 0).astype(x.dtype)
"""),
    _m("hardsigmoid_grad_inclusive", DER, "hardsigmoid_grad", "kink",
       "1/6 at -3 and 3 too; PyTorch takes 0 there.", """
def hardsigmoid_grad(x):
    x = _float_array(x)
    return np.where((x >= -3) & (x <= 3), 1.0 / 6.0, 0.0).astype(x.dtype)
"""),
    _m("hardsigmoid_grad_slope_one", DER, "hardsigmoid_grad", "values gradient",
       "1 in the middle: the 1/6 of x/6 + 1/2 is forgotten.", """
def hardsigmoid_grad(x):
    x = _float_array(x)
    return np.where((x > -3) & (x < 3), 1.0, 0.0).astype(x.dtype)
"""),
    _m("hardswish_grad_middle_at_boundaries", DER, "hardswish_grad", "kink",
       "x/3 + 1/2 at the boundaries too (-0.5 at -3, 1.5 at 3): PyTorch 2.x takes the "
       "outer values 0 and 1.", """
def hardswish_grad(x):
    x = _float_array(x)
    middle = x / 3.0 + 0.5
    return np.where(x < -3, 0.0, np.where(x > 3, 1.0, middle)).astype(x.dtype)
"""),
    _m("hardswish_grad_clipped_to_unit", DER, "hardswish_grad", "values gradient",
       "clip(x/3 + 1/2, 0, 1) looks like hardsigmoid, but the slope is negative on "
       "(-3, -1.5): the clip zeroes it.", """
def hardswish_grad(x):
    x = _float_array(x)
    return np.clip(x / 3.0 + 0.5, 0.0, 1.0)
"""),
    _m("hardswish_grad_missing_half", DER, "hardswish_grad", "values gradient",
       "d/dx x(x+3)/6 = (2x + 3)/6 = x/3 + 1/2: the 1/2 is dropped.", """
def hardswish_grad(x):
    x = _float_array(x)
    return np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, x / 3.0)).astype(x.dtype)
"""),
    _m("softsign_grad_missing_square", DER, "softsign_grad", "values gradient",
       "1/(1 + |x|): the quotient rule gives its square.", """
def softsign_grad(x):
    x = _float_array(x)
    return 1.0 / (1.0 + np.abs(x))
"""),
    _m("softsign_grad_square_overflows", DER, "softsign_grad", "stability",
       "1/(1 + |x|)**2 squares 1 + |x| first: it overflows for |x| > 1e154.", """
def softsign_grad(x):
    x = _float_array(x)
    return 1.0 / (1.0 + np.abs(x)) ** 2
"""),
    _m("softshrink_grad_one_at_lambd", DER, "softshrink_grad", "kink",
       "|x| >= lambd takes 1 at the kinks; PyTorch takes 0.", """
def softshrink_grad(x, lambd=0.5):
    x = _float_array(x)
    return (np.abs(x) >= lambd).astype(x.dtype)
"""),
    _m("celu_grad_ignores_alpha", DER, "celu_grad", "values gradient",
       "exp(x): the derivative of ELU with alpha = 1, not of CELU.", """
def celu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0))).astype(x.dtype)
"""),
    _m("celu_grad_alpha_in_front", DER, "celu_grad", "values gradient",
       "alpha * exp(x/alpha) forgets the 1/alpha of the chain rule.", """
def celu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0) / alpha)).astype(x.dtype)
"""),
    _m("celu_grad_unguarded_exp", DER, "celu_grad", "stability",
       "np.where evaluates exp(x / alpha) for large positive x too: it overflows.", """
def celu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, 1.0, np.exp(x / alpha)).astype(x.dtype)
"""),
    _m("logsigmoid_grad_is_sigmoid", DER, "logsigmoid_grad", "values gradient",
       "sigmoid(x) is the derivative of softplus; logsigmoid's is sigmoid(-x).", """
def logsigmoid_grad(x):
    return _logistic(_float_array(x))
"""),
    _m("logsigmoid_grad_naive", DER, "logsigmoid_grad", "stability",
       "1 / (1 + exp(x)) overflows for x > 709.", """
def logsigmoid_grad(x):
    x = _float_array(x)
    return 1.0 / (1.0 + np.exp(x))
"""),
    _m("log_softmax_vjp_missing_sum", DER, "log_softmax_vjp", "values gradient",
       "g - s * g: the Jacobian is I - 1 s^T, so every output feels the whole sum of g.",
       """
def log_softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    return (g - s * g).astype(x.dtype, copy=False)
"""),
    _m("log_softmax_vjp_is_softmax_vjp", DER, "log_softmax_vjp", "values gradient",
       "s * (g - sum(g * s)) is the VJP of softmax, not of log_softmax.", """
def log_softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    return (s * (g - np.sum(g * s, axis=axis, keepdims=True))).astype(x.dtype, copy=False)
"""),
    _m("log_softmax_vjp_ignores_axis", DER, "log_softmax_vjp", "values gradient",
       "Always along the last axis.", """
def log_softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    s = e / np.sum(e, axis=-1, keepdims=True)
    return (g - s * np.sum(g, axis=-1, keepdims=True)).astype(x.dtype, copy=False)
"""),
    _m("log_softmax_vjp_full_jacobian", DER, "log_softmax_vjp", "jacobian",
       "Builds the n-by-n Jacobian I - 1 s^T of every row: right values, needless memory.",
       """
def log_softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    g = np.moveaxis(np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape), axis, -1)
    z = np.moveaxis(x, axis, -1)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    s = e / np.sum(e, axis=-1, keepdims=True)
    jacobian = np.eye(z.shape[-1]) - s[..., None, :]
    vjp = np.einsum("...i,...ij->...j", g, jacobian)
    return np.moveaxis(vjp, -1, axis).astype(x.dtype)
"""),
    # ------------------------------------------------------------ dead_relu.py
    _m("saturated_fraction_on_the_activation", DEAD, "saturated_fraction", "values",
       "Counts f(a) close to its limits (within the threshold) instead of f'(a) below "
       "the threshold.", """
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    layers = {"sigmoid": _sigmoid_and_slope, "tanh": _tanh_and_slope}
    if nonlinearity not in layers:
        raise ValueError(f"nonlinearity must be 'sigmoid' or 'tanh', not {nonlinearity!r}")
    low = 0.0 if nonlinearity == "sigmoid" else -1.0
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    n_samples = np.shape(X)[0]
    for start in range(0, n_samples, batch_size):
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for count, W, b in zip(counts, weights, biases):
            h, _ = layers[nonlinearity](h @ np.asarray(W, dtype=np.float64) + b)
            count += np.count_nonzero((h < low + threshold) | (h > 1.0 - threshold), axis=0)
    return [count / n_samples for count in counts]
"""),
    _m("saturated_fraction_skips_last_batch", DEAD, "saturated_fraction", "batching values",
       "range(n // batch_size) batches: the last, shorter batch is never looked at.", """
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    layers = {"sigmoid": _sigmoid_and_slope, "tanh": _tanh_and_slope}
    if nonlinearity not in layers:
        raise ValueError(f"nonlinearity must be 'sigmoid' or 'tanh', not {nonlinearity!r}")
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    n_samples = np.shape(X)[0]
    for k in range(n_samples // batch_size):
        h = np.asarray(X[k * batch_size:(k + 1) * batch_size], dtype=np.float64)
        for count, W, b in zip(counts, weights, biases):
            h, slope = layers[nonlinearity](h @ np.asarray(W, dtype=np.float64) + b)
            count += np.count_nonzero(slope < threshold, axis=0)
    return [count / n_samples for count in counts]
"""),
    _m("saturated_fraction_threshold_inclusive", DEAD, "saturated_fraction", "values",
       "slope <= threshold: a unit whose slope equals the threshold (sigmoid'(0) = 0.25, "
       "tanh'(0) = 1) is not saturated.", """
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    layers = {"sigmoid": _sigmoid_and_slope, "tanh": _tanh_and_slope}
    if nonlinearity not in layers:
        raise ValueError(f"nonlinearity must be 'sigmoid' or 'tanh', not {nonlinearity!r}")
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    n_samples = np.shape(X)[0]
    for start in range(0, n_samples, batch_size):
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for count, W, b in zip(counts, weights, biases):
            h, slope = layers[nonlinearity](h @ np.asarray(W, dtype=np.float64) + b)
            count += np.count_nonzero(slope <= threshold, axis=0)
    return [count / n_samples for count in counts]
"""),
    _m("saturated_fraction_relu_between_layers", DEAD, "saturated_fraction", "values",
       "Copied from relu_activity: the next layer gets max(a, 0), not f(a).", """
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    layers = {"sigmoid": _sigmoid_and_slope, "tanh": _tanh_and_slope}
    if nonlinearity not in layers:
        raise ValueError(f"nonlinearity must be 'sigmoid' or 'tanh', not {nonlinearity!r}")
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    n_samples = np.shape(X)[0]
    for start in range(0, n_samples, batch_size):
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for count, W, b in zip(counts, weights, biases):
            a = h @ np.asarray(W, dtype=np.float64) + b
            _, slope = layers[nonlinearity](a)
            count += np.count_nonzero(slope < threshold, axis=0)
            h = np.maximum(a, 0.0)
    return [count / n_samples for count in counts]
"""),
    _m("saturated_fraction_always_sigmoid", DEAD, "saturated_fraction", "values errors",
       "Ignores nonlinearity: a tanh network is measured as a sigmoid one, and an "
       "unknown name passes silently.", """
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    n_samples = np.shape(X)[0]
    for start in range(0, n_samples, batch_size):
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for count, W, b in zip(counts, weights, biases):
            h, slope = _sigmoid_and_slope(h @ np.asarray(W, dtype=np.float64) + b)
            count += np.count_nonzero(slope < threshold, axis=0)
    return [count / n_samples for count in counts]
"""),
    _m("saturated_fraction_no_validation", DEAD, "saturated_fraction", "errors",
       "Anything but \"sigmoid\" is taken for tanh, \"relu\" and typos included.", """
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    step = _sigmoid_and_slope if nonlinearity == "sigmoid" else _tanh_and_slope
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    n_samples = np.shape(X)[0]
    for start in range(0, n_samples, batch_size):
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for count, W, b in zip(counts, weights, biases):
            h, slope = step(h @ np.asarray(W, dtype=np.float64) + b)
            count += np.count_nonzero(slope < threshold, axis=0)
    return [count / n_samples for count in counts]
"""),
    _m("saturated_fraction_mean_of_batch_means", DEAD, "saturated_fraction", "batching",
       "Averages each batch's fraction with equal weight: a short last batch counts as "
       "much as a full one.", """
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    layers = {"sigmoid": _sigmoid_and_slope, "tanh": _tanh_and_slope}
    if nonlinearity not in layers:
        raise ValueError(f"nonlinearity must be 'sigmoid' or 'tanh', not {nonlinearity!r}")
    sums = [np.zeros(np.shape(W)[1]) for W in weights]
    n_batches = 0
    for start in range(0, np.shape(X)[0], batch_size):
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for total, W, b in zip(sums, weights, biases):
            h, slope = layers[nonlinearity](h @ np.asarray(W, dtype=np.float64) + b)
            total += np.mean(slope < threshold, axis=0)
        n_batches += 1
    return [total / n_batches for total in sums]
"""),
    _m("saturated_fraction_keeps_every_batch", DEAD, "saturated_fraction", "batching",
       "Keeps every batch's saturation masks and averages at the end: memory grows with "
       "the number of samples.", """
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    layers = {"sigmoid": _sigmoid_and_slope, "tanh": _tanh_and_slope}
    if nonlinearity not in layers:
        raise ValueError(f"nonlinearity must be 'sigmoid' or 'tanh', not {nonlinearity!r}")
    masks = [[] for _ in weights]
    for start in range(0, np.shape(X)[0], batch_size):
        h = np.asarray(X[start:start + batch_size], dtype=np.float64)
        for kept, W, b in zip(masks, weights, biases):
            h, slope = layers[nonlinearity](h @ np.asarray(W, dtype=np.float64) + b)
            kept.append(slope < threshold)
    return [np.concatenate(kept).mean(axis=0) for kept in masks]
"""),
    # ------------------------------------------------------------ initializers.py
    _m("activation_stats_global_random", INIT, "activation_stats", "generator",
       "The inputs come from np.random's global state, not from rng.", """
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    h = np.random.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        h = nonlinearities[nonlinearity](h @ initializers[init](width, width, rng))
        stds.append(h.std())
    return np.array(stds)
"""),
    _m("activation_stats_fresh_generator", INIT, "activation_stats", "generator",
       "A new default_rng() for the weights: nothing is reproducible from rng.", """
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    h = rng.standard_normal((samples, width))
    weights_rng = np.random.default_rng()
    stds = []
    for _ in range(depth):
        h = nonlinearities[nonlinearity](h @ initializers[init](width, width, weights_rng))
        stds.append(h.std())
    return np.array(stds)
"""),
    _m("activation_stats_with_bias", INIT, "activation_stats", "values",
       "Adds a standard normal bias to every layer: the experiment has no bias.", """
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    h = rng.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        W = initializers[init](width, width, rng)
        b = rng.standard_normal(width)
        h = nonlinearities[nonlinearity](h @ W + b)
        stds.append(h.std())
    return np.array(stds)
"""),
    _m("activation_stats_preactivation_std", INIT, "activation_stats", "values",
       "Records the std of h @ W, before the nonlinearity.", """
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    h = rng.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        a = h @ initializers[init](width, width, rng)
        stds.append(a.std())
        h = nonlinearities[nonlinearity](a)
    return np.array(stds)
"""),
    _m("activation_stats_ignores_init", INIT, "activation_stats", "values",
       "Always Xavier normal, whatever init says: small random weights never collapse.", """
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in ("random_normal", "xavier_uniform", "xavier_normal", "he_uniform",
                    "he_normal", "lecun_normal"):
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    h = rng.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        h = nonlinearities[nonlinearity](h @ xavier_normal(width, width, rng))
        stds.append(h.std())
    return np.array(stds)
"""),
    _m("activation_stats_includes_the_input", INIT, "activation_stats", "contract",
       "Returns depth + 1 stds: the input's first.", """
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    h = rng.standard_normal((samples, width))
    stds = [h.std()]
    for _ in range(depth):
        h = nonlinearities[nonlinearity](h @ initializers[init](width, width, rng))
        stds.append(h.std())
    return np.array(stds)
"""),
    _m("activation_stats_unknown_names_linear", INIT, "activation_stats", "errors",
       "An unknown nonlinearity is silently taken as linear.", """
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid}
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    f = nonlinearities.get(nonlinearity, lambda a: a)
    h = rng.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        h = f(h @ initializers[init](width, width, rng))
        stds.append(h.std())
    return np.array(stds)
"""),
]

HARMLESS: list[Mistake] = [
    _m("hardtanh_where", ACT, "", "", "np.where instead of np.clip.", """
def hardtanh(x, min_val=-1.0, max_val=1.0):
    x = _float_array(x)
    return np.where(x < min_val, min_val, np.where(x > max_val, max_val, x)).astype(x.dtype)
"""),
    _m("relu6_float64_then_astype", ACT, "", "",
       "Computed in float64 and cast to the input's precision at the end.", """
def relu6(x):
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    return np.minimum(np.maximum(x.astype(np.float64), 0.0), 6.0).astype(dtype)
"""),
    _m("hardswish_piecewise_guarded", ACT, "", "",
       "The piecewise form with the middle branch fed a clipped x, so nothing overflows.", """
def hardswish(x):
    x = _float_array(x)
    xc = np.clip(x, -3.0, 3.0)
    return np.where(x <= -3, 0.0, np.where(x >= 3, x, xc * (xc + 3.0) / 6.0)).astype(x.dtype)
"""),
    _m("softsign_sign_times_x", ACT, "", "", "sign(x) * x is |x| exactly.", """
def softsign(x):
    x = _float_array(x)
    return x / (1.0 + np.sign(x) * x)
"""),
    _m("celu_as_scaled_elu", ACT, "", "",
       "celu(x) = alpha * elu(x / alpha): x/alpha*alpha is x up to an ulp.", """
def celu(x, alpha=1.0):
    x = _float_array(x)
    z = x / alpha
    return alpha * np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))
"""),
    _m("logsigmoid_softplus_identity", ACT, "", "",
       "-softplus(-x) with the stable max(.,0) + log1p(exp(-|.|)) softplus.", """
def logsigmoid(x):
    x = _float_array(x)
    return -(np.maximum(-x, 0.0) + np.log1p(np.exp(-np.abs(x))))
"""),
    _m("log_softmax_log1p_of_the_others", ACT, "", "",
       "The reference's way: the maximum's 1 taken out of the sum and log1p of the rest.",
       """
def log_softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    k = np.argmax(x, axis=axis, keepdims=True)
    d = x - np.take_along_axis(x, k, axis=axis)
    e = np.exp(d)
    np.put_along_axis(e, k, 0.0, axis=axis)
    return d - np.log1p(np.sum(e, axis=axis, keepdims=True))
"""),
    _m("prelu_masks_and_tuple_index", ACT, "", "",
       "max(x, 0) + w * min(x, 0) with the slopes lined up by w[:, None, ...]: right for "
       "every slope, negative ones too.", """
def prelu(x, weight):
    x = _float_array(x)
    w = _channel_weight(x, weight)
    return (np.maximum(x, 0.0) + w * np.minimum(x, 0.0)).astype(x.dtype, copy=False)
"""),
    _m("prelu_grad_tensordot", DER, "", "",
       "The weight gradient by tensordot over the batch and the trailing axes.", """
def prelu_grad(x, weight, upstream):
    x = _float_array(x)
    g = np.broadcast_to(np.asarray(upstream, dtype=np.float64), x.shape)
    w = np.asarray(weight, dtype=np.float64)
    negative = np.where(x > 0, 0.0, x)
    if w.size > 1:
        if x.ndim < 2 or x.shape[1] != w.size:
            raise ValueError("one slope per channel (axis 1)")
        slopes = w.reshape((-1,) + (1,) * (x.ndim - 2))
        gm = np.moveaxis(g, 1, 0).reshape(w.size, -1)
        nm = np.moveaxis(negative, 1, 0).reshape(w.size, -1)
        grad_w = np.einsum("ci,ci->c", gm, nm)
    else:
        slopes = w.reshape(())
        grad_w = np.tensordot(g, negative, axes=x.ndim).reshape(w.shape)
    grad_x = g * np.where(x > 0, 1.0, slopes)
    return grad_x.astype(x.dtype), np.asarray(grad_w).astype(x.dtype)
"""),
    _m("relu6_grad_heaviside", DER, "", "", "Two heavisides with 0 at their steps.", """
def relu6_grad(x):
    x = _float_array(x)
    return (np.heaviside(x, 0.0) * np.heaviside(6.0 - x, 0.0)).astype(x.dtype)
"""),
    _m("hardsigmoid_grad_abs", DER, "", "", "|x| < 3 for the open interval.", """
def hardsigmoid_grad(x):
    x = _float_array(x)
    return ((np.abs(x) < 3) / 6.0).astype(x.dtype)
"""),
    _m("softsign_grad_divided_twice", DER, "", "",
       "1/d/d underflows to 0 for huge |x| instead of overflowing.", """
def softsign_grad(x):
    x = _float_array(x)
    d = 1.0 + np.abs(x)
    return 1.0 / d / d
"""),
    _m("celu_grad_one_formula", DER, "", "",
       "exp(min(x, 0) / alpha) is exp(0) = 1 for x > 0: no np.where needed.", """
def celu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.exp(np.minimum(x, 0.0) / alpha)
"""),
    _m("logsigmoid_grad_one_minus_sigmoid", DER, "", "",
       "1 - sigmoid(x) cancels for large x, but only below the absolute tolerance "
       "(its error is < 1e-16 where sigmoid rounds to 1).", """
def logsigmoid_grad(x):
    x = _float_array(x)
    return 1.0 - _logistic(x)
"""),
    _m("log_softmax_vjp_through_exp_of_log_softmax", DER, "", "",
       "s = exp(log_softmax(x)) instead of the softmax.", """
def log_softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    z = x - np.max(x, axis=axis, keepdims=True)
    s = np.exp(z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True)))
    return (g - s * np.sum(g, axis=axis, keepdims=True)).astype(x.dtype, copy=False)
"""),
    _m("saturated_fraction_sech_squared", DEAD, "", "",
       "tanh' as 1/cosh(a)**2 with a clipped where cosh**2 would overflow.", """
def _tanh_and_slope(a):
    return np.tanh(a), 1.0 / np.cosh(np.clip(a, -300.0, 300.0)) ** 2
"""),
    _m("activation_stats_weights_drawn_first", INIT, "", "",
       "Draws the weights of every layer first and the inputs last: the same "
       "distributions from the same generator, in another order.", """
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    initializers = {
        "random_normal": random_normal, "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    nonlinearities = {
        "tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": _sigmoid,
        "linear": lambda a: a,
    }
    if init not in initializers:
        raise ValueError(f"unknown initializer {init!r}")
    if nonlinearity not in nonlinearities:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    weights = [initializers[init](width, width, rng) for _ in range(depth)]
    h = rng.standard_normal((samples, width))
    stds = np.empty(depth)
    for layer, W in enumerate(weights):
        h = nonlinearities[nonlinearity](h @ W)
        stds[layer] = h.std()
    return stds
"""),
]

# (test, id) -> why the grader gets it wrong today; the test is "full_marks" (a correct
# or harmless variant), "loses_points" or "feedback" (a mistake). xfail(strict=True).
KNOWN_GAPS: dict[tuple[str, str], str] = {}
