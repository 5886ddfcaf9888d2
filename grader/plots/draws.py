"""Draws: an initializer's weights against its target density, and a dead-ReLU
detector's answer unit by unit on a small network built to trip it up."""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from grader.checks import describe_returned, fmt
from grader.plots.calls import MAX_PARAMS, NoPlot, call_text, registry_seed, values
from grader.proxy import Student, as_array
from grader.worker._wire import Rng

_ERF = np.frompyfunc(math.erf, 1, 1)  # the normal CDF of a figure: exact enough, no scipy
FAN_IN, FAN_OUT = 400, 250  # the shape the hidden suites draw too
BATCH = 64  # batch size of the detector plot (its network has 300 samples)


def collect_initializer(student: Student, record: Any, checks: frozenset[str],
                        registry: ModuleType, result: dict[str, list[Any]],
                        inputs: np.ndarray) -> None:
    seed = registry_seed(registry)
    family = record.family
    worst: tuple[float, dict[str, Any], np.ndarray, float] | None = None
    for params in list(record.params)[:MAX_PARAMS]:
        params = dict(params)
        args = () if family == "zeros" else (Rng(seed),)
        w = values(student, record.name, FAN_IN * FAN_OUT, FAN_IN, FAN_OUT, *args, **params)
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
    shown = call_text(record.name, f"{FAN_IN}, {FAN_OUT}" + (", rng" if family != "zeros"
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
        cdf = 0.5 * (1.0 + np.asarray(_ERF(sample / (std * math.sqrt(2.0))), np.float64))
    else:
        a = math.sqrt(3) * std
        cdf = np.clip((sample + a) / (2 * a), 0.0, 1.0)
    n = sample.size
    return float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))


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


def collect_detector(student: Student, record: Any, checks: frozenset[str],
                     registry: ModuleType, result: dict[str, list[Any]],
                     inputs: np.ndarray) -> None:
    network: Callable[[], Any] | None = getattr(registry, "PLOT_NETWORK", None)
    weights, biases, X = network() if network else small_network(registry_seed(registry))
    call = student.call(record.name, weights, biases, X, batch_size=BATCH)
    expected = record.reference(weights, biases, X, batch_size=BATCH)
    value = call.value
    if not isinstance(value, (list, tuple)) or len(value) != len(expected):
        raise NoPlot(f"it returned {describe_returned(value)}, not one array per layer")
    layers = []
    for layer, (mine, theirs) in enumerate(zip(value, expected, strict=True)):
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
