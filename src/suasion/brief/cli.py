"""``suasion brief``: write a brief (HTML, PDF or Markdown) and print its bottom line and path."""

from __future__ import annotations

import os
from enum import Enum

import typer


class Kind(str, Enum):
    minister = "minister"
    meeting = "meeting"
    country = "country"


def brief_cmd(
    principal: str = typer.Option(None, "--principal", "-p",
                                  help="The actor the brief is written for (state or bloc); optional for --kind country."),
    target: str = typer.Option(..., "--target", "-t", help="The actor to be moved (state or bloc)."),
    out: str = typer.Option(..., "--out", "-o", help="Output file: .html, .pdf or .md."),
    year: int | None = typer.Option(None, "--year", "-y", help="Data year (default: the latest year most channels observe)."),
    broker: str | None = typer.Option(None, "--broker", "-b", help="The broker of a meeting brief (default: the best)."),
    scenario: str | None = typer.Option(None, "--scenario", help="A negotiation scenario file (forecast and exchanges)."),
    register: str | None = typer.Option(None, "--register", help="Engagement register: SQLite file or database URL."),
    user: str | None = typer.Option(None, "--user", "-u", envvar="SUASION_REGISTER_USER",
                                    help="Register reader (password from $SUASION_REGISTER_PASSWORD; or set "
                                         "SUASION_REGISTER_TOKEN)."),
    events: str | None = typer.Option(None, "--events", help="Event store folder (see 'suasion events ingest')."),
    kind: Kind = typer.Option(Kind.minister, "--kind", "-k", help="minister, meeting or country."),
    marking: str | None = typer.Option(None, "--marking", help="Minimum marking (default UNCLASSIFIED, or the "
                                                                 "register's lowest); raised to the highest shown."),
    date: str | None = typer.Option(None, "--date", help="Date printed on the brief, YYYY-MM-DD (default today)."),
) -> None:
    """Write a brief on how PRINCIPAL can move TARGET; print its bottom line and the file's path."""
    from pathlib import Path

    from suasion._cli import output_path, parse_date
    from suasion.brief.api import brief, output_format

    path = output_path(out, "--out")
    assert path is not None
    output_format(path)
    when = parse_date(date, "--date")
    result = brief(principal, target, year=year, broker=broker, scenario=scenario, register=register,
                   events=events, kind=kind.value, marking=marking, date=when, user=user,
                   password=os.environ.get("SUASION_REGISTER_PASSWORD"),
                   token=os.environ.get("SUASION_REGISTER_TOKEN"), output_name=Path(out).name)
    result.write(path)
    typer.echo(f"{result.marking}: {result.data.target} brief ({result.kind}), {result.data.year} data")
    for statement in result.bottom_line:
        typer.echo(f"- {statement.text}")
    typer.echo(f"written: {path}")


def register(app: typer.Typer) -> None:
    """Add ``suasion brief`` to the root app."""
    app.command("brief")(brief_cmd)
