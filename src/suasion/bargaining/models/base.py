"""What every model returns, and the small helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class ModelResult:
    """A model's forecast per issue, its settings and (for dynamic models) the round-by-round history.

    ``forecast``: issue → predicted outcome (NaN where the model cannot say, e.g. no participant).
    ``history``: tidy rows ``issue, round, actor, position`` (round 0 = the input positions).
    ``summary``: tidy rows ``issue, round, median, mean`` for dynamic models.
    """

    model: str
    forecast: pd.Series
    settings: dict[str, Any] = field(default_factory=dict)
    history: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"issue": self.forecast.index, "model": self.model,
                             "forecast": self.forecast.to_numpy(dtype=float)})


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """Σ w x / Σ w; falls back to the plain mean when all weights are zero."""
    total = float(np.sum(w))
    if total <= 0:
        return float(np.mean(x)) if len(x) else float("nan")
    return float(np.dot(w, x) / total)


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """The weighted median: the position where the cumulative weight, in position order, first
    reaches half the total. When it reaches exactly half at a gap between two positions the midpoint
    is returned (as for the ordinary median of an even sample). All-zero weights: plain median.

    In one dimension with linear-loss pairwise votes this is the Condorcet winner (Scholz et al. 2011;
    reference notes §3)."""
    if len(x) == 0:
        return float("nan")
    w = np.asarray(w, dtype=float)
    if not np.sum(w) > 0:
        return float(np.median(x))
    order = np.argsort(x, kind="stable")
    xs, ws = np.asarray(x, dtype=float)[order], w[order]
    cum = np.cumsum(ws)
    half = cum[-1] / 2.0
    k = int(np.searchsorted(cum, half - 1e-12 * cum[-1]))
    if abs(cum[k] - half) <= 1e-12 * cum[-1] and k + 1 < len(xs):
        nxt = k + 1
        while nxt < len(xs) and ws[nxt] == 0:
            nxt += 1
        if nxt < len(xs):
            return float((xs[k] + xs[nxt]) / 2.0)
    return float(xs[k])


def issue_inputs(scenario, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Participating actors' indices, positions, capabilities and saliences on issue ``d``."""
    mask = scenario.participates[:, d]
    idx = np.nonzero(mask)[0]
    return idx, scenario.position[idx, d], scenario.capability[idx, d], scenario.salience[idx, d]
