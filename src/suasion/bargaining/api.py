"""The notebook-facing functions: ``forecast`` and ``exchanges`` (``read_scenario`` and ``backtest``
live in their own modules)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from suasion.bargaining.scenario import Scenario


def _scenario(scenario: Scenario | str | Path, format: str | None = None) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    from suasion.bargaining.readers import read_scenario

    return read_scenario(scenario, format)


def forecast(scenario: Scenario | str | Path, model: str = "compromise", *, runs: int = 0,
             position_noise: float = 0.05, salience_noise: float = 0.1, capability_noise: float = 0.2,
             level: float = 0.9, seed: int | None = 0, format: str | None = None, alternatives: bool = False,
             on_run: Callable[[int, int], None] | None = None, **settings: Any) -> pd.DataFrame:
    """Forecast every issue of ``scenario`` with ``model`` (compromise, median, bdm, smp, exchange, mixture).

    Every forecast is a distribution (:mod:`suasion.bargaining.predictive`): ``issue, model, forecast``
    (its median), ``mean``, ``q05 … q95``, ``p_alternative`` (probability that the outcome equals an
    actor's position or the reference point), ``top_alternative`` and ``p_top``. Deterministic models
    carry the error band fitted on DEU (the frozen parameters). ``alternatives=True`` returns instead
    one row per issue and alternative with its probability. With ``runs`` > 0: the Monte Carlo
    interval of :func:`suasion.bargaining.sensitivity.sensitivity` under input noise
    (``forecast, mean, sd, low, high, runs``). Model settings are keyword arguments (e.g. ``q=0.5``
    for BDM)."""
    scen = _scenario(scenario, format)
    if runs:
        from suasion.bargaining.sensitivity import sensitivity

        return sensitivity(scen, model, runs, position_noise=position_noise, salience_noise=salience_noise,
                           capability_noise=capability_noise, level=level, seed=seed, on_run=on_run,
                           **settings)
    from suasion.bargaining.predictive import alternatives_table, distribution_table, model_distributions

    _, dists = model_distributions(model, scen, **settings)
    if alternatives:
        return alternatives_table(scen, model, dists)
    return distribution_table(scen, model, dists)


def exchanges(scenario: Scenario | str | Path, actor: str, partner: str | None = None, *,
              format: str | None = None, **settings: Any) -> pd.DataFrame:
    """Trades between ``actor`` and ``partner`` (or any partner) that both gain from, best first for
    ``actor``: what it gives (movement on which issue) and what it gets. See
    :func:`suasion.bargaining.models.exchange.exchange_offers`."""
    from suasion.bargaining.models.exchange import exchange_offers

    return exchange_offers(_scenario(scenario, format), actor, partner, **settings)
