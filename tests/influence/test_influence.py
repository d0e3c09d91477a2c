"""Brokers and paths on constructed worlds whose answer is known by hand, and one story between
them: the broker scores are the two-hop routes of paths, and the reach is the sum of the routes."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from suasion.errors import SuasionError
from suasion.influence import brokers, influence_paths
from suasion.influence.brokerage import all_broker_tables
from suasion.influence.network import InfluenceModelError, influence_network
from suasion.influence.paths import indirect_influence, indirect_reach, route_strength
from tests.influence.worlds import YEAR, world


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
    expected = net.pull[net.index("FRA"), net.index("TUR")] * net.leverage[net.index("TUR"), net.index("PAK")]
    assert row["score"] == pytest.approx(expected)
    assert row["direct_leverage"] == pytest.approx(0.0)
    assert row["model"] == "suasion-2"


def test_pull_formula_by_hand() -> None:
    panel = world()
    net = influence_network(panel, YEAR)
    f, t = net.index("FRA"), net.index("TUR")
    assert net.alignment[f, t] == 1.0            # ideal-point distance 0 in the constructed world
    assert net.pull[f, t] == pytest.approx((net.leverage[f, t] + net.dependence[f, t]) / 2 * (1 + 1) / 2)


def test_adding_a_channel_raises_broker_as_model_says() -> None:
    """suasion-1: aid from FRA to CHN makes CHN reachable; its new score is pull x L(CHN>PAK)."""
    before = brokers("FRA", "PAK", YEAR, panel=world(), model="suasion-1")
    assert "CHN" not in set(before["broker"])
    changed = world({"oda": {("FRA", "CHN"): 50.0}})
    after = brokers("FRA", "PAK", YEAR, panel=changed, model="suasion-1")
    net = influence_network(changed, YEAR, model="suasion-1")
    f, c, p = net.index("FRA"), net.index("CHN"), net.index("PAK")
    # by hand: CHN's only aid donor is FRA (s = H = 1); exposure 50 / 1000 (default GDP); g = x / (x + 0.02)
    x = 50 / 1000
    dep = x / (x + 0.02)
    w_aid = 0.12
    pull = (w_aid * dep + w_aid * dep) / 2 * (1 + 1) / 2
    assert net.pull[f, c] == pytest.approx(pull)
    row = after[after["broker"] == "CHN"].iloc[0]
    assert row["score"] == pytest.approx(pull * net.leverage[c, p])
    assert row["rank"] == 1 + int((after["score"] > row["score"]).sum())
    assert row["model"] == "suasion-1"


def test_remittances_make_a_broker_under_suasion2_by_hand() -> None:
    """SAU's only tie to PAK is the remittances PAK's workers send home: L(SAU>PAK) = g / 14, and
    GBR, which gives SAU aid, reaches PAK through it."""
    actors = ["GBR", "SAU", "PAK"]
    panel = world(extra={"oda": {("GBR", "SAU"): 10.0}}, new={"remittances": {("SAU", "PAK"): 20.0}},
                  actors=actors, monadic={"gdp": {"PAK": 1000.0, "SAU": 1000.0, "GBR": 1000.0}})
    x = 20.0 / 1000.0                                        # remittances / PAK's GDP
    g = x / (x + 0.02)                                       # kappa of suasion-2's remittances channel
    net = influence_network(panel, YEAR)
    s, p, gb = net.index("SAU"), net.index("PAK"), net.index("GBR")
    assert net.leverage[s, p] == pytest.approx(g / 14)
    table = brokers("GBR", "PAK", YEAR, panel=panel)
    row = table.set_index("broker").loc["SAU"]
    assert row["leverage_over_target"] == pytest.approx(g / 14)
    assert row["channels"]["remittances"] == pytest.approx(g / 14)
    assert row["score"] == pytest.approx(net.pull[gb, s] * g / 14)
    assert row["channel_flags"]["remittances"] == "observed"
    # suasion-1 has no remittances channel: SAU holds nothing over PAK there
    with pytest.raises(SuasionError, match="no broker"):
        brokers("GBR", "PAK", YEAR, panel=panel, model="suasion-1")


def test_broker_score_is_the_two_hop_route_of_paths() -> None:
    panel = world({"oda": {("FRA", "CHN"): 50.0, ("FRA", "USA"): 5.0}, "arms_tiv": {("USA", "PAK"): 30.0}})
    table = brokers("FRA", "PAK", YEAR, panel=panel)
    routes = influence_paths("FRA", "PAK", YEAR, panel=panel, top=0)
    two = routes[routes["hops"] == 2]
    assert list(two["via"]) == list(table["broker"])                   # ranked the same
    np.testing.assert_allclose(two["strength"].to_numpy(), table["score"].to_numpy(), rtol=1e-12)
    for _, r in two.iterrows():
        assert r["strength"] == pytest.approx(r["steps"][0] * r["steps"][1])
    assert table["share"].sum() == pytest.approx(1.0)
    assert routes.attrs["two_hop"] == pytest.approx(table["score"].sum())


def test_aggregate_reach_is_the_sum_of_the_routes() -> None:
    panel = world({"oda": {("FRA", "CHN"): 50.0, ("FRA", "USA"): 5.0, ("CHN", "TUR"): 40.0},
                   "arms_tiv": {("USA", "PAK"): 30.0, ("TUR", "CHN"): 10.0}})
    for hops in (2, 3):
        routes = influence_paths("FRA", "PAK", YEAR, hops=hops, panel=panel, top=0)
        indirect = routes[routes["hops"] >= 2]
        assert routes.attrs["indirect"] == pytest.approx(indirect["strength"].sum(), rel=1e-12)
        assert sum(routes.attrs["by_first_broker"].values()) == pytest.approx(routes.attrs["indirect"])
        assert indirect["hops"].max() == hops
    two = influence_paths("FRA", "PAK", YEAR, hops=2, panel=panel, top=0)
    assert two.attrs["indirect"] == pytest.approx(brokers("FRA", "PAK", YEAR, panel=panel)["score"].sum())
    # a three-hop route: FRA moves CHN, CHN moves TUR, TUR presses PAK, discounted by 1/2
    three = influence_paths("FRA", "PAK", YEAR, hops=3, panel=panel, top=0).set_index("path")
    net = influence_network(panel, YEAR)
    f, c, t, p = (net.index(x) for x in ("FRA", "CHN", "TUR", "PAK"))
    assert three.loc["FRA > CHN > TUR > PAK", "strength"] == pytest.approx(
        0.5 * net.pull[f, c] * net.pull[c, t] * net.leverage[t, p])


def test_indirect_influence_equals_simple_path_enumeration() -> None:
    """All pairs at once by matrix powers = the sum over networkx's simple paths (first hops by
    pull, the last by leverage, x alpha per intermediary after the first)."""
    rng = np.random.default_rng(3)
    n = 7
    move = rng.uniform(0, 1, (n, n)) * (rng.uniform(0, 1, (n, n)) < 0.6)
    press = rng.uniform(0, 1, (n, n)) * (rng.uniform(0, 1, (n, n)) < 0.6)
    np.fill_diagonal(move, 0)
    np.fill_diagonal(press, 0)
    alpha = 0.5
    got = indirect_influence(move, press, 3, alpha)
    g = nx.complete_graph(n, create_using=nx.DiGraph)
    for p, t in itertools.permutations(range(n), 2):
        total = 0.0
        for path in nx.all_simple_paths(g, p, t, cutoff=3):
            if len(path) >= 3:
                total += route_strength(move[p], move, press[:, t], path[1:-1], alpha)
        assert got[p, t] == pytest.approx(total, abs=1e-12)
        # the per-query vector form gives the same number
        allowed = np.ones(n, dtype=bool)
        allowed[[p, t]] = False
        first, last = move[p] * allowed, press[:, t] * allowed
        inner = move * allowed[:, None] * allowed[None, :]
        assert indirect_reach(first, inner, last, 3, alpha) == pytest.approx(total, abs=1e-12)


def test_all_broker_tables_equal_the_per_query_brokers() -> None:
    panel = world({"oda": {("FRA", "CHN"): 50.0, ("FRA", "USA"): 5.0}, "arms_tiv": {("USA", "PAK"): 30.0}})
    scores = all_broker_tables(panel, YEAR)
    net = influence_network(panel, YEAR)
    table = brokers("FRA", "PAK", YEAR, panel=panel).set_index("broker")
    for b, row in table.iterrows():
        assert scores[net.index("FRA"), net.index(b), net.index("PAK")] == pytest.approx(row["score"])
    routes = influence_paths("FRA", "PAK", YEAR, panel=panel, top=0)
    all_pairs = indirect_influence(net.pull, net.leverage, 3)
    assert all_pairs[net.index("FRA"), net.index("PAK")] == pytest.approx(routes.attrs["indirect"])


def test_paths_listing_and_direct_route() -> None:
    panel = world({"arms_tiv": {("FRA", "PAK"): 5.0}})
    routes = influence_paths("FRA", "PAK", YEAR, panel=panel)
    net = influence_network(panel, YEAR)
    f, t, p = net.index("FRA"), net.index("TUR"), net.index("PAK")
    assert routes["path"].iloc[0] == "FRA > PAK"                       # the direct route is listed first here
    assert routes.attrs["direct"] == pytest.approx(net.leverage[f, p]) and routes.attrs["direct"] > 0
    row = routes.set_index("path").loc["FRA > TUR > PAK"]
    assert row["strength"] == pytest.approx(net.pull[f, t] * net.leverage[t, p])


def test_model_parameter() -> None:
    panel = world()
    with pytest.raises(InfluenceModelError, match="not fbic"):
        brokers("FRA", "PAK", YEAR, panel=panel, model="fbic")
    with pytest.raises(InfluenceModelError, match="unknown model"):
        influence_paths("FRA", "PAK", YEAR, panel=panel, model="suasion-9")
    assert influence_paths("FRA", "PAK", YEAR, panel=panel, model="suasion-1")["model"].iloc[0] == "suasion-1"


def test_bad_pairs() -> None:
    panel = world()
    with pytest.raises(SuasionError, match="both PAK"):
        brokers("PAK", "Pakistan", YEAR, panel=panel)
    with pytest.raises(SuasionError, match="no broker"):
        brokers("USA", "PAK", YEAR, panel=panel)            # USA reaches nobody
    with pytest.raises(SuasionError, match="hops must be between 1 and 6"):
        influence_paths("FRA", "PAK", YEAR, hops=0, panel=panel)
    with pytest.raises(SuasionError, match="top must be >= 0"):
        brokers("FRA", "PAK", YEAR, top=-5, panel=panel)
    with pytest.raises(SuasionError, match="outside the panel"):
        brokers("FRA", "PAK", 1990, panel=panel)


# ---------------------------------------------------------------------------------------------
# the bundled panel


def test_real_data_eu_pakistan_brokers_and_the_numbers_of_leverage_over() -> None:
    from suasion.leverage.api import leverage_over

    table = brokers("EU", "PAK", 2010, top=10)
    members = {"FRA", "DEU", "GBR", "ITA", "SWE", "POL"}
    assert not members & set(table["broker"])
    assert {"USA", "CHN"} <= set(table["broker"].head(3))
    assert "TUR" in set(table["broker"])
    for key in ("broker", "score", "rank", "leverage_over_target", "pull_from_principal", "alignment",
                "channels", "channel_flags", "data_years", "model"):
        assert key in table.columns
    # one number everywhere: L(B>PAK) and L(EU>PAK) are those of leverage_over(PAK)
    over = leverage_over("PAK", 2010).set_index("source")["score"]
    for _, row in table.iterrows():
        assert row["leverage_over_target"] == pytest.approx(over[row["broker"]], rel=1e-12)
    assert table["direct_leverage"].iloc[0] == pytest.approx(over["EU"], rel=1e-12)
    # and the broker table is the two-hop part of paths, in the same order
    routes = influence_paths("EU", "PAK", 2010, hops=2, top=0)
    two = routes[routes["hops"] == 2].head(10)
    assert list(two["via"]) == list(table["broker"])
    np.testing.assert_allclose(two["strength"].to_numpy(), table["score"].to_numpy(), rtol=1e-12)


def test_real_data_bloc_target_uses_the_numbers_of_leverage_over() -> None:
    from suasion.leverage.api import leverage_over

    table = brokers("USA", "EU", 2010, top=5)
    over = leverage_over("EU", 2010).set_index("source")["score"]
    for _, row in table.iterrows():
        assert row["leverage_over_target"] == pytest.approx(over[row["broker"]], rel=1e-12)
    assert table["direct_leverage"].iloc[0] == pytest.approx(over["USA"], rel=1e-12)
    with pytest.raises(SuasionError, match="FRA is a member of EU in 2010"):
        brokers("EU", "FRA", 2010)
