"""softmax and softmax_vjp, log_softmax and log_softmax_vjp, against 50-digit mpmath,
along several axes.

log_softmax is within ``1e-13`` relative everywhere (its two terms never cancel);
log_softmax_vjp within ``1e-13 * |exact| + 1e-14 * (|g_i| + s_i * sum|g|)``, the
sizes of its two terms.

Bounds: softmax within ``1e-13`` relative (plus ``1e-300`` for values that
underflow); softmax_vjp within ``1e-13 * |exact| + 1e-14 * s_i * max|g|`` (the
second term is what rounding ``g`` itself by one ulp changes), and to ``1e-13``
relative for the dominant entry of a lane, where the textbook formula cancels.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
import pytest
from numpy.typing import NDArray

from reference import log_softmax, log_softmax_vjp, softmax, softmax_vjp

DIGITS = 50
FMAX = float(np.finfo(np.float64).max)


def _exact_lane(x: NDArray[np.float64], g: NDArray[np.float64]) -> tuple[list[Any], list[Any]]:
    """softmax and its VJP of one lane, with s_i * sum_j s_j (g_i - g_j) (no cancellation)."""
    xs = [mpmath.mpf(float(v)) for v in x]
    gs = [mpmath.mpf(float(v)) for v in g]
    top = max(xs)
    e = [mpmath.exp(v - top) for v in xs]
    total = mpmath.fsum(e)
    s = [v / total for v in e]
    vjp = [
        s_i * mpmath.fsum(s_j * (g_i - g_j) for s_j, g_j in zip(s, gs, strict=True))
        for s_i, g_i in zip(s, gs, strict=True)
    ]
    return s, vjp


def _exact_log(
    x: NDArray[np.float64], g: NDArray[np.float64], axis: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """log_softmax(x, axis) and log_softmax_vjp(x, g, axis), rounded to float64."""
    xm, gm = np.moveaxis(x, axis, -1), np.moveaxis(g, axis, -1)
    log_s = np.empty_like(xm)
    vjp = np.empty_like(xm)
    with mpmath.workdps(DIGITS):
        for index in np.ndindex(xm.shape[:-1]):
            xs = [mpmath.mpf(float(v)) for v in xm[index]]
            gs = [mpmath.mpf(float(v)) for v in gm[index]]
            # (v - top) - log1p(rest), as 1e300 + 0.7 or 1 + 1e-102 round even in 50 digits
            k = max(range(len(xs)), key=xs.__getitem__)
            top = xs[k]
            log_sum = mpmath.log1p(mpmath.fsum(mpmath.exp(v - top) for j, v in enumerate(xs)
                                               if j != k))
            total = mpmath.fsum(gs)
            log_s[index] = [float((v - top) - log_sum) for v in xs]
            vjp[index] = [float(g_i - mpmath.exp((v - top) - log_sum) * total)
                          for v, g_i in zip(xs, gs, strict=True)]
    return np.moveaxis(log_s, -1, axis), np.moveaxis(vjp, -1, axis)


def _exact(
    x: NDArray[np.float64], g: NDArray[np.float64], axis: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """softmax(x, axis) and softmax_vjp(x, g, axis), rounded to float64."""
    xm, gm = np.moveaxis(x, axis, -1), np.moveaxis(g, axis, -1)
    s = np.empty_like(xm)
    vjp = np.empty_like(xm)
    with mpmath.workdps(DIGITS):
        for index in np.ndindex(xm.shape[:-1]):
            lane_s, lane_vjp = _exact_lane(xm[index], gm[index])
            s[index] = [float(v) for v in lane_s]
            vjp[index] = [float(v) for v in lane_vjp]
    return np.moveaxis(s, -1, axis), np.moveaxis(vjp, -1, axis)


def _assert_within(
    got: NDArray[Any], exact: NDArray[np.float64], allowed: NDArray[np.float64], what: str
) -> None:
    __tracebackhide__ = True
    error = np.abs(got.astype(np.float64) - exact)
    bad = np.argwhere(error > allowed)
    if bad.size:
        lines = [f"{what}: error above the bound at {len(bad)} of {exact.size} entries"]
        for index in map(tuple, bad[:5]):
            lines.append(
                f"  at {index}: got {got[index]!r}, exact {exact[index]!r}, "
                f"error {error[index]:.3g} > allowed {allowed[index]:.3g}"
            )
        pytest.fail("\n".join(lines))


CASES = {
    "moderate": (np.random.default_rng(1).normal(0.0, 3.0, (3, 4, 5)), None),
    "wide range": (np.random.default_rng(2).uniform(-800.0, 20.0, (4, 6)), None),
    "large magnitudes": (
        np.array(
            [[1e300, -1e300, 1e300, 5e299], [FMAX, -FMAX, 0.0, -1e300], [1e4, 1e4 + 0.5, -1e4, 0.0]]
        ),
        np.array(
            [[1e300, -2e300, 3.0, 0.5], [FMAX, -FMAX, FMAX, 1.0], [-FMAX, FMAX, 1e300, 1e-300]]
        ),
    ),
    "one dominant entry": (np.array([[0.0, -50.0, -60.0], [30.0, 0.0, -700.0]]), None),
}


def _inputs(name: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x, g = CASES[name]
    if g is None:
        g = np.random.default_rng(3).normal(0.0, 2.0, x.shape)
    return x, g


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_and_its_vjp_match_mpmath(name: str, axis: int) -> None:
    x, g = _inputs(name)
    s_exact, vjp_exact = _exact(x, g, axis)
    with np.errstate(all="raise", under="ignore"):
        s = softmax(x, axis=axis)
        vjp = softmax_vjp(x, g, axis=axis)
    _assert_within(s, s_exact, 1e-13 * s_exact + 1e-300, f"softmax({name}, axis={axis})")
    scale = np.max(np.abs(g), axis=axis, keepdims=True)
    allowed = 1e-13 * np.abs(vjp_exact) + 1e-14 * s_exact * scale + 1e-300
    _assert_within(vjp, vjp_exact, allowed, f"softmax_vjp({name}, axis={axis})")


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_log_softmax_and_its_vjp_match_mpmath(name: str, axis: int) -> None:
    x, g = _inputs(name)
    if name == "large magnitudes":
        # the exact log_softmax of x spanning the whole float range is beyond it
        x = np.clip(x, -1e307, 1e307)
    log_exact, vjp_exact = _exact_log(x, g, axis)
    s_exact, _ = _exact(x, g, axis)
    with np.errstate(all="raise", under="ignore"):
        got = log_softmax(x, axis=axis)
        vjp = log_softmax_vjp(x, g, axis=axis)
    _assert_within(got, log_exact, 1e-13 * np.abs(log_exact), f"log_softmax({name}, {axis})")
    total = np.minimum(np.sum(np.abs(g) / 8, axis=axis, keepdims=True), FMAX / 8) * 8
    allowed = 1e-13 * np.abs(vjp_exact) + 1e-14 * np.abs(g) + 1e-14 * s_exact * total + 1e-300
    _assert_within(vjp, vjp_exact, allowed, f"log_softmax_vjp({name}, axis={axis})")


def test_log_softmax_keeps_the_tiny_value_of_the_dominant_entry() -> None:
    # log(1 + e**-50) = 1.9e-22: x - logsumexp(x) rounds it to 0 without log1p.
    got = log_softmax([0.0, -50.0])
    with mpmath.workdps(DIGITS):
        exact = [float(-mpmath.log1p(mpmath.exp(-50))), float(-50 - mpmath.log1p(mpmath.exp(-50)))]
    np.testing.assert_allclose(got, exact, rtol=1e-15, atol=0)
    assert got[0] < 0


def test_log_softmax_saturates_where_the_exact_value_is_beyond_the_largest_float() -> None:
    with np.errstate(all="raise", under="ignore"):
        got = log_softmax(np.array([FMAX, -FMAX]))
        vjp = log_softmax_vjp(np.array([0.0, -800.0, -800.0]), np.array([FMAX, -FMAX, -FMAX]))
    assert got.tolist() == [0.0, -FMAX]
    assert vjp.tolist() == [FMAX, -FMAX, -FMAX]  # the first is 2 FMAX exactly


def test_a_scalar_score_has_log_softmax_zero_and_zero_gradient() -> None:
    assert log_softmax(3.0).shape == () and log_softmax(3.0) == 0.0
    assert log_softmax_vjp(3.0, 2.0).shape == () and log_softmax_vjp(3.0, 2.0) == 0.0
    assert log_softmax(np.zeros((3, 0))).shape == (3, 0)
    assert log_softmax_vjp(np.zeros((0, 3)), 1.0, axis=0).shape == (0, 3)


def test_the_log_softmax_vjp_is_the_gradient_of_the_weighted_sum() -> None:
    x = np.array([[0.3, -1.2, 2.0], [1.0, 1.0, -0.5]])
    g = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]])
    h = 1e-6
    numeric = np.empty_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        plus, minus = np.sum(g * log_softmax(x + step)), np.sum(g * log_softmax(x - step))
        numeric[index] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(log_softmax_vjp(x, g), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_float32_log_softmax_and_vjp_are_within_one_float32_ulp(axis: int) -> None:
    x = np.random.default_rng(4).normal(0.0, 5.0, (2, 3, 4)).astype(np.float32)
    g = np.random.default_rng(5).normal(0.0, 1.0, (2, 3, 4)).astype(np.float32)
    log_exact, vjp_exact = _exact_log(x.astype(np.float64), g.astype(np.float64), axis)
    got, vjp = log_softmax(x, axis=axis), log_softmax_vjp(x, g, axis=axis)
    assert got.dtype == np.float32 and vjp.dtype == np.float32
    ulp = np.spacing(np.abs(log_exact).astype(np.float32)).astype(np.float64)
    _assert_within(got, log_exact, ulp, f"float32 log_softmax(axis={axis})")
    ulp = np.spacing(np.abs(vjp_exact).astype(np.float32)).astype(np.float64)
    _assert_within(vjp, vjp_exact, ulp, f"float32 log_softmax_vjp(axis={axis})")


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_float32_softmax_and_vjp_are_within_one_float32_ulp(axis: int) -> None:
    x = np.random.default_rng(4).normal(0.0, 5.0, (2, 3, 4)).astype(np.float32)
    g = np.random.default_rng(5).normal(0.0, 1.0, (2, 3, 4)).astype(np.float32)
    s_exact, vjp_exact = _exact(x.astype(np.float64), g.astype(np.float64), axis)
    s, vjp = softmax(x, axis=axis), softmax_vjp(x, g, axis=axis)
    assert s.dtype == np.float32 and vjp.dtype == np.float32
    ulp = np.spacing(np.abs(s_exact).astype(np.float32)).astype(np.float64)
    _assert_within(s, s_exact, ulp, f"float32 softmax(axis={axis})")
    ulp = np.spacing(np.abs(vjp_exact).astype(np.float32)).astype(np.float64)
    _assert_within(vjp, vjp_exact, ulp, f"float32 softmax_vjp(axis={axis})")


def test_the_dominant_entry_keeps_its_relative_accuracy() -> None:
    # s = [1 - 1.9e-22, 1.9e-22]: g_0 - sum(g * s) rounds to 0 in the textbook form.
    vjp = softmax_vjp([0.0, -50.0], [1.0, 0.0])
    with mpmath.workdps(DIGITS):
        e = mpmath.exp(-50)
        exact = float(e / (1 + e) ** 2)
    np.testing.assert_allclose(vjp, [exact, -exact], rtol=1e-14, atol=0)


def test_upstream_near_the_largest_float_stays_finite() -> None:
    x = np.array([0.0, 1.0, 2.0, -3.0])
    g = np.array([FMAX, -FMAX, FMAX, -FMAX])
    with np.errstate(all="raise", under="ignore"):
        vjp = softmax_vjp(x, g)
    s_exact, vjp_exact = _exact(x, g, -1)
    assert np.all(np.isfinite(vjp))
    _assert_within(vjp, vjp_exact, 1e-13 * np.abs(vjp_exact) + 1e-14 * s_exact * FMAX, "vjp")


def test_softmax_sums_to_one_and_the_vjp_sums_to_zero_along_the_axis() -> None:
    x = np.random.default_rng(6).normal(0.0, 10.0, (5, 7))
    g = np.random.default_rng(7).normal(0.0, 1.0, (5, 7))
    for axis in (0, 1):
        np.testing.assert_allclose(softmax(x, axis=axis).sum(axis=axis), 1.0, rtol=1e-15)
        np.testing.assert_allclose(softmax_vjp(x, g, axis=axis).sum(axis=axis), 0.0, atol=1e-15)


def test_a_scalar_score_has_softmax_one_and_zero_gradient() -> None:
    assert softmax(3.0).shape == () and softmax(3.0) == 1.0
    assert softmax_vjp(3.0, 2.0).shape == () and softmax_vjp(3.0, 2.0) == 0.0
    with pytest.raises(np.exceptions.AxisError):
        softmax(3.0, axis=1)


def test_the_vjp_is_the_gradient_of_the_weighted_sum() -> None:
    # Central differences of sum(g * softmax(x)) agree to about 1e-9.
    x = np.array([[0.3, -1.2, 2.0], [1.0, 1.0, -0.5]])
    g = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]])
    h = 1e-6
    numeric = np.empty_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        plus, minus = np.sum(g * softmax(x + step)), np.sum(g * softmax(x - step))
        numeric[index] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(softmax_vjp(x, g), numeric, rtol=1e-7, atol=1e-9)
