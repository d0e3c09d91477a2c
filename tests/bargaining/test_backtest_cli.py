"""Backtest and the command line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from suasion.bargaining.backtesting import backtest, bootstrap_mean_interval
from suasion.bargaining.scenario import ModelSettingError
from suasion.cli import app

runner = CliRunner()
FIX = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "bargaining"


def test_bootstrap_interval_contains_mean_and_shrinks():
    rng = np.random.default_rng(1)
    small = rng.normal(10, 5, 30)
    big = rng.normal(10, 5, 3000)
    lo1, hi1 = bootstrap_mean_interval(small)
    lo2, hi2 = bootstrap_mean_interval(big)
    assert lo1 < small.mean() < hi1 and lo2 < big.mean() < hi2
    assert hi2 - lo2 < (hi1 - lo1) / 5


def test_backtest_on_fixture(fixtures):
    res = backtest(fixtures / "deu_sample.tsv", "deu", models=("compromise", "median", "bdm"))
    s = res.summary.set_index("model")
    preds = res.predictions
    # the MAE is the mean of the per-issue errors written out
    comp = preds[preds.model == "compromise"]
    assert s.loc["compromise", "mae"] == pytest.approx((comp.prediction - comp.outcome).abs().mean())
    assert s.loc["compromise", "mae_low"] < s.loc["compromise", "mae"] < s.loc["compromise", "mae_high"]
    assert s.loc["compromise", "diff_vs_baseline"] == 0
    assert res.n_issues == len(comp) and 30 <= res.n_issues <= 40


@pytest.mark.shared
def test_backtest_full_dev_file_reproduces_reference(shared_data):
    """Reference notes §8.2: compromise MAE 22.99 on all 351 DEU III issues; the development part
    (228 scored issues) gives 22.29. BDM paper-faithful 27.96 on all issues, median 28.56."""
    path = shared_data / "bargaining" / "deu" / "deu_dev.csv"
    res = backtest(path, "deu", models=("compromise", "median", "bdm"))
    s = res.summary.set_index("model")
    assert res.n_issues == 228
    assert s.loc["compromise", "mae"] == pytest.approx(22.29, abs=0.01)
    assert 26 < s.loc["bdm", "mae"] < 29 and 26 < s.loc["median", "mae"] < 30
    assert s.loc["bdm", "diff_low"] > 0           # BDM does not beat the weighted mean on DEU


def test_cli_backtest_writes_predictions(fixtures, tmp_path):
    out = tmp_path / "pred.csv"
    res = runner.invoke(app, ["backtest", str(fixtures / "deu_sample.tsv"), "--format", "deu",
                              "--models", "compromise,bdm", "--out", str(out), "--output", "json"])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(out)
    assert {"issue_id", "model", "prediction", "outcome"} <= set(frame.columns)
    assert set(frame.model) == {"compromise", "bdm"}
    summary = json.loads(res.stdout[res.stdout.index("["):])
    assert [r["model"] for r in summary] == ["compromise", "bdm"]


def test_cli_forecast_json(fixtures):
    res = runner.invoke(app, ["forecast", str(fixtures / "emission_standards.csv"), "--model", "bdm",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows[0]["forecast"] == pytest.approx(9.53, abs=0.01)


def test_cli_forecast_runs_gives_interval(fixtures):
    res = runner.invoke(app, ["forecast", str(fixtures / "SOE-Pol-Comp.csv"), "--runs", "30", "--format",
                              "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    for r in rows:
        assert r["low"] <= r["mean"] <= r["high"] and r["runs"] == 30


def test_cli_bad_file_is_one_line_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("actor,issue,position,salience,capability\nA,x,500,0.5,1\n")
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", "from suasion.cli import main; main()", "forecast", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "line 2" in proc.stderr and "outside the scale" in proc.stderr and "Traceback" not in proc.stderr


def test_parallel_backtest_gives_the_same_predictions(fixtures):
    one = backtest(fixtures / "deu_sample.tsv", "deu", models=("compromise", "bdm", "exchange"), jobs=1)
    two = backtest(fixtures / "deu_sample.tsv", "deu", models=("compromise", "bdm", "exchange"), jobs=2)
    pd.testing.assert_frame_equal(one.predictions, two.predictions)


def test_cli_forecast_writes_history(fixtures, tmp_path):
    out = tmp_path / "hist.csv"
    res = runner.invoke(app, ["forecast", str(fixtures / "SOE-Pol-Comp.csv"), "--model", "smp", "--history",
                              str(out), "--format", "csv"])
    assert res.exit_code == 0, res.output
    hist = pd.read_csv(out)
    assert set(hist.columns) == {"issue", "round", "actor", "position"}
    assert hist["round"].max() == 27 and hist["actor"].nunique() == 13


def test_public_api_names():
    import suasion

    scen = suasion.read_scenario(FIX / "emission_standards.csv")
    assert suasion.forecast(scen)["forecast"].iloc[0] == pytest.approx(7.39, abs=0.01)
    assert callable(suasion.exchanges) and callable(suasion.backtest)


def test_cli_model_settings(fixtures):
    res = runner.invoke(app, ["forecast", str(fixtures / "emission_standards.csv"), "--model", "bdm",
                              "--set", "q=0.5", "--set", "risk=false", "--set", "rounds=8", "--set",
                              "stopping=fixed", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["forecast"] == pytest.approx(9.78, abs=0.01)   # notes §4.10 table
    bad = runner.invoke(app, ["forecast", str(fixtures / "emission_standards.csv"), "--model", "bdm",
                              "--set", "qq=1"])
    assert bad.exit_code != 0


def test_backtest_tidy_csv(tmp_path):
    (tmp_path / "b.csv").write_text("actor,issue,position,salience,capability\n"
                                    "A,x,0,1,1\nB,x,100,1,1\nC,x,40,1,2\n"
                                    "A,y,10,0.5,1\nB,y,30,0.5,1\nC,y,90,0.5,1\n")
    (tmp_path / "b_issues.csv").write_text("issue,outcome\nx,50\ny,\n")
    with pytest.raises(ModelSettingError, match="one proposal"):     # nothing to cross-validate on
        backtest(tmp_path / "b.csv", "csv", models=("compromise", "median"))
    res = backtest(tmp_path / "b.csv", "csv", models=("compromise", "median"), frozen=True)
    assert res.n_issues == 1                                 # y has no outcome
    s = res.summary.set_index("model")
    assert s.loc["compromise", "mae"] == pytest.approx(abs((0 + 100 + 80) / 4 - 50))
    assert s.loc["median", "mae"] == pytest.approx(10)
