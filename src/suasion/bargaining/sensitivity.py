"""Monte Carlo sensitivity of any model to its inputs.

Each run perturbs the inputs independently and reruns the model:

* positions: x' = clip(x + N(0, (σ_x · range_d)²), scale_d) — ``position_noise`` σ_x is a fraction of
  the issue's scale range;
* saliences: s' = clip(s + N(0, σ_s²), 0, 1) — ``salience_noise`` σ_s on the 0–1 scale;
* capabilities: c' = c · exp(N(0, σ_c²)) — ``capability_noise`` σ_c is a log-scale (≈ relative) error.

The outcome interval per issue is the empirical [α/2, 1 − α/2] quantile range of the runs' forecasts
(default 90 %), reported with their mean and standard deviation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from suasion.bargaining.registry import run_model
from suasion.bargaining.scenario import ModelSettingError, Scenario


def perturb(scenario: Scenario, rng: np.random.Generator, position_noise: float = 0.05,
            salience_noise: float = 0.1, capability_noise: float = 0.2) -> Scenario:
    """One perturbed copy of ``scenario`` (see the module docstring)."""
    lo, hi = scenario.scale[:, 0][None, :], scenario.scale[:, 1][None, :]
    pos = scenario.position + rng.normal(0.0, 1.0, scenario.position.shape) * position_noise * (hi - lo)
    pos = np.clip(pos, lo, hi)
    sal = np.clip(scenario.salience + rng.normal(0.0, salience_noise, scenario.salience.shape), 0.0, 1.0)
    cap = scenario.capability * np.exp(rng.normal(0.0, capability_noise, scenario.capability.shape))
    return replace(scenario, position=pos, salience=sal, capability=cap)


def sensitivity(scenario: Scenario, model: str = "compromise", runs: int = 200, *,
                position_noise: float = 0.05, salience_noise: float = 0.1, capability_noise: float = 0.2,
                level: float = 0.9, seed: int | None = 0,
                on_run: Callable[[int, int], None] | None = None, **settings: Any) -> pd.DataFrame:
    """Forecast intervals per issue under input noise: columns ``issue, model, forecast`` (the
    unperturbed forecast), ``mean, sd, low, high`` (the ``level`` interval of the runs), ``runs``."""
    if runs < 2:
        raise ModelSettingError("sensitivity needs at least 2 runs")
    if not 0 < level < 1:
        raise ModelSettingError("level must be in (0, 1)")
    for name, v in (("position_noise", position_noise), ("salience_noise", salience_noise),
                    ("capability_noise", capability_noise)):
        if v < 0:
            raise ModelSettingError(f"{name} must be >= 0")
    rng = np.random.default_rng(seed)
    base = run_model(model, scenario, **settings).forecast
    draws = np.empty((runs, scenario.n_issues))
    for k in range(runs):
        draws[k] = run_model(model, perturb(scenario, rng, position_noise, salience_noise,
                                            capability_noise), **settings).forecast.to_numpy(dtype=float)
        if on_run:
            on_run(k + 1, runs)
    alpha = (1 - level) / 2
    return pd.DataFrame({
        "issue": list(scenario.issues), "model": model, "forecast": base.to_numpy(dtype=float),
        "mean": np.nanmean(draws, axis=0), "sd": np.nanstd(draws, axis=0, ddof=1),
        "low": np.nanquantile(draws, alpha, axis=0), "high": np.nanquantile(draws, 1 - alpha, axis=0),
        "runs": runs})
