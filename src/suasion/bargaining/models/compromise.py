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
salience), the capability weights are used instead, then equal weights. ``exclude`` leaves actors out
(names, comma-separated or a list), e.g. ``"com,ep"`` for the Council alone on DEU.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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


def _excluded(scenario: Scenario, exclude: str | Sequence[str] | None) -> np.ndarray:
    """Boolean mask of the actors to leave out (unknown names are an error naming them)."""
    mask = np.zeros(scenario.n_actors, dtype=bool)
    if not exclude:
        return mask
    names = [n.strip() for n in exclude.split(",")] if isinstance(exclude, str) else list(exclude)
    for name in filter(None, names):
        mask[scenario.actor_index(name)] = True
    return mask


def _per_issue(scenario: Scenario, name: str, estimator: Callable[[np.ndarray, np.ndarray], float],
               weights: str, exclude: str | Sequence[str] | None = None) -> ModelResult:
    """``estimator(positions, weights)`` on each issue's participants (NaN for an issue nobody takes part in)."""
    out = np.full(scenario.n_issues, np.nan)
    left_out = _excluded(scenario, exclude)
    for d in range(scenario.n_issues):
        idx, x, c, s = issue_inputs(scenario, d)
        keep = ~left_out[idx]
        if keep.any():
            out[d] = estimator(x[keep], _weights(c[keep], s[keep], weights))
    settings: dict = {"weights": weights}
    if exclude:
        settings["exclude"] = exclude
    return ModelResult(name, pd.Series(out, index=list(scenario.issues), name="forecast"), settings=settings)


def compromise(scenario: Scenario, *, weights: str = "cs", exclude: str | None = None) -> ModelResult:
    """Capability × salience weighted mean of positions per issue (see the module docstring)."""
    return _per_issue(scenario, "compromise", weighted_mean, weights, exclude)


def median(scenario: Scenario, *, weights: str = "cs", exclude: str | None = None) -> ModelResult:
    """Weighted median of positions per issue (median voter / Condorcet winner in 1-D)."""
    return _per_issue(scenario, "median", weighted_median, weights, exclude)
