"""Shared test set-up: the --skip-slow flag and the location of ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--skip-slow", action="store_true", default=False,
                     help="skip tests marked slow (Spark, PostgreSQL, browser, large data)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--skip-slow"):
        skip = pytest.mark.skip(reason="--skip-slow given")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The raw data folder beside the repository; tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


class CliResult:
    """What a CLI run printed and returned."""

    def __init__(self, exit_code: int, stdout: str, stderr: str):
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr

    def __repr__(self) -> str:
        return f"CliResult(exit_code={self.exit_code}, stderr={self.stderr[-300:]!r})"


def run_cli(*args: str) -> CliResult:
    """Run ``suasion ARGS`` in-process through :func:`suasion.cli.main`, exactly as the console script
    does (one-line errors, exit status 2), capturing stdout and stderr."""
    import contextlib
    import io
    import sys

    from suasion.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["suasion", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    """``cli("leverage", "over", "PAK")`` -> :class:`CliResult` (see :func:`run_cli`)."""
    return run_cli


#: Tables a command may write even when it fails: a failed login is counted (login throttling).
BOOKKEEPING = {"login_throttle"}


def register_records(path: Path) -> int:
    """A fingerprint of a SQLite register's records (every table but the login throttle), read
    without creating any file beside it."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if t not in BOOKKEEPING]
        return hash(tuple((t, tuple(sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))))) for t in tables))
    except sqlite3.DatabaseError:  # not a database (a fuzzed file): compare its bytes
        return hash(path.read_bytes())
    finally:
        con.close()
