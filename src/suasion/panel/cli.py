"""``suasion data``: build the bundled panel, show its coverage, manage user channels."""

from __future__ import annotations

from pathlib import Path

import typer

from suasion._output import OutputFormat

data_app = typer.Typer(help="The bundled dyad-year panel: coverage, sources, user channels.",
                       no_args_is_help=True)


@data_app.command("build")
def build_command(
    raw: Path = typer.Option(..., "--raw", help="folder with the raw public files (../shared/data)"),
    out: Path = typer.Option(None, "--out", help="output folder (default: the package's data/panel)"),
    carry_horizon: int = typer.Option(
        None, "--carry-horizon", help="carry values forward at most this many years (default: no limit)"),
    arms_source: str = typer.Option(
        "official+derived", "--arms-source",
        help="official+derived: SIPRI TIV tables to 2021, register-derived after; derived: register-derived"),
    channel_horizon: list[str] = typer.Option(
        None, "--channel-horizon", metavar="NAME=YEARS",
        help="carry horizon for one channel or monadic variable (repeatable), e.g. visits=3"),
) -> None:
    """Build the panel from the raw files (build time only; needs the raw data folder)."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from suasion.errors import SuasionError
    from suasion.panel.build import build_panel, parse_horizons
    from suasion.panel.store import DEFAULT_PANEL_DIR, clear_cache

    if arms_source not in ("official+derived", "derived"):
        raise SuasionError(f"--arms-source {arms_source!r}: choose official+derived or derived")
    if not raw.is_dir():
        raise SuasionError(f"{raw}: raw data folder not found")
    try:
        horizons = parse_horizons(channel_horizon)
    except ValueError as exc:
        raise SuasionError(str(exc)) from None
    target = out if out is not None else DEFAULT_PANEL_DIR
    steps = 21
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()) as progress:
        task = progress.add_task("reading", total=steps)

        def say(step: str) -> None:
            progress.update(task, description=step, advance=1)

        try:
            result = build_panel(raw, target, carry_horizon=carry_horizon, channel_horizons=horizons,
                                 arms_source=arms_source, progress=say)
        except FileNotFoundError as exc:
            raise SuasionError(f"{exc.filename}: raw file not found") from None
    clear_cache()
    console = Console()
    for name, size in result.sizes.items():
        console.print(f"{name}: {size / 1e6:.2f} MB")
    console.print(f"panel written to {result.out_dir} ({sum(result.sizes.values()) / 1e6:.2f} MB); "
                  f"report in build_report.json")


@data_app.command("sources")
def sources_command(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, csv or json"),
) -> None:
    """Coverage per channel: first and last observed year, shares observed / carried forward / missing."""
    from suasion._output import emit
    from suasion.panel.store import data_sources, load_panel

    panel = load_panel()
    frame = data_sources(panel)
    if fmt is OutputFormat.table:  # narrower headers for the terminal; csv/json keep the API names
        frame = frame.drop(columns=["kind", "unit"]).rename(columns={
            "first_observed": "first", "last_observed": "last", "share_observed": "observed",
            "share_carried_forward": "carried", "share_missing": "missing"})
    emit(frame, fmt, title="Panel coverage (shares of existing dyad-years / state-years)",
         caption=f"{len(panel.actors)} states, {int(panel.years[0])}–{int(panel.years[-1])}")


@data_app.command("channels")
def channels_command(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, csv or json"),
) -> None:
    """List the bundled and user channels with unit, source and scale."""
    from suasion._output import emit
    from suasion.panel.store import list_channels

    frame = list_channels()
    if fmt is OutputFormat.table:
        frame = frame.drop(columns=["description"]).rename(columns={"source_id": "source"})
    emit(frame, fmt, title="Panel channels")


@data_app.command("add")
def add_command(
    file: Path = typer.Argument(..., help="CSV with header source,target,year,value"),
    channel: str = typer.Option(..., "--channel", help="name of the new channel (a-z, 0-9, _)"),
    unit: str = typer.Option("", "--unit", help="unit of the values"),
    scale: str = typer.Option("count", "--scale", help="gdp, milex, count or none"),
    weight: float = typer.Option(0.1, "--weight", help="weight of the channel in the leverage models"),
    description: str = typer.Option("", "--description", help="what the channel measures"),
) -> None:
    """Add (or replace) a user dyadic channel; validated, stored beside the bundled panel."""
    from rich.console import Console

    from suasion.panel.store import add_user_channel

    frame = add_user_channel(file, channel, unit=unit, scale=scale, weight=weight, description=description)
    Console().print(f"channel {channel!r}: {len(frame)} rows, {frame['source'].nunique()} sources, "
                    f"{frame['target'].nunique()} targets, years {int(frame['year'].min())}–"
                    f"{int(frame['year'].max())}", highlight=False)


@data_app.command("remove")
def remove_command(name: str = typer.Argument(..., help="user channel to delete")) -> None:
    """Delete a user channel."""
    from rich.console import Console

    from suasion.panel.store import remove_user_channel

    remove_user_channel(name)
    Console().print(f"channel {name!r} removed", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``data`` group to the root app."""
    app.add_typer(data_app, name="data")
