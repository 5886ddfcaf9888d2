"""Public tests for activations.py: values at a few points, shapes and dtypes.

Each function has one test. The expected values come from tests/expected.json.
Passing these tests is a good start, not a guarantee: the grading also checks
very large and very small inputs, warnings, speed and more (see README.md).
"""

import json
from pathlib import Path

import numpy as np
import pytest

EXPECTED = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(EXPECTED["activations"]))
def test_activation(name, activations, check):
    x, tolerance = EXPECTED["x"], EXPECTED["tolerance"]
    for case in EXPECTED["activations"][name]:
        check.elementwise(activations, name, case["kwargs"], x, case["expected"], tolerance)


def test_softmax(activations, check):
    for case in EXPECTED["softmax"]:
        what = check.label("softmax", "x", **case["kwargs"])
        x = np.array(case["x"])
        before = x.copy()
        got = activations.call("softmax", x, **case["kwargs"])
        check.array(what, got, shape=x.shape, dtype=np.float64, given="float64")
        check.close(what, got, case["expected"], **EXPECTED["tolerance"]["float64"])
        check.unchanged(what, [before], [x])

        got = activations.call("softmax", x.astype(np.float32), **case["kwargs"])
        check.array(what, got, shape=x.shape, dtype=np.float32, given="float32")
        check.close(what, got, case["expected"], **EXPECTED["tolerance"]["float32"])
