"""The messages students read: what, where, returned, expected, tolerance, hint."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import assert_close, assert_no_fp_errors, fmt, numeric
from grader.errors import CheckFailed
from grader.proxy import Call
from grader.worker._wire import Other


def message(callable_, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        callable_(*args, **kwargs)
    return str(info.value)


def test_a_wrong_value_says_where_what_and_with_which_tolerance() -> None:
    x = np.linspace(-1.0, 1.0, 63)
    x = np.append(x, 0.0)
    desired = (x > 0).astype(float)
    actual = desired.copy()
    actual[-1] = 1.0
    text = message(assert_close, actual, desired, function="relu_grad", inputs={"x": x},
                   rtol=1e-8, atol=1e-10, what="derivative",
                   hint="the derivative of ReLU at 0 is defined as 0 here (as in PyTorch)")
    assert text == (
        "relu_grad: derivative wrong at 1 of 64 inputs (rtol=1e-08, atol=1e-10)\n"
        "  at x = 0.0 you returned 1.0, expected 0.0\n"
        "  hint: the derivative of ReLU at 0 is defined as 0 here (as in PyTorch)")


def test_many_wrong_values_show_three_and_the_largest_errors() -> None:
    x = np.arange(10.0)
    text = message(assert_close, x * 2, x, function="f", inputs={"x": x}, rtol=1e-8,
                   atol=1e-10, params={"alpha": 0.2})
    lines = text.splitlines()
    assert lines[0] == "f: values wrong at 9 of 10 inputs (alpha=0.2) (rtol=1e-08, atol=1e-10)"
    assert lines[1] == "  at x = 1.0 you returned 2.0, expected 1.0"
    assert len([line for line in lines if "you returned" in line]) == 3
    assert lines[-1] == "  ... max abs error 9.0, max rel error 1.0"


def test_nan_and_inf_never_pass_for_a_finite_expectation() -> None:
    text = message(assert_close, np.array([np.nan, np.inf]), np.array([1.0, 1.0]),
                   function="tanh", inputs={"x": np.array([1000.0, 2000.0])}, rtol=1,
                   atol=1)
    assert "at x = 1000.0 you returned nan, expected 1.0" in text
    assert "at x = 2000.0 you returned inf, expected 1.0" in text


def test_signed_zero_and_numbers_read_naturally() -> None:
    assert fmt(-0.0) == "-0.0" and fmt(0.0) == "0.0"
    assert fmt(1e-300) == "1e-300" and fmt(np.float32(0.5)) == "0.5" and fmt(3) == "3"


def test_values_that_are_not_numbers_are_described() -> None:
    call = Call(Other("builtins.dict", "{'a': 1}"), "builtins.dict", (), (), None)
    text = message(numeric, call, "relu", (3,))
    assert text == "relu: returned a builtins.dict ({'a': 1}), expected numbers in an array " \
                   "of shape (3,)"
    call = Call(np.zeros(4), "numpy.ndarray", (), (), None)
    assert "returned 4 value(s) (shape (4,)), expected 3 (shape (3,))" in message(
        numeric, call, "relu", (3,))


def test_floating_point_warnings_are_named() -> None:
    call = Call(np.zeros(2), "numpy.ndarray", ("overflow", "invalid value"), (), None)
    text = message(assert_no_fp_errors, call, "sigmoid", "inputs up to |x| = 1000.0",
                   hint="use exp(-|x|)")
    assert text == ("sigmoid: numpy signalled overflow and invalid value for inputs up to "
                    "|x| = 1000.0 (a floating-point warning)\n  hint: use exp(-|x|)")


def test_messages_are_bounded() -> None:
    text = message(assert_close, np.zeros(3), np.ones(3), function="f", rtol=0, atol=0,
                   hint="x" * 10_000)
    assert len(text) <= 1500 and text.endswith(" ...")
