"""``suasion data``: build the bundled panel, show its coverage, manage user channels."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from suasion._output import OutputFormat


class InputFormat(str, Enum):
    """What ``suasion data add`` reads: a ``source,target,year,value`` CSV or a GSDB case file."""

    csv = "csv"
    gsdb = "gsdb"

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
    """Coverage per channel: first and last observed year, shares observed / carried forward /
    missing, and how much of the latest year is carried forward (and how old it is)."""
    from suasion._output import emit
    from suasion.panel.store import data_sources, load_panel

    panel = load_panel()
    frame = data_sources(panel)
    latest = frame.attrs["latest_year"]
    if fmt is OutputFormat.table:  # narrower headers for the terminal; csv/json keep the API names
        frame = frame.drop(columns=["kind", "unit"]).rename(columns={
            "first_observed": "first", "last_observed": "last", "share_observed": "observed",
            "share_carried_forward": "carried", "share_missing": "missing",
            "latest_share_carried_forward": f"carried {latest}",
            "latest_carried_median_age": f"age {latest}"})
    emit(frame, fmt, title="Panel coverage (shares of existing dyad-years / state-years)",
         caption=f"{len(panel.actors)} states, {int(panel.years[0])}–{int(panel.years[-1])}; 'carried "
                 f"{latest}' = share of the {latest} values carried forward from an earlier year, 'age "
                 f"{latest}' = their median age in years")


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
    file: Path = typer.Argument(..., help="CSV with header source,target,year,value (or a GSDB case file)"),
    input_format: InputFormat = typer.Option(
        InputFormat.csv, "--input-format",
        help="csv: source,target,year,value; gsdb: the Global Sanctions Data Base case file (GSDB_V3.csv), "
             "made into a 'sanctions' channel"),
    channel: str = typer.Option(None, "--channel", help="name of the new channel (a-z, 0-9, _); "
                                "default 'sanctions' for --input-format gsdb"),
    unit: str = typer.Option("", "--unit", help="unit of the values (csv)"),
    scale: str = typer.Option("count", "--scale", help="gdp, milex, count or none"),
    weight: float = typer.Option(0.1, "--weight", help="weight of the channel in the leverage models"),
    description: str = typer.Option("", "--description", help="what the channel measures (csv)"),
) -> None:
    """Add (or replace) a user dyadic channel; validated, stored beside the bundled panel."""
    from rich.console import Console

    from suasion._cli import UsageError

    console = Console()
    if input_format is InputFormat.gsdb:
        from suasion.panel.sanctions import add_sanctions_channel

        name = channel or "sanctions"
        result = add_sanctions_channel(file, name, weight=weight, scale=scale)
        frame = result.frame
        orgs = sum(result.dropped.values())
        console.print(f"channel {name!r}: {len(frame)} sender-target-years with sanctions from {result.cases} "
                      f"GSDB cases, {frame['source'].nunique()} senders, {frame['target'].nunique()} targets, "
                      f"absence = 0 in {result.years[0]}–{result.years[1]}; {orgs} actor mentions dropped "
                      f"(organisations other than EU/AU/NATO/GCC/ASEAN/SCO, non-state targets; see "
                      f"{name}.json)", highlight=False)
        return
    if not channel:
        raise UsageError("--channel is required with --input-format csv")
    from suasion.panel.store import add_user_channel

    frame = add_user_channel(file, channel, unit=unit, scale=scale, weight=weight, description=description)
    console.print(f"channel {channel!r}: {len(frame)} rows, {frame['source'].nunique()} sources, "
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
