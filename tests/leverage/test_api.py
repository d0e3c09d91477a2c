"""The public leverage API and CLI on the bundled panel."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import suasion
from suasion.cli import app
from suasion.errors import CoverageError, SuasionError, UnknownActorError
from suasion.leverage.api import (
    dyad_history,
    leverage_matrix,
    leverage_of,
    leverage_over,
    leverage_sensitivity,
)
from suasion.leverage.cli import channel_columns
from suasion.leverage.model import SUASION_1

runner = CliRunner()


@pytest.fixture(scope="module")
def pak() -> pd.DataFrame:
    return leverage_over("PAK", 2010, model="suasion-1", blocs=False)


def test_leverage_over_is_ranked_and_explained(pak: pd.DataFrame) -> None:
    assert list(pak["rank"][:5]) == [1, 2, 3, 4, 5]
    assert pak["score"].is_monotonic_decreasing
    assert set(pak["target"]) == {"PAK"} and "PAK" not in set(pak["source"])
    channels = channel_columns(pak)
    assert channels == list(SUASION_1.names)
    np.testing.assert_allclose(pak[channels].sum(axis=1), pak["score"], atol=1e-12)
    assert ((pak["score"] >= 0) & (pak["score"] <= 1)).all()
    assert set(pak["channel_flags"][0]) == set(channels)
    assert all(f in ("observed", "missing") or f.startswith("carried forward from ")
               for flags in pak["channel_flags"] for f in flags.values())
    # the states' shares of all outside leverage add up to 1 (the table is every source here)
    assert pak["share"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(pak["share"], pak["score"] / pak["score"].sum())
    assert (pak["actor_type"] == "state").all()


def test_pakistan_2010_led_by_united_states_and_china(pak: pd.DataFrame) -> None:
    assert set(pak["source"][:2]) == {"USA", "CHN"}
    china = pak[pak["source"] == "CHN"].iloc[0]
    # China's lever over Pakistan runs through security ties and finance, not trade
    assert china["finance"] > 0 and china["defence_cooperation"] > 0


@pytest.mark.parametrize("target, dominant", [("CAN", "USA"), ("MEX", "USA"), ("BLR", "RUS"), ("PRK", "CHN"),
                                              ("BTN", "IND"), ("NPL", "IND"), ("LSO", "ZAF"), ("TJK", "RUS")])
def test_well_known_dominant_partners(target: str, dominant: str) -> None:
    assert leverage_over(target, 2010, model="suasion-1", blocs=False, top=1)["source"].iloc[0] == dominant


def test_fbic_model_over_pakistan() -> None:
    frame = leverage_over("PAK", 2010, model="fbic", top=5)
    assert channel_columns(frame) == ["aid", "trade", "arms", "diplomacy"]
    assert frame["model"].iloc[0].startswith("fbic rebuilt from the panel")
    assert set(frame["source"][:2]) == {"USA", "CHN"}
    np.testing.assert_allclose(frame[["aid", "trade", "arms", "diplomacy"]].sum(axis=1), frame["score"], atol=1e-9)
    # the diplomacy channel follows the diplomatic-representation data: flagged like any other
    assert all(f["diplomacy"] in ("observed", "missing") or f["diplomacy"].startswith("carried")
               for f in frame["channel_flags"])


def test_leverage_of_and_matrix_agree() -> None:
    of = leverage_of("USA", 2010, blocs=False).set_index("target")["score"]
    m = leverage_matrix(2010)
    assert of["CAN"] == pytest.approx(m.loc["USA", "CAN"])
    assert np.isnan(m.loc["USA", "USA"])


def test_dyad_history_both_directions() -> None:
    h = dyad_history("China", "Pakistan", model="suasion-1")
    assert set(h["source"]) == {"CHN", "PAK"}
    assert h.groupby("year").size().eq(2).all()
    # trade comes from IMF DOTS to 2020 since the second-edition panel (COW, to 2014, before):
    # 2020 is observed, later years carry 2020 forward and say so
    observed = h[(h["year"] == 2020) & (h["source"] == "CHN")].iloc[0]
    assert observed["channel_flags"]["trade_supply"] == "observed"
    later = h[(h["year"] == 2024) & (h["source"] == "CHN")].iloc[0]
    assert later["channel_flags"]["trade_supply"] == "carried forward from 2020"
    assert later["data_years"]["trade_supply"] == 2020


def test_bloc_as_source_excludes_members() -> None:
    eu = leverage_of("EU", 2010)
    assert "FRA" not in set(eu["source"]) | set(eu["target"])
    assert set(eu["source"]) == {"EU"}
    # the UK counts as a member in 2010 but not in 2021
    assert "GBR" not in set(eu["target"])
    assert "GBR" in set(leverage_of("EU", 2021)["target"])


def test_bloc_as_target() -> None:
    gcc = leverage_over("GCC", 2010, top=3)
    assert "SAU" not in set(gcc["source"])
    assert gcc["score"].iloc[0] > 0


def test_sensitivity_brackets_rank() -> None:
    s = leverage_sensitivity("PAK", 2010, model="suasion-1", draws=200, top=10)
    assert (s["rank_low"] <= s["rank"]).all() and (s["rank"] <= s["rank_high"]).all()
    tight = leverage_sensitivity("PAK", 2010, model="suasion-1", draws=50, concentration=1e7, top=5)
    assert (tight["rank_low"] == tight["rank"]).all() and (tight["rank_high"] == tight["rank"]).all()


def test_bad_input_errors() -> None:
    with pytest.raises(UnknownActorError, match="Pakistan"):
        leverage_over("Pakistn", 2010)
    with pytest.raises(CoverageError, match="1995"):
        leverage_over("PAK", 1980)
    with pytest.raises(SuasionError, match="unknown model"):
        leverage_over("PAK", 2010, model="gravity")


def test_public_api_names() -> None:
    assert suasion.leverage_over is leverage_over
    assert callable(suasion.fbic_from_release)


def test_cli_json_shape() -> None:
    result = runner.invoke(app, ["leverage", "over", "PAK", "--year", "2010", "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data) == 3
    for key in ("source", "target", "year", "model", "score", "rank", "channels", "flags"):
        assert key in data[0]
    assert abs(sum(data[0]["channels"].values()) - data[0]["score"]) < 1e-9


def test_cli_table_fits_80_columns() -> None:
    result = runner.invoke(app, ["leverage", "over", "PAK", "--year", "2010"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "USA" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["leverage", "over", "Pakistn"], "did you mean"),
    (["leverage", "over", "PAK", "--year", "1980"], "1995"),
    (["leverage", "over", "PAK", "--model", "gravity"], "'gravity' is not one of"),
])
def test_cli_bad_input_is_one_line_and_nonzero(args: list[str], message: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "suasion.cli", *args], capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_user_channel_enters_the_model(tmp_path, monkeypatch) -> None:
    from suasion.panel import add_user_channel, load_panel

    monkeypatch.setenv("SUASION_HOME", str(tmp_path))
    csv = tmp_path / "loans.csv"
    csv.write_text("source,target,year,value\nSAU,PAK,2010,3000\n")
    add_user_channel(csv, "deposits", scale="gdp", weight=0.1)
    panel = load_panel()
    assert "deposits" in panel.channels
    frame = leverage_over("PAK", 2010, panel=panel, model="suasion-1", blocs=False)
    assert "deposits" in frame.columns
    sau = frame[frame["source"] == "SAU"].iloc[0]
    assert sau["deposits"] > 0
    base = leverage_over("PAK", 2010, panel=load_panel(user_channels=False), model="suasion-1", blocs=False)
    assert sau["rank"] < base[base["source"] == "SAU"].iloc[0]["rank"]


@pytest.mark.parametrize("year, published", [(2007, 0.305), (2013, 0.358), (2016, 0.454), (2020, 0.450),
                                             (2023, 0.479)])
def test_panel_fbic_near_published_china_pakistan(year: int, published: float) -> None:
    """FBIC rebuilt from public data stays close to the release's China->Pakistan values
    (leverage-methods §1.13), with Pakistan among China's top three targets."""
    china = leverage_of("CHN", year, model="fbic")
    pak = china[china["target"] == "PAK"].iloc[0]
    assert abs(pak["score"] - published) < 0.08
    assert pak["rank"] <= 3


@pytest.mark.parametrize("model", ["suasion-1", "suasion-2", "fbic"])
def test_one_year_window_equals_full_tensor(model: str) -> None:
    from suasion.leverage.engine import leverage_tensor, year_tensor
    from suasion.panel import load_panel

    panel = load_panel()
    full = leverage_tensor(panel, model)
    for year in (1996, 2010, 2024):
        window, t = year_tensor(panel, year, model)
        y = panel.year_index(year)
        np.testing.assert_allclose(window.score[t], full.score[y], equal_nan=True, atol=1e-12)
        np.testing.assert_array_equal(window.observed_year[:, t], full.observed_year[:, y])


@pytest.mark.parametrize("a, b, years", [("EU", "PAK", (2016, 2021)), ("USA", "PRK", (1995, 2001)),
                                         ("IND", "NPL", (2020, 2030))])
def test_dyad_history_years_equal_the_full_history_rows(a: str, b: str, years: tuple[int, int]) -> None:
    """``years=`` computes only the years asked (and their trailing windows): the rows equal those
    of the full history in that range, bloc and carried-forward flags included."""
    full = dyad_history(a, b)
    expected = full[(full["year"] >= years[0]) & (full["year"] <= years[1])].reset_index(drop=True)
    window = dyad_history(a, b, years=years)
    assert len(window) == 2 * (min(years[1], int(full["year"].max())) - years[0] + 1)
    pd.testing.assert_frame_equal(window, expected)
