"""Stokman exchange model and the exchange search."""

from __future__ import annotations

import numpy as np
import pytest

from suasion.bargaining.api import exchanges
from suasion.bargaining.models.exchange import exchange_model, exchange_offers
from suasion.bargaining.readers import read_scenario
from suasion.bargaining.scenario import ModelSettingError
from tests.bargaining.helpers import make


def _two_by_two(sal_a=(0.2, 0.8), sal_b=(0.8, 0.2), cap=(1.0, 1.0)):
    return make([[0, 0], [100, 100]], list(cap), [list(sal_a), list(sal_b)], issues=["p", "q"],
                actors=["A", "B"])


def test_equal_gain_exchange_by_hand():
    """O_p = 80, O_q = 20. A cares less about p (0.2/0.8 < 0.8/0.2): A moves fully to 100 on p,
    which shifts O_p by 20; equal gain needs ΔO_q = 20·(0.2+0.8)/(0.8+0.2) = 20, i.e. B moves 100 on
    q; each gains 0.8·20 − 0.2·20 = 12."""
    offers = exchange_offers(_two_by_two(), "A", "B")
    assert len(offers) == 1
    row = offers.iloc[0]
    assert (row.gives_on, row.gives_from, row.gives_to) == ("p", 0, 100)
    assert (row.gets_on, row.gets_from, row.gets_to) == ("q", 100, 0)
    assert row.gain == pytest.approx(12)
    assert row.outcome_shift_gives == pytest.approx(20) and row.outcome_shift_gets == pytest.approx(-20)
    res = exchange_model(_two_by_two(), rounds=1)
    assert res.forecast.tolist() == pytest.approx([100, 0])
    trades = res.extra["exchanges"]
    assert len(trades) == 1 and trades.gain.iloc[0] == pytest.approx(12)


def test_same_priorities_means_no_trade():
    scen = _two_by_two(sal_a=(0.5, 0.5), sal_b=(0.5, 0.5))
    assert exchange_offers(scen, "A").empty
    assert exchange_model(scen).forecast.tolist() == pytest.approx([50, 50])   # = compromise


def test_zero_salience_actor_cannot_trade():
    scen = _two_by_two(sal_a=(0.0, 0.8))
    assert exchange_offers(scen, "A").empty


def test_partial_move_when_partner_would_overshoot():
    """With a weak A (capability 0.25) A's full move on p shifts O_p only a little; B's required move
    on q is then smaller than the distance between them, so B moves part way."""
    scen = _two_by_two(cap=(0.25, 1.0))
    row = exchange_offers(scen, "A", "B").iloc[0]
    assert row.gives_to == pytest.approx(100)
    assert 0 < row.gets_to < 100
    # equal gains: A's gain equals the partner's, recomputed from the outcome shifts
    s_a = np.array([0.2, 0.8])
    gain_a = s_a[1] * abs(row.outcome_shift_gets) - s_a[0] * abs(row.outcome_shift_gives)
    s_b = np.array([0.8, 0.2])
    gain_b = s_b[0] * abs(row.outcome_shift_gives) - s_b[1] * abs(row.outcome_shift_gets)
    assert gain_a == pytest.approx(row.gain) and gain_b == pytest.approx(row.gain)


def test_cop21_first_round_matches_decide(fixtures):
    """Reference notes §6.5: the eight largest equal-gain exchanges of COP21 round 1 in Decide."""
    scen = read_scenario(fixtures / "cop21.csv")
    trades = exchange_model(scen, rounds=1).extra["exchanges"].sort_values("gain", ascending=False)
    top = trades.head(8)
    assert np.round(top.gain.to_numpy(), 4).tolist() == [2.1907, 1.7956, 1.3873, 1.3558, 1.2148, 1.1274,
                                                        1.1195, 1.0888]
    first = top.iloc[0]
    assert {first.actor, first.partner} == {"USA", "China"}
    moves = {(r.actor, r.moves_on, round(r.to, 1)) for r in top.itertuples()} | \
            {(r.partner, r.partner_moves_on, round(r.partner_to, 1)) for r in top.itertuples()}
    assert ("China", "finance_vol", 10.8) in moves and ("USA", "eaa", 0.0) in moves
    assert ("EU28", "eaa", 23.2) in moves and ("India", "mrv", 100.0) in moves


def test_exchanges_api_ranks_and_filters(fixtures):
    scen = read_scenario(fixtures / "cop21.csv")
    all_eu = exchanges(scen, "EU28")
    assert (all_eu.actor == "EU28").all() and all_eu.gain.is_monotonic_decreasing
    with_china = exchanges(scen, "eu28", partner="China")
    assert set(with_china.partner) == {"China"} and len(with_china) < len(all_eu)
    with pytest.raises(ModelSettingError):
        exchanges(scen, "EU28", partner="EU28")


def test_single_issue_groups_fall_back_to_compromise(fixtures):
    scen = read_scenario(fixtures / "deu_sample.tsv", "deu")
    from suasion.bargaining.models.compromise import compromise

    ex, cm = exchange_model(scen).forecast, compromise(scen).forecast
    singles = [d for g, ds in scen.groups().items() if len(ds) == 1 for d in ds]
    assert singles and np.allclose(ex.iloc[singles], cm.iloc[singles])


def test_shipped_example_prices_turkey_leading_talks():
    """The illustrative EU-Turkey-Pakistan scenario: the EU's best offer to Turkey is movement on visa
    liberalisation in return for Turkey leading the talks."""
    from importlib import resources

    path = resources.files("suasion.bargaining").joinpath("data/examples/eu_turkey_pakistan.yaml")
    scen = read_scenario(path)
    best = exchanges(scen, "EU", partner="TUR").iloc[0]
    assert (best.gives_on, best.gets_on) == ("visa_liberalisation", "turkey_leads_talks")
    assert best.gives_from == 10 and best.gives_to > 10 and best.gets_to == 100
