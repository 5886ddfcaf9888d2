"""Public tests for initializers.py: shapes, dtypes, a rough scale, reproducibility.

The scale is only checked loosely here (within 20 % of the right standard
deviation). The grading tests the distributions statistically (see README.md).
"""

import json
from pathlib import Path

import numpy as np
import pytest

EXPECTED = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))
INITIALIZERS = EXPECTED["initializers"]


def test_zeros(initializers, check):
    fan_in, fan_out = INITIALIZERS["zeros"]["shape"]
    what = check.label("zeros", str(fan_in), str(fan_out))
    weights = initializers.call("zeros", fan_in, fan_out)
    check.array(what, weights, shape=(fan_in, fan_out), dtype=np.float64)
    if np.any(weights != 0):
        check.fail(f"{what} returned non-zero values")


@pytest.mark.parametrize("name", list(INITIALIZERS["random"]))
def test_random_initializer(name, initializers, check):
    for case in INITIALIZERS["random"][name]:
        fan_in, fan_out = case["shape"]
        seed = case["seed"]
        what = check.label(name, str(fan_in), str(fan_out), "rng", **case["kwargs"])

        def draw(seed, fan_in=fan_in, fan_out=fan_out, case=case):
            rng = np.random.default_rng(seed)
            return initializers.call(name, fan_in, fan_out, rng, **case["kwargs"])

        weights = draw(seed)
        check.array(what, weights, shape=(fan_in, fan_out), dtype=np.float64)

        std = case["std"]
        if not 0.8 * std <= weights.std() <= 1.25 * std:
            hint = ""
            if 0.8 * std**2 <= weights.std() <= 1.25 * std**2:
                hint = " (is that the variance? rng.normal takes the standard deviation)"
            check.fail(
                f"{what}: the weights have standard deviation {weights.std():.4g}, "
                f"expected about {std:.4g}{hint}"
            )
        if abs(weights.mean()) > 0.1 * std:
            check.fail(f"{what}: the weights have mean {weights.mean():.4g}, expected about 0")
        bound = case["bound"]
        if bound is not None and np.abs(weights).max() > bound:
            check.fail(
                f"{what}: a weight of {np.abs(weights).max():.4g} lies outside "
                f"[-{bound:.4g}, {bound:.4g}]"
            )

        if not np.array_equal(draw(seed), weights):
            check.fail(
                f"{what}: two generators with the same seed gave different weights; "
                "draw every random number from rng, never from np.random"
            )
        if np.array_equal(draw(seed + 1), weights):
            check.fail(
                f"{what}: generators with different seeds gave the same weights; "
                "draw every random number from rng"
            )


def test_calculate_gain(initializers, check):
    for case in INITIALIZERS["calculate_gain"]:
        what = check.label("calculate_gain", *map(repr, case["args"]))
        gain = initializers.call("calculate_gain", *case["args"])
        check.close(what, gain, case["expected"], **EXPECTED["tolerance"]["float64"])
    for args in INITIALIZERS["calculate_gain_rejects"]:
        what = check.label("calculate_gain", *map(repr, args))
        with pytest.raises(ValueError):
            initializers.call("calculate_gain", *args)
            check.fail(f"{what} should raise ValueError: the name is not in the table")
