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
