"""What-if: changes to a copy of the panel, reported one direction at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suasion.errors import SuasionError
from suasion.influence import whatif
from suasion.influence.counterfactual import ChangeSyntaxError, parse_change, read_changes
from suasion.influence.network import influence_network
from tests.influence.worlds import YEAR, world


def test_whatif_changes_a_copy_and_reports_each_direction() -> None:
    panel = world()
    before = np.array(panel.values["exports"], copy=True)
    result = whatif("FRA", "PAK", ["FRA>TUR trade +20%", "new dca TUR-PAK"], YEAR, panel=panel)
    np.testing.assert_array_equal(panel.values["exports"], before)       # the panel itself is untouched
    report = result.changes.set_index("direction")
    # the directed change moves FRA>TUR only; TUR>FRA (50) is not touched and not reported
    trade = result.changes[result.changes["channel"] == "exports"]
    assert list(trade["direction"]) == ["FRA>TUR"]
    assert report.loc["FRA>TUR", "before"] == 200.0 and report.loc["FRA>TUR", "after"] == pytest.approx(240.0)
    dca = result.changes[result.changes["channel"] == "dca"].set_index("direction")
    assert list(dca.index) == ["TUR>PAK", "PAK>TUR"] and (dca["after"] == 1.0).all()
    tur = result.leverage[result.leverage["source"] == "TUR"].iloc[0]
    assert tur["after"] > tur["before"]              # a new DCA with the stronger TUR adds leverage over PAK
    assert set(result.paths["state"]) == {"before", "after"}
    # leverage and pull each way between the changed actors, before and after
    dyads = result.dyads.set_index("direction")
    assert {"FRA>TUR", "TUR>FRA", "TUR>PAK", "PAK>TUR"} <= set(dyads.index)
    net = influence_network(panel, YEAR)
    assert dyads.loc["FRA>TUR", "leverage_before"] == pytest.approx(net.leverage[net.index("FRA"), net.index("TUR")])
    assert dyads.loc["TUR>PAK", "leverage_after"] > dyads.loc["TUR>PAK", "leverage_before"]


def test_whatif_reach_is_the_paths_definition() -> None:
    panel = world()
    result = whatif("FRA", "PAK", ["FRA>TUR trade +20%"], YEAR, panel=panel)
    before = result.paths.set_index("state").loc["before"]
    from suasion.influence import brokers

    assert before["two_hop"] == pytest.approx(brokers("FRA", "PAK", YEAR, panel=panel)["score"].sum())
    assert result.brokers.set_index("broker").loc["TUR", "before"] == pytest.approx(before["two_hop"])


def test_refused_changes() -> None:
    panel = world()
    with pytest.raises(ChangeSyntaxError, match="more than 100%"):
        whatif("FRA", "PAK", ["FRA>TUR trade -200%"], YEAR, panel=panel)
    with pytest.raises(ChangeSyntaxError, match="would make it negative"):
        whatif("FRA", "PAK", ["FRA>TUR trade -500"], YEAR, panel=panel)
    with pytest.raises(ChangeSyntaxError, match="after the year analysed"):
        whatif("FRA", "PAK", ["FRA>TUR trade +5 in 2011"], 2009, panel=panel)
    with pytest.raises(ChangeSyntaxError, match="at most 1"):
        parse_change("FRA>TUR diplomacy =2")
    with pytest.raises(SuasionError, match="outside the panel"):
        whatif("FRA", "PAK", ["FRA>TUR trade +5 in 1990"], YEAR, panel=panel)
    assert whatif("FRA", "PAK", ["FRA>TUR trade -100%"], YEAR, panel=panel).changes["after"].iloc[0] == 0.0


def test_second_edition_channels_in_changes() -> None:
    c = parse_change("SAU>PAK remittances +500")
    assert (c.source, c.target, c.channel, c.kind, c.both_directions) == ("SAU", "PAK", "remittances", "absolute", False)
    c = parse_change("TUR>PAK trade agreement =1")
    assert c.channel == "pta_count" and c.both_directions            # agreements bind both sides
    assert parse_change("new diplomacy USA>PAK").channel == "diplomatic_rep"
    panel = world(new={"diplomatic_rep": {("FRA", "TUR"): 0.5}})
    result = whatif("FRA", "PAK", ["new diplomacy FRA>TUR", "FRA>TUR migrants +10000"], YEAR, panel=panel)
    report = result.changes.set_index("channel")
    assert report.loc["diplomatic_rep", "after"] == 1.0
    assert report.loc["migrants", "after"] == 10000.0


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
    binary = tmp_path / "changes.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(SuasionError, match="not a text file"):
        read_changes(binary)


def test_whatif_without_bloc_rows_changes_nothing_else() -> None:
    """``blocs=False`` drops the bloc rows of the leverage over the target; the state rows, the
    brokers and the reach are the same as with them (bundled panel, where blocs are listed)."""
    changes = ["EU>TUR trade +10%"]
    full = whatif("EU", "PAK", changes, 2021)
    lean = whatif("EU", "PAK", changes, 2021, blocs=False)
    is_bloc = full.leverage["source"].str.endswith("(bloc)")
    assert is_bloc.any() and not lean.leverage["source"].str.endswith("(bloc)").any()
    columns = ["before", "after", "change"]
    states = full.leverage[~is_bloc].set_index("source")[columns]
    lean_states = lean.leverage.set_index("source")[columns]
    assert set(states.index) == set(lean_states.index)
    pd.testing.assert_frame_equal(lean_states.loc[states.index], states)
    pd.testing.assert_frame_equal(lean.brokers, full.brokers)
    pd.testing.assert_frame_equal(lean.paths, full.paths)
    pd.testing.assert_frame_equal(lean.changes, full.changes)
