"""Compromise and weighted median on scenarios computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from suasion.bargaining.models.base import weighted_median
from suasion.bargaining.models.compromise import compromise, median
from tests.bargaining.helpers import one_issue


def test_two_symmetric_actors_meet_in_the_middle():
    scen = one_issue([0, 100], [1, 1], [0.5, 0.5])
    assert compromise(scen).forecast.iloc[0] == pytest.approx(50)
    assert median(scen).forecast.iloc[0] == pytest.approx(50)


def test_weighted_mean_by_hand():
    # weights c*s = 2*0.5=1, 1*1=1, 1*0.5=0.5 -> (0*1 + 60*1 + 100*0.5)/2.5 = 44
    scen = one_issue([0, 60, 100], [2, 1, 1], [0.5, 1.0, 0.5])
    assert compromise(scen).forecast.iloc[0] == pytest.approx(44)
    # cumulative weights in order 0, 60, 100: 1, 2, 2.5; half = 1.25 -> 60
    assert median(scen).forecast.iloc[0] == pytest.approx(60)


def test_dominant_actor_decides_the_median_and_pulls_the_mean():
    scen = one_issue([10, 50, 90], [100, 1, 1], [1, 1, 1])
    assert median(scen).forecast.iloc[0] == 10
    assert compromise(scen).forecast.iloc[0] == pytest.approx((1000 + 50 + 90) / 102)


def test_zero_salience_actor_has_no_weight():
    scen = one_issue([0, 40, 100], [1, 1, 50], [1, 1, 0])
    assert compromise(scen).forecast.iloc[0] == pytest.approx(20)
    assert median(scen).forecast.iloc[0] == pytest.approx(20)


def test_all_zero_salience_falls_back_to_capability():
    scen = one_issue([0, 100], [3, 1], [0, 0])
    assert compromise(scen).forecast.iloc[0] == pytest.approx(25)


def test_weighted_median_ties_and_order():
    assert weighted_median(np.array([5.0, 1.0, 3.0]), np.array([1.0, 1.0, 1.0])) == 3.0
    assert weighted_median(np.array([0.0, 10.0]), np.array([1.0, 3.0])) == 10.0


def test_compromise_can_leave_actors_out():
    from suasion.bargaining.registry import run_model

    scen = one_issue([0, 100, 40], [1, 1, 2], [1, 1, 1], actors=["com", "ep", "de"])
    assert run_model("compromise", scen).forecast.iloc[0] == pytest.approx((0 + 100 + 80) / 4)
    assert run_model("compromise", scen, exclude="com,ep").forecast.iloc[0] == pytest.approx(40)
    assert run_model("median", scen, exclude="com").forecast.iloc[0] == pytest.approx(40)
    with pytest.raises(Exception, match="unknown actor"):
        run_model("compromise", scen, exclude="xx")


def test_backtest_variants_score_the_same_issues(fixtures):
    from suasion.bargaining.backtesting import backtest
    from suasion.bargaining.capability import deu_gdp_table

    path = fixtures / "deu_sample.tsv"
    gdp = deu_gdp_table(path)
    assert gdp["de"] == max(gdp.values()) and gdp["com"] == gdp["de"]
    res = backtest(path, "deu", models=("compromise",), folds=4, n_boot=100,
                   variants={"no com/ep": {"model": "compromise", "settings": {"exclude": "com,ep"}},
                             "gdp": {"model": "compromise", "capabilities": gdp}})
    pred = res.predictions
    assert set(pred.model) == {"compromise", "no com/ep", "gdp"}
    assert pred.groupby("model")["issue_id"].apply(list).map(tuple).nunique() == 1
