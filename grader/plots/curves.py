"""Curves: an elementwise function (or a derivative) against the reference, and
softmax-like functions entry by entry.

The function is first probed on a fine grid over [-8, 8], the inputs its failed
checks named and large magnitudes up to 1e300; the plot then zooms on where it is
wrong (a linear axis), or, when it is wrong only far out, spans from 0 to a little
beyond (a symmetric log axis). A derivative also gets the slope of the student's own
forward function by central differences, so the picture tells a wrong derivative
from a wrong forward function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from grader.checks import fmt
from grader.errors import StudentCodeError
from grader.plots.calls import (
    MAX_PARAMS,
    NoPlot,
    call_text,
    disagree,
    first_line,
    tolerances,
    values,
)
from grader.proxy import Student

# where an elementwise function is probed: a fine grid on [-8, 8], the points the
# edge cases use, and large magnitudes up to 1e300 (the stability checks)
_LARGE = np.array([12.0, 20.5, 40.0, 100.0, 709.0, 710.0, 746.0, 1e3, 1e4, 1e5, 1e150, 1e300])
PROBE = np.unique(np.concatenate([np.linspace(-8.0, 8.0, 641), [0.0, 1e-8, -1e-8],
                                  _LARGE, -_LARGE]))
DENSE = 801  # points of the zoomed grid
MARKERS = 40  # wrong points a figure marks one by one (grader.pages.figures.MARKERS_SHOWN)


def _slope(student: Student, forward: str, x: np.ndarray, params: Mapping[str, Any],
           kinks: Sequence[float]) -> np.ndarray:
    """Central differences of the student's forward function at ``x`` (NaN next to kinks)."""
    h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))
    up, down = x + h, x - h
    with np.errstate(all="ignore"):
        slope = (values(student, forward, x.size, up, **params)
                 - values(student, forward, x.size, down, **params)) / (up - down)
    for kink in kinks:
        slope[np.abs(x - kink) <= 10 * h] = np.nan
    return slope


def _zoom(bad_x: np.ndarray, kinks: Sequence[float]) -> tuple[np.ndarray, str]:
    """A grid over where the function is wrong, and its x scale."""
    middle = bad_x[np.abs(bad_x) <= 8.0]
    if middle.size:
        low, high = float(middle.min()), float(middle.max())
        pad = max(0.5, 0.15 * (high - low))
        low, high = max(-8.0, low - pad), min(8.0, high + pad)
        extra = [k for k in kinks if low <= k <= high]
        return np.unique(np.concatenate([np.linspace(low, high, DENSE), middle, extra])), "linear"
    # only far out: from 0 to a little beyond where it starts to go wrong
    far = min(float(np.abs(bad_x).max()), 100 * float(np.abs(bad_x).min()))
    side = np.geomspace(1e-2, far, DENSE // 2)
    shown = bad_x[np.abs(bad_x) <= far]
    return np.unique(np.concatenate([-side, [0.0], side, shown])), "symlog"


def collect_elementwise(student: Student, record: Any, checks: frozenset[str],
                        registry: ModuleType, result: dict[str, list[Any]],
                        inputs: np.ndarray) -> None:
    rtol, atol, fd_rtol, fd_atol = tolerances(registry)
    forward = getattr(record, "derivative_of", None)
    kinks = tuple(getattr(record, "kinks", ()))
    probe = np.unique(np.concatenate([PROBE, inputs[:12], kinks]))
    notes = result["notes"]
    for params in list(record.params)[:MAX_PARAMS]:
        params = dict(params)
        yours = values(student, record.name, probe.size, probe, **params)
        bad = disagree(yours, _reference(record, probe, params), rtol, atol)
        slope = None
        if forward:
            try:
                slope = _slope(student, forward, probe, params, kinks)
            except (StudentCodeError, NoPlot) as exc:
                notes.append(f"The slope of your {forward} is not shown: {first_line(exc)}")
                forward = None
            else:
                bad |= disagree(yours, slope, fd_rtol, fd_atol) & np.isfinite(slope)
        if bad.any():
            break
    else:
        if checks - {"stability"}:  # a warning alone needs no picture
            notes.append(f"No plot of {record.name}: it matches the reference at all "
                         f"{probe.size} points we tried (|x| up to 1e300); what failed is "
                         "described above.")
        return
    grid, scale = _zoom(probe[bad], kinks)
    yours = values(student, record.name, grid.size, grid, **params)
    desired = _reference(record, grid, params)
    series = [{"label": f"your {record.name}", "y": yours, "role": "yours"},
              {"label": "reference", "y": desired, "role": "reference"}]
    if forward:
        try:
            slope = _slope(student, forward, grid, params, kinks)
        except (StudentCodeError, NoPlot) as exc:
            notes.append(f"The slope of your {forward} is not shown: {first_line(exc)}")
        else:
            series.append({"label": f"slope of your {forward}\n(central differences)",
                           "y": slope, "role": "slope"})
    wrong = disagree(yours, desired, rtol, atol)
    result["figures"].append({
        "kind": "curve",
        "title": call_text(record.name, "x", params),
        "x": grid,
        "xscale": scale,
        "series": series,
        "wrong": wrong,
        "caption": _curve_caption(record.name, forward, grid, yours, desired, wrong, rtol, atol),
    })


def _reference(record: Any, x: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(record.reference(x, **params), dtype=np.float64)


def _curve_caption(name: str, forward: str | None, x: np.ndarray, yours: np.ndarray,
                   desired: np.ndarray, wrong: np.ndarray, rtol: float, atol: float) -> str:
    span = f"x from {fmt(float(x.min()))} to {fmt(float(x.max()))}"
    text = f"Your {name} (solid) and the reference (dashed) for {span}. "
    count = int(wrong.sum())
    if count:
        first = int(np.argmax(wrong))
        where = (f"Red crosses mark the {count} point(s) where they differ" if count <= MARKERS
                 else f"They differ at {count} of the {x.size} points")
        text += (f"{where} by more than rtol={rtol:g}, atol={atol:g}; for example at "
                 f"x = {fmt(float(x[first]))} you return {fmt(float(yours[first]))}, the "
                 f"reference {fmt(float(desired[first]))}.")
        bad = int((~np.isfinite(yours)).sum())
        if bad:
            text += f" At {bad} point(s) your result is inf or nan (red ticks along the bottom)."
    else:
        text += "Here your values match the reference."
    if forward:
        text += (f" The dotted line is the slope of your own {forward}: where your {name} "
                 f"follows it but not the reference, {forward} itself is wrong; where it "
                 "follows neither, the derivative is.")
    return text


def collect_along_axis(student: Student, record: Any, checks: frozenset[str],
                       registry: ModuleType, result: dict[str, list[Any]],
                       inputs: np.ndarray) -> None:
    rtol, atol, _, _ = tolerances(registry)
    rows = np.array([[-2.0, -0.5, 0.0, 0.5, 1.0, 3.0],
                     [1000.0, 999.0, 0.0, -5.0, 998.5, 1e4]])
    upstream = np.tile(np.linspace(-1.0, 1.0, rows.shape[1]), (rows.shape[0], 1))
    args = (rows, upstream) if getattr(record, "upstream", False) else (rows,)
    yours = values(student, record.name, rows.size, *args).reshape(rows.shape)
    with np.errstate(all="ignore"):
        desired = np.asarray(record.reference(*args), dtype=np.float64)
    wrong = disagree(yours, desired, rtol, atol)
    if not wrong.any():
        result["notes"].append(f"Your {record.name} agrees with the reference on the rows "
                               "plotted, so there is no picture to show.")
        return
    labels = ["moderate entries", "large entries (up to 1e4)"]
    result["figures"].append({
        "kind": "bars",
        "title": f"{record.name}(x) along the last axis"
                 + (", upstream = linspace(-1, 1)" if len(args) == 2 else ""),
        "rows": [{"label": labels[i], "x": rows[i], "yours": yours[i],
                  "reference": desired[i], "wrong": wrong[i]}
                 for i in range(rows.shape[0])],
        "caption": f"Each bar pair is one entry of a row: yours (solid) and the reference "
                   f"(hatched). {int(wrong.sum())} of {wrong.size} entries differ; entries "
                   "where you return inf or nan are marked 'nan'.",
    })
