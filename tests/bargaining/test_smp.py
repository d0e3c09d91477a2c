"""KTAB-style spatial model: regression against KTAB's reference run and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suasion.bargaining.models.smp import (
    SMPSettings,
    assess,
    challenge_matrix,
    pce,
    prob_edu,
    run_smp,
    smp,
    victory_prob,
)
from suasion.bargaining.readers import read_scenario
from tests.bargaining.helpers import one_issue


def test_soe_reference_run_reproduced_exactly(fixtures):
    """KTAB's smpc on SOE-Pol-Comp (seed 15455440707583219804, default parameters): 13 actors x 2
    dimensions x 28 states; every printed position (one decimal) must match."""
    scen = read_scenario(fixtures / "SOE-Pol-Comp.csv")
    ref = pd.read_csv(fixtures / "SOE-Pol-Comp_refrun_position_history.csv")
    result = run_smp(scen.position / 100, scen.salience, scen.capability[:, 0])
    assert len(result["positions"]) == ref["turn"].max() + 1 == 28
    dims = {"Policy Position": 0, "Competitive Position": 1}
    ours = [float("%.1f" % (100 * result["positions"][r.turn][scen.actor_index(r.actor), dims[r.dimension]]))
            for r in ref.itertuples()]
    assert np.array_equal(np.array(ours), ref["position"].to_numpy())
    assert len(ours) == 728


def test_soe_first_turn_risk_attitudes_match_log(fixtures):
    # "Inferred risk attitudes" printed in KTAB's log of the same run
    scen = read_scenario(fixtures / "SOE-Pol-Comp.csv")
    state = assess(scen.position / 100, scen.salience, scen.capability[:, 0], SMPSettings().normalised())
    logged = [1.000, -0.498, -0.452, 0.362, -0.500, -0.500, -0.497, -0.499, -0.452, 0.643, -0.383, -0.196, -0.500]
    assert np.round(state.risk[0], 3).tolist() == logged
    # "Est by 0 of prob 0.7676 that [0>10], with expected gain to 0 of +0.0456"
    p, edu = challenge_matrix(state, scen.salience.sum(axis=1), scen.capability[:, 0], SMPSettings().normalised())
    assert round(p[0, 10], 4) == 0.7676 and round(edu[0, 10], 4) == 0.0456
    assert int(np.argmax(edu[0])) == 10
    # the scalar version agrees with the vectorised one, and gives 10's view "prob 0.8775 ... +0.2065"
    st = SMPSettings().normalised()
    sal_total, cap = scen.salience.sum(axis=1), scen.capability[:, 0]
    assert prob_edu(state, sal_total, cap, st, 0, 0, 0, 10) == pytest.approx((p[0, 10], edu[0, 10]))
    p10, e10 = prob_edu(state, sal_total, cap, st, 10, 0, 0, 10)
    assert round(p10, 4) == 0.8775 and round(e10, 4) == 0.2065


def test_two_symmetric_actors_first_turn_by_hand():
    """Actors at 0 and 100, equal weights: P = 1/2, both bargains put both at 50, every actor is
    indifferent between its status quo and the bargains (linear utilities), so each takes the first
    option of its queue: actor 0 keeps its status quo, actor 1 adopts the first bargain (50)."""
    res = smp(one_issue([0, 100], [1, 1], [0.5, 0.5]), max_turns=1)
    first = res.history[res.history["round"] == 1].set_index("actor")["position"]
    assert first["A0"] == 0 and first["A1"] == pytest.approx(50)


def test_zero_salience_actor_adopts_the_other_position():
    """An actor with zero salience is indifferent; the other's bargain weights are s_i^2 P^2 vs 0,
    so both adopt the caring actor's position."""
    res = smp(one_issue([20, 80], [1, 1], [1.0, 0.0]))
    assert res.forecast.iloc[0] == pytest.approx(20)


def test_dominant_actor_draws_everyone():
    res = smp(one_issue([10, 50, 90], [100, 1, 1], [1, 1, 1]))
    assert res.forecast.iloc[0] == pytest.approx(10, abs=0.5)
    last = res.history[res.history["round"] == res.history["round"].max()]
    assert last["position"].max() < 11


def test_pce_conditional_by_hand():
    # two options, coalition 2:1 -> P = 2/3 (Linear), 4/5 (Square); conditional PCE p ∝ Π_j P[i>j]
    c = np.array([[1e-8, 2.0], [1.0, 1e-8]])
    assert victory_prob(c, "Linear")[0, 1] == pytest.approx(2 / 3)
    assert victory_prob(c, "Square")[0, 1] == pytest.approx(4 / 5)
    p = pce(c, "Linear", "Conditional")
    assert p == pytest.approx([2 / 3, 1 / 3])
    for model in ("MarkovUniform", "MarkovIncentive"):
        q = pce(c, "Linear", model)
        assert q.sum() == pytest.approx(1) and q[0] > q[1]


def test_joint_dimensions_for_ktab_scenarios(fixtures):
    scen = read_scenario(fixtures / "SOE-Pol-Comp.csv")
    res = smp(scen)
    assert res.settings["joint"] is True
    assert res.extra["turns"] == {"Policy": 27, "Competitive": 27}
    # final cluster of the reference run: about 38-43 (policy) and 28-43 (competitive)
    assert 35 < res.forecast["Policy"] < 45 and 25 < res.forecast["Competitive"] < 45


def test_settings_validation():
    from suasion.bargaining.scenario import ModelSettingError

    with pytest.raises(ModelSettingError, match="voting_rule"):
        smp(one_issue([0, 1], [1, 1], [1, 1]), voting_rule="Majority")
    assert SMPSettings.from_ktab_xml({"VotingRule": "PropCbc", "BigRAdjust": "No"}).normalised().big_r_adjust == "None"


@pytest.mark.parametrize("kw", [dict(voting_rule="PropCbc"), dict(victory_prob="Quartic"),
                                dict(pce="MarkovIncentive"), dict(third_party="NoCommit"),
                                dict(inter_vec_bargain="S2PMax"), dict(bargain_model="PWCompInterp"),
                                dict(bargain_model="InitRcvrInterp"), dict(transitions="Stochastic")])
def test_other_parameters_run_and_stay_in_range(fixtures, kw):
    scen = read_scenario(fixtures / "SOE-Pol-Comp.csv")
    res = smp(scen, max_turns=5, **kw)
    assert res.forecast.between(0, 100).all()
    assert res.history["position"].between(0, 100).all()


def test_dummy_3dim_reference_run_reproduced_exactly(fixtures):
    """KTAB's reference run of dummyData_3Dim.csv (7 actors x 3 dimensions, 11 states)."""
    scen = read_scenario(fixtures / "dummyData_3Dim.csv")
    ref = pd.read_csv(fixtures / "dummyData_3Dim_refrun_position_history.csv")
    result = run_smp(scen.position / 100, scen.salience, scen.capability[:, 0])
    assert len(result["positions"]) == 11
    ours = [float("%.1f" % (100 * result["positions"][r.turn][scen.actor_index(r.actor), scen.issue_index(r.dimension)]))
            for r in ref.itertuples()]
    assert np.array_equal(np.array(ours), ref["position"].to_numpy()) and len(ours) == 231


def test_batched_spaces_match_single_runs(fixtures):
    """Spaces run together in a batch give exactly what each gives alone."""
    from suasion.bargaining.models.smp import run_smp_batch

    scen = read_scenario(fixtures / "deu_sample.tsv", "deu")
    sizes = scen.participates.sum(axis=0)
    n = int(np.bincount(sizes).argmax())
    issues = [d for d in range(scen.n_issues) if sizes[d] == n][:4]
    assert len(issues) >= 2
    arrays = []
    for d in issues:
        idx = np.nonzero(scen.participates[:, d])[0]
        arrays.append((scen.position[idx, d][:, None] / 100, scen.salience[idx, d][:, None], scen.capability[idx, d]))
    batch = run_smp_batch(*(np.stack(a) for a in zip(*arrays)))
    for (pos, sal, cap), got in zip(arrays, batch):
        alone = run_smp(pos, sal, cap)
        assert got["turns"] == alone["turns"]
        assert np.array_equal(np.stack(got["positions"]), np.stack(alone["positions"]))


def test_xml_parameters_become_settings(write):
    xml = """<Scenario><name>t</name><ModelParameters><VotingRule>PropCbc</VotingRule>
    <PCEModel>MarkovIncentive</PCEModel></ModelParameters><Dimensions><dName>A</dName></Dimensions><Actors>
    <Actor><name>Al</name><capability>10</capability><Position><dCoord>30</dCoord></Position>
    <Salience><dSal>20</dSal></Salience></Actor>
    <Actor><name>Bo</name><capability>5</capability><Position><dCoord>70</dCoord></Position>
    <Salience><dSal>80</dSal></Salience></Actor>
    <Actor><name>Cy</name><capability>7</capability><Position><dCoord>50</dCoord></Position>
    <Salience><dSal>50</dSal></Salience></Actor></Actors></Scenario>"""
    res = smp(read_scenario(write("x.xml", xml)))
    assert res.settings["voting_rule"] == "PropCbc" and res.settings["pce"] == "MarkovIncentive"
    assert 30 <= res.forecast.iloc[0] <= 70
