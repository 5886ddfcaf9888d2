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
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

DPI = 100
YOURS, REFERENCE, SLOPE, WRONG = "#1f6fb4", "#222222", "#e08a00", "#d62728"
MARKERS_SHOWN = 40  # wrong points marked one by one; beyond, the curves say it


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
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # inf and nan are what some plots are about; drawing them is not worth a warning
        warnings.simplefilter("ignore")
        figure = draw[spec["kind"]](spec)
        return _picture(figure, f"{spec.get('title', '')}: {spec.get('caption', '')}")


def score_histogram(scores: Sequence[float], max_score: float, *, bins: int = 20) -> Picture:
    """The class's score distribution, for the class report."""
    figure = _figure(7.2, 2.8)
    ax = figure.add_subplot()
    top = max_score if max_score > 0 else max(scores, default=1.0) or 1.0
    counts, edges = np.histogram(np.clip(scores, 0, top), bins=bins, range=(0, top))
    ax.stairs(counts, edges, fill=True, color=YOURS)
    ax.stairs(counts, edges, color="white", linewidth=0.8, baseline=None)
    if len(scores):
        ax.axvline(float(np.mean(scores)), color=REFERENCE, linestyle="--", linewidth=1.2,
                   label=f"mean {np.mean(scores):.1f}")
        ax.axvline(float(np.median(scores)), color=SLOPE, linestyle=":", linewidth=1.8,
                   label=f"median {np.median(scores):.1f}")
        ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.set_xlim(0, top)
    ax.set_xlabel(f"score (of {top:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _tidy(ax)
    _margins(figure, bottom=0.17, top=0.95)
    alt = (f"Histogram of {len(scores)} scores from 0 to {top:g}; "
           + ", ".join(f"{int(c)} between {lo:g} and {hi:g}"
                       for c, lo, hi in zip(counts, edges[:-1], edges[1:], strict=True) if c))
    return _picture(figure, alt)


# ----------------------------------------------------------------- the kinds


def _curve(spec: Mapping[str, Any]) -> Figure:
    figure = _figure(8.6, 3.4)
    ax = figure.add_subplot()
    x = np.asarray(spec["x"], dtype=float)
    styles: dict[str, dict[str, Any]] = {
        "yours": dict(color=YOURS, linewidth=2.2, linestyle="-", zorder=3),
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
        index = np.flatnonzero(finite)
        if 0 < index.size <= MARKERS_SHOWN:  # more, and the curves show it better
            ax.plot(x[index], yours[index], linestyle="none", marker="x", markersize=8,
                    markeredgewidth=2, color=WRONG, zorder=6, label="you differ here")
            ax.plot(x[index], desired[index], linestyle="none", marker="o", markersize=7,
                    markerfacecolor="none", markeredgecolor=REFERENCE, zorder=6,
                    label="expected")
        blank = _thin(np.flatnonzero(wrong & ~np.isfinite(yours)))
        if blank.size:
            ax.plot(x[blank], np.full(blank.size, 0.02), linestyle="none", marker="|",
                    markersize=14, markeredgewidth=2, color=WRONG, zorder=6,
                    transform=blended_transform_factory(ax.transData, ax.transAxes),
                    label="you return inf or nan")
    if spec.get("xscale") == "symlog":
        ax.set_xscale("symlog", linthresh=1.0)
        ax.xaxis.set_major_formatter(FuncFormatter(_power_label))
    finite = np.concatenate([np.asarray(s["y"], dtype=float) for s in spec["series"]])
    finite = finite[np.isfinite(finite)]
    if finite.size and np.abs(finite).max() > 1e4:
        ax.set_yscale("symlog", linthresh=1.0)
        ax.yaxis.set_major_formatter(FuncFormatter(_power_label))
    ax.axhline(0.0, color="#999999", linewidth=0.6, zorder=1)
    ax.set_xlabel("x")
    ax.set_title(spec["title"], fontsize=11)
    # beside the axes: never over a curve, and no search for the best place (costly)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    _tidy(ax)
    _margins(figure, left=0.08, right=0.72)
    return figure


def _bars(spec: Mapping[str, Any]) -> Figure:
    """Rows of entries side by side in one axes (one axes per row costs a lot more)."""
    figure = _figure(7.2, 3.2)
    ax = figure.add_subplot()
    ticks, labels, start = [], [], 0.0
    for number, row in enumerate(spec["rows"]):
        yours = np.asarray(row["yours"], dtype=float)
        desired = np.asarray(row["reference"], dtype=float)
        wrong = np.asarray(row["wrong"], dtype=bool)
        index = start + np.arange(yours.size)
        finite = np.isfinite(yours)
        _bar_set(ax, index - 0.2, np.where(finite, yours, 0.0),
                 label="yours" if number == 0 else "",
                 facecolors=np.where(wrong, WRONG, YOURS).tolist())
        _bar_set(ax, index + 0.2, desired, label="reference" if number == 0 else "",
                 edgecolor=REFERENCE, hatch="///")
        for i in np.flatnonzero(~finite):
            ax.text(index[i] - 0.2, 0.0, "nan" if np.isnan(yours[i]) else "inf", color=WRONG,
                    rotation=90, ha="center", va="bottom", fontsize=8, fontweight="bold")
        _group_label(ax, float(index.mean()), row["label"])
        if number:
            ax.axvline(start - 1.0, color="#bbbbbb", linewidth=0.8)
        ticks += index.tolist()
        labels += [_short(v) for v in row["x"]]
        start = float(index[-1]) + 2.0
    ax.set_xticks(ticks, labels, fontsize=7, rotation=30)
    ax.axhline(0.0, color="#999999", linewidth=0.6)
    ax.set_title(spec["title"], fontsize=11, pad=18)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    _tidy(ax)
    _margins(figure, left=0.08, right=0.86, bottom=0.18, top=0.84)
    return figure


def _histogram(spec: Mapping[str, Any]) -> Figure:
    figure = _figure(7.2, 3.4)
    ax = figure.add_subplot()
    edges = np.asarray(spec["edges"], dtype=float)
    density = np.asarray(spec["density"], dtype=float)
    ax.stairs(density, edges, fill=True, color=YOURS, alpha=0.55, label="your weights")
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
    _margins(figure, left=0.1)
    return figure


def _units(spec: Mapping[str, Any]) -> Figure:
    """Layers side by side in one axes, a bar pair per unit."""
    figure = _figure(7.2, 3.0)
    ax = figure.add_subplot()
    ticks, labels, start = [], [], 0.0
    for number, layer in enumerate(spec["layers"]):
        yours = np.asarray(layer["yours"], dtype=float)
        desired = np.asarray(layer["reference"], dtype=float)
        index = start + np.arange(yours.size)
        wrong = yours != desired
        _bar_set(ax, index - 0.2, np.nan_to_num(yours), label="yours" if number == 0 else "",
                 facecolors=np.where(wrong, WRONG, YOURS).tolist())
        _bar_set(ax, index + 0.2, desired, label="expected" if number == 0 else "",
                 edgecolor=REFERENCE)
        _group_label(ax, float(index.mean()), f"layer {number}")
        if number:
            ax.axvline(start - 1.0, color="#bbbbbb", linewidth=0.8)
        ticks += index.tolist()
        labels += [str(i) for i in range(yours.size)]
        start = float(index[-1]) + 2.0
    ax.set_xticks(ticks, labels, fontsize=8)
    ax.set_xlabel("unit")
    ax.set_ylim(0, 1.08)
    if spec.get("boolean"):
        ax.set_yticks([0, 1], ["alive", "dead"])
    else:
        ax.set_ylabel("fraction active")
    ax.set_title(spec["title"], fontsize=11, pad=18)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    _tidy(ax)
    _margins(figure, left=0.1, right=0.86, bottom=0.17, top=0.84)
    return figure


# ------------------------------------------------------------------- helpers


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _group_label(ax: Any, x: float, text: str) -> None:
    """A label above a group of bars (data x, just above the axes)."""
    ax.text(x, 1.01, text, transform=blended_transform_factory(ax.transData, ax.transAxes),
            ha="center", va="bottom", fontsize=9)


def _bar_set(ax: Any, centers: np.ndarray, heights: np.ndarray, *, label: str,
             facecolors: Sequence[str] | None = None, edgecolor: str = "none",
             hatch: str | None = None, width: float = 0.4) -> None:
    """Bars as one collection: what ax.bar draws, without an artist per bar (which
    costs more than the rest of the figure)."""
    left, right = centers - width / 2, centers + width / 2
    verts = [[(a, 0.0), (a, h), (b, h), (b, 0.0)] for a, b, h in zip(left, right, heights,
                                                                      strict=True)]
    bars = PolyCollection(verts, facecolors=facecolors if facecolors is not None else "none",
                          edgecolors=edgecolor, linewidths=1.0, hatch=hatch, label=label)
    ax.add_collection(bars)
    ax.update_datalim([(float(left.min()), 0.0), (float(right.max()), 0.0)])
    ax.update_datalim([(float(c), float(h)) for c, h in zip(centers, heights, strict=True)
                       if np.isfinite(h)])
    ax.autoscale_view()


def _margins(figure: Figure, *, left: float = 0.09, right: float = 0.98, bottom: float = 0.15,
             top: float = 0.9, wspace: float = 0.2) -> None:
    """Fixed margins: as good as tight_layout for these figures, at a third of the cost."""
    figure.subplots_adjust(left=left, right=right, bottom=bottom, top=top, wspace=wspace)


def _tidy(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, alpha=0.25, linewidth=0.6)
    ax.tick_params(labelsize=8)


def _thin(index: np.ndarray) -> np.ndarray:
    """At most MARKERS_SHOWN of ``index``, evenly spread."""
    if index.size <= MARKERS_SHOWN:
        return index
    return index[np.linspace(0, index.size - 1, MARKERS_SHOWN).astype(int)]


def _power_label(value: float, _position: object = None) -> str:
    """A tick label like 1e3 or -1e300: plain text (matplotlib's 10^3 needs mathtext,
    which costs more than the rest of the figure)."""
    if value == 0:
        return "0"
    exponent = round(math.log10(abs(value)))
    if abs(value) != 10.0**exponent or abs(exponent) < 2:
        return f"{value:g}"
    return f"{'-' if value < 0 else ''}1e{exponent}"


def _short(value: float) -> str:
    return f"{value:.4g}"


def _picture(figure: Figure, alt: str) -> Picture:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    width, height = (int(round(v * DPI)) for v in figure.get_size_inches())
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Picture(f"data:image/png;base64,{data}", width, height, alt[:1000])
