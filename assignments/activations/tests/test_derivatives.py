"""Public tests for derivatives.py.

For every function of the assignment in this file, the checks of
test_activations.py (values, contract, stability, vectorized) and one more:

- ``test_gradient``: your derivative against the slope of YOUR OWN forward
  function, by central differences ``(f(x + h) - f(x - h)) / (2h)`` at many
  points away from the kinks (for softmax_vjp: the gradient of
  ``sum(upstream * softmax(x))``). It runs once the forward function is
  implemented, and only when it is part of the assignment.

The values points include x = 0, where ReLU, Leaky ReLU, ELU and SELU have a
kink: the expected value there is the left-hand derivative (see derivatives.py).
"""

import json
from pathlib import Path

import numpy as np
import pytest

DATA = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))
FUNCTIONS = DATA["functions"]
NAMES = [name for name, about in FUNCTIONS.items() if about["file"] == "derivatives.py"]
# derivatives whose forward function is part of the assignment
GRADIENTS = [name for name in NAMES if FUNCTIONS[name].get("derivative_of") in FUNCTIONS]
FD = DATA["tolerance"]["finite_differences"]


@pytest.mark.parametrize("name", NAMES)
def test_values(name, check):
    check.values(name)


@pytest.mark.parametrize("name", NAMES)
def test_contract(name, check):
    check.contract(name)


@pytest.mark.parametrize("name", NAMES)
def test_stability(name, check):
    check.stability(name)


@pytest.mark.parametrize("name", NAMES)
def test_vectorized(name, check):
    check.vectorized(name)


@pytest.mark.parametrize("name", GRADIENTS)
def test_gradient(name, check):
    if FUNCTIONS[name]["kind"] == "along_axis":
        vjp_against_central_differences(name, check)
    else:
        derivative_against_central_differences(name, check)


test_gradient.__test__ = bool(GRADIENTS)  # no forward function, no derivative check


def steps(x):
    """Central-difference steps: about cbrt(eps) relative, the best for float64."""
    return np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))


def derivative_against_central_differences(name, check):
    forward = FUNCTIONS[name]["derivative_of"]
    derivative = check.student(name)
    slope_of = check.student(forward)
    x = np.linspace(-6.0, 6.0, 49)  # steps of 0.25
    away = np.ones(x.shape, bool)
    for kink in FUNCTIONS[name].get("kinks", []):
        away &= np.abs(x - kink) > 10 * steps(x)
    x = x[away]
    up, down = x + steps(x), x - steps(x)
    for kwargs in check.params(name):
        got = derivative(x, **kwargs)  # first: a derivative not written yet is skipped
        both = np.asarray(slope_of(np.concatenate([up, down]), **kwargs), dtype=np.float64)
        slope = (both[: x.size] - both[x.size :]) / (up - down)
        check.close(
            check.label(name, "x", **kwargs),
            got,
            slope,
            x=x,
            problem=f"disagrees with the slope of your {forward}",
            expected=f"the slope of your {forward} is",
            hint=check.hint(name, "gradient") + wrong_forward_note(forward, kwargs, check),
            **FD,
        )


def wrong_forward_note(forward, kwargs, check):
    """Said when the forward function itself misses the public values."""
    for case in DATA["activations"].get(forward, []):
        if case["kwargs"] == kwargs:
            try:
                yours = check.student(forward)(np.array(DATA["x"]), **kwargs)
                yours = np.asarray(yours, dtype=np.float64)
                right = yours.shape == (len(DATA["x"]),) and np.allclose(
                    yours, case["expected"], **DATA["tolerance"]["float64"]
                )
            except Exception:  # its own test says what is wrong
                right = False
            if not right:
                return (
                    f"\n  note: your {forward} itself misses the expected values "
                    f"(see test_values[{forward}]): fix it first"
                )
    return ""


# scores and an upstream gradient, 3 rows of 4
X = np.array([[0.5, -1.2, 2.0, 0.1], [1.5, 0.3, -0.7, -2.2], [0.0, 0.9, -0.4, 1.1]])
UPSTREAM = np.array([[1.0, -0.5, 0.25, 2.0], [-1.5, 0.0, 0.75, 0.5], [0.3, 1.2, -0.8, -0.1]])


def vjp_against_central_differences(name, check):
    """The gradient of sum(upstream * softmax(x, axis)), one entry of x at a time,
    from two batched calls of your softmax."""
    forward = FUNCTIONS[name]["derivative_of"]
    vjp = check.student(name)
    softmax = check.student(forward)
    h = steps(X)
    bumps = np.eye(X.size).reshape((X.size, *X.shape)) * h
    every = tuple(range(1, X.ndim + 1))
    for kwargs in check.params(name):
        axis = kwargs.get("axis", -1)
        got = vjp(X, UPSTREAM, **kwargs)  # first: a vjp not written yet is skipped
        batched = {"axis": axis + 1 if axis >= 0 else axis}
        up = np.asarray(softmax(X + bumps, **batched), dtype=np.float64)
        down = np.asarray(softmax(X - bumps, **batched), dtype=np.float64)
        slope = ((UPSTREAM * up).sum(axis=every) - (UPSTREAM * down).sum(axis=every)) / (
            (X + h) - (X - h)
        ).ravel()
        check.close(
            check.label(name, "x", "upstream", **kwargs),
            got,
            slope.reshape(X.shape),
            problem=f"disagrees with the gradient of sum(upstream * {forward}(x)) by central "
            f"differences of your {forward}",
            expected="the central difference is",
            hint=check.hint(name, "gradient"),
            **FD,
        )
