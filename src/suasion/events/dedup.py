"""De-duplication rules for event rows: named, documented, selectable, logged.

GDELT codes every report, so syndicated and follow-up stories give many rows for one real event (reference
§12: one GDELT 2.0 export loses ≈44 % of its international rows under ``day-dyad-code-url``). A rule is a key:
rows that agree on every key column are one event, and the row with the smallest ``event_id`` is kept.
A row with an empty key column (e.g. no SOURCEURL in GDELT 1.0 back-files) is never a duplicate of another.

| rule | key | origin |
|---|---|---|
| ``none`` | - | keep every row |
| ``event-id`` | event_id | ICEWS re-issues Event IDs (andybega/icews #57) |
| ``url`` | source_url | py-gdelt ``utils/dedup.py`` |
| ``url-date`` | day, source_url | py-gdelt |
| ``one-a-day`` | day, actor1_country, actor2_country, event_code | Phoenix "one-a-day" |
| ``day-dyad-code-url`` | day, actor1_country, actor2_country, event_code, source_url | reference §12 |
| ``day-actors-code-url`` | day, actor1_code, actor2_code, event_code, source_url | reference §12 (full actor codes) |

Rules can be chained (``url,one-a-day``); each step's removals are reported separately.

The default is ``event-id``, the source's own event identifier (GDELT's GLOBALEVENTID, ICEWS's Event ID,
POLECAT's Event ID): every event is counted once even when files overlap. ``none`` keeps every row.
Among rows with the same key, the one kept is the first in (event_id, day, actor codes, event code, Goldstein,
source URL) order, nulls last, so that every engine keeps the same row.
"""

from __future__ import annotations

from typing import Any

from suasion.events.errors import EventQueryError

#: the rule applied when none is named: count each event of the source once
DEFAULT_DEDUP = "event-id"
#: order among rows sharing a key (the first is kept); identical on every engine
TIEBREAK: tuple[str, ...] = ("event_id", "day", "actor1_code", "actor2_code", "event_code", "goldstein", "source_url")

DEDUP_RULES: dict[str, tuple[str, ...]] = {
    "none": (),
    "event-id": ("event_id",),
    "url": ("source_url",),
    "url-date": ("day", "source_url"),
    "one-a-day": ("day", "actor1_country", "actor2_country", "event_code"),
    "day-dyad-code-url": ("day", "actor1_country", "actor2_country", "event_code", "source_url"),
    "day-actors-code-url": ("day", "actor1_code", "actor2_code", "event_code", "source_url"),
}


def parse_rules(spec: str | None) -> list[str]:
    """``"url,one-a-day"`` -> ``["url", "one-a-day"]``; ``none``/empty -> ``[]``; unknown names raise
    :class:`EventQueryError` (a ValueError)."""
    if not spec:
        return []
    names = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in DEDUP_RULES]
    if unknown:
        raise EventQueryError(
            f"--dedup: unknown de-duplication rule {unknown[0]!r}; choose none or one of "
            f"{', '.join(r for r in DEDUP_RULES if r != 'none')} (comma-separated to chain)"
        )
    return [n for n in names if n != "none"]


def dedup_sql(relation: str, rule: str) -> str:
    """SQL (DuckDB) keeping one row per key of ``rule`` from ``relation``."""
    key = DEDUP_RULES[rule]
    if not key:
        return f"SELECT * FROM {relation}"
    any_null = " OR ".join(f"{c} IS NULL" for c in key)
    part = ", ".join(key) + f", CASE WHEN {any_null} THEN event_id END"
    order = ", ".join(f"{c} ASC NULLS LAST" for c in TIEBREAK)
    return f"SELECT * FROM {relation} QUALIFY row_number() OVER (PARTITION BY {part} ORDER BY {order}) = 1"


def dedup_ibis(table: Any, rule: str) -> Any:
    """The same rule as an Ibis expression (runs on DuckDB, Spark, BigQuery...)."""
    import ibis

    key = DEDUP_RULES[rule]
    if not key:
        return table
    any_null = ibis.or_(*[table[c].isnull() for c in key])
    guard = ibis.ifelse(any_null, table.event_id, ibis.null("int64"))
    order = [ibis.asc(table[c], nulls_first=False) for c in TIEBREAK if c in table.columns]
    window = ibis.window(group_by=[table[c] for c in key] + [guard], order_by=order)
    ranked = table.mutate(_dedup_rank=ibis.row_number().over(window))
    return ranked.filter(ranked._dedup_rank == 0).drop("_dedup_rank")
