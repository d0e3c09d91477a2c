"""Static forecasts: the compromise model (weighted mean) and the weighted median (median voter).

Compromise model (Van den Bos 1991; Achen 2006, *The European Union Decides* ch. 10), per issue::

    O = Σ_i c_i s_i x_i / Σ_i c_i s_i

with capability c_i, salience s_i and position x_i of the actors taking part. It approximates the
asymmetric Nash bargaining solution with quadratic losses; on DEU III it is the most accurate open
model (MAE 22.99, reference notes §8.2), hence the default and the baseline of every backtest.

Weighted median (median voter, Black 1948; Scholz, Calbert & Smith 2011 eq. for pairwise votes): the
position where the cumulative c·s weight reaches half — the Condorcet winner of linear-loss
pairwise votes in one dimension (reference notes §3).

``weights`` selects the weights: ``"cs"`` (capability × salience, default), ``"c"`` (capability only),
``"s"`` (salience only), ``"equal"``. If all weights on an issue are zero (every participant has zero
salience), the capability weights are used instead, then equal weights.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from suasion.bargaining.models.base import ModelResult, issue_inputs, weighted_mean, weighted_median
from suasion.bargaining.scenario import ModelSettingError, Scenario

WEIGHTS = ("cs", "c", "s", "equal")


def _weights(c: np.ndarray, s: np.ndarray, weights: str) -> np.ndarray:
    if weights not in WEIGHTS:
        raise ModelSettingError(f"weights must be one of {', '.join(WEIGHTS)}, not {weights!r}")
    w = {"cs": c * s, "c": c, "s": s, "equal": np.ones_like(c)}[weights]
    if not np.sum(w) > 0:
        w = c if np.sum(c) > 0 else np.ones_like(c)
    return w


def _per_issue(scenario: Scenario, name: str, estimator: Callable[[np.ndarray, np.ndarray], float],
               weights: str) -> ModelResult:
    """``estimator(positions, weights)`` on each issue's participants (NaN for an issue nobody takes part in)."""
    out = np.full(scenario.n_issues, np.nan)
    for d in range(scenario.n_issues):
        _, x, c, s = issue_inputs(scenario, d)
        if len(x):
            out[d] = estimator(x, _weights(c, s, weights))
    return ModelResult(name, pd.Series(out, index=list(scenario.issues), name="forecast"),
                       settings={"weights": weights})


def compromise(scenario: Scenario, *, weights: str = "cs") -> ModelResult:
    """Capability × salience weighted mean of positions per issue (see the module docstring)."""
    return _per_issue(scenario, "compromise", weighted_mean, weights)


def median(scenario: Scenario, *, weights: str = "cs") -> ModelResult:
    """Weighted median of positions per issue (median voter / Condorcet winner in 1-D)."""
    return _per_issue(scenario, "median", weighted_median, weights)
