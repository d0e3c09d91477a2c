"""Public event-data API: ingest files, then query dyads, partners, alerts and a yearly panel channel.

Every query reads either the store (``store=``) or raw event files directly (``files=``, the fast path: no
ingest, one DuckDB pass, see :mod:`suasion.events.scan`). Engines:

* ``duckdb`` (default): plain DuckDB SQL (:mod:`suasion.events.sql`); neither Ibis nor Spark is imported;
* ``spark``: the Ibis expressions of :mod:`suasion.events.indices` on a Spark session (GDELT-sized stores);
* ``ibis``: the same Ibis expressions on DuckDB (the reference the SQL is tested against).

Results are tidy pandas DataFrames with ISO3 codes. Formulas: :mod:`suasion.events.indices` and
``docs/events.md``. By default every event is counted once (``dedup="event-id"``, the source's own id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from suasion.events.dedup import DEFAULT_DEDUP, parse_rules
from suasion.events.errors import EventQueryError, EventStoreError
from suasion.events.reference import DATASET_SCHEME, POLECAT_SCHEME, QUAD_SCHEMES, resolve_state
from suasion.events.sql import FREQ_UNITS, WEIGHT_COLUMNS
from suasion.events.store import EventStore, ProgressCallback

if TYPE_CHECKING:
    import pandas as pd

ENGINES: tuple[str, ...] = ("duckdb", "spark", "ibis")
#: the index columns an alert can watch
ALERT_METRICS: tuple[str, ...] = (
    "events",
    "verbal_coop",
    "material_coop",
    "verbal_conflict",
    "material_conflict",
    "goldstein_sum",
    "goldstein_mean",
    "coop",
    "conflict",
    "coop_ratio",
    "count_coop_ratio",
    "net_quad",
    "log_ratio",
    "share",
    "volume_share",
)
ALERT_METHODS: tuple[str, ...] = ("zscore", "cusum")

Files = Iterable[str | Path] | None
StoreArg = str | Path | EventStore | None


def _store(store: StoreArg) -> EventStore:
    return store if isinstance(store, EventStore) else EventStore(store)


def ingest_events(
    files: Iterable[str | Path],
    store: StoreArg = None,
    format: str | None = None,
    on_error: str = "skip",
    dedup: str | None = DEFAULT_DEDUP,
    progress: ProgressCallback | None = None,
) -> pd.DataFrame:
    """Ingest event files into the store (all-or-nothing, idempotent); one report row per file.

    ``format`` is the input format (``gdelt1``, ``gdelt2``, ``icews``, ``polecat``; default: detected).
    ``dedup`` (default ``event-id``) is applied within the files of this call.
    """
    import pandas as pd

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


# ---------------------------------------------------------------------------------------------- checks


def _check_choice(value: str, choices: Iterable[str], what: str) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise EventQueryError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}")
    return value


def _day(value: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date()
    from suasion._cli import parse_date

    return parse_date(str(value), name)


def _dates(start: Any, end: Any) -> tuple[dt.date | None, dt.date | None]:
    first, last = _day(start, "start"), _day(end, "end")
    if first is not None and last is not None and first > last:
        raise EventQueryError(f"the date range is reversed: start {first} is after end {last}")
    return first, last


def _check_common(freq: str = "month", weight: str = "one", scheme: str | None = None, engine: str = "duckdb") -> None:
    _check_choice(freq, FREQ_UNITS, "frequency")
    _check_choice(weight, WEIGHT_COLUMNS, "weight")
    _check_choice(engine, ENGINES, "engine")
    if scheme is not None:
        _check_choice(scheme, (*QUAD_SCHEMES, POLECAT_SCHEME), "QuadClass scheme")


def _check_dataset_options(dataset: str, scheme: str | None, defence: bool) -> None:
    """PLOVER-coded data has no CAMEO codes: only its own quad scheme, and no CAMEO-based defence filter."""
    if dataset == "polecat":
        if scheme not in (None, POLECAT_SCHEME):
            raise EventQueryError(f"--scheme {scheme} maps CAMEO codes; POLECAT is PLOVER-coded (use polecat)")
        if defence:
            raise EventQueryError("--defence selects CAMEO codes; it is not defined for PLOVER-coded POLECAT")
    elif scheme == POLECAT_SCHEME:
        raise EventQueryError(f"--scheme polecat is for PLOVER-coded POLECAT rows, not {dataset}")


def _check_weight_available(dataset: str, weight: str) -> None:
    if dataset in ("icews", "polecat") and weight != "one":
        raise EventStoreError(f"{dataset.upper()} rows have no {weight} counts; use --weight one")


def _choose_dataset(available: list[str], dataset: str | None, where: str) -> str:
    if not available:
        raise EventStoreError(f"{where} holds no events")
    if dataset is None:
        if len(available) > 1:
            raise EventStoreError(
                f"{where} holds several datasets ({', '.join(available)}); their Goldstein "
                "and QuadClass schemes differ, so choose one with --dataset"
            )
        return available[0]
    if dataset not in available:
        raise EventStoreError(f"dataset {dataset!r} is not in {where} (it holds {', '.join(available)})")
    return dataset


# ---------------------------------------------------------------------------------------------- sources


class _SqlSource:
    """State rows for the SQL engine: a relation on a DuckDB connection, and how to run a query on it."""

    def __init__(self, dataset: str, relation: Callable[[], str], run: Callable[[Callable[[str], str]], Any]):
        self.dataset, self._relation, self._run = dataset, relation, run

    def run(self, build: Callable[[str], str]) -> pd.DataFrame:
        return self._run(build)


@contextmanager
def _sql_source(
    store: StoreArg, files: Files, input_format: str | None, dataset: str | None, on_error: str
) -> Iterator[_SqlSource]:
    if files is not None:
        from suasion.events.scan import RawScan

        with RawScan(list(files), input_format=input_format, on_error=on_error) as scan:
            chosen = _choose_dataset([scan.dataset], dataset, "the files")
            yield _SqlSource(chosen, lambda: scan.relation, scan.run)
        return
    import duckdb

    from suasion.events.sql import parquet_relation

    store = _store(store)
    store.require_data()
    chosen = _choose_dataset(store.datasets(), dataset, f"event store {store.root}")
    parquet = [str(p) for p in store.parquet_files(chosen)]
    con = duckdb.connect()
    try:
        relation = parquet_relation(parquet, chosen)
        yield _SqlSource(chosen, lambda: relation, lambda build: con.sql(build(relation)).df())
    finally:
        con.close()


def _prepared(
    store: StoreArg, con: Any, dataset: str | None, dedup: str | None, start: Any,
    end: Any, defence: bool, *, engine: str = "ibis", weight: str = "one",
) -> tuple[Any, str]:
    """Ibis path: the store's state-to-state rows of one dataset, date-filtered, de-duplicated, and the dataset.

    Opens the store and the engine connection (unless ``con`` is given) and checks that the
    dataset carries the counts ``weight`` needs.
    """
    from suasion.events.dedup import dedup_ibis
    from suasion.events.engines import connect, events_table
    from suasion.events.indices import defence_filter, filter_dates, state_dyads

    store = _store(store)
    con = con if con is not None else connect(engine)
    store.require_data()
    dataset = _choose_dataset(store.datasets(), dataset, f"event store {store.root}")
    t = events_table(con, store, dataset)
    t = t.filter(t.dataset == dataset)
    t = filter_dates(state_dyads(t), start, end)
    if defence:
        t = defence_filter(t)
    for rule in parse_rules(dedup):
        t = dedup_ibis(t, rule)
    _check_weight_available(dataset, weight)
    return t, dataset


def _uses_ibis(engine: str, con: Any) -> bool:
    return con is not None or engine in ("spark", "ibis")


def _index_frame(
    *, freq: str, directed: bool, pair: tuple[str, str] | None, actor: str | None, start: Any, end: Any,
    weight: str, dedup: str | None, scheme: str | None, dataset: str | None, defence: bool,
    store: StoreArg, engine: str, con: Any, files: Files, input_format: str | None, on_error: str,
) -> tuple[pd.DataFrame, str]:
    """Dyad-period index rows (period as dates) from the chosen source and engine, and the dataset."""
    _check_common(freq, weight, scheme, engine)
    rules = parse_rules(dedup)
    first, last = _dates(start, end)
    if _uses_ibis(engine, con):
        if files is not None:
            raise EventQueryError(
                f"raw files are read by the duckdb engine only; ingest them to query with {engine}"
            )
        from suasion.events.indices import dyad_index_expr

        t, chosen = _prepared(store, con, dataset, dedup, first, last, defence, engine=engine, weight=weight)
        _check_dataset_options(chosen, scheme, defence)
        expr = dyad_index_expr(
            t, freq=freq, directed=directed, pair=pair, actor=actor,
            scheme=scheme or DATASET_SCHEME[chosen], weight=weight,
        )
        return expr.execute(), chosen
    from suasion.events.sql import dyad_index_sql, state_rows_sql

    with _sql_source(store, files, input_format, dataset, on_error) as source:
        _check_weight_available(source.dataset, weight)
        _check_dataset_options(source.dataset, scheme, defence)
        frame = source.run(
            lambda relation: dyad_index_sql(
                state_rows_sql(relation, start=first, end=last, defence=defence, rules=rules),
                freq=freq, directed=directed, pair=pair, actor=actor,
                scheme=scheme or DATASET_SCHEME[source.dataset], weight=weight,
            )
        )
        return frame, source.dataset


def _finish(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    from suasion.events.indices import format_period

    frame = frame.copy()
    frame["period"] = format_period(frame["period"], freq)
    for col in ("events", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict", "net_quad"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    return frame.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- queries


def dyad_events(
    a: str,
    b: str,
    freq: str = "month",
    start: Any = None,
    end: Any = None,
    weight: str = "one",
    directed: bool = True,
    dedup: str | None = DEFAULT_DEDUP,
    scheme: str | None = None,
    dataset: str | None = None,
    defence: bool = False,
    ewma: float | None = None,
    trend_window: int = 6,
    store: StoreArg = None,
    engine: str = "duckdb",
    con: Any = None,
    files: Files = None,
    input_format: str | None = None,
    on_error: str = "skip",
) -> pd.DataFrame:
    """Event indices of the dyad A–B per period (directed: both directions as separate rows).

    Columns: period, source, target (ISO3), events, one count per QuadClass, goldstein_sum, goldstein_mean,
    coop, conflict, coop_ratio, count_coop_ratio, net_quad, log_ratio, share, volume_share; with ``ewma=λ``
    also ``*_ewma`` and ``*_trend`` (missing periods filled with zero events first). ``files=`` reads raw
    event files directly instead of the store.
    """
    if ewma is not None and not 0 < ewma <= 1:
        raise EventQueryError(f"--ewma: the smoothing weight λ must be in (0, 1], got {ewma}")
    if trend_window < 2:
        raise EventQueryError(f"the trend window must be at least 2 periods, got {trend_window}")
    a_iso, b_iso = resolve_state(a), resolve_state(b)
    if a_iso == b_iso:
        raise EventQueryError(f"a dyad needs two different states, got {a} and {b}")
    frame, _ = _index_frame(
        freq=freq, directed=directed, pair=(a_iso, b_iso), actor=None, start=start, end=end, weight=weight,
        dedup=dedup, scheme=scheme, dataset=dataset, defence=defence, store=store, engine=engine, con=con,
        files=files, input_format=input_format, on_error=on_error,
    )
    if ewma is not None and not frame.empty:
        from suasion.events.indices import add_smoothing, fill_periods

        frame = add_smoothing(fill_periods(frame, freq), lam=ewma, trend_window=trend_window)
    return _finish(frame, freq)


def dyad_index(
    freq: str = "month",
    directed: bool = True,
    start: Any = None,
    end: Any = None,
    weight: str = "one",
    dedup: str | None = DEFAULT_DEDUP,
    scheme: str | None = None,
    dataset: str | None = None,
    defence: bool = False,
    store: StoreArg = None,
    engine: str = "duckdb",
    con: Any = None,
    files: Files = None,
    input_format: str | None = None,
    on_error: str = "skip",
) -> pd.DataFrame:
    """Indices of every state dyad per period (same columns as :func:`dyad_events`), from the store or,
    with ``files=``, straight from raw event files (one DuckDB pass, nothing stored)."""
    frame, _ = _index_frame(
        freq=freq, directed=directed, pair=None, actor=None, start=start, end=end, weight=weight,
        dedup=dedup, scheme=scheme, dataset=dataset, defence=defence, store=store, engine=engine, con=con,
        files=files, input_format=input_format, on_error=on_error,
    )
    return _finish(frame, freq)


def top_partners(
    actor: str,
    start: Any = None,
    end: Any = None,
    n: int = 20,
    weight: str = "one",
    dedup: str | None = DEFAULT_DEDUP,
    scheme: str | None = None,
    dataset: str | None = None,
    defence: bool = False,
    store: StoreArg = None,
    engine: str = "duckdb",
    con: Any = None,
    files: Files = None,
    input_format: str | None = None,
    on_error: str = "skip",
    since: Any = None,
    until: Any = None,
) -> pd.DataFrame:
    """The states with most events with ``actor`` in [start, end], with Goldstein mean and cooperation ratio.

    ``n`` = 0 lists every partner. ``since``/``until`` are the older names of ``start``/``end``.
    """
    import pandas as pd

    start = start if start is not None else since
    end = end if end is not None else until
    if n < 0:
        raise EventQueryError(f"--top: the number of partners must be 0 (all) or more, got {n}")
    if n > 2**31:  # more partners than there are states: all of them (and no SQL integer overflow)
        n = 0
    _check_common(weight=weight, scheme=scheme, engine=engine)
    iso = resolve_state(actor)
    first, last = _dates(start, end)
    if _uses_ibis(engine, con):
        if files is not None:
            raise EventQueryError(f"raw files are read by the duckdb engine only; ingest them to query with {engine}")
        from suasion.events.indices import partners_expr

        t, chosen = _prepared(store, con, dataset, dedup, first, last, defence, engine=engine, weight=weight)
        _check_dataset_options(chosen, scheme, defence)
        expr = partners_expr(t, iso, scheme=scheme or DATASET_SCHEME[chosen], weight=weight)
        frame = (expr.limit(n) if n else expr).execute()
    else:
        from suasion.events.sql import partners_sql, state_rows_sql

        rules = parse_rules(dedup)
        with _sql_source(store, files, input_format, dataset, on_error) as source:
            _check_weight_available(source.dataset, weight)
            _check_dataset_options(source.dataset, scheme, defence)
            frame = source.run(
                lambda relation: partners_sql(
                    state_rows_sql(relation, start=first, end=last, defence=defence, rules=rules),
                    iso, scheme=scheme or DATASET_SCHEME[source.dataset], weight=weight, limit=n,
                )
            )
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
    start: Any = None,
    weight: str = "one",
    dedup: str | None = DEFAULT_DEDUP,
    dataset: str | None = None,
    defence: bool = False,
    store: StoreArg = None,
    engine: str = "duckdb",
    con: Any = None,
    files: Files = None,
    input_format: str | None = None,
    on_error: str = "skip",
    since: Any = None,
) -> pd.DataFrame:
    """Shifts in ``actor``'s directed dyads: periods whose metric departs from the dyad's trailing window.

    Alerts are listed from ``start`` on (``since`` is its older name); the baseline uses all periods.
    """
    import pandas as pd

    from suasion.events.indices import fill_periods, format_period, shift_alerts

    _check_choice(metric, ALERT_METRICS, "alert metric")
    _check_choice(method, ALERT_METHODS, "alert method")
    if window < 2:
        raise EventQueryError(f"--window: the trailing window needs at least 2 periods, got {window}")
    if not threshold > 0:
        raise EventQueryError(f"--threshold must be positive, got {threshold}")
    if min_events < 0:
        raise EventQueryError(f"--min-events must be 0 or more, got {min_events}")
    start = start if start is not None else since
    first, _ = _dates(start, None)
    iso = resolve_state(actor)
    frame, _ = _index_frame(
        freq=freq, directed=True, pair=None, actor=iso, start=None, end=None, weight=weight, dedup=dedup,
        scheme=None, dataset=dataset, defence=defence, store=store, engine=engine, con=con, files=files,
        input_format=input_format, on_error=on_error,
    )
    series = fill_periods(frame, freq, until=frame["period"].max() if not frame.empty else None)
    alerts = shift_alerts(
        series, metric=metric, window=window, threshold=threshold, method=method,
        min_history=min(6, window), min_events=min_events,
    )
    if first is not None and not alerts.empty:
        alerts = alerts[pd.to_datetime(alerts["period"]) >= pd.Timestamp(first)]
    if alerts.empty:
        return alerts.reset_index(drop=True)
    alerts = alerts.assign(period=format_period(alerts["period"], freq))
    return alerts.sort_values(["period", "score"], ascending=[False, True]).reset_index(drop=True)


def cooperation_channel(
    store: StoreArg = None,
    dataset: str | None = None,
    value: str = "coop_ratio",
    weight: str = "one",
    dedup: str | None = DEFAULT_DEDUP,
    directed: bool = True,
    defence: bool = False,
    engine: str = "duckdb",
    con: Any = None,
    files: Files = None,
    input_format: str | None = None,
    on_error: str = "skip",
) -> pd.DataFrame:
    """A yearly dyadic cooperation index for the panel: tidy ``source, target, year, value``.

    ``value`` is any index column (default the cooperation ratio CR = (COOP − CONF)/(COOP + CONF)).
    """
    import pandas as pd

    _check_choice(value, ALERT_METRICS, "index column")
    frame, _ = _index_frame(
        freq="year", directed=directed, pair=None, actor=None, start=None, end=None, weight=weight,
        dedup=dedup, scheme=None, dataset=dataset, defence=defence, store=store, engine=engine, con=con,
        files=files, input_format=input_format, on_error=on_error,
    )
    out = pd.DataFrame(
        {
            "source": frame["source"],
            "target": frame["target"],
            "year": pd.to_datetime(frame["period"]).dt.year.astype("int64"),
            "value": frame[value].astype(float),
        }
    )
    return out.sort_values(["source", "target", "year"]).reset_index(drop=True)
