"""A catalogue of the mistakes real students make, and of harmless look-alikes.

Each record names one file of the base solution ``correct/<BASE_STYLE>/`` and gives
replacement source for one or more of its top-level functions (whole ``def`` blocks,
matched by name; ``import`` lines at the top of a snippet are added to the file).
The base style's derivatives do not import its activations, and its forward
functions share only private helpers, so replacing one function breaks only what
``breaks`` lists.

* ``MISTAKES``: every function in ``breaks`` must lose points, every other function
  must keep full marks. ``checks`` names the kind of check expected to catch it.
* ``HARMLESS``: variants that look suspicious but are correct under SPEC.md; the
  submission must keep full marks.

Borderline numerics were decided with the grader's tolerance (rtol 1e-8 plus an
absolute floor of 1e-10) against mpmath at 0, +-1e-8, moderate values, +-20.5,
+-40, +-1000, +-1e4 and +-1e300: a formula whose only defect is a relative error on
results far below 1e-10 (``s * (1 - s)`` at x = 40, ``1 + erf(x / sqrt(2))`` at
x = -9, ``log(1 + exp(x))`` at x = -40) is harmless; one that warns, overflows or
is off by more than the tolerance somewhere is a mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_STYLE = "selfcontained"

CHECK_KINDS = frozenset({
    "values", "params", "kink", "stability", "contract", "vectorized", "gradient",
    "scale", "distribution", "generator", "gain", "dead", "activity", "policy", "jacobian",
})


@dataclass(frozen=True)
class Mistake:
    id: str
    file: str
    source: str
    breaks: frozenset[str]
    checks: frozenset[str] = frozenset()
    why: str = ""


def _m(id: str, file: str, breaks: str, checks: str, why: str, source: str) -> Mistake:
    """Shorthand: ``breaks`` and ``checks`` are space-separated names."""
    return Mistake(id=id, file=file, source=source.lstrip("\n"),
                   breaks=frozenset(breaks.split()), checks=frozenset(checks.split()), why=why)


ACT, DER, INIT, DEAD = "activations.py", "derivatives.py", "initializers.py", "dead_relu.py"

MISTAKES: list[Mistake] = [
    # ------------------------------------------------------------ activations.py
    _m("sigmoid_naive_overflow", ACT, "sigmoid", "stability",
       "1 / (1 + exp(-x)) overflows in exp for x < -709 (right value 0, but a warning).", """
def sigmoid(x):
    x = _float_array(x)
    return 1.0 / (1.0 + np.exp(-x))
"""),
    _m("sigmoid_naive_inside_errstate", ACT, "sigmoid", "stability",
       "1 / (1 + exp(-x)) with numpy told to ignore the overflow: silencing the warning "
       "does not remove the overflow.", """
def sigmoid(x):
    x = _float_array(x)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))
"""),
    _m("sigmoid_clip_500_in_float32", ACT, "sigmoid", "stability",
       "Clipping to [-500, 500] protects float64 only: exp(500) overflows in float32.", """
def sigmoid(x):
    x = _float_array(x)
    z = np.clip(x, -500, 500)
    return 1.0 / (1.0 + np.exp(-z))
"""),
    _m("sigmoid_returns_float64_for_float32", ACT, "sigmoid", "contract",
       "Converting with dtype=float loses the float32 of the input.", """
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return _logistic(x)
"""),
    _m("sigmoid_python_loop_vectorize", ACT, "sigmoid", "vectorized",
       "np.vectorize of a scalar math.exp formula is a Python loop over elements.", """
def sigmoid(x):
    x = _float_array(x)

    def one(v):
        if v >= 0:
            return 1.0 / (1.0 + math.exp(-v))
        e = math.exp(v)
        return e / (1.0 + e)

    return np.vectorize(one, otypes=[x.dtype])(x)
"""),
    _m("sigmoid_expit_hidden_in_relu", ACT, "sigmoid", "policy",
       "expit on a path of relu that relu's own tests never take, used by sigmoid: the "
       "library call is sigmoid's.", """
from scipy.special import expit


def relu(x, _logistic=False):
    x = _float_array(x)
    if _logistic:
        return expit(x)
    return np.where(x > 0, x, 0.0)


def sigmoid(x):
    return relu(x, _logistic=True)
"""),
    _m("sigmoid_expit_called_by_swish", ACT, "sigmoid", "policy",
       "expit in sigmoid costs sigmoid; swish, which calls sigmoid, is judged on its own code.",
       """
from scipy.special import expit


def sigmoid(x):
    return expit(_float_array(x))


def swish(x, beta=1.0):
    x = _float_array(x)
    return x * sigmoid(beta * x)
"""),
    _m("sigmoid_uses_scipy_expit", ACT, "sigmoid", "policy",
       "scipy.special.expit is the library version of the function to write.", """
from scipy.special import expit


def sigmoid(x):
    return expit(_float_array(x))
"""),
    _m("tanh_exp_formula_overflow", ACT, "tanh", "stability",
       "(e^x - e^-x) / (e^x + e^-x) is inf / inf = nan for |x| > 710.", """
def tanh(x):
    x = _float_array(x)
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
"""),
    _m("relu_modifies_input", ACT, "relu", "contract",
       "x[x < 0] = 0 on np.asarray(x) writes into the caller's array.", """
def relu(x):
    x = np.asarray(x)
    x[x < 0] = 0
    return x
"""),
    _m("relu_keeps_integer_dtype", ACT, "relu", "contract",
       "np.maximum(x, 0) of an int array or a Python int stays integer, not float64.", """
def relu(x):
    return np.maximum(x, 0)
"""),
    _m("leaky_relu_ignores_alpha", ACT, "leaky_relu", "params",
       "The slope 0.01 is hard-coded instead of using the alpha argument.", """
def leaky_relu(x, alpha=0.01):
    x = _float_array(x)
    return np.where(x > 0, x, 0.01 * x)
"""),
    _m("elu_exp_in_unselected_branch", ACT, "elu", "stability",
       "np.where evaluates alpha * (exp(x) - 1) for every x, so exp(1000) overflows.", """
def elu(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))
"""),
    _m("elu_alpha_scales_both_branches", ACT, "elu", "params",
       "alpha multiplies the whole function instead of the negative branch only.", """
def elu(x, alpha=1.0):
    x = _float_array(x)
    return alpha * np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))
"""),
    _m("selu_truncated_constants", ACT, "selu", "values",
       "lambda = 1.05 and alpha = 1.67 are not the SELU constants (error ~1e-3).", """
def selu(x):
    x = _float_array(x)
    return 1.05 * np.where(x > 0, x, 1.67 * np.expm1(np.minimum(x, 0.0)))
"""),
    _m("selu_lambda_only_on_negative_branch", ACT, "selu", "values",
       "lambda scales both branches, not only the exponential one.", """
def selu(x):
    x = _float_array(x)
    return np.where(x > 0, x, SELU_LAMBDA * SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))
"""),
    _m("gelu_tanh_formula_for_exact", ACT, "gelu", "values",
       "The tanh approximation is not GELU: it differs from x * Phi(x) by up to ~2e-4.", """
def gelu(x, approximate=False):
    x = _float_array(x)
    xc = np.clip(x, -1e6, 1e6)
    u = SQRT_2_OVER_PI * (xc + GELU_CUBIC * xc**3)
    return x * _logistic(2.0 * u)
"""),
    _m("gelu_ignores_approximate", ACT, "gelu", "params",
       "approximate=True must switch to the tanh formula.", """
def gelu(x, approximate=False):
    x = _float_array(x)
    return x * (0.5 * erfc(-x / math.sqrt(2.0)))
"""),
    _m("gelu_approx_cube_overflows", ACT, "gelu", "stability",
       "x**3 overflows for |x| > 5.6e102 although the tanh is just +-1 there.", """
def gelu(x, approximate=False):
    x = _float_array(x)
    if not approximate:
        return x * (0.5 * erfc(-x / math.sqrt(2.0)))
    return 0.5 * x * (1.0 + np.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x**3)))
"""),
    _m("softplus_naive_overflow", ACT, "softplus", "stability",
       "log(1 + exp(x)) overflows for x > 709 (its loss of digits below -37 is harmless).", """
def softplus(x):
    x = _float_array(x)
    return np.log(1.0 + np.exp(x))
"""),
    _m("softplus_threshold_in_where_still_overflows", ACT, "softplus", "stability",
       "np.where(x > 30, x, log1p(exp(x))) still computes exp(1000) in the branch not taken.", """
def softplus(x):
    x = _float_array(x)
    return np.where(x > 30, x, np.log1p(np.exp(x)))
"""),
    _m("softplus_uses_scipy_logsumexp", ACT, "softplus", "policy",
       "scipy.special.logsumexp is stable, but only erf, erfc and ndtr may come from scipy.", """
from scipy.special import logsumexp


def softplus(x):
    x = _float_array(x)
    return logsumexp(np.stack([np.zeros_like(x), x]), axis=0)
"""),
    _m("swish_ignores_beta", ACT, "swish", "params",
       "beta belongs inside the sigmoid; this is SiLU for every beta.", """
def swish(x, beta=1.0):
    x = _float_array(x)
    return x * _logistic(x)
"""),
    _m("swish_with_clipped_sigmoid", ACT, "swish", "stability",
       "A sigmoid clipped at -500 is 7e-218, not 0, and x = -1e300 turns it into -7e82.", """
def swish(x, beta=1.0):
    x = _float_array(x)
    z = np.clip(np.asarray(beta * x, dtype=np.float64), -500.0, 500.0)
    return (x / (1.0 + np.exp(-z))).astype(x.dtype)
"""),
    _m("mish_naive_softplus", ACT, "mish", "stability",
       "tanh(log(1 + exp(x))) overflows in exp for x > 709.", """
def mish(x):
    x = _float_array(x)
    return x * np.tanh(np.log(1.0 + np.exp(x)))
"""),
    _m("softmax_without_max_shift", ACT, "softmax", "stability",
       "exp(1000) overflows: subtract the maximum along the axis first.", """
def softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)
"""),
    _m("softmax_ignores_axis", ACT, "softmax", "params",
       "The axis argument is ignored: always normalizes along the last axis.", """
def softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
"""),
    _m("softmax_normalizes_whole_array", ACT, "softmax", "values",
       "Dividing by the sum of the whole array is right for 1-D input only.", """
def softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e)
"""),
    _m("softmax_max_without_keepdims", ACT, "softmax", "values params",
       "Without keepdims the maximum broadcasts against the wrong axis (or fails).", """
def softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x, axis=axis))
    return e / np.sum(e, axis=axis, keepdims=True)
"""),
    _m("softmax_global_max_shift", ACT, "softmax", "stability",
       "One global maximum lets every exp of a low row underflow to 0, giving 0 / 0.", """
def softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=axis, keepdims=True)
"""),
    _m("softmax_returns_float64_for_float32", ACT, "softmax", "contract",
       "np.asarray(x, dtype=np.float64) drops the float32 of the input.", """
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
"""),
    _m("softmax_uses_scipy_softmax", ACT, "softmax", "policy",
       "scipy.special.softmax is the library version of the function to write.", """
def softmax(x, axis=-1):
    import scipy.special

    return scipy.special.softmax(_float_array(x), axis=axis)
"""),
    _m("selu_forgets_asarray", ACT, "selu", "contract",
       "Without np.asarray a list input fails (list > 0) and an int input stays int.", """
def selu(x):
    negative_part = SELU_ALPHA * np.expm1(np.minimum(x, 0.0))
    return SELU_LAMBDA * np.where(x > 0, x, negative_part)
"""),
    # ------------------------------------------------------------ derivatives.py
    _m("sigmoid_grad_naive_sigmoid", DER, "sigmoid_grad", "stability",
       "s * (1 - s) is fine, but s = 1 / (1 + exp(-x)) overflows at x = -1000.", """
def sigmoid_grad(x):
    x = _float_array(x)
    s = 1.0 / (1.0 + np.exp(-x))
    return s * (1.0 - s)
"""),
    _m("sigmoid_grad_uses_scipy_expit", DER, "sigmoid_grad", "policy",
       "scipy.special.expit is not allowed, in derivatives either.", """
from scipy.special import expit


def sigmoid_grad(x):
    s = expit(_float_array(x))
    return s * (1.0 - s)
"""),
    _m("tanh_grad_missing_square", DER, "tanh_grad", "values",
       "The derivative of tanh is 1 - tanh(x)**2, not 1 - tanh(x).", """
def tanh_grad(x):
    return 1.0 - np.tanh(_float_array(x))
"""),
    _m("tanh_grad_cosh_overflow", DER, "tanh_grad", "stability",
       "1 / cosh(x)**2 is right, but cosh overflows for |x| > 710.", """
def tanh_grad(x):
    return 1.0 / np.cosh(_float_array(x)) ** 2
"""),
    _m("tanh_grad_item_assignment_fails_on_0d", DER, "tanh_grad", "contract",
       "Arithmetic on a 0-d array gives a NumPy scalar, which item assignment cannot change.", """
def tanh_grad(x):
    x = _float_array(x)
    t = np.tanh(x)
    out = 1.0 - t * t
    out[np.abs(x) > 20] = 0.0
    return out
"""),
    _m("relu_grad_one_at_zero", DER, "relu_grad", "kink",
       "x >= 0 makes relu_grad(0) = 1; the convention here is 0.", """
def relu_grad(x):
    x = _float_array(x)
    return (x >= 0).astype(x.dtype)
"""),
    _m("relu_grad_half_at_zero", DER, "relu_grad", "kink",
       "(sign(x) + 1) / 2 is 0.5 at the kink.", """
def relu_grad(x):
    x = _float_array(x)
    return (np.sign(x) + 1) / 2
"""),
    _m("relu_grad_returns_bool", DER, "relu_grad", "contract",
       "x > 0 is a boolean array, not float.", """
def relu_grad(x):
    return _float_array(x) > 0
"""),
    _m("relu_grad_bool_times_float_is_float64", DER, "relu_grad", "contract",
       "(x > 0) * 1.0 is float64 even for float32 x: the bool array forgets the dtype.", """
def relu_grad(x):
    x = _float_array(x)
    return (x > 0) * 1.0
"""),
    _m("relu_grad_python_loop", DER, "relu_grad", "vectorized",
       "A Python loop over the elements (correct values, far too slow).", """
def relu_grad(x):
    x = _float_array(x)
    out = np.zeros(x.shape, dtype=x.dtype)
    for index, value in np.ndenumerate(x):
        out[index] = 1.0 if value > 0 else 0.0
    return out
"""),
    _m("relu_grad_modifies_input", DER, "relu_grad", "contract",
       "Reusing the input array as the output overwrites the caller's data.", """
def relu_grad(x):
    x = np.asarray(x)
    x[x > 0] = 1
    x[x <= 0] = 0
    return x
"""),
    _m("leaky_relu_grad_one_at_zero", DER, "leaky_relu_grad", "kink",
       "x >= 0 makes leaky_relu_grad(0) = 1; the convention here is alpha.", """
def leaky_relu_grad(x, alpha=0.01):
    x = _float_array(x)
    return np.where(x >= 0, 1.0, alpha).astype(x.dtype)
"""),
    _m("leaky_relu_grad_ignores_alpha", DER, "leaky_relu_grad", "params",
       "The slope 0.01 is hard-coded instead of using alpha.", """
def leaky_relu_grad(x, alpha=0.01):
    x = _float_array(x)
    return np.where(x > 0, 1.0, 0.01).astype(x.dtype)
"""),
    _m("elu_grad_subtracts_one", DER, "elu_grad", "values kink",
       "d/dx alpha * (e^x - 1) = alpha * e^x: the -1 does not survive differentiation.", """
def elu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)) - 1.0).astype(x.dtype)
"""),
    _m("elu_grad_one_at_zero", DER, "elu_grad", "kink",
       "x >= 0 makes elu_grad(0) = 1; the convention here is alpha.", """
def elu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x >= 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))).astype(x.dtype)
"""),
    _m("elu_grad_exp_in_unselected_branch", DER, "elu_grad", "stability",
       "alpha * exp(x) is computed for every x by np.where and overflows at x = 1000.", """
def elu_grad(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, 1.0, alpha * np.exp(x)).astype(x.dtype)
"""),
    _m("selu_grad_missing_lambda", DER, "selu_grad", "values kink",
       "The outer factor lambda scales the derivative of both branches.", """
def selu_grad(x):
    x = _float_array(x)
    return np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0))).astype(x.dtype)
"""),
    _m("gelu_grad_missing_pdf_term", DER, "gelu_grad", "values",
       "Product rule: d/dx x * Phi(x) = Phi(x) + x * phi(x), not Phi(x).", """
def gelu_grad(x, approximate=False):
    x = _float_array(x)
    if not approximate:
        return 0.5 * erfc(-x / math.sqrt(2.0))
    xc = np.clip(x, -1e6, 1e6)
    u = SQRT_2_OVER_PI * (xc + GELU_CUBIC * xc**3)
    du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * xc * xc)
    return _logistic(2.0 * u) + 0.5 * xc * _sech2(u) * du
"""),
    _m("gelu_grad_square_overflows", DER, "gelu_grad", "stability",
       "exp(-x**2 / 2) is 0 for huge x, but x**2 overflows first (1e300**2).", """
def gelu_grad(x, approximate=False):
    x = _float_array(x)
    if not approximate:
        return 0.5 * erfc(-x / math.sqrt(2.0)) + x * INV_SQRT_2PI * np.exp(-0.5 * x**2)
    xc = np.clip(x, -1e6, 1e6)
    u = SQRT_2_OVER_PI * (xc + GELU_CUBIC * xc**3)
    du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * xc * xc)
    return _logistic(2.0 * u) + 0.5 * xc * _sech2(u) * du
"""),
    _m("gelu_grad_approx_missing_inner_derivative", DER, "gelu_grad", "params",
       "Chain rule: du/dx = sqrt(2/pi) * (1 + 3 * 0.044715 * x**2) was left out.", """
def gelu_grad(x, approximate=False):
    x = _float_array(x)
    if not approximate:
        cdf = 0.5 * erfc(-x / math.sqrt(2.0))
        xc = np.clip(x, -40.0, 40.0)
        return cdf + xc * (INV_SQRT_2PI * np.exp(-0.5 * xc * xc))
    xc = np.clip(x, -1e6, 1e6)
    u = SQRT_2_OVER_PI * (xc + GELU_CUBIC * xc**3)
    return _logistic(2.0 * u) + 0.5 * xc * _sech2(u)
"""),
    _m("gelu_grad_ignores_approximate", DER, "gelu_grad", "params",
       "approximate=True must differentiate the tanh formula (differs by up to ~1e-3).", """
def gelu_grad(x, approximate=False):
    x = _float_array(x)
    cdf = 0.5 * erfc(-x / math.sqrt(2.0))
    xc = np.clip(x, -40.0, 40.0)
    return cdf + xc * (INV_SQRT_2PI * np.exp(-0.5 * xc * xc))
"""),
    _m("softplus_grad_returns_softplus", DER, "softplus_grad", "values",
       "Returns softplus itself instead of its derivative, the sigmoid.", """
def softplus_grad(x):
    x = _float_array(x)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
"""),
    _m("swish_grad_missing_beta_factor", DER, "swish_grad", "params",
       "Chain rule: the second term is beta * x * s * (1 - s), beta included.", """
def swish_grad(x, beta=1.0):
    x = _float_array(x)
    s = _logistic(beta * x)
    return s + x * s * _logistic(-beta * x)
"""),
    _m("mish_grad_missing_square", DER, "mish_grad", "values",
       "tanh' = 1 - tanh**2; here 1 - tanh is used.", """
def mish_grad(x):
    x = _float_array(x)
    sp = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    t = np.tanh(sp)
    return t + x * (1.0 - t) * _logistic(x)
"""),
    _m("mish_grad_forgets_softplus_derivative", DER, "mish_grad", "values",
       "Chain rule: d softplus / dx = sigmoid(x) is missing.", """
def mish_grad(x):
    x = _float_array(x)
    sp = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return np.tanh(sp) + x * _sech2(sp)
"""),
    _m("softmax_vjp_diagonal_only", DER, "softmax_vjp", "values gradient",
       "s * upstream keeps only the diagonal of the softmax Jacobian.", """
def softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    return (s * g).astype(x.dtype, copy=False)
"""),
    _m("softmax_vjp_sums_whole_array", DER, "softmax_vjp", "values gradient",
       "The inner product s . upstream is taken per softmax vector, not over all elements.", """
def softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    return (s * (g - np.sum(g * s))).astype(x.dtype, copy=False)
"""),
    _m("softmax_vjp_sum_without_keepdims", DER, "softmax_vjp", "values params",
       "Without keepdims the sum broadcasts against the wrong axis (or fails).", """
def softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    return (s * (g - np.sum(g * s, axis=axis))).astype(x.dtype, copy=False)
"""),
    _m("softmax_vjp_ignores_axis", DER, "softmax_vjp", "params",
       "Softmax and sum always along the last axis, whatever axis says.", """
def softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    s = e / np.sum(e, axis=-1, keepdims=True)
    return (s * (g - np.sum(g * s, axis=-1, keepdims=True))).astype(x.dtype, copy=False)
"""),
    _m("softmax_vjp_full_jacobian_einsum", DER, "softmax_vjp", "jacobian",
       "Right and vectorized, but it builds the (..., n, n) Jacobian diag(s) - s s^T with "
       "einsum and multiplies the upstream gradient into it: memory grows with n squared "
       "(only the jacobian check may catch it).", """
def softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    z = np.moveaxis(x, axis, -1)
    g = np.moveaxis(np.asarray(upstream, dtype=x.dtype), axis, -1)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    s = e / np.sum(e, axis=-1, keepdims=True)
    eye = np.eye(s.shape[-1], dtype=s.dtype)
    jacobian = np.einsum("...i,ij->...ij", s, eye) - np.einsum("...i,...j->...ij", s, s)
    return np.moveaxis(np.einsum("...i,...ij->...j", g, jacobian), -1, axis)
"""),
    _m("softmax_vjp_naive_softmax", DER, "softmax_vjp", "stability",
       "The softmax inside the VJP must be the stable one too.", """
def softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    g = np.asarray(upstream)
    if x.ndim == 0:
        return np.zeros_like(x)
    e = np.exp(x)
    s = e / np.sum(e, axis=axis, keepdims=True)
    return (s * (g - np.sum(g * s, axis=axis, keepdims=True))).astype(x.dtype, copy=False)
"""),
    # ------------------------------------------------------------ initializers.py
    _m("zeros_transposed_shape", INIT, "zeros", "contract",
       "Weights are (fan_in, fan_out) because the layer computes h @ W.", """
def zeros(fan_in, fan_out):
    return np.zeros((fan_out, fan_in))
"""),
    _m("random_normal_global_numpy_random", INIT, "random_normal", "generator",
       "np.random.normal uses the global state, not the rng argument.", """
def random_normal(fan_in, fan_out, rng, std=0.01):
    return np.random.normal(0.0, std, size=(fan_in, fan_out))
"""),
    _m("random_normal_std_as_variance", INIT, "random_normal", "scale",
       "std is the standard deviation: passing sqrt(std) as scale treats it as a variance.", """
def random_normal(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, math.sqrt(std), size=(fan_in, fan_out))
"""),
    _m("random_normal_ignores_std", INIT, "random_normal", "scale",
       "The default 0.01 is hard-coded instead of using std.", """
def random_normal(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, 0.01, size=(fan_in, fan_out))
"""),
    _m("xavier_uniform_limit_uses_3", INIT, "xavier_uniform", "scale",
       "The limit is sqrt(6 / (fan_in + fan_out)); sqrt(3 / ...) halves the variance.", """
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    limit = gain * math.sqrt(3.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
"""),
    _m("xavier_uniform_gain_squared", INIT, "xavier_uniform", "scale",
       "gain scales the standard deviation (and the limit), gain**2 the variance.", """
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    limit = gain**2 * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
"""),
    _m("xavier_uniform_ignores_gain", INIT, "xavier_uniform", "scale",
       "The gain argument is never used.", """
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
"""),
    _m("xavier_uniform_own_seeded_generator", INIT, "xavier_uniform", "generator",
       "A fresh default_rng(0) is reproducible but ignores the caller's rng.", """
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    limit = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return np.random.default_rng(0).uniform(-limit, limit, size=(fan_in, fan_out))
"""),
    _m("xavier_normal_draws_uniform", INIT, "xavier_normal", "distribution",
       "Right variance, wrong distribution: xavier_normal is Gaussian.", """
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    limit = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
"""),
    _m("xavier_normal_variance_as_std", INIT, "xavier_normal", "scale",
       "gain**2 * 2 / (fan_in + fan_out) is the variance; scale needs its square root.", """
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain**2 * 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))
"""),
    _m("xavier_normal_returns_float32", INIT, "xavier_normal", "contract",
       "Drawing with dtype=np.float32 returns float32; initializers return float64.", """
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.standard_normal((fan_in, fan_out), dtype=np.float32) * std
"""),
    _m("he_uniform_forgot_sqrt3", INIT, "he_uniform", "scale",
       "sqrt(2 / fan_in) is He's standard deviation; the uniform limit is sqrt(3) times it.", """
def he_uniform(fan_in, fan_out, rng):
    limit = math.sqrt(2.0 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
"""),
    _m("he_uniform_draws_normal", INIT, "he_uniform", "distribution",
       "he_uniform draws from U(-a, a), not from a Gaussian.", """
def he_uniform(fan_in, fan_out, rng):
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
"""),
    _m("he_normal_missing_factor_2", INIT, "he_normal", "scale",
       "Without the 2 this is LeCun: ReLU zeroes half the inputs, He doubles the variance.", """
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, math.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
"""),
    _m("he_normal_uses_fan_out", INIT, "he_normal", "scale",
       "He (fan-in mode) divides by fan_in, the number of inputs of a unit.", """
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, math.sqrt(2.0 / fan_out), size=(fan_in, fan_out))
"""),
    _m("he_normal_keras_truncated", INIT, "he_normal", "distribution",
       "Keras' he_normal is a truncated normal; SPEC asks for N(0, 2 / fan_in).", """
def he_normal(fan_in, fan_out, rng):
    w = rng.standard_normal((fan_in, fan_out))
    outside = np.abs(w) > 2.0
    while outside.any():
        w[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(w) > 2.0
    return w * (math.sqrt(2.0 / fan_in) / 0.87962566103423978)
"""),
    _m("lecun_normal_uses_factor_2", INIT, "lecun_normal", "scale",
       "LeCun's variance is 1 / fan_in; 2 / fan_in is He's.", """
def lecun_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
"""),
    _m("calculate_gain_relu_without_sqrt", INIT, "calculate_gain", "gain",
       "The gain multiplies the std: ReLU's is sqrt(2), its square 2 is the variance factor.", """
def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": 2.0, "selu": 0.75}
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity not in gains:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]
"""),
    _m("calculate_gain_leaky_ignores_param", INIT, "calculate_gain", "gain",
       "The negative slope is always 0.01, whatever param says.", """
def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0),
             "leaky_relu": math.sqrt(2.0 / (1.0 + 0.01**2)), "selu": 0.75}
    if nonlinearity not in gains:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]
"""),
    _m("calculate_gain_leaky_default_slope_zero", INIT, "calculate_gain", "gain",
       "With param=None the slope is 0.01 (as in PyTorch), not 0.", """
def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity == "leaky_relu":
        slope = 0.0 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity not in gains:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]
"""),
    _m("calculate_gain_leaky_missing_square", INIT, "calculate_gain", "gain",
       "The formula is sqrt(2 / (1 + slope**2)), the slope squared.", """
def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope))
    if nonlinearity not in gains:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]
"""),
    _m("calculate_gain_param_or_default", INIT, "calculate_gain", "gain",
       "`param or 0.01` turns an explicit slope of 0 into 0.01 (gain must be sqrt(2)).", """
def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity == "leaky_relu":
        slope = param or 0.01
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity not in gains:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]
"""),
    _m("calculate_gain_unknown_returns_1", INIT, "calculate_gain", "gain",
       "An unknown name must raise ValueError, not silently fall back to 1.", """
def calculate_gain(nonlinearity, param=None):
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 0.75
    return 1.0
"""),
    _m("calculate_gain_selu_1", INIT, "calculate_gain", "gain",
       "PyTorch's gain for SELU is 3/4, not 1.", """
def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 1.0}
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity not in gains:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]
"""),
    # ------------------------------------------------------------ dead_relu.py
    _m("relu_activity_counts_zero_as_active", DEAD, "relu_activity", "activity",
       "Active means pre-activation > 0; a pre-activation of exactly 0 outputs 0.", """
def relu_activity(weights, biases, X, batch_size=1024):
    counts = [np.zeros(np.shape(W)[1], dtype=np.int64) for W in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        for count, a in zip(counts, pre):
            count += np.count_nonzero(a >= 0, axis=0)
    return [count / np.shape(X)[0] for count in counts]
"""),
    _m("relu_activity_forgets_bias", DEAD, "relu_activity", "activity",
       "a = h @ W + b: without the bias a unit with a large negative bias looks alive.", """
def relu_activity(weights, biases, X, batch_size=1024):
    X = np.asarray(X, dtype=np.float64)
    counts = [np.zeros(np.shape(W)[1]) for W in weights]
    for start in range(0, X.shape[0], batch_size):
        h = X[start:start + batch_size]
        for count, W in zip(counts, weights):
            a = h @ W
            count += np.count_nonzero(a > 0, axis=0)
            h = np.maximum(a, 0.0)
    return [count / X.shape[0] for count in counts]
"""),
    _m("relu_activity_no_relu_between_layers", DEAD, "relu_activity", "activity",
       "The next layer's input is max(a, 0), not the pre-activation a.", """
def relu_activity(weights, biases, X, batch_size=1024):
    X = np.asarray(X, dtype=np.float64)
    counts = [np.zeros(np.shape(W)[1]) for W in weights]
    for start in range(0, X.shape[0], batch_size):
        h = X[start:start + batch_size]
        for count, W, b in zip(counts, weights, biases):
            h = h @ W + b
            count += np.count_nonzero(h > 0, axis=0)
    return [count / X.shape[0] for count in counts]
"""),
    _m("relu_activity_returns_counts", DEAD, "relu_activity", "activity",
       "The activity is a fraction of the samples, not a count.", """
def relu_activity(weights, biases, X, batch_size=1024):
    counts = [np.zeros(np.shape(W)[1]) for W in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        for count, a in zip(counts, pre):
            count += np.count_nonzero(a > 0, axis=0)
    return counts
"""),
    _m("relu_activity_ignores_batch_size", DEAD, "relu_activity", "activity",
       "All of X through the network at once: right values, but memory grows with n.", """
def relu_activity(weights, biases, X, batch_size=1024):
    h = np.asarray(X, dtype=np.float64)
    fractions = []
    for W, b in zip(weights, biases):
        a = h @ W + b
        fractions.append(np.mean(a > 0, axis=0))
        h = np.maximum(a, 0.0)
    return fractions
"""),
    _m("relu_activity_keeps_every_batch", DEAD, "relu_activity", "activity",
       "Batches, but every batch's activity is kept and concatenated: memory grows with n.",
       """
def relu_activity(weights, biases, X, batch_size=1024):
    per_layer = [[] for _ in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        for kept, a in zip(per_layer, pre):
            kept.append(a > 0)
    return [np.concatenate(kept).mean(axis=0) for kept in per_layer]
"""),
    _m("dead_relu_mask_ignores_batch_size", DEAD, "dead_relu_mask", "dead",
       "All of X at once: right mask, but memory grows with n.", """
def dead_relu_mask(weights, biases, X, batch_size=1024):
    h = np.asarray(X, dtype=np.float64)
    dead = []
    for W, b in zip(weights, biases):
        a = h @ W + b
        dead.append(np.all(a <= 0, axis=0))
        h = np.maximum(a, 0.0)
    return dead
"""),
    _m("relu_activity_drops_last_partial_batch", DEAD, "relu_activity", "activity",
       "range(n // batch_size) batches skip the last n % batch_size samples.", """
def relu_activity(weights, biases, X, batch_size=1024):
    X = np.asarray(X, dtype=np.float64)
    counts = [np.zeros(np.shape(W)[1]) for W in weights]
    for k in range(X.shape[0] // batch_size):
        h = X[k * batch_size:(k + 1) * batch_size]
        for count, W, b in zip(counts, weights, biases):
            a = h @ W + b
            count += np.count_nonzero(a > 0, axis=0)
            h = np.maximum(a, 0.0)
    return [count / X.shape[0] for count in counts]
"""),
    _m("relu_activity_mean_of_batch_means", DEAD, "relu_activity", "activity",
       "Averaging per-batch fractions over-weights a smaller last batch.", """
def relu_activity(weights, biases, X, batch_size=1024):
    means = [[] for _ in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        for batch_means, a in zip(means, pre):
            batch_means.append(np.mean(a > 0, axis=0))
    return [np.mean(batch_means, axis=0) for batch_means in means]
"""),
    _m("dead_relu_mask_low_activity_threshold", DEAD, "dead_relu_mask", "dead",
       "Rarely active is not dead: dead means never active on any sample.", """
def dead_relu_mask(weights, biases, X, batch_size=1024):
    return [fraction < 0.01 for fraction in relu_activity(weights, biases, X, batch_size)]
"""),
    _m("dead_relu_mask_first_batch_only", DEAD, "dead_relu_mask", "dead",
       "A unit that fires only in a later batch is alive.", """
def dead_relu_mask(weights, biases, X, batch_size=1024):
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        return [~np.any(a > 0, axis=0) for a in pre]
"""),
    _m("dead_relu_mask_zero_counts_as_alive", DEAD, "dead_relu_mask", "dead",
       "A pre-activation of exactly 0 everywhere outputs 0 and gets no gradient: dead.", """
def dead_relu_mask(weights, biases, X, batch_size=1024):
    alive = [np.zeros(np.shape(W)[1], dtype=bool) for W in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        for active, a in zip(alive, pre):
            active |= np.any(a >= 0, axis=0)
    return [~active for active in alive]
"""),
    _m("dead_relu_mask_returns_alive_units", DEAD, "dead_relu_mask", "dead",
       "The mask is True for dead units; this returns the live ones.", """
def dead_relu_mask(weights, biases, X, batch_size=1024):
    ever_active = [np.zeros(np.shape(W)[1], dtype=bool) for W in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        for active, a in zip(ever_active, pre):
            active |= np.any(a > 0, axis=0)
    return ever_active
"""),
    _m("dead_relu_forward_without_relu", DEAD, "relu_activity dead_relu_mask", "activity dead",
       "The shared forward pass feeds a, not max(a, 0), to the next layer: both functions break.",
       """
def _batched_preactivations(weights, biases, X, batch_size):
    X = np.asarray(X, dtype=np.float64)
    for start in range(0, X.shape[0], batch_size):
        h = X[start:start + batch_size]
        pre = []
        for W, b in zip(weights, biases):
            h = h @ np.asarray(W, dtype=np.float64) + np.asarray(b, dtype=np.float64)
            pre.append(h)
        yield pre
"""),
]

HARMLESS: list[Mistake] = [
    _m("calculate_gain_raises_a_valueerror_subclass", INIT, "", "",
       "An exception class of one's own derived from ValueError is a ValueError.", """
class UnknownNonlinearity(ValueError):
    pass


def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0),
             "selu": 3.0 / 4.0}
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise UnknownNonlinearity(f"negative slope {param!r} is not a number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity not in gains:
        raise UnknownNonlinearity(f"unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]
"""),
    _m("plots_left_at_module_level", ACT, "", "",
       "Exploration code after the functions (matplotlib is not allowed in graded code, "
       "but nothing graded uses it): it does not run, as in a notebook graded per cell.",
       """
import matplotlib.pyplot as plt

xs = np.linspace(-5, 5, 101)
fig, ax = plt.subplots()
ax.plot(xs, sigmoid(xs), label="sigmoid")
ax.plot(xs, swish(xs), label="swish")
plt.legend()
plt.show()
print("sigmoid(0) =", sigmoid(0.0))
"""),
    _m("swish_calls_own_sigmoid", ACT, "", "",
       "swish reusing the file's own sigmoid: x * sigmoid(beta * x).", """
def swish(x, beta=1.0):
    x = _float_array(x)
    return x * sigmoid(beta * x)
"""),
    _m("sigmoid_stable_inside_errstate", ACT, "", "",
       "A stable sigmoid inside np.errstate(over='ignore'), just in case: nothing "
       "overflows, so there is nothing to charge.", """
def sigmoid(x):
    x = _float_array(x)
    with np.errstate(over="ignore", invalid="ignore"):
        return _logistic(x)
"""),
    _m("sigmoid_clip_500_computed_in_float64", ACT, "", "",
       "exp(500) is finite in float64; sigmoid(-1000) = 7e-218 instead of 0 is within tolerance.",
       """
def sigmoid(x):
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    z = np.clip(x.astype(np.float64), -500.0, 500.0)
    return (1.0 / (1.0 + np.exp(-z))).astype(dtype)
"""),
    _m("sigmoid_exp_of_minus_softplus", ACT, "", "",
       "sigmoid(x) = exp(-softplus(-x)), with np.logaddexp doing the softplus stably.", """
def sigmoid(x):
    x = _float_array(x)
    return np.exp(-np.logaddexp(0, -x))
"""),
    _m("tanh_as_two_sigmoids", ACT, "", "",
       "tanh(x) = 2 sigmoid(2x) - 1: loses relative digits near 0, but only ~1e-16 absolute.", """
def tanh(x):
    x = _float_array(x)
    # tanh is +-1 from |x| = 20 on; the clip keeps 2x finite for float32 near 3e38
    return 2.0 * _logistic(2.0 * np.clip(x, -20.0, 20.0)) - 1.0
"""),
    _m("relu_times_mask_gives_negative_zero", ACT, "", "",
       "x * (x > 0) is -0.0 for negative x, and -0.0 == 0.0.", """
def relu(x):
    x = _float_array(x)
    return x * (x > 0)
"""),
    _m("leaky_relu_as_maximum", ACT, "", "",
       "For 0 <= alpha < 1, max(x, alpha * x) is exactly leaky ReLU.", """
def leaky_relu(x, alpha=0.01):
    x = _float_array(x)
    return np.maximum(x, alpha * x)
"""),
    _m("elu_exp_minus_one_on_clipped_input", ACT, "", "",
       "exp(min(x, 0)) - 1 instead of expm1: ~1e-16 absolute error near 0, no overflow.", """
def elu(x, alpha=1.0):
    x = _float_array(x)
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0.0)) - 1.0))
"""),
    _m("gelu_with_erf", ACT, "", "",
       "0.5 x (1 + erf(x / sqrt 2)) cancels for x << 0, but the absolute error stays < 1e-15.",
       """
from scipy.special import erf


def gelu(x, approximate=False):
    x = _float_array(x)
    if not approximate:
        return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
    xc = np.clip(x, -1e6, 1e6)
    u = SQRT_2_OVER_PI * (xc + GELU_CUBIC * xc**3)
    return x * _logistic(2.0 * u)
"""),
    _m("gelu_textbook_tanh_formula_with_clipped_cube", ACT, "", "",
       "0.5 x (1 + tanh(u)) as written in the paper; only x**3 needs protecting.", """
def gelu(x, approximate=False):
    x = _float_array(x)
    if not approximate:
        return x * (0.5 * erfc(-x / math.sqrt(2.0)))
    xc = np.clip(x, -1000.0, 1000.0)
    return 0.5 * x * (1.0 + np.tanh(SQRT_2_OVER_PI * (xc + GELU_CUBIC * xc**3)))
"""),
    _m("softplus_logaddexp", ACT, "", "",
       "np.logaddexp(0, x) is log(e^0 + e^x), computed stably by NumPy.", """
def softplus(x):
    return np.logaddexp(0, _float_array(x))
"""),
    _m("softplus_torch_threshold_20", ACT, "", "",
       "Returning x above 20 (as PyTorch does) is off by < 2.1e-9, i.e. < 1e-10 relative.", """
def softplus(x):
    x = _float_array(x)
    return np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20.0))))
"""),
    _m("swish_via_tanh_identity", ACT, "", "",
       "sigmoid(z) = (1 + tanh(z / 2)) / 2 never overflows.", """
def swish(x, beta=1.0):
    x = _float_array(x)
    return x * (0.5 * (1.0 + np.tanh(0.5 * beta * x)))
"""),
    _m("mish_with_logaddexp", ACT, "", "",
       "Same function, softplus from np.logaddexp.", """
def mish(x):
    x = _float_array(x)
    return x * np.tanh(np.logaddexp(0, x))
"""),
    _m("softmax_in_log_domain", ACT, "", "",
       "exp(x - logsumexp(x)), with logsumexp shifted by the maximum.", """
def softmax(x, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.ones_like(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return np.exp(shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)))
"""),
    _m("sigmoid_grad_s_times_one_minus_s", DER, "", "",
       "s * (1 - s) of a stable s: 0 instead of 4e-18 at x = 40 is within the absolute floor.",
       """
def sigmoid_grad(x):
    s = _logistic(_float_array(x))
    return s * (1.0 - s)
"""),
    _m("tanh_grad_one_minus_square", DER, "", "",
       "1 - tanh(x)**2 loses relative digits for large |x|, but only ~1e-16 absolute.", """
def tanh_grad(x):
    return 1.0 - np.tanh(_float_array(x)) ** 2
"""),
    _m("relu_grad_heaviside_zero", DER, "", "",
       "np.heaviside(x, 0) is 0 at the kink, keeps float32 and makes int input float64.", """
def relu_grad(x):
    return np.heaviside(_float_array(x), 0)
"""),
    _m("leaky_relu_grad_masked_full_like", DER, "", "",
       "Start from alpha everywhere, overwrite the positive part with 1.", """
def leaky_relu_grad(x, alpha=0.01):
    x = _float_array(x)
    out = np.full_like(x, alpha)
    out[x > 0] = 1.0
    return out
"""),
    _m("elu_grad_from_output_plus_alpha", DER, "", "",
       "For x <= 0, alpha e^x = elu(x) + alpha (and = alpha at the kink).", """
def elu_grad(x, alpha=1.0):
    x = _float_array(x)
    elu_left = alpha * np.expm1(np.minimum(x, 0.0))
    return np.where(x > 0, 1.0, elu_left + alpha).astype(x.dtype)
"""),
    _m("gelu_grad_erf_and_textbook_tanh", DER, "", "",
       "Phi from erf and 1 - t**2 for sech^2: digits cancel only where the result is tiny.",
       """
from scipy.special import erf


def gelu_grad(x, approximate=False):
    x = _float_array(x)
    c = np.clip(x, -100.0, 100.0)
    if not approximate:
        return 0.5 * (1.0 + erf(x / math.sqrt(2.0))) + c * INV_SQRT_2PI * np.exp(-0.5 * c * c)
    k = SQRT_2_OVER_PI
    t = np.tanh(k * (c + GELU_CUBIC * c**3))
    return 0.5 * (1.0 + t) + 0.5 * c * (1.0 - t * t) * k * (1.0 + 3 * GELU_CUBIC * c * c)
"""),
    _m("swish_grad_one_minus_s", DER, "", "",
       "s (1 + beta x (1 - s)): 1 - s rounds to 0 for large x, harmless since the term is tiny.",
       """
def swish_grad(x, beta=1.0):
    x = _float_array(x)
    s = _logistic(beta * x)
    return s * (1.0 + beta * x * (1.0 - s))
"""),
    _m("mish_grad_one_minus_tanh_squared", DER, "", "",
       "sech^2(sp) as 1 - tanh(sp)**2 instead of the exp form.", """
def mish_grad(x):
    x = _float_array(x)
    t = np.tanh(np.logaddexp(0, x))
    return t + x * (1.0 - t * t) * _logistic(x)
"""),
    _m("softmax_vjp_expanded", DER, "", "",
       "s * g - s * sum(s * g): the same product multiplied out.", """
def softmax_vjp(x, upstream, axis=-1):
    x = _float_array(x)
    if x.ndim == 0:
        return np.zeros_like(x)
    g = np.asarray(upstream, dtype=x.dtype)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    s = e / np.sum(e, axis=axis, keepdims=True)
    return s * g - s * np.sum(s * g, axis=axis, keepdims=True)
"""),
    _m("he_normal_standard_normal_times_std", INIT, "", "",
       "std * rng.standard_normal(shape) is N(0, std**2), drawn from rng.", """
def he_normal(fan_in, fan_out, rng):
    return math.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))
"""),
    _m("xavier_uniform_from_unit_random", INIT, "", "",
       "2a * U[0, 1) - a is U[-a, a).", """
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return 2.0 * a * rng.random((fan_in, fan_out)) - a
"""),
    _m("he_uniform_via_variance", INIT, "", "",
       "Limit from the variance: a = sqrt(3 * 2 / fan_in) is sqrt(6 / fan_in).", """
def he_uniform(fan_in, fan_out, rng):
    variance = 2.0 / fan_in
    a = math.sqrt(3.0 * variance)
    return rng.uniform(low=-a, high=a, size=(fan_in, fan_out))
"""),
    _m("calculate_gain_dict_lookup", INIT, "", "",
       "A dict of gains; KeyError turned into ValueError.", """
def calculate_gain(nonlinearity, param=None):
    slope = 0.01 if param is None else param
    gains = {
        "linear": 1.0,
        "sigmoid": 1.0,
        "tanh": 5 / 3,
        "relu": 2**0.5,
        "leaky_relu": (2 / (1 + slope**2)) ** 0.5,
        "selu": 3 / 4,
    }
    try:
        return gains[nonlinearity]
    except KeyError:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}") from None
"""),
    _m("dead_relu_mask_from_zero_activity", DEAD, "", "",
       "Dead is exactly activity == 0.", """
def dead_relu_mask(weights, biases, X, batch_size=1024):
    return [fraction == 0 for fraction in relu_activity(weights, biases, X, batch_size)]
"""),
    _m("dead_relu_mask_running_maximum", DEAD, "", "",
       "Dead when the largest pre-activation over all samples is <= 0.", """
def dead_relu_mask(weights, biases, X, batch_size=1024):
    peak = [np.full(np.shape(W)[1], -np.inf) for W in weights]
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        peak = [np.maximum(p, a.max(axis=0)) for p, a in zip(peak, pre)]
    return [p <= 0 for p in peak]
"""),
    _m("relu_activity_weighted_batch_means", DEAD, "", "",
       "Per-batch means weighted by the batch sizes give the overall fraction.", """
def relu_activity(weights, biases, X, batch_size=1024):
    totals = [0.0 for _ in weights]
    n = 0
    for pre in _batched_preactivations(weights, biases, X, batch_size):
        m = pre[0].shape[0] if pre else 0
        totals = [t + np.mean(a > 0, axis=0) * m for t, a in zip(totals, pre)]
        n += m
    return [np.asarray(t, dtype=np.float64) / n for t in totals]
"""),
]
