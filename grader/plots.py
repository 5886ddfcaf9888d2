"""The data behind a feedback page's plots: the student's functions, called again.

A feedback page shows a picture where it explains better than words: the student's
function against the reference over the region where they disagree, a derivative
against the slope of the student's *own* forward function, an initializer's
histogram against its target density, a dead-ReLU detector's answer unit by unit.
To draw them the grader calls the student's functions once more, in a worker of
their own, a few calls per function that lost points, under time limits tighter
than grading's. A call that raises, hangs or returns something that is not numbers
costs only its own plot: the page says why the plot is missing.

The engine knows nothing about sigmoid: what to call and what to compare with come
from the assignment's registry (``grading/registry.py``), by the kind of its records
(``Elementwise``, ``AlongAxis``, ``Initializer``, ``Detector``). Optional registry
names: ``SEED``, ``RTOL64``/``ATOL64``, ``FD_RTOL``/``FD_ATOL`` and ``PLOT_NETWORK``
(a function returning ``(weights, biases, X)`` for the detector plot).

:func:`collect_plot_data` returns plain data (numpy arrays in dicts);
:mod:`grader.pages.figures` draws it.
"""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from scipy.special import ndtr

from grader.checks import describe_returned, fmt, fmt_params, numeric
from grader.errors import CheckFailed, StudentCodeError
from grader.proxy import Student, Zygote, as_array
from grader.worker._wire import Rng

# which failed checks a picture explains, by the kind of registry record
PLOTTED = {
    "Elementwise": frozenset({"values", "stability", "kink", "gradient"}),
    "AlongAxis": frozenset({"values", "stability"}),
    "Initializer": frozenset({"values", "scale", "mean", "distribution"}),
    "Detector": frozenset({"values", "batching"}),
}
CALL_SECONDS = 2.0  # per call while plotting (grading's limit if that is lower)
BUDGET_SECONDS = 20.0  # all plotting calls of one submission
MAX_PARAMS = 3  # parameter settings probed per function
SEED = 20261123  # used when the registry has none
FAN_IN, FAN_OUT = 400, 250
BATCH = 64  # batch size of the detector plot (its network has 300 samples)

# where an elementwise function is probed: a fine grid on [-8, 8], the points the
# edge cases use, and large magnitudes up to 1e300 (the stability checks)
_LARGE = np.array([12.0, 20.5, 40.0, 100.0, 709.0, 710.0, 746.0, 1e3, 1e4, 1e5, 1e150, 1e300])
PROBE = np.unique(np.concatenate([np.linspace(-8.0, 8.0, 641), [0.0, 1e-8, -1e-8],
                                  _LARGE, -_LARGE]))
DENSE = 801  # points of the zoomed grid


class NoPlot(Exception):
    """This plot cannot be drawn; the message says why, for the student."""


def collect_plot_data(submission: Any, settings: Any, entry: Mapping[str, Any], *,
                      zygote: Zygote | None = None) -> dict[str, dict[str, list[Any]]]:
    """Plot data for every function of ``entry`` that lost points in a check a picture
    explains: ``{function: {"figures": [spec, ...], "notes": [str, ...]}}``.

    ``submission`` is a :class:`grader.submission.Submission`, ``settings`` the
    :class:`grader.runner.Settings` it was graded with and ``entry`` its SPEC section 3
    entry. A figure spec is a dict with a ``kind`` ("curve", "bars", "histogram",
    "units"), a ``title``, a ``caption`` and the arrays to draw. ``zygote`` is a
    running :class:`~grader.proxy.Zygote` to fork the worker from (default: a new one).
    """
    if entry.get("status") != "graded" or getattr(submission, "error", ""):
        return {}
    registry = load_registry(settings.grading / "registry.py")
    records = getattr(registry, "RECORDS", {})
    wanted = functions_to_plot(entry, records)
    if not wanted:
        return {}
    rubric = settings.rubric()
    limits = settings.limits
    out: dict[str, dict[str, list[Any]]] = {}
    with _zygote(zygote, settings) as running, Student(
            submission.files, rubric.files, running,
            call_seconds=min(limits.call_seconds, CALL_SECONDS),
            import_seconds=min(2 * limits.call_seconds, 2 * CALL_SECONDS),
            submission_seconds=min(limits.submission_seconds, BUDGET_SECONDS)) as student:
        for function, checks in wanted.items():
            record = records[function]
            collect = _COLLECTORS[type(record).__name__]
            result: dict[str, list[Any]] = {"figures": [], "notes": []}
            try:
                collect(student, record, checks, registry, result, _feedback(entry, function))
            except (StudentCodeError, NoPlot) as exc:
                result["notes"].append(f"No plot of {function}: {_first_line(exc)}")
            except Exception as exc:  # a grader bug costs one plot, not the page
                print(f"grader: could not collect the plot data of {function} for "
                      f"{submission.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
                result["notes"].append(f"No plot of {function}: the grader could not draw it")
            out[function] = result
    return out


def functions_to_plot(entry: Mapping[str, Any], records: Mapping[str, Any]
                      ) -> dict[str, frozenset[str]]:
    """Function -> the checks it failed that a plot explains, in the entry's order.

    Only checks with status "failed" count: a function that raised, hung or used a
    library it may not use in every case produced no values to draw.
    """
    wanted: dict[str, set[str]] = {}
    for test in entry.get("tests", []):
        record = records.get(test.get("function"))
        kind = type(record).__name__
        check = test.get("check", "")
        if record is None or test.get("status") != "failed" or check not in PLOTTED.get(kind, ()):
            continue
        wanted.setdefault(test["function"], set()).add(check)
    return {f: frozenset(c) for f, c in wanted.items()}


@lru_cache(maxsize=8)
def load_registry(path: Path) -> ModuleType:
    """The assignment's registry module, loaded from its file under a private name."""
    name = f"_grader_registry_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise NoPlot(f"no registry at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def registry_seed(registry: ModuleType) -> int:
    return int(getattr(registry, "SEED", SEED))


@contextmanager
def _zygote(given: Zygote | None, settings: Any) -> Iterator[Zygote]:
    if given is not None:
        yield given
        return
    with Zygote(layer=settings.sandbox, limits=settings.limits) as started:
        yield started


def _feedback(entry: Mapping[str, Any], function: str) -> str:
    return "\n".join(t.get("feedback", "") for t in entry.get("tests", [])
                     if t.get("function") == function and t.get("status") != "passed")


def _first_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _values(student: Student, function: str, size: int, *args: Any, **kwargs: Any
            ) -> np.ndarray:
    """The student's result as a float64 vector of ``size`` numbers, or NoPlot."""
    call = student.call(function, *args, **kwargs)
    try:
        array = numeric(call, function, (size,))
    except CheckFailed as exc:
        raise NoPlot(str(exc).splitlines()[0]) from None
    with np.errstate(all="ignore"):
        return np.asarray(array.real if array.dtype.kind == "c" else array, dtype=np.float64)


def _disagree(yours: np.ndarray, desired: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        close = np.abs(yours - desired) <= atol + rtol * np.abs(desired)
        same = (yours == desired) | (np.isnan(yours) & np.isnan(desired))
    return ~(close | same)


def _tolerances(registry: ModuleType) -> tuple[float, float, float, float]:
    return (float(getattr(registry, "RTOL64", 1e-8)), float(getattr(registry, "ATOL64", 1e-10)),
            float(getattr(registry, "FD_RTOL", 1e-5)), float(getattr(registry, "FD_ATOL", 1e-6)))


def _call_text(function: str, first: str, params: Mapping[str, Any]) -> str:
    return f"{function}({first}{', ' + fmt_params(params) if params else ''})"


# --------------------------------------------------------------- elementwise


_AT_X = re.compile(r"\bx = (-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)")


def mentioned_inputs(feedback: str, cap: int = 12) -> np.ndarray:
    """The x values a failure message names (``at x = 0.0 you returned ...``)."""
    found = [float(m) for m in _AT_X.findall(feedback)]
    return np.array([v for v in dict.fromkeys(found) if math.isfinite(v)][:cap], dtype=float)


def _slope(student: Student, forward: str, x: np.ndarray, params: Mapping[str, Any],
           kinks: Sequence[float]) -> np.ndarray:
    """Central differences of the student's forward function at ``x`` (NaN next to kinks)."""
    h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))
    up, down = x + h, x - h
    with np.errstate(all="ignore"):
        slope = (_values(student, forward, x.size, up, **params)
                 - _values(student, forward, x.size, down, **params)) / (up - down)
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
    far = float(np.abs(bad_x).max())
    side = np.geomspace(1e-2, far, DENSE // 2)
    return np.unique(np.concatenate([-side, [0.0], side, bad_x])), "symlog"


def _collect_elementwise(student: Student, record: Any, checks: frozenset[str],
                         registry: ModuleType, result: dict[str, list[Any]],
                         feedback: str) -> None:
    rtol, atol, fd_rtol, fd_atol = _tolerances(registry)
    forward = getattr(record, "derivative_of", None)
    kinks = tuple(getattr(record, "kinks", ()))
    probe = np.unique(np.concatenate([PROBE, mentioned_inputs(feedback), kinks]))
    notes = result["notes"]
    for params in list(record.params)[:MAX_PARAMS]:
        params = dict(params)
        yours = _values(student, record.name, probe.size, probe, **params)
        bad = _disagree(yours, _reference(record, probe, params), rtol, atol)
        slope = None
        if forward:
            try:
                slope = _slope(student, forward, probe, params, kinks)
            except (StudentCodeError, NoPlot) as exc:
                notes.append(f"The slope of your {forward} is not shown: {_first_line(exc)}")
                forward = None
            else:
                bad |= _disagree(yours, slope, fd_rtol, fd_atol) & np.isfinite(slope)
        if bad.any():
            break
    else:
        if checks - {"stability"}:  # a warning alone needs no picture
            notes.append(f"No plot of {record.name}: it matches the reference at all "
                         f"{probe.size} points we tried (|x| up to 1e300); what failed is "
                         "described above.")
        return
    grid, scale = _zoom(probe[bad], kinks)
    yours = _values(student, record.name, grid.size, grid, **params)
    desired = _reference(record, grid, params)
    series = [{"label": f"your {record.name}", "y": yours, "role": "yours"},
              {"label": "reference", "y": desired, "role": "reference"}]
    if forward:
        try:
            slope = _slope(student, forward, grid, params, kinks)
        except (StudentCodeError, NoPlot) as exc:
            notes.append(f"The slope of your {forward} is not shown: {_first_line(exc)}")
        else:
            series.append({"label": f"slope of your {forward} (central differences)",
                           "y": slope, "role": "slope"})
    wrong = _disagree(yours, desired, rtol, atol)
    result["figures"].append({
        "kind": "curve",
        "title": _call_text(record.name, "x", params),
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
        text += (f"Red crosses mark the {count} point(s) where they differ by more than "
                 f"rtol={rtol:g}, atol={atol:g}; for example at x = {fmt(float(x[first]))} you "
                 f"return {fmt(float(yours[first]))}, the reference {fmt(float(desired[first]))}.")
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


# ------------------------------------------------------------ along an axis


def _collect_along_axis(student: Student, record: Any, checks: frozenset[str],
                        registry: ModuleType, result: dict[str, list[Any]],
                        feedback: str) -> None:
    rtol, atol, _, _ = _tolerances(registry)
    rows = np.array([[-2.0, -0.5, 0.0, 0.5, 1.0, 3.0],
                     [1000.0, 999.0, 0.0, -5.0, 998.5, 1e4]])
    upstream = np.tile(np.linspace(-1.0, 1.0, rows.shape[1]), (rows.shape[0], 1))
    args = (rows, upstream) if getattr(record, "upstream", False) else (rows,)
    yours = _values(student, record.name, rows.size, *args).reshape(rows.shape)
    with np.errstate(all="ignore"):
        desired = np.asarray(record.reference(*args), dtype=np.float64)
    wrong = _disagree(yours, desired, rtol, atol)
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


# --------------------------------------------------------------- initializers


def _collect_initializer(student: Student, record: Any, checks: frozenset[str],
                         registry: ModuleType, result: dict[str, list[Any]],
                         feedback: str) -> None:
    seed = registry_seed(registry)
    family = record.family
    worst: tuple[float, dict[str, Any], np.ndarray, float] | None = None
    for params in list(record.params)[:MAX_PARAMS]:
        params = dict(params)
        args = () if family == "zeros" else (Rng(seed),)
        w = _values(student, record.name, FAN_IN * FAN_OUT, FAN_IN, FAN_OUT, *args, **params)
        std = float(record.std(FAN_IN, FAN_OUT, **params))
        distance = ks_distance(w, family, std)
        if worst is None or distance > worst[0]:
            worst = (distance, params, w, std)
    assert worst is not None
    distance, params, w, std = worst
    finite = w[np.isfinite(w)]
    if not finite.size:
        raise NoPlot("none of the weights is a finite number")
    reach = 4 * std if family == "normal" else 1.25 * math.sqrt(3) * std
    top = max(reach, float(np.quantile(np.abs(finite), 0.999)), 1e-12)
    density, edges = np.histogram(finite, bins=80, range=(-top, top), density=True)
    outside = float(np.mean(np.abs(finite) > top)) + (w.size - finite.size) / w.size
    shown = _call_text(record.name, f"{FAN_IN}, {FAN_OUT}" + (", rng" if family != "zeros"
                                                              else ""), params)
    mean, spread = float(finite.mean()), float(finite.std())
    result["figures"].append({
        "kind": "histogram",
        "title": shown,
        "edges": edges,
        "density": density,
        "family": family,
        "std": std,
        "sample_mean": mean,
        "sample_std": spread,
        "caption": f"Histogram of the {w.size:,} weights of {shown} (seed {seed}) against the "
                   f"target {_target_text(family, std)}. Your weights: mean {fmt(mean)}, "
                   f"standard deviation {fmt(spread)} (target {fmt(std)})."
                   + (f" {outside:.1%} of them lie outside the plotted range." if outside
                      else ""),
    })


def _target_text(family: str, std: float) -> str:
    if family == "normal":
        return f"normal density N(0, {fmt(std)}\u00b2)"
    if family == "uniform":
        return f"uniform density on (-{fmt(math.sqrt(3) * std)}, {fmt(math.sqrt(3) * std)})"
    return "all zeros"


def ks_distance(w: np.ndarray, family: str, std: float) -> float:
    """How far the weights' distribution is from the target (Kolmogorov-Smirnov D)."""
    sample = np.sort(w[np.isfinite(w)])
    if not sample.size:
        return math.inf
    if family == "zeros" or std <= 0:
        return float(np.mean(sample != 0))
    if family == "normal":
        cdf = ndtr(sample / std)
    else:
        a = math.sqrt(3) * std
        cdf = np.clip((sample + a) / (2 * a), 0.0, 1.0)
    n = sample.size
    return float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))


# ------------------------------------------------------------------ detectors


def small_network(seed: int) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """A 3-layer ReLU network with each way a unit can be dead, and 300 samples.

    Layer 0: unit 0 is dead by its bias, unit 1 has a pre-activation of exactly 0 on
    every sample, unit 2 is active only on the last sample (in the last, partial batch
    of 64). Layer 1: unit 2 is fed only by dead units.
    """
    rng = np.random.default_rng(seed + 11)
    X = rng.standard_normal((300, 4))
    X[-1, 0] = 50.0
    W0, b0 = rng.standard_normal((4, 6)), rng.standard_normal(6) * 0.1
    b0[0] = -60.0
    W0[:, 1], b0[1] = 0.0, 0.0
    W0[:, 2], b0[2] = 0.0, -10.0
    W0[0, 2] = 1.0
    W1, b1 = rng.standard_normal((6, 5)), rng.standard_normal(5) * 0.1
    W1[:, 2], b1[2] = 0.0, 0.0
    W1[0, 2] = W1[1, 2] = 3.0
    W2, b2 = rng.standard_normal((5, 3)), np.array([0.4, -0.3, 0.0])
    return [W0, W1, W2], [b0, b1, b2], X


def _collect_detector(student: Student, record: Any, checks: frozenset[str],
                      registry: ModuleType, result: dict[str, list[Any]],
                      feedback: str) -> None:
    network: Callable[[], Any] | None = getattr(registry, "PLOT_NETWORK", None)
    weights, biases, X = network() if network else small_network(registry_seed(registry))
    call = student.call(record.name, weights, biases, X, batch_size=BATCH)
    expected = record.reference(weights, biases, X, batch_size=BATCH)
    value = call.value
    if not isinstance(value, (list, tuple)) or len(value) != len(expected):
        raise NoPlot(f"it returned {describe_returned(value)}, not one array per layer")
    layers = []
    for layer, (mine, theirs) in enumerate(zip(value, expected)):
        array = as_array(mine)
        if array is None or array.size != np.size(theirs):
            raise NoPlot(f"layer {layer} of the result is {describe_returned(mine)}")
        layers.append({"yours": array.astype(np.float64).ravel(),
                       "reference": np.asarray(theirs, dtype=np.float64).ravel()})
    wrong = sum(int(np.sum(layer["yours"] != layer["reference"])) for layer in layers)
    boolean = str(getattr(record, "dtype", "")) == "bool"
    widths = [w.shape[1] for w in weights]
    result["figures"].append({
        "kind": "units",
        "title": f"{record.name} on a test network ({X.shape[0]} samples, "
                 f"batch_size={BATCH})",
        "layers": layers,
        "boolean": boolean,
        "caption": f"One panel per layer (widths {', '.join(map(str, widths))}), one bar pair "
                   f"per unit: yours (solid) and the expected result (outline). "
                   + ("A bar of 1 is a dead unit. " if boolean else
                      "A bar is the fraction of samples on which the unit is active. ")
                   + f"{wrong} unit(s) differ, marked in red. In layer 0, unit 0 is dead by "
                   "its bias, unit 1 has a pre-activation of exactly 0 on every sample, unit 2 "
                   "is active only on the last sample (in the last, shorter batch); in layer 1, "
                   "unit 2 is fed only by dead units.",
    })


_COLLECTORS: dict[str, Callable[..., None]] = {
    "Elementwise": _collect_elementwise,
    "AlongAxis": _collect_along_axis,
    "Initializer": _collect_initializer,
    "Detector": _collect_detector,
}
