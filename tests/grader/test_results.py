"""Typed results, graded for real on the fixture assignment (tests/fixtures/assignments/
powers): each test record carries its status, its hint and the inputs where the values
were wrong as fields, and the JSON is made from them key for key."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from grader.results import Status, TestRecord, finite_inputs, worst
from grader.runner import Settings, grade
from grader.submission import Submission

POWERS = Path(__file__).resolve().parents[1] / "fixtures" / "assignments" / "powers"
WRONG_ABOVE_TWO = b"""import numpy as np


def square(x):
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 2, 2 * x, x * x)


def square_grad(x):
    return 2.0 * np.asarray(x, dtype=np.float64)
"""


@pytest.fixture(scope="module")
def entry() -> dict:
    settings = Settings(assignment=str(POWERS))
    return grade(Submission("wrong", POWERS, files={"powers.py": WRONG_ABOVE_TWO}), settings)


def records(entry: dict) -> dict[tuple[str, str], TestRecord]:
    return {(t["function"], t["check"]): TestRecord.from_json(t) for t in entry["tests"]}


def test_a_wrong_value_names_its_inputs_in_a_field(entry) -> None:
    values = records(entry)[("square", "values")]
    assert values.status is Status.FAILED and values.score == 0.0
    assert values.hint == "compare your formula with the docstring"
    assert values.inputs and all(x > 2 for x in values.inputs)
    assert len(values.inputs) <= 12
    # the same numbers the message shows first, read from the field, not the text
    assert f"x = {values.inputs[0]:.10g}" in values.feedback


def test_the_json_is_the_records_key_for_key(entry) -> None:
    for test in entry["tests"]:
        assert TestRecord.from_json(test).as_json() == test
        json.dumps(test)  # plain JSON types only
    passed = records(entry)[("square", "contract")]
    assert passed.status is Status.PASSED and "inputs" not in passed.as_json()
    assert set(passed.as_json()) == {"name", "function", "check", "score", "max_score",
                                     "status", "feedback", "hint"}


def test_a_forward_mistake_costs_the_derivative_its_slope_check_only(entry) -> None:
    # square_grad is right; its gradient check compares with the slope of *their* square
    tests = records(entry)
    assert tests[("square_grad", "values")].status is Status.PASSED
    assert tests[("square_grad", "gradient")].status is Status.FAILED
    assert entry["score"] == pytest.approx(10 + 30)


def test_statuses_order_worst_first() -> None:
    assert worst(["passed", "failed", "timeout"]) is Status.TIMEOUT
    assert worst([]) is Status.PASSED
    assert str(Status.NOT_ALLOWED) == "not_allowed" and Status("error") == "error"
    assert TestRecord.from_json({"status": "exploded"}).status is Status.ERROR


def test_inputs_are_finite_distinct_and_capped() -> None:
    assert finite_inputs([1.0, np.nan, 1.0, np.inf, "x", 2.0]) == (1.0, 2.0)
    assert len(finite_inputs(range(100))) == 12
