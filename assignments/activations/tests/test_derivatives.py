"""Public tests for derivatives.py: values at a few points, shapes and dtypes.

The points include x = 0, where ReLU, Leaky ReLU, ELU and SELU have a kink: the
expected value there is the left-hand derivative (see derivatives.py).
The grading also compares your derivatives with finite differences at many more
points (see README.md).
"""

import json
from pathlib import Path

import numpy as np
import pytest

EXPECTED = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(EXPECTED["derivatives"]))
def test_derivative(name, derivatives, check):
    x, tolerance = EXPECTED["x"], EXPECTED["tolerance"]
    for case in EXPECTED["derivatives"][name]:
        check.elementwise(derivatives, name, case["kwargs"], x, case["expected"], tolerance)


def test_softmax_vjp(derivatives, check):
    for case in EXPECTED["softmax_vjp"]:
        what = check.label("softmax_vjp", "x", "upstream", **case["kwargs"])
        x = np.array(case["x"])
        upstream = np.array(case["upstream"])
        before = [x.copy(), upstream.copy()]
        got = derivatives.call("softmax_vjp", x, upstream, **case["kwargs"])
        check.array(what, got, shape=x.shape, dtype=np.float64, given="float64")
        check.close(what, got, case["expected"], **EXPECTED["tolerance"]["float64"])
        check.unchanged(what, before, [x, upstream])
