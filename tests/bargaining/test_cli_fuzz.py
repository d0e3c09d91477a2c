"""Every option of the bargaining commands, fed bad values: exit status 2 (or 0 where the value is
legal), one short message, no traceback, and no file created or changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from suasion.cli import app

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "bargaining"
EXAMPLE = ROOT / "src" / "suasion" / "bargaining" / "data" / "examples" / "eu_turkey_pakistan.yaml"

BASE = {
    ("forecast",): [str(EXAMPLE)],
    ("exchanges",): [str(EXAMPLE), "--actor", "EU"],
    ("backtest",): [str(FIX / "deu_sample.tsv"), "--models", "compromise", "--n-boot", "20", "--folds", "3"],
    ("offer",): ["-p", "EU", "-b", "TUR", "-t", "PAK", "--runs", "0"],
    ("scenario", "new"): ["--actors", "EU,TUR", "--issue", "x"],
}


def _options(path: tuple[str, ...]) -> list[str]:
    import typer

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return [p.opts[0] for p in command.params if p.opts and p.opts[0].startswith("--") and not p.hidden]


def _snapshot(folder: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in folder.rglob("*")}


@pytest.mark.slow
@pytest.mark.parametrize("path", list(BASE), ids=lambda p: " ".join(p))
def test_bad_values_are_one_line_errors(path, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative value (--out -5, ...) that works lands here, not in the repository
    binary = tmp_path / "x.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    values = ["-5", "0", "99999999999", "abc", "", "2018-13-01", str(binary), str(tmp_path / "no" / "f.csv")]
    repo_before = _snapshot(ROOT / "src" / "suasion" / "bargaining")
    for option in _options(path):
        is_flag = option in ("--frozen", "--alternatives", "--force")
        for value in ([] if is_flag else values):
            before = _snapshot(tmp_path)
            res = cli(*path, *BASE[path], option, value)
            assert res.exit_code in (0, 2), (option, value, res)
            assert "Traceback" not in res.stderr, (option, value, res.stderr[-500:])
            assert len([ln for ln in res.stderr.splitlines() if ln.strip()]) <= 3, (option, value, res.stderr)
            if res.exit_code == 2:                      # a failed command creates and changes nothing
                assert _snapshot(tmp_path) == before, (option, value)
    assert _snapshot(ROOT / "src" / "suasion" / "bargaining") == repo_before
