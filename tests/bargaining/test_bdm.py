"""BDM expected-utility model (Scholz, Calbert & Smith 2011)."""

from __future__ import annotations

import numpy as np
import pytest

from suasion.bargaining.models.bdm import BDMSettings, bdm, bdm_issue, probability_matrix
from suasion.bargaining.readers import read_scenario
from suasion.bargaining.scenario import ModelSettingError
from tests.bargaining.helpers import one_issue


def _emission(fixtures):
    scen = read_scenario(fixtures / "emission_standards.csv")
    return scen.position[:, 0], scen.capability[:, 0], scen.salience[:, 0]


def test_emission_case_regression(fixtures):
    """Reference notes §4.10: paper-faithful settings give median 9.53 and means 7.61 / 7.72."""
    x, c, s = _emission(fixtures)
    _, _, stats = bdm_issue(x, c, s, BDMSettings(rounds=8, stopping="fixed"), (4, 10))
    medians = [round(m, 2) for m, _ in stats[1:]]
    means = [round(m, 2) for _, m in stats[1:]]
    assert medians == [9.53, 9.53, 9.53, 10, 10, 10, 10, 10]
    assert means == [7.61, 7.72, 8.30, 9.64, 9.68, 9.72, 9.74, 9.75]


@pytest.mark.parametrize("q, risk, medians", [
    (1.0, False, [7.0] * 8),
    (0.5, True, [10, 9.77, 9.77, 6.83, 6.34, 6.07, 6.07, 6.08]),
    (0.5, False, [7.54, 10, 9.66, 9.82, 9.79, 9.77, 9.78, 9.78]),
])
def test_emission_case_other_settings(fixtures, q, risk, medians):
    x, c, s = _emission(fixtures)
    _, _, stats = bdm_issue(x, c, s, BDMSettings(q=q, risk=risk, rounds=8, stopping="fixed"), (4, 10))
    assert [round(m, 2) for m, _ in stats[1:]] == medians


def test_convergence_stops_at_953(fixtures):
    x, c, s = _emission(fixtures)
    final, positions, _ = bdm_issue(x, c, s, BDMSettings(), (4, 10))
    assert final == pytest.approx(9.53, abs=0.005)
    assert len(positions) == 4                      # input + 3 rounds


def test_probability_by_hand():
    # three actors at 0, 50, 100 with weights 1, 1, 2. P[0 over 2]: d_k = |x_k-100| - |x_k-0|
    # = 100, 0, -100 -> num = 1*100, den = 1*100 + 2*100 -> 1/3
    p = probability_matrix(np.array([0.0, 50.0, 100.0]), np.array([1.0, 1.0, 2.0]))
    assert p[0, 2] == pytest.approx(1 / 3)
    assert p[2, 0] == pytest.approx(2 / 3)


def test_two_symmetric_actors_do_not_move():
    scen = one_issue([0, 100], [1, 1], [0.5, 0.5])
    res = bdm(scen)
    assert res.forecast.iloc[0] == pytest.approx(50)
    last = res.history[res.history["round"] == res.history["round"].max()]
    assert sorted(last["position"]) == [0, 100]


def test_dominant_actor_wins():
    scen = one_issue([10, 50, 90], [100, 1, 1], [1, 0.5, 0.5])
    assert bdm(scen).forecast.iloc[0] == 10


def test_zero_salience_actor_gives_in():
    # B does not care (s = 0): it never resists, so A's challenge is sure to succeed and B capitulates
    scen = one_issue([20, 80], [1, 1], [1.0, 0.0])
    res = bdm(scen, rounds=1, stopping="fixed")
    moved = res.history[(res.history["round"] == 1)].set_index("actor")["position"]
    assert moved["A1"] == pytest.approx(20)
    assert moved["A0"] == pytest.approx(20)


def test_history_and_summary_shapes():
    scen = one_issue([0, 30, 60, 100], [1, 2, 3, 1], [0.9, 0.5, 0.7, 0.4])
    res = bdm(scen, rounds=3, stopping="fixed")
    assert set(res.history["round"]) == {0, 1, 2, 3}
    assert len(res.summary) == 4 and res.settings["q"] == 1.0


def test_bad_setting():
    with pytest.raises(ModelSettingError, match="conflict"):
        bdm(one_issue([0, 1], [1, 1], [1, 1]), conflict="fight")
