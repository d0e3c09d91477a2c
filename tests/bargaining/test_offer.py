"""``suasion offer``: panel levers and scenario exchanges on one scale.

Lever numbers come from the leverage model, which is being revised; these tests check how the menu is
built from ``incentives()`` in the same run, not the numbers themselves."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import suasion
from suasion.bargaining.offer import _sure_lever, ask_issue, offer
from suasion.bargaining.scenario import ModelSettingError

EXAMPLE = Path(__file__).resolve().parents[2] / "src/suasion/bargaining/data/examples/eu_turkey_pakistan.yaml"


@pytest.fixture(scope="module")
def menu_panel_only():
    return offer("EU", "TUR", "PAK")


def test_panel_only_menu_is_the_levers_on_the_support_scale(menu_panel_only):
    menu = menu_panel_only
    levers = suasion.incentives("EU", "TUR")
    assert len(menu) == len(levers)
    assert (menu["kind"].str.startswith("lever")).all()
    # without a scenario the gap is 1: the support gain is the pull gain
    assert np.allclose(menu["support_gain"], menu["pull_gain"])
    assert np.allclose(np.sort(menu["pull_gain"].to_numpy()), np.sort(levers["marginal_pull"].to_numpy()))
    assert (np.diff(menu["support_gain"].to_numpy()) <= 0).all()
    assert menu["rank"].tolist() == list(range(1, len(menu) + 1))
    assert set(menu["sure"]) <= {"high", "medium", "low"}
    ctx = menu.attrs["context"]
    assert (ctx["principal"], ctx["broker"], ctx["target"]) == ("EU", "TUR", "PAK") and ctx["gap"] == 1.0
    row = suasion.brokers("EU", "PAK", ctx["year"]).set_index("broker").loc["TUR"]
    assert ctx["leverage_over_target"] == pytest.approx(row["leverage_over_target"])


def test_scenario_adds_exchanges_priced_by_hand():
    """In the example the EU stands at 100 and Turkey at 20 on turkey_leads_talks; the EU's stake there,
    0.9 × 80/100, is its largest, so that is the ask issue and the gap is 0.8. Both exchanges move Turkey
    from 20 to 100: without noise, a support gain of 0.8 each."""
    menu = offer("EU", "TUR", "PAK", scenario=EXAMPLE, runs=0)
    ctx = menu.attrs["context"]
    assert ctx["ask_issue"] == "turkey_leads_talks" and ctx["gap"] == pytest.approx(0.8)
    ex = menu[menu["kind"] == "exchange"]
    assert len(ex) == 2 and np.allclose(ex["support_gain"], 0.8)
    assert ex["offer"].str.contains("visa_liberalisation").any()
    assert ex["offer"].str.contains("customs_union_update").any()
    levers = menu[menu["kind"] != "exchange"]
    assert np.allclose(levers["support_gain"], 0.8 * levers["pull_gain"])
    # the visa concession: 25.8 points at EU salience 0.3 → 0.077 of its utility
    visa = ex[ex["offer"].str.contains("visa")].iloc[0]
    assert "0.077" in visa["cost"]


def test_monte_carlo_gain_is_an_expectation_and_sureness_a_share():
    menu = offer("EU", "TUR", "PAK", scenario=EXAMPLE, runs=50, seed=3)
    ex = menu[menu["kind"] == "exchange"]
    assert ((ex["support_gain"] > 0) & (ex["support_gain"] <= 0.8 + 0.2)).all()
    assert ex["sure_detail"].str.contains("of 50 perturbed runs").all()


def test_ask_issue_can_be_chosen_and_is_checked():
    scen = suasion.read_scenario(EXAMPLE)
    p, b = scen.actor_index("EU"), scen.actor_index("TUR")
    assert scen.issues[ask_issue(scen, p, b)] == "turkey_leads_talks"
    assert scen.issues[ask_issue(scen, p, b, "visa_liberalisation")] == "visa_liberalisation"
    menu = offer("EU", "TUR", "PAK", scenario=scen, issue="customs_union_update", runs=0)
    assert menu.attrs["context"]["gap"] == pytest.approx(0.6)
    with pytest.raises(ModelSettingError):
        offer("EU", "TUR", "PAK", issue="talks")                           # an issue needs a scenario
    with pytest.raises(ModelSettingError):
        offer("EU", "TUR", "TUR")                                          # target = broker
    with pytest.raises(ModelSettingError, match="not an actor"):
        offer("EU", "SAU", "PAK", scenario=scen)


def test_lever_sureness_rule():
    assert _sure_lever("arms", {"arms": 2018}, 2018) == ("high", "arms data of 2018")
    assert _sure_lever("trade_market", {"trade_market": 2014}, 2018)[0] == "medium"
    assert _sure_lever("exercises", {"exercises": 2010}, 2018)[0] == "low"
    assert _sure_lever("finance", {"finance": None}, 2018)[0] == "low"
    assert _sure_lever("remittances", {}, 2018)[0] == "low"                # a lever the vintage does not know


def test_cli_offer(cli):
    res = cli("offer", "--principal", "EU", "--broker", "TUR", "--target", "PAK")
    assert res.exit_code == 0, res
    assert "What EU can offer TUR to work on PAK" in res.stdout
    res = cli("offer", "-p", "EU", "-b", "TUR", "-t", "PAK", "--scenario", EXAMPLE, "--runs", "20",
              "--format", "json")
    assert res.exit_code == 0, res
    doc = json.loads(res.stdout)
    assert doc["context"]["ask_issue"] == "turkey_leads_talks"
    assert doc["menu"][0]["kind"] == "exchange"
    bad = cli("offer", "-p", "EU", "-b", "TUR", "-t", "PAK", "--scenario", "/no/such.yaml")
    assert bad.exit_code == 2 and "Traceback" not in bad.stderr
    assert cli("offer", "-p", "EU", "-b", "TUR", "-t", "PAK", "--runs", "-1").exit_code == 2
