"""The CLI fuzz test (issue 11): every command and every option of the Typer app, fed bad values.

The command tree is read from the app itself (``typer.main.get_command``), so a new command or option
is fuzzed without editing this file. Each parameter gets a battery chosen by its type: numbers get
negative, zero, huge, non-numeric and NaN/infinite values; dates get impossible and relative dates (and
``--from`` after ``--to``); files get a missing file, a folder, a binary file, an empty file and a path
in a folder that does not exist; choices get a value that is not one; registers get a missing file, a
folder, a non-database file, an unreachable PostgreSQL and an unsupported scheme. The other parameters
keep working values (``WORKING``), so that each bad value reaches the code that must judge it.

Every case runs in a fresh temporary working directory with its own ``SUASION_HOME`` (holding a register
and an event store) and asserts: exit status 0 or 2 (never 1, never an exception), no "Traceback", at most
three lines on stderr for an error, and nothing created or changed in the temporary folders by a command
that failed. Servers (``serve``, ``register serve``) never start: ``uvicorn.run`` is replaced by a stub;
``events fetch`` never reaches the network: reading GDELT's master list raises a user error.
"""

from __future__ import annotations

import enum
import os
import shutil
import traceback
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from suasion.cli import app
from suasion.errors import SuasionError

from .conftest import FIXTURES, REPO, register_records, run_cli

PASSWORD = "correct horse battery staple"
SCENARIO = REPO / "src" / "suasion" / "bargaining" / "data" / "examples" / "eu_turkey_pakistan.yaml"
DEU = FIXTURES / "bargaining" / "deu_sample.tsv"
GDELT = FIXTURES / "events" / "gdelt2_20170701234500_head400.export.CSV"

#: Working values of the parameters a command needs (by parameter name), so that the fuzzed one is
#: judged by the code behind it rather than by a missing sibling. ``{work}`` is the case's folder.
WORKING: dict[str, dict[str, str | list[str]]] = {
    "brokers": {"principal": "EU", "target": "PAK"},
    "paths": {"principal": "EU", "target": "PAK"},
    "incentives": {"principal": "EU", "broker": "TUR"},
    "whatif": {"principal": "EU", "target": "PAK", "change": "EU>TUR trade +20%"},
    "forecast": {"scenario": str(SCENARIO)},
    "exchanges": {"scenario": str(SCENARIO), "actor": "EU"},
    "backtest": {"file": str(DEU), "models": "compromise", "n_boot": "20", "folds": "3", "jobs": "1"},
    "offer": {"principal": "EU", "broker": "TUR", "target": "PAK", "runs": "0"},
    "brief": {"principal": "EU", "target": "PAK", "out": "{work}/brief.md"},
    "serve": {"port": "8765"},
    "actors resolve": {"values": "PAK"},
    "actors blocs": {"bloc": "EU"},
    "data build": {"raw": "{work}/no-raw-data", "out": "{work}/panel"},
    "data add": {"file": "{work}/channel.csv", "channel": "fuzz"},
    "data remove": {"name": "fuzz"},
    "leverage over": {"target": "PAK"},
    "leverage of": {"source": "USA"},
    "leverage dyad": {"a": "USA", "b": "PAK"},
    "leverage sensitivity": {"target": "PAK", "draws": "20"},
    "scenario new": {"actors": "EU,TUR", "issue": "x"},
    "register init": {"register_": "{work}/new.sqlite"},
    "register serve": {"port": "8765"},
    "register add": {"title": "Talks", "type": "staff_talks", "partner": "PAK", "start": "2026-01-10",
                     "end": "2026-01-12", "level": "senior_officer"},
    "register show": {"engagement_id": "1"},
    "register update": {"engagement_id": "1", "version": "1", "set_": "title=New"},
    "register transition": {"engagement_id": "1", "to": "planned", "version": "1"},
    "register approve": {"engagement_id": "2", "version": "2"},
    "register assess": {"engagement_id": "3", "version": "4", "rating": "3", "date": "2026-03-10"},
    "register import": {"path": "{work}/engagements.csv"},
    "register trajectory": {"partner": "PAK"},
    "register plan": {"budget": "10000", "priority": "PAK=1"},
    "register users add": {"username": "newuser", "role": "viewer", "clearance": "OFFICIAL"},
    "register users update": {"username": "viewer", "version": "1"},
    "register users revoke-token": {"token_id": "1"},
    "register objectives add": {"title": "Trust", "partner": "PAK", "aim": "build_trust", "owner": "MoD"},
    "register settings principal": {"actor": "GBR"},
    "register settings classifications": {"levels": ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]},
    "events ingest": {"files": str(GDELT), "quiet": ""},
    "events inspect": {"files": str(GDELT)},
    "events dyad": {"a": "USA", "b": "RUS"},
    "events top": {"actor": "USA"},
    "events alerts": {"actor": "USA"},
    "events fetch": {"source": "gdelt2", "start": "2018-01-01", "end": "2018-01-02", "quiet": ""},
}

#: Commands too slow for the fast suite even with working values that fail fast: fuzzed in the slow run.
SLOW = {"brief", "paths", "offer"}

DATE_NAMES = {"start", "end", "since", "until", "date"}
REGISTER_NAMES = {"register_", "db", "register"}


@dataclass
class Case:
    """One command line: the fuzzed parameter, the value, and the full argv."""

    command: str
    param: str
    value: str
    argv: list[str]


# --- the command tree -----------------------------------------------------------------------------

def _leaves() -> dict[str, typing.Any]:
    root = typer.main.get_command(app)
    out: dict[str, typing.Any] = {}

    def walk(command: typing.Any, path: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            out[" ".join(path)] = command

    walk(root, [])
    return out


LEAVES = _leaves()


def _annotation(param: typing.Any) -> typing.Any:
    """The parameter's element type: ``int``, ``float``, ``str``, ``Path``, an Enum or ``bool``."""
    annotation = param.type_descriptor.annotation
    for _ in range(3):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if not args:
            break
        annotation = args[0]
    return annotation


def _is_multi(param: typing.Any) -> bool:
    return bool(param.multiple or param.nargs != 1)


def _battery(param: typing.Any, dirs: dict[str, Path]) -> list[str]:
    """The bad (and edge) values for one parameter, by its type and, for text, its role."""
    kind = _annotation(param)
    name = param.name
    files = [str(dirs["missing"]), str(dirs["folder"]), str(dirs["binary"]), str(dirs["empty"]),
             str(dirs["nodir"])]
    if kind is bool:
        return [""]  # a flag: given alone
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return ["nosuch"]
    if kind is int:
        return ["-5", "0", str(10**30), "abc"]
    if kind is float:
        return ["-5", "0", "1e308", "nan", "inf", "abc"]
    if kind is Path:
        return files
    if name in DATE_NAMES:
        return ["2018-13-01", "yesterday"]
    if name in REGISTER_NAMES:
        return [*files, "postgresql://fuzz@127.0.0.1:1/register", "nosuch://x/y"]
    if name in ("out", "events", "weights"):
        return files
    return ["", "nosuch", "-5"]


def _tokens(param: typing.Any, value: str | list[str]) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if param.param_type_name == "argument":
        return list(values)
    option = next((o for o in param.opts if o.startswith("--")), param.opts[0])
    if getattr(param, "is_flag", False):
        return [option]
    out: list[str] = []
    for v in values:
        out += [option, v]
    return out


def _argv(path: str, command: typing.Any, chosen: dict[str, str | list[str]], work: Path) -> list[str]:
    """Arguments in their order, then options; ``chosen`` overrides the working values."""
    values = {**WORKING.get(path, {}), **chosen}
    args: list[str] = []
    opts: list[str] = []
    for param in command.params:
        if param.name not in values:
            continue
        value = values[param.name]
        value = [v.replace("{work}", str(work)) for v in value] if isinstance(value, list) else \
            value.replace("{work}", str(work))
        (args if param.param_type_name == "argument" else opts).extend(_tokens(param, value))
    return [*path.split(), *args, *opts]


def cases(path: str, dirs: dict[str, Path]) -> Iterator[Case]:
    """Every parameter of the command with every value of its battery; dates also reversed."""
    command = LEAVES[path]
    names = {p.name for p in command.params}
    for param in command.params:
        for value in _battery(param, dirs):
            chosen: dict[str, str | list[str]] = {param.name: [value] if _is_multi(param) else value}
            yield Case(path, param.name, value, _argv(path, command, chosen, dirs["work"]))
    if {"start", "end"} <= names:
        chosen = {"start": "2018-02-01", "end": "2018-01-01"}
        yield Case(path, "start>end", "2018-02-01>2018-01-01", _argv(path, command, chosen, dirs["work"]))


# --- the environment of one case ------------------------------------------------------------------

def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder below ``folder`` with its size and modification time (a register:
    its records)."""
    out = {}
    for p in folder.rglob("*"):
        stat = p.stat()
        key = str(p.relative_to(folder))
        if p.is_file() and p.suffix == ".sqlite":
            out[key] = (-2, register_records(p))
        else:
            out[key] = (stat.st_size if p.is_file() else -1, stat.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A register (admin ``root``, a viewer, an objective and engagements in three states) and an
    event store, built once and copied into each case's data home."""
    from suasion.engagements.register import Register
    from suasion.events.store import EventStore

    home = tmp_path_factory.mktemp("fuzz-home")
    reg = Register(home / "register.sqlite", create=True)
    reg.init_admin("root", PASSWORD)
    root = reg.as_user("root")
    root.add_user({"username": "viewer", "password": PASSWORD, "role": "viewer", "clearance": "OFFICIAL"})
    objective = root.add_objective({"title": "Trust", "partners": ["PAK"], "aim": "build_trust",
                                    "owner": "MoD",
                                    "indicators": [{"name": "visits", "baseline": 1, "target": 4}]})
    base = {"title": "Staff talks", "type": "staff_talks", "partners": ["PAK"], "start_date": "2026-03-02",
            "end_date": "2026-03-04", "level": "senior_officer", "lead_department": "defence",
            "estimated_cost": 5000.0,
            "objective_ids": [objective.id]}
    root.add(base)                                                    # 1: proposed, version 1
    planned = root.add(base)                                          # 2: planned, version 2
    root.transition(planned.id, "planned", version=planned.version)
    done = root.add(base)                                             # 3: executed, version 4
    for step in ("planned", "approved", "executed"):
        done = root.transition(done.id, step, version=done.version)
    assert done.version == 4
    root.set_principal("GBR")
    root.create_token("fuzz")                                         # token 1
    reg.close()
    EventStore(home / "events").ingest([GDELT], fmt="gdelt2")
    return {"home": home}


class NoNetwork(SuasionError):
    """Raised instead of reading GDELT's master file list during the fuzz test."""


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, templates: dict[str, Path]):
    """Make a fresh case folder: ``work`` (the working directory, with the inputs of the battery) and
    ``home`` (SUASION_HOME: the register and the event store). Returns a factory."""
    import uvicorn

    import suasion.events.fetch as fetch

    built = typer.main.get_command(app)
    original = typer.main.get_command
    # the click command is built once: the parsing and error paths under test are the same
    monkeypatch.setattr(typer.main, "get_command", lambda typer_app: built if typer_app is app else
                        original(typer_app))
    served: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: served.append(k))

    def no_network(*args: object, **kwargs: object) -> None:
        raise NoNetwork("the fuzz test does not download")

    monkeypatch.setattr(fetch, "plan_gdelt2", no_network)
    monkeypatch.setattr(fetch, "fetch_files", no_network)
    for key in ("SUASION_REGISTER_URL", "SUASION_REGISTER_TOKEN", "SUASION_GDELT_MASTER_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SUASION_REGISTER_USER", "root")
    monkeypatch.setenv("SUASION_REGISTER_PASSWORD", PASSWORD)
    monkeypatch.setenv("SUASION_REGISTER_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setenv("SUASION_REGISTER_NEW_PASSWORD", PASSWORD)
    monkeypatch.setenv("COLUMNS", "100")
    counter = iter(range(10**6))

    def make(with_home: bool) -> dict[str, Path]:
        case = tmp_path / f"case{next(counter)}"
        work, home = case / "work", case / "home"
        work.mkdir(parents=True)
        if with_home:
            shutil.copytree(templates["home"], home)
        else:
            home.mkdir()
        (work / "folder").mkdir()
        (work / "binary.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00")
        (work / "empty.csv").write_bytes(b"")
        (work / "channel.csv").write_text("source,target,year,value\nUSA,PAK,2010,1\nCHN,PAK,2010,2\n")
        (work / "engagements.csv").write_text(
            "title,type,partners,start_date,end_date,level,lead_department\n"
            "Visit,ship_visit,PAK,2026-05-01,2026-05-02,working,defence\n")
        monkeypatch.chdir(work)
        monkeypatch.setenv("SUASION_HOME", str(home))
        return {"case": case, "work": work, "home": home, "missing": work / "missing.csv",
                "folder": work / "folder", "binary": work / "binary.png", "empty": work / "empty.csv",
                "nodir": work / "nodir" / "out.csv"}

    return make


def _problems(case: Case, sandbox_dirs: dict[str, Path], before: dict[str, tuple[int, int]]) -> list[str]:
    """Run one case; describe everything wrong with how it ended."""
    try:
        result = run_cli(*case.argv[:])
    except BaseException as exc:  # noqa: BLE001 - an exception escaping main() is what we look for
        return [f"{type(exc).__name__} escaped: {''.join(traceback.format_exception_only(exc)).strip()}"]
    problems = []
    shown = " ".join(repr(a) if (" " in a or not a) else a for a in case.argv)
    if result.exit_code not in (0, 2):
        problems.append(f"exit {result.exit_code}")
    if "Traceback" in result.stdout + result.stderr:
        problems.append("traceback")
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    if result.exit_code != 0 and len(lines) > 3:
        problems.append(f"{len(lines)} lines on stderr")
    if result.exit_code != 0:
        after = _tree(sandbox_dirs["case"])
        created = sorted(set(after) - set(before))
        changed = sorted(k for k in set(after) & set(before) if after[k] != before[k] and not
                         Path(sandbox_dirs["case"], k).is_dir())
        if created:
            problems.append(f"created {created}")
        if changed:
            problems.append(f"changed {changed}")
    if problems:
        return [f"suasion {shown}: {', '.join(problems)}; exit {result.exit_code}; stderr: "
                f"{result.stderr.strip()[-300:]!r}"]
    return []


def _fuzz(path: str, sandbox) -> None:  # type: ignore[no-untyped-def]
    needs_home = path.startswith(("register", "events", "brief", "serve"))
    probe = sandbox(needs_home)
    found: list[str] = []
    for case in list(cases(path, probe)):
        dirs = sandbox(needs_home)
        case.argv = [a.replace(str(probe["work"]), str(dirs["work"])) for a in case.argv]
        found += _problems(case, dirs, _tree(dirs["case"]))
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


FAST = sorted(p for p in LEAVES if p not in SLOW)


@pytest.mark.parametrize("path", FAST)
def test_bad_values_are_one_line_errors(path: str, sandbox) -> None:  # type: ignore[no-untyped-def]
    """Every option of a (fast) command, fed its battery of bad values."""
    _fuzz(path, sandbox)


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(SLOW & set(LEAVES)))
def test_bad_values_are_one_line_errors_slow_commands(path: str, sandbox) -> None:
    """The same battery for the commands whose working path takes seconds (models, briefs)."""
    _fuzz(path, sandbox)


def test_every_command_has_a_battery() -> None:
    """The fuzz test walks the real tree: every leaf command, and every one of its parameters, is fed."""
    assert len(LEAVES) >= 60, sorted(LEAVES)
    for path, command in LEAVES.items():
        dirs = {k: Path("/x") for k in ("work", "missing", "folder", "binary", "empty", "nodir")}
        fuzzed = {c.param for c in cases(path, dirs)}
        assert {p.name for p in command.params} <= fuzzed, path
    assert not set(WORKING) - set(LEAVES), set(WORKING) - set(LEAVES)
    assert not SLOW - set(LEAVES)


#: Commands whose working values still end in a user error: no raw data to build from, no network.
FAILS_BY_DESIGN = {"data build", "events fetch", "data remove"}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.slow) if p in SLOW else p
                                  for p in sorted(LEAVES)])
def test_working_values_work(path: str, sandbox) -> None:  # type: ignore[no-untyped-def]
    """The working values reach the command's real work (exit 0), so the battery's bad values are
    judged one at a time."""
    dirs = sandbox(True)
    result = run_cli(*_argv(path, LEAVES[path], {}, dirs["work"]))
    expected = 2 if path in FAILS_BY_DESIGN else 0
    assert result.exit_code == expected, result
