"""Small helpers the hidden suites share (labels, the vectorization check, the stability
hint)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from grader import Call
from grader.checks import fail, fmt_params

# the vectorization check: Python lines and calls run for a small and a large input
# (all Python code counts, the student's and numpy's alike); a loop over elements adds
# thousands, a vectorized function a constant few (the margin is generous)
VECTOR_MARGIN = 200


SILENCED = ("silencing numpy (np.errstate, np.seterr, np.seterrcall) hides the warning, not "
            "the floating-point error, and the error still counts; ")


def fp_hint(call: Call, hint: str) -> str:
    """``hint``, told first that silencing numpy does not help when the call had silenced it
    (the worker sees the errors whatever numpy was told to do with them)."""
    return SILENCED + hint if call.fp_silenced else hint


def label(params: Mapping[str, Any], inputs: str) -> str:
    return f"{inputs}, {fmt_params(params)}" if params else inputs


def check_loop_free(name: str, hint: str, sizes: tuple[str, str],
                    call: Callable[[int], Call]) -> None:
    """Fail if the Python work of ``call(0)`` and ``call(1)`` (small, large) differs a lot."""
    __tracebackhide__ = True
    counts = []
    for which in (0, 1):
        events = call(which).events
        if events is None or events < 0:
            fail(f"{name}: your code tried to switch off the line counter the vectorization "
                 "check uses (sys.settrace, sys.monitoring, frame.f_trace_lines)", hint)
        counts.append(events)
    if counts[1] - counts[0] > VECTOR_MARGIN:
        fail(f"{name}: your code ran {counts[0]} Python steps for {sizes[0]} but {counts[1]} "
             f"for {sizes[1]} -- a Python loop over the elements (for, a comprehension, "
             "np.vectorize)?", hint)
