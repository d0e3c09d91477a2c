"""``suasion actors``: output of resolve and blocs, and the one-line error on an unknown actor."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import typer
from typer.testing import CliRunner

from suasion.actors.cli import register

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:  # a group, as in suasion.cli
        pass

    register(app)
    return app


def test_resolve_json() -> None:
    result = runner.invoke(_app(), ["actors", "resolve", "Pakistan", "NA", "770", "eu", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["code"] for r in records] == ["PAK", "NAM", "PAK", "EU"]
    assert records[1]["name"] == "Namibia" and records[3]["kind"] == "bloc"


def test_resolve_year() -> None:
    result = runner.invoke(_app(), ["actors", "resolve", "gw:260", "--year", "1970", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [{"value": "gw:260", "code": "DEU", "name": "Germany", "kind": "state"}]


def test_blocs_members_in_year() -> None:
    result = runner.invoke(_app(), ["actors", "blocs", "EU", "--year", "2020", "--format", "csv"])
    assert result.exit_code == 0, result.output
    iso3 = {r["iso3"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert len(iso3) == 27 and "GBR" not in iso3 and "HRV" in iso3


def test_blocs_list() -> None:
    result = runner.invoke(_app(), ["actors", "blocs", "--year", "2000", "--format", "json"])
    assert result.exit_code == 0, result.output
    by_bloc = {r["bloc"]: r for r in json.loads(result.stdout)}
    assert by_bloc["NATO"]["members"] == 19 and by_bloc["SCO"]["members"] == 0
    table = runner.invoke(_app(), ["actors", "blocs"])
    assert table.exit_code == 0 and "African Union" in table.stdout


def test_unknown_actor_exits_non_zero_with_one_line() -> None:
    proc = subprocess.run([sys.executable, "-m", "suasion.cli", "actors", "resolve", "Pakistn"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Pakistn" in lines[0] and "Pakistan (PAK)" in lines[0] and "Traceback" not in proc.stderr


def test_bloc_before_founding_exits_non_zero() -> None:
    proc = subprocess.run([sys.executable, "-m", "suasion.cli", "actors", "blocs", "AU", "--year", "1990"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "1990" in proc.stderr and "Traceback" not in proc.stderr
