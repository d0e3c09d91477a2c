"""The build script reproduces the bundled files byte for byte (needs ../shared/data)."""

from __future__ import annotations

import json

import pytest

from suasion.panel.build import build_panel
from suasion.panel.store import DEFAULT_PANEL_DIR


@pytest.mark.slow
def test_build_reproduces_bundled_panel(shared_data, tmp_path):
    steps: list[str] = []
    result = build_panel(shared_data, tmp_path, progress=steps.append)
    assert steps[0] == "states" and steps[-1] == "writing"
    for name in ("dyads.parquet", "monadic.parquet", "states.parquet", "provenance.csv"):
        assert (tmp_path / name).read_bytes() == (DEFAULT_PANEL_DIR / name).read_bytes(), name
    assert sum(result.sizes.values()) < 30e6
    report = json.loads((tmp_path / "build_report.json").read_text())
    arms = report["sources"]["arms_tiv <- SIPRI arms transfers"]
    assert arms["dropped_recipient"]["by_name"]["NATO**"] > 0      # organisations dropped and counted
    assert "Hezbollah (Lebanon)*" in arms["dropped_recipient"]["by_name"]
    assert arms["years_by_file"]["DERIVED_tiv_dyad_year_from_register_1950_2023.csv"] == [2022, 2023]
    trade = report["sources"]["exports <- IMF DOTS trade"]
    assert trade["dropped_aggregates_and_historic"]["by_name"]["World"] > 0  # aggregates dropped, counted
    assert "USSR" in trade["dropped_aggregates_and_historic"]["by_name"]
    assert trade["dots_vs_cow_2014"]["pearson_r_levels"] >= 0.99
    assert set(trade["cells_by_basis"]) == {"1", "2", "3", "4", "5"}
    diplomacy = report["sources"]["diplomatic_rep <- DDR / Lowy diplomacy"]["lowy_vs_ddr"]
    assert min(diplomacy["2017"]["share_in_lowy"], diplomacy["2017"]["share_in_ddr"]) > 0.95
    wto = report["sources"]["pta_fbic_index <- DESTA / WTO trade agreements"]["desta_vs_wto"]
    assert wto["2019"]["share_also_in_desta"] > 0.8


@pytest.mark.slow
def test_build_with_derived_arms_only(shared_data, tmp_path):
    import pandas as pd

    from suasion.panel.store import load_panel

    build_panel(shared_data, tmp_path, arms_source="derived")
    panel = load_panel(tmp_path, user_channels=False)
    t = pd.read_csv(shared_data / "arms_sipri" / "DERIVED_tiv_dyad_year_from_register_1950_2023.csv")
    expected = t[(t.supplier == "China") & (t.recipient == "Pakistan") & (t.year == 2010)].tiv_delivered_est.sum()
    i, a, b = panel.year_index(2010), panel.actor_index("CHN"), panel.actor_index("PAK")
    assert panel.values["arms_tiv"][i, a, b] == pytest.approx(expected)


def test_build_rejects_missing_raw_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        build_panel(tmp_path / "nothing", tmp_path / "out")
