"""``suasion events``: ingest, dyad JSON contract, top, alerts, channel, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from suasion.events.cli import register

from .helpers import A1CC, A2CC, FIXTURES, raw_rows

V2 = FIXTURES / "gdelt2_20170701234500_head400.export.CSV"
V1_57 = FIXTURES / "gdelt1_backfile_57.tsv"
runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        pass

    register(app)
    return app


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUASION_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_ingest_then_dyad_json(home: Path) -> None:
    result = runner.invoke(_app(), ["events", "ingest", str(V2), "--format", "gdelt2", "--output", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report[0]["status"] == "ingested" and report[0]["rows_written"] == 400
    assert (home / "events" / "ledger.json").exists()  # default store under the per-user data dir
    result = runner.invoke(_app(), ["events", "dyad", "PAK", "AFG", "--freq", "month", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records
    keys = {
        "period",
        "source",
        "target",
        "events",
        "goldstein_sum",
        "goldstein_mean",
        "coop_ratio",
        "verbal_coop",
        "material_coop",
        "verbal_conflict",
        "material_conflict",
    }
    assert all(keys <= set(r) for r in records)
    assert {(r["source"], r["target"]) for r in records} <= {("PAK", "AFG"), ("AFG", "PAK")}
    rows = raw_rows(V2)
    expect = sum(1 for r in rows if {r[A1CC], r[A2CC]} == {"PAK", "AFG"})
    assert sum(r["events"] for r in records) == expect
    for r in records:
        assert (
            r["events"]
            == r["verbal_coop"] + r["material_coop"] + r["verbal_conflict"] + r["material_conflict"]
        )


def test_dyad_csv_weights_and_dates(home: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert (
        runner.invoke(_app(), ["events", "ingest", str(V2), "--store", str(store), "--quiet"]).exit_code == 0
    )
    result = runner.invoke(
        _app(),
        [
            "events",
            "dyad",
            "PAK",
            "AFG",
            "--store",
            str(store),
            "--weight",
            "mentions",
            "--from",
            "2017-01-01",
            "--to",
            "2017-12-31",
            "--undirected",
            "--freq",
            "year",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    rows = [r for r in raw_rows(V2) if {r[A1CC], r[A2CC]} == {"PAK", "AFG"} and r[1].startswith("2017")]
    assert len(table) == 1 and int(table[0]["events"]) == len(rows)
    wsum = sum(float(r[31]) for r in rows)
    assert float(table[0]["goldstein_mean"]) == pytest.approx(
        sum(float(r[31]) * float(r[30]) for r in rows) / wsum
    )


def test_top_alerts_channel_ledger(home: Path) -> None:
    assert runner.invoke(_app(), ["events", "ingest", str(V2), "--quiet"]).exit_code == 0
    top = runner.invoke(
        _app(), ["events", "top", "--actor", "USA", "--since", "2017-01-01", "--format", "json"]
    )
    assert top.exit_code == 0, top.output
    partners = json.loads(top.stdout)
    assert partners and all(p["actor"] == "USA" for p in partners)
    assert [p["events"] for p in partners] == sorted((p["events"] for p in partners), reverse=True)
    alerts = runner.invoke(
        _app(), ["events", "alerts", "--actor", "USA", "--freq", "day", "--format", "json"]
    )
    assert alerts.exit_code == 0, alerts.output
    assert isinstance(json.loads(alerts.stdout), list)
    channel = runner.invoke(_app(), ["events", "channel"])
    assert channel.exit_code == 0 and channel.stdout.startswith("source,target,year,value")
    ledger = runner.invoke(_app(), ["events", "ledger", "--format", "json"])
    assert json.loads(ledger.stdout)[0]["name"] == V2.name


def test_inspect_reports_layouts(home: Path) -> None:
    result = runner.invoke(
        _app(), ["events", "inspect", str(FIXTURES / "gdelt1_mixed_57_58.tsv"), "--output", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["layouts"] == "gdelt1_58: 60, gdelt1_57: 20"


def _suasion(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SUASION_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "suasion.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_errors_are_one_line_and_nonzero(tmp_path: Path) -> None:
    home = tmp_path / "home"
    wrong = _suasion("events", "ingest", str(V2), "--format", "gdelt1", "--quiet", home=home)
    assert wrong.returncode != 0
    assert "looks like gdelt2" in wrong.stderr and "Traceback" not in wrong.stderr
    assert not (home / "events" / "ledger.json").exists()
    assert _suasion("events", "ingest", str(V1_57), "--quiet", home=home).returncode == 0
    unknown = _suasion("events", "dyad", "PAK", "XYZ", home=home)
    assert unknown.returncode != 0 and "unknown actor code 'XYZ'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["events", "ingest", str(V2), "--dedup", "nonsense"], "unknown de-duplication rule 'nonsense'"),
        (["events", "dyad", "PAK", "AFG", "--from", "2018-13-01"], "'2018-13-01' is not a date"),
        (["events", "dyad", "PAK", "AFG", "--from", "yesterday"], "'yesterday' is not a date"),
        (["events", "dyad", "PAK", "AFG", "--ewma", "5"], "--ewma"),
        (["events", "dyad", "PAK", "AFG", "--from", "2018-01-01", "--to", "2017-01-01"], "is after --to"),
        (["events", "alerts", "--actor", "USA", "--metric", "nosuch"], "--metric"),
        (["events", "alerts", "--actor", "USA", "--window", "0"], "--window"),
        (["events", "alerts", "--actor", "USA", "--from", "notadate"], "'notadate' is not a date"),
        (["events", "top", "--actor", "USA", "--top", "-5"], "--top"),
        (["events", "index", "--input", "no-such-file.CSV"], "no such file"),
        (["events", "ingest", str(V2), "--format", "parquet"], "--input-format"),
    ],
)
def test_user_errors_are_one_line_exit_2_and_write_nothing(cli, home: Path, args, message) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert not home.exists()


def test_reading_a_store_that_does_not_exist_is_an_error_and_creates_nothing(cli, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "store"
    for command in (["events", "ledger"], ["events", "compact"], ["events", "dyad", "PAK", "AFG"]):
        result = cli(*command, "--store", str(missing))
        assert result.exit_code == 2 and "is not an event store" in result.stderr, command
    assert not (tmp_path / "no").exists()
    out = tmp_path / "nofolder" / "x.csv"
    result = cli("events", "index", "--input", str(V2), "--out", str(out))
    assert result.exit_code == 2 and "does not exist" in result.stderr and not out.parent.exists()


def test_old_spellings_still_work_with_a_deprecation_line(cli, home: Path, tmp_path: Path) -> None:
    result = cli("events", "ingest", str(V2), "--format", "gdelt2", "--output", "json", "--quiet")
    assert result.exit_code == 0, result
    assert "--format gdelt2 is deprecated" in result.stderr and "use --input-format gdelt2" in result.stderr
    assert "--output is deprecated" in result.stderr
    assert json.loads(result.stdout)[0]["rows_written"] == 400
    new = cli("events", "top", "--actor", "USA", "--from", "2017-01-01", "--format", "json")
    old = cli("events", "top", "--actor", "USA", "--since", "2017-01-01", "--format", "json")
    assert old.exit_code == 0 and "--since is deprecated" in old.stderr and old.stdout == new.stdout
    alerts = cli("events", "alerts", "--actor", "USA", "--since", "2017-01-01", "--freq", "day")
    assert alerts.exit_code == 0 and "--since is deprecated" in alerts.stderr
    out = tmp_path / "index.parquet"
    assert cli("events", "index", "--input", str(V2), "-o", str(out)).exit_code == 0 and out.stat().st_size > 0


def test_events_help_imports_no_heavy_library() -> None:
    """The events commands alone (other capabilities' start-up is theirs): help loads no heavy library."""
    code = (
        "import sys, typer\n"
        "from suasion.events.cli import register\n"
        "app = typer.Typer()\n"
        "app.callback()(lambda: None)\n"
        "register(app)\n"
        "sys.argv = ['suasion', 'events', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'duckdb', 'ibis', 'pyarrow', 'polars') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert "fetch" in out.stdout and out.stdout.strip().splitlines()[-1] == "[]"
