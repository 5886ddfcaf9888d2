"""The initializer suite's error rates, computed rather than hoped for.

The hidden suite (``assignments/activations/grading/test_initializers.py``) judges
random weights by statistics. Here, from the exact distributions:

* each test fails a *correct* initializer with probability <= ALPHA (1e-6): the
  variance interval, the mean, the bound and coverage of uniform weights, and the
  Kolmogorov-Smirnov test of the distribution's shape;
* each catalogued *mistake* (variance used as std, fans swapped, He's missing 2, the
  sqrt(3) of uniform bounds, gain ignored or squared, normal drawn for uniform and the
  reverse) escapes every test with probability <= 1e-9.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from scipy import optimize, special, stats

GRADING = Path(__file__).resolve().parents[2] / "assignments" / "activations" / "grading"
MISS = 1e-9  # the largest acceptable probability that a catalogued mistake passes


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_statistics_{name}", GRADING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(GRADING))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(GRADING))
    return module


suite = _load("test_initializers")
RANDOM = {r.name: r for r in suite.RANDOM}
N, ALPHA = suite.N, suite.ALPHA


def second_moment_pass(family: str, std: float, low: float, high: float, n: int = N) -> float:
    """P(low <= mean(w**2) <= high) for n weights of ``family`` with standard deviation std."""
    if family == "normal":  # n mean(w^2) / std^2 ~ chi2(n): exact
        scale = std**2 / n
        return float(stats.chi2.cdf(high / scale, n) - stats.chi2.cdf(low / scale, n))
    # uniform: w^2 = a^2 u^2 with u ~ U(0,1); mean of n i.i.d., mean std^2, var 0.8 std^4/n.
    # The normal limit understates far tails a little; the Chernoff bound below does not.
    return min(_chernoff_uniform_square(std, low, high, n), 1.0)


def _log_mgf_uniform_square(t: float) -> float:
    """log E exp(t U^2) for U ~ U(0, 1), in closed form (Dawson's integral, erf)."""
    if t > 0:
        r = math.sqrt(t)
        return t + math.log(special.dawsn(r) / r)
    if t < 0:
        r = math.sqrt(-t)
        return math.log(math.sqrt(math.pi) / (2 * r) * math.erf(r))
    return 0.0


def _chernoff_uniform_square(std: float, low: float, high: float, n: int) -> float:
    """Chernoff bound on P(low <= mean(a^2 U^2) <= high), U ~ U(0,1), a^2 = 3 std^2:
    an upper bound, so a miss probability computed with it is never understated."""
    a2 = 3 * std**2
    lo, hi = low / a2, high / a2  # bounds on mean(U^2); E U^2 = 1/3
    if lo > 1 / 3:  # the mean must rise to lo: P(mean >= lo) <= exp(n (log M(t) - t lo))
        bounds, c = (1e-9, 1e7), lo
    elif hi < 1 / 3:  # the mean must fall to hi
        bounds, c = (-1e7, -1e-9), hi
    else:
        return 1.0  # E mean(U^2) inside the interval: not a mistake this test can see
    best = optimize.minimize_scalar(lambda t: _log_mgf_uniform_square(t) - t * c,
                                    bounds=bounds, method="bounded",
                                    options={"xatol": 1e-10})
    return math.exp(min(0.0, n * float(best.fun)))


def uniform_bound_pass(true_a: float, a: float, n: int = N) -> float:
    """P(coverage_floor(a) <= max|w| <= a) for n weights U(-true_a, true_a)."""
    floor = suite.coverage_floor(a, n)
    if true_a > a * (1 + 1e-12):  # some weight beyond a unless all stay below it
        return (a / true_a) ** n
    if true_a < floor:
        return 0.0
    return 1.0 - (floor / true_a) ** n


# --- correct initializers: false failures ---------------------------------------------------
@pytest.mark.parametrize("name", sorted(RANDOM))
def test_a_correct_initializer_fails_each_test_with_probability_at_most_alpha(name: str) -> None:
    record = RANDOM[name]
    for params in record.params:
        std = record.std(suite.FAN_IN, suite.FAN_OUT, **params)
        low, high = suite.variance_bounds(record.family, std)
        fail = 1 - second_moment_pass(record.family, std, low, high)
        if record.family == "normal":  # exact: the interval is the chi-square's
            assert fail == pytest.approx(ALPHA, rel=1e-3)
        else:  # the interval is the normal limit's; its error is Edgeworth's
            assert _normal_limit_is_close_enough()
            a = math.sqrt(3) * std
            assert 1 - uniform_bound_pass(a, a) == pytest.approx(ALPHA, rel=1e-6)
    # mean: exactly normal for normal weights; the CLT for uniform ones (|skew| = 0)
    z = suite.Z
    assert 2 * special.ndtr(-z) == pytest.approx(ALPHA, rel=1e-9)


def test_the_suites_own_distribution_functions_are_scipys() -> None:
    """The grading side works without scipy (importing scipy.special costs 0.2 s a run):
    its chi-square quantiles, normal quantile and Kolmogorov law must be scipy's."""
    assert N in suite.CHI2_QUANTILES  # the scale test's draws use the written-out pair
    for n, (lower, upper) in suite.CHI2_QUANTILES.items():
        assert lower == pytest.approx(special.chdtri(n, 1 - ALPHA / 2), rel=1e-12)
        assert upper == pytest.approx(special.chdtri(n, ALPHA / 2), rel=1e-12)
    assert suite.chi2_quantiles(20_000) == pytest.approx(
        (special.chdtri(20_000, 1 - ALPHA / 2), special.chdtri(20_000, ALPHA / 2)), rel=1e-12)
    assert suite.Z == pytest.approx(-special.ndtri(ALPHA / 2), rel=1e-14)
    x = np.concatenate([np.linspace(0.0, 4.0, 4001), [0.049, 1 - 1e-12, 1 + 1e-12, 10.0, 40.0]])
    ours = np.array([suite.kolmogorov(float(v)) for v in x])
    assert np.allclose(ours, special.kolmogorov(x), rtol=1e-13, atol=0)


def _normal_limit_is_close_enough() -> bool:
    """The uniform weights' variance interval comes from the normal limit of mean(w^2).
    The first Edgeworth term (the third cumulant of U^2) moves one tail up and the other
    down by the same amount, so the two-sided rate stays ALPHA to first order; each tail
    stays within a factor 2 of ALPHA/2 when that term is smaller than the tail."""
    # cumulants of U^2 (U ~ U(0,1)): mean 1/3, var 4/45, third central moment 16/945
    skew = (16 / 945) / (4 / 45) ** 1.5 / math.sqrt(N)
    z = suite.Z
    correction = abs(skew / 6 * (z**2 - 1) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi))
    tail = special.ndtr(-z)
    return correction < tail  # each tail within a factor 2 of ALPHA/2


SQRT3 = math.sqrt(3)
CDF = {"normal": special.ndtr, "uniform": lambda x: np.clip((x + SQRT3) / (2 * SQRT3), 0, 1)}
DENSITY_MAX = {"normal": 1 / math.sqrt(2 * math.pi), "uniform": 1 / (2 * SQRT3)}


def test_the_shape_test_fails_correct_weights_with_probability_at_most_alpha() -> None:
    n = suite.N  # the shape test judges the scale test's draw
    # p < ALPHA means sqrt(n) D beyond Kolmogorov's 1 - ALPHA quantile; for finite n and
    # standardized data (Lilliefors) that has probability below ALPHA
    assert special.kolmogorov(math.sqrt(n) * _ks_critical(n)) == pytest.approx(ALPHA, rel=1e-6)


@pytest.mark.parametrize(("drawn", "expected"), [("uniform", "normal"), ("normal", "uniform")])
def test_the_shape_test_misses_the_wrong_family_with_probability_at_most_1e_9(
        drawn: str, expected: str) -> None:
    """Weights of the right variance from the wrong family. The suite standardizes them by
    the sample's mean m and std s, so its empirical CDF at x is the raw weights' at
    m + s x. With probability >= 1 - 2e-12, |m| and |s - 1| stay below their 1e-12
    bounds; by the DKW inequality the empirical CDF stays within t of the true one G
    everywhere, but with probability 2 exp(-2 n t^2). Then at any x
    D >= |G(x) - F(x)| - max g (|m| + |s - 1| |x|) - t, and the test rejects if that
    exceeds the critical D."""
    n = suite.N  # the shape test judges the scale test's draw
    critical = _ks_critical(n)
    z = -float(special.ndtri(1e-12))
    m = z / math.sqrt(n)
    if drawn == "normal":  # (n-1) s^2 ~ chi2(n-1): exact
        s = max(abs(math.sqrt(stats.chi2.ppf(q, n - 1) / (n - 1)) - 1)
                for q in (1e-12, 1 - 1e-12))
    else:  # var(w^2) = 0.8 std^4: s^2 within z sqrt(0.8/n) of 1 (normal limit)
        s = 1 - math.sqrt(1 - z * math.sqrt(0.8 / n))
    x = np.linspace(-3, 3, 60001)
    margin = np.abs(CDF[drawn](x) - CDF[expected](x)) - DENSITY_MAX[drawn] * (m + s * np.abs(x))
    t = float(margin.max()) - critical
    assert t > 0, (float(margin.max()), critical)
    assert 2 * math.exp(-2 * n * t * t) + 2e-12 <= MISS


def _ks_critical(n: int) -> float:
    """The D at which Kolmogorov's limit law gives p = ALPHA."""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if special.kolmogorov(math.sqrt(n) * mid) > ALPHA else (lo, mid)
    return hi


# --- catalogued mistakes: misses ------------------------------------------------------------
def _gain(params: dict[str, Any]) -> float:
    return float(params.get("gain", 1.0))


# (name, applies to, wrong std from (record, fan_in, fan_out, params, right std))
Mistake = tuple[str, Callable[[Any, dict[str, Any]], bool], Callable[..., float]]
MISTAKES: list[Mistake] = [
    ("variance used as std", lambda r, p: True, lambda r, fi, fo, p, s: s * s),
    ("std used as variance", lambda r, p: True, lambda r, fi, fo, p, s: math.sqrt(s)),
    ("fans swapped", lambda r, p: r.name in ("he_normal", "he_uniform", "lecun_normal"),
     lambda r, fi, fo, p, s: r.std(fo, fi, **p)),
    ("He without its 2", lambda r, p: r.name.startswith("he_"),
     lambda r, fi, fo, p, s: s / math.sqrt(2)),
    ("He with fan_in + fan_out", lambda r, p: r.name.startswith("he_"),
     lambda r, fi, fo, p, s: math.sqrt(2 / (fi + fo))),
    ("uniform bound = std (sqrt(3) forgotten)", lambda r, p: r.family == "uniform",
     lambda r, fi, fo, p, s: s / math.sqrt(3)),
    ("uniform bound = 3 std", lambda r, p: r.family == "uniform",
     lambda r, fi, fo, p, s: s * math.sqrt(3)),
    ("uniform bound = sqrt(3) variance", lambda r, p: r.family == "uniform",
     lambda r, fi, fo, p, s: s * s),
    ("gain ignored", lambda r, p: _gain(p) != 1.0, lambda r, fi, fo, p, s: s / _gain(p)),
    ("gain squared", lambda r, p: _gain(p) != 1.0, lambda r, fi, fo, p, s: s * _gain(p)),
    ("Xavier with 1/fan_in", lambda r, p: r.name.startswith("xavier_"),
     lambda r, fi, fo, p, s: _gain(p) * math.sqrt(1 / fi)),
]
CASES = [pytest.param(name, mistake, id=f"{name}-{mistake[0]}")
         for name in sorted(RANDOM) for mistake in MISTAKES
         if any(mistake[1](RANDOM[name], dict(p)) for p in RANDOM[name].params)]


@pytest.mark.parametrize(("name", "mistake"), CASES)
def test_every_catalogued_scale_mistake_is_missed_with_probability_at_most_1e_9(
        name: str, mistake: Mistake) -> None:
    record = RANDOM[name]
    label, applies, wrong_std = mistake
    checked = 0
    for params in (p for p in record.params if applies(record, dict(p))):
        right = record.std(suite.FAN_IN, suite.FAN_OUT, **params)
        wrong = wrong_std(record, suite.FAN_IN, suite.FAN_OUT, dict(params), right)
        if math.isclose(wrong, right, rel_tol=1e-12):
            continue  # e.g. std**2 == std at std = 1: the "mistake" changes nothing here
        low, high = suite.variance_bounds(record.family, right)
        miss = second_moment_pass(record.family, wrong, low, high)
        if record.family == "uniform":
            a = math.sqrt(3) * right
            miss = min(miss, uniform_bound_pass(math.sqrt(3) * wrong, a))
        assert miss <= MISS, f"{label} in {name}({params}): missed with probability {miss:.3g}"
        checked += 1
    assert checked, f"{label} changes nothing in {name}: drop it from the catalogue there"


def test_the_catalogue_covers_every_random_initializer() -> None:
    covered = {n for n in RANDOM for _, applies, _ in MISTAKES
               if any(applies(RANDOM[n], dict(p)) for p in RANDOM[n].params)}
    assert covered == set(RANDOM)
