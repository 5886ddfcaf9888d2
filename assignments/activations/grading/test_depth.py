"""Hidden suite: the lecture's depth experiment, ``activation_stats``.

A student's network draws its inputs and weights from the generator it is given, but
need not draw them the way the reference does (``rng.normal(0, s, n)`` or
``s * rng.standard_normal(n)``, a uniform from ``rng.uniform`` or from
``rng.random``), so its result for a seed is not the reference's for that seed. What
must agree is the distribution: for each of the lecture's claims the reference is run
on ``REFERENCE_SEEDS`` seeds (on the trusted side, kept in the grader's cache), and
each layer's std the student's code returns must lie within ``Z`` standard deviations
of the reference's, on a log scale (where the spread of a layer's std is nearly
normal: the largest |z| of 500 further reference seeds per claim was below 4). The
mistakes this is for are far larger: He's missing factor 2 shrinks layer 10 of a ReLU
network 32-fold (about 12 of its standard deviations); a network that skips the
nonlinearity, or ignores ``init``, misses by more.
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import math
from pathlib import Path

import numpy as np
from registry import ACTIVATION_STATS, SEED, DepthExperiment

from grader import Grade, Rng, Student, by_name, cached_json
from grader.checks import describe_returned, fail, fmt, numeric
from grader.errors import StudentRaised

SAMPLES = 500  # per call: enough for a layer's std, cheap enough for many seeds
REFERENCE_SEEDS = 100
STUDENT_SEEDS = (SEED + 9, SEED + 10)
Z = 6.0  # half-width of the acceptance band, in the reference's standard deviations


def _distribution(record: DepthExperiment) -> dict[str, list[list[float]]]:
    """Per claim, the mean and standard deviation of log(std) of each layer over the
    reference's seeds."""
    out = {}
    for init, nonlinearity, _ in record.claims:
        logs = np.log([record.reference(init, nonlinearity, record.depth, record.width,
                                        np.random.default_rng(seed), samples=SAMPLES)
                       for seed in range(REFERENCE_SEEDS)])
        out[f"{init}/{nonlinearity}"] = [logs.mean(axis=0).tolist(),
                                        logs.std(axis=0, ddof=1).tolist()]
    return out


@functools.cache
def reference_distribution(name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Made once per grading process, and kept in the grader's cache (grader.cache): a
    few seconds of matrix products the default assignment never needs."""
    assert name == ACTIVATION_STATS.name
    record = ACTIVATION_STATS
    key = [Path(__file__).read_bytes(), Path(inspect.getfile(record.reference)).read_bytes(),
           repr((record.claims, record.depth, record.width)), importlib.metadata.version("numpy")]
    raw = cached_json("depth-distribution", key, lambda: _distribution(record))
    return {claim: (np.array(mean), np.array(spread)) for claim, (mean, spread) in raw.items()}


def _stds(record: DepthExperiment, student: Student, hint: str, *args, **kwargs) -> np.ndarray:
    __tracebackhide__ = True
    depth = args[2]
    call = student.call(record.name, *args, **kwargs)
    return numeric(call, record.name, (depth,), hint).astype(np.float64)


def check_values(record: DepthExperiment, student: Student, cases) -> None:
    hint = record.hint("values")
    depth, width = record.depth, record.width
    table = reference_distribution(record.name)
    for init, nonlinearity, claim in record.claims:
        mean, spread = table[f"{init}/{nonlinearity}"]
        low, high = np.exp(mean - Z * spread), np.exp(mean + Z * spread)
        with cases.case(f"{init} with {nonlinearity}"):
            for seed in STUDENT_SEEDS:
                shown = (f"{record.name}({init!r}, {nonlinearity!r}, depth={depth}, "
                         f"width={width}, rng=np.random.default_rng({seed}), "
                         f"samples={SAMPLES})")
                stds = _stds(record, student, hint, init, nonlinearity, depth, width, Rng(seed),
                             samples=SAMPLES)
                with np.errstate(all="ignore"):
                    wrong = np.flatnonzero(~((stds >= low) & (stds <= high)))
                if wrong.size:
                    layer = int(wrong[0])
                    fail(f"{shown}: the std of layer {layer + 1}'s activations is "
                         f"{fmt(stds[layer])}, but the reference's lies between "
                         f"{fmt(float(low[layer]))} and {fmt(float(high[layer]))} (typically "
                         f"{fmt(float(math.exp(mean[layer])))}; {REFERENCE_SEEDS} seeds) -- "
                         f"{claim}; {wrong.size} of {depth} layers are off (this uses your "
                         f"{init} too: if its own checks fail, fix it first)", hint)


def check_generator(record: DepthExperiment, student: Student, cases) -> None:
    hint = record.hint("generator")
    args = ("he_normal", "relu", 3, 16)
    with cases.case("same seed, same result, whatever np.random's state"):
        first = _stds(record, student, hint, *args, Rng(7), samples=50, global_seed=1)
        second = _stds(record, student, hint, *args, Rng(7), samples=50, global_seed=2)
        if not np.array_equal(first, second):
            fail(f"{record.name}: two calls with generators of the same seed gave different "
                 f"stds ({fmt(first[0])} and {fmt(second[0])} for layer 1) -- some randomness "
                 "comes from somewhere else (np.random.* or a new default_rng())", hint)
    with cases.case("different seeds, different results"):
        first = _stds(record, student, hint, *args, Rng(7), samples=50)
        other = _stds(record, student, hint, *args, Rng(8), samples=50)
        if np.array_equal(first, other):
            fail(f"{record.name}: generators with different seeds gave the same stds -- the "
                 "rng you are given is not used", hint)


def check_contract(record: DepthExperiment, student: Student, cases) -> None:
    hint = record.hint("contract")
    for init, nonlinearity, depth, width, samples in (
            ("xavier_uniform", "tanh", 1, 8, 30), ("he_uniform", "relu", 4, 8, 30),
            ("lecun_normal", "sigmoid", 3, 5, None), ("random_normal", "linear", 2, 3, 7)):
        extra = {} if samples is None else {"samples": samples}
        shown = (f"{record.name}({init!r}, {nonlinearity!r}, depth={depth}, width={width}, rng"
                 + (f", samples={samples})" if samples else ")"))
        with cases.case(shown):
            call = student.call(record.name, init, nonlinearity, depth, width, Rng(SEED),
                                **extra)
            value = call.value
            if call.type_name != "numpy.ndarray" or not isinstance(value, np.ndarray):
                fail(f"{shown}: returned {describe_returned(value)}, expected a "
                     "numpy.ndarray", hint)
            if value.shape != (depth,):
                fail(f"{shown}: returned shape {value.shape}, expected ({depth},): one std "
                     "per layer", hint)
            if value.dtype != np.float64:
                fail(f"{shown}: returned dtype {value.dtype}, expected float64", hint)
            if not np.all(np.isfinite(value) & (value >= 0)):
                fail(f"{shown}: returned {value.tolist()}, expected finite stds (>= 0)", hint)


def check_errors(record: DepthExperiment, student: Student, cases) -> None:
    for args, error in record.errors:
        shown = f"{record.name}({args[0]!r}, {args[1]!r}, depth=3, width=4, rng)"
        with cases.case(shown):
            try:
                call = student.call(record.name, *args, 3, 4, Rng(SEED))
            except StudentRaised as exc:
                if exc.type_name == "NotImplementedError":
                    raise
                if not exc.is_a(error):
                    fail(f"{shown}: raised {exc.type_name}, expected {error}",
                         record.hint("errors"))
                continue
            fail(f"{shown}: returned {describe_returned(call.value)}, expected {error}",
                 record.hint("errors"))


CHECKS = {"values": check_values, "generator": check_generator, "contract": check_contract,
          "errors": check_errors}


@by_name((ACTIVATION_STATS,), CHECKS)
def test_depth(record: DepthExperiment, student: Student, grade: Grade) -> None:
    grade.run(record, student, CHECKS)
