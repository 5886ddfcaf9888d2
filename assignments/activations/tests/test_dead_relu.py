"""Public tests for dead_relu.py on one tiny network.

Its first layer has a unit whose bias is so negative that it never fires. The
second layer has a unit fed only by that dead unit, so it is dead too. Each
function is run with batches larger than the data and with batches of 2 and 1
rows: the result must not depend on the batch size.
"""

import copy
import json
from pathlib import Path

import numpy as np
import pytest

DATA = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))
FUNCTIONS = DATA["functions"]
NAMES = [name for name, about in FUNCTIONS.items() if about["file"] == "dead_relu.py"]
NETWORK = DATA["dead_relu"]


def network():
    weights = [np.array(w) for w in NETWORK["weights"]]
    biases = [np.array(b) for b in NETWORK["biases"]]
    return weights, biases, np.array(NETWORK["X"])


@pytest.mark.parametrize("name", NAMES)
def test_dead_relu(name, check):
    call = check.student(name, first=True)
    dtype = np.bool_ if FUNCTIONS[name]["dtype"] == "bool" else np.float64
    tip = check.hint(name, "values")
    weights, biases, X = network()
    before = copy.deepcopy([weights, biases, X])
    for batch_size in [1024, 2, 1]:
        what = check.label(name, "weights", "biases", "X", batch_size=batch_size)
        got = call(weights, biases, X, batch_size=batch_size)
        if not isinstance(got, list) or len(got) != len(weights):
            check.fail(f"{what} should return a list with one array per layer ({len(weights)})")
        for layer, (units, expected) in enumerate(zip(got, NETWORK[name], strict=True)):
            where = f"{what}, layer {layer}"
            check.array(where, units, shape=(len(expected),), dtype=dtype)
            if dtype is np.bool_ and units.tolist() != expected:
                check.fail(f"{where}: you returned {units.tolist()}, expected {expected}", tip)
            check.close(where, units, expected, hint=tip, **DATA["tolerance"]["float64"])
        check.unchanged(what, before, [weights, biases, X])
