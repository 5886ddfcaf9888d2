"""Hidden suite: the elementwise activations and their derivatives.

Each test is one kind of check, expanded over the registry's records; inside it,
every parameter setting and every kind of input is a case worth an equal share.
"""

from __future__ import annotations

import numpy as np
from registry import (
    ACTIVATIONS,
    ATOL32,
    ATOL64,
    DERIVATIVES,
    EDGE,
    EXTREME,
    FD_ATOL,
    FD_RTOL,
    LARGE,
    LARGE32,
    RTOL32,
    RTOL64,
    SEED,
    Elementwise,
)
from support import check_loop_free, fp_hint, label

import reference
from grader import Call, Grade, Student, View, by_name
from grader.checks import (
    assert_close,
    assert_no_fp_errors,
    assert_unmodified,
    fail,
    fmt,
    fmt_params,
    numeric,
)
from grader.errors import CheckFailed, StudentCodeError

ALL = ACTIVATIONS + DERIVATIVES
KINKED = tuple(r for r in DERIVATIVES if r.kinks)
RANDOM = np.random.default_rng(SEED).standard_normal(64) * 5
VECTOR_SMALL, VECTOR_LARGE = 16, 4096


def judge_in_parts(record: Elementwise, student: Student, cases, params: dict,
                   parts: tuple[tuple[str, np.ndarray], ...], *, what: str, hint_for: str,
                   warnings: bool = False) -> None:
    """One call on the inputs of all ``parts`` together, judged part by part: one case
    each. With ``warnings``, a part must also compute without floating-point warnings
    (a call that warns is repeated part by part to say which part did)."""
    x = np.concatenate([part for _, part in parts])
    failure: Exception | None = None
    try:
        call = student.call(record.name, x, **params)
        desired = np.asarray(record.reference(x, **params), dtype=np.float64)
        actual = numeric(call, record.name, desired.shape, record.hint(hint_for))
    except (CheckFailed, StudentCodeError) as exc:
        failure = exc
    start = 0
    for name, part in parts:
        where = slice(start, start + part.size)
        start += part.size
        with cases.case(label(params, name)):
            if failure is not None:
                raise failure
            assert_close(actual[where], desired[where], function=record.name,
                         inputs={"x": part}, params=params, rtol=RTOL64, atol=ATOL64,
                         what=what.format(name), hint=record.hint(hint_for),
                         ignore=at_kinks(record, part, params))
            assert_unmodified(call, record.name, ["x"], record.hint("contract"))
            if warnings and call.fp_errors:
                again = student.call(record.name, part, **params)
                assert_no_fp_errors(again, record.name,
                                    f"inputs up to |x| = {fmt(np.abs(part).max())}"
                                    + (f" ({fmt_params(params)})" if params else ""),
                                    fp_hint(again, record.hint("stability")))
    failure = None  # the exception's frame holds it: a cycle that would keep the reply alive


def check_values(record: Elementwise, student: Student, cases) -> None:
    for params in record.params:
        judge_in_parts(record, student, cases, dict(params),
                       (("random inputs", RANDOM), ("edge inputs", EDGE)),
                       what="values", hint_for="values")
        with cases.case(label(params, "float32 inputs")):
            x32 = RANDOM.astype(np.float32)
            call = student.call(record.name, x32, **params)
            desired = np.asarray(record.reference(x32.astype(np.float64), **params))
            actual = numeric(call, record.name, desired.shape, record.hint("values"))
            assert_close(actual, desired, function=record.name, inputs={"x": x32},
                         params=params, rtol=RTOL32, atol=ATOL32,
                         what="values for float32 input", hint=record.hint("values"))


def check_stability(record: Elementwise, student: Student, cases) -> None:
    for params in record.params:
        judge_in_parts(record, student, cases, dict(params),
                       (("large |x|", LARGE), ("extreme |x|", EXTREME)),
                       what="values at {}", hint_for="stability", warnings=True)
    with cases.case("large float32 inputs"):
        call = student.call(record.name, LARGE32)
        desired = np.asarray(record.reference(LARGE32.astype(np.float64)))
        actual = numeric(call, record.name, desired.shape, record.hint("stability"))
        assert_close(actual, desired.astype(np.float32).astype(np.float64),
                     function=record.name, inputs={"x": LARGE32}, rtol=RTOL32, atol=ATOL32,
                     what="values for large float32 input", hint=record.hint("stability"))
        assert_no_fp_errors(call, record.name, "large float32 inputs (float32 exp overflows "
                            "above 88)", fp_hint(call, record.hint("stability")))


def at_kinks(record: Elementwise, x: np.ndarray, params: dict) -> np.ndarray | None:
    """Where the kink check, not the values check, judges a derivative."""
    kinks = record.kinks_at(params)
    return np.isin(np.asarray(x, dtype=np.float64), kinks) if kinks else None


def expect_contract(record: Elementwise, student: Student, x, *, shape: tuple[int, ...],
                   dtype: str, described: str, scalar: bool = False) -> Call:
    __tracebackhide__ = True
    call = student.call(record.name, x)
    hint = record.hint("contract")
    allowed_types = ("numpy.ndarray", f"numpy.{dtype}") if scalar else ("numpy.ndarray",)
    if call.type_name not in allowed_types:
        fail(f"{record.name}: for {described} you returned a {call.type_name}, expected "
             + ("a numpy array (or numpy scalar)" if scalar else "a numpy.ndarray"), hint)
    value = call.value
    if not isinstance(value, np.ndarray):
        fail(f"{record.name}: for {described} you returned {type(value).__name__}", hint)
    if value.shape != shape:
        fail(f"{record.name}: for {described} you returned shape {value.shape}, expected "
             f"{shape} (the input's shape)", hint)
    if str(value.dtype) != dtype:
        fail(f"{record.name}: for {described} you returned dtype {value.dtype}, expected "
             f"{dtype} (float32 in -> float32 out, anything else -> float64)", hint)
    assert_unmodified(call, record.name, ["x"], hint)
    return call


def check_contract(record: Elementwise, student: Student, cases) -> None:
    grid = np.linspace(-4.0, 4.0, 24)
    with cases.case("a Python float"):
        expect_contract(record, student, 0.75, shape=(), dtype="float64",
                       described="a Python float", scalar=True)
    with cases.case("a 0-d array"):
        expect_contract(record, student, np.array(-1.25), shape=(), dtype="float64",
                       described="a 0-d array", scalar=True)
    with cases.case("a nested list"):
        expect_contract(record, student, grid[:6].reshape(2, 3).tolist(), shape=(2, 3),
                       dtype="float64", described="a nested list of floats")
    with cases.case("a 3-d array"):
        expect_contract(record, student, grid.reshape(2, 3, 4), shape=(2, 3, 4),
                       dtype="float64", described="a float64 array of shape (2, 3, 4)")
    with cases.case("float32"):
        expect_contract(record, student, grid.astype(np.float32).reshape(4, 6), shape=(4, 6),
                       dtype="float32", described="a float32 array")
    # Values are the values check's business; here the integer and strided inputs must
    # give what the function gives for the same numbers as a contiguous float64 array.
    with cases.case("integers"):
        ints = np.arange(-3, 4)
        call = expect_contract(record, student, ints, shape=(7,), dtype="float64",
                              described="an int64 array")
        own = numeric(student.call(record.name, ints.astype(np.float64)), record.name,
                      ints.shape, record.hint("values"))
        assert_close(call.value, own, function=record.name, inputs={"x": ints},
                     rtol=RTOL64, atol=ATOL64, hint=record.hint("contract"),
                     what="values for integer input (compared with your own result for the "
                          "same numbers as floats)")
    with cases.case("a non-contiguous view"):
        strided = View(grid.reshape(4, 6), (2, -2))  # sliced in the worker
        view = strided.array
        call = expect_contract(record, student, strided, shape=view.shape, dtype="float64",
                               described="a non-contiguous view x[::2, ::-2]")
        own = numeric(student.call(record.name, np.ascontiguousarray(view)), record.name,
                      view.shape, record.hint("values"))
        assert_close(call.value, own, function=record.name, inputs={"x": view},
                     rtol=RTOL64, atol=ATOL64, hint=record.hint("contract"),
                     what="values for a non-contiguous view (compared with your own result "
                          "for a contiguous copy)")


def check_vectorized(record: Elementwise, student: Student, cases) -> None:
    with cases.case("Python work does not grow with the array"):
        sizes = (VECTOR_SMALL, VECTOR_LARGE)
        check_loop_free(record.name, record.hint("vectorized"),
                        (f"{sizes[0]} elements", f"{sizes[1]} elements"),
                        lambda i: student.call(record.name, np.linspace(-3.0, 3.0, sizes[i]),
                                               trace=True))


def _fd_points(record: Elementwise, params: dict) -> np.ndarray:
    x = np.random.default_rng(SEED + 1).standard_normal(48) * 3
    h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))
    near = np.zeros(x.shape, bool)
    for kink in record.kinks_at(params):
        near |= np.abs(x - kink) <= 10 * h
    return x[~near]


def _slopes(student: Student, forward: str, x: np.ndarray, params: dict
            ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Central differences of the reference forward and (where it is right) the student's."""
    reference_forward = getattr(reference, forward)
    h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))
    up, down = x + h, x - h
    step = up - down  # the step actually taken, after rounding
    ref_up, ref_down = reference_forward(up, **params), reference_forward(down, **params)
    ref_slope = (ref_up - ref_down) / step
    if forward not in student.modules:  # an assignment grading the derivative alone
        return ref_slope, None, np.zeros(x.shape, bool)
    try:  # one call for both sides
        both = numeric(student.call(forward, np.concatenate([up, down]), **params), forward,
                       (2 * x.size,))
    except (StudentCodeError, AssertionError):
        return ref_slope, None, np.zeros(x.shape, bool)
    yours_up, yours_down = both[: x.size], both[x.size:]
    with np.errstate(all="ignore"):
        your_slope = (yours_up.astype(np.float64) - yours_down) / step
        right = (np.abs(yours_up - ref_up) <= ATOL64 + RTOL64 * np.abs(ref_up)) & (
            np.abs(yours_down - ref_down) <= ATOL64 + RTOL64 * np.abs(ref_down))
    return ref_slope, your_slope, right


def check_gradient(record: Elementwise, student: Student, cases) -> None:
    forward = record.derivative_of
    assert forward is not None
    for params in record.params:
        x = _fd_points(record, dict(params))
        with cases.case(label(params, "central differences")):
            ref_slope, your_slope, right = _slopes(student, forward, x, dict(params))
            expected = np.where(right, your_slope, ref_slope) if your_slope is not None \
                else ref_slope
            call = student.call(record.name, x, **params)
            actual = numeric(call, record.name, x.shape, record.hint("gradient"))
            note = ""
            if your_slope is None:
                note = (f" (your {forward} could not be used, so the reference {forward}'s "
                        "slope was)")
            elif not right.all():
                note = (f" (where your {forward} is wrong, the slope of the reference {forward} "
                        "was used)")
            try:
                assert_close(actual, expected, function=record.name, inputs={"x": x},
                             params=params, rtol=FD_RTOL, atol=FD_ATOL,
                             what=f"derivative disagrees with the slope of {forward}{note}",
                             hint=record.hint("gradient"))
            except AssertionError as exc:
                if your_slope is not None and not right.all():
                    with np.errstate(all="ignore"):
                        agrees = np.abs(actual - your_slope) <= FD_ATOL + FD_RTOL * np.abs(
                            your_slope)
                    if (agrees & ~right).any():
                        fail(f"{exc}\n  note: your {record.name} matches the slope of your own "
                             f"{forward}, which is wrong there -- fix {forward} first")
                raise


def check_kink(record: Elementwise, student: Student, cases) -> None:
    for params in record.params:
        # each kink and, at 0, its negative zero: both must follow the convention
        points = np.array([v for k in record.kinks_at(params)
                           for v in dict.fromkeys((k, -k if k == 0 else k))])
        failure: Exception | None = None
        try:
            call = student.call(record.name, points, **params)
            desired = np.asarray(record.reference(points, **params))
            actual = numeric(call, record.name, desired.shape, record.hint("kink"))
        except (CheckFailed, StudentCodeError) as exc:
            failure = exc
        for i, x0 in enumerate(points):
            with cases.case(label(params, f"x = {fmt(x0)}")):
                if failure is not None:
                    raise failure
                if not np.isclose(actual[i], desired[i], rtol=1e-12, atol=0):
                    where = f" ({fmt_params(params)})" if params else ""
                    fail(f"{record.name}: at the kink x = {fmt(x0)}{where} you returned "
                         f"{fmt(actual[i])}, expected {fmt(desired[i])}: "
                         f"{record.convention}", record.hint("kink"))
        failure = None  # as in judge_in_parts: no exception -> frame -> exception cycle


CHECKS = {
    "values": check_values,
    "stability": check_stability,
    "contract": check_contract,
    "vectorized": check_vectorized,
    "gradient": check_gradient,
    "kink": check_kink,
}


@by_name(ALL, CHECKS)
def test_elementwise(record: Elementwise, student: Student, grade: Grade) -> None:
    grade.run(record, student, CHECKS)
