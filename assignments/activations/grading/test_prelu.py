"""Hidden suite: PReLU and its gradients with respect to x and to the learnable slope.

The slope ``weight`` is a scalar or one value per channel, and the channel axis is
axis 1 (as in PyTorch), so every input comes with the weight it is tried with: a
scalar on a 1-D array, per-channel slopes on (N, C) and on (N, C, L) -- where a slope
vector that broadcasts along the last axis instead of axis 1 goes wrong -- and a
weight of size 1. ``prelu_grad`` returns ``(grad_x, grad_weight)``; both are judged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
from registry import (
    ATOL32,
    ATOL64,
    EDGE,
    FD_ATOL,
    FD_RTOL,
    PRELU,
    PRELU_GRAD,
    RTOL32,
    RTOL64,
    SEED,
    Channelwise,
)
from support import check_loop_free

from grader import Call, Grade, Student, View, by_name
from grader.checks import assert_close, assert_unmodified, describe_returned, fail, fmt, numeric
from grader.errors import CheckFailed, StudentCodeError, StudentRaised

_rng = np.random.default_rng(SEED + 7)
X2 = _rng.standard_normal((6, 4)) * 3
X2[0, 0], X2[1, 2] = 0.0, -0.0  # exact zeros: the kink check's, and no slope for weight
X3 = _rng.standard_normal((3, 4, 5)) * 3
X3[2, 1, 3] = 0.0
SLOPES = np.array([0.25, -0.5, 0.0, 1.5])  # PyTorch allows any slope, 0 and negative too
G1, G2, G3 = (_rng.standard_normal(shape) for shape in (EDGE.shape, X2.shape, X3.shape))

# (label, x, weight, upstream): every input with the weight it is tried with
INPUTS = (
    ("a scalar weight on a 1-d array", EDGE, 0.25, G1),
    ("a 0-d weight on (N, C)", X2, np.array(-0.1), G2),
    ("per-channel weights on (N, C)", X2, SLOPES, G2),
    ("per-channel weights on (N, C, L)", X3, SLOPES, G3),
    ("a weight of size 1 on (N, C, L)", X3, np.array([0.3]), G3),
)
NAMES = ["x", "weight", "upstream"]


def run(record: Channelwise, student: Student, x, weight, g, **options) -> Call:
    args = (x, weight) if record.derivative_of is None else (x, weight, g)
    return student.call(record.name, *args, **options)


def expected(record: Channelwise, x, weight, g) -> list[np.ndarray]:
    args = (x, weight) if record.derivative_of is None else (x, weight, g)
    out = record.reference(*args)
    return [np.asarray(a) for a in (out if isinstance(out, tuple) else (out,))]


def results(record: Channelwise, call: Call, desired: list[np.ndarray], hint: str,
            described: str, parts: tuple[int, ...] = (0, 1)) -> list[np.ndarray | None]:
    """What the call returned as numbers, one array per expected result (for prelu_grad,
    the pair (grad_x, grad_weight), of which only ``parts`` are read: a check of grad_x
    does not fail on a wrong grad_weight)."""
    __tracebackhide__ = True
    if len(desired) == 1:
        return [numeric(call, f"{record.name} for {described}", desired[0].shape, hint)]
    value = call.value
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        fail(f"{record.name}: for {described} you returned {describe_returned(value)}, "
             "expected a tuple (grad_x, grad_weight)", record.hint("contract"))
    out: list[np.ndarray | None] = []
    for index, (name, item, want) in enumerate(zip(("grad_x", "grad_weight"), value, desired,
                                                   strict=True)):
        part = dataclasses.replace(call, value=item, type_name="")
        out.append(numeric(part, f"{record.name} ({name}) for {described}", want.shape, hint)
                   if index in parts else None)
    return out


def compare(record: Channelwise, student: Student, x, weight, g, described: str, *,
            rtol: float = RTOL64, atol: float = ATOL64, hint_for: str = "values") -> None:
    """The student's result(s) against the reference's; grad_x at x == 0 is left to the
    kink check."""
    __tracebackhide__ = True
    call = run(record, student, x, weight, g)
    desired = expected(record, np.asarray(x, dtype=np.float64), weight, g)
    actual = results(record, call, desired, record.hint(hint_for), described)
    x64 = np.asarray(x, dtype=np.float64)
    inputs = {"x": x64, "upstream": g} if record.derivative_of else {"x": x64}
    at_zero = (x64 == 0) if record.derivative_of else None
    what = f"values for {described}"
    first = f"{record.name} (grad_x)" if len(desired) > 1 else record.name
    assert_close(actual[0], desired[0], function=first, inputs=inputs, rtol=rtol, atol=atol,
                 what=what, hint=record.hint(hint_for), ignore=at_zero)
    if len(desired) > 1:
        assert_close(actual[1], desired[1], function=f"{record.name} (grad_weight)",
                     inputs={"weight": np.asarray(weight, dtype=np.float64)}, rtol=rtol,
                     atol=atol, what=what, hint=record.hint(hint_for))
    assert_unmodified(call, record.name, NAMES, record.hint("contract"))


def check_values(record: Channelwise, student: Student, cases) -> None:
    for described, x, weight, g in INPUTS:
        with cases.case(described):
            compare(record, student, x, weight, g, described)
    with cases.case("float32 input"):
        compare(record, student, X3.astype(np.float32), SLOPES, G3.astype(np.float32),
                "float32 input with per-channel weights on (N, C, L)", rtol=RTOL32,
                atol=ATOL32)


# -- gradient: central differences of L(x, w) = sum(upstream * prelu(x, w)) ----------

def _forward(student: Student) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, str]]:
    """prelu(x, w) for the differences: the student's where it is right, else the
    reference's (with a note saying so)."""

    def forward(x: np.ndarray, w) -> tuple[np.ndarray, str]:
        desired = np.asarray(PRELU.reference(x, w), dtype=np.float64)
        if "prelu" not in student.modules:
            return desired, ""
        try:
            yours = numeric(student.call("prelu", x, w), "prelu", x.shape)
        except (StudentCodeError, CheckFailed):
            yours = None
        if yours is None or not np.allclose(yours, desired, rtol=RTOL64, atol=ATOL64):
            return desired, " (your prelu is wrong or missing, so the reference prelu was used)"
        return yours.astype(np.float64), ""

    return forward


def _x_slope(student: Student, x: np.ndarray, weight, g: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, str]:
    """Entries of x away from 0 and the slope of L there, entry by entry (prelu acts on
    each entry alone, so one call on x + h and one on x - h give every slope)."""
    forward = _forward(student)
    h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))
    away = np.abs(x) > 10 * h
    up, down = np.where(away, x + h, x), np.where(away, x - h, x)
    (f_up, note_up), (f_down, note_down) = forward(up, weight), forward(down, weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(away, g * (f_up - f_down) / np.where(away, up - down, 1.0), 0.0)
    return away, slope, note_up or note_down


def _weight_slope(student: Student, x: np.ndarray, weight, g: np.ndarray
                  ) -> tuple[np.ndarray, str]:
    """The slope of L in each weight (L is linear in the weight: central differences are
    exact up to rounding)."""
    forward = _forward(student)
    w = np.asarray(weight, dtype=np.float64)
    slopes, note = np.zeros(w.shape), ""
    for index in np.ndindex(w.shape):
        h = np.cbrt(np.finfo(np.float64).eps) * max(1.0, abs(float(w[index])))
        up, down = w.copy(), w.copy()
        up[index] += h
        down[index] -= h
        (f_up, n1), (f_down, n2) = forward(x, up), forward(x, down)
        slopes[index] = (np.sum(g * f_up) - np.sum(g * f_down)) / (up[index] - down[index])
        note = note or n1 or n2
    return slopes, note


def check_gradient(record: Channelwise, student: Student, cases) -> None:
    hint = record.hint("gradient")
    for described, x, weight, g in INPUTS[1:4]:
        with cases.case(f"grad_x, {described}"):
            away, slope, note = _x_slope(student, x, weight, g)
            desired = expected(record, x, weight, g)
            actual = results(record, run(record, student, x, weight, g), desired, hint,
                             described, parts=(0,))
            assert_close(actual[0], slope, function=f"{record.name} (grad_x)",
                         inputs={"x": x, "upstream": g}, rtol=FD_RTOL, atol=FD_ATOL,
                         what=f"gradient with respect to x disagrees with the slope of "
                              f"sum(upstream * prelu(x, weight)){note}", hint=hint,
                         ignore=~away)
        with cases.case(f"grad_weight, {described}"):
            slope, note = _weight_slope(student, x, weight, g)
            desired = expected(record, x, weight, g)
            actual = results(record, run(record, student, x, weight, g), desired, hint,
                             described, parts=(1,))
            assert_close(actual[1], slope, function=f"{record.name} (grad_weight)",
                         inputs={"weight": np.asarray(weight, dtype=np.float64)},
                         rtol=FD_RTOL, atol=FD_ATOL,
                         what=f"gradient with respect to the weight disagrees with the slope "
                              f"of sum(upstream * prelu(x, weight)){note}", hint=hint)


def check_kink(record: Channelwise, student: Student, cases) -> None:
    # zeros of both signs in every channel: grad_x there is upstream * the channel's slope
    x = np.array([[0.0, -0.0, 1.0, -1.0], [-0.0, 0.0, -0.0, 0.0]])
    g = np.array([[1.0, -2.0, 0.5, 3.0], [1.5, 1.0, -1.0, 2.0]])
    for described, weight in (("per-channel weights", SLOPES), ("a scalar weight", 0.25)):
        failure: Exception | None = None
        try:
            desired = expected(record, x, weight, g)
            actual = results(record, run(record, student, x, weight, g), desired,
                             record.hint("kink"), f"zeros, {described}", parts=(0,))
        except (CheckFailed, StudentCodeError) as exc:
            failure = exc
        for zero in (0.0, -0.0):
            with cases.case(f"x = {fmt(zero)}, {described}"):
                if failure is not None:
                    raise failure
                flat = x.ravel()
                for i in np.flatnonzero((flat == 0) & (np.signbit(flat) == np.signbit(zero))):
                    yours, want = actual[0].ravel()[i], desired[0].ravel()[i]
                    if not np.isclose(yours, want, rtol=1e-12, atol=0):
                        index = np.unravel_index(i, x.shape)
                        fail(f"{record.name}: at the kink x = {fmt(zero)} (channel {index[1]}, "
                             f"upstream {fmt(g[index])}, {described}) you returned grad_x = "
                             f"{fmt(yours)}, expected {fmt(want)}: {record.convention}",
                             record.hint("kink"))
        failure = None  # no exception -> frame -> exception cycle (see test_elementwise)


# -- contract ---------------------------------------------------------------------

def _expect(record: Channelwise, student: Student, x, weight, g, *, described: str,
            dtype: str) -> Call:
    """The call returned arrays of the right shapes and dtype and left its inputs alone."""
    __tracebackhide__ = True
    hint = record.hint("contract")
    call = run(record, student, x, weight, g)
    shape = np.shape(x.array if isinstance(x, View) else x)
    wanted = [("result", shape)] if record.derivative_of is None else [
        ("grad_x", shape), ("grad_weight", np.shape(weight))]
    value = call.value
    if record.derivative_of is None:
        items, types = [value], [call.type_name]
    else:
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            fail(f"{record.name}: for {described} you returned {describe_returned(value)}, "
                 "expected a tuple (grad_x, grad_weight)", hint)
        items, types = list(value), ["" for _ in value]
    for (name, want), item, type_name in zip(wanted, items, types, strict=True):
        what = record.name if name == "result" else f"{record.name} ({name})"
        scalar_ok = want == () and isinstance(item, np.ndarray)
        if type_name and type_name != "numpy.ndarray" and not (
                scalar_ok and type_name.startswith("numpy.")):
            fail(f"{what}: for {described} you returned a {type_name}, expected a numpy "
                 "array", hint)
        if not isinstance(item, np.ndarray):
            fail(f"{what}: for {described} you returned {describe_returned(item)}, expected "
                 "a numpy array", hint)
        if item.shape != want:
            source = "the weight's" if name == "grad_weight" else "the input's"
            fail(f"{what}: for {described} you returned shape {item.shape}, expected {want} "
                 f"({source} shape)", hint)
        allowed = {dtype, "float64"} if name == "grad_weight" else {dtype}
        if str(item.dtype) not in allowed:
            fail(f"{what}: for {described} you returned dtype {item.dtype}, expected {dtype} "
                 "(float32 in -> float32 out, anything else -> float64)", hint)
    assert_unmodified(call, record.name, NAMES, hint)
    return call


def check_contract(record: Channelwise, student: Student, cases) -> None:
    with cases.case("Python floats"):
        _expect(record, student, 0.75, 0.25, 1.0, described="a Python float x and weight",
                dtype="float64")
    with cases.case("a nested list"):
        _expect(record, student, X2[:2, :3].tolist(), 0.25, G2[:2, :3],
                described="a nested list of floats", dtype="float64")
    with cases.case("float32"):
        _expect(record, student, X2.astype(np.float32), SLOPES, G2.astype(np.float32),
                described="a float32 x with float64 slopes", dtype="float32")
    with cases.case("integers"):
        ints = np.arange(-12, 12).reshape(6, 4)
        call = _expect(record, student, ints, SLOPES, G2, described="an int64 x",
                       dtype="float64")
        own = run(record, student, ints.astype(np.float64), SLOPES, G2)
        _same(record, call, own, "values for integer input (compared with your own result "
              "for the same numbers as floats)")
    with cases.case("a non-contiguous view"):
        strided, gstrided = View(X3, (-1, 1, 2)), View(G3, (-1, 1, 2))
        call = _expect(record, student, strided, SLOPES, gstrided,
                       described="a non-contiguous view x[::-1, :, ::2]", dtype="float64")
        own = run(record, student, np.ascontiguousarray(strided.array), SLOPES,
                  np.ascontiguousarray(gstrided.array))
        _same(record, call, own, "values for a non-contiguous view (compared with your own "
              "result for a contiguous copy)")
    for described, x, weight in (("x of shape (6, 4) and 3 slopes", X2, SLOPES[:3]),
                                 ("a 1-d x and 4 slopes", EDGE, SLOPES)):
        with cases.case(f"ValueError for {described}"):
            _expect_value_error(record, student, x, weight, described)


def _same(record: Channelwise, call: Call, own: Call, what: str) -> None:
    __tracebackhide__ = True
    pairs = zip(call.value, own.value, strict=False) if record.derivative_of else \
        [(call.value, own.value)]
    for mine, theirs in pairs:
        assert_close(np.asarray(mine), np.asarray(theirs), function=record.name, rtol=RTOL64,
                     atol=ATOL64, hint=record.hint("contract"), what=what)


def _expect_value_error(record: Channelwise, student: Student, x, weight, described: str
                        ) -> None:
    __tracebackhide__ = True
    g = np.ones(np.shape(x))
    try:
        call = run(record, student, x, weight, g)
    except StudentRaised as exc:
        if exc.type_name == "NotImplementedError":
            raise
        if not exc.is_a("ValueError"):
            fail(f"{record.name}: for {described} you raised {exc.type_name}, expected "
                 "ValueError (the number of slopes must be 1 or the size of axis 1)",
                 record.hint("contract"))
        return
    fail(f"{record.name}: for {described} you returned {describe_returned(call.value)}, "
         "expected ValueError: a weight of C > 1 slopes needs x.shape[1] == C (the channel "
         "axis is axis 1)", record.hint("contract"))


def check_vectorized(record: Channelwise, student: Student, cases) -> None:
    shapes = ((2, 4, 2), (64, 4, 64))
    with cases.case("Python work does not grow with the array"):
        def call(i: int) -> Call:
            x = np.linspace(-3.0, 3.0, int(np.prod(shapes[i]))).reshape(shapes[i])
            return run(record, student, x, SLOPES, np.cos(x), trace=True)

        check_loop_free(record.name, record.hint("vectorized"),
                        tuple(f"x of shape {s}" for s in shapes), call)


CHECKS = {
    "values": check_values,
    "contract": check_contract,
    "vectorized": check_vectorized,
    "gradient": check_gradient,
    "kink": check_kink,
}


@by_name((PRELU, PRELU_GRAD), CHECKS)
def test_prelu(record: Channelwise, student: Student, grade: Grade) -> None:
    grade.run(record, student, CHECKS)
