"""What is graded in the activations assignment: one record per graded function.

This is the single source of truth the hidden suites, the rubric check and the
documentation read. Adding a function to grade is adding a record here (and its
points in ``rubric.toml``). Records are data: the reference to compare with, the
parameter settings to try, where the kinks are and what the convention there is,
the tolerances, and the hint a student sees when a kind of check fails.

Tolerances (float64): ``rtol=1e-8`` with an absolute floor ``atol=1e-10``. The
reference is accurate to ~1e-13 relative, so 1e-8 leaves five orders of magnitude
for correct formulas written differently (``0.5*(1+tanh(x/2))`` for sigmoid,
``logaddexp`` for softplus), while any real mistake -- a missing factor, a wrong
branch, a truncated constant -- is off by far more. The floor accepts results
that differ from the reference only by rounding of values below 1e-10 (e.g.
``sigmoid(-40)`` computed as ``0.0``). float32 inputs: ``rtol=2e-5`` (about 150
float32 ulp) and ``atol=1e-5``: a textbook formula evaluated in float32 arithmetic
cancels in places (``1 + tanh(u)`` for negative x in tanh-GELU's derivative) and
loses ~1e-6 absolute there; that is float32 doing its job, not a mistake, and the
float64 cases judge the formula itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import reference

LAMBDA = 1.0507009873554804934193349852946
ALPHA = 1.6732632423543772848170429916717

RTOL64, ATOL64 = 1e-8, 1e-10
RTOL32, ATOL32 = 2e-5, 1e-5
FD_RTOL, FD_ATOL = 1e-5, 1e-6  # central differences with h ~ cbrt(eps): error ~ 1e-10

# every random input is drawn from a recorded seed (grading is deterministic)
SEED = 20261123

# inputs every elementwise function is checked on, besides seeded random ones
EDGE = np.array([0.0, -0.0, 1e-8, -1e-8, 0.5, -0.5, 1.0, -1.0, 2.5, -3.0, 7.0, -7.0,
                 20.5, -20.5, 40.0, -40.0, 1000.0, -1000.0, 1e4, -1e4])
LARGE = np.array([100.0, -100.0, 709.0, -709.0, 710.0, -710.0, 746.0, -746.0, 1000.0,
                  -1000.0, 1e4, -1e4, 1e5, -1e5])
EXTREME = np.array([1e150, -1e150, 1e300, -1e300])
LARGE32 = np.array([88.0, -88.0, 89.0, -89.0, 104.0, -104.0, 1000.0, -1000.0, 1e30, -1e30],
                   dtype=np.float32)

HINTS = {
    "values": "compare your formula with the definition in the docstring",
    "stability": "a huge |x| must give a finite result and no warning: look for an "
                 "intermediate that overflows (exp of a large positive number, cosh, x**2 "
                 "or x**3) or becomes inf/inf, inf-inf or 0*inf, and rewrite the formula so "
                 "that none does (np.where evaluates both branches, so guard the branch you "
                 "do not select too)",
    "contract": "convert with np.asarray(x), keep float32 as float32 and turn everything "
                "else into float64, return an array of the input's shape, and never write "
                "into the caller's array",
    "vectorized": "work on the whole array at once with numpy operations (np.where, "
                  "np.maximum, masks) instead of a Python loop over elements",
    "gradient": "differentiate the forward formula again; the check compares your "
                "derivative with the slope of the forward function",
    "kink": "at the kink the derivative is defined by convention, as in PyTorch",
}


@dataclass(frozen=True)
class Elementwise:
    """An activation or a derivative: applied to each element on its own."""

    name: str
    file: str
    reference: Callable[..., Any]
    params: tuple[Mapping[str, Any], ...] = ({},)
    derivative_of: str | None = None  # the forward function, for derivatives
    kinks: tuple[float, ...] = ()  # where the derivative jumps
    convention: str = ""  # what the derivative is at the kink, for the student
    hints: Mapping[str, str] = field(default_factory=dict)

    def hint(self, check: str) -> str:
        return self.hints.get(check, HINTS.get(check, ""))


@dataclass(frozen=True)
class AlongAxis:
    """softmax and its vector-Jacobian product: normalised along ``axis``."""

    name: str
    file: str
    reference: Callable[..., Any]
    params: tuple[Mapping[str, Any], ...]
    upstream: bool = False  # takes the upstream gradient as second argument
    derivative_of: str | None = None
    hints: Mapping[str, str] = field(default_factory=dict)

    def hint(self, check: str) -> str:
        return self.hints.get(check, HINTS.get(check, ""))


@dataclass(frozen=True)
class Initializer:
    """A weight initializer; ``std`` gives the target standard deviation."""

    name: str
    reference: Callable[..., Any]
    family: str  # "zeros", "normal" or "uniform"
    std: Callable[..., float]  # (fan_in, fan_out, **params) -> target std
    params: tuple[Mapping[str, Any], ...] = ({},)
    hints: Mapping[str, str] = field(default_factory=dict)
    file: str = "initializers.py"

    def hint(self, check: str) -> str:
        return self.hints.get(check, INIT_HINTS.get(check, ""))


@dataclass(frozen=True)
class Table:
    """A function checked on a table of arguments and the errors it must raise."""

    name: str
    reference: Callable[..., Any]
    values: tuple[tuple[tuple[Any, ...], float], ...]
    errors: tuple[tuple[tuple[Any, ...], str], ...]  # (args, exception type name)
    hints: Mapping[str, str] = field(default_factory=dict)
    file: str = "initializers.py"

    def hint(self, check: str) -> str:
        return self.hints.get(check, "")


@dataclass(frozen=True)
class Detector:
    """relu_activity / dead_relu_mask: per-layer, per-unit results on networks."""

    name: str
    reference: Callable[..., Any]
    dtype: str  # dtype of each returned array
    hints: Mapping[str, str] = field(default_factory=dict)
    file: str = "dead_relu.py"

    def hint(self, check: str) -> str:
        return self.hints.get(check, "")


def _act(name: str, **kw: Any) -> Elementwise:
    return Elementwise(name, "activations.py", getattr(reference, name), **kw)


def _grad(name: str, **kw: Any) -> Elementwise:
    return Elementwise(name + "_grad", "derivatives.py", getattr(reference, name + "_grad"),
                       derivative_of=name, **kw)


_SATURATE = ("sigmoid'(x) = s*(1-s) with s = sigmoid(x) computed stably (np.exp only of "
             "-|x|: an overflowing exp gives inf/inf = nan); sigmoid(x)*sigmoid(-x) also "
             "keeps the tiny values where s rounds to 1")

ACTIVATIONS = (
    _act("sigmoid", hints={
        "stability": "1/(1+np.exp(-x)) overflows for large negative x (exp(1000) is inf "
                     "and numpy warns); use exp(-|x|) and pick the formula by the sign of "
                     "x, or the identity sigmoid(x) = 0.5*(1+tanh(x/2))"}),
    _act("tanh", hints={
        "stability": "(e^x-e^-x)/(e^x+e^-x) overflows to inf/inf = nan for |x| > 710; "
                     "np.tanh is allowed and stable"}),
    _act("relu"),
    _act("leaky_relu", params=({}, {"alpha": 0.2}, {"alpha": 0.0}), hints={
        "values": "x for x > 0 and alpha*x otherwise -- and use the alpha you are given"}),
    _act("elu", params=({}, {"alpha": 0.5}), hints={
        "values": "x for x > 0 and alpha*(exp(x)-1) otherwise; np.expm1 is exact near 0",
        "stability": "np.where evaluates both branches: np.exp(x) for the unused branch "
                     "overflows at large positive x; use np.expm1(np.minimum(x, 0))"}),
    _act("selu", hints={
        "values": "use the full constants lambda = 1.0507009873554804934193349852946 and "
                  "alpha = 1.6732632423543772848170429916717; SELU is lambda*ELU(x, alpha)",
        "stability": "np.where evaluates both branches: use np.expm1(np.minimum(x, 0))"}),
    _act("gelu", params=({}, {"approximate": True}), hints={
        "values": "exact GELU is x*Phi(x) with Phi the normal CDF (scipy.special.ndtr, or "
                  "0.5*erfc(-x/sqrt(2))); approximate=True is the tanh formula",
        "stability": "x**3 overflows for huge |x|; for |x| beyond ~1e100 the tanh is +-1 "
                     "anyway, so clip the argument before cubing"}),
    _act("softplus", hints={
        "values": "log(1+exp(x)) rounds to 0 for x below about -37 and to inf above 709; "
                  "use np.logaddexp(0, x) or max(x, 0) + log1p(exp(-|x|))",
        "stability": "np.log(1+np.exp(x)) overflows for x > 709; use np.logaddexp(0, x) "
                     "or max(x, 0) + log1p(exp(-|x|))"}),
    _act("swish", params=({}, {"beta": 1.7}, {"beta": 0.5}), hints={
        "values": "swish(x) = x*sigmoid(beta*x): the beta goes inside the sigmoid"}),
    _act("mish", hints={
        "stability": "mish(x) = x*tanh(softplus(x)); softplus must be the stable one"}),
)

DERIVATIVES = (
    _grad("sigmoid", hints={"values": _SATURATE, "gradient": _SATURATE}),
    _grad("tanh", hints={
        "values": "tanh'(x) = 1 - tanh(x)**2 -- the square matters",
        "stability": "1/np.cosh(x)**2 is the same function, but cosh overflows for |x| > 710: "
                     "use 1 - np.tanh(x)**2"}),
    _grad("relu", kinks=(0.0,), convention="relu'(0) = 0 (the left-hand value, as in PyTorch)",
          hints={"kink": "relu_grad(0) is 0 here (as in PyTorch): use x > 0, not x >= 0"}),
    _grad("leaky_relu", params=({}, {"alpha": 0.2}, {"alpha": 0.0}), kinks=(0.0,),
          convention="leaky_relu'(0) = alpha (the left-hand value, as in PyTorch)",
          hints={"kink": "leaky_relu_grad(0) is alpha here (as in PyTorch): 1 only for x > 0"}),
    _grad("elu", params=({}, {"alpha": 0.5}), kinks=(0.0,),
          convention="elu'(0) = alpha (the left-hand value, as in PyTorch)",
          hints={"kink": "elu_grad(0) is alpha here (as in PyTorch): 1 only for x > 0",
                 "values": "for x <= 0, d/dx alpha*(exp(x)-1) = alpha*exp(x)"}),
    _grad("selu", kinks=(0.0,), convention="selu'(0) = lambda*alpha (the left-hand value)",
          hints={"kink": "selu_grad(0) is lambda*alpha here (the left-hand value)",
                 "values": "selu'(x) = lambda for x > 0 and lambda*alpha*exp(x) otherwise"}),
    _grad("gelu", params=({}, {"approximate": True}), hints={
        "values": "d/dx x*Phi(x) = Phi(x) + x*phi(x), phi the normal density; do not forget "
                  "the x*phi(x) term (and the chain rule through tanh for approximate=True)",
        "stability": "x**2 and x**3 overflow for huge |x|: phi(x) is 0 and the tanh is +-1 "
                     "long before, so clip x (e.g. to +-1e3) before squaring or cubing"}),
    _grad("softplus", hints={
        "values": "the derivative of softplus is the sigmoid"}),
    _grad("swish", params=({}, {"beta": 1.7}, {"beta": 0.5}), hints={
        "values": "d/dx x*s(beta*x) = s + beta*x*s*(1-s) with s = sigmoid(beta*x)",
        "stability": "compute s = sigmoid(beta*x) stably (np.exp only of -|beta*x|), then "
                     "s + beta*x*s*(1-s): every term stays finite"}),
    _grad("mish", hints={
        "values": "with t = tanh(softplus(x)): mish'(x) = t + x*(1-t**2)*sigmoid(x)",
        "stability": "use the stable softplus (np.logaddexp(0, x)) and the stable sigmoid "
                     "inside mish'(x) = t + x*(1-t**2)*sigmoid(x)"}),
)

SOFTMAX = AlongAxis("softmax", "activations.py", reference.softmax,
                    params=({}, {"axis": 0}, {"axis": 1}), hints={
        "values": "normalise along the axis you are given: e / e.sum(axis, keepdims=True) "
                  "with e = exp(x - max); exp(x - logsumexp(x)) loses the sum when log(sum) "
                  "is negligible next to a huge max",
        "stability": "subtract the maximum along the axis before exp: softmax is unchanged "
                     "and exp can no longer overflow"})
SOFTMAX_VJP = AlongAxis("softmax_vjp", "derivatives.py", reference.softmax_vjp,
                        params=({}, {"axis": 0}, {"axis": 1}), upstream=True,
                        derivative_of="softmax", hints={
        "values": "with s = softmax(x): the result is s * (g - sum(g*s, axis, keepdims=True)); "
                  "the Jacobian is diag(s) - s s^T, not diag(s*(1-s))",
        "gradient": "the result must equal the gradient of sum(upstream * softmax(x)) with "
                    "respect to x",
        "stability": "compute s with the stable softmax (subtract the maximum along the axis), "
                     "then s * (g - sum(g*s, axis, keepdims=True))",
        "jacobian": "a vector-Jacobian product never needs the Jacobian itself: multiply "
                    "diag(s) - s s^T by the upstream gradient by hand, and what is left is "
                    "s * (g - sum(g*s, axis, keepdims=True)), one sum along the axis and no "
                    "n-by-n matrix"})


def _fan_avg(fan_in: int, fan_out: int) -> float:
    return (fan_in + fan_out) / 2


INIT_HINTS = {
    "scale": "check the fan you divide by (fan_in = W.shape[0]), the factor, and that you "
             "pass a standard deviation (not a variance) to the normal, or the bound "
             "a = sqrt(3)*std to the uniform",
    "mean": "the weights must be centred on 0: U(-a, a), not U(0, a)",
    "distribution": "normal initializers draw from a normal distribution and uniform ones "
                    "from a uniform one (rng.normal / rng.uniform, or standard_normal / "
                    "random transformed)",
    "generator": "draw every random number from the rng you are given (rng.normal, "
                 "rng.uniform, ...), never from np.random.* or a new default_rng",
    "contract": "return a float64 numpy array of shape (fan_in, fan_out)",
    "values": "all weights 0: shape (fan_in, fan_out), float64",
}

INITIALIZERS = (
    Initializer("zeros", reference.zeros, "zeros", lambda fi, fo: 0.0),
    Initializer("random_normal", reference.random_normal, "normal",
                lambda fi, fo, std=0.01: std, params=({}, {"std": 0.5}, {"std": 2.0}), hints={
        "scale": "std is the standard deviation: rng.normal(0.0, std, size) -- not std**2"}),
    Initializer("xavier_uniform", reference.xavier_uniform, "uniform",
                lambda fi, fo, gain=1.0: gain * math.sqrt(1 / _fan_avg(fi, fo)),
                params=({}, {"gain": 5 / 3}), hints={
        "scale": "U(-a, a) with a = gain*sqrt(6/(fan_in+fan_out)); the gain multiplies a "
                 "once (not squared)"}),
    Initializer("xavier_normal", reference.xavier_normal, "normal",
                lambda fi, fo, gain=1.0: gain * math.sqrt(1 / _fan_avg(fi, fo)),
                params=({}, {"gain": 5 / 3}), hints={
        "scale": "N(0, std^2) with std = gain*sqrt(2/(fan_in+fan_out))"}),
    Initializer("he_uniform", reference.he_uniform, "uniform",
                lambda fi, fo: math.sqrt(2 / fi), hints={
        "scale": "U(-a, a) with a = sqrt(6/fan_in): He doubles Xavier's variance because "
                 "ReLU zeroes half of its inputs"}),
    Initializer("he_normal", reference.he_normal, "normal",
                lambda fi, fo: math.sqrt(2 / fi), hints={
        "scale": "N(0, 2/fan_in): the 2 makes up for ReLU zeroing half of its inputs, and "
                 "fan_in is W.shape[0]"}),
    Initializer("lecun_normal", reference.lecun_normal, "normal",
                lambda fi, fo: math.sqrt(1 / fi), hints={
        "scale": "N(0, 1/fan_in): variance 1/fan_in (no factor 2: that is He)"}),
)

CALCULATE_GAIN = Table(
    "calculate_gain", reference.calculate_gain,
    values=((("linear",), 1.0), (("sigmoid",), 1.0), (("tanh",), 5 / 3),
            (("relu",), math.sqrt(2.0)), (("leaky_relu",), math.sqrt(2 / (1 + 0.01**2))),
            (("leaky_relu", 0.2), math.sqrt(2 / (1 + 0.2**2))),
            (("leaky_relu", 0.0), math.sqrt(2.0)), (("selu",), 0.75),
            (("linear", 0.3), 1.0)),
    errors=((("softmax",), "ValueError"), (("cosine",), "ValueError"),
            (("Relu",), "ValueError"), (("",), "ValueError")),
    hints={"values": "as torch.nn.init.calculate_gain: tanh 5/3, relu sqrt(2), leaky_relu "
                     "sqrt(2/(1+slope**2)) with slope 0.01 when param is None, selu 3/4",
           "errors": "raise ValueError for a nonlinearity you do not know"})

DETECTORS = (
    Detector("relu_activity", reference.relu_activity, "float64", hints={
        "values": "a unit is active on a sample when its pre-activation h @ W + b is > 0; "
                  "the next layer's input is max(a, 0); divide by the number of samples",
        "batching": "process X in slices X[i:i+batch_size] for i in range(0, n, batch_size) "
                    "-- the last slice may be shorter, no sample may be skipped, and between "
                    "slices keep only a count per unit, never every sample's activations"}),
    Detector("dead_relu_mask", reference.dead_relu_mask, "bool", hints={
        "values": "a unit is dead when its pre-activation is <= 0 for every sample (a "
                  "pre-activation of exactly 0 gives no gradient either); a unit can be "
                  "dead because the units feeding it are dead",
        "batching": "a unit alive on any sample of any batch is alive; look at every batch, "
                    "and keep only one 'ever active' flag per unit between batches"}),
)


def all_records() -> list[Any]:
    return [*ACTIVATIONS, SOFTMAX, *DERIVATIVES, SOFTMAX_VJP, *INITIALIZERS, CALCULATE_GAIN,
            *DETECTORS]


RECORDS = {r.name: r for r in all_records()}
