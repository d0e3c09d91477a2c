"""Backtest, second edition: every model as a predictive distribution, scored out of sample.

Protocol (reference notes bargaining-models.md §8.1, §8.4; docs/bargaining.md "Backtest"):

* An issue is scored when its outcome is known and at least ``min_actors`` (3) actors have both a
  position and a salience; errors are on the issue's scale (0–100 for DEU).
* The models' point forecasts depend on nothing fitted, so each model runs once on all scored
  issues. What is fitted — the error-band scale b̃ of each deterministic model and π, τ̃, b̃ of the
  alternatives mixture (:mod:`suasion.bargaining.predictive`, :mod:`~suasion.bargaining.models.mixture`)
  — is fitted by ``folds``-fold cross-validation with folds grouped by proposal
  (:func:`~suasion.bargaining.scoring.grouped_folds`): each issue is forecast with parameters fitted
  on the other folds only.
* ``frozen=True`` fits nothing: every model uses the parameters shipped in the frozen file
  (:mod:`suasion.bargaining.frozen`), and the file's SHA-256 is reported.
* Scores per model (:mod:`suasion.bargaining.scoring`): MAE, RMSE, CRPS, coverage of the 50/80/90 %
  intervals, hit rate of the predicted alternative, each with a 95 % bootstrap interval resampling
  whole proposals; paired differences to the baseline (compromise) for MAE, RMSE and CRPS with
  their intervals and the smallest detectable difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from suasion.bargaining.registry import MODELS, run_model
from suasion.bargaining.scenario import ModelSettingError, Scenario

DEFAULT_MODELS = ("compromise", "median", "bdm", "smp", "exchange", "mixture")


@dataclass
class BacktestResult:
    """``summary``: one row per model; ``predictions``: one row per scored issue and model;
    ``parameters``: what was fitted (per fold) or read (frozen)."""

    summary: pd.DataFrame
    predictions: pd.DataFrame
    n_issues: int
    baseline: str = "compromise"
    n_proposals: int = 0
    folds: int = 0
    frozen: bool = False
    frozen_sha256: str | None = None
    parameters: pd.DataFrame = field(default_factory=pd.DataFrame)


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


def load_scored(source: Scenario | str | Path, format: str | None = "deu", *,
                capabilities: str | Path | Mapping[str, float] | None = None,
                min_actors: int = 3) -> tuple[Scenario, Scenario]:
    """The scenario read from ``source`` and its scored issues (see :func:`scored_issues`)."""
    from suasion.bargaining.readers import read_scenario

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
    return scenario, scenario.subset(idx)


def bootstrap_mean_interval(values: np.ndarray, n_boot: int = 2000, level: float = 0.95,
                            rng: np.random.Generator | None = None,
                            index: np.ndarray | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values`` resampling single values; pass
    ``index`` (n_boot × n) to pair several statistics on the same resamples."""
    if len(values) == 0:
        return float("nan"), float("nan")
    if index is None:
        rng = rng or np.random.default_rng(0)
        index = rng.integers(0, len(values), size=(n_boot, len(values)))
    means = values[index].mean(axis=1)
    alpha = (1 - level) / 2
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def _distributions(sub: Scenario, points: Mapping[str, np.ndarray], models: Sequence[str],
                   fold: np.ndarray | None, frozen_params) -> tuple[dict[str, list], list[dict]]:
    """Each model's predictive distribution per issue: out of fold (``fold`` given) or frozen."""
    from suasion.bargaining.models.mixture import fit_mixture, mixture_distributions, mixture_inputs
    from suasion.bargaining.predictive import band_distributions, fit_band_scale

    lower, upper, y = sub.scale[:, 0], sub.scale[:, 1], sub.outcome
    inputs = mixture_inputs(sub) if "mixture" in models else None
    dists: dict[str, list] = {m: [None] * sub.n_issues for m in models}
    records: list[dict] = []
    blocks = [(-1, np.ones(sub.n_issues, bool))] if fold is None else \
        [(f, fold == f) for f in range(int(fold.max()) + 1)]
    for f, test in blocks:
        train = ~test
        test_idx = np.nonzero(test)[0]
        for name in models:
            if name == "mixture":
                assert inputs is not None
                params = frozen_params.mixture if fold is None else fit_mixture(inputs.subset(train), y[train])
                made = mixture_distributions(inputs.subset(test), params)
                records.append({"fold": f, "model": name, "pi": params.pi, "tau": params.tau, "b": params.b})
            else:
                b = frozen_params.band_for(name) if fold is None else fit_band_scale(
                    points[name][train], y[train], lower[train], upper[train])
                made = band_distributions(points[name][test], lower[test], upper[test], b)
                records.append({"fold": f, "model": name, "b": b})
            for k, d in zip(test_idx, made):
                dists[name][k] = d
    return dists, records


def backtest(source: Scenario | str | Path, format: str | None = "deu", *,
             models: Sequence[str] | None = None,
             capabilities: str | Path | Mapping[str, float] | None = None,
             settings: Mapping[str, Mapping[str, Any]] | None = None, n_boot: int = 2000,
             seed: int = 20240521, min_actors: int = 3, baseline: str = "compromise",
             folds: int = 10, frozen: bool = False, jobs: int | None = None,
             variants: Mapping[str, Mapping[str, Any]] | None = None,
             on_model: Callable[[str, int, int], None] | None = None) -> BacktestResult:
    """Score ``models`` on the issues of ``source`` with known outcomes (module docstring).

    ``source``: a Scenario or a file (``format`` ``deu`` or ``csv``; the CSV needs an issues table
    with an ``outcome`` column). ``capabilities``: a capability table replacing the Council weights
    for DEU. ``settings``: per-model keyword settings, e.g. ``{"bdm": {"q": 0.5}}``. ``folds``: the
    number of cross-validation folds grouped by proposal; ``frozen``: use the shipped parameters and
    fit nothing (``models`` defaults to the frozen ones). ``variants``: extra rows scored on the same
    issues, label → ``{"model": name, "settings": {...}, "capabilities": table}`` (e.g. the compromise
    model with other capabilities). ``jobs``: worker processes for the dynamic models.
    """
    frozen_params = None
    if frozen:
        from suasion.bargaining.frozen import frozen_parameters

        frozen_params = frozen_parameters()
        if settings or variants:
            raise ModelSettingError("--frozen scores the shipped models as they are: no settings or variants")
    models = list(models if models is not None else (frozen_params.models if frozen_params else DEFAULT_MODELS))
    if not models:
        raise ModelSettingError("no model to score")
    for m in models:
        if m not in MODELS:
            raise ModelSettingError(f"unknown model {m!r}; choose from {', '.join(MODELS)}")
        if frozen_params is not None and m not in frozen_params.models:
            raise ModelSettingError(f"model {m!r} has no frozen parameters; frozen models are "
                                    f"{', '.join(frozen_params.models)}")
    if len(set(models)) != len(models):
        raise ModelSettingError("a model is listed twice")
    _, sub = load_scored(source, format, capabilities=capabilities, min_actors=min_actors)
    from suasion.bargaining.scoring import grouped_folds

    fold = None if frozen else grouped_folds(sub.group, folds, seed)
    point_models = [m for m in models if m != "mixture"]
    points = _forecast_all(sub, point_models, settings or {}, jobs, on_model)
    dists, records = _distributions(sub, points, models, fold, frozen_params)
    labels = list(models)
    for label, spec in (variants or {}).items():
        if label in labels:
            raise ModelSettingError(f"variant label {label!r} repeats a model name")
        name = spec.get("model", "compromise")
        vsub = sub
        if spec.get("capabilities") is not None:
            if isinstance(source, Scenario):
                raise ModelSettingError("a variant's capabilities apply to files")
            _, vsub = load_scored(source, format, capabilities=spec["capabilities"], min_actors=min_actors)
            if vsub.issues != sub.issues:
                raise ModelSettingError(f"variant {label!r} scores other issues than the models")
        vpoints = {name: _forecast_chunk(name, vsub, spec.get("settings", {}))} if name != "mixture" else {}
        vd, vrec = _distributions(vsub, vpoints, [name], fold, frozen_params)
        dists[label] = vd[name]
        records += [{**r, "model": label} for r in vrec]
        labels.append(label)
    if on_model and variants:
        on_model("variants", len(labels), len(labels))
    return _score(sub, labels, dists, fold, records, baseline, n_boot, seed, frozen_params)


def _score(sub: Scenario, labels: list[str], dists: Mapping[str, list], fold: np.ndarray | None,
           records: list[dict], baseline: str, n_boot: int, seed: int, frozen_params) -> BacktestResult:
    from suasion.bargaining.distributions import QUANTILE_LEVELS, quantile_column
    from suasion.bargaining.models.mixture import mixture_inputs
    from suasion.bargaining.scoring import (
        MDE_FACTOR,
        PIT_SCORES,
        SCORES,
        issue_scores,
        percentile_interval,
        resample_counts,
        resampled_means,
    )

    y = sub.outcome
    span = sub.scale[:, 1] - sub.scale[:, 0]
    alts = mixture_inputs(sub).alternatives
    counts, group_index = resample_counts(sub.group, n_boot, seed)
    scores, frames, draws = {}, [], {}
    qcols = [quantile_column(q) for q in QUANTILE_LEVELS]
    for label in labels:
        sc = issue_scores(dists[label], y, alts, span)
        scores[label] = sc
        quant = sc["quantiles"]
        frame = pd.DataFrame({"issue_id": list(sub.issues), "model": label, "prediction": sc["prediction"],
                              "outcome": y, "mean": sc["mean"]})
        frame[qcols] = quant
        frame["group"] = list(sub.group)
        frame["fold"] = fold if fold is not None else -1
        for k in ("abs_error", "crps", "hit"):
            frame[k] = sc[k]
        frames.append(frame)
        draws[label] = resampled_means(np.column_stack([sc[k] for k in (*SCORES, *PIT_SCORES)]), counts,
                                       group_index)
    col = {k: i for i, k in enumerate((*SCORES, *PIT_SCORES))}
    rows = []
    for label in labels:
        sc, dr = scores[label], draws[label]
        n = int(np.isfinite(sc["abs_error"]).sum())
        row: dict[str, Any] = {"model": label, "n": n}
        stats = {"mae": (np.nanmean(sc["abs_error"]), dr[:, col["abs_error"]]),
                 "rmse": (np.sqrt(np.nanmean(sc["sq_error"])), np.sqrt(dr[:, col["sq_error"]])),
                 "crps": (np.nanmean(sc["crps"]), dr[:, col["crps"]]),
                 "cover50": (np.nanmean(sc["cover50"]), dr[:, col["cover50"]]),
                 "cover80": (np.nanmean(sc["cover80"]), dr[:, col["cover80"]]),
                 "cover90": (np.nanmean(sc["cover90"]), dr[:, col["cover90"]]),
                 "hit": (np.nanmean(sc["hit"]), dr[:, col["hit"]]),
                 **{k: (np.nanmean(sc[k]), dr[:, col[k]]) for k in PIT_SCORES}}
        for key, (value, boot) in stats.items():
            lo, hi = percentile_interval(boot)
            row.update({key: float(value), f"{key}_low": lo, f"{key}_high": hi})
        row.update({"median_ae": float(np.nanmedian(sc["abs_error"])),
                    "within_5": float(np.nanmean(sc["abs_error"] <= 5)),
                    "within_10": float(np.nanmean(sc["abs_error"] <= 10))})
        if baseline in scores:
            base_sc, base_dr = scores[baseline], draws[baseline]
            pairs = {"mae": (sc["abs_error"] - base_sc["abs_error"], dr[:, col["abs_error"]] - base_dr[:, col["abs_error"]]),
                     "rmse": (None, np.sqrt(dr[:, col["sq_error"]]) - np.sqrt(base_dr[:, col["sq_error"]])),
                     "crps": (sc["crps"] - base_sc["crps"], dr[:, col["crps"]] - base_dr[:, col["crps"]])}
            for key, (per_issue, boot) in pairs.items():
                value = (float(np.nanmean(per_issue)) if per_issue is not None
                         else row["rmse"] - float(np.sqrt(np.nanmean(base_sc["sq_error"]))))
                lo, hi = percentile_interval(boot)
                name = "diff_vs_baseline" if key == "mae" else f"diff_{key}"
                row.update({name: value, f"{name.replace('_vs_baseline', '')}_low": lo,
                            f"{name.replace('_vs_baseline', '')}_high": hi,
                            f"mde_{key}": MDE_FACTOR * float(np.std(boot, ddof=1)) if label != baseline else np.nan})
        rows.append(row)
    return BacktestResult(summary=pd.DataFrame(rows), predictions=pd.concat(frames, ignore_index=True),
                          n_issues=sub.n_issues, baseline=baseline, n_proposals=len(set(sub.group)),
                          folds=0 if fold is None else int(fold.max()) + 1, frozen=frozen_params is not None,
                          frozen_sha256=frozen_params.sha256 if frozen_params is not None else None,
                          parameters=pd.DataFrame(records))
