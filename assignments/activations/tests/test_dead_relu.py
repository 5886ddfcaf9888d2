"""Public tests for dead_relu.py on one tiny network.

Its first layer has a unit whose bias is so negative that it never fires. The
second layer has a unit fed only by that dead unit, so it is dead too.
"""

import copy
import json
from pathlib import Path

import numpy as np
import pytest

EXPECTED = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))
NETWORK = EXPECTED["dead_relu"]


def network():
    weights = [np.array(w) for w in NETWORK["weights"]]
    biases = [np.array(b) for b in NETWORK["biases"]]
    return weights, biases, np.array(NETWORK["X"])


@pytest.mark.parametrize("name", ["relu_activity", "dead_relu_mask"])
def test_dead_relu(name, dead_relu, check):
    dtype = {"relu_activity": np.float64, "dead_relu_mask": np.bool_}[name]
    weights, biases, X = network()
    before = copy.deepcopy([weights, biases, X])
    for batch_size in [1024, 2]:
        what = check.label(name, "weights", "biases", "X", batch_size=batch_size)
        got = dead_relu.call(name, weights, biases, X, batch_size=batch_size)
        if not isinstance(got, list) or len(got) != len(weights):
            check.fail(f"{what} should return a list with one array per layer ({len(weights)})")
        for layer, (units, expected) in enumerate(zip(got, NETWORK[name], strict=True)):
            where = f"{what}, layer {layer}"
            check.array(where, units, shape=(len(expected),), dtype=dtype)
            if dtype is np.bool_ and units.tolist() != expected:
                check.fail(f"{where}: you returned {units.tolist()}, expected {expected}")
            check.close(where, units, expected, **EXPECTED["tolerance"]["float64"])
        check.unchanged(what, before, [weights, biases, X])
