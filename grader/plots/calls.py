"""Calling the student's functions for a plot, and judging what comes back.

Shared by the collectors of :mod:`grader.plots`: a call that does not give numbers
raises :class:`NoPlot` with a message for the student; the tolerances are the
registry's (or the grader's defaults).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

from grader.checks import fmt_params, numeric
from grader.errors import CheckFailed
from grader.proxy import Student

MAX_PARAMS = 3  # parameter settings probed per function
SEED = 20261123  # used when the registry has none


class NoPlot(Exception):
    """This plot cannot be drawn; the message says why, for the student."""


def registry_seed(registry: ModuleType) -> int:
    return int(getattr(registry, "SEED", SEED))


def first_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def values(student: Student, function: str, size: int, *args: Any, **kwargs: Any
           ) -> np.ndarray:
    """The student's result as a float64 vector of ``size`` numbers, or NoPlot."""
    call = student.call(function, *args, **kwargs)
    try:
        array = numeric(call, function, (size,))
    except CheckFailed as exc:
        raise NoPlot(str(exc).splitlines()[0]) from None
    with np.errstate(all="ignore"):
        return np.asarray(array.real if array.dtype.kind == "c" else array, dtype=np.float64)


def disagree(yours: np.ndarray, desired: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        close = np.abs(yours - desired) <= atol + rtol * np.abs(desired)
        same = (yours == desired) | (np.isnan(yours) & np.isnan(desired))
    return ~(close | same)


def tolerances(registry: ModuleType) -> tuple[float, float, float, float]:
    return (float(getattr(registry, "RTOL64", 1e-8)), float(getattr(registry, "ATOL64", 1e-10)),
            float(getattr(registry, "FD_RTOL", 1e-5)), float(getattr(registry, "FD_ATOL", 1e-6)))


def call_text(function: str, first: str, params: Mapping[str, Any]) -> str:
    return f"{function}({first}{', ' + fmt_params(params) if params else ''})"
