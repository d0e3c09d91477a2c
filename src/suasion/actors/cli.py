"""``suasion actors resolve`` and ``suasion actors blocs``: thin shells over :mod:`suasion.actors`."""

from __future__ import annotations

import typer

from suasion._output import OutputFormat, emit

actors_app = typer.Typer(
    name="actors",
    help="States and blocs: resolve names and codes (ISO3, ISO2, COW, G-W) and list bloc members.",
    no_args_is_help=True,
)


@actors_app.command("resolve")
def resolve_command(
    values: list[str] = typer.Argument(..., help="Names or codes: 'Pakistan', PAK, NA, 770, gw:260, EU ..."),
    year: int | None = typer.Option(None, "--year", "-y",
                                       help="Year for COW/G-W codes whose meaning changed over time."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """Print each VALUE with its canonical code (ISO3, or the bloc code) and name."""
    import pandas as pd

    from suasion.actors import actor_name, is_bloc, resolve_actor

    rows = []
    for value in values:
        code = resolve_actor(value, year=year)
        rows.append({"value": value, "code": code, "name": actor_name(code),
                     "kind": "bloc" if is_bloc(code) else "state"})
    emit(pd.DataFrame(rows, columns=["value", "code", "name", "kind"]), fmt)


@actors_app.command("blocs")
def blocs_command(
    bloc: str | None = typer.Argument(None, help="A bloc (EU, NATO, GCC, ASEAN, SCO, AU or its name)."),
    year: int | None = typer.Option(None, "--year", "-y",
                                       help="Membership in this year (default: the current year)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """List the blocs, or the members of BLOC in a year."""
    import datetime

    from suasion.actors import bloc_members, bloc_name, blocs, members_frame

    if bloc is None:
        table = blocs()
        if year is not None:
            table = table.assign(year=year, members=[
                len(bloc_members(code, year)) if year >= founded else 0
                for code, founded in zip(table.bloc, table.founded)])
            table = table[["bloc", "name", "founded", "year", "members", "members_now", "source"]]
        if fmt is OutputFormat.table:
            table = table.drop(columns="source")  # long URLs; in csv and json output
        emit(table, fmt, title="Blocs")
        return
    year = year if year is not None else datetime.date.today().year
    frame = members_frame(bloc, year)
    emit(frame, fmt, title=f"{bloc_name(bloc)}: {len(frame)} members in {year}")


def register(app: typer.Typer) -> None:
    """Add the ``actors`` command group to the root app."""
    app.add_typer(actors_app, name="actors")
