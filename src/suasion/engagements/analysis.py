"""Relationship trajectory and cross-department coherence checks over register records.

Pure functions over lists of :class:`~suasion.engagements.schemas.EngagementOut` /
``ObjectiveOut`` (the records a user may see); the :class:`Register` methods of the same names
fetch them.

**Engagement-intensity index** (per partner *p*, month *m*)::

    I_p(m) = sum over engagements e with p, status executed/assessed, month(e.start) <= m of
             w_type(e) * w_level(e) * 2 ** (-(m - month(e.start)) / h)

``h`` is the half-life in months (default 6): an engagement counts fully in its month and half
as much ``h`` months later. Type and level weights are :data:`vocab.TYPE_WEIGHT` and
:data:`vocab.LEVEL_WEIGHT` (a ministerial visit or exercise signals more than working-level
outreach). Both the weights and the exponential decay are this module's documented
judgement (no published index of defence-engagement intensity was found to reproduce); the
decay treats a relationship as a stock that fades unless renewed. See docs/register.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.schemas import EngagementOut, ObjectiveOut
from suasion.engagements.vocab import HAPPENED, LEVEL_WEIGHT, TYPE_WEIGHT, Status

TRAJECTORY_COLUMNS = ["partner", "month", "engagements", "intensity", "pipeline", "assessments",
                      "mean_rating"]


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def engagement_weight(e: EngagementOut) -> float:
    """w_type * w_level of one engagement."""
    return TYPE_WEIGHT[e.type] * LEVEL_WEIGHT[e.level]


def trajectory(engagements: Sequence[EngagementOut], partner: str, *, half_life_months: float = 6.0,
               start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """One row per month: engagements started that happened, the decayed intensity index
    ``I_p(m)`` (module docstring), engagements still in the pipeline (proposed, planned,
    approved) starting that month, and the number and mean rating (1-5) of assessments dated
    that month. Months run from ``start`` (default: first engagement) to ``end`` (default: last
    engagement or assessment)."""
    if not half_life_months > 0 or not np.isfinite(half_life_months):
        raise InvalidRecordError(f"half-life must be a positive number of months, got {half_life_months!r}")
    mine = [e for e in engagements if partner in e.partners and e.status is not Status.cancelled]
    dates = [e.start_date for e in mine] + [a.date for e in mine for a in e.assessments]
    if not dates and (start is None or end is None):
        return pd.DataFrame(columns=TRAJECTORY_COLUMNS)
    first = _month_index(start) if start else min(_month_index(d) for d in dates)
    last = _month_index(end) if end else max(_month_index(d) for d in dates)
    if last < first:
        return pd.DataFrame(columns=TRAJECTORY_COLUMNS)
    months = np.arange(first, last + 1)
    happened = np.zeros(len(months))
    pipeline = np.zeros(len(months))
    n_assess = np.zeros(len(months))
    rating_sum = np.zeros(len(months))
    intensity = np.zeros(len(months))
    for e in mine:
        m = _month_index(e.start_date)
        if e.status in HAPPENED:
            if first <= m <= last:
                happened[m - first] += 1
            age = months - m
            intensity += np.where(age >= 0, engagement_weight(e) * np.exp2(-np.maximum(age, 0) / half_life_months),
                                  0.0)
        elif first <= m <= last:
            pipeline[m - first] += 1
        for a in e.assessments:
            k = _month_index(a.date) - first
            if 0 <= k < len(months):
                n_assess[k] += 1
                rating_sum[k] += a.rating
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rating = np.where(n_assess > 0, rating_sum / np.maximum(n_assess, 1), np.nan)
    return pd.DataFrame({
        "partner": partner, "month": [_month_start(int(m)) for m in months],
        "engagements": happened.astype(int), "intensity": intensity, "pipeline": pipeline.astype(int),
        "assessments": n_assess.astype(int), "mean_rating": mean_rating,
    })


def overlaps(engagements: Sequence[EngagementOut]) -> pd.DataFrame:
    """Pairs of live (not cancelled) engagements with a common partner whose date windows
    overlap. ``kind`` is ``duplicate`` when type and dates are identical, else ``overlap``;
    ``cross_department`` when the lead departments differ (a coordination gap)."""
    live = [e for e in engagements if e.status is not Status.cancelled]
    by_partner: dict[str, list[EngagementOut]] = defaultdict(list)
    for e in live:
        for p in e.partners:
            by_partner[p].append(e)
    pairs: dict[tuple[int, int], dict[str, object]] = {}
    for partner, items in by_partner.items():
        items.sort(key=lambda e: (e.start_date, e.id))
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if b.start_date > a.end_date:
                    break
                key = (min(a.id, b.id), max(a.id, b.id))
                if key in pairs:
                    pairs[key]["partners"] = f"{pairs[key]['partners']};{partner}"
                    continue
                same = a.type == b.type and a.start_date == b.start_date and a.end_date == b.end_date
                pairs[key] = {
                    "engagement_a": key[0], "engagement_b": key[1], "partners": partner,
                    "kind": "duplicate" if same else "overlap",
                    "title_a": a.title if a.id == key[0] else b.title,
                    "title_b": b.title if b.id == key[1] else a.title,
                    "from": max(a.start_date, b.start_date), "to": min(a.end_date, b.end_date),
                    "lead_a": (a if a.id == key[0] else b).lead_department.value,
                    "lead_b": (b if b.id == key[1] else a).lead_department.value,
                    "cross_department": a.lead_department != b.lead_department,
                }
    columns = ["engagement_a", "engagement_b", "partners", "kind", "title_a", "title_b", "from", "to",
               "lead_a", "lead_b", "cross_department"]
    return pd.DataFrame(list(pairs.values()), columns=columns)


def spending(engagements: Sequence[EngagementOut], priority: Iterable[str]) -> pd.DataFrame:
    """Cost per partner and currency (actual cost where known, else estimated; a multi-partner
    engagement's cost is split equally), with each partner's share and priority flag."""
    prio = set(priority)
    rows = []
    for e in engagements:
        if e.status is Status.cancelled:
            continue
        cost = e.actual_cost if e.actual_cost is not None else e.estimated_cost
        if cost is None:
            continue
        for p in e.partners:
            rows.append({"partner": p, "currency": e.currency, "cost": cost / len(e.partners)})
    if not rows:
        return pd.DataFrame(columns=["partner", "currency", "cost", "share", "priority"])
    frame = pd.DataFrame(rows).groupby(["currency", "partner"], as_index=False)["cost"].sum()
    frame["share"] = frame["cost"] / frame.groupby("currency")["cost"].transform("sum")
    frame["priority"] = frame["partner"].isin(prio)
    return frame.sort_values(["currency", "cost"], ascending=[True, False]).reset_index(drop=True)[
        ["partner", "currency", "cost", "share", "priority"]]


def coherence(engagements: Sequence[EngagementOut], objectives: Sequence[ObjectiveOut], *,
              priority: Iterable[str] = (), max_non_priority_share: float = 0.5) -> dict[str, pd.DataFrame]:
    """The coherence checks, one table each:

    * ``overlaps`` - see :func:`overlaps`;
    * ``engagements_without_objectives`` - live engagements linked to no objective;
    * ``objectives_without_engagements`` - objectives no live engagement serves;
    * ``spending`` - see :func:`spending`;
    * ``spending_concentration`` - per currency, the share of spending on non-priority partners,
      flagged when above ``max_non_priority_share`` (only when priority partners are given).
    """
    priority = list(priority)
    live = [e for e in engagements if e.status is not Status.cancelled]
    orphans = pd.DataFrame([{"id": e.id, "title": e.title, "partners": ";".join(e.partners),
                             "status": e.status.value, "lead_department": e.lead_department.value}
                            for e in live if not e.objective_ids],
                           columns=["id", "title", "partners", "status", "lead_department"])
    served = {i for e in live for i in e.objective_ids}
    idle = pd.DataFrame([{"id": o.id, "title": o.title, "partners": ";".join(o.partners), "aim": o.aim.value,
                          "owner": o.owner} for o in objectives if o.id not in served],
                        columns=["id", "title", "partners", "aim", "owner"])
    spend = spending(engagements, priority)
    concentration = []
    if priority and len(spend):
        for currency, group in spend.groupby("currency"):
            away = float(group.loc[~group["priority"], "share"].sum())
            concentration.append({"currency": currency, "total": float(group["cost"].sum()),
                                  "non_priority_share": away,
                                  "flagged": away > max_non_priority_share})
    return {
        "overlaps": overlaps(engagements),
        "engagements_without_objectives": orphans,
        "objectives_without_engagements": idle,
        "spending": spend,
        "spending_concentration": pd.DataFrame(concentration, columns=["currency", "total", "non_priority_share",
                                                                       "flagged"]),
    }
