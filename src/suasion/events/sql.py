"""Dyadic indices as DuckDB SQL: one pass over the rows, every marginal derived from the dyad aggregate.

The default engine. It runs the same formulas as the Ibis expressions of :mod:`suasion.events.indices`
(which stay the path for Spark and other Ibis backends; the tests check that both give the same values), but
as plain SQL on DuckDB, so neither Ibis nor pandas has to be imported to count events, and the event rows are
scanned once:

1. ``rows``: the state-to-state rows (both actors map to distinct ISO3 states), date- and defence-filtered,
   de-duplicated (:mod:`suasion.events.dedup`), each with its period, quad and weight;
2. ``agg``: one grouped aggregate per directed dyad and period: N, the four quad counts, Σw, Σw·g,
   COOP = Σ_{g>0} w·g, CONF = Σ_{g<0} w·|g|;
3. the volume marginals come from ``agg`` itself (sums of N over targets, over sources, over the period), and the
   undirected dyads are sums of the two directions: every column of ``agg`` is a sum, so nothing is aggregated
   twice from the rows.

``relation`` is any DuckDB relation with the canonical query columns (the store's Parquet files, or raw event
files read by :mod:`suasion.events.scan`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from suasion.events.dedup import DEDUP_RULES, dedup_sql
from suasion.events.errors import EventQueryError
from suasion.events.reference import (
    DEFENCE_CODE_PREFIXES,
    DEFENCE_GDELT_TYPES,
    DEFENCE_ICEWS_SECTORS,
    POLECAT_SCHEME,
    QUAD_SCHEMES,
    plover_quad,
    quad_table,
)

FREQ_UNITS: dict[str, str] = {"day": "day", "week": "week", "month": "month", "year": "year"}
WEIGHT_COLUMNS: dict[str, str | None] = {
    "one": None,
    "mentions": "num_mentions",
    "sources": "num_sources",
    "articles": "num_articles",
}
QUAD_NAMES: dict[int, str] = {1: "verbal_coop", 2: "material_coop", 3: "verbal_conflict", 4: "material_conflict"}
#: Columns a relation must offer to the queries (a subset of the canonical columns).
QUERY_COLUMNS: tuple[str, ...] = (
    "event_id",
    "day",
    "actor1_code",
    "actor1_country",
    "actor1_iso3",
    "actor1_types",
    "actor2_code",
    "actor2_country",
    "actor2_iso3",
    "actor2_types",
    "event_code",
    "goldstein",
    "num_mentions",
    "num_sources",
    "num_articles",
    "source_url",
)


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def quad_sql(code: str, scheme: str) -> str:
    """QuadClass of ``code`` (a CAMEO event code column) under ``scheme``: 3-digit exceptions, then the root.

    Under the ``polecat`` scheme ``code`` is ``TYPE[:mode]`` and the quad is the PLOVER type's."""
    if scheme == POLECAT_SCHEME:
        cases = " ".join(f"WHEN {lit(t)} THEN {q}" for t, q in plover_quad().items())
        return f"CAST(CASE split_part({code}, ':', 1) {cases} END AS TINYINT)"
    if scheme not in QUAD_SCHEMES:
        raise EventQueryError(f"unknown QuadClass scheme {scheme!r}; choose one of {', '.join(QUAD_SCHEMES)}")
    table = quad_table(scheme)
    roots = {c: q for c, q in table.items() if len(c) == 2}

    def value(q: int | None) -> str:
        return "NULL" if q is None else str(q)

    base = " ".join(f"WHEN {lit(c)} THEN {value(q)}" for c, q in sorted(roots.items()))
    exceptions = [
        (c, q) for c, q in sorted(table.items()) if len(c) == 3 and q != roots.get(c[:2])
    ]
    root_case = f"CASE left({code}, 2) {base} END"
    if not exceptions:
        return f"CAST({root_case} AS TINYINT)"
    head = " ".join(f"WHEN {lit(c)} THEN {value(q)}" for c, q in exceptions)
    return f"CAST(CASE left({code}, 3) {head} ELSE {root_case} END AS TINYINT)"


def weight_sql(weight: str) -> str:
    if weight not in WEIGHT_COLUMNS:
        raise EventQueryError(f"unknown weight {weight!r}; choose one of {', '.join(WEIGHT_COLUMNS)}")
    column = WEIGHT_COLUMNS[weight]
    return "1.0::DOUBLE" if column is None else f"CAST({column} AS DOUBLE)"


def period_sql(day: str, freq: str) -> str:
    if freq not in FREQ_UNITS:
        raise EventQueryError(f"unknown frequency {freq!r}; choose one of {', '.join(FREQ_UNITS)}")
    return f"CAST(date_trunc({lit(FREQ_UNITS[freq])}, {day}) AS DATE)"


def defence_sql() -> str:
    """The defence-diplomacy filter of :func:`suasion.events.indices.defence_filter`, as a SQL condition."""
    codes = " OR ".join(f"starts_with(event_code, {lit(p)})" for p in DEFENCE_CODE_PREFIXES)
    marks = DEFENCE_GDELT_TYPES + DEFENCE_ICEWS_SECTORS
    actors = " OR ".join(
        f"contains(coalesce({c}, ''), {lit(m)})" for c in ("actor1_types", "actor2_types") for m in marks
    )
    return f"({codes}) AND ({actors})"


def _date(value: Any) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"DATE {lit(day.isoformat())}"


def state_rows_sql(
    relation: str,
    *,
    start: Any = None,
    end: Any = None,
    defence: bool = False,
    rules: list[str] | tuple[str, ...] = (),
) -> str:
    """The state-to-state rows of ``relation``: both actors ISO3 states and distinct, in [start, end], then the
    de-duplication rules in order (as ``_prepared`` does for the Ibis path)."""
    where = ["actor1_iso3 IS NOT NULL", "actor2_iso3 IS NOT NULL", "actor1_iso3 <> actor2_iso3"]
    if start is not None:
        where.append(f"day >= {_date(start)}")
    if end is not None:
        where.append(f"day <= {_date(end)}")
    if defence:
        where.append(defence_sql())
    sql = f"SELECT * FROM {relation} WHERE {' AND '.join(where)}"
    for rule in rules:
        if rule not in DEDUP_RULES:
            raise EventQueryError(f"unknown de-duplication rule {rule!r}")
        sql = dedup_sql(f"({sql})", rule)
    return sql


def dyad_index_sql(
    rows: str,
    *,
    freq: str = "month",
    directed: bool = True,
    pair: tuple[str, str] | None = None,
    actor: str | None = None,
    scheme: str = "gdelt",
    weight: str = "one",
) -> str:
    """Dyad-period indices (columns of :data:`suasion.events.indices.INDEX_COLUMNS`) of the state rows ``rows``.

    Formulas as in :func:`suasion.events.indices.dyad_index_expr` (reference §13): counts per quad, Goldstein
    sum and weighted mean, COOP/CONF and CR = (COOP − CONF)/(COOP + CONF), count ratio, NQ, LR, and the volume
    shares, whose marginals are sums over the directed dyad aggregate.
    """
    quad = quad_sql("event_code", scheme)
    w = weight_sql(weight)
    quads = ",\n    ".join(f"count(*) FILTER (WHERE quad = {q}) AS {name}" for q, name in QUAD_NAMES.items())
    sums = "events, verbal_coop, material_coop, verbal_conflict, material_conflict, weight_sum, goldstein_sum, coop, conflict"
    summed = ", ".join(f"sum({c}) AS {c}" for c in sums.split(", "))
    if directed:
        marginals = """
, out_n AS (SELECT period, source, sum(events) AS n_source FROM agg GROUP BY ALL)
, in_n AS (SELECT period, target, sum(events) AS n_target FROM agg GROUP BY ALL)"""
        dyads = f"SELECT period, source, target, {sums} FROM agg"
        join = """
LEFT JOIN out_n USING (period, source)
LEFT JOIN in_n USING (period, target)"""
    else:
        marginals = """
, involved AS (SELECT period, actor, sum(n) AS n FROM (
    SELECT period, source AS actor, events AS n FROM agg UNION ALL SELECT period, target, events FROM agg
  ) GROUP BY ALL)"""
        dyads = (
            f"SELECT period, least(source, target) AS source, greatest(source, target) AS target, {summed} "
            "FROM agg GROUP BY ALL"
        )
        join = """
LEFT JOIN (SELECT period, actor AS source, n AS n_source FROM involved) USING (period, source)
LEFT JOIN (SELECT period, actor AS target, n AS n_target FROM involved) USING (period, target)"""
    keep = "TRUE"
    relabel = "source, target"
    if pair is not None:
        a, b = (lit(x) for x in pair)
        if directed:
            keep = f"(source = {a} AND target = {b}) OR (source = {b} AND target = {a})"
        else:
            keep = f"source = least({a}, {b}) AND target = greatest({a}, {b})"
            relabel = f"{a} AS source, {b} AS target"
    elif actor is not None:
        x = lit(actor)
        keep = f"source = {x} OR target = {x}"
    return f"""
WITH agg AS MATERIALIZED (
  SELECT period, actor1_iso3 AS source, actor2_iso3 AS target,
    count(*) AS events,
    {quads},
    sum(w) AS weight_sum,
    sum(w * goldstein) AS goldstein_sum,
    sum(CASE WHEN goldstein > 0 THEN w * goldstein ELSE 0.0 END) AS coop,
    sum(CASE WHEN goldstein < 0 THEN -(w * goldstein) ELSE 0.0 END) AS conflict
  FROM (SELECT *, {period_sql('day', freq)} AS period, {quad} AS quad, {w} AS w FROM ({rows}))
  GROUP BY ALL
){marginals}
, totals AS (SELECT period, sum(events) AS n_period FROM agg GROUP BY ALL)
, dyads AS ({dyads})
SELECT period, {relabel},
  events, verbal_coop, material_coop, verbal_conflict, material_conflict,
  goldstein_sum,
  CASE WHEN weight_sum > 0 THEN goldstein_sum / weight_sum END AS goldstein_mean,
  coop, conflict,
  CASE WHEN coop + conflict > 0 THEN (coop - conflict) / (coop + conflict) END AS coop_ratio,
  CASE WHEN verbal_coop + material_coop + verbal_conflict + material_conflict > 0
    THEN CAST(verbal_coop + material_coop - verbal_conflict - material_conflict AS DOUBLE)
         / (verbal_coop + material_coop + verbal_conflict + material_conflict) END AS count_coop_ratio,
  verbal_coop + 2 * material_coop - verbal_conflict - 2 * material_conflict AS net_quad,
  ln(CAST(verbal_coop + material_coop + 1 AS DOUBLE) / (verbal_conflict + material_conflict + 1)) AS log_ratio,
  CAST(events AS DOUBLE) / (n_source + n_target) AS share,
  CAST(events AS DOUBLE) / n_period AS volume_share
FROM dyads{join}
LEFT JOIN totals USING (period)
WHERE {keep}
ORDER BY period, source, target
"""


def partners_sql(rows: str, actor: str, *, scheme: str = "gdelt", weight: str = "one", limit: int = 0) -> str:
    """Every state with events with ``actor`` (either direction), as :func:`suasion.events.indices.partners_expr`."""
    x = lit(actor)
    quad = quad_sql("event_code", scheme)
    quads = ",\n    ".join(f"count(*) FILTER (WHERE quad = {q}) AS {name}" for q, name in QUAD_NAMES.items())
    return f"""
WITH agg AS (
  SELECT partner,
    count(*) AS events,
    count(*) FILTER (WHERE actor1_iso3 = {x}) AS outgoing,
    {quads},
    sum(w) AS weight_sum,
    sum(w * goldstein) AS goldstein_sum,
    sum(CASE WHEN goldstein > 0 THEN w * goldstein ELSE 0.0 END) AS coop,
    sum(CASE WHEN goldstein < 0 THEN -(w * goldstein) ELSE 0.0 END) AS conflict,
    min(day) AS first_day, max(day) AS last_day
  FROM (SELECT *, CASE WHEN actor1_iso3 = {x} THEN actor2_iso3 ELSE actor1_iso3 END AS partner,
          {quad} AS quad, {weight_sql(weight)} AS w
        FROM ({rows}) WHERE actor1_iso3 = {x} OR actor2_iso3 = {x})
  GROUP BY partner
)
SELECT partner, events, outgoing, verbal_coop, material_coop, verbal_conflict, material_conflict,
  goldstein_sum, goldstein_sum / weight_sum AS goldstein_mean,
  CASE WHEN coop + conflict > 0 THEN (coop - conflict) / (coop + conflict) END AS coop_ratio,
  first_day, last_day
FROM agg ORDER BY events DESC, partner{f' LIMIT {int(limit)}' if limit else ''}
"""


def parquet_relation(files: list[str], dataset: str) -> str:
    """The store's Parquet files of one dataset as a relation (only the query columns are read)."""
    listed = ", ".join(lit(f) for f in files)
    return (
        f"(SELECT {', '.join(QUERY_COLUMNS)} FROM read_parquet([{listed}], hive_partitioning=false) "
        f"WHERE dataset = {lit(dataset)})"
    )
