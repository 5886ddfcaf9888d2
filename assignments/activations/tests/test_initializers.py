"""Public tests for initializers.py.

- ``test_initializer``: shapes and dtypes (for zeros: all weights 0; for
  calculate_gain: its table, and a ValueError for an unknown name);
- ``test_moments``: the mean is about 0, the standard deviation is about what the
  formula gives (within 20 %), the spread has the right shape (normal or uniform,
  by the fourth moment), and uniform weights fill (-a, a);
- ``test_generator``: every random number comes from the rng you are given: the
  same seed gives the same weights whatever the state of np.random, another seed
  gives other weights.

The bands are generous (a correct initializer fails them with a probability far
below one in a billion). The grading tests the distributions more precisely (see
README.md).
"""

import json
from pathlib import Path

import numpy as np
import pytest

DATA = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))
FUNCTIONS = DATA["functions"]
NAMES = [name for name, about in FUNCTIONS.items() if about["file"] == "initializers.py"]
RANDOM = [name for name in NAMES if FUNCTIONS[name]["kind"] == "initializer"]
CASES = DATA["initializers"].get("random", {})
# excess kurtosis E[z**4] - 3 of a standard normal and of a uniform
KURTOSIS = {"normal": 0.0, "uniform": -1.2}


@pytest.mark.parametrize("name", NAMES)
def test_initializer(name, check):
    kind = FUNCTIONS[name]["kind"]
    call = check.student(name, first=True)
    if kind == "zeros":
        fan_in, fan_out = DATA["initializers"]["zeros"]["shape"]
        what = check.label(name, str(fan_in), str(fan_out))
        weights = call(fan_in, fan_out)
        check.array(what, weights, shape=(fan_in, fan_out), dtype=np.float64)
        if np.any(weights != 0):
            check.fail(f"{what} returned non-zero values", check.hint(name, "values"))
    elif kind == "table":
        calculate_gain(name, call, check)
    else:
        tip = check.hint(name, "contract")
        fans = [tuple(case["shape"]) for case in CASES[name]] + [(3, 7), (7, 3), (1, 1)]
        for fan_in, fan_out in dict.fromkeys(fans):
            what = check.label(name, str(fan_in), str(fan_out), "rng")
            weights = call(fan_in, fan_out, np.random.default_rng(0))
            if not isinstance(weights, np.ndarray):
                check.fail(f"{what} returned a {type(weights).__name__}, expected a "
                           "numpy.ndarray", tip)
            if weights.shape != (fan_in, fan_out):
                check.fail(f"{what} returned shape {weights.shape}, expected (fan_in, fan_out) "
                           f"= ({fan_in}, {fan_out})", tip)
            if weights.dtype != np.float64:
                check.fail(f"{what} returned dtype {weights.dtype}, expected float64", tip)


def calculate_gain(name, call, check):
    for case in DATA["initializers"]["calculate_gain"]:
        what = check.label(name, *map(repr, case["args"]))
        gain = call(*case["args"])
        check.close(what, gain, case["expected"], hint=check.hint(name, "values"),
                    **DATA["tolerance"]["float64"])
    for args in DATA["initializers"]["calculate_gain_rejects"]:
        what = check.label(name, *map(repr, args))
        with pytest.raises(ValueError):
            returned = call(*args)
            check.fail(f"{what} returned {returned!r}, expected ValueError: the name is not "
                       "in the table", check.hint(name, "errors"))


def draw(check, name, case, seed, global_seed=None):
    """The weights for a generator of this seed (np.random seeded first if asked)."""
    fan_in, fan_out = case["shape"]
    state = np.random.get_state()  # noqa: NPY002 - restored after the call
    try:
        if global_seed is not None:
            np.random.seed(global_seed)  # noqa: NPY002 - the trap
        rng = np.random.default_rng(seed)
        weights = check.student(name)(fan_in, fan_out, rng, **case["kwargs"])
    finally:
        np.random.set_state(state)  # noqa: NPY002
    return np.asarray(weights, dtype=np.float64)


@pytest.mark.parametrize("name", RANDOM)
def test_moments(name, check):
    family = FUNCTIONS[name]["family"]
    for case in CASES[name]:
        fan_in, fan_out = case["shape"]
        what = check.label(name, str(fan_in), str(fan_out), "rng", **case["kwargs"])
        weights = draw(check, name, case, case["seed"])
        std = case["std"]
        spread = weights.std()
        if abs(weights.mean()) > 0.1 * std:
            check.fail(f"{what}: the weights have mean {weights.mean():.4g}, expected about 0 "
                       f"(within {0.1 * std:.4g})", check.hint(name, "mean"))
        if not 0.8 * std <= spread <= 1.25 * std:
            variance = (
                " (is that the variance? rng.normal takes the standard deviation)"
                if 0.8 * std**2 <= spread <= 1.25 * std**2
                else ""
            )
            check.fail(f"{what}: the weights have standard deviation {spread:.4g}, expected "
                       f"about {std:.4g} (within 20 %){variance}", check.hint(name, "scale"))
        z = (weights - weights.mean()) / spread
        excess = float(np.mean(z**4) - 3)
        if abs(excess - KURTOSIS[family]) > 0.4:
            other = "uniform" if family == "normal" else "normal"
            check.fail(f"{what}: the weights do not look {family}ly distributed (excess "
                       f"kurtosis {excess:.3g}, expected about {KURTOSIS[family]:g}); are they "
                       f"drawn from a {other} distribution?", check.hint(name, "distribution"))
        bound = case["bound"]
        if bound is not None:
            top = float(np.abs(weights).max())
            if not 0.99 * bound <= top <= bound * (1 + 1e-12):
                check.fail(f"{what}: the largest |weight| is {top:.4g}, but U(-a, a) needs "
                           f"a = {bound:.4g}: the weights must fill (-a, a)",
                           check.hint(name, "scale"))


@pytest.mark.parametrize("name", RANDOM)
def test_generator(name, check):
    case = CASES[name][0]
    what = check.label(name, *map(str, case["shape"]), "rng", **case["kwargs"])
    seed = case["seed"]
    first = draw(check, name, case, seed, global_seed=1)
    if not np.array_equal(draw(check, name, case, seed, global_seed=2), first):
        check.fail(f"{what}: two generators with the same seed gave different weights "
                   "(np.random was seeded differently before each call) -- some randomness "
                   "comes from somewhere else (np.random.* or a new default_rng())",
                   check.hint(name, "generator"))
    if np.array_equal(draw(check, name, case, seed + 1, global_seed=1), first):
        check.fail(f"{what}: generators with different seeds gave the same weights -- the "
                   "rng you are given is not used", check.hint(name, "generator"))


# an assignment without random initializers has neither test
test_moments.__test__ = test_generator.__test__ = bool(RANDOM)
