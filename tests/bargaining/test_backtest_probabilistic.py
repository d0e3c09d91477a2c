"""Backtest, second edition: grouped folds, the proposal bootstrap, out-of-fold fitting, --frozen."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suasion.bargaining.backtesting import backtest, load_scored
from suasion.bargaining.distributions import QUANTILE_LEVELS, quantile_column
from suasion.bargaining.frozen import frozen_parameters, frozen_path
from suasion.bargaining.predictive import fit_band_scale
from suasion.bargaining.scenario import ModelSettingError
from suasion.bargaining.scoring import grouped_folds, resample_counts, resampled_means


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([f"p{k}" for k in range(40)]), min_size=2, max_size=300),
       st.integers(2, 12), st.integers(0, 10**6))
def test_grouped_folds_never_split_a_proposal(groups, k, seed):
    if len(set(groups)) < 2:
        return
    fold = grouped_folds(groups, k, seed)
    for g in set(groups):
        assert len({f for f, h in zip(fold, groups) if h == g}) == 1
    n_folds = min(k, len(set(groups)))
    assert set(fold) == set(range(n_folds))                 # every fold is used


def test_folds_are_balanced_and_reproducible():
    groups = [f"p{k // 3}" for k in range(300)]             # 100 proposals of 3 issues
    fold = grouped_folds(groups, 10, 7)
    assert np.bincount(fold).tolist() == [30] * 10
    assert (fold == grouped_folds(groups, 10, 7)).all()
    assert not (fold == grouped_folds(groups, 10, 8)).all()


def test_one_proposal_cannot_be_cross_validated():
    with pytest.raises(ModelSettingError, match="one proposal"):
        grouped_folds(["a", "a", "a"], 10, 0)


def test_bootstrap_resamples_whole_proposals():
    """Proposal A has two issues scoring 0, proposal B one issue scoring 3. A resample of 2 proposals is
    AA (mean 0), AB or BA ((0+0+3)/3 = 1) or BB (3): no other value can occur."""
    groups = ["A", "A", "B"]
    counts, index = resample_counts(groups, 400, 1)
    assert counts.sum(axis=1).tolist() == [2.0] * 400
    means = resampled_means(np.array([0.0, 0.0, 3.0]), counts, index)[:, 0]
    assert set(np.round(means, 12)) <= {0.0, 1.0, 3.0}
    assert {0.0, 1.0, 3.0} <= set(np.round(means, 12))
    with pytest.raises(ModelSettingError):
        resample_counts(groups, 0, 1)


def test_cross_validation_fits_on_training_folds_only(fixtures):
    path = fixtures / "deu_sample.tsv"
    res = backtest(path, "deu", models=("compromise",), folds=4, n_boot=100)
    _, sub = load_scored(path, "deu")
    pred = res.predictions
    point = pred["prediction"].to_numpy()
    fold = pred["fold"].to_numpy()
    for f in range(4):
        train = fold != f
        b = fit_band_scale(point[train], sub.outcome[train], sub.scale[train, 0], sub.scale[train, 1])
        recorded = res.parameters[(res.parameters.model == "compromise") & (res.parameters.fold == f)]["b"]
        assert recorded.iloc[0] == pytest.approx(b)
    # each proposal sits in one fold
    assert pred.groupby("group")["fold"].nunique().max() == 1


def test_predictions_have_quantile_columns_and_scores_add_up(fixtures):
    res = backtest(fixtures / "deu_sample.tsv", "deu", models=("compromise", "mixture"), folds=4, n_boot=200)
    pred = res.predictions
    qcols = [quantile_column(q) for q in QUANTILE_LEVELS]
    assert list(pred.columns[:5]) == ["issue_id", "model", "prediction", "outcome", "mean"]
    assert qcols == list(pred.columns[5:24])
    assert (np.diff(pred[qcols].to_numpy(), axis=1) >= -1e-9).all()
    assert (pred["q50"] == pred["prediction"]).all()
    s = res.summary.set_index("model")
    for model, rows in pred.groupby("model"):
        assert s.loc[model, "mae"] == pytest.approx((rows.prediction - rows.outcome).abs().mean())
        assert s.loc[model, "crps"] == pytest.approx(rows.crps.mean())
        assert s.loc[model, "mae_low"] <= s.loc[model, "mae"] <= s.loc[model, "mae_high"]
    assert s.loc["compromise", "diff_vs_baseline"] == 0
    assert s.loc["mixture", "diff_crps"] == pytest.approx(s.loc["mixture", "crps"] - s.loc["compromise", "crps"])
    assert s.loc["mixture", "mde_mae"] > 0


def test_frozen_fits_nothing_and_leaves_the_file_unchanged(fixtures, monkeypatch):
    import suasion.bargaining.models.mixture as mixture_mod
    import suasion.bargaining.predictive as predictive_mod

    def refuse(*args, **kwargs):
        raise AssertionError("--frozen must not fit")

    monkeypatch.setattr(predictive_mod, "fit_band_scale", refuse)
    monkeypatch.setattr(mixture_mod, "fit_mixture", refuse)
    before = frozen_path().read_bytes()
    res = backtest(fixtures / "deu_sample.tsv", "deu", frozen=True, models=("compromise", "median", "mixture"),
                   n_boot=100)
    assert frozen_path().read_bytes() == before
    assert res.frozen and res.frozen_sha256 == hashlib.sha256(before).hexdigest()
    params = res.parameters.set_index("model")
    shipped = frozen_parameters()
    assert params.loc["compromise", "b"] == shipped.band["compromise"]
    assert params.loc["mixture", "pi"] == shipped.mixture.pi


def test_frozen_file_documents_its_fit():
    doc = json.loads(frozen_path().read_text())
    assert doc["version"] == 1
    assert doc["fitted_on"]["issues"] == 228 and doc["fitted_on"]["file"] == "deu_dev.csv"
    assert set(doc["band"]) == {"compromise", "median", "bdm", "smp", "exchange"}
    assert 0 < doc["mixture"]["pi"] < 1


def test_frozen_refuses_unknown_and_tuned_models(fixtures):
    with pytest.raises(ModelSettingError, match="no settings"):
        backtest(fixtures / "deu_sample.tsv", "deu", frozen=True, settings={"bdm": {"q": 0.5}})


def test_write_frozen_never_overwrites(tmp_path):
    from suasion.bargaining.frozen import write_frozen

    path = write_frozen({"version": 9}, tmp_path / "f.json")
    with pytest.raises(ModelSettingError, match="never overwritten"):
        write_frozen({"version": 9}, path)


@pytest.mark.shared
def test_dev_cross_validation_figures(shared_data):
    """The figures quoted in docs/bargaining.md (10-fold CV grouped by proposal, seed 20240521)."""
    res = backtest(shared_data / "bargaining" / "deu" / "deu_dev.csv", "deu", models=("compromise", "mixture"))
    s = res.summary.set_index("model")
    assert res.n_issues == 228 and res.n_proposals == 89 and res.folds == 10
    assert s.loc["compromise", "mae"] == pytest.approx(22.29, abs=0.01)     # the band does not move the median
    assert s.loc["mixture", "mae"] == pytest.approx(20.83, abs=0.01)
    assert s.loc["mixture", "crps"] == pytest.approx(14.72, abs=0.01)
    assert s.loc["mixture", "cover80"] == pytest.approx(0.908, abs=0.001)
    assert s.loc["mixture", "diff_crps_high"] < 0                          # better CRPS than compromise


@pytest.mark.slow
@pytest.mark.shared
def test_refit_reproduces_the_frozen_file(shared_data):
    from suasion.bargaining.frozen import fit_parameters

    doc = fit_parameters(shared_data / "bargaining" / "deu" / "deu_dev.csv", "deu")
    shipped = json.loads(frozen_path().read_text())
    assert doc["fitted_on"]["sha256"] == shipped["fitted_on"]["sha256"]
    for name, value in shipped["band"].items():
        assert doc["band"][name] == pytest.approx(value, abs=2e-6)
    for key in ("pi", "tau", "b"):
        assert doc["mixture"][key] == pytest.approx(shipped["mixture"][key], abs=2e-6)


def test_predictions_frame_round_trips(fixtures, tmp_path):
    res = backtest(fixtures / "deu_sample.tsv", "deu", models=("median",), folds=3, n_boot=50)
    out = tmp_path / "p.csv"
    res.predictions.to_csv(out, index=False)
    assert len(pd.read_csv(out)) == res.n_issues
