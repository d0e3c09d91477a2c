"""``suasion register`` under bad input (issue 11): one line on stderr, exit status 2, no
traceback, nothing created; the vocabulary (--register, --format, --input-format, --out) with
the old spellings still working; Excel export; the renamed activity types."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import register_records

from .conftest import PASSWORD


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data home with a register (admin 'chief') and the environment to act as chief."""
    from suasion.engagements.register import Register

    for key in ("SUASION_REGISTER_URL", "SUASION_REGISTER_TOKEN", "SUASION_REGISTER_NEW_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SUASION_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SUASION_REGISTER_USER", "chief")
    monkeypatch.setenv("SUASION_REGISTER_PASSWORD", PASSWORD)
    monkeypatch.setenv("SUASION_REGISTER_ADMIN_PASSWORD", PASSWORD)
    Register.create(tmp_path / "home" / "register.sqlite", "chief", PASSWORD).close()
    return tmp_path


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Files with size and time; a register with its records (a failed login is still counted)."""
    return {str(p.relative_to(root)): (-2, register_records(p)) if p.suffix == ".sqlite" else
            (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def _one_line_error(result: Any, *needles: str) -> None:
    assert result.exit_code == 2, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.mark.parametrize("args, needle", [
    (["trajectory", "PAK", "--half-life", "0"], "--half-life"),
    (["trajectory", "PAK", "--half-life", "-3"], "--half-life"),
    (["plan", "--budget", "1000", "-p", "PAK=abc"], "PAK='abc'"),
    (["plan", "--budget", "1000", "-p", "PAK=1", "-c", "exercise=lots"], "exercise='lots'"),
    (["plan", "--budget", "0", "-p", "PAK=1"], "--budget"),
    (["list", "--status", "nosuch"], "--status"),
    (["list", "--limit", "-1"], "--limit"),
    (["list", "--type", "picnic"], "--type"),
    (["serve", "--port", "99999"], "--port"),
    (["serve", "--port", "0"], "--port"),
    (["audit", "--entity", "nosuch"], "--entity"),
    (["show", "0"], "engagement_id"),
    (["transition", "1", "nowhere", "-V", "1"], "nowhere"),
    (["export", "--format", "table"], "--format"),
    (["export", "-o", "missing-folder/out.csv"], "does not exist"),
    (["export", "--format", "xlsx"], "--out"),
    (["channel", "--status", "done"], "done"),
    (["channel", "--weights", "no-such-weights.yaml"], "no such file"),
    (["users", "token", "--days", "0"], "--days"),
])
def test_bad_options_are_one_line_and_change_nothing(home: Path, cli: Any, args: list[str], needle: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(home)
    before = _tree(home)
    _one_line_error(cli("register", *args), needle)
    assert _tree(home) == before


def test_a_register_that_does_not_exist_is_an_error_and_nothing_is_created(home: Path, cli: Any,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    typo = home / "typo" / "path.sqlite"
    _one_line_error(cli("register", "list", "--register", str(typo)), "no register at", "register init")
    assert not (home / "typo").exists()
    empty_home = home / "elsewhere"
    monkeypatch.setenv("SUASION_HOME", str(empty_home))
    _one_line_error(cli("register", "list"), "no register at")
    assert not empty_home.exists()
    # the older spelling still works, with a deprecation line, and fails the same way
    result = cli("register", "list", "--db", str(typo))
    assert result.exit_code == 2 and "deprecated" in result.stderr and "no register at" in result.stderr
    assert not (home / "typo").exists()


def test_unusable_register_locations(home: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    text = home / "notes.txt"
    text.write_text("not a database\n" * 10)
    before = _tree(home)
    _one_line_error(cli("register", "list", "--register", str(text)), "not a register")
    _one_line_error(cli("register", "list", "--register", str(home)), "folder")
    _one_line_error(cli("register", "list", "--register", "mysql://user@127.0.0.1/db"), "unsupported")
    _one_line_error(cli("register", "list", "--register", "nosuch://x/y"), "unsupported")
    result = cli("register", "list", "--register", "postgresql://someone:hunter2-db-pass@127.0.0.1:1/register")
    _one_line_error(result, "cannot open the register")
    assert "hunter2-db-pass" not in result.stderr
    assert _tree(home) == before

    real_import = builtins.__import__

    def no_psycopg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    _one_line_error(cli("register", "list", "--register", "postgresql://u@127.0.0.1/db"), "suasion[postgres]")


def test_a_failed_init_leaves_nothing_behind(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUASION_REGISTER_URL", raising=False)
    target = tmp_path / "new" / "folder" / "reg.sqlite"
    for password, needle in (("short", "12 characters"), ("password1234", "too common")):
        monkeypatch.setenv("SUASION_REGISTER_ADMIN_PASSWORD", password)
        result = cli("register", "init", "--register", str(target), "--admin", "chief")
        _one_line_error(result, needle)
        assert password not in result.stderr
        assert not (tmp_path / "new").exists()
    monkeypatch.setenv("SUASION_REGISTER_ADMIN_PASSWORD", PASSWORD)
    _one_line_error(cli("register", "init", "--register", str(target), "--classifications", "A,,B"),
                    "classifications")
    _one_line_error(cli("register", "init", "--register", str(target), "--principal", "Atlantis"), "Atlantis")
    assert not (tmp_path / "new").exists()
    ok = cli("register", "init", "--register", str(target), "--admin", "chief", "--principal", "GBR",
             "--classifications", "OFFICIAL,SECRET,TOP SECRET")
    assert ok.exit_code == 0 and "cleared to TOP SECRET" in ok.stdout and "principal GBR" in ok.stdout
    _one_line_error(cli("register", "init", "--register", str(target)), "exists already")


def test_old_spellings_still_work(home: Path, cli: Any) -> None:
    ok = cli("register", "add", "--title", "Talks", "--type", "staff_talks", "-p", "PAK", "--start", "2026-01-10",
             "--end", "2026-01-11", "--level", "working")
    assert ok.exit_code == 0, ok
    out = home / "out.json"
    result = cli("register", "export", "--file-format", "json", "-o", str(out))
    assert result.exit_code == 0 and "--file-format is deprecated" in result.stderr
    assert json.loads(out.read_text())[0]["title"] == "Talks"
    result = cli("register", "import", str(out), "--file-format", "json")
    assert result.exit_code == 0 and "--file-format is deprecated" in result.stderr and "imported 1" in result.stdout
    result = cli("register", "import", str(out), "--input-format", "json")
    assert result.exit_code == 0 and "deprecated" not in result.stderr
    csv_out = home / "out.csv"
    assert cli("register", "export", "--format", "csv", "--out", str(csv_out)).exit_code == 0
    assert csv_out.read_text().startswith("id,title,type")


def test_excel_export(home: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    cli("register", "add", "--title", "=1+1", "--type", "exercise", "-p", "IND", "--start", "2026-02-01",
        "--end", "2026-02-03", "--level", "chiefs", "--cost", "1500")
    out = home / "engagements.xlsx"
    assert cli("register", "export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert row["title"] == "=1+1" and sheet.cell(2, header.index("title") + 1).data_type == "s"
    assert row["estimated_cost"] == 1500 and row["partners"] == "IND"
    real_import = builtins.__import__

    def no_openpyxl(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "openpyxl" or name.startswith("openpyxl."):
            raise ImportError("No module named 'openpyxl'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    again = home / "again.xlsx"
    _one_line_error(cli("register", "export", "--format", "xlsx", "-o", str(again)), "suasion[excel]")
    assert not again.exists()


def test_activity_types_use_the_readme_words(home: Path, cli: Any) -> None:
    """The README's defence-diplomacy activities, one type each; old names still read on input."""
    from suasion.engagements.vocab import EngagementType

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("<!-- section:register -->")[1].split("<!-- /section:register -->")[0]
    for t in EngagementType:
        if t is not EngagementType.other:
            assert t.value in section, t.value
    rows = home / "old.csv"
    rows.write_text("title,type,partners,start_date,end_date,level,lead_department\n"
                    "Hotline,csbm,PAK,2026-01-01,2026-01-02,working,foreign\n"
                    "Minister,high_level_visit,IND,2026-01-01,2026-01-02,ministerial,defence\n")
    assert cli("register", "import", str(rows)).exit_code == 0
    listed = json.loads(cli("register", "list", "-f", "json").stdout)
    assert [e["type"] for e in listed] == ["confidence_building", "high_level_engagement"]


def test_migration_renames_stored_types(tmp_path: Path) -> None:
    """Migration 0002 rewrites the old activity names in a register made before it."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from suasion.engagements.register import Register
    from suasion.engagements.store import MIGRATIONS

    path = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for i, kind in enumerate(("csbm", "high_level_visit", "exercise")):
            connection.execute(text(
                "INSERT INTO engagements (title, type, location, start_date, end_date, level, lead_department, "
                "supporting_departments, status, currency, classification, notes, created_by, created_at, "
                "updated_at, version) VALUES (:t, :k, '', '2026-01-01', '2026-01-02', 'working', 'defence', '[]', "
                "'proposed', 'GBP', 'OFFICIAL', '', 'x', '2026-01-01', '2026-01-01', 1)"), {"t": f"e{i}", "k": kind})
            connection.execute(text("INSERT INTO engagement_partners VALUES (:i, 'PAK', 0)"), {"i": i + 1})
    engine.dispose()
    reg = Register(path)
    reg.init_admin("chief", PASSWORD)
    assert [e.type.value for e in reg.as_user("chief").all_engagements()] == \
        ["confidence_building", "high_level_engagement", "exercise"]
    reg.close()
