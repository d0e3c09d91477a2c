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
