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
    # where the derivative jumps: fixed points, or (params) -> points for kinks that move
    # with the parameters (hardtanh's min_val and max_val)
    kinks: tuple[float, ...] | Callable[[Mapping[str, Any]], tuple[float, ...]] = ()
    convention: str = ""  # what the derivative is at the kink, for the student
    hints: Mapping[str, str] = field(default_factory=dict)

    def hint(self, check: str) -> str:
        return self.hints.get(check, HINTS.get(check, ""))

    def kinks_at(self, params: Mapping[str, Any]) -> tuple[float, ...]:
        """The kinks for one parameter setting."""
        return tuple(self.kinks(params)) if callable(self.kinks) else self.kinks


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
    # the rest of the lecture's catalogue (graded where an assignment's rubric lists them)
    _act("hardtanh", params=({}, {"min_val": -2.0, "max_val": 0.5}), hints={
        "values": "clip x to [min_val, max_val] -- the bounds you are given, not -1 and 1 "
                  "(np.clip(x, min_val, max_val))"}),
    _act("relu6", hints={
        "values": "relu6(x) = min(max(x, 0), 6): ReLU capped at 6 (np.clip(x, 0, 6))"}),
    _act("hardsigmoid", hints={
        "values": "hardsigmoid(x) = relu6(x + 3) / 6: 0 below -3, 1 above 3 and the line "
                  "x/6 + 1/2 in between"}),
    _act("hardswish", hints={
        "values": "hardswish(x) = x * relu6(x + 3) / 6, i.e. x * hardsigmoid(x)"}),
    _act("softsign", hints={
        "values": "softsign(x) = x / (1 + |x|): the absolute value goes in the denominator",
        "stability": "x / (1 + |x|) stays finite for every finite x; avoid forms such as "
                     "x*x or 1/x that overflow or divide by zero"}),
    _act("celu", params=({}, {"alpha": 0.5}, {"alpha": 2.0}), hints={
        "values": "celu(x) = max(0, x) + min(0, alpha*(exp(x/alpha) - 1)): the x is divided "
                  "by alpha inside the exp (that is what makes CELU differ from ELU); "
                  "np.expm1 is exact near 0",
        "stability": "np.where evaluates both branches: np.exp(x/alpha) for the unused branch "
                     "overflows at large positive x; use np.expm1(np.minimum(x, 0) / alpha)"}),
    _act("logsigmoid", hints={
        "values": "logsigmoid(x) = log(sigmoid(x)) = -softplus(-x); for very negative x it "
                  "is about x, never -inf",
        "stability": "np.log(sigmoid(x)) is log(0) = -inf once sigmoid(x) underflows (x below "
                     "about -745); compute -softplus(-x) = -np.logaddexp(0, -x) instead, or "
                     "min(x, 0) - log1p(exp(-|x|))"}),
    _act("softshrink", params=({}, {"lambd": 1.5}, {"lambd": 0.0}), hints={
        "values": "x - lambd above lambd, x + lambd below -lambd, and 0 in between -- with "
                  "the lambd you are given"}),
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
    _grad("hardtanh", params=({}, {"min_val": -2.0, "max_val": 0.5}),
          kinks=lambda p: (p.get("min_val", -1.0), p.get("max_val", 1.0)),
          convention="hardtanh' is 0 at min_val and at max_val (1 only strictly between "
                     "them, as in PyTorch)",
          hints={"values": "1 strictly between min_val and max_val, 0 outside -- with the "
                           "bounds you are given",
                 "kink": "hardtanh_grad is 0 at x = min_val and at x = max_val (as in "
                         "PyTorch): use min_val < x < max_val, not <="}),
    _grad("relu6", kinks=(0.0, 6.0),
          convention="relu6' is 0 at 0 and at 6 (1 only strictly between, as in PyTorch)",
          hints={"values": "1 for 0 < x < 6, 0 elsewhere: the cap at 6 is flat too",
                 "kink": "relu6_grad is 0 at x = 0 and at x = 6 (as in PyTorch): use "
                         "(0 < x) & (x < 6)"}),
    _grad("hardsigmoid", kinks=(-3.0, 3.0),
          convention="hardsigmoid' is 0 at -3 and at 3 (1/6 only strictly between, as in "
                     "PyTorch)",
          hints={"values": "1/6 for -3 < x < 3 (the slope of x/6 + 1/2), 0 elsewhere",
                 "kink": "hardsigmoid_grad is 0 at x = -3 and at x = 3 (as in PyTorch): "
                         "1/6 only strictly inside (-3, 3)"}),
    _grad("hardswish", kinks=(-3.0, 3.0),
          convention="hardswish' takes the outer value at both kinks, as PyTorch 2.x does: "
                     "0 at x = -3 and 1 at x = 3",
          hints={"values": "0 for x < -3, x/3 + 1/2 in the middle (the derivative of "
                           "x*(x+3)/6), 1 for x > 3",
                 "kink": "PyTorch 2.x takes the outer branch at both kinks: hardswish_grad is "
                         "0 at x = -3 and 1 at x = 3, so x/3 + 1/2 only strictly inside "
                         "(-3, 3)"}),
    _grad("softsign", hints={
        "values": "d/dx x/(1+|x|) = 1/(1+|x|)**2: the quotient rule, with d|x|/dx = sign(x)",
        "stability": "1/(1+|x|)**2 squares 1+|x|, which overflows for |x| above 1e154: "
                     "compute (1/(1+|x|))**2 instead, which only underflows to 0"}),
    _grad("celu", params=({}, {"alpha": 0.5}, {"alpha": 2.0}), hints={
        "values": "1 for x > 0 and exp(x/alpha) otherwise: the alpha in front cancels "
                  "with the 1/alpha of the chain rule",
        "stability": "np.where evaluates both branches: np.exp(x/alpha) overflows for large "
                     "positive x; use np.exp(np.minimum(x, 0) / alpha)"}),
    _grad("logsigmoid", hints={
        "values": "d/dx log(sigmoid(x)) = 1 - sigmoid(x) = sigmoid(-x)",
        "stability": "compute sigmoid(-x) stably: np.exp only of -|x| (1/(1+np.exp(x)) "
                     "overflows for x > 709)"}),
    _grad("softshrink", params=({}, {"lambd": 1.5}, {"lambd": 0.0}),
          kinks=lambda p: (-p.get("lambd", 0.5), p.get("lambd", 0.5)),
          convention="softshrink' is 0 at -lambd and at lambd (1 only beyond them, as in "
                     "PyTorch)",
          hints={"values": "1 where |x| > lambd, 0 where |x| <= lambd",
                 "kink": "softshrink_grad is 0 at x = -lambd and at x = lambd (as in PyTorch): "
                         "use |x| > lambd, not >="}),
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

LOG_SOFTMAX = AlongAxis("log_softmax", "activations.py", reference.log_softmax,
                        params=({}, {"axis": 0}, {"axis": 1}), hints={
        "values": "log_softmax(x) = x - logsumexp(x, axis, keepdims=True), along the axis you "
                  "are given; logsumexp(x) = m + log(sum(exp(x - m))) with m the maximum",
        "stability": "np.log(softmax(x)) is log(0) = -inf where a softmax entry underflows; "
                     "compute x - m - log(sum(exp(x - m), axis, keepdims=True)) with m the "
                     "maximum along the axis: no exp overflows and no log sees a 0"})
LOG_SOFTMAX_VJP = AlongAxis("log_softmax_vjp", "derivatives.py", reference.log_softmax_vjp,
                            params=({}, {"axis": 0}, {"axis": 1}), upstream=True,
                            derivative_of="log_softmax", hints={
        "values": "with s = softmax(x): the result is g - s * sum(g, axis, keepdims=True); the "
                  "Jacobian of log_softmax is I - 1 s^T, so every output feels the whole sum "
                  "of g",
        "gradient": "the result must equal the gradient of sum(upstream * log_softmax(x)) "
                    "with respect to x",
        "stability": "compute s with the stable softmax (subtract the maximum along the "
                     "axis), or as exp(log_softmax(x)), then g - s * sum(g, axis, keepdims=True)",
        "jacobian": "a vector-Jacobian product never needs the Jacobian itself: multiply "
                    "I - 1 s^T by the upstream gradient by hand, and what is left is "
                    "g - s * sum(g, axis, keepdims=True), one sum along the axis and no "
                    "n-by-n matrix"})


@dataclass(frozen=True)
class Channelwise:
    """prelu and its gradient: x and a learnable slope ``weight``, a scalar or one value
    per channel (the channel axis is axis 1, as in PyTorch)."""

    name: str
    file: str
    reference: Callable[..., Any]
    derivative_of: str | None = None  # prelu_grad: returns (grad_x, grad_weight)
    convention: str = ""
    hints: Mapping[str, str] = field(default_factory=dict)

    def hint(self, check: str) -> str:
        return self.hints.get(check, HINTS.get(check, ""))


PRELU = Channelwise("prelu", "activations.py", reference.prelu, hints={
    "values": "x where x > 0 and weight*x elsewhere; a per-channel weight has one slope per "
              "channel, and the channel axis is axis 1: reshape the weight to (C, 1, ...) "
              "so that it broadcasts along axis 1 (for x of shape (N, C, L) a weight of "
              "shape (C,) would broadcast along the last axis)",
    "contract": "convert with np.asarray(x), keep float32 as float32 and turn everything else "
                "into float64, return an array of x's shape, never write into the caller's "
                "arrays, and raise ValueError for a weight of C > 1 values when x has no "
                "axis 1 of length C",
})
PRELU_GRAD = Channelwise(
    "prelu_grad", "derivatives.py", reference.prelu_grad, derivative_of="prelu",
    convention="prelu'(0) = weight (the left-hand value, as in PyTorch)", hints={
        "values": "grad_x = upstream * (1 where x > 0, else weight); grad_weight = the sum of "
                  "upstream * x over the entries where x <= 0, summed over every axis but the "
                  "channel axis (axis 1) -- one number per weight, the shape of weight, because "
                  "every entry of a channel shares its slope",
        "gradient": "both gradients must agree with central differences of "
                    "sum(upstream * prelu(x, weight)): with respect to x entry by entry, and "
                    "with respect to each weight; a slope shared by a whole channel collects "
                    "the gradient of every entry it multiplies",
        "kink": "at x = 0 PyTorch takes the left-hand value: grad_x = upstream * weight, so "
                "use x > 0 (not x >= 0) for the slope 1",
        "contract": "return a tuple (grad_x, grad_weight): grad_x of x's shape and dtype rule "
                    "(float32 stays float32, else float64), grad_weight of weight's shape "
                    "(a 0-d array for a scalar weight); never write into the caller's arrays",
    })


@dataclass(frozen=True)
class Saturation:
    """saturated_fraction: per layer, per unit, the fraction of samples where a
    sigmoid or tanh network's derivative is below a threshold."""

    name: str
    reference: Callable[..., Any]
    params: tuple[Mapping[str, Any], ...]
    errors: tuple[tuple[Mapping[str, Any], str], ...]  # (kwargs, exception type name)
    hints: Mapping[str, str] = field(default_factory=dict)
    dtype: str = "float64"
    file: str = "dead_relu.py"

    def hint(self, check: str) -> str:
        return self.hints.get(check, "")


SATURATED_FRACTION = Saturation(
    "saturated_fraction", reference.saturated_fraction,
    params=({}, {"nonlinearity": "tanh"}, {"threshold": 0.2},
            {"nonlinearity": "tanh", "threshold": 1e-3}),
    errors=(({"nonlinearity": "relu"}, "ValueError"), ({"nonlinearity": "Tanh"}, "ValueError"),
            ({"nonlinearity": "softmax"}, "ValueError")),
    hints={
        "values": "a_l = h_l @ W_l + b_l and h_(l+1) = f(a_l) for every layer; a unit is "
                  "saturated on a sample when f'(a_l) < threshold (strictly), with "
                  "sigmoid' = s*(1-s) and tanh' = 1 - tanh**2; divide the count by the number "
                  "of samples -- and use the nonlinearity and threshold you are given",
        "batching": "process X in slices X[i:i+batch_size] for i in range(0, n, batch_size) "
                    "-- the last slice may be shorter, no sample may be skipped, and between "
                    "slices keep only a count per unit, never every sample's activations",
        "contract": "return a list with one float64 array per layer, of shape (units,), and "
                    "never write into the weights, biases or X",
        "errors": "raise ValueError for a nonlinearity other than \"sigmoid\" or \"tanh\" "
                  "(names are case-sensitive)",
    })


@dataclass(frozen=True)
class DepthExperiment:
    """activation_stats: the std of each layer's activations through a deep network,
    judged against the reference's distribution over many seeds."""

    name: str
    reference: Callable[..., Any]
    claims: tuple[tuple[str, str, str], ...]  # (init, nonlinearity, what the lecture says)
    depth: int
    width: int
    errors: tuple[tuple[tuple[Any, ...], str], ...]  # (init, nonlinearity), exception name
    hints: Mapping[str, str] = field(default_factory=dict)
    file: str = "initializers.py"

    def hint(self, check: str) -> str:
        return self.hints.get(check, "")


ACTIVATION_STATS = DepthExperiment(
    "activation_stats", reference.activation_stats,
    claims=(
        ("xavier_uniform", "tanh", "Xavier keeps a tanh network alive: its std settles "
         "instead of vanishing"),
        ("xavier_normal", "sigmoid", "Xavier keeps a sigmoid network's activations spread"),
        ("he_normal", "relu", "He initialization keeps a ReLU network's std stable with depth"),
        ("lecun_normal", "linear", "LeCun's variance 1/fan_in preserves the std of a linear "
         "network"),
        ("random_normal", "tanh", "small random weights (std 0.01) make the activations "
         "collapse towards 0, layer after layer"),
    ),
    depth=10, width=64,
    errors=((("xavier_uniform", "softmax"), "ValueError"), (("he_normal", "Relu"), "ValueError"),
            (("he_normal", "leaky_relu"), "ValueError"), (("kaiming", "relu"), "ValueError")),
    hints={
        "values": "X = rng.standard_normal((samples, width)); then depth times: "
                  "W = init(width, width, rng) with the initializer of that name from this "
                  "file, h = f(h @ W) with no bias; record h.std() over all samples and "
                  "units after each layer (\"linear\" is f(a) = a)",
        "generator": "draw every random number from the rng you are given (the inputs with "
                     "rng.standard_normal, the weights by passing rng to the initializer), "
                     "never from np.random.* or a new default_rng",
        "contract": "return a float64 numpy array of shape (depth,): one std per layer",
        "errors": "raise ValueError for a nonlinearity other than \"tanh\", \"relu\", "
                  "\"sigmoid\" or \"linear\", and for an initializer name you do not know",
    })


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
    return [*ACTIVATIONS, SOFTMAX, LOG_SOFTMAX, PRELU, *DERIVATIVES, SOFTMAX_VJP,
            LOG_SOFTMAX_VJP, PRELU_GRAD, *INITIALIZERS, CALCULATE_GAIN, ACTIVATION_STATS,
            *DETECTORS, SATURATED_FRACTION]


RECORDS = {r.name: r for r in all_records()}
