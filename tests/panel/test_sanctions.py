"""The user-built sanctions channel: rules on constructed case files, then the user's GSDB copy.

No GSDB rows or values are committed: the constructed files below are invented cases in the GSDB
layout, and the GSDB tests read ../shared/data and skip when it is absent.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from suasion.errors import InputFileError
from suasion.panel import add_sanctions_channel, load_panel
from suasion.panel.sanctions import GSDB_COLUMNS, read_gsdb, sanctions_frame
from suasion.panel.store import user_channels_dir

HEADER = ",".join(GSDB_COLUMNS) + ",descr_trade,target_mult,sender_mult,objective,success\n"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SUASION_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def case_file(tmp_path, rows: list[str], name: str = "cases.csv"):
    path = tmp_path / name
    # columns: case_id, sanctioned_state, sanctioning_state, begin, end, trade, arms, military,
    # financial, travel, other, then the five descriptive columns
    path.write_text(HEADER + "".join(r + ",,0,0,policy_change,ongoing\n" for r in rows), encoding="utf-8")
    return path


STATES = {"USA", "PAK", "IND", "FRA", "DEU", "GBR", "POL", "RUS", "NOR", "PRK", "EGY"}


def test_counts_instrument_types_across_cases(tmp_path):
    path = case_file(tmp_path, [
        '1,Pakistan,United States,1998,2001,1,0,1,1,0,0',      # trade, military, financial
        '2,"Pakistan, India",United States,2000,2002,0,1,1,0,0,0',  # arms, military (overlaps)
        '3,"Korea, North","Egypt, Arab Rep.",2000,2000,0,0,0,0,1,0',  # names with commas
    ])
    result = sanctions_frame(read_gsdb(path), STATES, 1995, 2024)
    got = {(s, t, int(y)): v for s, t, y, v in result.frame.itertuples(index=False)}
    assert got[("USA", "PAK", 1998)] == 3
    assert got[("USA", "PAK", 2000)] == 4                      # union: trade, arms, military, financial
    assert got[("USA", "PAK", 2002)] == 2
    assert got[("USA", "IND", 2001)] == 2
    assert got[("EGY", "PRK", 2000)] == 1
    assert ("USA", "PAK", 2003) not in got and ("USA", "PAK", 1997) not in got
    assert result.years == (1995, 2002)                        # absence = 0 up to the file's last year


def test_blocs_expand_to_members_of_the_year_and_organisations_are_dropped(tmp_path):
    path = case_file(tmp_path, [
        '1,Russia,EU,2014,2022,1,1,0,1,1,0',
        '2,Russia,UN,2014,2022,1,0,0,0,0,0',
        '3,Terrorist Organizations (Al-Qaeda),United States,2001,2022,0,0,0,1,0,0',
    ])
    result = sanctions_frame(read_gsdb(path), STATES, 1995, 2024)
    got = {(s, t, int(y)): v for s, t, y, v in result.frame.itertuples(index=False)}
    assert got[("DEU", "RUS", 2014)] == 4 and got[("POL", "RUS", 2022)] == 4
    assert got[("GBR", "RUS", 2019)] == 4 and ("GBR", "RUS", 2020) not in got   # UK left the EU in 2020
    assert not any(s == "NOR" for s, _, _ in got)              # not a member
    assert result.dropped == {"sender: UN": 1, "target: Terrorist Organizations (Al-Qaeda)": 1}


@pytest.mark.parametrize("text, reason", [
    ("case_id,sanctioned_state\n1,Iran\n", "not a GSDB case file"),
    (HEADER + "1,Iran,United States,1990,abc,1,0,0,0,0,0,,0,0,x,y\n", "'abc' is not a year"),
    (HEADER + "1,Iran,United States,1990,1995,2,0,0,0,0,0,,0,0,x,y\n", "'2' is not 0 or 1"),
    (HEADER + "1,Iran,United States,1999,1995,1,0,0,0,0,0,,0,0,x,y\n", "begin 1999 is after end 1995"),
    (HEADER, "no data rows"),
])
def test_bad_files_write_nothing(tmp_path, text, reason):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match=reason):
        add_sanctions_channel(path)
    assert not user_channels_dir().exists() or not list(user_channels_dir().iterdir())


def test_stored_channel_zero_fills_covered_years(tmp_path):
    path = case_file(tmp_path, ['1,Pakistan,United States,1998,2001,1,0,1,1,0,0'])
    add_sanctions_channel(path)
    meta = json.loads((user_channels_dir() / "sanctions.json").read_text())
    assert meta["zero_years"] == [1995, 2001] and meta["input_format"] == "gsdb"
    panel = load_panel()
    v, oy = panel.values["sanctions"], panel.observed_year["sanctions"]
    usa, pak, ind = panel.actor_index("USA"), panel.actor_index("PAK"), panel.actor_index("IND")
    assert v[panel.year_index(1999), usa, pak] == 3 and oy[panel.year_index(1999), usa, pak] == 1999
    assert v[panel.year_index(1999), usa, ind] == 0 and oy[panel.year_index(1999), usa, ind] == 1999
    assert np.isnan(v[panel.year_index(2005), usa, pak]) and oy[panel.year_index(2005), usa, pak] == -1
    assert oy[panel.year_index(1999), usa, usa] == -1


def test_cli_gsdb_and_errors(tmp_path, cli):
    path = case_file(tmp_path, ['1,Pakistan,United States,1998,2001,1,0,1,1,0,0'])
    ok = cli("data", "add", str(path), "--input-format", "gsdb")
    assert ok.exit_code == 0, ok
    assert "channel 'sanctions'" in ok.stdout
    for args, message in ((["--input-format", "xls"], "--input-format"),
                          (["--input-format", "csv"], "--channel is required")):
        bad = cli("data", "add", str(path), *args)
        assert bad.exit_code == 2 and message in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    missing = cli("data", "add", str(tmp_path / "nothing.csv"), "--input-format", "gsdb", "--channel", "s2")
    assert missing.exit_code == 2 and "file not found" in missing.stderr
    assert not (user_channels_dir() / "s2.parquet").exists()


# ---------------------------------------------------------------------------------------------
# the user's own GSDB copy (../shared/data)


def test_gsdb_copy(shared_data):
    path = shared_data / "sanctions_gsdb" / "GSDB_V3.csv"
    result = add_sanctions_channel(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert result.cases == len(raw)
    panel = load_panel()

    def value(s, t, y):
        i = panel.year_index(y)
        return panel.values["sanctions"][i, panel.actor_index(s), panel.actor_index(t)]

    # United States -> Pakistan, read off the raw cases in force in each year
    us_pak = raw[raw.sanctioning_state.str.contains("United States") & (raw.sanctioned_state == "Pakistan")]
    for year in (1995, 2005, 2018):
        live = us_pak[(us_pak.begin.astype(int) <= year) & (us_pak.end.astype(int) >= year)]
        kinds = {k for k in ("trade", "arms", "military", "financial", "travel", "other") if (live[k] == "1").any()}
        assert value("USA", "PAK", year) == len(kinds), year
    assert value("USA", "PAK", 1995) >= 3 and value("USA", "PAK", 2005) == 0   # Pressler; none in 2005
    # the EU's 2014 Russia sanctions reach each member of the year (Croatia joined in 2013)
    assert value("DEU", "RUS", 2015) > 0 and value("HRV", "RUS", 2015) > 0
    assert "sender: UN" in result.dropped
