"""The ``suasion data`` commands through Typer's test runner."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from suasion.panel.cli import register

app = typer.Typer()  # only the data group, so other capabilities' state cannot break these tests
register(app)
runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SUASION_HOME", str(tmp_path / "home"))


def test_sources_csv_and_json():
    result = runner.invoke(app, ["data", "sources", "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert {"channel", "first_observed", "last_observed", "share_observed"} <= set(frame.columns)
    row = frame.set_index("channel").loc["igo_shared"]
    assert row["last_observed"] == 2014
    records = json.loads(runner.invoke(app, ["data", "sources", "--format", "json"]).stdout)
    assert records[0]["channel"] == "exports"


def test_add_channels_remove(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("source,target,year,value\nUSA,PAK,2010,3\nGBR,PAK,2011,1\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "add", str(path), "--channel", "port_calls", "--unit", "calls"])
    assert result.exit_code == 0, result.output
    assert "2 rows" in result.stdout
    listed = json.loads(runner.invoke(app, ["data", "channels", "--format", "json"]).stdout)
    user = [c for c in listed if c["user"]]
    assert [c["channel"] for c in user] == ["port_calls"] and user[0]["unit"] == "calls"
    assert runner.invoke(app, ["data", "remove", "port_calls"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["data", "channels", "--format", "json"]).stdout)
    assert not any(c["user"] for c in listed)


def test_sources_latest_year_columns():
    frame = pd.read_csv(io.StringIO(runner.invoke(app, ["data", "sources", "--format", "csv"]).stdout))
    row = frame.set_index("channel")
    assert row.loc["exports", "last_observed"] == 2020
    assert row.loc["exports", "latest_share_carried_forward"] == 1.0            # 2024 values carried from 2020
    assert row.loc["exports", "latest_carried_median_age"] == 4.0
    assert row.loc["pta_count", "latest_share_carried_forward"] == 0.0          # DESTA covers 2024
    assert {"remittances", "migrants", "china_debt", "diplomatic_rep", "pta_count", "pta_depth",
            "pta_fbic_index", "us_training", "us_training_cost"} <= set(row.index)
    table = runner.invoke(app, ["data", "sources"], env={"COLUMNS": "200"}).stdout
    assert "carried 2024" in table and "age 2024" in table


@pytest.mark.parametrize("setup, message", [
    ("none", "raw data folder not found"),
    ("empty", "raw file not found"),
    ("garbled", "COW states: the raw files are not in the expected format"),
])
def test_build_bad_raw_folder_is_one_line_and_writes_nothing(tmp_path, cli, setup, message):
    raw = tmp_path / "raw"
    if setup != "none":
        raw.mkdir()
    if setup == "garbled":
        (raw / "states_cow").mkdir()
        (raw / "states_cow" / "cow_states.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("data", "build", "--raw", str(raw), "--out", str(out))
    assert result.exit_code == 2, result
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in result.stderr
    assert not out.exists()
