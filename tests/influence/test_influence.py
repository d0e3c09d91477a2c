"""Brokers, paths, incentives and what-if on constructed worlds whose answer is known by hand."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from suasion.errors import SuasionError
from suasion.influence import brokers, incentives, influence_paths, whatif
from suasion.influence.network import influence_network
from suasion.influence.paths import indirect_influence
from suasion.influence.counterfactual import ChangeSyntaxError, parse_change, read_changes
from tests.leverage.worlds import make_panel

YEAR = 2010
ACTORS = ["FRA", "TUR", "CHN", "USA", "PAK"]


def world(extra: dict | None = None):
    """FRA (principal) trades with TUR; TUR sells arms to PAK; CHN sells arms to PAK but has no tie
    with FRA; USA has no ties at all."""
    flows = {
        "exports": {("FRA", "TUR"): 200.0, ("TUR", "FRA"): 50.0},
        "arms_tiv": {("TUR", "PAK"): 100.0, ("CHN", "PAK"): 300.0},
    }
    for channel, cells in (extra or {}).items():
        flows.setdefault(channel, {}).update(cells)
    return make_panel(ACTORS, [2008, 2009, YEAR], flows=flows,
                      monadic={"gdp": {"TUR": 1000.0, "FRA": 5000.0, "PAK": 500.0},
                               "cinc": {"TUR": 0.02, "PAK": 0.01}})


def test_only_route_broker_ranks_first_and_unreachable_scores_zero() -> None:
    panel = world()
    table = brokers("FRA", "PAK", YEAR, panel=panel)
    assert table["broker"].iloc[0] == "TUR"
    # CHN holds more leverage over PAK than TUR does, but FRA cannot reach it: it is not a broker
    net = influence_network(panel, YEAR)
    assert net.leverage[net.index("CHN"), net.index("PAK")] > net.leverage[net.index("TUR"), net.index("PAK")]
    assert net.pull[net.index("FRA"), net.index("CHN")] == 0.0
    assert "CHN" not in set(table["broker"]) and "USA" not in set(table["broker"])
    row = table.iloc[0]
    expected = np.sqrt(net.pull[net.index("FRA"), net.index("TUR")] * net.leverage[net.index("TUR"), net.index("PAK")])
    assert row["score"] == pytest.approx(expected)
    assert row["direct_leverage"] == pytest.approx(0.0)


def test_pull_formula_by_hand() -> None:
    panel = world()
    net = influence_network(panel, YEAR)
    f, t = net.index("FRA"), net.index("TUR")
    assert net.alignment[f, t] == 1.0            # ideal-point distance 0 in the constructed world
    assert net.pull[f, t] == pytest.approx((net.leverage[f, t] + net.dependence[f, t]) / 2 * (1 + 1) / 2)


def test_adding_a_channel_raises_broker_as_model_says() -> None:
    """Aid from FRA to CHN makes CHN reachable; its new score is sqrt(new pull x L(CHN>PAK))."""
    before = brokers("FRA", "PAK", YEAR, panel=world())
    assert "CHN" not in set(before["broker"])
    changed = world({"oda": {("FRA", "CHN"): 50.0}})
    after = brokers("FRA", "PAK", YEAR, panel=changed)
    net = influence_network(changed, YEAR)
    f, c, p = net.index("FRA"), net.index("CHN"), net.index("PAK")
    # by hand: CHN's only aid donor is FRA (s = H = 1); exposure 50 / 1000 (default GDP); g = x / (x + 0.02)
    x = 50 / 1000
    dep = x / (x + 0.02)
    w_aid = 0.12
    pull = (w_aid * dep + w_aid * dep) / 2 * (1 + 1) / 2
    assert net.pull[f, c] == pytest.approx(pull)
    row = after[after["broker"] == "CHN"].iloc[0]
    assert row["score"] == pytest.approx(np.sqrt(pull * net.leverage[c, p]))
    assert row["rank"] == 1 + int((after["score"] > row["score"]).sum())


def test_incentive_marginals_match_finite_differences() -> None:
    panel = world({"oda": {("FRA", "TUR"): 20.0, ("USA", "TUR"): 30.0}, "arms_tiv": {("USA", "TUR"): 40.0}})
    menu = incentives("FRA", "TUR", YEAR, panel=panel)
    base = influence_network(panel, YEAR)
    f, t = base.index("FRA"), base.index("TUR")
    ti = panel.year_index(YEAR)
    checks = {"development aid": ("oda", ("FRA", "TUR"), 100.0),
              "arms sales and co-production": ("arms_tiv", ("FRA", "TUR"), 100.0),
              "market access": ("exports", ("TUR", "FRA"), 0.01 * 50.0),
              "trade preferences": ("exports", ("FRA", "TUR"), 0.01 * 200.0)}
    for lever, (channel, (a, b), unit) in checks.items():
        row = menu[(menu["lever"] == lever) & (menu["kind"] == "expand")].iloc[0]
        eps = unit * 1e-4
        values = np.array(panel.values[channel], copy=True)
        values[ti, panel.actor_index(a), panel.actor_index(b)] += eps
        bumped = influence_network(panel.with_values(**{channel: values}), YEAR)
        finite = (bumped.pull[f, t] - base.pull[f, t]) / eps * unit
        assert row["marginal_pull"] == pytest.approx(finite, rel=1e-3, abs=1e-9), lever
    # substitution of USA's aid by FRA's aid
    sub = menu[(menu["lever"] == "development aid") & (menu["third_party"] == "USA")].iloc[0]
    eps = 1e-3
    values = np.array(panel.values["oda"], copy=True)
    values[ti, panel.actor_index("FRA"), panel.actor_index("TUR")] += eps
    values[ti, panel.actor_index("USA"), panel.actor_index("TUR")] -= eps
    bumped = influence_network(panel.with_values(oda=values), YEAR)
    assert sub["marginal_pull"] == pytest.approx((bumped.pull[f, t] - base.pull[f, t]) / eps * 100, rel=1e-3)


def test_discrete_lever_is_exact_change() -> None:
    panel = world()
    menu = incentives("FRA", "TUR", YEAR, panel=panel)
    row = menu[menu["lever"] == "defence cooperation agreement"].iloc[0]
    ti = panel.year_index(YEAR)
    values = np.array(panel.values["dca"], copy=True)
    i, j = panel.actor_index("FRA"), panel.actor_index("TUR")
    values[ti, i, j] += 1
    values[ti, j, i] += 1
    after = influence_network(panel.with_values(dca=values), YEAR)
    base = influence_network(panel, YEAR)
    assert row["marginal_pull"] == pytest.approx(after.pull[i, j] - base.pull[i, j])


def test_indirect_influence_equals_simple_path_enumeration() -> None:
    rng = np.random.default_rng(3)
    w = rng.uniform(0, 1, (7, 7)) * (rng.uniform(0, 1, (7, 7)) < 0.6)
    np.fill_diagonal(w, 0)
    alpha = 0.5
    got = indirect_influence(w, 3, alpha)
    g = nx.DiGraph()
    for a, b in itertools.product(range(7), repeat=2):
        if w[a, b] > 0:
            g.add_edge(a, b, weight=w[a, b])
    for p, t in itertools.permutations(range(7), 2):
        total = 0.0
        for path in nx.all_simple_paths(g, p, t, cutoff=3):
            if len(path) >= 3:
                total += alpha ** (len(path) - 2) * np.prod([w[a, b] for a, b in itertools.pairwise(path)])
        assert got[p, t] == pytest.approx(total, abs=1e-12)


def test_paths_listing_and_aggregate() -> None:
    panel = world()
    routes = influence_paths("FRA", "PAK", YEAR, panel=panel)
    assert routes["path"].iloc[0] == "FRA > TUR > PAK"
    net = influence_network(panel, YEAR)
    f, t, p = net.index("FRA"), net.index("TUR"), net.index("PAK")
    assert routes["strength"].iloc[0] == pytest.approx(0.5 * net.leverage[f, t] * net.leverage[t, p])
    assert routes.attrs["indirect"] >= routes["strength"].iloc[0] - 1e-15
    assert routes.attrs["direct"] == pytest.approx(0.0)


def test_whatif_changes_a_copy_and_reports() -> None:
    panel = world()
    before = np.array(panel.values["exports"], copy=True)
    result = whatif("FRA", "PAK", ["FRA>TUR trade +20%", "new dca TUR-PAK"], YEAR, panel=panel)
    np.testing.assert_array_equal(panel.values["exports"], before)       # the panel itself is untouched
    report = result.changes.set_index("channel")
    assert report.loc["exports", "before"] == 200.0 and report.loc["exports", "after"] == pytest.approx(240.0)
    assert report.loc["dca", "cells"] == 2
    tur = result.leverage[result.leverage["source"] == "TUR"].iloc[0]
    assert tur["after"] > tur["before"]              # a new DCA with the stronger TUR adds leverage over PAK
    assert set(result.paths["state"]) == {"before", "after"}


@pytest.mark.parametrize("text, expected", [
    ("EU>TUR trade +20%", ("EU", "TUR", False, "exports", "relative", 0.2)),
    ("USA>PAK aid -50%", ("USA", "PAK", False, "oda", "relative", -0.5)),
    ("new defence cooperation agreement TUR-PAK", ("TUR", "PAK", True, "dca", "new", 1.0)),
    ("CHN>PAK arms +300 in 2015", ("CHN", "PAK", False, "arms_tiv", "absolute", 300.0)),
    ("Saudi_Arabia>PAK finance =0", ("Saudi Arabia", "PAK", False, "oof", "set", 0.0)),
])
def test_change_syntax(text: str, expected: tuple) -> None:
    c = parse_change(text)
    assert (c.source, c.target, c.both_directions, c.channel, c.kind, pytest.approx(c.amount)) == expected


@pytest.mark.parametrize("text", ["EU TUR trade +20%", "EU>TUR trade", "EU>TUR tarde +5%", "new dca TUR"])
def test_malformed_change_shows_syntax(text: str) -> None:
    with pytest.raises(ChangeSyntaxError, match="expected|unknown channel"):
        parse_change(text)


def test_change_file_errors_name_the_line(tmp_path) -> None:
    path = tmp_path / "changes.txt"
    path.write_text("# scenario\nEU>TUR trade +20%\nEU TUR nonsense\n")
    with pytest.raises(SuasionError, match=r"changes.txt, line 3"):
        read_changes(path)


def test_bad_pairs() -> None:
    panel = world()
    with pytest.raises(SuasionError, match="both PAK"):
        brokers("PAK", "Pakistan", YEAR, panel=panel)
    with pytest.raises(SuasionError, match="both FRA"):
        incentives("FRA", "FRA", YEAR, panel=panel)
    with pytest.raises(SuasionError, match="no broker"):
        brokers("USA", "PAK", YEAR, panel=panel)            # USA reaches nobody


def test_real_data_eu_pakistan_brokers() -> None:
    table = brokers("EU", "PAK", 2010, top=10)
    members = {"FRA", "DEU", "GBR", "ITA", "SWE", "POL"}
    assert not members & set(table["broker"])
    assert {"USA", "CHN"} <= set(table["broker"].head(3))
    assert "TUR" in set(table["broker"])
    for key in ("broker", "score", "rank", "leverage_over_target", "pull_from_principal", "alignment",
                "channels", "flags"):
        assert key in table.columns
