"""Predictive distributions: quantiles, mean and CRPS against brute force on constructed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from suasion.bargaining.distributions import (QUANTILE_LEVELS, Predictive, laplace_band, mixture,
                                              search_share)


def brute_crps(dist: Predictive, y: float) -> float:
    """∫ (F(z) − 1{z ≥ y})² dz by adaptive quadrature between all breakpoints."""
    points = sorted({dist.lower, dist.upper, y, dist.mu, *dist.atoms})
    total = 0.0
    for a, b in zip(points[:-1], points[1:]):
        if b > a:
            total += integrate.quad(lambda z: (dist.cdf(z) - (z >= y)) ** 2, a, b, limit=200, epsabs=1e-12)[0]
    return total


def brute_mean(dist: Predictive) -> float:
    """E[Y] = L + ∫_L^U (1 − F(z)) dz."""
    points = sorted({dist.lower, dist.upper, dist.mu, *dist.atoms})
    return dist.lower + sum(integrate.quad(lambda z: 1 - dist.cdf(z), a, b, limit=200)[0]
                            for a, b in zip(points[:-1], points[1:]) if b > a)


CASES = [
    laplace_band(30.0, 20.0, 0.0, 100.0),
    laplace_band(95.0, 31.0, 0.0, 100.0),          # much mass censored onto the upper end
    laplace_band(0.0, 5.0, 0.0, 100.0),            # point on an end
    mixture(40.0, [0.0, 25.0, 50.0, 100.0], [0.1, 0.4, 0.3, 0.2], 0.65, 30.0, 0.0, 100.0),
    mixture(7.5, [4.0, 7.0, 10.0], [0.5, 0.3, 0.2], 0.3, 1.2, 4.0, 10.0),   # the car-emission scale
    mixture(50.0, [20.0, 80.0], [0.5, 0.5], 1.0, 10.0, 0.0, 100.0),         # atoms only
]


@pytest.mark.parametrize("dist", CASES)
@pytest.mark.parametrize("y", [0.0, 4.0, 12.5, 25.0, 50.0, 73.3, 100.0])
def test_crps_equals_brute_force_integral(dist, y):
    y = min(max(y, dist.lower), dist.upper)
    assert dist.crps(y) == pytest.approx(brute_crps(dist, y), abs=1e-8)


@pytest.mark.parametrize("dist", CASES)
def test_mean_equals_integral_and_mass_is_one(dist):
    assert dist.mean() == pytest.approx(brute_mean(dist), abs=1e-7)
    assert dist.cdf(dist.upper) == 1.0
    assert dist.probs.sum() + dist.continuous_mass() == pytest.approx(1.0, abs=1e-12)


def test_crps_of_a_point_mass_is_the_absolute_error():
    point = mixture(30.0, [30.0], [1.0], 1.0, 5.0, 0.0, 100.0)
    assert point.crps(42.0) == pytest.approx(12.0)
    assert point.median() == 30.0


def test_band_median_is_the_point_and_ends_hold_the_censored_mass():
    band = laplace_band(90.0, 20.0, 0.0, 100.0)
    assert band.median() == pytest.approx(90.0)
    # mass beyond 100 of a Laplace(90, 20): ½ e^{−10/20}
    assert band.prob_at(100.0) == pytest.approx(0.5 * math.exp(-0.5))
    assert band.prob_at(0.0) == pytest.approx(0.5 * math.exp(-90 / 20))
    assert band.prob_at(50.0) == 0.0


def test_quantile_inside_an_atom_is_the_atom():
    # atoms 20 (0.3) and 60 (0.4) of total weight 0.7, continuous part 0.3 around 40
    dist = mixture(40.0, [20.0, 60.0], [3 / 7, 4 / 7], 0.7, 5.0, 0.0, 100.0)
    f_below_60 = dist.cdf(60.0) - 0.4
    assert dist.quantile(f_below_60 + 0.2) == 60.0
    assert dist.quantile(dist.cdf(20.0) - 0.1) == 20.0


@st.composite
def distributions(draw):
    lo = draw(st.floats(-50, 50))
    span = draw(st.floats(1, 200))
    hi = lo + span
    k = draw(st.integers(0, 5))
    atoms = [draw(st.floats(lo, hi)) for _ in range(k)]
    weights = np.array([draw(st.floats(0.01, 1)) for _ in range(k)])
    mu = draw(st.floats(lo, hi))
    b = draw(st.floats(0.001, 2)) * span
    if draw(st.booleans()) or k == 0:
        return laplace_band(mu, b, lo, hi)
    return mixture(mu, atoms, weights / weights.sum(), draw(st.floats(0, 1)), b, lo, hi)


@settings(max_examples=300, deadline=None)
@given(distributions(), st.floats(0.001, 0.999))
def test_quantiles_are_monotone_and_invert_the_cdf(dist, alpha):
    qs = dist.quantiles()
    assert np.all(np.diff(qs) >= -1e-9 * (dist.upper - dist.lower))
    assert np.all((qs >= dist.lower) & (qs <= dist.upper))
    q = dist.quantile(alpha)
    eps = 1e-7 * (dist.upper - dist.lower)
    assert dist.cdf(q) >= alpha - 1e-9                     # F(q) ≥ α
    assert q - eps <= dist.lower or dist.cdf(q - eps) <= alpha + 1e-6   # and nothing smaller will do


def test_share_search_agrees_with_scipy():
    from scipy.optimize import minimize_scalar

    rng = np.random.default_rng(4)
    y = np.abs(rng.laplace(0, 0.23, 300))

    def nll(b: float) -> float:
        return float(np.sum(y / b + np.log(2 * b)))

    ref = minimize_scalar(lambda t: nll(math.exp(t)), bounds=(math.log(1e-4), math.log(10)), method="bounded",
                          options={"xatol": 1e-9})
    assert search_share(nll) == pytest.approx(math.exp(ref.x), rel=1e-6)
    assert search_share(nll) == pytest.approx(y.mean(), rel=1e-6)    # the Laplace scale MLE is the mean |e|


def test_quantile_levels_are_five_to_ninety_five():
    assert QUANTILE_LEVELS[0] == 0.05 and QUANTILE_LEVELS[-1] == 0.95 and len(QUANTILE_LEVELS) == 19
