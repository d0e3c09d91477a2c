"""Backtest: every model on every issue with a known outcome, scored by mean absolute error.

Protocol (reference notes bargaining-models.md §8.1): an issue is scored when its outcome is known and
at least ``min_actors`` (3) actors have both a position and a salience; the error is
|forecast − outcome| on the issue's scale (0–100 for DEU). Per model: MAE, median absolute error,
the share of issues within 5 and 10 points, and a percentile bootstrap 95 % interval of the MAE
(issues resampled with replacement, ``n_boot`` resamples, fixed seed). Each model is also compared
with the compromise baseline by the paired difference MAE(model) − MAE(compromise) with its own
bootstrap interval — a model beats the baseline only if that interval lies below 0. On DEU III the
minimum detectable paired effect is ≈ 3 scale units (reference notes §8.4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from suasion.bargaining.registry import MODELS, run_model
from suasion.bargaining.scenario import ModelSettingError, Scenario

DEFAULT_MODELS = ("compromise", "median", "bdm", "smp", "exchange")


@dataclass
class BacktestResult:
    """``summary``: one row per model; ``predictions``: one row per scored issue and model."""

    summary: pd.DataFrame
    predictions: pd.DataFrame
    n_issues: int
    baseline: str = "compromise"


_HEAVY = {"smp": 8, "exchange": 4, "bdm": 2}       # chunks per model when running in parallel


def _forecast_chunk(name: str, scenario: Scenario, settings: Mapping[str, Any]) -> np.ndarray:
    extra = {"history": False} if name in ("bdm", "smp") else {}
    return run_model(name, scenario, **{**extra, **dict(settings)}).forecast.to_numpy(dtype=float)


def _chunks(scenario: Scenario, n: int) -> list[np.ndarray]:
    """Issue indices split into ``n`` chunks of whole groups, balanced by group size."""
    groups = sorted(scenario.groups().values(), key=len, reverse=True)
    bins: list[list[int]] = [[] for _ in range(max(1, min(n, len(groups))))]
    for g in groups:
        min(bins, key=len).extend(g)
    return [np.array(sorted(b)) for b in bins if b]


def _forecast_all(sub: Scenario, models: list[str], settings: Mapping[str, Mapping[str, Any]],
                  jobs: int | None, on_model: Callable[[str, int, int], None] | None) -> dict[str, np.ndarray]:
    import os

    jobs = min(jobs or 1, os.cpu_count() or 1)
    out: dict[str, np.ndarray] = {}
    if jobs <= 1:
        for k, name in enumerate(models):
            out[name] = _forecast_chunk(name, sub, settings.get(name, {}))
            if on_model:
                on_model(name, k + 1, len(models))
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pending: dict[str, list] = {}
    done = 0
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        for name in sorted(models, key=lambda m: -_HEAVY.get(m, 1)):     # longest first
            parts = _chunks(sub, _HEAVY.get(name, 1))
            pending[name] = [(idx, pool.submit(_forecast_chunk, name, sub.subset(idx), settings.get(name, {})))
                             for idx in parts]
        for name in models:
            pred = np.full(sub.n_issues, np.nan)
            for idx, fut in pending[name]:
                pred[idx] = fut.result()
            out[name] = pred
            done += 1
            if on_model:
                on_model(name, done, len(models))
    return out


def scored_issues(scenario: Scenario, min_actors: int = 3) -> np.ndarray:
    """Indices of issues with a known outcome and at least ``min_actors`` participants."""
    ok = np.isfinite(scenario.outcome) & (scenario.participates.sum(axis=0) >= min_actors)
    return np.nonzero(ok)[0]


def bootstrap_mean_interval(values: np.ndarray, n_boot: int = 2000, level: float = 0.95,
                            rng: np.random.Generator | None = None,
                            index: np.ndarray | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values``; pass ``index`` (n_boot × n) to pair
    several statistics on the same resamples."""
    if len(values) == 0:
        return float("nan"), float("nan")
    if index is None:
        rng = rng or np.random.default_rng(0)
        index = rng.integers(0, len(values), size=(n_boot, len(values)))
    means = values[index].mean(axis=1)
    alpha = (1 - level) / 2
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def backtest(source: Scenario | str | Path, format: str | None = "deu", *,
             models: Sequence[str] = DEFAULT_MODELS,
             capabilities: str | Path | Mapping[str, float] | None = None,
             settings: Mapping[str, Mapping[str, Any]] | None = None, n_boot: int = 2000,
             seed: int = 20240521, min_actors: int = 3, baseline: str = "compromise",
             jobs: int | None = None,
             on_model: Callable[[str, int, int], None] | None = None) -> BacktestResult:
    """Run ``models`` on the scored issues of ``source`` and compare them with the outcomes.

    ``source``: a Scenario or a file (``format`` ``deu`` or ``csv``; the CSV needs an issues table
    with an ``outcome`` column). ``capabilities``: a capability table replacing the Council weights for
    DEU. ``settings``: per-model keyword settings, e.g. ``{"bdm": {"q": 0.5}}``. ``jobs``: worker
    processes (default 1); with more, the dynamic models run on chunks of issue groups in parallel —
    every model is a pure function of its issue group, so the result is the same.
    """
    from suasion.bargaining.readers import read_scenario

    for m in models:
        if m not in MODELS:
            raise ModelSettingError(f"unknown model {m!r}; choose from {', '.join(MODELS)}")
    if isinstance(source, Scenario):
        scenario = source
        if capabilities is not None:
            raise ModelSettingError("capabilities= applies to files; give the Scenario its capabilities")
    else:
        scenario = read_scenario(source, format, capabilities=capabilities)
    idx = scored_issues(scenario, min_actors)
    if len(idx) == 0:
        raise ModelSettingError(f"no issue in {scenario.source or scenario.name} has a known outcome and "
                                f"at least {min_actors} actors with position and salience")
    sub = scenario.subset(idx)
    outcome = sub.outcome
    rng = np.random.default_rng(seed)
    boot_index = rng.integers(0, len(idx), size=(n_boot, len(idx)))
    errors: dict[str, np.ndarray] = {}
    frames = []
    models = list(models)
    predictions = _forecast_all(sub, models, settings or {}, jobs, on_model)
    for name in models:
        pred = predictions[name]
        err = np.abs(pred - outcome)
        errors[name] = err
        frames.append(pd.DataFrame({"issue_id": list(sub.issues), "group": list(sub.group), "model": name,
                                    "prediction": pred, "outcome": outcome, "abs_error": err}))
    rows = []
    base = errors.get(baseline)
    for name in models:
        err = errors[name]
        lo, hi = bootstrap_mean_interval(err, index=boot_index)
        row = {"model": name, "n": int(np.isfinite(err).sum()), "mae": float(np.mean(err)),
               "mae_low": lo, "mae_high": hi, "median_ae": float(np.median(err)),
               "within_5": float(np.mean(err <= 5)), "within_10": float(np.mean(err <= 10))}
        if base is not None:
            diff = err - base
            dlo, dhi = bootstrap_mean_interval(diff, index=boot_index)
            row.update({"diff_vs_baseline": float(diff.mean()), "diff_low": dlo, "diff_high": dhi})
        rows.append(row)
    return BacktestResult(summary=pd.DataFrame(rows), predictions=pd.concat(frames, ignore_index=True),
                          n_issues=len(idx), baseline=baseline)
