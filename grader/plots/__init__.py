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
:mod:`grader.pages.figures` draws it. The collectors: :mod:`~grader.plots.curves`
(elementwise functions and derivatives, softmax-like ones), :mod:`~grader.plots.draws`
(initializers, detectors), on top of :mod:`~grader.plots.calls`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grader.assignment import load_module
from grader.errors import RubricError, StudentCodeError
from grader.plots.calls import SEED, NoPlot, first_line, registry_seed
from grader.plots.curves import collect_along_axis, collect_elementwise
from grader.plots.draws import (
    BATCH,
    collect_detector,
    collect_initializer,
    ks_distance,
    small_network,
)
from grader.proxy import Student
from grader.report import printable
from grader.results import Status, TestRecord, finite_inputs
from grader.zygote import Zygote

__all__ = ["BATCH", "SEED", "NoPlot", "collect_plot_data", "functions_to_plot", "ks_distance",
           "load_registry", "registry_seed", "small_network"]

# which failed checks a picture explains, by the kind of registry record
PLOTTED = {
    "Elementwise": frozenset({"values", "stability", "kink", "gradient"}),
    "AlongAxis": frozenset({"values", "stability"}),
    "Initializer": frozenset({"values", "scale", "mean", "distribution"}),
    "Detector": frozenset({"values", "batching"}),
}
# a collector: (student, record, the failed checks, registry, result, the inputs where
# the function's values were wrong) -> None; it appends figure specs and notes to
# result["figures"] and result["notes"], or raises NoPlot / StudentCodeError when there
# is nothing to draw
COLLECTORS: dict[str, Callable[..., None]] = {
    "Elementwise": collect_elementwise,
    "AlongAxis": collect_along_axis,
    "Initializer": collect_initializer,
    "Detector": collect_detector,
}
CALL_SECONDS = 2.0  # per call while plotting (grading's limit if that is lower)
BUDGET_SECONDS = 20.0  # all plotting calls of one submission


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
    assignment = settings.load()
    registry = load_registry(assignment.registry)
    records = getattr(registry, "RECORDS", {})
    wanted = functions_to_plot(entry, records)
    if not wanted:
        return {}
    rubric = assignment.rubric
    limits = settings.limits
    out: dict[str, dict[str, list[Any]]] = {}
    with _zygote(zygote, settings) as running, Student(
            submission.files, rubric.files, running,
            call_seconds=min(limits.call_seconds, CALL_SECONDS),
            import_seconds=min(2 * limits.call_seconds, 2 * CALL_SECONDS),
            submission_seconds=min(limits.submission_seconds, BUDGET_SECONDS),
            policy=assignment.policy) as student:
        for function, checks in wanted.items():
            record = records[function]
            collect = COLLECTORS[type(record).__name__]
            result: dict[str, list[Any]] = {"figures": [], "notes": []}
            try:
                collect(student, record, checks, registry, result, _inputs(entry, function))
            except (StudentCodeError, NoPlot) as exc:
                result["notes"].append(f"No plot of {function}: {first_line(exc)}")
            except Exception as exc:  # a grader bug costs one plot, not the page
                print(printable(f"grader: could not collect the plot data of {function} for "
                                f"{submission.id}: {type(exc).__name__}: {exc}"),
                      file=sys.stderr)
                result["notes"].append(f"No plot of {function}: the grader could not draw it")
            out[function] = result
    return out


def functions_to_plot(entry: Mapping[str, Any], records: Mapping[str, Any]
                      ) -> dict[str, frozenset[str]]:
    """Function -> the checks it failed that a plot explains, in the entry's order.

    Only checks with status "failed" count: a function that raised, hung or used a
    library it may not use in every case produced no values to draw. A stability check
    that failed on floating-point warnings alone (its values were right: its record names
    no ``inputs``, see :func:`grader.checks.assert_close`) needs no picture either.
    """
    wanted: dict[str, set[str]] = {}
    for test in entry.get("tests", []):
        record = records.get(test.get("function"))
        kind = type(record).__name__
        check = test.get("check", "")
        if record is None or test.get("status") != "failed" or check not in PLOTTED.get(kind, ()):
            continue
        if check == "stability" and not test.get("inputs"):
            continue
        wanted.setdefault(test["function"], set()).add(check)
    return {f: frozenset(c) for f, c in wanted.items()}


def load_registry(path: Path) -> ModuleType:
    """The assignment's registry module, loaded from its file (:func:`load_module`)."""
    try:
        return load_module(path)
    except RubricError as exc:
        raise NoPlot(str(exc)) from None


@contextmanager
def _zygote(given: Zygote | None, settings: Any) -> Iterator[Zygote]:
    if given is not None:
        yield given
        return
    with Zygote(layer=settings.sandbox, limits=settings.limits) as started:
        yield started


def _inputs(entry: Mapping[str, Any], function: str) -> np.ndarray:
    """The inputs where ``function``'s failed checks found wrong values (their records'
    ``inputs`` field: never parsed out of the feedback text)."""
    tests = [TestRecord.from_json(t) for t in entry.get("tests", [])]
    return np.array(finite_inputs(x for t in tests if t.function == function
                                  and t.status is not Status.PASSED for x in t.inputs))
