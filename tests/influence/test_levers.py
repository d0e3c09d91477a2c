"""Incentives: analytic marginals against finite differences through the full model, new ties
against exact recomputation, and the units, caps and data years worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from suasion.errors import SuasionError
from suasion.influence import incentives
from suasion.influence.counterfactual import apply_changes, parse_change
from suasion.influence.levers import column_gradient
from suasion.influence.network import influence_network
from tests.influence.worlds import YEAR, without_channels, world

NEW = {
    "remittances": {("FRA", "TUR"): 5.0, ("USA", "TUR"): 15.0},
    "migrants": {("FRA", "TUR"): 2000.0, ("USA", "TUR"): 1000.0},
    "us_training": {("USA", "TUR"): 300.0},
    "diplomatic_rep": {("FRA", "TUR"): 0.5, ("TUR", "FRA"): 1.0, ("USA", "TUR"): 1.0},
    "pta_count": {("FRA", "USA"): 1.0},
    "pta_depth": {("FRA", "USA"): 4.0},
    "china_debt": {("CHN", "TUR"): 50.0},
}


def menu_world(**kwargs):
    return world({"oda": {("FRA", "TUR"): 20.0, ("USA", "TUR"): 30.0},
                  "arms_tiv": {("USA", "TUR"): 40.0, ("FRA", "PAK"): 10.0},
                  "oof": {("CHN", "TUR"): 8.0}},
                 new=NEW, missing=("us_training", "china_debt"), **kwargs)


def pull_after(panel, expressions: str, scale: float, blocs=(), model="suasion", p="FRA", b="TUR") -> float:
    changes = [parse_change(e, tuple(panel.channels)) for e in expressions.split("; ")]
    changes = [replace(c, amount=c.amount * scale) if c.kind == "absolute" else c for c in changes]
    changed, _ = apply_changes(panel, changes, YEAR)
    net = influence_network(changed, YEAR, blocs, model)
    return float(net.pull[net.index(p), net.index(b)])


@pytest.mark.parametrize("model", ["suasion-1", "suasion-2"])
def test_every_lever_matches_the_full_model(model: str) -> None:
    """Derivatives against finite differences of the lever's own what-if changes; new ties
    against recomputing the model with them."""
    panel = menu_world()
    menu = incentives("FRA", "TUR", YEAR, panel=panel, model=model)
    base = influence_network(panel, YEAR, (), model)
    pull = float(base.pull[base.index("FRA"), base.index("TUR")])
    assert menu["pull"].iloc[0] == pytest.approx(pull)
    eps = 1e-5
    for _, row in menu.iterrows():
        if row["method"] == "derivative":
            finite = (pull_after(panel, row["whatif"], eps, model=model) - pull) / eps
            assert row["marginal_pull"] == pytest.approx(finite, rel=2e-3, abs=1e-10), (row["lever"], row["third_party"])
        else:
            exact = pull_after(panel, row["whatif"], 1.0, model=model) - pull
            assert row["marginal_pull"] == pytest.approx(exact, rel=1e-12, abs=1e-15), row["lever"]
    levers = set(menu["lever"])
    if model == "suasion-1":
        assert "work visas" not in levers and "a diplomatic upgrade" not in levers
        assert "official finance and loans" in levers
    else:
        assert {"remittance corridor", "work visas", "a diplomatic upgrade", "a trade agreement",
                "official lending"} <= levers
        # FRA's training is not measured (only the USA's is): no upper bound dressed as an estimate
        assert "a training programme" not in levers and "a training programme" in menu.attrs["not_offered"]
    assert (menu["marginal_pull"].diff().dropna() <= 1e-15).all()          # best first


def test_units_caps_and_data_years_by_hand() -> None:
    panel = menu_world()
    menu = incentives("FRA", "TUR", YEAR, panel=panel)
    rows = {(r["lever"], r["kind"], r["third_party"] if isinstance(r["third_party"], str) else None): r
            for _, r in menu.iterrows()}
    # USA gives TUR USD 30 m of aid: FRA can take over all of it, not USD 100 m
    aid = rows[("development aid", "substitute", "USA")]
    assert aid["unit_size"] == pytest.approx(30.0) and "all of USA's" in aid["unit"]
    assert aid["whatif"] == "FRA>TUR oda +30; USA>TUR oda -30"
    assert rows[("development aid", "expand", None)]["unit_size"] == 100.0
    # work visas: TUR's migrants in FRA send 5 / 2000 USD m each (USD 2,500): +10,000 visas, +USD 25 m
    visas = rows[("work visas", "expand", None)]
    assert visas["whatif"] == "FRA>TUR migrants +10000; FRA>TUR remittances +25"
    assert "USD 2,500 per migrant" in visas["unit"] and visas["data_year"] == YEAR
    # market access: 1% of TUR's exports (50 to FRA): USD 0.5 m
    assert rows[("market access", "expand", None)]["unit_size"] == pytest.approx(0.5)
    # ties: ambassador level, and a trade agreement as deep as FRA's median one (4)
    assert rows[("a diplomatic upgrade", "new tie", None)]["whatif"] == "FRA>TUR diplomatic_rep =1"
    assert rows[("a trade agreement", "new tie", None)]["whatif"] == "FRA-TUR pta_count =1; FRA-TUR pta_depth =4"
    # finance: TUR owes CHN USD 50 m; FRA can refinance all of it (not USD 100 m)
    finance = rows[("official lending", "substitute", "CHN")]
    assert finance["unit_size"] == pytest.approx(50.0) and finance["whatif"] == "FRA>TUR oof +50; CHN>TUR china_debt -50"


def test_training_programme_for_the_principal_whose_training_is_measured() -> None:
    """USA trains 300 of TUR's personnel: 100 more a year, valued against the full model."""
    panel = menu_world()
    menu = incentives("USA", "TUR", YEAR, panel=panel)
    row = menu[menu["lever"] == "a training programme"].iloc[0]
    assert row["whatif"] == "USA>TUR us_training +100" and row["current"] == 300.0 and row["data_year"] == YEAR
    assert row["unit"] == "100 of TUR's military personnel trained a year"
    base = influence_network(panel, YEAR)
    pull = float(base.pull[base.index("USA"), base.index("TUR")])
    finite = (pull_after(panel, row["whatif"], 1e-5, p="USA") - pull) / 1e-5
    assert row["marginal_pull"] == pytest.approx(finite, rel=2e-3)


def test_data_year_of_a_carried_flow() -> None:
    panel = menu_world()
    oy = np.array(panel.observed_year["exports"], copy=True)
    oy[panel.year_index(YEAR), panel.actor_index("FRA"), panel.actor_index("TUR")] = 2008
    panel = replace(panel, observed_year={**panel.observed_year, "exports": oy})
    menu = incentives("FRA", "TUR", YEAR, panel=panel)
    row = menu[(menu["lever"] == "trade preferences") & (menu["kind"] == "expand")].iloc[0]
    assert row["data_year"] == 2008


def test_unknown_debt_falls_back_to_five_years_of_lending() -> None:
    """Without CHN's debt stock, suasion-2's finance flow is CHN's lending over 5 years (8 a year in
    2008-2010: 24); FRA can take over at most what CHN lends this year (8)."""
    panel = world({"oda": {("FRA", "TUR"): 20.0}, "oof": {("CHN", "TUR"): 8.0}}, missing=("china_debt",))
    menu = incentives("FRA", "TUR", YEAR, panel=panel, third_parties=1)
    row = menu[(menu["lever"] == "official lending") & (menu["kind"] == "substitute")].iloc[0]
    assert row["third_party"] == "CHN" and row["current"] == pytest.approx(24.0)
    assert row["unit_size"] == pytest.approx(8.0) and row["whatif"] == "FRA>TUR oof +8; CHN>TUR oof -8"
    base = influence_network(panel, YEAR)
    pull = float(base.pull[base.index("FRA"), base.index("TUR")])
    finite = (pull_after(panel, row["whatif"], 1e-5) - pull) / 1e-5
    assert row["marginal_pull"] == pytest.approx(finite, rel=2e-3)


def test_bloc_principal_levers_match_the_full_model() -> None:
    """The EU (FRA and DEU in this world) offers TUR aid and a DCA binding every member."""
    actors = ["FRA", "DEU", "TUR", "USA", "PAK"]
    panel = world({"oda": {("FRA", "TUR"): 20.0, ("DEU", "TUR"): 10.0, ("USA", "TUR"): 30.0},
                   "exports": {("FRA", "TUR"): 200.0, ("TUR", "DEU"): 80.0}}, actors=actors)
    menu = incentives("EU", "TUR", YEAR, panel=panel)
    base = influence_network(panel, YEAR, ("EU",))
    pull = float(base.pull[base.index("EU"), base.index("TUR")])
    for _, row in menu.iterrows():
        if row["method"] == "derivative":
            finite = (pull_after(panel, row["whatif"], 1e-5, ("EU",), p="EU") - pull) / 1e-5
            assert row["marginal_pull"] == pytest.approx(finite, rel=2e-3, abs=1e-10), row["lever"]
        else:
            exact = pull_after(panel, row["whatif"], 1.0, ("EU",), p="EU") - pull
            assert row["marginal_pull"] == pytest.approx(exact, rel=1e-12, abs=1e-15), row["lever"]
    assert "new dca EU-TUR" in set(menu["whatif"])


def test_levers_without_data_are_not_offered() -> None:
    panel = without_channels(world(), "migrants", "diplomatic_rep")
    menu = incentives("FRA", "TUR", YEAR, panel=panel)
    assert not {"work visas", "a diplomatic upgrade"} & set(menu["lever"])
    assert {"work visas", "a diplomatic upgrade"} <= set(menu.attrs["not_offered"])
    assert "remittance corridor" in set(menu["lever"])


def test_gradient_from_an_empty_column_is_the_right_derivative() -> None:
    column = np.zeros(3)
    dep, grad = column_gradient(column, 1000.0, 0.02, 1)
    assert dep == 0.0 and grad[1] == pytest.approx(1 / (1000 * 0.02)) and grad[0] == 0.0


def test_bad_incentive_requests() -> None:
    panel = menu_world()
    with pytest.raises(SuasionError, match="both FRA"):
        incentives("FRA", "FRA", YEAR, panel=panel)
    with pytest.raises(SuasionError, match="third_parties must be >= 0"):
        incentives("FRA", "TUR", YEAR, third_parties=-1, panel=panel)
    with pytest.raises(SuasionError, match="not fbic"):
        incentives("FRA", "TUR", YEAR, panel=panel, model="fbic")

