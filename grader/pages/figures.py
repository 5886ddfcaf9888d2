"""Drawing the plot data of :mod:`grader.plots` as PNG images embedded in a page.

Each figure is drawn with matplotlib's object API on the Agg canvas (no pyplot, no
global state, no display) and returned as a ``data:`` URI, so a page is one file
that needs no network and no other file. Colours are told apart by line style
too (solid: the student, dashed or outlined: the reference), for readers who do
not see colour.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

DPI = 100
YOURS, REFERENCE, SLOPE, WRONG = "#1f6fb4", "#222222", "#e08a00", "#d62728"
MARKERS_SHOWN = 40  # red crosses drawn at most; more would hide the curves


@dataclass(frozen=True)
class Picture:
    """A drawn figure: a PNG ``data:`` URI, its size in pixels and a text alternative."""

    uri: str
    width: int
    height: int
    alt: str


def render(spec: Mapping[str, Any]) -> Picture:
    """Draw one figure spec of :func:`grader.plots.collect_plot_data`."""
    draw = {"curve": _curve, "bars": _bars, "histogram": _histogram, "units": _units}
    figure = draw[spec["kind"]](spec)
    return _picture(figure, f"{spec.get('title', '')}: {spec.get('caption', '')}")


def score_histogram(scores: Sequence[float], max_score: float, *, bins: int = 20) -> Picture:
    """The class's score distribution, for the class report."""
    figure = _figure(7.2, 2.8)
    ax = figure.add_subplot()
    top = max_score if max_score > 0 else max(scores, default=1.0) or 1.0
    counts, edges = np.histogram(np.clip(scores, 0, top), bins=bins, range=(0, top))
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=YOURS,
           edgecolor="white", linewidth=0.8)
    if len(scores):
        ax.axvline(float(np.mean(scores)), color=REFERENCE, linestyle="--", linewidth=1.2,
                   label=f"mean {np.mean(scores):.1f}")
        ax.axvline(float(np.median(scores)), color=SLOPE, linestyle=":", linewidth=1.8,
                   label=f"median {np.median(scores):.1f}")
        ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.set_xlim(0, top)
    ax.set_xlabel(f"score (of {top:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    _tidy(ax)
    figure.tight_layout()
    alt = (f"Histogram of {len(scores)} scores from 0 to {top:g}; "
           + ", ".join(f"{int(c)} between {lo:g} and {hi:g}"
                       for c, lo, hi in zip(counts, edges, edges[1:]) if c))
    return _picture(figure, alt)


# ----------------------------------------------------------------- the kinds


def _curve(spec: Mapping[str, Any]) -> Figure:
    figure = _figure(7.2, 3.4)
    ax = figure.add_subplot()
    x = np.asarray(spec["x"], dtype=float)
    styles = {"yours": dict(color=YOURS, linewidth=2.2, linestyle="-", zorder=3),
              "reference": dict(color=REFERENCE, linewidth=1.4, linestyle="--", zorder=4),
              "slope": dict(color=SLOPE, linewidth=2.0, linestyle=":", zorder=5)}
    yours = desired = None
    for series in spec["series"]:
        y = np.asarray(series["y"], dtype=float)
        shown = np.where(np.isfinite(y), y, np.nan)
        ax.plot(x, shown, label=series["label"], **styles.get(series["role"], {}))
        if series["role"] == "yours":
            yours = y
        if series["role"] == "reference":
            desired = y
    wrong = np.asarray(spec.get("wrong", np.zeros(x.shape, bool)), dtype=bool)
    if yours is not None and desired is not None and wrong.any():
        finite = wrong & np.isfinite(yours)
        index = _thin(np.flatnonzero(finite))
        ax.plot(x[index], yours[index], linestyle="none", marker="x", markersize=8,
                markeredgewidth=2, color=WRONG, zorder=6, label="you differ here")
        ax.plot(x[index], desired[index], linestyle="none", marker="o", markersize=7,
                markerfacecolor="none", markeredgecolor=REFERENCE, zorder=6, label="expected")
        blank = _thin(np.flatnonzero(wrong & ~np.isfinite(yours)))
        if blank.size:
            ax.plot(x[blank], np.full(blank.size, 0.02), linestyle="none", marker="|",
                    markersize=14, markeredgewidth=2, color=WRONG, zorder=6,
                    transform=blended_transform_factory(ax.transData, ax.transAxes),
                    label="you return inf or nan")
    if spec.get("xscale") == "symlog":
        ax.set_xscale("symlog", linthresh=1.0)
    finite = np.concatenate([np.asarray(s["y"], dtype=float) for s in spec["series"]])
    finite = finite[np.isfinite(finite)]
    if finite.size and np.abs(finite).max() > 1e4:
        ax.set_yscale("symlog", linthresh=1.0)
    ax.axhline(0.0, color="#999999", linewidth=0.6, zorder=1)
    ax.set_xlabel("x")
    ax.set_title(spec["title"], fontsize=11)
    ax.legend(fontsize=8, loc="best", framealpha=0.9)
    _tidy(ax)
    figure.tight_layout()
    return figure


def _bars(spec: Mapping[str, Any]) -> Figure:
    rows = spec["rows"]
    figure = _figure(7.2, 3.2)
    axes = figure.subplots(1, len(rows), squeeze=False)[0]
    for ax, row in zip(axes, rows):
        yours = np.asarray(row["yours"], dtype=float)
        desired = np.asarray(row["reference"], dtype=float)
        wrong = np.asarray(row["wrong"], dtype=bool)
        index = np.arange(yours.size)
        finite = np.isfinite(yours)
        ax.bar(index - 0.2, np.where(finite, yours, 0.0), width=0.4, label="yours",
               color=np.where(wrong, WRONG, YOURS).tolist())
        ax.bar(index + 0.2, desired, width=0.4, label="reference", fill=False,
               edgecolor=REFERENCE, hatch="///", linewidth=1.0)
        for i in np.flatnonzero(~finite):
            ax.text(i - 0.2, 0.0, "nan" if np.isnan(yours[i]) else "inf", color=WRONG,
                    rotation=90, ha="center", va="bottom", fontsize=8, fontweight="bold")
        ax.set_xticks(index, [_short(v) for v in row["x"]], fontsize=7, rotation=30)
        ax.set_title(row["label"], fontsize=9)
        ax.axhline(0.0, color="#999999", linewidth=0.6)
        _tidy(ax)
    axes[0].legend(fontsize=8, loc="best")
    figure.suptitle(spec["title"], fontsize=11)
    figure.tight_layout()
    return figure


def _histogram(spec: Mapping[str, Any]) -> Figure:
    figure = _figure(7.2, 3.4)
    ax = figure.add_subplot()
    edges = np.asarray(spec["edges"], dtype=float)
    density = np.asarray(spec["density"], dtype=float)
    ax.bar(edges[:-1], density, width=np.diff(edges), align="edge", color=YOURS, alpha=0.55,
           edgecolor=YOURS, linewidth=0.3, label="your weights")
    std, family = float(spec["std"]), spec["family"]
    low, high = float(edges[0]), float(edges[-1])
    if family == "normal" and std > 0:
        t = np.linspace(low, high, 400)
        ax.plot(t, np.exp(-0.5 * (t / std) ** 2) / (std * math.sqrt(2 * math.pi)),
                color=REFERENCE, linewidth=2.0, linestyle="--", label="target density")
    elif family == "uniform" and std > 0:
        a = math.sqrt(3) * std
        ax.plot([low, -a, -a, a, a, high], [0, 0, 1 / (2 * a), 1 / (2 * a), 0, 0],
                color=REFERENCE, linewidth=2.0, linestyle="--", label="target density")
    else:
        ax.axvline(0.0, color=REFERENCE, linewidth=2.0, linestyle="--", label="target: all 0")
    ax.text(0.99, 0.97, f"your std  {spec['sample_std']:.4g}\ntarget std {std:.4g}\n"
                        f"your mean {spec['sample_mean']:.2g}",
            transform=ax.transAxes, ha="right", va="top", fontsize=8, family="monospace",
            bbox=dict(boxstyle="round", facecolor="white", edgecolor="#cccccc"))
    ax.set_xlabel("weight")
    ax.set_ylabel("density")
    ax.set_title(spec["title"], fontsize=11)
    ax.legend(fontsize=8, loc="upper left")
    _tidy(ax)
    figure.tight_layout()
    return figure


def _units(spec: Mapping[str, Any]) -> Figure:
    layers = spec["layers"]
    figure = _figure(7.2, 3.0)
    axes = figure.subplots(1, len(layers), squeeze=False, sharey=True)[0]
    for number, (ax, layer) in enumerate(zip(axes, layers)):
        yours = np.asarray(layer["yours"], dtype=float)
        desired = np.asarray(layer["reference"], dtype=float)
        index = np.arange(yours.size)
        wrong = yours != desired
        ax.bar(index - 0.2, np.nan_to_num(yours), width=0.4, label="yours",
               color=np.where(wrong, WRONG, YOURS).tolist())
        ax.bar(index + 0.2, desired, width=0.4, label="expected", fill=False,
               edgecolor=REFERENCE, linewidth=1.2)
        ax.set_xticks(index)
        ax.set_xlabel("unit")
        ax.set_title(f"layer {number}", fontsize=9)
        ax.set_ylim(0, 1.08)
        _tidy(ax)
    if spec.get("boolean"):
        axes[0].set_yticks([0, 1], ["alive", "dead"])
    else:
        axes[0].set_ylabel("fraction active")
    axes[0].legend(fontsize=8, loc="upper right")
    figure.suptitle(spec["title"], fontsize=11)
    figure.tight_layout()
    return figure


# ------------------------------------------------------------------- helpers


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _tidy(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, alpha=0.25, linewidth=0.6)
    ax.tick_params(labelsize=8)


def _thin(index: np.ndarray) -> np.ndarray:
    """At most MARKERS_SHOWN of ``index``, evenly spread."""
    if index.size <= MARKERS_SHOWN:
        return index
    return index[np.linspace(0, index.size - 1, MARKERS_SHOWN).astype(int)]


def _short(value: float) -> str:
    return f"{value:.4g}"


def _picture(figure: Figure, alt: str) -> Picture:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    width, height = (int(round(v * DPI)) for v in figure.get_size_inches())
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Picture(f"data:image/png;base64,{data}", width, height, alt[:1000])
