"""``suasion register ...``: the defence-engagement register from the command line.

Every command opens the register given by ``--register`` (a SQLite path or a database URL;
default ``$SUASION_REGISTER_URL`` or ``<data home>/register.sqlite``; ``--db`` is the older
spelling) and acts as a user: ``$SUASION_REGISTER_TOKEN`` (an API token), or
``--user``/``$SUASION_REGISTER_USER`` with ``$SUASION_REGISTER_PASSWORD`` or a password prompt.
A register that does not exist is an error, except for ``init``, which creates it (and removes
it again if it fails). Commands only call :class:`suasion.engagements.register.Register`.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from suasion._output import OutputFormat, emit
from suasion.engagements.vocab import Department, EngagementType, Level, Role, Status, StrategicAim

if TYPE_CHECKING:
    from suasion.engagements.register import Register

RegisterOption = typer.Option(None, "--register", envvar="SUASION_REGISTER_URL", metavar="URL|PATH",
                              help="Register: SQLite file or database URL (default: <data home>/register.sqlite).")
DbOption = typer.Option(None, "--db", hidden=True, help="Older spelling of --register.")
UserOption = typer.Option(None, "--user", "-u", envvar="SUASION_REGISTER_USER",
                          help="User name (or set SUASION_REGISTER_TOKEN to use an API token).")
FormatOption = typer.Option(OutputFormat.table, "--format", "-f", help="Output format: table, csv or json.")
MAX_ID = 2**31 - 1  # ids and versions are 32-bit integers in every database the register runs on
VersionOption = typer.Option(..., "--version", "-V", min=1, max=MAX_ID,
                             help="The record version you read (optimistic concurrency).")
IdArgument = typer.Argument(..., min=1, max=MAX_ID, help="Engagement id.")


class FileFormat(str, Enum):
    csv = "csv"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class Kind(str, Enum):
    engagements = "engagements"
    objectives = "objectives"


class AuditEntity(str, Enum):
    engagement = "engagement"
    objective = "objective"
    engagements = "engagements"
    objectives = "objectives"
    user = "user"
    settings = "settings"


group = typer.Typer(help="Defence-engagement register: plan, record and assess engagements.",
                    no_args_is_help=True)
users_group = typer.Typer(help="Users, roles, clearances and API tokens (admin).", no_args_is_help=True)
objectives_group = typer.Typer(help="Objectives that engagements serve.", no_args_is_help=True)
settings_group = typer.Typer(help="Register settings: the principal (its own side) and the markings.",
                             no_args_is_help=True)
group.add_typer(users_group, name="users")
group.add_typer(objectives_group, name="objectives")
group.add_typer(settings_group, name="settings")


def register(app: typer.Typer) -> None:
    """Add the ``register`` group to the root app."""
    app.add_typer(group, name="register")


def _location(register_: str | None, db: str | None) -> str | None:
    if db is not None:
        from suasion._cli import deprecated

        deprecated("--db", "--register")
        return db
    return register_


def _close_when_done(reg: Register) -> None:
    """Close the register's connections when the command ends, whether it succeeded or failed
    (a SQLite register then keeps no ``-wal``/``-shm`` files beside it)."""
    try:  # Typer >= 0.22 vendors Click
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover
        from click import get_current_context
    ctx = get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(reg.close)


def _open(location: str | None, user: str | None) -> Register:
    from suasion.engagements.errors import AuthenticationError
    from suasion.engagements.register import Register

    reg = Register(location)
    _close_when_done(reg)
    token = os.environ.get("SUASION_REGISTER_TOKEN")
    if token:
        return reg.with_token(token)
    if not user:
        raise AuthenticationError("no user: give --user NAME (or set SUASION_REGISTER_USER), "
                                  "or set SUASION_REGISTER_TOKEN")
    password = os.environ.get("SUASION_REGISTER_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise AuthenticationError("no password: set SUASION_REGISTER_PASSWORD or run interactively")
        password = typer.prompt(f"password for {user}", hide_input=True)
    return reg.login(user, password)


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in record.items():
        if key == "assessments":
            out[key] = len(value)
        elif isinstance(value, list):
            out[key] = ";".join(str(v) if not isinstance(v, dict) else str(v.get("name", v)) for v in value)
        else:
            out[key] = value
    return out


def _show(records: list[Any], fmt: OutputFormat, columns: list[str], title: str) -> None:
    """Records as a table (chosen columns), CSV (all fields, lists joined by ';') or JSON (full)."""
    import pandas as pd

    full = [r.model_dump(mode="json") for r in records]
    frame = pd.DataFrame([_flat(r) for r in full])
    if fmt is OutputFormat.table and len(frame):
        frame = frame[[c for c in columns if c in frame.columns]]
    emit(frame, fmt, records=full, title=title)


ENGAGEMENT_COLUMNS = ["id", "title", "type", "partners", "start_date", "end_date", "status", "classification",
                      "version"]


def _pairs(values: list[str], what: str) -> dict[str, str]:
    from suasion._cli import UsageError

    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} {item!r}: expected NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


def _numbers(values: list[str], what: str) -> dict[str, float]:
    import math

    from suasion._cli import UsageError

    out = {}
    for key, value in _pairs(values, what).items():
        try:
            number = float(value)
        except ValueError:
            raise UsageError(f"{what} {key}={value!r}: {value!r} is not a number") from None
        if not math.isfinite(number):
            raise UsageError(f"{what} {key}={value!r}: not a finite number")
        out[key] = number
    return out


# --- set-up and serving ---------------------------------------------------------------------

@group.command("init")
def init_cmd(register_: str | None = RegisterOption, db: str | None = DbOption,
             admin: str = typer.Option("admin", "--admin", help="User name of the first admin."),
             classifications: str | None = typer.Option(
                 None, "--classifications", metavar="LOW,...,HIGH",
                 help="Markings, lowest first (default OFFICIAL,OFFICIAL-SENSITIVE,SECRET); the admin is "
                      "cleared to the highest, which cannot be raised later."),
             principal: str | None = typer.Option(None, "--principal",
                                                  help="The register's own side, e.g. GBR or EU (source of "
                                                       "'register channel').")) -> None:
    """Create the register and its first admin. The password comes from
    $SUASION_REGISTER_ADMIN_PASSWORD or an interactive prompt; there is no default password.
    If anything fails, nothing is left behind."""
    from suasion.engagements.errors import RegisterLocationError, SetupError
    from suasion.engagements.register import Register
    from suasion.engagements.store import open_store

    location = _location(register_, db)
    levels = [v for v in classifications.split(",")] if classifications is not None else None
    if principal is not None:
        from suasion.engagements.channel import principal_code

        principal = principal_code(principal)
    try:
        existing = open_store(location, migrate=False)
    except RegisterLocationError:
        existing = None  # as expected (or unreachable: then creating it says why)
    if existing is not None:
        shown = Register(store=existing).location
        existing.dispose()
        raise SetupError(f"{shown}: a register exists already; add users with 'register users add'")
    password = os.environ.get("SUASION_REGISTER_ADMIN_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise SetupError("no admin password: set SUASION_REGISTER_ADMIN_PASSWORD or run interactively")
        password = typer.prompt(f"password for {admin} (12+ characters)", hide_input=True,
                                confirmation_prompt=True)
    reg = Register.create(location, admin, password, classifications=levels)
    if principal is not None:
        reg.as_user(admin).set_principal(principal)
    user = reg.as_user(admin).list_users()[0]
    typer.echo(f"register ready at {reg.location}; admin {user.username!r} cleared to {user.clearance}"
               + (f"; principal {principal}" if principal else ""))


@group.command("serve")
def serve_cmd(register_: str | None = RegisterOption, db: str | None = DbOption,
              host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
              port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
              secure_cookies: bool = typer.Option(False, "--secure-cookies",
                                                  help="Mark session cookies Secure (behind HTTPS)."),
              workers: int | None = typer.Option(None, min=1, max=64,
                                                 help="uvicorn worker processes (default: the count that "
                                                      "measured best, see docs/register.md).")) -> None:
    """Serve the JSON API (OpenAPI docs at /docs, served offline) with uvicorn."""
    from suasion.engagements.app import DEFAULT_WORKERS, serve
    from suasion.engagements.register import Register

    location = _location(register_, db)
    Register(location).close()  # a missing or unreadable register is an error before the server starts
    if host not in ("127.0.0.1", "::1", "localhost"):
        typer.echo(f"warning: listening on {host}, not loopback; put HTTPS in front and use --secure-cookies",
                   err=True)
    typer.echo(f"serving the register on http://{host}:{port} (docs at /docs); Ctrl-C stops", err=True)
    serve(location, host=host, port=port, secure_cookies=secure_cookies, log_level="info",
          workers=workers or DEFAULT_WORKERS)


# --- engagements ------------------------------------------------------------------------------

@group.command("add")
def add_cmd(title: str = typer.Option(..., help="Title."),
            type: EngagementType = typer.Option(..., "--type", help="Activity type."),
            partner: list[str] = typer.Option(..., "--partner", "-p", help="Partner (ISO3 or name); repeat."),
            start: str = typer.Option(..., help="Start date YYYY-MM-DD."),
            end: str = typer.Option(..., help="End date YYYY-MM-DD."),
            level: Level = typer.Option(..., help="Level of the engagement."),
            lead: Department = typer.Option(Department.defence, help="Lead department."),
            support: list[Department] = typer.Option([], "--support", help="Supporting department; repeat."),
            location: str = typer.Option("", help="Location."),
            cost: float | None = typer.Option(None, "--cost", min=0, help="Estimated cost."),
            currency: str = typer.Option("GBP", help="ISO 4217 currency."),
            objective: list[int] = typer.Option([], "--objective", "-o", min=1, max=MAX_ID,
                                                help="Objective id; repeat."),
            classification: str | None = typer.Option(None, help="Marking (default: the lowest)."),
            notes: str = typer.Option("", help="Notes."),
            register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
            fmt: OutputFormat = FormatOption) -> None:
    """Propose a new engagement."""
    reg = _open(_location(register_, db), user)
    e = reg.add({"title": title, "type": type, "partners": partner, "start_date": start, "end_date": end,
                 "level": level, "lead_department": lead, "supporting_departments": support,
                 "location": location, "estimated_cost": cost, "currency": currency, "objective_ids": objective,
                 "classification": classification, "notes": notes})
    _show([e], fmt, ENGAGEMENT_COLUMNS, "engagement added")


@group.command("list")
def list_cmd(status: Status | None = typer.Option(None, help="Filter by status."),
             partner: str | None = typer.Option(None, help="Filter by partner."),
             type: EngagementType | None = typer.Option(None, "--type", help="Filter by activity type."),
             q: str | None = typer.Option(None, "--search", "-q", help="Text in title, location or notes."),
             limit: int = typer.Option(100, min=1, max=1000, help="At most this many rows."),
             offset: int = typer.Option(0, min=0, max=MAX_ID, help="Skip this many rows."),
             register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
             fmt: OutputFormat = FormatOption) -> None:
    """List the engagements you may see."""
    reg = _open(_location(register_, db), user)
    page = reg.list(status=status, partner=partner, type=type, q=q, limit=limit, offset=offset)
    _show(page.items, fmt, ENGAGEMENT_COLUMNS, f"engagements ({len(page.items)} of {page.total})")


@group.command("show")
def show_cmd(engagement_id: int = IdArgument,
             register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
             fmt: OutputFormat = FormatOption) -> None:
    """One engagement with all its fields and assessments."""
    import pandas as pd

    e = _open(_location(register_, db), user).get(engagement_id)
    data = e.model_dump(mode="json")
    frame = pd.DataFrame({"field": list(data), "value": [
        ";".join(map(str, v)) if isinstance(v, list) and k != "assessments" else
        (f"{len(v)} assessment(s), ratings {[a['rating'] for a in v]}" if k == "assessments" else v)
        for k, v in data.items()]})
    emit(frame, fmt, records=data, title=f"engagement {engagement_id}")


@group.command("update")
def update_cmd(engagement_id: int = IdArgument,
               version: int = VersionOption,
               set_: list[str] = typer.Option([], "--set", "-s",
                                              help="FIELD=VALUE; lists separated by ';'. Repeat."),
               register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
               fmt: OutputFormat = FormatOption) -> None:
    """Change fields of an engagement, e.g. --set title='New title' --set actual_cost=1200."""
    changes: dict[str, Any] = dict(_pairs(set_, "--set"))
    for key in ("estimated_cost", "actual_cost"):
        if key in changes and changes[key] == "":
            changes[key] = None
    e = _open(_location(register_, db), user).update(engagement_id, {"version": version, **changes})
    _show([e], fmt, ENGAGEMENT_COLUMNS, "engagement updated")


@group.command("transition")
def transition_cmd(engagement_id: int = IdArgument,
                   to: Status = typer.Argument(..., help="planned, approved, executed or cancelled."),
                   version: int = VersionOption,
                   register_: str | None = RegisterOption, db: str | None = DbOption,
                   user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """Move an engagement along its life cycle (proposed -> planned -> approved -> executed)."""
    e = _open(_location(register_, db), user).transition(engagement_id, to, version=version)
    _show([e], fmt, ENGAGEMENT_COLUMNS, f"engagement {engagement_id} is {e.status.value}")


@group.command("approve")
def approve_cmd(engagement_id: int = IdArgument,
                version: int = VersionOption,
                register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
                fmt: OutputFormat = FormatOption) -> None:
    """Approve a planned engagement (role approver)."""
    e = _open(_location(register_, db), user).approve(engagement_id, version=version)
    _show([e], fmt, ENGAGEMENT_COLUMNS, f"engagement {engagement_id} approved")


@group.command("assess")
def assess_cmd(engagement_id: int = IdArgument,
               version: int = VersionOption,
               rating: int = typer.Option(..., min=1, max=5, help="1 (counter-productive) to 5 (decisive)."),
               date: str = typer.Option(..., help="Assessment date YYYY-MM-DD."),
               result: list[str] = typer.Option([], "--result", "-r", help="INDICATOR=VALUE; repeat."),
               narrative: str = typer.Option("", help="What happened and why."),
               assessor: str | None = typer.Option(None, help="Assessor (default: you)."),
               register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
               fmt: OutputFormat = FormatOption) -> None:
    """Record the assessment of an executed engagement."""
    results = [{"indicator": k, "value": v} for k, v in _numbers(result, "--result").items()]
    e = _open(_location(register_, db), user).assess(
        engagement_id, {"version": version, "rating": rating, "date": date, "indicator_results": results,
                        "narrative": narrative, "assessor": assessor})
    _show([e], fmt, ENGAGEMENT_COLUMNS, f"engagement {engagement_id} assessed")


@group.command("import")
def import_cmd(path: Path = typer.Argument(..., help="CSV or JSON file."),
               kind: Kind = typer.Option(Kind.engagements, help="What the file holds."),
               input_format: FileFormat | None = typer.Option(None, "--input-format",
                                                              help="csv or json (default: from the suffix)."),
               file_format: FileFormat | None = typer.Option(None, "--file-format", hidden=True),
               register_: str | None = RegisterOption, db: str | None = DbOption,
               user: str | None = UserOption) -> None:
    """Import a file: all rows or none; every bad row is reported with its line."""
    if file_format is not None:
        from suasion._cli import deprecated

        deprecated("--file-format", "--input-format")
        input_format = input_format or file_format
    ids = _open(_location(register_, db), user).import_file(
        path, kind.value, input_format.value if input_format else None)
    typer.echo(f"imported {len(ids)} {kind.value} from {path} (ids {ids[0]}-{ids[-1]})" if ids
               else "nothing to import")


@group.command("export")
def export_cmd(kind: Kind = typer.Option(Kind.engagements, help="What to export."),
               fmt: ExportFormat = typer.Option(ExportFormat.csv, "--format", "-f",
                                                help="csv, json or xlsx (Excel; needs openpyxl and -o)."),
               file_format: ExportFormat | None = typer.Option(None, "--file-format", hidden=True),
               output: Path | None = typer.Option(None, "--out", "--output", "-o", help="File (default: stdout)."),
               register_: str | None = RegisterOption, db: str | None = DbOption,
               user: str | None = UserOption) -> None:
    """Export the engagements or objectives you may see (CSV cells are safe from spreadsheet formulas)."""
    from suasion._cli import UsageError, atomic_output, deprecated, output_path

    if file_format is not None:
        deprecated("--file-format", "--format")
        fmt = file_format
    output_path(output, "--out")
    if fmt is ExportFormat.xlsx and output is None:
        raise UsageError("--format xlsx writes a file: give --out FILE.xlsx")
    content = _open(_location(register_, db), user).export(kind.value, fmt.value)
    if output is None:
        sys.stdout.write(content)  # type: ignore[arg-type]
        return
    binary = isinstance(content, bytes)
    with atomic_output(output, "wb" if binary else "w", encoding=None if binary else "utf-8",
                       option="--out") as handle:
        handle.write(content)
    typer.echo(f"wrote {output}", err=True)


@group.command("audit")
def audit_cmd(entity: AuditEntity | None = typer.Option(None, help="What the entries are about."),
              record_id: int | None = typer.Option(None, "--id", min=1, max=MAX_ID, help="Record id."),
              limit: int = typer.Option(50, min=1, max=1000, help="At most this many entries, newest first."),
              register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
              fmt: OutputFormat = FormatOption) -> None:
    """The audit log entries you may see: who changed what, when, before and after."""
    import pandas as pd

    page = _open(_location(register_, db), user).audit(entity=entity.value if entity else None,
                                                       entity_id=record_id, limit=limit)
    full = [x.model_dump(mode="json") for x in page.items]
    rows = []
    for x in full:
        before, after = x["before"] or {}, x["after"] or {}
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and k != "version")
        rows.append({"id": x["id"], "at": x["at"], "actor": x["actor"], "action": x["action"],
                     "entity": x["entity"], "entity_id": x["entity_id"], "version": x["version"],
                     "changed": ";".join(changed) + (" (redacted)" if x["redacted"] else "")})
    emit(pd.DataFrame(rows), fmt, records=full, title=f"audit log ({len(rows)} of {page.total})")


# --- objectives -------------------------------------------------------------------------------

OBJECTIVE_COLUMNS = ["id", "title", "partners", "aim", "owner", "classification", "version"]


@objectives_group.command("add")
def objective_add_cmd(title: str = typer.Option(..., help="Title."),
                      partner: list[str] = typer.Option(..., "--partner", "-p", help="Partner; repeat."),
                      aim: StrategicAim = typer.Option(..., help="Strategic aim."),
                      owner: str = typer.Option(..., help="Owner."),
                      indicator: list[str] = typer.Option([], "--indicator", "-i",
                                                          help="NAME=BASELINE:TARGET (numbers optional); repeat."),
                      classification: str | None = typer.Option(None, help="Marking."),
                      register_: str | None = RegisterOption, db: str | None = DbOption,
                      user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """Add an objective."""
    indicators = []
    for name, spec in _pairs(indicator, "--indicator").items():
        baseline, _, target = spec.partition(":")
        indicators.append({"name": name, "baseline": baseline or None, "target": target or None})
    o = _open(_location(register_, db), user).add_objective(
        {"title": title, "partners": partner, "aim": aim, "owner": owner, "indicators": indicators,
         "classification": classification})
    _show([o], fmt, OBJECTIVE_COLUMNS, "objective added")


@objectives_group.command("list")
def objective_list_cmd(partner: str | None = typer.Option(None, help="Filter by partner."),
                       register_: str | None = RegisterOption, db: str | None = DbOption,
                       user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """List the objectives you may see."""
    items = _open(_location(register_, db), user).all_objectives(partner=partner)
    _show(items, fmt, OBJECTIVE_COLUMNS, f"objectives ({len(items)})")


# --- users ----------------------------------------------------------------------------------

USER_COLUMNS = ["id", "username", "role", "clearance", "active", "version"]
TOKEN_COLUMNS = ["id", "username", "name", "created_at", "expires_at", "revoked"]


@users_group.command("list")
def users_list_cmd(register_: str | None = RegisterOption, db: str | None = DbOption,
                   user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """List users (admin)."""
    _show(_open(_location(register_, db), user).list_users(), fmt, USER_COLUMNS, "users")


@users_group.command("add")
def users_add_cmd(username: str = typer.Argument(..., help="New user name."),
                  role: Role = typer.Option(..., help="Role."),
                  clearance: str = typer.Option(..., help="Highest marking the user may see (at most yours)."),
                  register_: str | None = RegisterOption, db: str | None = DbOption,
                  user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """Add a user (admin). The password comes from $SUASION_REGISTER_NEW_PASSWORD or a prompt."""
    reg = _open(_location(register_, db), user)
    password = os.environ.get("SUASION_REGISTER_NEW_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            from suasion.engagements.errors import SetupError

            raise SetupError("no password for the new user: set SUASION_REGISTER_NEW_PASSWORD or run "
                             "interactively")
        password = typer.prompt(f"password for {username} (12+ characters)", hide_input=True,
                                confirmation_prompt=True)
    u = reg.add_user({"username": username, "password": password, "role": role, "clearance": clearance})
    _show([u], fmt, USER_COLUMNS, "user added")


@users_group.command("update")
def users_update_cmd(username: str = typer.Argument(..., help="User name."),
                     version: int = VersionOption,
                     role: Role | None = typer.Option(None, help="New role."),
                     clearance: str | None = typer.Option(None, help="New clearance (at most yours)."),
                     active: bool | None = typer.Option(None, "--active/--inactive", help="Enable or disable."),
                     register_: str | None = RegisterOption, db: str | None = DbOption,
                     user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """Change a user's role, clearance or state (admin cleared at least as high as the user)."""
    patch: dict[str, Any] = {"version": version}
    for key, value in (("role", role), ("clearance", clearance), ("active", active)):
        if value is not None:
            patch[key] = value
    _show([_open(_location(register_, db), user).update_user(username, patch)], fmt, USER_COLUMNS, "user updated")


@users_group.command("token")
def users_token_cmd(name: str = typer.Option("script", help="A label for the token."),
                    days: float = typer.Option(90, min=0.001, max=365, help="Days until it expires."),
                    register_: str | None = RegisterOption, db: str | None = DbOption,
                    user: str | None = UserOption) -> None:
    """Create an API token for yourself (printed once; use as SUASION_REGISTER_TOKEN or Bearer)."""
    typer.echo(_open(_location(register_, db), user).create_token(name, days=days))


@users_group.command("tokens")
def users_tokens_cmd(of: str | None = typer.Option(None, "--of", help="Another user's tokens (admin)."),
                     register_: str | None = RegisterOption, db: str | None = DbOption,
                     user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """Your API tokens (or another user's, for an admin): id, name, expiry, revoked. Never the secrets."""
    _show(_open(_location(register_, db), user).list_tokens(of), fmt, TOKEN_COLUMNS, "API tokens")


@users_group.command("revoke-token")
def users_revoke_token_cmd(token_id: int = typer.Argument(..., min=1, max=MAX_ID,
                                                          help="Token id (from 'users tokens')."),
                           register_: str | None = RegisterOption, db: str | None = DbOption,
                           user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """Revoke one API token; it stops working at once."""
    _show([_open(_location(register_, db), user).revoke_token(token_id)], fmt, TOKEN_COLUMNS, "token revoked")


# --- settings -------------------------------------------------------------------------------

@settings_group.command("show")
def settings_show_cmd(register_: str | None = RegisterOption, db: str | None = DbOption,
                      user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """The register's principal and classification markings."""
    import pandas as pd

    reg = _open(_location(register_, db), user)
    data = {"principal": reg.principal(), "classifications": reg.classifications()}
    emit(pd.DataFrame({"setting": ["principal", "classifications"],
                       "value": [data["principal"] or "(not set)", " < ".join(data["classifications"])]}),
         fmt, records=data, title="register settings")


@settings_group.command("principal")
def settings_principal_cmd(actor: str = typer.Argument(..., help="A state (ISO3 or name) or bloc, e.g. GBR, EU."),
                           register_: str | None = RegisterOption, db: str | None = DbOption,
                           user: str | None = UserOption) -> None:
    """Set the register's own side (admin): the source of 'register channel'."""
    typer.echo(f"principal: {_open(_location(register_, db), user).set_principal(actor)}")


@settings_group.command("classifications")
def settings_classifications_cmd(levels: list[str] = typer.Argument(..., help="Markings, lowest first."),
                                 register_: str | None = RegisterOption, db: str | None = DbOption,
                                 user: str | None = UserOption) -> None:
    """Replace the ordered markings (admin cleared to the highest; markings in use keep their order)."""
    typer.echo(" < ".join(_open(_location(register_, db), user).set_classifications(levels)))


# --- analysis -------------------------------------------------------------------------------

@group.command("trajectory")
def trajectory_cmd(partner: str = typer.Argument(..., help="Partner (ISO3 or name)."),
                   half_life: float = typer.Option(6.0, min=0.1, max=120,
                                                   help="Half-life of the intensity index, months."),
                   register_: str | None = RegisterOption, db: str | None = DbOption,
                   user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """Monthly engagement intensity and assessment ratings for one partner."""
    frame = _open(_location(register_, db), user).trajectory(partner, half_life_months=half_life)
    emit(frame, fmt, title=f"relationship trajectory: {partner}")


@group.command("coherence")
def coherence_cmd(priority: list[str] = typer.Option([], "--priority", "-p", help="Priority partner; repeat."),
                  max_share: float = typer.Option(0.5, min=0, max=1,
                                                  help="Flag when non-priority spending exceeds this share."),
                  register_: str | None = RegisterOption, db: str | None = DbOption,
                  user: str | None = UserOption, fmt: OutputFormat = FormatOption) -> None:
    """Overlaps, engagements without objectives, idle objectives, spending away from priorities."""
    checks = _open(_location(register_, db), user).coherence(priority=priority, max_non_priority_share=max_share)
    if fmt is OutputFormat.json:
        from suasion._output import print_json

        print_json({k: v.to_dict(orient="records") for k, v in checks.items()})
        return
    for name, frame in checks.items():
        emit(frame, fmt, title=f"{name} ({len(frame)})")


@group.command("plan")
def plan_cmd(budget: float = typer.Option(..., min=0.01, help="Budget to allocate."),
             priority: list[str] = typer.Option(..., "--priority", "-p", help="PARTNER=WEIGHT; repeat."),
             cost: list[str] = typer.Option([], "--cost", "-c",
                                            help="TYPE=COST per engagement; default: register averages."),
             max_per_type: int = typer.Option(3, min=1, max=10, help="At most this many of one type per partner."),
             diminishing: float = typer.Option(0.5, min=0.01, max=1, help="Value factor of each repeat."),
             register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
             fmt: OutputFormat = FormatOption) -> None:
    """Propose the engagements that maximise expected contribution within a budget (integer program)."""
    priorities = _numbers(priority, "--priority")
    costs = _numbers(cost, "--cost") or None
    result = _open(_location(register_, db), user).plan(budget, priorities, costs, max_per_type=max_per_type,
                                                        diminishing=diminishing)
    if fmt is OutputFormat.json:
        from suasion._output import print_json

        print_json(result.to_dict())
        return
    emit(result.chosen, fmt, title="proposed portfolio")
    if fmt is OutputFormat.table:
        for line in result.reasoning:
            typer.echo(line)


@group.command("channel")
def channel_cmd(status: str = typer.Option("planned,approved,executed", "--status",
                                           help="Statuses that enter, comma-separated (executed includes assessed)."),
                weights: Path | None = typer.Option(None, "--weights",
                                                    help="YAML/JSON {types: {TYPE: w}, levels: {LEVEL: w}}."),
                year: int | None = typer.Option(None, "--year", "-y", min=1800, max=2200,
                                                help="Count every engagement in this panel year (default: its "
                                                     "start year)."),
                principal: str | None = typer.Option(None, "--principal",
                                                     help="Source side (default: the register's setting)."),
                add: str | None = typer.Option(None, "--add", metavar="NAME",
                                               help="Store it as user channel NAME for leverage, brokers, what-if."),
                weight: float = typer.Option(0.1, "--weight", min=0, max=10,
                                             help="Model weight of the stored channel."),
                register_: str | None = RegisterOption, db: str | None = DbOption, user: str | None = UserOption,
                fmt: OutputFormat = FormatOption) -> None:
    """The engagements you may see as a yearly panel channel (principal -> partner), with its marking.

    Values are engagements weighted by type and level; the channel carries the highest marking
    of the engagements it was built from."""
    built = _open(_location(register_, db), user).channel(status, weights=weights, year=year, principal=principal)
    title = f"register channel of {built.principal}, marking {built.marking} ({built.entered} engagements)"
    if add is not None:
        built.save(add, weight=weight)
        typer.echo(f"stored user channel {add!r} ({len(built.frame)} rows), marking {built.marking}", err=True)
    if fmt is OutputFormat.json:
        from suasion._output import print_json

        print_json(built.to_dict())
        return
    if fmt is OutputFormat.csv:
        typer.echo(f"marking: {built.marking}", err=True)
    emit(built.frame, fmt, title=title)
