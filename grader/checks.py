"""Comparisons that fail with a message a student can learn from.

Modelled on ``numpy.testing.assert_allclose``: what was compared and with which
tolerance, how many elements are wrong, the first few with their input, the
returned and the expected value, the largest errors, then the hint. Every helper
raises :class:`~grader.errors.CheckFailed`; none ever shows test source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from grader.errors import CheckFailed
from grader.proxy import Call, as_array
from grader.results import finite_inputs
from grader.worker._wire import Other

SHOWN = 3  # wrong elements listed in one message
MESSAGE_CAP = 1500  # characters of one message


def fmt(value: Any) -> str:
    """A number as a student would want to read it: short, exact enough, signed zero kept."""
    if isinstance(value, (np.floating, float)):
        value = float(value)
        if value == 0.0:
            return "-0.0" if np.signbit(value) else "0.0"
        text = f"{value:.10g}"
        return text if any(c in text for c in ".enia") else text + ".0"
    if isinstance(value, (np.integer, int, np.bool_, bool)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    return repr(value)[:80]


def fmt_params(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={fmt(v) if isinstance(v, float) else repr(v)}"
                     for k, v in params.items())


def fail(message: str, hint: str | None = None, inputs: tuple[float, ...] = ()) -> None:
    __tracebackhide__ = True
    text = message if not hint else f"{message}\n  hint: {hint}"
    if len(text) > MESSAGE_CAP:
        text = text[: MESSAGE_CAP - 4] + " ..."
    raise CheckFailed(text, hint or "", inputs)


def describe_returned(value: Any) -> str:
    if isinstance(value, Other):
        return f"a {value.type_name} ({value.text[:60]})"
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    return f"a {type(value).__name__} ({fmt(value)})"


def numeric(call: Call, function: str, expected_shape: tuple[int, ...], hint: str | None = None
            ) -> np.ndarray:
    """The returned value as a float/complex array of ``expected_shape``, or fail.

    Only the number of elements must agree: a wrong shape is the contract
    check's business, so values are still compared in order.
    """
    __tracebackhide__ = True
    array = as_array(call.value)
    if array is None or array.dtype.kind not in "biufc":
        fail(f"{function}: returned {describe_returned(call.value)}, expected numbers "
             f"in an array of shape {expected_shape}", hint)
    assert array is not None
    if array.size != int(np.prod(expected_shape)):
        fail(f"{function}: returned {array.size} value(s) (shape {array.shape}), expected "
             f"{int(np.prod(expected_shape))} (shape {expected_shape})", hint)
    return array.reshape(expected_shape)


def assert_close(
    actual: np.ndarray,
    desired: np.ndarray,
    *,
    function: str,
    inputs: Mapping[str, np.ndarray] | None = None,
    params: Mapping[str, Any] | None = None,
    rtol: float,
    atol: float,
    what: str = "values",
    hint: str | None = None,
    ignore: np.ndarray | None = None,
) -> None:
    """Fail unless ``|actual - desired| <= atol + rtol * |desired|`` everywhere.

    ``inputs`` maps a name to an array of the same shape (``{"x": x}``), used to
    say *where* it went wrong. NaN matches only NaN; infinities must match exactly.
    ``ignore`` marks elements another check judges (the kinks of a derivative).
    """
    __tracebackhide__ = True
    actual = np.asarray(actual)
    desired = np.asarray(desired)
    with np.errstate(all="ignore"):
        a = actual.astype(np.complex128 if actual.dtype.kind == "c" else np.float64)
        d = desired.astype(np.float64)
        diff = np.abs(a - d)
        ok = (diff <= atol + rtol * np.abs(d)) | (a == d) | (np.isnan(a) & np.isnan(d))
        ok &= np.isfinite(a) | (a == d) | (np.isnan(a) & np.isnan(d))
    if ignore is not None:
        ok |= np.broadcast_to(ignore, ok.shape)
    wrong = np.argwhere(~ok)
    if not len(wrong):
        return
    where = f" ({fmt_params(params)})" if params else ""
    lines = [f"{function}: {what} wrong at {len(wrong)} of {ok.size} inputs{where} "
             f"(rtol={rtol:g}, atol={atol:g})"]
    for index in wrong[:SHOWN]:
        index = tuple(int(i) for i in index)
        at = _locate(index, inputs)
        lines.append(f"  {at}you returned {fmt(a[index] if a.dtype.kind != 'c' else a[index])}, "
                     f"expected {fmt(d[index])}")
    if len(wrong) > SHOWN:
        with np.errstate(all="ignore"):
            bad = ~ok
            finite = bad & np.isfinite(diff)
            if finite.any():
                text = f"  ... max abs error {fmt(diff[finite].max())}"
                nonzero = finite & (d != 0)  # a relative error means nothing where d is 0
                if nonzero.any():
                    rel = diff[nonzero] / np.abs(d[nonzero])
                    text += f", max rel error {fmt(rel.max())}"
                lines.append(text)
            if (bad & ~np.isfinite(a)).any():
                lines.append(f"  ... {int((bad & ~np.isfinite(a)).sum())} returned values are "
                             "inf or nan")
    x = np.asarray((inputs or {}).get("x", ()))
    named = finite_inputs(x[tuple(wrong.T)]) if x.shape == ok.shape and x.ndim else ()
    fail("\n".join(lines), hint, named)


def _locate(index: tuple[int, ...], inputs: Mapping[str, np.ndarray] | None) -> str:
    """``at x = 0.0 `` (with the index too where the arrays have several axes)."""
    parts = []
    for name, array in (inputs or {}).items():
        array = np.asarray(array)
        if array.ndim == 0:
            parts.append(f"{name} = {fmt(array[()])}")
        elif array.ndim == len(index):
            parts.append(f"{name} = {fmt(array[index])}")
    where = f"index {index[0] if len(index) == 1 else index}"
    if not parts:
        return f"at {where} " if index else ""
    return f"at {', '.join(parts)}" + (f" ({where}) " if len(index) > 1 else " ")


def assert_no_fp_errors(call: Call, function: str, described_input: str,
                        hint: str | None = None) -> None:
    __tracebackhide__ = True
    if call.fp_errors:
        fail(f"{function}: numpy signalled {' and '.join(call.fp_errors)} for {described_input} "
             "(a floating-point warning)", hint)


def assert_unmodified(call: Call, function: str, names: Sequence[str], hint: str | None = None
                      ) -> None:
    __tracebackhide__ = True
    if call.modified:
        which = ", ".join(names[i] if i < len(names) else f"argument {i}" for i in call.modified)
        fail(f"{function}: your function changed its input ({which}); it must leave "
             "the caller's array as it was", hint)
