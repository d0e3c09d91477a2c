"""User channels: validation errors with file/line/column, atomic storage, merge into the panel."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from suasion.errors import InputFileError
from suasion.panel import UserChannelError, add_user_channel, load_panel, remove_user_channel
from suasion.panel.store import user_channels_dir


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SUASION_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def write(tmp_path: Path, text: str, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_add_merge_and_remove(tmp_path):
    path = write(tmp_path, "source,target,year,value\nUSA,PAK,2010,3\nGBR,PAK,2011,2.5\nUSA,IND,2012,0\n")
    frame = add_user_channel(path, "port_calls", unit="calls", scale="count", weight=0.2)
    assert len(frame) == 3
    panel = load_panel()
    assert panel.channels[-1] == "port_calls"
    meta = panel.channel_meta["port_calls"]
    assert meta["user"] is True and meta["weight"] == 0.2 and meta["unit"] == "calls"
    v, oy = panel.values["port_calls"], panel.observed_year["port_calls"]
    i, usa, pak = panel.year_index(2010), panel.actor_index("USA"), panel.actor_index("PAK")
    assert v[i, usa, pak] == 3.0 and oy[i, usa, pak] == 2010
    assert np.isnan(v[i, pak, usa]) and oy[i, pak, usa] == -1     # missing where not given
    assert v[panel.year_index(2012), usa, panel.actor_index("IND")] == 0.0
    assert int((oy >= 0).sum()) == 3
    assert "port_calls" not in load_panel(user_channels=False).channels
    remove_user_channel("port_calls")
    assert "port_calls" not in load_panel().channels
    with pytest.raises(UserChannelError, match="no user channel"):
        remove_user_channel("port_calls")


@pytest.mark.parametrize("text, line, column, reason", [
    ("source,target,year,value\nUSA,PAK,2010,3\nUSA,PAK,20x0,1\n", 3, "year", "not an integer"),
    ("source,target,year,value\nUSA,PAK,1990,3\n", 2, "year", "outside the panel"),
    ("source,target,year,value\nUSA,PAK,2010,3\nUSA,QQQQQ,2010,1\n", 3, "target", "QQQQQ"),
    ("source,target,year,value\nUSA,PAK,2010,abc\n", 2, "value", "not a number"),
    ("source,target,year,value\nUSA,PAK,2010,nan\n", 2, "value", "not finite"),
    ("source,target,year,value\nUSA,USA,2010,1\n", 2, "target", "both USA"),
    ("source,target,year,value\nXKX,PAK,2000,1\n", 2, "source", "not a state in 2000"),
    ("source,target,year,value\nUSA,PAK,2010,1\nUSA,PAK,2010,2\n", 3, None, "duplicate"),
    ("source,target,year,value\nUSA,PAK,2010\n", 2, None, "expected 4 fields"),
    ("source,target,value\nUSA,PAK,1\n", 1, None, "lacks column 'year'"),
])
def test_bad_files_name_line_and_column(tmp_path, text, line, column, reason):
    path = write(tmp_path, text)
    with pytest.raises(InputFileError) as info:
        add_user_channel(path, "bad")
    err = info.value
    assert err.path == str(path) and err.line == line and err.column == column
    assert reason in str(err)
    assert not (user_channels_dir() / "bad.parquet").exists()


def test_name_rules(tmp_path):
    path = write(tmp_path, "source,target,year,value\nUSA,PAK,2010,3\n")
    with pytest.raises(UserChannelError, match="clashes"):
        add_user_channel(path, "exports")
    with pytest.raises(UserChannelError, match="must be"):
        add_user_channel(path, "Bad Name")
    with pytest.raises(UserChannelError, match="scale"):
        add_user_channel(path, "ok", scale="furlongs")


def test_failed_replace_keeps_previous_channel(tmp_path):
    good = write(tmp_path, "source,target,year,value\nUSA,PAK,2010,3\n", "good.csv")
    add_user_channel(good, "calls")
    before = (user_channels_dir() / "calls.parquet").read_bytes()
    bad = write(tmp_path, "source,target,year,value\nUSA,PAK,2010,3\nUSA,PAK,2011,oops\n", "bad.csv")
    with pytest.raises(InputFileError):
        add_user_channel(bad, "calls")
    assert (user_channels_dir() / "calls.parquet").read_bytes() == before
    assert json.loads((user_channels_dir() / "calls.json").read_text())["rows"] == 1
    leftovers = [p.name for p in user_channels_dir().iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_cli_bad_file_is_one_line_error(tmp_path, home):
    path = write(tmp_path, "source,target,year,value\nUSA,PAK,2010,3\nUSA,PAK,2011,oops\n")
    env = {"SUASION_HOME": str(home), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "suasion.cli", "data", "add", str(path), "--channel", "x"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert f"{path}, line 3, column 'value'" in proc.stderr.replace("\n", "")
