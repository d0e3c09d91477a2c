"""``suasion events``: ingest or fetch event files, then query dyads, partners, alerts and a yearly channel.

Thin shell over :mod:`suasion.events.api`; heavy imports (pandas, DuckDB, Ibis, PySpark) happen inside the
commands, so ``suasion events --help`` imports none of them. Every query reads the store (``--store``) or, with
``--input FILE``, raw event files directly (the fast path, nothing stored).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from suasion._cli import UsageError, date_range, deprecated, output_path
from suasion._output import OutputFormat


class InputFormat(str, Enum):
    gdelt1 = "gdelt1"
    gdelt2 = "gdelt2"
    icews = "icews"
    polecat = "polecat"


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
    ibis = "ibis"


class Scheme(str, Enum):
    gdelt = "gdelt"
    icews = "icews"
    phoenix = "phoenix"
    plover = "plover"
    polecat = "polecat"


class Method(str, Enum):
    zscore = "zscore"
    cusum = "cusum"


class Metric(str, Enum):
    events = "events"
    verbal_coop = "verbal_coop"
    material_coop = "material_coop"
    verbal_conflict = "verbal_conflict"
    material_conflict = "material_conflict"
    goldstein_sum = "goldstein_sum"
    goldstein_mean = "goldstein_mean"
    coop = "coop"
    conflict = "conflict"
    coop_ratio = "coop_ratio"
    count_coop_ratio = "count_coop_ratio"
    net_quad = "net_quad"
    log_ratio = "log_ratio"
    share = "share"
    volume_share = "volume_share"


class Dataset(str, Enum):
    gdelt1 = "gdelt1"
    gdelt2 = "gdelt2"
    icews = "icews"
    polecat = "polecat"


class Source(str, Enum):
    gdelt2 = "gdelt2"


events_app = typer.Typer(
    help="Event data (GDELT 1.0/2.0, ICEWS, POLECAT): ingest or fetch, dyad indices, partners, alerts.",
    no_args_is_help=True,
)

STORE_HELP = "event store directory (default: <per-user data dir>/events; env SUASION_HOME moves it)"
DEDUP_HELP = (
    "de-duplication rule(s), comma-separated: event-id (default: the source's own event id, each event "
    "counted once), none, url, url-date, one-a-day, day-dyad-code-url, day-actors-code-url (docs/events.md)"
)
INPUT_HELP = "read these raw event files directly (plain, .gz or .zip; repeatable) instead of the store"
StoreOpt = typer.Option(None, "--store", help=STORE_HELP)
EngineOpt = typer.Option(Engine.duckdb, "--engine", help="query engine: duckdb (SQL), spark or ibis (Ibis on DuckDB)")
DedupOpt = typer.Option("event-id", "--dedup", help=DEDUP_HELP)
DatasetOpt = typer.Option(None, "--dataset", help="dataset to query when the store holds several")
FormatOpt = typer.Option(OutputFormat.table, "--format", "-f", help="output format")
InputOpt = typer.Option(None, "--input", "-i", help=INPUT_HELP)
InputFormatOpt = typer.Option(None, "--input-format", help="format of the input files (default: detected)")
OutOpt = typer.Option(None, "--out", "-o", help="write the result to this file (.csv, .json or .parquet)")
FromOpt = typer.Option(None, "--from", help="first day (YYYY-MM-DD, YYYY-MM or YYYY)")
ToOpt = typer.Option(None, "--to", help="last day (YYYY-MM-DD, YYYY-MM or YYYY)")


def _rules(dedup: str) -> str:
    """Check ``--dedup`` before any work (one-line error for an unknown rule)."""
    from suasion.events.dedup import parse_rules

    parse_rules(dedup)
    return dedup


def _existing_store(store: Path | None) -> Path | None:
    """A ``--store`` that must exist already (queries, ledger, compact): never created by a read."""
    if store is not None and not store.is_dir():
        raise UsageError(f"--store: {store} is not an event store (no such folder)")
    if store is not None and not (store / "ledger.json").is_file() and not (store / "events").is_dir():
        raise UsageError(f"--store: {store} is not an event store (no ledger.json, no events/); "
                         "'suasion events ingest FILES --store DIR' makes one")
    return store


def _inputs(files: list[Path] | None, input_format: InputFormat | None) -> tuple[list[Path] | None, str | None]:
    if files:
        for f in files:
            if not f.is_file():
                raise UsageError(f"--input: {f}: no such file")
    return (list(files) if files else None), (input_format.value if input_format else None)


def _split_format(value: str | None, output: OutputFormat | None) -> tuple[str | None, OutputFormat]:
    """``--format`` of ingest/inspect: an output format, or (deprecated) an input format."""
    out = output or OutputFormat.table
    if output is not None:
        deprecated("--output", "--format")
    if value is None:
        return None, out
    if value in OutputFormat.__members__:
        return None, OutputFormat(value)
    if value in InputFormat.__members__:
        deprecated(f"--format {value}", f"--input-format {value}")
        return value, out
    raise UsageError(
        f"--format: {value!r} is not an output format (table, csv, json); "
        "the input file format is --input-format (gdelt1, gdelt2, icews, polecat)"
    )


def _write(frame, fmt: OutputFormat, out: Path | None, title: str | None = None) -> None:
    """Print ``frame`` in ``fmt``, or write it to ``out`` (csv, json or parquet by suffix) atomically."""
    from suasion._output import emit

    if out is None:
        emit(frame, fmt, title=title)
        return
    from suasion._cli import atomic_output

    suffix = out.suffix.lower()
    if suffix == ".parquet":
        with atomic_output(out, "wb") as fh:
            frame.to_parquet(fh, index=False)
    elif suffix == ".json":
        with atomic_output(out) as fh:
            frame.to_json(fh, orient="records", indent=1, date_format="iso")
    else:
        with atomic_output(out) as fh:
            frame.to_csv(fh, index=False)
    typer.echo(f"wrote {len(frame):,} rows to {out}", err=True)


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


def _report_ingest(report, fmt: OutputFormat) -> None:
    from suasion._output import emit

    if fmt is OutputFormat.table:
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
            fmt,
            title="events ingested",
        )
        for row in report.itertuples():
            if row.first_problem:
                typer.echo(
                    f"{row.file}: {row.rows_skipped} malformed row(s) skipped; first at {row.first_problem}",
                    err=True,
                )
    else:
        emit(report, fmt)


@events_app.command("ingest")
def ingest_cmd(
    files: list[Path] = typer.Argument(..., help="event files: .tsv/.CSV/.txt, .gz or GDELT .zip"),
    input_format: InputFormat | None = InputFormatOpt,
    fmt: str | None = typer.Option(None, "--format", "-f", help="output format: table, csv or json"),
    store: Path | None = StoreOpt,
    on_error: OnError = typer.Option(
        OnError.skip, "--on-error", help="malformed rows: skip (count, report) or fail"
    ),
    dedup: str = DedupOpt,
    output: OutputFormat | None = typer.Option(None, "--output", hidden=True),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Ingest files into the Parquet store (idempotent by content, all-or-nothing)."""
    from suasion.events.api import ingest_events

    old_input, out_fmt = _split_format(fmt, output)
    in_fmt = input_format.value if input_format else old_input
    _rules(dedup)
    if store is not None and not store.parent.is_dir():
        raise UsageError(f"--store: folder {store.parent} does not exist")
    if quiet:
        report = ingest_events(files, store=store, format=in_fmt, on_error=on_error.value, dedup=dedup)
    else:
        report = _progress_ingest(files, in_fmt, store, on_error.value, dedup)
    _report_ingest(report, out_fmt)


@events_app.command("inspect")
def inspect_cmd(
    files: list[Path] = typer.Argument(..., help="event files to check without ingesting"),
    input_format: InputFormat | None = InputFormatOpt,
    fmt: str | None = typer.Option(None, "--format", "-f", help="output format: table, csv or json"),
    output: OutputFormat | None = typer.Option(None, "--output", hidden=True),
) -> None:
    """Detect each file's layout and validate every row; list malformed rows with line and reason."""
    import pandas as pd

    from suasion._output import emit
    from suasion.events.readers import check_file

    old_input, out_fmt = _split_format(fmt, output)
    in_fmt = input_format.value if input_format else old_input
    rows = []
    for f in files:
        report = check_file(f, format=in_fmt)
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
    emit(pd.DataFrame(rows), out_fmt, title="event files")


@events_app.command("dyad")
def dyad_cmd(
    a: str = typer.Argument(..., help="first state (ISO3/CAMEO code, e.g. PAK)"),
    b: str = typer.Argument(..., help="second state"),
    freq: Freq = typer.Option(Freq.month, "--freq", help="period"),
    start: str | None = FromOpt,
    end: str | None = ToOpt,
    weight: Weight = typer.Option(Weight.one, "--weight", help="event weight for Goldstein sums and means"),
    directed: bool = typer.Option(True, "--directed/--undirected", help="A→B and B→A rows, or A–B pooled"),
    scheme: Scheme | None = typer.Option(None, "--scheme", help="QuadClass scheme (default: the dataset's)"),
    defence: bool = typer.Option(False, "--defence", help="defence-diplomacy events only"),
    ewma: float | None = typer.Option(None, "--ewma", help="add EWMA columns with this weight λ in (0, 1]"),
    dedup: str = DedupOpt,
    dataset: Dataset | None = DatasetOpt,
    files: list[Path] | None = InputOpt,
    input_format: InputFormat | None = InputFormatOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = FormatOpt,
    out: Path | None = OutOpt,
) -> None:
    """Cooperation and conflict indices of a dyad per period."""
    first, last = date_range(start, end)
    if ewma is not None and not 0 < ewma <= 1:
        raise UsageError(f"--ewma: λ must be in (0, 1], got {ewma}")
    output_path(out)
    paths, in_fmt = _inputs(files, input_format)
    from suasion.events.api import dyad_events

    frame = dyad_events(
        a, b, freq=freq.value, start=first, end=last, weight=weight.value, directed=directed,
        dedup=_rules(dedup), scheme=scheme.value if scheme else None, dataset=dataset.value if dataset else None,
        defence=defence, ewma=ewma, store=_existing_store(store), engine=engine.value, files=paths,
        input_format=in_fmt,
    )
    if fmt is OutputFormat.table and out is None:
        from suasion.events.indices import TABLE_COLUMNS

        keep = list(TABLE_COLUMNS) + [c for c in frame.columns if c.endswith(("_ewma", "_trend"))]
        frame = frame[keep]
    _write(frame, fmt, out, title=f"events {a.upper()}–{b.upper()} by {freq.value}")


@events_app.command("index")
def index_cmd(
    freq: Freq = typer.Option(Freq.month, "--freq", help="period"),
    start: str | None = FromOpt,
    end: str | None = ToOpt,
    weight: Weight = typer.Option(Weight.one, "--weight", help="event weight for Goldstein sums and means"),
    directed: bool = typer.Option(True, "--directed/--undirected", help="A→B and B→A rows, or A–B pooled"),
    scheme: Scheme | None = typer.Option(None, "--scheme", help="QuadClass scheme (default: the dataset's)"),
    defence: bool = typer.Option(False, "--defence", help="defence-diplomacy events only"),
    dedup: str = DedupOpt,
    dataset: Dataset | None = DatasetOpt,
    files: list[Path] | None = InputOpt,
    input_format: InputFormat | None = InputFormatOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = typer.Option(OutputFormat.csv, "--format", "-f", help="output format"),
    out: Path | None = OutOpt,
) -> None:
    """Indices of every state dyad per period, from the store or straight from raw files (--input)."""
    first, last = date_range(start, end)
    output_path(out)
    paths, in_fmt = _inputs(files, input_format)
    from suasion.events.api import dyad_index

    frame = dyad_index(
        freq=freq.value, directed=directed, start=first, end=last, weight=weight.value, dedup=_rules(dedup),
        scheme=scheme.value if scheme else None, dataset=dataset.value if dataset else None, defence=defence,
        store=_existing_store(store), engine=engine.value, files=paths, input_format=in_fmt,
    )
    _write(frame, fmt, out, title=f"dyad indices by {freq.value}")


@events_app.command("top")
def top_cmd(
    actor: str = typer.Option(..., "--actor", help="state (ISO3/CAMEO code)"),
    start: str | None = FromOpt,
    end: str | None = ToOpt,
    since: str | None = typer.Option(None, "--since", hidden=True),
    until: str | None = typer.Option(None, "--until", hidden=True),
    n: int = typer.Option(20, "--top", "-n", min=0, help="number of partners (0 = all)"),
    weight: Weight = typer.Option(Weight.one, "--weight"),
    defence: bool = typer.Option(False, "--defence", help="defence-diplomacy events only"),
    dedup: str = DedupOpt,
    dataset: Dataset | None = DatasetOpt,
    files: list[Path] | None = InputOpt,
    input_format: InputFormat | None = InputFormatOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """The states with most events with ACTOR, with their tone (Goldstein mean, cooperation ratio)."""
    if since is not None:
        deprecated("--since", "--from")
        start = start or since
    if until is not None:
        deprecated("--until", "--to")
        end = end or until
    first, last = date_range(start, end)
    paths, in_fmt = _inputs(files, input_format)
    from suasion._output import emit
    from suasion.events.api import top_partners

    frame = top_partners(
        actor, start=first, end=last, n=n, weight=weight.value, dedup=_rules(dedup),
        dataset=dataset.value if dataset else None, defence=defence, store=_existing_store(store),
        engine=engine.value, files=paths, input_format=in_fmt,
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
    metric: Metric = typer.Option(Metric.goldstein_sum, "--metric", help="index column to watch"),
    method: Method = typer.Option(Method.zscore, "--method"),
    window: int = typer.Option(12, "--window", min=2, help="trailing window (periods, at least 2)"),
    threshold: float = typer.Option(2.5, "--threshold", min=0.0, help="|z| that raises an alert"),
    min_events: int = typer.Option(3, "--min-events", min=0, help="events needed in the alert period"),
    start: str | None = typer.Option(None, "--from", help="only alerts from this day on"),
    since: str | None = typer.Option(None, "--since", hidden=True),
    weight: Weight = typer.Option(Weight.one, "--weight"),
    defence: bool = typer.Option(False, "--defence", help="defence-diplomacy events only"),
    dedup: str = DedupOpt,
    dataset: Dataset | None = DatasetOpt,
    files: list[Path] | None = InputOpt,
    input_format: InputFormat | None = InputFormatOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = FormatOpt,
) -> None:
    """Shifts in ACTOR's relations: dyad-periods far from their own trailing window (z-score or CUSUM)."""
    if since is not None:
        deprecated("--since", "--from")
        start = start or since
    first, _ = date_range(start, None)
    if threshold <= 0:
        raise UsageError(f"--threshold must be positive, got {threshold}")
    paths, in_fmt = _inputs(files, input_format)
    from suasion._output import emit
    from suasion.events.api import event_alerts

    frame = event_alerts(
        actor, freq=freq.value, metric=metric.value, method=method.value, window=window, threshold=threshold,
        min_events=min_events, start=first, weight=weight.value, dedup=_rules(dedup),
        dataset=dataset.value if dataset else None, defence=defence, store=_existing_store(store),
        engine=engine.value, files=paths, input_format=in_fmt,
    )
    emit(frame, fmt, title=f"event alerts for {actor.upper()}")


@events_app.command("channel")
def channel_cmd(
    value: Metric = typer.Option(Metric.coop_ratio, "--value", help="index column to export"),
    weight: Weight = typer.Option(Weight.one, "--weight"),
    dedup: str = DedupOpt,
    dataset: Dataset | None = DatasetOpt,
    files: list[Path] | None = InputOpt,
    input_format: InputFormat | None = InputFormatOpt,
    store: Path | None = StoreOpt,
    engine: Engine = EngineOpt,
    fmt: OutputFormat = typer.Option(OutputFormat.csv, "--format", "-f", help="output format"),
    out: Path | None = OutOpt,
) -> None:
    """Yearly directed dyadic cooperation index (source,target,year,value) for the panel."""
    output_path(out)
    paths, in_fmt = _inputs(files, input_format)
    from suasion.events.api import cooperation_channel

    frame = cooperation_channel(
        store=_existing_store(store), dataset=dataset.value if dataset else None, value=value.value,
        weight=weight.value, dedup=_rules(dedup), engine=engine.value, files=paths, input_format=in_fmt,
    )
    _write(frame, fmt, out)


@events_app.command("ledger")
def ledger_cmd(store: Path | None = StoreOpt, fmt: OutputFormat = FormatOpt) -> None:
    """Files ingested into the store: content hash, rows per layout, skipped rows, de-duplication."""
    import pandas as pd

    from suasion._output import emit
    from suasion.events.store import EventStore

    entries = EventStore(_existing_store(store)).ledger()
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

    from suasion._output import emit
    from suasion.events.store import EventStore

    event_store = EventStore(_existing_store(store))
    event_store.require_data()
    done = event_store.compact()
    frame = pd.DataFrame(done, columns=["dataset", "month", "files_before", "files_after", "rows"])
    emit(frame, fmt, title="compacted months")


@events_app.command("fetch")
def fetch_cmd(
    source: Source = typer.Argument(..., help="what to download: gdelt2 (GDELT 2.0 15-minute export files)"),
    start: str = typer.Option(..., "--from", help="first day (YYYY-MM-DD)"),
    end: str = typer.Option(..., "--to", help="last day (YYYY-MM-DD)"),
    store: Path | None = StoreOpt,
    no_store: bool = typer.Option(
        False, "--no-store", help="do not ingest: download, then print the all-dyad index (fast path)"
    ),
    freq: Freq = typer.Option(Freq.month, "--freq", help="period of the index printed with --no-store"),
    download_dir: Path | None = typer.Option(
        None, "--download-dir", help="where downloads go (default: <per-user data dir>/downloads/gdelt2)"
    ),
    max_bytes: int = typer.Option(
        1_000_000_000, "--max-bytes", min=1, help="refuse a range larger than this (compressed bytes)"
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="download even above --max-bytes"),
    master_url: str | None = typer.Option(
        None, "--master-url", help="master file list URL (default: GDELT's, or env SUASION_GDELT_MASTER_URL)"
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.csv, "--format", "-f", help="output format (--no-store)"),
    out: Path | None = OutOpt,
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Download GDELT 2.0 export files for a date range from GDELT's master file list (uses the network).

    This is the only suasion command that downloads anything. Each file is checked against the size and MD5
    of the master list, ingested as it arrives (or, with --no-store, kept for one all-dyad index), and skipped
    next time if already in the store's ledger; an interrupted run resumes where it stopped.
    """
    first, last = date_range(start, end)
    assert first is not None and last is not None
    output_path(out)
    if no_store and store is not None:
        raise UsageError("--no-store and --store exclude each other")
    if store is not None and not store.parent.is_dir():
        raise UsageError(f"--store: folder {store.parent} does not exist")
    if download_dir is not None and not download_dir.parent.is_dir():
        raise UsageError(f"--download-dir: folder {download_dir.parent} does not exist")
    from rich.console import Console

    from suasion.events import fetch

    console = Console(stderr=True)
    url = master_url or fetch.master_url()
    console.print(f"fetch: reading the GDELT master file list from {url} (network)", highlight=False)
    plan = fetch.plan_gdelt2(first, last, url)
    if not plan:
        raise fetch.FetchError(f"the master file list has no GDELT 2.0 export files from {first} to {last}")
    total = sum(f.size for f in plan)
    console.print(f"fetch: {len(plan)} export files, {total / 1e6:,.1f} MB compressed", highlight=False)
    if total > max_bytes and not yes:
        raise UsageError(
            f"{len(plan)} files, {total / 1e6:,.1f} MB, is over --max-bytes {max_bytes / 1e6:,.1f} MB; "
            "narrow --from/--to or add --yes"
        )
    from suasion.config import data_home

    folder = download_dir or data_home() / "downloads" / "gdelt2"
    result = _run_fetch(fetch, plan, folder, not no_store, store, total, quiet, console)
    if no_store and result.done:
        from suasion.events.api import dyad_index

        frame = dyad_index(freq=freq.value, files=result.done, input_format="gdelt2")
        _write(frame, fmt, out, title=f"dyad indices by {freq.value}")
    console.print(
        f"fetch: {len(result.done)} downloaded and {'kept in ' + str(folder) if no_store else 'ingested'}, "
        f"{len(result.skipped)} already in the store, {len(result.failed)} failed",
        highlight=False,
    )
    if result.failed:
        for name, reason in list(result.failed.items())[:10]:
            console.print(f"fetch: {name}: {reason}", highlight=False)
        raise fetch.FetchError(
            f"{len(result.failed)} of {len(plan)} files not fetched (run the same command again to retry)"
        )


def _run_fetch(fetch, plan, folder, ingest: bool, store, total, quiet, console):
    """Download with a progress bar (bytes, rate, ETA); with ``ingest``, ingest each verified file into the
    store (then drop the download) and skip files the store's ledger already holds."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from suasion.events.store import EventStore

    event_store = EventStore(store)
    known = {(e["name"], e.get("size")) for e in event_store.ledger()} if ingest else set()

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
    ) as progress:
        task = progress.add_task("gdelt2", total=total)

        def on_file(path, remote) -> None:
            progress.update(task, description=remote.name)
            if ingest:
                event_store.ingest([path], fmt="gdelt2")
                path.unlink(missing_ok=True)

        return fetch.fetch_files(
            plan, folder, on_file, skip=lambda remote: (remote.name, remote.size) in known,
            progress=lambda n: progress.advance(task, n),
        )


def register(app: typer.Typer) -> None:
    """Add the ``events`` command group to the root app."""
    app.add_typer(events_app, name="events")
