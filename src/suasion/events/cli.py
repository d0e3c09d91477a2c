"""``suasion events``: ingest GDELT/ICEWS files, then query dyads, partners, alerts and a yearly channel.

Thin shell over :mod:`suasion.events.api`; heavy imports (DuckDB, Ibis, PySpark) happen inside the commands.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from suasion._output import OutputFormat, emit


class InputFormat(str, Enum):
    gdelt1 = "gdelt1"
    gdelt2 = "gdelt2"
    icews = "icews"


class OnError(str, Enum):
    skip = "skip"
    fail = "fail"


class Freq(str, Enum):
    day = "day"
    week = "week"
    month = "month"
    year = "year"


class Weight(str, Enum):
    one = "one"
    mentions = "mentions"
    sources = "sources"
    articles = "articles"


class Engine(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


class Scheme(str, Enum):
    gdelt = "gdelt"
    icews = "icews"
    phoenix = "phoenix"
    plover = "plover"


class Method(str, Enum):
    zscore = "zscore"
    cusum = "cusum"


events_app = typer.Typer(
    help="Event data (GDELT 1.0/2.0, ICEWS): ingest, dyad indices, partners, alerts.", no_args_is_help=True
)

STORE_HELP = "event store directory (default: <per-user data dir>/events; env SUASION_HOME moves it)"
DEDUP_HELP = (
    "de-duplication rule(s), comma-separated: none, event-id, url, url-date, one-a-day, "
    "day-dyad-code-url, day-actors-code-url (see docs/events.md)"
)
StoreOpt = typer.Option(None, "--store", help=STORE_HELP)
EngineOpt = typer.Option(Engine.duckdb, "--engine", help="query engine")
DedupOpt = typer.Option("none", "--dedup", help=DEDUP_HELP)
DatasetOpt = typer.Option(
    None, "--dataset", help="gdelt1, gdelt2 or icews (needed when the store holds several)"
)
FormatOpt = typer.Option(OutputFormat.table, "--format", help="output format")


def _progress_ingest(files: list[Path], fmt: str | None, store: Path | None, on_error: str, dedup: str):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from suasion.events.api import ingest_events
    from suasion.events.readers import first_line, uncompressed_size

    estimates: dict[str, float] = {}
    for f in files:
        try:
            line = len(first_line(f)) or 1
            estimates[f.name] = uncompressed_size(f) / line
        except Exception:  # noqa: BLE001 - the ingest itself reports unreadable files
            estimates[f.name] = 0.0
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        tasks: dict[str, int] = {}

        def tick(name: str, fraction: float, seconds: float) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=1.0, rate="")
            rows = fraction * estimates.get(name, 0.0)
            rate = f"≈{rows / seconds:,.0f} rows/s" if seconds > 0 and rows > 0 else ""
            progress.update(tasks[name], completed=fraction, rate=rate)

        return ingest_events(files, store=store, format=fmt, on_error=on_error, dedup=dedup, progress=tick)


@events_app.command("ingest")
def ingest_cmd(
    files: list[Path] = typer.Argument(..., help="event files: .tsv/.CSV, .gz or GDELT .zip"),
    fmt: InputFormat | None = typer.Option(None, "--format", help="input format (default: detect)"),
    store: Path | None = StoreOpt,
    on_error: OnError = typer.Option(
        OnError.skip, "--on-error", help="malformed rows: skip (count, report) or fail"
    ),
    dedup: str = DedupOpt,
    output: OutputFormat = typer.Option(OutputFormat.table, "--output", help="report format"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Ingest files into the Parquet store (idempotent by SHA-256, all-or-nothing)."""
    from suasion.events.api import ingest_events

    fmt_value = fmt.value if fmt else None
    if quiet:
        report = ingest_events(files, store=store, format=fmt_value, on_error=on_error.value, dedup=dedup)
    else:
        report = _progress_ingest(files, fmt_value, store, on_error.value, dedup)
    if output is OutputFormat.table:
        short = report.rename(
            columns={
                "rows_read": "read",
                "rows_written": "written",
                "rows_skipped": "skipped",
                "rows_recoded": "recoded",
                "dedup_removed": "dedup",
                "rows_per_second": "rows/s",
            }
        )
        emit(
            short[["file", "status", "layouts", "read", "written", "skipped", "recoded", "dedup", "rows/s"]],
            output,
            title="events ingested",
        )
        for row in report.itertuples():
            if row.first_problem:
                typer.echo(
                    f"{row.file}: {row.rows_skipped} malformed row(s) skipped; first at {row.first_problem}",
                    err=True,
                )
    else:
        emit(report, output)


@events_app.command("inspect")
def inspect_cmd(
    files: list[Path] = typer.Argument(..., help="event files to check without ingesting"),
    fmt: InputFormat | None = typer.Option(None, "--format", help="expected input format (default: detect)"),
    output: OutputFormat = typer.Option(OutputFormat.table, "--output", help="report format"),
) -> None:
    """Detect each file's layout and validate every row; list malformed rows with line and reason."""
    import pandas as pd

    from suasion.events.readers import check_file

    rows = []
    for f in files:
        report = check_file(f, format=fmt.value if fmt else None)
        rows.append(
            {
                "file": f.name,
                "format": report.format,
                "layouts": ", ".join(f"{k}: {v}" for k, v in report.layouts.items()),
                "rows_ok": report.rows_written,
                "rows_malformed": report.rows_skipped,
                "rows_recoded": report.rows_recoded,
                "problems": "; ".join(f"line {p.line}: {p.reason}" for p in report.problems[:5]),
            }
        )
    emit(pd.DataFrame(rows), output, title="event files")


@events_app.command("dyad")
def dyad_cmd(
    a: str = typer.Argument(..., help="first state (ISO3/CAMEO code, e.g. PAK)"),
    b: str = typer.Argument(..., help="second state"),
    freq: Freq = typer.Option(Freq.month, "--freq", help="period"),
    start: str | None = typer.Option(None, "--from", help="first day (YYYY-MM-DD)"),
    end: str | None = typer.Option(None, "--to", help="last day (YYYY-MM-DD)"),
    weight: Weight = typer.Option(Weight.one, "--weight", help="event weight for Goldstein sums and means"),
    directed: bool = typer.Option(True, "--directed/--undirected", help="A→B and B→A rows, or A–B pooled"),
    scheme: Scheme | None = typer.Option(None, "--scheme", help="QuadClass scheme (default: the dataset's)"),
    defence: bool = typer.Option(False, "--defence", help="defence-diplomacy events only"),
    ewma: float | None = typer.Option(None, "--ewma", help="add EWMA (λ) and trend columns"),
    dedup: str = DedupOpt,
    dataset: str | None = DatasetOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Cooperation and conflict indices of a dyad per period."""
    from suasion.events.api import dyad_events

    frame = dyad_events(
        a,
        b,
        freq=freq.value,
        start=start,
        end=end,
        weight=weight.value,
        directed=directed,
        dedup=dedup,
        scheme=scheme.value if scheme else None,
        dataset=dataset,
        defence=defence,
        ewma=ewma,
        store=store,
        engine=engine.value,
    )
    if fmt is OutputFormat.table:
        from suasion.events.indices import TABLE_COLUMNS

        keep = list(TABLE_COLUMNS)
        keep += [c for c in frame.columns if c.endswith(("_ewma", "_trend"))]
        emit(frame[keep], fmt, title=f"events {a.upper()}–{b.upper()} by {freq.value}")
    else:
        emit(frame, fmt)


@events_app.command("top")
def top_cmd(
    actor: str = typer.Option(..., "--actor", help="state (ISO3/CAMEO code)"),
    since: str | None = typer.Option(None, "--since", help="first day (YYYY-MM-DD)"),
    until: str | None = typer.Option(None, "--until", help="last day (YYYY-MM-DD)"),
    n: int = typer.Option(20, "--top", "-n", help="number of partners"),
    weight: Weight = typer.Option(Weight.one, "--weight"),
    defence: bool = typer.Option(False, "--defence", help="defence-diplomacy events only"),
    dedup: str = DedupOpt,
    dataset: str | None = DatasetOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """The states with most events with ACTOR, with their tone (Goldstein mean, cooperation ratio)."""
    from suasion.events.api import top_partners

    frame = top_partners(
        actor,
        since=since,
        until=until,
        n=n,
        weight=weight.value,
        dedup=dedup,
        dataset=dataset,
        defence=defence,
        store=store,
        engine=engine.value,
    )
    if fmt is OutputFormat.table:
        frame = frame[
            [
                "partner",
                "events",
                "outgoing",
                "verbal_coop",
                "material_coop",
                "verbal_conflict",
                "material_conflict",
                "goldstein_mean",
                "coop_ratio",
                "last_day",
            ]
        ]
    emit(frame, fmt, title=f"top event partners of {actor.upper()}")


@events_app.command("alerts")
def alerts_cmd(
    actor: str = typer.Option(..., "--actor", help="state (ISO3/CAMEO code)"),
    freq: Freq = typer.Option(Freq.month, "--freq"),
    metric: str = typer.Option("goldstein_sum", "--metric", help="index column to watch"),
    method: Method = typer.Option(Method.zscore, "--method"),
    window: int = typer.Option(12, "--window", help="trailing window (periods)"),
    threshold: float = typer.Option(2.5, "--threshold", help="|z| that raises an alert"),
    min_events: int = typer.Option(3, "--min-events", help="events needed in the alert period"),
    since: str | None = typer.Option(None, "--since", help="only alerts from this day on"),
    weight: Weight = typer.Option(Weight.one, "--weight"),
    defence: bool = typer.Option(False, "--defence", help="defence-diplomacy events only"),
    dedup: str = DedupOpt,
    dataset: str | None = DatasetOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Shifts in ACTOR's relations: dyad-periods far from their own trailing window (z-score or CUSUM)."""
    from suasion.events.api import event_alerts

    frame = event_alerts(
        actor,
        freq=freq.value,
        metric=metric,
        method=method.value,
        window=window,
        threshold=threshold,
        min_events=min_events,
        since=since,
        weight=weight.value,
        dedup=dedup,
        dataset=dataset,
        defence=defence,
        store=store,
        engine=engine.value,
    )
    emit(frame, fmt, title=f"event alerts for {actor.upper()}")


@events_app.command("channel")
def channel_cmd(
    value: str = typer.Option("coop_ratio", "--value", help="index column to export"),
    weight: Weight = typer.Option(Weight.one, "--weight"),
    dedup: str = DedupOpt,
    dataset: str | None = DatasetOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = typer.Option(OutputFormat.csv, "--format", help="output format"),
) -> None:
    """Yearly directed dyadic cooperation index (source,target,year,value) for the panel."""
    from suasion.events.api import cooperation_channel

    emit(
        cooperation_channel(
            store=store, dataset=dataset, value=value, weight=weight.value, dedup=dedup, engine=engine.value
        ),
        fmt,
    )


@events_app.command("ledger")
def ledger_cmd(store: Path | None = StoreOpt, fmt: OutputFormat = FormatOpt) -> None:
    """Files ingested into the store: hash, rows per layout, skipped rows, de-duplication."""
    import pandas as pd

    from suasion.events.store import EventStore

    entries = EventStore(store).ledger()
    frame = pd.DataFrame(
        [
            {
                "name": e["name"],
                "format": e["format"],
                "rows_written": e["rows_written"],
                "rows_skipped": e["rows_skipped"],
                "dedup": ",".join(e["dedup"]) or "none",
                "ingested_at": e["ingested_at"],
                "sha256": e["sha256"][:16],
            }
            for e in entries
        ],
        columns=["name", "format", "rows_written", "rows_skipped", "dedup", "ingested_at", "sha256"],
    )
    emit(frame, fmt, title="event store ledger")


@events_app.command("compact")
def compact_cmd(store: Path | None = StoreOpt, fmt: OutputFormat = FormatOpt) -> None:
    """Merge each month's Parquet files into one (after many small ingests, e.g. GDELT 2.0 every 15 minutes)."""
    import pandas as pd

    from suasion.events.store import EventStore

    done = EventStore(store).compact()
    frame = pd.DataFrame(done, columns=["dataset", "month", "files_before", "files_after", "rows"])
    emit(frame, fmt, title="compacted months")


def register(app: typer.Typer) -> None:
    """Add the ``events`` command group to the root app."""
    app.add_typer(events_app, name="events")
