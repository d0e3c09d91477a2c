"""The alternatives-mixture forecaster on cases whose answer is worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from suasion.bargaining.models.mixture import (MixtureInputs, MixtureParams, alternatives, fit_mixture,
                                               mixture_distributions, mixture_inputs)
from suasion.bargaining.registry import run_model
from suasion.bargaining.scenario import ModelSettingError

from .helpers import make, one_issue


def test_hand_worked_issue():
    """Three equal actors at 0, 50, 100: μ = 50. With τ = 0.1 of the range (10 points) the alternatives
    weigh e^{-5}, 1, e^{-5}; with π = 0.8 the outcome is 50 with probability 0.8 / (1 + 2e^{-5})."""
    scen = one_issue([0, 50, 100], [1, 1, 1], [1, 1, 1])
    res = run_model("mixture", scen, pi=0.8, tau=0.1, b=0.2)
    dist = res.extra["predictive"][0]
    p50 = 0.8 / (1 + 2 * math.exp(-5))
    assert dist.prob_at(50.0) == pytest.approx(p50)
    assert dist.prob_at(0.0) == pytest.approx(0.8 * math.exp(-5) / (1 + 2 * math.exp(-5)))
    assert dist.continuous_mass() == pytest.approx(0.2)
    # symmetric around 50, and the atom at 50 straddles one half: the forecast (median) is 50
    assert res.forecast.iloc[0] == 50.0
    assert dist.mean() == pytest.approx(50.0)


def test_median_leaves_an_atom_when_it_is_small():
    """π small: the continuous part dominates and the median is the compromise (here 50 by symmetry)."""
    scen = one_issue([0, 100, 100, 0], [1, 1, 1, 1], [1, 1, 1, 1])
    res = run_model("mixture", scen, pi=0.1, tau=0.5, b=0.1)
    assert res.forecast.iloc[0] == pytest.approx(50.0)


def test_reference_point_is_an_alternative():
    scen = make([[10.0], [90.0], [90.0]], [1, 1, 1], [[1.0], [1.0], [1.0]])
    scen = type(scen)(**{**scen.__dict__, "status_quo": np.array([40.0])})
    assert list(alternatives(scen, 0)) == [10.0, 40.0, 90.0]
    assert list(alternatives(scen, 0, reference_point=False)) == [10.0, 90.0]


def test_pi_hat_is_the_share_of_outcomes_on_an_alternative():
    inp = MixtureInputs(mu=np.array([50.0, 50.0, 50.0, 50.0]),
                        alternatives=np.array([[0, 50, 100], [0, 50, 100], [0, 50, 100], [0, 50, np.nan]], float),
                        lower=np.zeros(4), upper=np.full(4, 100.0))
    y = np.array([50.0, 100.0, 37.0, 62.0])
    params = fit_mixture(inp, y)
    assert params.pi == 0.5
    # the two continuous outcomes lie 0.13 and 0.12 of the range from μ = 0.5, truncation at 0 and 1:
    # log L(b) = −Σd/b − 2 log 2b − 2 log(1 − e^{−0.5/b}); its derivative vanishes where
    # mean(d)/b² − 1/b + 0.5 e^{−0.5/b} / (b² (1 − e^{−0.5/b})) = 0
    from scipy.optimize import brentq

    def score(b):
        e = math.exp(-0.5 / b)
        return 0.125 / b**2 - 1 / b + 0.5 * e / (b**2 * (1 - e))

    assert params.b == pytest.approx(brentq(score, 0.05, 1.0), rel=1e-6)
    assert params.b > 0.125                   # truncation widens the estimate beyond the mean distance


def test_fit_recovers_parameters_of_simulated_data():
    rng = np.random.default_rng(0)
    n = 3000
    mu = rng.uniform(10, 90, n)
    alts = np.full((n, 5), np.nan)
    for k in range(n):
        a = np.unique(rng.choice(np.arange(0, 101, 10), size=5))
        alts[k, :len(a)] = a
    inp = MixtureInputs(mu, alts, np.zeros(n), np.full(n, 100.0))
    true = MixtureParams(0.6, 0.15, 0.12)
    y = np.array([d.quantile(u) for d, u in zip(mixture_distributions(inp, true), rng.uniform(size=n))])
    fit = fit_mixture(inp, y)
    assert fit.pi == pytest.approx(0.6, abs=0.03)
    assert fit.tau == pytest.approx(0.15, rel=0.1)
    assert fit.b == pytest.approx(0.12, rel=0.1)


def test_inputs_center_on_the_compromise():
    scen = one_issue([0, 100], [3, 1], [1, 1])
    assert mixture_inputs(scen).mu[0] == pytest.approx(25.0)


def test_bad_settings_are_errors():
    scen = one_issue([0, 100], [1, 1], [1, 1])
    with pytest.raises(ModelSettingError, match="pi"):
        run_model("mixture", scen, pi=1.5, tau=0.1, b=0.1)
    with pytest.raises(ModelSettingError, match="tau"):
        run_model("mixture", scen, pi=0.5, tau=0.0, b=0.1)
    with pytest.raises(ModelSettingError, match="expected a number"):
        run_model("mixture", scen, pi="x")


def test_shipped_parameters_are_used_by_default():
    from suasion.bargaining.frozen import frozen_parameters

    scen = one_issue([0, 50, 100], [1, 1, 1], [1, 1, 1])
    res = run_model("mixture", scen)
    shipped = frozen_parameters().mixture
    assert res.settings["pi"] == shipped.pi and res.settings["tau"] == shipped.tau
