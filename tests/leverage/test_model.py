"""The suasion model on constructed worlds whose answer is known by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from suasion.leverage.engine import leverage_tensor, suasion_tensor
from suasion.leverage.inputs import collapse_blocs, suasion_inputs
from suasion.leverage.model import SUASION_1, dependence, net_dependence
from tests.leverage.worlds import make_panel

W = dict(zip(SUASION_1.names, SUASION_1.weights()))


def test_single_supplier_dependence_by_hand() -> None:
    # B imports 30 from A only; B's GDP 100: s = 1, H = 1, x = 0.3, g = 0.3 / (0.3 + 0.15) = 2/3
    flows = np.array([[0.0, 30.0], [0.0, 0.0]])
    dep = dependence(flows, np.array([1000.0, 100.0]), 0.15)
    assert dep[0, 1] == pytest.approx(2 / 3)
    assert dep[1, 0] == 0.0


def test_concentration_discounts_spread_dependence() -> None:
    # C receives 10 from A and 10 from B: s = 0.5, H = sqrt(0.5), so D = 0.5 * 0.7071 * g
    flows = np.zeros((3, 3))
    flows[0, 2] = flows[1, 2] = 10.0
    dep = dependence(flows, None, 1.0)
    assert dep[0, 2] == pytest.approx(0.5 * np.sqrt(0.5))


def test_symmetric_trade_gives_no_leverage() -> None:
    panel = make_panel(["AAA", "BBB"], [2000], flows={"exports": {("AAA", "BBB"): 50.0, ("BBB", "AAA"): 50.0}})
    t = leverage_tensor(panel, "suasion-1")
    assert t.score[0, 0, 1] == pytest.approx(0.0)
    assert t.score[0, 1, 0] == pytest.approx(0.0)


def test_asymmetric_trade_by_hand() -> None:
    # AAA (GDP 10000) exports 100 to BBB (GDP 200); BBB exports 10 to AAA.
    panel = make_panel(["AAA", "BBB"], [2000], flows={"exports": {("AAA", "BBB"): 100.0, ("BBB", "AAA"): 10.0}},
                       monadic={"gdp": {"AAA": 10000.0, "BBB": 200.0}})
    t = leverage_tensor(panel, "suasion-1")
    g = lambda x: x / (x + 0.15)
    # supply: B depends on A fully for imports (x = 100/200); A on B fully too (x = 10/10000)
    supply = max(0.0, g(100 / 200) - g(10 / 10000))
    # market: B's exports (10) all go to A (x = 10/200); A's exports (100) all go to B (x = 100/10000)
    market = max(0.0, g(10 / 200) - g(100 / 10000))
    expected = W["trade_supply"] * supply + W["trade_market"] * market
    assert t.score[0, 0, 1] == pytest.approx(expected)
    assert t.score[0, 1, 0] == pytest.approx(0.0)
    contrib = t.contributions[:, 0, 0, 1]
    assert contrib.sum() == pytest.approx(t.score[0, 0, 1])


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (2, 4, 4), elements=st.floats(0, 1e4)),
       arrays(np.float64, (2, 4, 4), elements=st.floats(0, 50)),
       arrays(np.float64, (2, 4), elements=st.floats(1, 1e5)))
def test_scores_bounded_and_contributions_sum(exports, arms, gdp) -> None:
    actors = ["AAA", "BBB", "CCC", "DDD"]
    panel = make_panel(actors, [2000, 2001])
    idx = np.arange(4)
    exports = exports.copy(); arms = arms.copy()
    exports[:, idx, idx] = np.nan
    arms[:, idx, idx] = np.nan
    values = dict(panel.values, exports=exports, arms_tiv=arms)
    monadic = dict(panel.monadic, gdp=gdp)
    from dataclasses import replace
    panel = replace(panel, values=values, monadic=monadic)
    t = leverage_tensor(panel, "suasion-1")
    off = ~np.eye(4, dtype=bool)
    s = t.score[:, off]
    assert np.all((s >= 0) & (s <= 1))
    assert np.allclose(t.contributions[:, :, off].sum(axis=0), s)


def test_net_dependence_is_antisymmetric_in_sign() -> None:
    d = np.array([[0.0, 0.6], [0.2, 0.0]])
    n = net_dependence(d)
    assert n[0, 1] == pytest.approx(0.4) and n[1, 0] == 0.0


def test_bloc_flows_exclude_intra_bloc_trade() -> None:
    # M1, M2 form a bloc. M1 exports 1000 to M2 (intra-bloc), M1 -> T 10, M2 -> T 20, T -> M1 5.
    actors = ["M1", "M2", "TTT"]
    panel = make_panel(actors, [2000], flows={"exports": {("M1", "M2"): 1000.0, ("M1", "TTT"): 10.0,
                                                          ("M2", "TTT"): 20.0, ("TTT", "M1"): 5.0}},
                       monadic={"gdp": {"M1": 500.0, "M2": 500.0, "TTT": 100.0}})
    inputs = suasion_inputs(panel, SUASION_1)
    mask = np.array([[True, True, False]])
    collapsed = collapse_blocs(inputs, {"BLOC": mask})
    assert collapsed.actors[-1] == "BLOC"
    assert list(collapsed.exists[0]) == [False, False, True, True]
    supply = collapsed.channels["trade_supply"]
    assert supply.flows[0, 3, 2] == 30.0          # bloc -> T: 10 + 20
    assert supply.flows[0, 2, 3] == 5.0           # T -> bloc
    assert supply.flows[0, 3, 3] == 0.0           # intra-bloc 1000 never counts
    assert supply.scale[0, 3] == 1000.0           # bloc GDP = sum of members
    tensor = suasion_tensor(collapsed, SUASION_1)
    g = lambda x: x / (x + 0.15)
    # T's imports all come from the bloc (30 of GDP 100); the bloc's imports (5, extra-bloc only) all from T
    supply_net = g(30 / 100) - g(5 / 1000)
    # T's exports all go to the bloc (5); the bloc's extra-bloc exports all go to T (30 of GDP 1000)
    market_net = max(0.0, g(5 / 100) - g(30 / 1000))
    expected = W["trade_supply"] * supply_net + W["trade_market"] * market_net
    assert tensor.score[0, 3, 2] == pytest.approx(expected)
    assert np.isnan(tensor.score[0, 0, 2])         # members are not separate actors


def test_overlapping_blocs_refused() -> None:
    panel = make_panel(["M1", "M2", "TTT"], [2000])
    inputs = suasion_inputs(panel, SUASION_1)
    with pytest.raises(ValueError, match="overlap"):
        collapse_blocs(inputs, {"B1": np.array([[True, True, False]]), "B2": np.array([[False, True, False]])})


def test_troops_channel_and_flags() -> None:
    panel = make_panel(["USA", "DEU", "FRA"], [2010, 2011], flows={"us_troops": {("USA", "DEU"): 5000.0}},
                       monadic={"milper": {"DEU": 100.0}}, carried={"us_troops": {("USA", "DEU"): 2009}},
                       missing={"oda": [("USA", "DEU")]})
    t = leverage_tensor(panel, "suasion-1")
    c = t.channels.index("troops")
    x = 5000 / 100_000
    assert t.contributions[c, 1, 0, 1] == pytest.approx(W["troops"] * x / (x + 0.05))
    assert t.observed_year[c, 1, 0, 1] == 2009
    assert t.observed_year[t.channels.index("aid"), 1, 0, 1] == -1
