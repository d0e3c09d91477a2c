"""The register feeds the panel: engagements become a yearly dyadic channel from the register's
principal, within the caller's clearance, carrying the highest marking it was built from; the
channel changes a broker score in a constructed world worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suasion.engagements.channel import build_channel, channel_statuses
from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.register import Register
from suasion.engagements.vocab import Status

from .conftest import engagement


def _plan(reg: Register, status: str, **fields: object) -> int:
    root = reg.as_user("root")
    e = root.add(engagement(**fields))
    steps = {"proposed": [], "planned": ["planned"], "approved": ["planned", "approved"],
             "executed": ["planned", "approved", "executed"], "cancelled": ["cancelled"]}[status]
    for step in steps:
        e = root.transition(e.id, step, version=e.version)
    return e.id


@pytest.fixture
def world(template_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Register:
    import shutil

    monkeypatch.setenv("SUASION_HOME", str(tmp_path / "home"))
    shutil.copy(template_db, tmp_path / "r.sqlite")
    reg = Register(tmp_path / "r.sqlite")
    reg.as_user("root").set_principal("United Kingdom")
    # staff talks, senior officer: 2.0 x 1.2 = 2.4; exercise, ministerial, two partners: 3 x 2 = 6
    _plan(reg, "planned", type="staff_talks", level="senior_officer", partners=["TUR"], start_date="2026-03-02",
          end_date="2026-03-03")
    _plan(reg, "approved", type="exercise", level="ministerial", partners=["TUR", "PAK"],
          start_date="2026-05-02", end_date="2026-05-09")
    _plan(reg, "executed", type="outreach", level="working", partners=["PAK"], start_date="2025-11-01",
          end_date="2025-11-01")                                                    # 0.5 x 1 = 0.5
    _plan(reg, "proposed", type="exercise", level="chiefs", partners=["TUR"])       # not in the default
    _plan(reg, "cancelled", type="exercise", level="chiefs", partners=["TUR"])      # never
    _plan(reg, "planned", type="high_level_engagement", level="ministerial", partners=["TUR"],
          classification="SECRET")                                                 # 3 x 2 = 6, SECRET
    _plan(reg, "planned", type="staff_talks", level="working", partners=["GBR", "IRL"])  # GBR: the principal
    return reg


def test_channel_by_hand(world: Register) -> None:
    low = world.as_user("viewer_off").channel()
    assert low.principal == "GBR" and low.marking == "OFFICIAL"
    rows = {(r.source, r.target, r.year): (r.value, r.engagements) for r in low.frame.itertuples()}
    assert rows == {("GBR", "PAK", 2025): (0.5, 1), ("GBR", "PAK", 2026): (6.0, 1),
                    ("GBR", "TUR", 2026): (pytest.approx(8.4), 2), ("GBR", "IRL", 2026): (2.0, 1)}
    assert low.entered == 4
    one_year = world.as_user("viewer_off").channel("planned,approved", year=2024)
    assert {(r.target, r.year): r.value for r in one_year.frame.itertuples()} == \
        {("PAK", 2024): 6.0, ("TUR", 2024): pytest.approx(8.4), ("IRL", 2024): 2.0}


def test_a_secret_engagement_never_enters_an_official_readers_channel(world: Register, tmp_path: Path) -> None:
    from suasion.panel.store import list_channels, load_panel

    low = world.as_user("viewer_off").channel("planned", year=2020)
    high = world.as_user("viewer_sec").channel("planned", year=2020)
    tur_low = low.frame.set_index("target").loc["TUR", "value"]
    tur_high = high.frame.set_index("target").loc["TUR", "value"]
    assert (tur_low, tur_high) == (pytest.approx(2.4), pytest.approx(2.4 + 6.0))
    assert (low.marking, high.marking) == ("OFFICIAL", "SECRET")
    low.save("plan_official")
    high.save("plan_secret")
    panel = load_panel()
    assert panel.channel_meta["plan_official"]["marking"] == "OFFICIAL"
    assert panel.channel_meta["plan_secret"]["marking"] == "SECRET"
    listed = list_channels(panel).set_index("channel")
    assert listed.loc["plan_secret", "marking"] == "SECRET" and pd.isna(listed.loc["exports", "marking"])
    i, gbr, tur = panel.year_index(2020), panel.actor_index("GBR"), panel.actor_index("TUR")
    assert panel.values["plan_official"][i, gbr, tur] == pytest.approx(2.4)
    assert panel.values["plan_secret"][i, gbr, tur] == pytest.approx(8.4)
    # nothing an OFFICIAL reader builds carries the SECRET engagement, whatever the statuses
    for statuses, tur in (("planned", 2.4), ("planned,approved,executed,proposed", 2.4 + 6 + 4.5)):
        built = world.as_user("planner_off").channel(statuses, year=2020)
        assert built.marking == "OFFICIAL"
        assert built.frame.set_index("target").loc["TUR", "value"] == pytest.approx(tur)  # never + 6


def test_channel_weights_statuses_and_blocs(world: Register, tmp_path: Path) -> None:
    weights = tmp_path / "weights.yaml"
    weights.write_text("types: {exercise: 10, csbm: 1}\nlevels: {ministerial: 1}\n")
    built = world.as_user("viewer_off").channel("approved", weights=weights)
    assert built.frame[["target", "value"]].values.tolist() == [["PAK", 10.0], ["TUR", 10.0]]
    assert channel_statuses("executed") == (Status.executed, Status.assessed)
    with pytest.raises(InvalidRecordError, match="unknown status"):
        world.as_user("viewer_off").channel("planned,done")
    bad = tmp_path / "bad.yaml"
    bad.write_text("types: {exercise: -1}\n")
    with pytest.raises(Exception, match="must be a number >= 0"):
        world.as_user("viewer_off").channel(weights=bad)
    eu = world.as_user("viewer_off").channel("approved", principal="EU", year=2020)
    from suasion.actors import bloc_members

    members = sorted(bloc_members("EU", 2020))
    assert sorted(set(eu.frame["source"])) == members and len(members) == 27
    assert eu.frame.groupby("target")["value"].sum().to_dict() == {"PAK": pytest.approx(6.0), "TUR": pytest.approx(6.0)}
    with pytest.raises(InvalidRecordError, match="outside the panel"):
        world.as_user("viewer_off").channel().save("by_start_year")   # 2025-2026: beyond the panel


def _constructed_panel(tmp_path: Path) -> Path:
    """Three states in 2020 and nothing else: every bundled channel and variable missing."""
    from suasion.panel.schema import CHANNEL_NAMES
    from suasion.panel.store import write_panel

    actors = ["GBR", "PAK", "TUR"]
    years = np.array([2020])
    shape = (1, 3, 3)
    out = tmp_path / "panel"
    write_panel(out, actors=actors, years=years, exists=np.ones((1, 3), dtype=bool),
                values={c: np.full(shape, np.nan) for c in CHANNEL_NAMES},
                observed_year={c: np.full(shape, -1, dtype=np.int16) for c in CHANNEL_NAMES},
                monadic={}, monadic_year={},
                states=pd.DataFrame({"iso3": actors, "cown": [200, 770, 640], "name": actors,
                                     "start_year": 1816, "end_year": 2024}),
                provenance=pd.DataFrame({"channel": [], "source": []}))
    return out


def test_planned_engagements_change_a_broker_score_worked_out_by_hand(world: Register, tmp_path: Path) -> None:
    """GBR (the register's principal), broker TUR, target PAK, in a world where nothing but two
    user channels exists: ``ties`` (TUR -> PAK, 1) and the register's planned engagements
    (GBR -> TUR). suasion-1 (pinned) with the bundled weights (summing to 1) and each user
    channel at 0.1: each user channel weighs 0.1 / 1.2 = 1/12.

    Without the register channel GBR has no pull over TUR, so TUR scores 0 as a broker. With it,
    TUR receives engagements only from GBR: D(TUR|GBR) = s * H * g = 1 * 1 * 1 (an unscaled
    channel) and D(GBR|TUR) = 0, so L(GBR->TUR) = 1/12 and TUR's dependence on GBR is 1/12;
    alignment is unknown (0), so pull = (1/12 + 1/12) / 2 * (1 + 0) / 2 = 1/24. L(TUR->PAK) =
    1/12 likewise. Broker score = pull * L = 1/288 (the strength of the route GBR > TUR > PAK).
    """
    from suasion.influence.network import influence_network
    from suasion.panel.store import add_user_channel, clear_cache, load_panel

    ties = tmp_path / "ties.csv"
    ties.write_text("source,target,year,value\nTUR,PAK,2020,1\n")
    add_user_channel(ties, "ties", scale="count", weight=0.1)
    base = _constructed_panel(tmp_path)

    def tur_as_broker() -> float:
        clear_cache()
        panel = load_panel(base)
        net = influence_network(panel, 2020, model="suasion-1")
        gbr, tur, pak = net.index("GBR"), net.index("TUR"), net.index("PAK")
        return float(net.pull[gbr, tur] * net.leverage[tur, pak])

    assert tur_as_broker() == 0.0
    world.as_user("viewer_off").channel("planned,approved", year=2020).save("register_plan", weight=0.1)
    assert tur_as_broker() == pytest.approx(1 / 288, rel=1e-9)


def test_build_channel_leaves_out_the_principal_and_its_members(world: Register) -> None:
    records = world.as_user("viewer_sec").all_engagements()
    frame = build_channel(records, "GBR", statuses=[Status.planned], year=2020)
    assert "GBR" not in set(frame["target"]) and set(frame["source"]) == {"GBR"}
    assert frame.attrs["engagement_ids"] and sorted(frame["target"]) == ["IRL", "TUR"]
    eu = build_channel(records, "EU", statuses=[Status.planned], year=2020)
    assert "IRL" not in set(eu["target"])   # a member of the principal bloc
