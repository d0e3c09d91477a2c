"""Ibis backends for the event queries: Spark (GDELT-sized data) or DuckDB through Ibis.

The default engine, ``duckdb``, runs plain SQL (:mod:`suasion.events.sql`) and imports nothing from here. The
Ibis path is for other backends: ``connect("spark")`` starts (or reuses) a local Spark session, or uses the one
you pass; ``connect("ibis")`` (or ``connect("duckdb")``) opens Ibis on an in-process DuckDB, the reference the
SQL engine is tested against. The event table is the store's Parquet files, read by the engine itself.

BigQuery: the same expressions run on GDELT's public tables, whose columns are GDELT's own names; map them to the
canonical columns with :func:`gdelt_bigquery_table` (needs ``ibis-framework[bigquery]`` and Google credentials,
not installed by default)::

    import ibis
    con = ibis.bigquery.connect(project_id="my-billing-project")
    events = state_dyads(gdelt_bigquery_table(con))   # gdelt-bq.gdeltv2.events as canonical columns
    dyad_index_expr(events, freq="month", pair=("PAK", "IND")).execute()

(not exercised by the tests: no network at run time; ``actor*_types`` holds Type1Code only there).
"""

from __future__ import annotations

from typing import Any

from suasion.events.errors import EventQueryError, EventStoreError

ENGINES: tuple[str, ...] = ("ibis", "duckdb", "spark")


def spark_session(master: str = "local[*]", shuffle_partitions: int = 4, small: bool = False) -> Any:
    """A local Spark session (UI off, few shuffle partitions, UTC). ``small=True`` turns off whole-stage code
    generation and adaptive execution, which cost more than they save on test-sized data."""
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName("suasion-events")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
    )
    if small:
        builder = builder.config("spark.sql.codegen.wholeStage", "false").config(
            "spark.sql.adaptive.enabled", "false"
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(engine: str = "duckdb", session: Any = None) -> Any:
    """An Ibis backend for ``engine`` (``ibis`` or ``duckdb``: Ibis on DuckDB; ``spark``)."""
    import ibis

    if engine in ("ibis", "duckdb"):
        return ibis.duckdb.connect()
    if engine == "spark":
        try:
            return ibis.pyspark.connect(session if session is not None else spark_session())
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise EventStoreError(
                f"the spark engine needs pyspark (pip install 'suasion[spark]'): {exc}"
            ) from None
    raise EventQueryError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def events_table(con: Any, store: Any, dataset: str | None = None) -> Any:
    """The store's events (of one dataset, or all) as an Ibis table on ``con`` (a glob both engines expand)."""
    store.require_data()
    return con.read_parquet(store.parquet_glob(dataset))


def gdelt_bigquery_table(
    con: Any, table: str = "gdelt-bq.gdeltv2.events"
) -> Any:  # pragma: no cover - network
    """GDELT's public BigQuery events table with canonical column names (ISO3 via the shipped CAMEO table)."""
    import ibis

    from suasion.events.reference import cameo_to_iso3

    t = con.table(table)
    codes = cameo_to_iso3()
    iso = ibis.memtable({"code": list(codes), "iso3": list(codes.values())})
    day = t.SQLDATE.cast("string").to_date("%Y%m%d")
    base = t.select(
        dataset=ibis.literal("gdelt2"),
        layout=ibis.literal("bigquery"),
        event_id=t.GLOBALEVENTID.cast("int64"),
        day=day,
        month=day.strftime("%Y-%m"),
        actor1_code=t.Actor1Code,
        actor1_name=t.Actor1Name,
        actor1_country=t.Actor1CountryCode,
        actor1_types=t.Actor1Type1Code,
        actor2_code=t.Actor2Code,
        actor2_name=t.Actor2Name,
        actor2_country=t.Actor2CountryCode,
        actor2_types=t.Actor2Type1Code,
        is_root=t.IsRootEvent.cast("int8"),
        event_code=t.EventCode,
        event_base_code=t.EventBaseCode,
        event_root_code=t.EventRootCode,
        quad_class=t.QuadClass.cast("int8"),
        goldstein=t.GoldsteinScale,
        num_mentions=t.NumMentions,
        num_sources=t.NumSources,
        num_articles=t.NumArticles,
        avg_tone=t.AvgTone,
        action_country=t.ActionGeo_CountryCode,
        date_added=t.DATEADDED.cast("string"),
        source_url=t.SOURCEURL,
        source_file=ibis.literal(table),
    )
    a1 = iso.view()
    a2 = iso.view()
    joined = base.left_join(a1, base.actor1_country == a1.code).left_join(a2, base.actor2_country == a2.code)
    return joined.select(*[c for c in base.columns], actor1_iso3=a1.iso3, actor2_iso3=a2.iso3)
