"""Public event-data API: ingest files, then query dyads, partners, alerts and a yearly panel channel.

Every query is one Ibis expression over the store's Parquet files, executed by the chosen engine
(``duckdb`` by default, ``spark`` for GDELT-sized data); results come back as tidy pandas DataFrames with ISO3
codes. Formulas: :mod:`suasion.events.indices` and ``docs/events.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from suasion.events.dedup import dedup_ibis, parse_rules
from suasion.events.errors import EventStoreError
from suasion.events.indices import (
    add_smoothing,
    check_freq,
    check_weight,
    defence_filter,
    dyad_index_expr,
    fill_periods,
    filter_dates,
    format_period,
    partners_expr,
    shift_alerts,
    state_dyads,
)
from suasion.events.reference import DATASET_SCHEME, resolve_state
from suasion.events.store import EventStore, ProgressCallback


def _store(store: str | Path | EventStore | None) -> EventStore:
    return store if isinstance(store, EventStore) else EventStore(store)


def ingest_events(
    files: Iterable[str | Path],
    store: str | Path | EventStore | None = None,
    format: str | None = None,
    on_error: str = "skip",
    dedup: str | None = None,
    progress: ProgressCallback | None = None,
) -> pd.DataFrame:
    """Ingest event files into the store (all-or-nothing, idempotent); one report row per file."""
    reports = _store(store).ingest(files, fmt=format, on_error=on_error, dedup=dedup, progress=progress)
    rows = []
    for r in reports:
        rows.append(
            {
                "file": Path(r.path).name,
                "status": r.status,
                "format": r.format,
                "layouts": ", ".join(f"{k}: {v}" for k, v in r.layouts.items()),
                "rows_read": r.rows_read,
                "rows_written": r.rows_written,
                "rows_skipped": r.rows_skipped,
                "rows_recoded": r.rows_recoded,
                "dedup_removed": ", ".join(f"{k}: {v}" for k, v in r.dedup_removed.items()),
                "first_problem": (f"line {r.problems[0].line}: {r.problems[0].reason}" if r.problems else ""),
                "seconds": round(r.seconds, 3),
                "rows_per_second": round(r.rows_read / r.seconds) if r.seconds > 0 else None,
                "sha256": r.sha256,
            }
        )
    return pd.DataFrame(rows)


def _prepared(
    store: str | Path | EventStore | None, con: Any, dataset: str | None, dedup: str | None, start: Any,
    end: Any, defence: bool, *, engine: str = "duckdb", weight: str = "one",
) -> tuple[Any, str]:
    """The store's state-to-state rows of one dataset, date-filtered, de-duplicated (Ibis), and the dataset.

    Opens the store and the engine connection (unless ``con`` is given) and checks that the
    dataset carries the counts ``weight`` needs.
    """
    from suasion.events.engines import connect, events_table

    store = _store(store)
    con = con if con is not None else connect(engine)
    store.require_data()
    available = store.datasets()
    if dataset is None:
        if len(available) > 1:
            raise EventStoreError(
                f"the store holds several datasets ({', '.join(available)}); their Goldstein "
                "and QuadClass schemes differ, so choose one with --dataset"
            )
        dataset = available[0]
    elif dataset not in available:
        raise EventStoreError(f"dataset {dataset!r} is not in the store (it holds {', '.join(available)})")
    t = events_table(con, store, dataset)
    t = t.filter(t.dataset == dataset)
    t = filter_dates(state_dyads(t), start, end)
    if defence:
        t = defence_filter(t)
    for rule in parse_rules(dedup):
        t = dedup_ibis(t, rule)
    _check_weight_available(dataset, weight)
    return t, dataset


def _finish(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["period"] = format_period(frame["period"], freq)
    for col in ("events", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict", "net_quad"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    return frame.reset_index(drop=True)


def dyad_events(
    a: str,
    b: str,
    freq: str = "month",
    start: Any = None,
    end: Any = None,
    weight: str = "one",
    directed: bool = True,
    dedup: str | None = None,
    scheme: str | None = None,
    dataset: str | None = None,
    defence: bool = False,
    ewma: float | None = None,
    trend_window: int = 6,
    store: str | Path | EventStore | None = None,
    engine: str = "duckdb",
    con: Any = None,
) -> pd.DataFrame:
    """Event indices of the dyad A–B per period (directed: both directions as separate rows).

    Columns: period, source, target (ISO3), events, one count per QuadClass, goldstein_sum, goldstein_mean,
    coop, conflict, coop_ratio, count_coop_ratio, net_quad, log_ratio, share, volume_share; with ``ewma=λ``
    also ``*_ewma`` and ``*_trend`` (missing periods filled with zero events first).
    """
    check_freq(freq)
    check_weight(weight)
    a_iso, b_iso = resolve_state(a), resolve_state(b)
    if a_iso == b_iso:
        raise EventStoreError(f"a dyad needs two different states, got {a} and {b}")
    t, dataset = _prepared(store, con, dataset, dedup, start, end, defence, engine=engine, weight=weight)
    expr = dyad_index_expr(
        t,
        freq=freq,
        directed=directed,
        pair=(a_iso, b_iso),
        scheme=scheme or DATASET_SCHEME[dataset],
        weight=weight,
    )
    frame = expr.execute()
    if ewma is not None and not frame.empty:
        frame = add_smoothing(fill_periods(frame, freq), lam=ewma, trend_window=trend_window)
    return _finish(frame, freq)


def _check_weight_available(dataset: str, weight: str) -> None:
    if dataset == "icews" and weight != "one":
        raise EventStoreError(f"ICEWS rows have no {weight} counts; use --weight one")


def top_partners(
    actor: str,
    since: Any = None,
    until: Any = None,
    n: int = 20,
    weight: str = "one",
    dedup: str | None = None,
    scheme: str | None = None,
    dataset: str | None = None,
    defence: bool = False,
    store: str | Path | EventStore | None = None,
    engine: str = "duckdb",
    con: Any = None,
) -> pd.DataFrame:
    """The states with most events with ``actor`` since a date, with Goldstein mean and cooperation ratio."""
    iso = resolve_state(actor)
    t, dataset = _prepared(store, con, dataset, dedup, since, until, defence, engine=engine, weight=weight)
    frame = partners_expr(t, iso, scheme=scheme or DATASET_SCHEME[dataset], weight=weight).limit(n).execute()
    frame.insert(0, "actor", iso)
    for col in ("first_day", "last_day"):
        frame[col] = pd.to_datetime(frame[col]).dt.strftime("%Y-%m-%d")
    return frame


def event_alerts(
    actor: str,
    freq: str = "month",
    metric: str = "goldstein_sum",
    method: str = "zscore",
    window: int = 12,
    threshold: float = 2.5,
    min_events: int = 3,
    since: Any = None,
    weight: str = "one",
    dedup: str | None = None,
    dataset: str | None = None,
    defence: bool = False,
    store: str | Path | EventStore | None = None,
    engine: str = "duckdb",
    con: Any = None,
) -> pd.DataFrame:
    """Shifts in ``actor``'s directed dyads: periods whose metric departs from the dyad's trailing window."""
    iso = resolve_state(actor)
    t, dataset = _prepared(store, con, dataset, dedup, None, None, defence, engine=engine, weight=weight)
    frame = dyad_index_expr(
        t, freq=freq, directed=True, actor=iso, scheme=DATASET_SCHEME[dataset], weight=weight
    ).execute()
    if metric not in frame.columns:
        raise ValueError(f"unknown alert metric {metric!r}; choose one of {', '.join(frame.columns[3:])}")
    series = fill_periods(frame, freq, until=frame["period"].max() if not frame.empty else None)
    alerts = shift_alerts(
        series, metric=metric, window=window, threshold=threshold, method=method, min_events=min_events
    )
    if since is not None and not alerts.empty:
        alerts = alerts[pd.to_datetime(alerts["period"]) >= pd.Timestamp(since)]
    if alerts.empty:
        return alerts.reset_index(drop=True)
    alerts = alerts.assign(period=format_period(alerts["period"], freq))
    return alerts.sort_values(["period", "score"], ascending=[False, True]).reset_index(drop=True)


def cooperation_channel(
    store: str | Path | EventStore | None = None,
    dataset: str | None = None,
    value: str = "coop_ratio",
    weight: str = "one",
    dedup: str | None = None,
    directed: bool = True,
    defence: bool = False,
    engine: str = "duckdb",
    con: Any = None,
) -> pd.DataFrame:
    """A yearly dyadic cooperation index for the panel: tidy ``source, target, year, value``.

    ``value`` is any index column (default the cooperation ratio CR = (COOP − CONF)/(COOP + CONF)).
    """
    t, dataset = _prepared(store, con, dataset, dedup, None, None, defence, engine=engine, weight=weight)
    frame = dyad_index_expr(
        t, freq="year", directed=directed, scheme=DATASET_SCHEME[dataset], weight=weight
    ).execute()
    if value not in frame.columns:
        raise ValueError(f"unknown index column {value!r}")
    out = pd.DataFrame(
        {
            "source": frame["source"],
            "target": frame["target"],
            "year": pd.to_datetime(frame["period"]).dt.year.astype("int64"),
            "value": frame[value].astype(float),
        }
    )
    return out.sort_values(["source", "target", "year"]).reset_index(drop=True)
