"""Hidden suite: weight initializers, by statistics on seeded draws.

Every statistical test has a false-failure probability of at most ``ALPHA`` =
1e-6 for a correct initializer, whatever generator calls it is written with.
Each draw has n = 400 * 250 = 100,000 weights, non-square so that swapped fans
show. ``tests/assignments/test_statistics.py`` computes, for every catalogued
mistake (variance used as std, fans swapped, He's missing 2, the sqrt(3) of
uniform bounds, gain ignored or squared), the probability that these tests miss
it, and holds it below 1e-9.
"""

from __future__ import annotations

import math
import statistics
import weakref

import numpy as np
from registry import CALCULATE_GAIN, INITIALIZERS, SEED, Initializer, Table

from grader import Grade, Rng, Student, by_name
from grader.checks import describe_returned, fail, fmt, fmt_params, numeric
from grader.errors import StudentRaised
from reference.activations import ndtr

ALPHA = 1e-6  # false-failure probability of one statistical test
FAN_IN, FAN_OUT = 400, 250
N = FAN_IN * FAN_OUT
Z = -statistics.NormalDist().inv_cdf(ALPHA / 2)  # two-sided normal quantile, about 4.89
# The chi-square quantiles the normal scale test needs, for the N draws it makes: the
# lower and upper ALPHA/2 quantiles of chi-square with N degrees of freedom, from
# scipy.special.chdtri (tests/assignments/test_statistics.py checks them against it).
# Written out because the grader's side does not import scipy (it costs 0.2 s a run).
CHI2_QUANTILES = {100_000: (97827.657521441, 102202.91312991249)}

RANDOM = tuple(r for r in INITIALIZERS if r.family != "zeros")
ZEROS = tuple(r for r in INITIALIZERS if r.family == "zeros")


def variance_bounds(family: str, std: float, n: int = N) -> tuple[float, float]:
    """Acceptance interval of mean(w**2) for a correct initializer (level ALPHA)."""
    if family == "normal":  # n * mean(w^2) / std^2 is chi-square with n degrees of freedom
        lower, upper = chi2_quantiles(n)
        return std**2 * lower / n, std**2 * upper / n
    # uniform on (-a, a), a^2 = 3 std^2: E w^2 = std^2, Var w^2 = 4a^4/45 = 0.8 std^4
    half = Z * math.sqrt(0.8 / n) * std**2
    return std**2 - half, std**2 + half


def chi2_quantiles(n: int) -> tuple[float, float]:
    """The lower and upper ALPHA/2 quantiles of chi-square with n degrees of freedom."""
    if n in CHI2_QUANTILES:
        return CHI2_QUANTILES[n]
    from scipy import special

    return float(special.chdtri(n, 1 - ALPHA / 2)), float(special.chdtri(n, ALPHA / 2))


def kolmogorov(x: float) -> float:
    """P(K > x) for Kolmogorov's distribution, the limit law of sqrt(n) D (what
    scipy.special.kolmogorov computes), from its two theta-function series, each
    summed where it converges fast."""
    if x < 0.05:  # P(K <= 0.05) is below 1e-200
        return 1.0
    if x < 1.0:  # P(K <= x) = sqrt(2 pi) / x * sum_k exp(-(2k - 1)^2 pi^2 / (8 x^2))
        below = sum(math.exp(-((2 * k - 1) * math.pi / x) ** 2 / 8) for k in range(1, 7))
        return 1.0 - math.sqrt(2 * math.pi) / x * below
    # P(K > x) = 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2)
    return 2.0 * sum((-1) ** (k - 1) * math.exp(-2 * (k * x) ** 2) for k in range(1, 7))


def kolmogorov_smirnov(z: np.ndarray, family: str) -> tuple[float, float]:
    """Two-sided one-sample KS test of ``z`` against the standard normal, or the uniform
    of unit variance: (D, p). The p-value is Kolmogorov's limit law, which for the
    100,000 draws here overstates p slightly: the test fails a correct initializer less
    often than ALPHA, never more."""
    x = np.sort(z)
    if family == "normal":
        cdf = ndtr(x)
    else:
        cdf = np.clip((x + math.sqrt(3)) / (2 * math.sqrt(3)), 0.0, 1.0)
    n = x.size
    above = np.arange(1, n + 1) / n - cdf
    below = cdf - np.arange(n) / n
    d = float(max(above.max(), below.max()))
    return d, kolmogorov(math.sqrt(n) * d)


def coverage_floor(a: float, n: int = N) -> float:
    """max|w| of n uniform weights falls below this with probability ALPHA."""
    return a * ALPHA ** (1 / n)


# The weights a submission drew, per call: the scale, mean and shape tests judge the
# same 100,000 weights (each test keeps its own false-failure rate), drawn once.
_DRAWN: weakref.WeakKeyDictionary[Student, dict[tuple, np.ndarray]] = \
    weakref.WeakKeyDictionary()


def draw(record: Initializer, student: Student, params: dict, *, seed: int = SEED,
         fan_in: int = FAN_IN, fan_out: int = FAN_OUT, global_seed: int | None = None
         ) -> np.ndarray:
    __tracebackhide__ = True
    key = (record.name, seed, fan_in, fan_out, global_seed, tuple(sorted(params.items())))
    drawn = _DRAWN.setdefault(student, {})
    if key not in drawn:
        call = student.call(record.name, fan_in, fan_out, Rng(seed), global_seed=global_seed,
                            **params)
        drawn[key] = numeric(call, record.name, (fan_in, fan_out),
                             record.hint("contract")).astype(np.float64)
    return drawn[key]


def _where(params: dict) -> str:
    return f" ({fmt_params(params)})" if params else ""


def check_scale(record: Initializer, student: Student, cases) -> None:
    for params in record.params:
        std = record.std(FAN_IN, FAN_OUT, **params)
        w = draw(record, student, dict(params))
        with cases.case(f"variance{_where(params)}"):
            low, high = variance_bounds(record.family, std)
            second = float(np.mean(w**2))
            if not low <= second <= high:
                fail(f"{record.name}({FAN_IN}, {FAN_OUT}, rng{', ' if params else ''}"
                     f"{fmt_params(params)}): the weights' standard deviation is "
                     f"{fmt(math.sqrt(second))}, expected {fmt(std)} (variance "
                     f"{fmt(second)} vs {fmt(std**2)}; this test fails a correct "
                     f"initializer with probability < {ALPHA:g})", record.hint("scale"))
        if record.family == "uniform":
            with cases.case(f"bound{_where(params)}"):
                a = math.sqrt(3) * std
                top = float(np.abs(w).max())
                if top > a * (1 + 1e-12) or top < coverage_floor(a):
                    fail(f"{record.name}({FAN_IN}, {FAN_OUT}, rng{', ' if params else ''}"
                         f"{fmt_params(params)}): the largest |weight| is {fmt(top)}, but "
                         f"U(-a, a) needs a = {fmt(a)}: the weights must fill (-a, a)",
                         record.hint("scale"))


def check_mean(record: Initializer, student: Student, cases) -> None:
    params = dict(record.params[0])
    std = record.std(FAN_IN, FAN_OUT, **params)
    with cases.case("mean"):
        w = draw(record, student, params)
        mean = float(w.mean())
        if abs(mean) > Z * std / math.sqrt(N):
            fail(f"{record.name}: the weights' mean is {fmt(mean)}, expected 0 (within "
                 f"{fmt(Z * std / math.sqrt(N))} for {N} weights of std {fmt(std)})",
                 record.hint("mean"))


def check_distribution(record: Initializer, student: Student, cases) -> None:
    params = dict(record.params[0])
    with cases.case("shape of the distribution"):
        # all N weights (critical D ~ 0.0085): fewer could not prove that a uniform drawn
        # for a normal (or the reverse) is missed with probability <= 1e-9
        w = draw(record, student, params).ravel()
        spread = w.std()
        if not np.isfinite(spread) or spread == 0:
            fail(f"{record.name}: all weights are equal (or not finite)", record.hint("scale"))
        z = (w - w.mean()) / spread
        statistic, pvalue = kolmogorov_smirnov(z, record.family)
        if pvalue < ALPHA:
            other = "uniform" if record.family == "normal" else "normal"
            fail(f"{record.name}: the weights do not look {record.family}ly distributed "
                 f"(Kolmogorov-Smirnov D = {statistic:.4f}, p = {pvalue:.2g}); "
                 f"are they drawn from a {other} distribution?", record.hint("distribution"))


def check_generator(record: Initializer, student: Student, cases) -> None:
    params = dict(record.params[0])
    shape = {"fan_in": 30, "fan_out": 20}
    with cases.case("same seed, same weights, whatever np.random's state"):
        first = draw(record, student, params, seed=7, global_seed=1, **shape)
        second = draw(record, student, params, seed=7, global_seed=2, **shape)
        if not np.array_equal(first, second):
            fail(f"{record.name}: two calls with generators of the same seed gave different "
                 "weights -- some randomness comes from somewhere else (np.random.* or a "
                 "new default_rng())", record.hint("generator"))
    with cases.case("different seeds, different weights"):
        first = draw(record, student, params, seed=7, **shape)
        other = draw(record, student, params, seed=8, **shape)
        if np.array_equal(first, other):
            fail(f"{record.name}: generators with different seeds gave the same weights -- "
                 "the rng you are given is not used", record.hint("generator"))


def _contract(record: Initializer, student: Student, cases, fans: list[tuple[int, int]],
              extra: tuple) -> None:
    for fan_in, fan_out in fans:
        with cases.case(f"shape ({fan_in}, {fan_out})"):
            call = student.call(record.name, fan_in, fan_out, *extra)
            value = call.value
            if call.type_name != "numpy.ndarray" or not isinstance(value, np.ndarray):
                fail(f"{record.name}({fan_in}, {fan_out}, ...): returned "
                     f"{describe_returned(value)}, expected a numpy.ndarray",
                     record.hint("contract"))
            if value.shape != (fan_in, fan_out):
                fail(f"{record.name}({fan_in}, {fan_out}, ...): returned shape {value.shape}, "
                     f"expected (fan_in, fan_out) = ({fan_in}, {fan_out})",
                     record.hint("contract"))
            if value.dtype != np.float64:
                fail(f"{record.name}({fan_in}, {fan_out}, ...): returned dtype {value.dtype}, "
                     "expected float64", record.hint("contract"))


def check_contract(record: Initializer, student: Student, cases) -> None:
    _contract(record, student, cases, [(3, 7), (7, 3), (1, 1)], (Rng(SEED),))


def check_zeros_contract(record: Initializer, student: Student, cases) -> None:
    _contract(record, student, cases, [(3, 7), (7, 3), (1, 1)], ())


def check_zeros_values(record: Initializer, student: Student, cases) -> None:
    for fans in ((3, 7), (7, 3)):
        with cases.case(f"shape {fans}"):
            w = numeric(student.call(record.name, *fans), record.name, fans,
                        record.hint("values"))
            if np.any(w != 0):
                fail(f"{record.name}{fans}: {int(np.count_nonzero(w))} weights are not 0",
                     record.hint("values"))


def check_gain_values(record: Table, student: Student, cases) -> None:
    for args, expected in record.values:
        shown = ", ".join(repr(a) for a in args)
        with cases.case(shown):
            call = student.call(record.name, *args)
            value = numeric(call, record.name, (), record.hint("values"))
            if not np.isclose(float(value), expected, rtol=1e-12, atol=0):
                fail(f"{record.name}({shown}): you returned {fmt(float(value))}, expected "
                     f"{fmt(expected)}", record.hint("values"))


def check_gain_errors(record: Table, student: Student, cases) -> None:
    for args, error in record.errors:
        shown = ", ".join(repr(a) for a in args)
        with cases.case(shown):
            try:
                call = student.call(record.name, *args)
            except StudentRaised as exc:
                if exc.type_name == "NotImplementedError":
                    raise
                if not exc.is_a(error):  # a subclass of ValueError is a ValueError
                    fail(f"{record.name}({shown}): raised {exc.type_name}, expected {error}",
                         record.hint("errors"))
                continue
            fail(f"{record.name}({shown}): returned {describe_returned(call.value)}, "
                 f"expected {error} for an unknown nonlinearity", record.hint("errors"))


RANDOM_CHECKS = {
    "scale": check_scale,
    "mean": check_mean,
    "distribution": check_distribution,
    "generator": check_generator,
    "contract": check_contract,
}
ZEROS_CHECKS = {"values": check_zeros_values, "contract": check_zeros_contract}
GAIN_CHECKS = {"values": check_gain_values, "errors": check_gain_errors}


@by_name(RANDOM, RANDOM_CHECKS)
def test_random_initializer(record: Initializer, student: Student, grade: Grade) -> None:
    grade.run(record, student, RANDOM_CHECKS)


@by_name(ZEROS, ZEROS_CHECKS)
def test_zeros(record: Initializer, student: Student, grade: Grade) -> None:
    grade.run(record, student, ZEROS_CHECKS)


@by_name((CALCULATE_GAIN,), GAIN_CHECKS)
def test_calculate_gain(record: Table, student: Student, grade: Grade) -> None:
    grade.run(record, student, GAIN_CHECKS)
