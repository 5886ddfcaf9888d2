"""Public tests for activations.py.

For every function of the assignment in this file:

- ``test_values``: values at a few points (from tests/expected.json), shapes and
  dtypes;
- ``test_contract``: the rules on arrays (a new array of the input's shape,
  float32 stays float32, anything else becomes float64, the input untouched,
  0-d input);
- ``test_stability``: finite results and no floating-point warning for huge
  inputs (up to 1e300, and large float32 values);
- ``test_vectorized``: no Python loop over the elements.

The last three need no expected values: they run on your own code, with the
grader's hints. Passing them is a good start, not a guarantee: the grading
checks many more values and inputs (see README.md).
"""

import json
from pathlib import Path

import pytest

DATA = json.loads((Path(__file__).parent / "expected.json").read_text(encoding="utf-8"))
NAMES = [name for name, about in DATA["functions"].items() if about["file"] == "activations.py"]


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
