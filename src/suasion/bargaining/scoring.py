"""Scores of predictive distributions against outcomes, folds grouped by proposal, and the cluster
bootstrap over proposals.

Per issue with outcome y and predictive distribution F (median m):

* absolute error |m − y| and squared error (m − y)² (MAE, RMSE of the point forecast, the median);
* CRPS(F, y) = ∫ (F(z) − 1{z ≥ y})² dz on the issue's scale (:meth:`Predictive.crps`), in scale units;
  it equals the absolute error for a point forecast and is lower the sharper a calibrated forecast is;
* coverage: y in the closed central interval [q((1−ℓ)/2), q((1+ℓ)/2)] for ℓ = 50, 80, 90 %. When the
  outcome sits on an atom at an end of the interval the whole atom counts as covered, so a calibrated
  distribution with atoms covers *more* than ℓ. Hence also the **PIT coverage**: with the randomised
  probability integral transform u = F(y−) + V (F(y) − F(y−)), V uniform (Czado, Gneiting & Held
  2009), the expected share of outcomes with u in [(1−ℓ)/2, (1+ℓ)/2]; it is ℓ for a calibrated
  distribution, atoms or not;
* hit: y equals the *predicted alternative*, the alternative (actor position or reference point)
  nearest to m (the lower one on a tie).

Intervals are percentile bootstrap intervals that resample whole proposals (issue groups) with
replacement: a resample's statistic is the mean over all issues of the proposals drawn. Differences
to the baseline are paired (same issues, same folds, same resamples). The smallest detectable
difference is (z₀.₉₇₅ + z₀.₈₀) × the bootstrap standard error of the paired difference: the true
difference a two-sided 5 % test detects with 80 % power at this sample size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from suasion.bargaining.distributions import QUANTILE_LEVELS, Predictive
from suasion.bargaining.scenario import ModelSettingError

COVERAGE_LEVELS = (0.5, 0.8, 0.9)
#: per-issue score columns; "sq_error" becomes RMSE after averaging
SCORES = ("abs_error", "sq_error", "crps", "cover50", "cover80", "cover90", "hit")
#: randomised-PIT coverage: the expected share covered when ties on an atom are broken at random
PIT_SCORES = ("pit50", "pit80", "pit90")
MDE_FACTOR = 2.8016                 # z_0.975 + z_0.80


def grouped_folds(groups: Sequence[str], k: int, seed: int) -> np.ndarray:
    """Fold number (0 … k−1) per issue; all issues of a group fall in one fold. Groups are shuffled
    with ``seed`` and, largest first, given to the fold holding the fewest issues so far. With fewer
    groups than ``k`` each group is its own fold (leave one proposal out)."""
    if k < 2:
        raise ModelSettingError(f"cross-validation needs at least 2 folds, not {k}")
    names, inverse, sizes = np.unique(np.asarray(groups, dtype=object), return_inverse=True, return_counts=True)
    if len(names) < 2:
        raise ModelSettingError("all scored issues belong to one proposal (group); cross-validation needs "
                                "at least 2: give the issues a group, or score the frozen parameters (--frozen)")
    k = min(k, len(names))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(names))
    order = order[np.argsort(-sizes[order], kind="stable")]
    load = np.zeros(k, dtype=int)
    fold_of_group = np.empty(len(names), dtype=int)
    for g in order:
        f = int(np.argmin(load))
        fold_of_group[g] = f
        load[f] += sizes[g]
    return fold_of_group[inverse]


def nearest_alternative(point: float, alts: np.ndarray) -> float:
    alts = alts[np.isfinite(alts)]
    if len(alts) == 0 or not np.isfinite(point):
        return float("nan")
    return float(alts[int(np.argmin(np.abs(alts - point)))])     # sorted: a tie goes to the lower one


def issue_scores(dists: Sequence[Predictive | None], y: np.ndarray, alternatives: np.ndarray,
                 span: np.ndarray) -> dict[str, np.ndarray]:
    """Per-issue scores (module docstring), ``prediction`` (median), ``mean`` and ``quantiles``
    (issues × QUANTILE_LEVELS)."""
    n = len(dists)
    out = {k: np.full(n, np.nan) for k in (*SCORES, *PIT_SCORES, "prediction", "mean")}
    out["quantiles"] = np.full((n, len(QUANTILE_LEVELS)), np.nan)
    col = {round(q * 100): i for i, q in enumerate(QUANTILE_LEVELS)}
    for d, dist in enumerate(dists):
        if dist is None:
            continue
        qs = dist.quantiles()
        out["quantiles"][d] = qs
        m = qs[col[50]]
        out["prediction"][d], out["mean"][d] = m, dist.mean()
        if not np.isfinite(y[d]):
            continue
        tol = 1e-9 * span[d]
        out["abs_error"][d] = abs(m - y[d])
        out["sq_error"][d] = (m - y[d]) ** 2
        out["crps"][d] = dist.crps(y[d])
        f_at = dist.cdf(y[d])
        jump = dist.prob_at(y[d])
        for level in COVERAGE_LEVELS:
            pct = round(level * 100)
            tail = round((100 - pct) / 2)
            lo, hi = qs[col[tail]], qs[col[100 - tail]]
            out[f"cover{pct}"][d] = float(lo - tol <= y[d] <= hi + tol)
            a, b = tail / 100, 1 - tail / 100
            if jump > 0:                 # share of the atom's jump [F(y−), F(y)] inside [a, b]
                out[f"pit{pct}"][d] = max(0.0, min(f_at, b) - max(f_at - jump, a)) / jump
            else:
                out[f"pit{pct}"][d] = float(a <= f_at <= b)
        out["hit"][d] = float(abs(nearest_alternative(m, alternatives[d]) - y[d]) <= tol)
    return out


def resample_counts(groups: Sequence[str], n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(n_boot × G) how often each proposal is drawn in each resample, and the proposal index of
    every issue."""
    if n_boot < 10:
        raise ModelSettingError(f"the bootstrap needs at least 10 resamples, not {n_boot}")
    _, group_index = np.unique(np.asarray(groups, dtype=object), return_inverse=True)
    n_groups = int(group_index.max()) + 1
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_groups, size=(n_boot, n_groups))
    counts = np.zeros((n_boot, n_groups))
    np.add.at(counts, (np.arange(n_boot)[:, None], draws), 1.0)
    return counts, group_index


def resampled_means(values: np.ndarray, counts: np.ndarray, group_index: np.ndarray) -> np.ndarray:
    """Means of ``values`` (issues × k) over each resample of proposals: (n_boot × k)."""
    values = np.atleast_2d(values.T).T
    n_groups = counts.shape[1]
    sums = np.zeros((n_groups, values.shape[1]))
    np.add.at(sums, group_index, values)
    sizes = np.bincount(group_index, minlength=n_groups).astype(float)
    return (counts @ sums) / (counts @ sizes)[:, None]


def percentile_interval(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    a = (1 - level) / 2
    return float(np.quantile(draws, a)), float(np.quantile(draws, 1 - a))
