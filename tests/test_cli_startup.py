"""``suasion --help`` stays fast: the CLI modules import nothing heavy at start-up (issue 11).

Behavioural, not timed (the timing is ``benchmarks/cli_start.py``): a fresh interpreter imports
``suasion.cli``, or prints the help of every command, and then lists the heavy libraries it loaded.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "numpy", "pyarrow", "duckdb", "ibis", "sqlalchemy", "fastapi", "weasyprint")


def _loaded(script: str) -> list[str]:
    names = HEAVY + ("pydantic",)
    code = f"import sys\n{script}\nprint('loaded:' + ','.join(m for m in {names!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("loaded:")][-1]
    return [m for m in line.removeprefix("loaded:").split(",") if m]


def test_importing_the_cli_imports_nothing_heavy() -> None:
    assert [m for m in _loaded("import suasion.cli") if m in HEAVY] == []


def test_help_of_every_command_imports_nothing_heavy() -> None:
    """The help of the root, every group and every command, in one process: not even Pydantic
    (Typer would import it to coerce the parent group's ``--help`` value, see suasion.cli)."""
    script = """
import contextlib, io
import typer
from suasion.cli import app, main
paths = []
def walk(command, path):
    paths.append(path)
    for name, sub in getattr(command, "commands", {}).items():
        walk(sub, [*path, name])
walk(typer.main.get_command(app), [])
assert len(paths) > 60, paths
for path in paths:
    sys.argv = ["suasion", *path, "--help"]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            main()
        except SystemExit as exc:
            assert exc.code in (0, None), (path, exc.code)
    assert "Usage" in out.getvalue(), path
"""
    assert _loaded(script) == []
