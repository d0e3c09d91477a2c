"""``suasion register ...``: the defence-engagement register from the command line.

Every command opens the register given by ``--db`` (a SQLite path or a database URL; default
``$SUASION_REGISTER_URL`` or ``<data home>/register.sqlite``) and acts as a user:
``$SUASION_REGISTER_TOKEN`` (an API token), or ``--user``/``$SUASION_REGISTER_USER`` with
``$SUASION_REGISTER_PASSWORD`` or a password prompt. Commands only call
:class:`suasion.engagements.register.Register`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from suasion._output import OutputFormat, emit

if TYPE_CHECKING:
    from suasion.engagements.register import Register

DbOption = typer.Option(None, "--db", envvar="SUASION_REGISTER_URL",
                        help="SQLite file or database URL (default: <data home>/register.sqlite).")
UserOption = typer.Option(None, "--user", "-u", envvar="SUASION_REGISTER_USER",
                          help="User name (or set SUASION_REGISTER_TOKEN to use an API token).")
FormatOption = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json")
VersionOption = typer.Option(..., "--version", "-V", help="The record version you read (optimistic concurrency).")

group = typer.Typer(help="Defence-engagement register: plan, record and assess engagements.",
                    no_args_is_help=True)
users_group = typer.Typer(help="Users, roles, clearances and API tokens (admin).", no_args_is_help=True)
objectives_group = typer.Typer(help="Objectives that engagements serve.", no_args_is_help=True)
group.add_typer(users_group, name="users")
group.add_typer(objectives_group, name="objectives")


def register(app: typer.Typer) -> None:
    """Add the ``register`` group to the root app."""
    app.add_typer(group, name="register")


def _open(db: str | None, user: str | None) -> Register:
    from suasion.engagements.errors import AuthenticationError
    from suasion.engagements.register import Register

    reg = Register(db)
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
    from suasion.engagements.errors import InvalidRecordError

    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidRecordError(f"{what} {item!r}: expected NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


# --- set-up and serving ---------------------------------------------------------------------

@group.command("init")
def init_cmd(db: str | None = DbOption,
             admin: str = typer.Option("admin", "--admin", help="User name of the first admin.")) -> None:
    """Create the register (if needed) and its first admin. The password comes from
    $SUASION_REGISTER_ADMIN_PASSWORD or an interactive prompt; there is no default password."""
    from suasion.engagements.errors import SetupError
    from suasion.engagements.register import Register

    reg = Register(db)
    if reg.is_initialised():
        raise SetupError(f"{reg.store.url}: the register is initialised already")
    password = os.environ.get("SUASION_REGISTER_ADMIN_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise SetupError("no admin password: set SUASION_REGISTER_ADMIN_PASSWORD or run interactively")
        password = typer.prompt(f"password for {admin} (12+ characters)", hide_input=True,
                                confirmation_prompt=True)
    user = reg.init_admin(admin, password)
    typer.echo(f"register ready at {reg.store.url}; admin {user.username!r} cleared to {user.clearance}")


@group.command("serve")
def serve_cmd(db: str | None = DbOption,
              host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
              port: int = typer.Option(8000, help="TCP port."),
              secure_cookies: bool = typer.Option(False, help="Mark session cookies Secure (behind HTTPS)."),
              workers: int = typer.Option(1, min=1, max=64, help="uvicorn worker processes.")) -> None:
    """Serve the JSON API (OpenAPI docs at /docs) with uvicorn."""
    from suasion.engagements.app import serve

    if host not in ("127.0.0.1", "::1", "localhost"):
        typer.echo(f"warning: listening on {host}, not loopback; put HTTPS in front and use --secure-cookies",
                   err=True)
    typer.echo(f"serving the register on http://{host}:{port} (docs at /docs); Ctrl-C stops", err=True)
    serve(db, host=host, port=port, secure_cookies=secure_cookies, log_level="info", workers=workers)


# --- engagements ------------------------------------------------------------------------------

@group.command("add")
def add_cmd(title: str = typer.Option(..., help="Title."),
            type: str = typer.Option(..., "--type", help="Activity type, e.g. staff_talks, exercise."),
            partner: list[str] = typer.Option(..., "--partner", "-p", help="Partner (ISO3 or name); repeat."),
            start: str = typer.Option(..., help="Start date YYYY-MM-DD."),
            end: str = typer.Option(..., help="End date YYYY-MM-DD."),
            level: str = typer.Option(..., help="ministerial, chiefs, senior_officer or working."),
            lead: str = typer.Option("defence", help="Lead department: defence, foreign, development, other."),
            support: list[str] = typer.Option([], "--support", help="Supporting department; repeat."),
            location: str = typer.Option("", help="Location."),
            cost: float | None = typer.Option(None, "--cost", help="Estimated cost."),
            currency: str = typer.Option("GBP", help="ISO 4217 currency."),
            objective: list[int] = typer.Option([], "--objective", "-o", help="Objective id; repeat."),
            classification: str | None = typer.Option(None, help="Marking (default: the lowest)."),
            notes: str = typer.Option("", help="Notes."),
            db: str | None = DbOption, user: str | None = UserOption,
            fmt: OutputFormat = FormatOption) -> None:
    """Propose a new engagement."""
    reg = _open(db, user)
    e = reg.add({"title": title, "type": type, "partners": partner, "start_date": start, "end_date": end,
                 "level": level, "lead_department": lead, "supporting_departments": support,
                 "location": location, "estimated_cost": cost, "currency": currency, "objective_ids": objective,
                 "classification": classification, "notes": notes})
    _show([e], fmt, ENGAGEMENT_COLUMNS, "engagement added")


@group.command("list")
def list_cmd(status: str | None = typer.Option(None, help="Filter by status."),
             partner: str | None = typer.Option(None, help="Filter by partner."),
             type: str | None = typer.Option(None, "--type", help="Filter by activity type."),
             q: str | None = typer.Option(None, "--search", "-q", help="Text in title, location or notes."),
             limit: int = typer.Option(100, help="At most this many rows."),
             offset: int = typer.Option(0, help="Skip this many rows."),
             db: str | None = DbOption, user: str | None = UserOption,
             fmt: OutputFormat = FormatOption) -> None:
    """List the engagements you may see."""
    reg = _open(db, user)
    page = reg.list(status=status, partner=partner, type=type, q=q, limit=limit, offset=offset)
    _show(page.items, fmt, ENGAGEMENT_COLUMNS, f"engagements ({len(page.items)} of {page.total})")


@group.command("show")
def show_cmd(engagement_id: int = typer.Argument(..., help="Engagement id."),
             db: str | None = DbOption, user: str | None = UserOption,
             fmt: OutputFormat = FormatOption) -> None:
    """One engagement with all its fields and assessments."""
    import pandas as pd

    e = _open(db, user).get(engagement_id)
    data = e.model_dump(mode="json")
    frame = pd.DataFrame({"field": list(data), "value": [
        ";".join(map(str, v)) if isinstance(v, list) and k != "assessments" else
        (f"{len(v)} assessment(s), ratings {[a['rating'] for a in v]}" if k == "assessments" else v)
        for k, v in data.items()]})
    emit(frame, fmt, records=data, title=f"engagement {engagement_id}")


@group.command("update")
def update_cmd(engagement_id: int = typer.Argument(..., help="Engagement id."),
               version: int = VersionOption,
               set_: list[str] = typer.Option([], "--set", "-s",
                                              help="FIELD=VALUE; lists separated by ';'. Repeat."),
               db: str | None = DbOption, user: str | None = UserOption,
               fmt: OutputFormat = FormatOption) -> None:
    """Change fields of an engagement, e.g. --set title='New title' --set actual_cost=1200."""
    changes: dict[str, Any] = dict(_pairs(set_, "--set"))
    for key in ("estimated_cost", "actual_cost"):
        if key in changes and changes[key] == "":
            changes[key] = None
    e = _open(db, user).update(engagement_id, {"version": version, **changes})
    _show([e], fmt, ENGAGEMENT_COLUMNS, "engagement updated")


@group.command("transition")
def transition_cmd(engagement_id: int = typer.Argument(..., help="Engagement id."),
                   to: str = typer.Argument(..., help="planned, approved, executed or cancelled."),
                   version: int = VersionOption,
                   db: str | None = DbOption, user: str | None = UserOption,
                   fmt: OutputFormat = FormatOption) -> None:
    """Move an engagement along its life cycle (proposed -> planned -> approved -> executed)."""
    e = _open(db, user).transition(engagement_id, to, version=version)
    _show([e], fmt, ENGAGEMENT_COLUMNS, f"engagement {engagement_id} is {e.status.value}")


@group.command("approve")
def approve_cmd(engagement_id: int = typer.Argument(..., help="Engagement id."),
                version: int = VersionOption,
                db: str | None = DbOption, user: str | None = UserOption,
                fmt: OutputFormat = FormatOption) -> None:
    """Approve a planned engagement (role approver)."""
    e = _open(db, user).approve(engagement_id, version=version)
    _show([e], fmt, ENGAGEMENT_COLUMNS, f"engagement {engagement_id} approved")


@group.command("assess")
def assess_cmd(engagement_id: int = typer.Argument(..., help="Engagement id."),
               version: int = VersionOption,
               rating: int = typer.Option(..., min=1, max=5, help="1 (counter-productive) to 5 (decisive)."),
               date: str = typer.Option(..., help="Assessment date YYYY-MM-DD."),
               result: list[str] = typer.Option([], "--result", "-r", help="INDICATOR=VALUE; repeat."),
               narrative: str = typer.Option("", help="What happened and why."),
               assessor: str | None = typer.Option(None, help="Assessor (default: you)."),
               db: str | None = DbOption, user: str | None = UserOption,
               fmt: OutputFormat = FormatOption) -> None:
    """Record the assessment of an executed engagement."""
    results = [{"indicator": k, "value": v} for k, v in _pairs(result, "--result").items()]
    e = _open(db, user).assess(engagement_id, {"version": version, "rating": rating, "date": date,
                                               "indicator_results": results, "narrative": narrative,
                                               "assessor": assessor})
    _show([e], fmt, ENGAGEMENT_COLUMNS, f"engagement {engagement_id} assessed")


@group.command("import")
def import_cmd(path: Path = typer.Argument(..., help="CSV or JSON file."),
               kind: str = typer.Option("engagements", help="engagements or objectives"),
               file_format: str | None = typer.Option(None, "--file-format", help="csv or json (default: suffix)"),
               db: str | None = DbOption, user: str | None = UserOption) -> None:
    """Import a file: all rows or none; every bad row is reported with its line."""
    ids = _open(db, user).import_file(path, kind, file_format)
    typer.echo(f"imported {len(ids)} {kind} from {path} (ids {ids[0]}-{ids[-1]})" if ids else "nothing to import")


@group.command("export")
def export_cmd(kind: str = typer.Option("engagements", help="engagements or objectives"),
               file_format: str = typer.Option("csv", "--file-format", help="csv or json"),
               output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
               db: str | None = DbOption, user: str | None = UserOption) -> None:
    """Export the engagements or objectives you may see."""
    text = _open(db, user).export(kind, file_format)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


@group.command("audit")
def audit_cmd(entity: str | None = typer.Option(None, help="engagement, objective, user, settings, ..."),
              record_id: int | None = typer.Option(None, "--id", help="Record id."),
              limit: int = typer.Option(50, help="At most this many entries, newest first."),
              db: str | None = DbOption, user: str | None = UserOption,
              fmt: OutputFormat = FormatOption) -> None:
    """The audit log entries you may see: who changed what, when, before and after."""
    import pandas as pd

    page = _open(db, user).audit(entity=entity, entity_id=record_id, limit=limit)
    full = [x.model_dump(mode="json") for x in page.items]
    rows = []
    for x in full:
        before, after = x["before"] or {}, x["after"] or {}
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and k != "version")
        rows.append({"id": x["id"], "at": x["at"], "actor": x["actor"], "action": x["action"],
                     "entity": x["entity"], "entity_id": x["entity_id"], "version": x["version"],
                     "changed": ";".join(changed)})
    emit(pd.DataFrame(rows), fmt, records=full, title=f"audit log ({len(rows)} of {page.total})")


# --- objectives -------------------------------------------------------------------------------

OBJECTIVE_COLUMNS = ["id", "title", "partners", "aim", "owner", "classification", "version"]


@objectives_group.command("add")
def objective_add_cmd(title: str = typer.Option(..., help="Title."),
                      partner: list[str] = typer.Option(..., "--partner", "-p", help="Partner; repeat."),
                      aim: str = typer.Option(..., help="dispel_hostility, build_trust, accountable_armed_forces, "
                                                         "conflict_prevention, non_proliferation, "
                                                         "interoperability, access_influence"),
                      owner: str = typer.Option(..., help="Owner."),
                      indicator: list[str] = typer.Option([], "--indicator", "-i",
                                                          help="NAME=BASELINE:TARGET (numbers optional); repeat."),
                      classification: str | None = typer.Option(None, help="Marking."),
                      db: str | None = DbOption, user: str | None = UserOption,
                      fmt: OutputFormat = FormatOption) -> None:
    """Add an objective."""
    indicators = []
    for name, spec in _pairs(indicator, "--indicator").items():
        baseline, _, target = spec.partition(":")
        indicators.append({"name": name, "baseline": baseline or None, "target": target or None})
    o = _open(db, user).add_objective({"title": title, "partners": partner, "aim": aim, "owner": owner,
                                       "indicators": indicators, "classification": classification})
    _show([o], fmt, OBJECTIVE_COLUMNS, "objective added")


@objectives_group.command("list")
def objective_list_cmd(partner: str | None = typer.Option(None, help="Filter by partner."),
                       db: str | None = DbOption, user: str | None = UserOption,
                       fmt: OutputFormat = FormatOption) -> None:
    """List the objectives you may see."""
    items = _open(db, user).all_objectives(partner=partner)
    _show(items, fmt, OBJECTIVE_COLUMNS, f"objectives ({len(items)})")


# --- users ----------------------------------------------------------------------------------

USER_COLUMNS = ["id", "username", "role", "clearance", "active", "version"]


@users_group.command("list")
def users_list_cmd(db: str | None = DbOption, user: str | None = UserOption,
                   fmt: OutputFormat = FormatOption) -> None:
    """List users (admin)."""
    _show(_open(db, user).list_users(), fmt, USER_COLUMNS, "users")


@users_group.command("add")
def users_add_cmd(username: str = typer.Argument(..., help="New user name."),
                  role: str = typer.Option(..., help="viewer, planner, approver or admin."),
                  clearance: str = typer.Option(..., help="Highest marking the user may see."),
                  db: str | None = DbOption, user: str | None = UserOption,
                  fmt: OutputFormat = FormatOption) -> None:
    """Add a user (admin). The password comes from $SUASION_REGISTER_NEW_PASSWORD or a prompt."""
    reg = _open(db, user)
    password = os.environ.get("SUASION_REGISTER_NEW_PASSWORD")
    if password is None:
        password = typer.prompt(f"password for {username} (12+ characters)", hide_input=True,
                                confirmation_prompt=True)
    u = reg.add_user({"username": username, "password": password, "role": role, "clearance": clearance})
    _show([u], fmt, USER_COLUMNS, "user added")


@users_group.command("update")
def users_update_cmd(username: str = typer.Argument(..., help="User name."),
                     version: int = VersionOption,
                     role: str | None = typer.Option(None, help="New role."),
                     clearance: str | None = typer.Option(None, help="New clearance."),
                     active: bool | None = typer.Option(None, "--active/--inactive", help="Enable or disable."),
                     db: str | None = DbOption, user: str | None = UserOption,
                     fmt: OutputFormat = FormatOption) -> None:
    """Change a user's role, clearance or state (admin)."""
    patch: dict[str, Any] = {"version": version}
    for key, value in (("role", role), ("clearance", clearance), ("active", active)):
        if value is not None:
            patch[key] = value
    _show([_open(db, user).update_user(username, patch)], fmt, USER_COLUMNS, "user updated")


@users_group.command("token")
def users_token_cmd(name: str = typer.Option("script", help="A label for the token."),
                    db: str | None = DbOption, user: str | None = UserOption) -> None:
    """Create an API token for yourself (printed once; use as SUASION_REGISTER_TOKEN or Bearer)."""
    typer.echo(_open(db, user).create_token(name))


# --- analysis -------------------------------------------------------------------------------

@group.command("trajectory")
def trajectory_cmd(partner: str = typer.Argument(..., help="Partner (ISO3 or name)."),
                   half_life: float = typer.Option(6.0, help="Half-life of the intensity index, months."),
                   db: str | None = DbOption, user: str | None = UserOption,
                   fmt: OutputFormat = FormatOption) -> None:
    """Monthly engagement intensity and assessment ratings for one partner."""
    frame = _open(db, user).trajectory(partner, half_life_months=half_life)
    emit(frame, fmt, title=f"relationship trajectory: {partner}")


@group.command("coherence")
def coherence_cmd(priority: list[str] = typer.Option([], "--priority", "-p", help="Priority partner; repeat."),
                  max_share: float = typer.Option(0.5, help="Flag when non-priority spending exceeds this share."),
                  db: str | None = DbOption, user: str | None = UserOption,
                  fmt: OutputFormat = FormatOption) -> None:
    """Overlaps, engagements without objectives, idle objectives, spending away from priorities."""
    checks = _open(db, user).coherence(priority=priority, max_non_priority_share=max_share)
    if fmt is OutputFormat.json:
        from suasion._output import print_json

        print_json({k: v.to_dict(orient="records") for k, v in checks.items()})
        return
    for name, frame in checks.items():
        emit(frame, fmt, title=f"{name} ({len(frame)})")


@group.command("plan")
def plan_cmd(budget: float = typer.Option(..., help="Budget to allocate."),
             priority: list[str] = typer.Option(..., "--priority", "-p", help="PARTNER=WEIGHT; repeat."),
             cost: list[str] = typer.Option([], "--cost", "-c",
                                            help="TYPE=COST per engagement; default: register averages."),
             max_per_type: int = typer.Option(3, help="At most this many of one type per partner."),
             diminishing: float = typer.Option(0.5, help="Value factor of each repeat."),
             db: str | None = DbOption, user: str | None = UserOption,
             fmt: OutputFormat = FormatOption) -> None:
    """Propose the engagements that maximise expected contribution within a budget (integer program)."""
    priorities = {k: float(v) for k, v in _pairs(priority, "--priority").items()}
    costs = {k: float(v) for k, v in _pairs(cost, "--cost").items()} or None
    result = _open(db, user).plan(budget, priorities, costs, max_per_type=max_per_type, diminishing=diminishing)
    if fmt is OutputFormat.json:
        from suasion._output import print_json

        print_json(result.to_dict())
        return
    emit(result.chosen, fmt, title="proposed portfolio")
    if fmt is OutputFormat.table:
        for line in result.reasoning:
            typer.echo(line)
