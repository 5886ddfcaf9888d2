"""Hidden suite: softmax and its vector-Jacobian product, along every axis."""

from __future__ import annotations

import numpy as np
from registry import (
    ATOL32,
    ATOL64,
    FD_ATOL,
    FD_RTOL,
    LOG_SOFTMAX,
    LOG_SOFTMAX_VJP,
    RTOL32,
    RTOL64,
    SEED,
    SOFTMAX,
    SOFTMAX_VJP,
)
from support import check_loop_free, fp_hint, label

import reference
from grader import Call, Grade, Student, View, by_name
from grader.checks import (
    assert_close,
    assert_no_fp_errors,
    assert_unmodified,
    fail,
    fmt_params,
    numeric,
)
from grader.errors import StudentCodeError, StudentRaised

BOTH = (SOFTMAX, SOFTMAX_VJP, LOG_SOFTMAX, LOG_SOFTMAX_VJP)
_rng = np.random.default_rng(SEED + 2)
X2 = _rng.standard_normal((4, 5)) * 3
X3 = _rng.standard_normal((2, 3, 4)) * 3
G2 = _rng.standard_normal((4, 5))
G3 = _rng.standard_normal((2, 3, 4))
LARGE = np.array([[1000.0, 999.0, 0.0, -1000.0],
                  [1e4, -1e4, 1e4, 0.0],
                  [-1e4, -1e4 + 1.0, -1e4 - 1.0, -1e4],
                  [1e300, 1e300, -1e300, 0.0]])
G_LARGE = np.linspace(-1.0, 1.0, LARGE.size).reshape(LARGE.shape)


def run(record, student: Student, x, g, params: dict, **options) -> Call:
    args = (x, g) if record.upstream else (x,)
    return student.call(record.name, *args, **params, **options)


def expected(record, x, g, params: dict) -> np.ndarray:
    args = (x, g) if record.upstream else (x,)
    return np.asarray(record.reference(*args, **params), dtype=np.float64)


def compare_values(record, student: Student, x, g, params: dict, *, rtol: float = RTOL64,
                 atol: float = ATOL64, what: str = "values", hint_for: str = "values") -> Call:
    __tracebackhide__ = True
    call = run(record, student, x, g, params)
    desired = expected(record, x, g, params)
    actual = numeric(call, record.name, desired.shape, record.hint(hint_for))
    inputs = {"x": x, "upstream": g} if record.upstream else {"x": x}
    assert_close(actual, desired, function=record.name, inputs=inputs, params=params,
                 rtol=rtol, atol=atol, what=what, hint=record.hint(hint_for))
    assert_unmodified(call, record.name, ["x", "upstream"], record.hint("contract"))
    return call


def check_values(record, student: Student, cases) -> None:
    for params in record.params:
        with cases.case(label(params, "a 2-d array")):
            compare_values(record, student, X2, G2, dict(params))
        with cases.case(label(params, "a 3-d array")):
            compare_values(record, student, X3, G3, dict(params))
    with cases.case("a 1-d array"):
        compare_values(record, student, X2[0], G2[0], {})
    with cases.case("float32 input"):
        x32 = X2.astype(np.float32)
        call = run(record, student, x32, G2.astype(np.float32), {})
        desired = expected(record, x32.astype(np.float64), G2.astype(np.float32), {})
        actual = numeric(call, record.name, desired.shape, record.hint("values"))
        assert_close(actual, desired, function=record.name, rtol=RTOL32, atol=ATOL32,
                     what="values for float32 input", hint=record.hint("values"))


def check_stability(record, student: Student, cases) -> None:
    for params in ({}, {"axis": 0}):
        with cases.case(label(params, "large entries")):
            call = compare_values(record, student, LARGE, G_LARGE, params,
                                what="values for large entries", hint_for="stability")
            assert_no_fp_errors(call, record.name, "entries up to 1e300"
                                + (f" ({fmt_params(params)})" if params else ""),
                                fp_hint(call, record.hint("stability")))


def check_contract(record, student: Student, cases) -> None:
    hint = record.hint("contract")

    def shape_and_dtype(x, g, described: str, dtype: str) -> Call:
        call = run(record, student, x, g, {})
        shape = np.shape(x.array if isinstance(x, View) else x)
        if call.type_name != "numpy.ndarray" or not isinstance(call.value, np.ndarray):
            fail(f"{record.name}: for {described} you returned a {call.type_name}, expected "
                 "a numpy.ndarray", hint)
        if call.value.shape != shape:
            fail(f"{record.name}: for {described} you returned shape {call.value.shape}, "
                 f"expected {shape} (the input's shape)", hint)
        if str(call.value.dtype) != dtype:
            fail(f"{record.name}: for {described} you returned dtype {call.value.dtype}, "
                 f"expected {dtype} (float32 in -> float32 out, anything else -> float64)", hint)
        assert_unmodified(call, record.name, ["x", "upstream"], hint)
        return call

    with cases.case("a nested list"):
        shape_and_dtype(X2[:2, :3].tolist(), G2[:2, :3].tolist(), "a nested list", "float64")
    with cases.case("float32"):
        shape_and_dtype(X2.astype(np.float32), G2.astype(np.float32), "a float32 array",
                        "float32")
    # Values are the values check's business; here integer and strided inputs must give
    # what the function gives for the same numbers as contiguous float64 arrays.
    def own(x, g) -> np.ndarray:
        floats = np.ascontiguousarray(x, dtype=np.float64)
        return numeric(run(record, student, floats, np.ascontiguousarray(g, dtype=np.float64),
                           {}), record.name, floats.shape, record.hint("values"))

    with cases.case("integers"):
        ints = np.arange(12).reshape(3, 4) - 5
        call = shape_and_dtype(ints, G2[:3, :4], "an int64 array", "float64")
        assert_close(call.value, own(ints, G2[:3, :4]), function=record.name,
                     rtol=RTOL64, atol=ATOL64, hint=hint, what="values for integer input "
                     "(compared with your own result for the same numbers as floats)")
    with cases.case("a non-contiguous view"):
        strided, gstrided = View(X3, (1, -1, 2)), View(G3, (1, -1, 2))
        view, gview = strided.array, gstrided.array
        call = shape_and_dtype(strided, gstrided, "a non-contiguous view", "float64")
        assert_close(call.value, own(view, gview), function=record.name,
                     rtol=RTOL64, atol=ATOL64, hint=hint, what="values for a non-contiguous "
                     "view (compared with your own result for a contiguous copy)")


# The vectorization check counts Python steps, so small inputs do: a loop over the axis
# adds hundreds of steps at 512 entries, and a correct VJP that builds the n-by-n
# Jacobian (the jacobian check's business) needs only 4 x 512 x 512 floats (8 MiB) here.
VECTOR_LENGTHS = (16, 512)


def check_vectorized(record, student: Student, cases) -> None:
    with cases.case("Python work does not grow with the array"):
        def call(i: int) -> Call:
            x = np.linspace(-3.0, 3.0, 4 * VECTOR_LENGTHS[i]).reshape(4, -1)
            return run(record, student, x, np.cos(x), {}, trace=True)

        check_loop_free(record.name, record.hint("vectorized"),
                        tuple(f"4 rows of {n}" for n in VECTOR_LENGTHS), call)


# A VJP needs memory linear in the length of the axis: s, the upstream gradient and a
# few products. The n-by-n Jacobian of every row takes JACOBIAN_LENGTH times more.
JACOBIAN_ROWS, JACOBIAN_LENGTH = 4, 2048
JACOBIAN_ALLOWANCE = 32  # arrays of the input's size a VJP may hold at once (0.1-0.7 MiB
# measured for correct ones, the arguments as received included; 290 MiB with the Jacobian)


def check_jacobian(record, student: Student, cases) -> None:
    rows, n = JACOBIAN_ROWS, JACOBIAN_LENGTH
    with cases.case(f"{rows} rows of {n} scores"):
        rng = np.random.default_rng(SEED + 6)
        x, g = rng.standard_normal((rows, n)), rng.standard_normal((rows, n))
        jacobians = rows * n * n * 8
        lesson = (f"{record.name}: for {rows} rows of {n} scores the {rows} Jacobians of "
                  f"{n} x {n} take {jacobians / 2**20:.0f} MiB")
        try:
            call = run(record, student, x, g, {}, memory=True)
        except StudentRaised as exc:
            if exc.type_name == "MemoryError":
                fail(f"{lesson}, and your function ran out of memory", record.hint("jacobian"))
            raise
        if call.peak_bytes is None:  # the grader's failure, not the student's
            raise RuntimeError("the memory of the process running the student's code could "
                               "not be read (/proc/<pid>/status, by the zygote)")
        allowed = JACOBIAN_ALLOWANCE * x.nbytes
        if call.peak_bytes > allowed:
            fail(f"{lesson}; your function held {call.peak_bytes / 2**20:.1f} MiB at once, "
                 f"where the vector-Jacobian product needs memory linear in {n} (at most "
                 f"{allowed / 2**20:.1f} MiB here)", record.hint("jacobian"))


def _fd_vjp(student: Student, forward: str, x: np.ndarray, g: np.ndarray, axis: int
            ) -> tuple[np.ndarray, str]:
    """Central-difference gradient of sum(g * forward(x, axis)), one element at a time,
    evaluated in two batched calls of the student's forward (the reference's where the
    student's is wrong or missing)."""
    h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))
    eye = np.eye(x.size).reshape((x.size, *x.shape)) * h
    up, down = x + eye, x - eye
    batched_axis = axis + 1 if axis >= 0 else axis
    reference_forward = getattr(reference, forward)
    ref_up = reference_forward(up, axis=batched_axis)
    ref_down = reference_forward(down, axis=batched_axis)
    note = ""
    try:
        if forward not in student.modules:  # an assignment grading the VJP alone
            raise AssertionError(forward)
        yours_up = numeric(student.call(forward, up, axis=batched_axis), forward, up.shape)
        yours_down = numeric(student.call(forward, down, axis=batched_axis), forward,
                             down.shape)
        right = np.allclose(yours_up, ref_up, rtol=RTOL64, atol=ATOL64) and np.allclose(
            yours_down, ref_down, rtol=RTOL64, atol=ATOL64)
    except (StudentCodeError, AssertionError):
        right = False
    if right:
        s_up, s_down = yours_up, yours_down
    else:
        s_up, s_down, note = ref_up, ref_down, (f" (your {forward} is wrong or missing, so "
                                                f"the reference {forward} was differentiated)")
    total = tuple(range(1, x.ndim + 1))
    slope = ((g * s_up).sum(axis=total) - (g * s_down).sum(axis=total)) / (
        (x + h) - (x - h)).ravel()
    return slope.reshape(x.shape), note


def check_gradient(record, student: Student, cases) -> None:
    x, g = X2[:3, :4], G2[:3, :4]
    for params in record.params:
        with cases.case(label(params, "central differences")):
            axis = params.get("axis", -1)
            assert record.derivative_of is not None
            slope, note = _fd_vjp(student, record.derivative_of, x, g, axis)
            call = run(record, student, x, g, dict(params))
            actual = numeric(call, record.name, x.shape, record.hint("gradient"))
            assert_close(actual, slope, function=record.name, params=params, rtol=FD_RTOL,
                         atol=FD_ATOL,
                         what=f"disagrees with the finite-difference gradient{note}",
                         hint=record.hint("gradient"))


CHECKS = {
    "values": check_values,
    "stability": check_stability,
    "contract": check_contract,
    "vectorized": check_vectorized,
    "gradient": check_gradient,
    "jacobian": check_jacobian,
}


@by_name(BOTH, CHECKS)
def test_softmax(record, student: Student, grade: Grade) -> None:
    grade.run(record, student, CHECKS)
