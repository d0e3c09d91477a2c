"""Every forecast as a distribution: the Laplace band around deterministic models, the table of
quantiles, and the probability of each alternative.

**The band rule** (compromise, median, BDM, SMP, exchange). A deterministic model gives a point m on
an issue with scale [L, U] and range R. Its predictive distribution is the Laplace (m, b̃R) censored
at the ends of the scale: the mass beyond an end sits on that end (:func:`laplace_band`). The
median is m, so the point forecast is unchanged. b̃ is one number per model, a share of the range,
fitted by maximum likelihood on training issues only; the likelihood of an outcome y is
``exp(−|y − m|/b)/(2b)`` inside the scale and the censored mass ``Φ(L)`` or ``1 − Φ(U)`` when y is
on an end (the Tobit likelihood). Without censoring the estimate would be the mean absolute error.

**The mixture** (``mixture``) carries its own distribution (:mod:`suasion.bargaining.models.mixture`).

The shipped parameters (fitted on the whole DEU development part, then frozen) are in
:mod:`suasion.bargaining.frozen`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from suasion.bargaining.distributions import (
    QUANTILE_LEVELS,
    Predictive,
    laplace_band,
    laplace_cdf_array,
    quantile_column,
    search_share,
)
from suasion.bargaining.models.base import ModelResult
from suasion.bargaining.scenario import Scenario

BAND_MODELS = ("compromise", "median", "bdm", "smp", "exchange")
ON_END_TOLERANCE = 1e-9


def band_loglik(point: np.ndarray, y: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                b_share: float) -> float:
    """Log-likelihood of outcomes under censored Laplace bands of scale ``b_share`` × range."""
    span = upper - lower
    b = b_share * span
    m = np.clip(point, lower, upper)
    tol = ON_END_TOLERANCE * span
    at_lo, at_hi = y <= lower + tol, y >= upper - tol
    inside = -np.abs(y - m) / b - np.log(2.0 * b)
    lo_mass = np.log(np.maximum(laplace_cdf_array(lower, m, b), 1e-300))
    hi_mass = np.log(np.maximum(1.0 - laplace_cdf_array(upper, m, b), 1e-300))
    return float(np.where(at_lo, lo_mass, np.where(at_hi, hi_mass, inside)).sum())


def fit_band_scale(point: np.ndarray, y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Maximum-likelihood b̃ of the censored Laplace band (module docstring)."""
    from suasion.bargaining.scenario import ModelSettingError

    ok = np.isfinite(point) & np.isfinite(y)
    if not ok.any():
        raise ModelSettingError("cannot fit an error band: no issue with both a forecast and an outcome")
    args = (point[ok], y[ok], lower[ok], upper[ok])
    return search_share(lambda b: -band_loglik(*args, b))


def band_distributions(point: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                       b_share: float) -> list[Predictive | None]:
    return [laplace_band(m, b_share * (hi - lo), lo, hi) if np.isfinite(m) else None
            for m, lo, hi in zip(point, lower, upper)]


def model_distributions(name: str, scenario: Scenario, result: ModelResult | None = None,
                        band: float | None = None, **settings: Any) -> tuple[ModelResult, list[Predictive | None]]:
    """Run model ``name`` (or take its ``result``) and give each issue's predictive distribution.

    ``band``: the band scale b̃ for a deterministic model (default: the shipped, frozen one)."""
    from suasion.bargaining.registry import run_model

    if result is None:
        result = run_model(name, scenario, **settings)
    if "predictive" in result.extra:
        return result, result.extra["predictive"]
    if band is None:
        from suasion.bargaining.frozen import frozen_parameters

        band = frozen_parameters().band_for(name)
    point = result.forecast.to_numpy(dtype=float)
    return result, band_distributions(point, scenario.scale[:, 0], scenario.scale[:, 1], band)


def distribution_table(scenario: Scenario, model: str, dists: list[Predictive | None]) -> pd.DataFrame:
    """``issue, model, forecast`` (the median), ``mean``, ``q05 … q95``, ``p_alternative`` (probability
    that the outcome equals one of the actors' positions or the reference point), and the most likely
    alternative with its probability (``top_alternative``, ``p_top``)."""
    from suasion.bargaining.models.mixture import alternatives

    rows = []
    for d, dist in enumerate(dists):
        row: dict[str, Any] = {"issue": scenario.issues[d], "model": model}
        if dist is None:
            row.update({"forecast": np.nan, "mean": np.nan})
            rows.append(row)
            continue
        qs = dist.quantiles()
        row.update({"forecast": dist.median(), "mean": dist.mean()})
        row.update({quantile_column(q): v for q, v in zip(QUANTILE_LEVELS, qs)})
        alts = alternatives(scenario, d)
        probs = np.array([dist.prob_at(a) for a in alts])
        row["p_alternative"] = float(probs.sum())
        if len(alts) and probs.max() > 0:
            k = int(np.argmax(probs))
            row["top_alternative"], row["p_top"] = float(alts[k]), float(probs[k])
        else:
            row["top_alternative"], row["p_top"] = np.nan, 0.0
        rows.append(row)
    columns = (["issue", "model", "forecast", "mean"] + [quantile_column(q) for q in QUANTILE_LEVELS]
               + ["p_alternative", "top_alternative", "p_top"])
    return pd.DataFrame(rows).reindex(columns=columns)


def alternatives_table(scenario: Scenario, model: str, dists: list[Predictive | None]) -> pd.DataFrame:
    """One row per issue and alternative: ``issue, alternative, held_by`` (actors, and
    ``reference point``), ``probability`` that the outcome equals it under the model."""
    from suasion.bargaining.models.mixture import alternatives

    rows = []
    for d, dist in enumerate(dists):
        part = scenario.participates[:, d]
        for a in alternatives(scenario, d):
            held = [scenario.actors[i] for i in np.nonzero(part & (scenario.position[:, d] == a))[0]]
            if np.isfinite(scenario.status_quo[d]) and scenario.status_quo[d] == a:
                held.append("reference point")
            rows.append({"issue": scenario.issues[d], "model": model, "alternative": float(a),
                         "held_by": ", ".join(held),
                         "probability": dist.prob_at(a) if dist is not None else np.nan})
    return pd.DataFrame(rows, columns=["issue", "model", "alternative", "held_by", "probability"])
