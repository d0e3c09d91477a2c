"""Dyadic event indices as Ibis expressions (engine-neutral), plus small pandas post-processing.

Notation (reference §13): events e of dyad (i, j) in period t, Goldstein value g(e) (the source dataset's own
scale), quad q(e) under a named scheme (VC, MC, VK, MK = verbal/material cooperation/conflict), weight w(e)
(1, NumMentions, NumSources or NumArticles).

* quad counts N_VC, N_MC, N_VK, N_MK (ICEWS "quad variables");
* Goldstein sum NC = Σ w·g (Goldstein 1992, JCR 36(2)); mean Ḡ = Σ w·g / Σ w;
* COOP = Σ_{g>0} w·g, CONF = Σ_{g<0} w·|g|; cooperation ratio CR = (COOP − CONF) / (COOP + CONF) ∈ [−1, 1];
* count ratio (N_VC + N_MC − N_VK − N_MK) / (N_VC + N_MC + N_VK + N_MK);
* quad-weighted net cooperation NQ = N_VC + 2·N_MC − N_VK − 2·N_MK;
* log-ratio LR = ln((N_coop + 1) / (N_conf + 1));
* volume normalisation: share S_ijt = N_ijt / (N_i·t + N_·jt) (directed: i's outgoing plus j's incoming
  events; undirected: events involving i plus events involving j) and volume_share = N_ijt / N_··t (all
  state-to-state events of the period), since GDELT's volume grows ~10× over time;
* smoothing: EWMA y_t = λ·x_t + (1 − λ)·y_{t−1}; trend = OLS slope of the smoothed series over a window;
* shift detection: z = (x_t − mean) / sd against a trailing window, or a two-sided CUSUM on standardised
  values (Page 1954, "Continuous inspection schemes", Biometrika 41), alert when |z| ≥ threshold or the CUSUM
  exceeds h.

State-to-state rule: both actors must map to ISO3 states (region and international codes dropped) and differ.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

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

FREQS: dict[str, str] = {"day": "D", "week": "W", "month": "M", "year": "Y"}
WEIGHTS: dict[str, str | None] = {
    "one": None,
    "mentions": "num_mentions",
    "sources": "num_sources",
    "articles": "num_articles",
}
QUAD_COLUMNS: dict[int, str] = {
    1: "verbal_coop",
    2: "material_coop",
    3: "verbal_conflict",
    4: "material_conflict",
}
INDEX_COLUMNS: tuple[str, ...] = (
    "period",
    "source",
    "target",
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
#: The index columns a terminal table shows: counts per QuadClass, Goldstein and the cooperation ratio.
TABLE_COLUMNS: tuple[str, ...] = (*INDEX_COLUMNS[:10], "coop_ratio")


def check_freq(freq: str) -> str:
    if freq not in FREQS:
        raise EventQueryError(f"unknown frequency {freq!r}; choose one of {', '.join(FREQS)}")
    return FREQS[freq]


def check_weight(weight: str) -> str | None:
    if weight not in WEIGHTS:
        raise EventQueryError(f"unknown weight {weight!r}; choose one of {', '.join(WEIGHTS)}")
    return WEIGHTS[weight]


def quad_expr(t: Any, scheme: str) -> Any:
    """QuadClass of each row under ``scheme`` from its CAMEO code (all schemes are prefix rules)."""
    import ibis

    if scheme == POLECAT_SCHEME:  # PLOVER-coded rows: event_code is TYPE[:mode], the quad is the type's
        kind = t.event_code.split(":")[0]
        return ibis.cases(
            *[(kind == name, ibis.literal(q, "int8")) for name, q in plover_quad().items()],
            else_=ibis.null("int8"),
        )
    if scheme not in QUAD_SCHEMES:
        raise EventQueryError(f"unknown QuadClass scheme {scheme!r}; choose one of {', '.join(QUAD_SCHEMES)}")
    table = quad_table(scheme)
    cases = []
    # 3-digit exceptions to the root rule (PLOVER splits 08 into CONCEDE and RETREAT)
    roots = {c: q for c, q in table.items() if len(c) == 2}
    for code, q in sorted(table.items()):
        if len(code) == 3 and q != roots.get(code[:2]):
            cases.append((t.event_code.startswith(code), ibis.literal(q, "int8")))
    root = t.event_code.substr(0, 2)
    for code, q in sorted(roots.items()):
        cases.append((root == code, ibis.literal(q, "int8")))
    return ibis.cases(*cases, else_=ibis.null("int8"))


def state_dyads(t: Any) -> Any:
    """Rows whose two actors are distinct ISO3 states."""
    return t.filter(t.actor1_iso3.notnull(), t.actor2_iso3.notnull(), t.actor1_iso3 != t.actor2_iso3)


def defence_filter(t: Any) -> Any:
    """Defence-diplomacy events: CAMEO codes of reference §14 with a military or government actor.

    GDELT: ``Actor{1,2}Type{1,2,3}Code`` contains MIL or GOV (a defence minister is XXXGOVMIL); ICEWS: source or
    target sectors contain Military, Defense / Security Ministry, Military Intelligence or Government.
    """
    import ibis

    code_ok = ibis.or_(*[t.event_code.startswith(p) for p in DEFENCE_CODE_PREFIXES])
    marks = DEFENCE_GDELT_TYPES + DEFENCE_ICEWS_SECTORS
    actor_ok = ibis.or_(
        *[t[c].fill_null("").contains(m) for c in ("actor1_types", "actor2_types") for m in marks]
    )
    return t.filter(code_ok, actor_ok)


def filter_dates(t: Any, start: Any = None, end: Any = None) -> Any:
    import ibis

    if start is not None:
        t = t.filter(t.day >= ibis.literal(pd.Timestamp(start).date()))
    if end is not None:
        t = t.filter(t.day <= ibis.literal(pd.Timestamp(end).date()))
    return t


def _sides(t: Any, directed: bool) -> tuple[Any, Any]:
    import ibis

    if directed:
        return t.actor1_iso3, t.actor2_iso3
    lower = t.actor1_iso3 < t.actor2_iso3
    return (
        ibis.ifelse(lower, t.actor1_iso3, t.actor2_iso3),
        ibis.ifelse(lower, t.actor2_iso3, t.actor1_iso3),
    )


def dyad_index_expr(
    t: Any,
    freq: str = "month",
    directed: bool = True,
    pair: tuple[str, str] | None = None,
    actor: str | None = None,
    scheme: str = "gdelt",
    weight: str = "one",
) -> Any:
    """Dyad-period indices of ``t`` (already filtered to state dyads, dates, de-duplicated) as an Ibis expression.

    ``pair=(A, B)`` keeps the dyad's two directions (directed) or the pair (undirected, reported as A→B);
    ``actor=X`` keeps every dyad with X on either side. Columns: :data:`INDEX_COLUMNS`.
    """
    import ibis

    unit = check_freq(freq)
    weight_col = check_weight(weight)
    t = t.mutate(
        period=t.day.truncate(unit),
        quad=quad_expr(t, scheme),
        w=(t[weight_col].cast("float64") if weight_col else ibis.literal(1.0, "float64")),
    )
    src, dst = _sides(t, directed)
    t = t.mutate(source=src, target=dst)
    everything = t
    if pair is not None:
        a, b = pair
        if directed:
            t = t.filter(((t.source == a) & (t.target == b)) | ((t.source == b) & (t.target == a)))
        else:
            t = t.filter(
                ((t.actor1_iso3 == a) & (t.actor2_iso3 == b)) | ((t.actor1_iso3 == b) & (t.actor2_iso3 == a))
            )
            t = t.mutate(source=ibis.literal(a), target=ibis.literal(b))
    elif actor is not None:
        t = t.filter((t.actor1_iso3 == actor) | (t.actor2_iso3 == actor))

    g = t.goldstein
    wg = t.w * g
    agg = t.group_by(["period", "source", "target"]).aggregate(
        events=t.count(),
        **{name: (t.quad == q).fill_null(False).cast("int64").sum() for q, name in QUAD_COLUMNS.items()},
        weight_sum=t.w.sum(),
        goldstein_sum=wg.sum(),
        coop=ibis.ifelse(g > 0, wg, 0.0).sum(),
        conflict=ibis.ifelse(g < 0, -wg, 0.0).sum(),
    )
    den = agg.coop + agg.conflict
    n_coop = agg.verbal_coop + agg.material_coop
    n_conf = agg.verbal_conflict + agg.material_conflict
    agg = agg.mutate(
        goldstein_mean=ibis.ifelse(
            agg.weight_sum > 0, agg.goldstein_sum / agg.weight_sum, ibis.null("float64")
        ),
        coop_ratio=ibis.ifelse(den > 0, (agg.coop - agg.conflict) / den, ibis.null("float64")),
        count_coop_ratio=ibis.ifelse(
            n_coop + n_conf > 0, (n_coop - n_conf).cast("float64") / (n_coop + n_conf), ibis.null("float64")
        ),
        net_quad=agg.verbal_coop + 2 * agg.material_coop - agg.verbal_conflict - 2 * agg.material_conflict,
        log_ratio=((n_coop + 1).cast("float64") / (n_conf + 1)).ln(),
    )
    # volume normalisation against all state-to-state events of the period
    if directed:
        out_n = everything.group_by(["period", everything.actor1_iso3.name("source")]).aggregate(
            n_source=everything.count()
        )
        in_n = everything.group_by(["period", everything.actor2_iso3.name("target")]).aggregate(
            n_target=everything.count()
        )
        agg = agg.left_join(out_n, ["period", "source"]).select(agg, out_n.n_source)
        agg = agg.left_join(in_n, ["period", "target"]).select(agg, in_n.n_target)
    else:
        involved = everything.select("period", actor=everything.actor1_iso3).union(
            everything.select("period", actor=everything.actor2_iso3), distinct=False
        )
        inv = involved.group_by(["period", "actor"]).aggregate(n=involved.count())
        s = inv.view()
        agg = agg.left_join(s, [agg.period == s.period, agg.source == s.actor]).select(agg, n_source=s.n)
        d = inv.view()
        agg = agg.left_join(d, [agg.period == d.period, agg.target == d.actor]).select(agg, n_target=d.n)
    totals = everything.group_by("period").aggregate(n_period=everything.count())
    agg = agg.left_join(totals, "period").select(agg, totals.n_period)
    agg = agg.mutate(
        share=agg.events.cast("float64") / (agg.n_source + agg.n_target),
        volume_share=agg.events.cast("float64") / agg.n_period,
    )
    return agg.select(*INDEX_COLUMNS).order_by(["period", "source", "target"])


def partners_expr(t: Any, actor: str, scheme: str = "gdelt", weight: str = "one") -> Any:
    """Every state that had events with ``actor`` (either direction): counts, Goldstein mean, CR, quad counts."""
    import ibis

    weight_col = check_weight(weight)
    t = t.filter((t.actor1_iso3 == actor) | (t.actor2_iso3 == actor))
    t = t.mutate(
        partner=ibis.ifelse(t.actor1_iso3 == actor, t.actor2_iso3, t.actor1_iso3),
        quad=quad_expr(t, scheme),
        w=(t[weight_col].cast("float64") if weight_col else ibis.literal(1.0, "float64")),
    )
    g = t.goldstein
    wg = t.w * g
    agg = t.group_by("partner").aggregate(
        events=t.count(),
        outgoing=(t.actor1_iso3 == actor).cast("int64").sum(),
        **{name: (t.quad == q).fill_null(False).cast("int64").sum() for q, name in QUAD_COLUMNS.items()},
        weight_sum=t.w.sum(),
        goldstein_sum=wg.sum(),
        coop=ibis.ifelse(g > 0, wg, 0.0).sum(),
        conflict=ibis.ifelse(g < 0, -wg, 0.0).sum(),
        first_day=t.day.min(),
        last_day=t.day.max(),
    )
    den = agg.coop + agg.conflict
    agg = agg.mutate(
        goldstein_mean=agg.goldstein_sum / agg.weight_sum,
        coop_ratio=ibis.ifelse(den > 0, (agg.coop - agg.conflict) / den, ibis.null("float64")),
    )
    return agg.select(
        "partner",
        "events",
        "outgoing",
        *QUAD_COLUMNS.values(),
        "goldstein_sum",
        "goldstein_mean",
        "coop_ratio",
        "first_day",
        "last_day",
    ).order_by([ibis.desc("events"), "partner"])


# ---------------------------------------------------------------------------------------------- pandas side


def format_period(values: pd.Series, freq: str) -> pd.Series:
    """Period start dates as labels: ``2017-07-03`` (day, week = Monday), ``2017-07`` (month), ``2017`` (year)."""
    stamps = pd.to_datetime(values)
    fmt = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[freq]
    return stamps.dt.strftime(fmt)


def _offset(freq: str) -> Any:
    return {
        "day": pd.offsets.Day(),
        "week": pd.offsets.Week(weekday=0),
        "month": pd.offsets.MonthBegin(),
        "year": pd.offsets.YearBegin(),
    }[freq]


def fill_periods(frame: pd.DataFrame, freq: str, until: Any = None) -> pd.DataFrame:
    """Add the missing periods of each dyad's series (zero counts and sums, empty means and ratios)."""
    if frame.empty:
        return frame
    out = []
    stamps = pd.to_datetime(frame["period"])
    frame = frame.assign(period=stamps)
    last = pd.Timestamp(until) if until is not None else stamps.max()
    for (s, t), group in frame.groupby(["source", "target"], sort=True):
        index = pd.date_range(group["period"].min(), max(last, group["period"].max()), freq=_offset(freq))
        g = group.set_index("period").reindex(index)
        g.index.name = "period"
        g["source"], g["target"] = s, t
        for col in ("events", *QUAD_COLUMNS.values(), "goldstein_sum", "coop", "conflict", "net_quad"):
            if col in g:
                g[col] = g[col].fillna(0)
        out.append(g.reset_index())
    return pd.concat(out, ignore_index=True)


def ewma(values: pd.Series, lam: float) -> pd.Series:
    """y_t = λ·x_t + (1 − λ)·y_{t−1}, starting at the first observation; missing x carry y forward."""
    if not 0 < lam <= 1:
        raise EventQueryError(f"EWMA lambda must be in (0, 1], got {lam}")
    return values.ewm(alpha=lam, adjust=False, ignore_na=True).mean()


def ols_slope(values: np.ndarray) -> float:
    """Least-squares slope of values against 0..n-1 (NaN when fewer than 2 finite points)."""
    y = np.asarray(values, dtype=float)
    x = np.arange(len(y), dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return float("nan")
    x, y = x[ok], y[ok]
    x = x - x.mean()
    return float((x * (y - y.mean())).sum() / (x * x).sum())


def add_smoothing(
    frame: pd.DataFrame,
    lam: float = 0.3,
    trend_window: int = 6,
    columns: tuple[str, ...] = ("goldstein_mean", "coop_ratio"),
) -> pd.DataFrame:
    """Per dyad (in period order): ``<col>_ewma`` and ``<col>_trend`` (rolling OLS slope of the EWMA)."""
    frame = frame.sort_values(["source", "target", "period"]).copy()
    for col in columns:
        smoothed = frame.groupby(["source", "target"], sort=False)[col].transform(lambda s: ewma(s, lam))
        frame[f"{col}_ewma"] = smoothed
        frame[f"{col}_trend"] = smoothed.groupby([frame["source"], frame["target"]], sort=False).transform(
            lambda s: s.rolling(trend_window, min_periods=2).apply(ols_slope, raw=True)
        )
    return frame.sort_values(["period", "source", "target"]).reset_index(drop=True)


def shift_alerts(
    frame: pd.DataFrame,
    metric: str = "goldstein_sum",
    window: int = 12,
    threshold: float = 2.5,
    method: str = "zscore",
    min_history: int = 6,
    min_events: int = 3,
    cusum_k: float = 0.5,
    cusum_h: float = 4.0,
) -> pd.DataFrame:
    """Periods where a dyad's ``metric`` departs from its own trailing window.

    ``zscore``: z_t = (x_t − mean(x_{t−window..t−1})) / sd(...), alert when |z| ≥ threshold.
    ``cusum``: standardise x_t the same way, S⁺_t = max(0, S⁺_{t−1} + z_t − k), S⁻_t = max(0, S⁻_{t−1} − z_t − k),
    alert when S⁺ or S⁻ exceeds h (then reset). Needs ``min_history`` earlier periods with a positive sd, and
    ``min_events`` events in the alert period. ``frame`` must have one row per dyad-period (see fill_periods).
    """
    if method not in ("zscore", "cusum"):
        raise EventQueryError(f"unknown shift method {method!r}; choose zscore or cusum")
    rows = []
    for (s, t), group in frame.sort_values("period").groupby(["source", "target"], sort=True):
        x = group[metric].astype(float).to_numpy()
        events = group["events"].to_numpy()
        periods = group["period"].to_numpy()
        s_pos = s_neg = 0.0
        for i in range(len(x)):
            history = x[max(0, i - window) : i]
            history = history[np.isfinite(history)]
            if len(history) < min_history or not np.isfinite(x[i]):
                continue
            mean, sd = float(history.mean()), float(history.std(ddof=1))
            if not sd > 0:
                continue
            z = (x[i] - mean) / sd
            score = z
            if method == "cusum":
                s_pos, s_neg = max(0.0, s_pos + z - cusum_k), max(0.0, s_neg - z - cusum_k)
                fired = s_pos > cusum_h or s_neg > cusum_h
                score = s_pos if s_pos >= s_neg else -s_neg
                if fired:
                    s_pos = s_neg = 0.0
            else:
                fired = abs(z) >= threshold
            if fired and events[i] >= min_events:
                rows.append(
                    {
                        "period": periods[i],
                        "source": s,
                        "target": t,
                        "metric": metric,
                        "value": x[i],
                        "baseline_mean": mean,
                        "baseline_sd": sd,
                        "score": score,
                        "events": int(events[i]),
                        "direction": "more cooperative" if score > 0 else "more hostile",
                    }
                )
    out = pd.DataFrame(
        rows,
        columns=[
            "period",
            "source",
            "target",
            "metric",
            "value",
            "baseline_mean",
            "baseline_sd",
            "score",
            "events",
            "direction",
        ],
    )
    return out
