"""Monte Carlo sensitivity."""

from __future__ import annotations

import numpy as np
import pytest

from suasion.bargaining.api import forecast
from suasion.bargaining.sensitivity import perturb, sensitivity
from tests.bargaining.helpers import one_issue


def test_no_noise_gives_a_point_interval():
    scen = one_issue([0, 60, 100], [2, 1, 1], [0.5, 1.0, 0.5])
    out = sensitivity(scen, "compromise", 10, position_noise=0, salience_noise=0, capability_noise=0)
    assert out["low"].iloc[0] == pytest.approx(44) and out["high"].iloc[0] == pytest.approx(44)
    assert out["sd"].iloc[0] == pytest.approx(0)


def test_interval_widens_with_noise_and_contains_forecast():
    scen = one_issue([10, 50, 90], [1, 1, 1], [0.5, 0.5, 0.5])
    small = sensitivity(scen, "compromise", 200, position_noise=0.01, salience_noise=0, capability_noise=0)
    large = sensitivity(scen, "compromise", 200, position_noise=0.2, salience_noise=0, capability_noise=0)
    assert (large.high - large.low).iloc[0] > 5 * (small.high - small.low).iloc[0]
    assert large.low.iloc[0] <= 50 <= large.high.iloc[0]


def test_perturbation_respects_bounds():
    scen = one_issue([0, 100], [1, 1], [0.0, 1.0])
    rng = np.random.default_rng(3)
    for _ in range(20):
        p = perturb(scen, rng, 0.5, 0.5, 0.5)
        assert np.all((p.position >= 0) & (p.position <= 100))
        assert np.all((p.salience >= 0) & (p.salience <= 1)) and np.all(p.capability > 0)


def test_forecast_with_runs_for_bdm(fixtures):
    out = forecast(fixtures / "emission_standards.csv", "bdm", runs=20)
    assert set(out.columns) >= {"issue", "model", "forecast", "low", "high", "mean", "sd"}
    assert 0 <= out["low"].iloc[0] <= out["mean"].iloc[0] <= out["high"].iloc[0] <= 100
