"""Floating-point errors of a graded call, in a real worker, whatever the call tells numpy
to do with them (grader/worker/_fperrors.py)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.proxy import Student
from grader.zygote import Zygote

CODE = b'''
import contextlib, threading, warnings
import numpy as np

def naive(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))

def stable(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

def plain(x):
    return naive(x)

def in_errstate(x):
    with np.errstate(all="ignore"):
        return naive(x)

@np.errstate(all="ignore")
def decorated(x):
    return naive(x)

def with_seterr(x):
    old = np.seterr(all="ignore")
    try:
        return naive(x)
    finally:
        np.seterr(**old)

def with_own_callback(x):
    old, handler = np.seterr(all="call"), np.seterrcall(lambda kind, flag: None)
    try:
        return naive(x)
    finally:
        np.seterr(**old)
        np.seterrcall(handler)

def with_warnings_ignored(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return naive(x)

def raised_and_caught(x):
    try:
        with np.errstate(over="raise"):
            return naive(x)
    except FloatingPointError:
        return stable(x)

def through_an_exit_stack(x):
    with contextlib.ExitStack() as stack:
        stack.enter_context(np.errstate(all="ignore"))
        return naive(x)

def in_a_thread(x):
    out = []
    worker = threading.Thread(target=lambda: out.append(naive(x)))
    worker.start()
    worker.join()
    return out[0]

def stable_in_errstate(x):
    with np.errstate(all="ignore"):
        return stable(x)

def what_numpy_says(x):
    with np.errstate(over="ignore", divide="raise"):
        inside = np.geterr()
    after = np.geterr()
    return np.array([inside["over"] == "ignore", inside["divide"] == "raise",
                     after["over"] == "warn", np.geterrcall() is None], dtype=float)

def raising(x):
    with np.errstate(over="raise"):
        return naive(x)

def masked_log(x):
    return np.ma.log(np.asarray(x, dtype=float)).filled(0.0)
'''
SILENCING = ["in_errstate", "decorated", "with_seterr", "with_own_callback",
             "raised_and_caught", "through_an_exit_stack"]
NOT_SILENCING = ["plain", "with_warnings_ignored", "in_a_thread"]
OTHERS = ["stable", "stable_in_errstate", "what_numpy_says", "raising", "masked_log"]
HUGE = np.array([-1000.0, 0.0, 1000.0, -1e300])


@pytest.fixture(scope="module")
def student():
    names = SILENCING + NOT_SILENCING + OTHERS
    with Zygote() as zygote, Student({"code.py": CODE}, {n: "code.py" for n in names},
                                     zygote) as s:
        yield s


@pytest.mark.parametrize("function", SILENCING + NOT_SILENCING)
def test_an_overflow_is_recorded_whatever_numpy_is_told(student, function) -> None:
    call = student.call(function, HUGE)
    assert call.fp_errors == ("overflow",)
    assert call.fp_silenced == (function in SILENCING)
    assert np.array_equal(call.value, [0.0, 0.5, 1.0, 0.0])  # the code still works


def test_silencing_numpy_where_nothing_overflows_costs_nothing(student) -> None:
    call = student.call("stable_in_errstate", HUGE)
    assert call.fp_errors == () and not call.fp_silenced


def test_numpy_answers_what_the_code_asked_for(student) -> None:
    assert student.call("what_numpy_says", HUGE).value.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_an_error_the_code_asked_to_raise_is_raised(student) -> None:
    with pytest.raises(Exception, match="FloatingPointError: overflow"):
        student.call("raising", HUGE)


def test_errors_numpy_itself_silences_are_not_the_codes(student) -> None:
    call = student.call("masked_log", np.array([-1.0, 0.0, 1.0]))  # np.ma masks log(-1)
    assert call.fp_errors == ()
