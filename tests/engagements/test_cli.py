"""``suasion register ...`` end to end on a SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from suasion.cli import app
from suasion.engagements.errors import ConflictError, IllegalTransitionError, SetupError

from .conftest import PASSWORD


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"SUASION_HOME": str(tmp_path), "SUASION_REGISTER_ADMIN_PASSWORD": PASSWORD,
              "SUASION_REGISTER_USER": "chief", "SUASION_REGISTER_PASSWORD": PASSWORD}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("SUASION_REGISTER_URL", raising=False)
    monkeypatch.delenv("SUASION_REGISTER_TOKEN", raising=False)
    return values


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["register", *args], catch_exceptions=True)


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def test_cli_life_cycle(env: dict[str, str], tmp_path: Path) -> None:
    assert "admin 'chief'" in ok("init", "--admin", "chief")
    assert (tmp_path / "register.sqlite").exists()  # created on first use in the data home
    assert isinstance(run("init", "--admin", "chief").exception, SetupError)
    ok("objectives", "add", "--title", "Trust", "-p", "PAK", "--aim", "build_trust", "--owner", "MoD",
       "-i", "visits=1:4")
    added = json.loads(ok("add", "--title", "Staff talks", "--type", "staff_talks", "-p", "PAK", "-p", "India",
                          "--start", "2026-01-10", "--end", "2026-01-12", "--level", "senior_officer",
                          "--cost", "5000", "-o", "1", "-f", "json"))
    assert added[0]["partners"] == ["PAK", "IND"] and added[0]["status"] == "proposed"
    ok("transition", "1", "planned", "-V", "1")
    ok("approve", "1", "-V", "2")
    ok("transition", "1", "executed", "-V", "3")
    assert isinstance(run("update", "1", "-V", "3", "--set", "title=late").exception, ConflictError)
    ok("assess", "1", "-V", "4", "--rating", "4", "--date", "2026-02-01", "-r", "visits=2")
    assert isinstance(run("transition", "1", "planned", "-V", "5").exception, IllegalTransitionError)
    shown = json.loads(ok("show", "1", "-f", "json"))
    assert shown["status"] == "assessed" and shown["assessments"][0]["rating"] == 4
    listed = ok("list", "-f", "csv")
    assert listed.splitlines()[1].startswith("1,Staff talks,staff_talks,PAK;IND,")
    out = tmp_path / "out.json"
    ok("export", "--file-format", "json", "-o", str(out))
    assert "imported 1 engagements" in ok("import", str(out))
    assert json.loads(ok("list", "-f", "json"))[1]["status"] == "proposed"
    traj = json.loads(ok("trajectory", "PAK", "-f", "json"))
    assert traj[0]["engagements"] == 1 and traj[1]["mean_rating"] == 4.0
    plan = json.loads(ok("plan", "--budget", "20000", "-p", "PAK=2", "-p", "IND=1", "-c", "staff_talks=5000",
                         "-c", "exercise=15000", "-f", "json"))
    assert plan["spent"] == 20000 and plan["value"] == 10.0
    audit = json.loads(ok("audit", "--entity", "engagement", "--id", "1", "-f", "json"))
    assert [x["action"] for x in audit][::-1] == ["create", "transition", "approve", "transition", "assess"]
    assert "status" in ok("audit", "--entity", "engagement", "-f", "csv")
    token = ok("users", "token").strip()
    assert len(token) > 30
    env_users = ok("users", "list", "-f", "json")
    assert json.loads(env_users)[0]["username"] == "chief"


def test_cli_errors_are_one_line(env: dict[str, str], tmp_path: Path) -> None:
    ok("init", "--admin", "chief")
    bad = tmp_path / "bad.csv"
    bad.write_text("title,type,partners,start_date,end_date,level,lead_department\n"
                   "A,staff_talks,PAK,2026-01-05,2026-01-01,working,defence\n"
                   "B,staff_talks,Narnia,2026-01-05,2026-01-06,working,defence\n")
    proc = subprocess.run([sys.executable, "-c", "from suasion.cli import main; main()", "register", "import",
                           str(bad)], capture_output=True, text=True, env={**env, "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "bad.csv: 2 bad row(s), nothing imported: line 2:" in " ".join(proc.stderr.split())
    assert "line 3:" in proc.stderr and "Narnia" in proc.stderr
