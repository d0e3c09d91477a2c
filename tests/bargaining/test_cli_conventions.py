"""The bargaining commands follow the CLI conventions: one-line errors with exit 2, nothing written by a
failed command, --format for output and --input-format for input (old spellings deprecated)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

EXAMPLE = "src/suasion/bargaining/data/examples/eu_turkey_pakistan.yaml"


@pytest.fixture
def example():
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / EXAMPLE


def one_line_error(res) -> None:
    assert res.exit_code == 2, res
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip() and not ln.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("error:"), res.stderr


def test_bad_setting_values_are_one_line_errors(cli, example):
    one_line_error(cli("forecast", example, "--set", "q=abc"))                  # compromise has no q
    res = cli("forecast", example, "--model", "bdm", "--set", "q=abc")
    one_line_error(res)
    assert "q='abc'" in res.stderr and "number" in res.stderr
    one_line_error(cli("forecast", example, "--model", "bdm", "--set", "rounds=2.5"))
    one_line_error(cli("forecast", example, "--model", "mixture", "--set", "pi=2"))


def test_scenario_option_needs_a_scenario_column(cli, example, tmp_path):
    res = cli("forecast", example, "--scenario", "nosuch")
    one_line_error(res)
    assert "nosuch" in res.stderr
    plain = tmp_path / "s.csv"
    plain.write_text("actor,issue,position,salience,capability\nA,x,0,1,1\nB,x,100,1,1\n")
    one_line_error(cli("forecast", plain, "--scenario", "nosuch"))
    several = tmp_path / "m.csv"
    several.write_text("scenario,actor,issue,position,salience,capability\none,A,x,0,1,1\none,B,x,100,1,1\n"
                       "two,A,x,10,1,1\ntwo,B,x,50,1,1\n")
    one_line_error(cli("forecast", several, "--scenario", "three"))
    assert cli("forecast", several, "--scenario", "two").exit_code == 0


def test_backtest_bad_inputs(cli, fixtures, tmp_path):
    deu = fixtures / "deu_sample.tsv"
    one_line_error(cli("backtest", deu, "--n-boot", "0"))
    one_line_error(cli("backtest", deu, "--folds", "1"))
    png = tmp_path / "chart.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    res = cli("backtest", png)
    one_line_error(res)
    assert "chart.png" in res.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("actor,issue,position,salience\nM\xfcnchen,x,1,1\n".encode("latin-1"))
    one_line_error(cli("backtest", latin, "--input-format", "csv"))
    missing = tmp_path / "no" / "p.csv"
    one_line_error(cli("backtest", deu, "--models", "compromise", "--out", missing))
    assert not missing.parent.exists()
    one_line_error(cli("backtest", deu, "--models", "compromise,nosuch"))


def test_failed_backtest_writes_nothing(cli, tmp_path):
    out = tmp_path / "p.csv"
    bad = tmp_path / "b.csv"
    bad.write_text("actor,issue,position,salience,capability\nA,x,0,1,1\nB,x,100,1,1\n")   # no outcomes
    one_line_error(cli("backtest", bad, "--input-format", "csv", "--out", out))
    assert list(tmp_path.iterdir()) == [bad]


def test_format_is_output_and_old_spellings_still_work(cli, fixtures, tmp_path):
    deu = fixtures / "deu_sample.tsv"
    res = cli("backtest", deu, "--models", "compromise,median", "--folds", "3", "--format", "json")
    assert res.exit_code == 0, res
    rows = json.loads(res.stdout)
    assert [r["model"] for r in rows] == ["compromise", "median"] and "crps" in rows[0]
    old = cli("backtest", deu, "--format", "deu", "--models", "compromise,median", "--folds", "3",
              "--output", "json")
    assert old.exit_code == 0, old
    assert json.loads(old.stdout) == rows
    warnings = [ln for ln in old.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 2 and "--input-format deu" in warnings[0] and "--format" in warnings[1]
    one_line_error(cli("backtest", deu, "--format", "deu", "--input-format", "csv"))


def test_backtest_out_and_frozen_checksum(cli, fixtures, tmp_path):
    import hashlib

    from suasion.bargaining.frozen import frozen_path

    out = tmp_path / "pred.csv"
    res = cli("backtest", fixtures / "deu_sample.tsv", "--frozen", "--models", "compromise,mixture",
              "--out", out)
    assert res.exit_code == 0, res
    digest = hashlib.sha256(frozen_path().read_bytes()).hexdigest()
    assert digest in res.stderr and "frozen parameters (sha256" in res.stdout
    frame = pd.read_csv(out)
    assert list(frame.columns[:7]) == ["issue_id", "model", "prediction", "outcome", "mean", "q05", "q10"]
    assert "q95" in frame.columns and set(frame.model) == {"compromise", "mixture"}


def test_forecast_prints_distributions(cli, example, tmp_path):
    res = cli("forecast", example, "--model", "mixture", "--format", "json")
    assert res.exit_code == 0, res
    rows = json.loads(res.stdout)
    assert {"forecast", "mean", "q05", "q95", "p_alternative", "top_alternative"} <= set(rows[0])
    alts = cli("forecast", example, "--alternatives", "--format", "csv")
    frame = pd.read_csv(__import__("io").StringIO(alts.stdout))
    assert set(frame.columns) == {"issue", "model", "alternative", "held_by", "probability"}
    hist = tmp_path / "missing" / "h.csv"
    one_line_error(cli("forecast", example, "--model", "smp", "--history", hist))
    assert not hist.parent.exists()
