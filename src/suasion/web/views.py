"""From API results to what a page shows: charts (``suasion.charts``), data tables and the data
year or flag under each number. Presentation only: nothing here computes a model quantity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from suasion.charts import (
    Cell,
    bar_chart,
    broker_diagram,
    data_table,
    line_chart,
    network_chart,
    stacked_bar_chart,
    world_map,
)

TOP_BARS = 15
TOP_TABLE = 25   # rows of the ranked table; the map's table and the downloads have every row


def url(path: str, **params: Any) -> str:
    """A link with its filters in the query string (empty values left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)
    return f"{path}?{query}" if query else path


def num(value: Any, digits: int = 3) -> str:
    """Numbers for people: ``digits`` significant figures, thousands separated, "no data" for missing."""
    from suasion._output import format_number

    if _nan(value):
        return "no data"
    return format_number(float(value), digits)


def percent(value: Any) -> str:
    if _nan(value):
        return "no data"
    return f"{100 * float(value):.1f}%"


def name_of(code: str) -> str:
    from suasion.actors import actor_name

    try:
        name = actor_name(code)
    except Exception:  # noqa: BLE001 - a display name is never worth an error page
        return code
    return f"{name} ({code})" if name and name != code else code


def channel_columns(frame: Any) -> list[str]:
    from suasion.leverage.cli import channel_columns as cli_channel_columns

    return [c for c in cli_channel_columns(frame) if c not in ("flags", "channel_flags")]


def flags_column(frame: Any) -> str:
    return "channel_flags" if "channel_flags" in frame.columns else "flags"


def data_note(row: Mapping[str, Any], year: int) -> str:
    """Under a score: which data year it rests on, and whether inputs were carried forward."""
    parts = []
    main, main_year = row.get("main_channel"), row.get("main_channel_year")
    if main and main_year is not None and not _nan(main_year):
        parts.append(f"{str(main).replace('_', ' ')} {'observed' if int(main_year) >= year else 'from'} "
                     f"{int(main_year)}")
    oldest = row.get("oldest_input_year")
    if oldest is not None and not _nan(oldest) and int(oldest) < year:
        parts.append(f"oldest input {int(oldest)}")
    flags = row.get("channel_flags") or row.get("flags") or {}
    carried = sorted(c for c, f in flags.items() if str(f).startswith("carried"))
    if carried and not parts:
        parts.append(f"{len(carried)} channel{'s' if len(carried) > 1 else ''} carried forward")
    elif not parts:
        parts.append(f"observed {year}")
    return "; ".join(parts)


def channel_note(flag: str | None, data_year: int | None) -> str:
    if not flag:
        return ""
    if flag == "observed":
        return f"observed {data_year}" if data_year else "observed"
    return flag


def _nan(x: Any) -> bool:
    """None, NaN or pandas' NA."""
    import pandas as pd

    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------- leverage

def leverage(frame: Any, sens: Any | None, *, actor: str, year: int, model: str, direction: str) -> dict[str, Any]:
    """Map, stacked bars and tables for ``leverage over`` (direction "over") or ``of``."""
    other = "source" if direction == "over" else "target"
    channels = channel_columns(frame)
    flags = flags_column(frame)
    records = frame.to_dict(orient="records")
    states = [r for r in records if r.get("actor_type", "state") != "bloc"]
    top = records[:TOP_BARS]
    model_label = str(frame["model"].iloc[0]) if len(frame) else model
    who = name_of(actor)
    verb = f"over {who}" if direction == "over" else f"of {who}"
    title = f"Leverage {verb} in {year} ({model_label})"
    intervals: dict[str, tuple[int, int, float]] = {}
    if sens is not None:
        for r in sens.to_dict(orient="records"):
            intervals[r["source"]] = (int(r["rank_low"]), int(r["rank_high"]), float(r["rank_median"]))
    leader = records[0] if records else None
    headline = ""
    if leader is not None:
        lead_name = name_of(leader[other])
        headline = (f"{lead_name} holds the most leverage {verb} ({num(leader['score'])}"
                    + (f", {percent(leader['share'])} of all outside leverage" if "share" in leader else "") + ")"
                    + (f": {leader['explanation']}." if leader.get("explanation") else "."))
    map_values = {r[other]: r["score"] for r in states}
    map_desc = (f"World map of each state's leverage {verb} in {year}. Darker means more leverage. "
                + "Strongest: " + ", ".join(f"{r[other]} {num(r['score'])}" for r in states[:5]) + "."
                if direction == "over" else
                f"World map of the leverage {who} holds over each state in {year}. Darker means more. "
                + "Strongest: " + ", ".join(f"{r[other]} {num(r['score'])}" for r in states[:5]) + ".")
    world = world_map(map_values, chart_id="map", title=f"Map: leverage {verb}, {year}", description=map_desc,
                      highlight=[actor], legend_label=f"leverage {verb.split(' (')[0]}"[:40])
    bars = stacked_bar_chart(
        [r[other] for r in top], {c: [r[c] for r in top] for c in channels}, chart_id="bars",
        title=f"The {len(top)} strongest, by channel", value_label=f"leverage score ({model_label})",
        description="Stacked bars: " + "; ".join(
            f"{r[other]} {num(r['score'])}" + (f" (mostly {str(r.get('main_channel')).replace('_', ' ')})"
                                                 if r.get("main_channel") else "") for r in top) + ".")
    rows = []
    page = "/leverage/of" if direction == "over" else "/leverage"
    param = "source" if direction == "over" else "target"
    for r in records[:TOP_TABLE]:
        interval = intervals.get(r[other]) if direction == "over" else None
        rows.append({
            "rank": r["rank"],
            other: Cell(r[other] + (" (bloc)" if r.get("actor_type") == "bloc" else ""),
                        href=url(page, **{param: r[other], "year": year, "model": model}),
                        sort=None),
            "score": Cell(num(r["score"]), note=data_note(r, year), sort=float(r["score"])),
            "share": percent(r.get("share")) if "share" in r else None,
            "interval": f"{interval[0]}–{interval[1]}" if interval else "",
            "why": r.get("explanation") or ", ".join(
                f"{c.replace('_', ' ')} {num(r[c])}" for c in sorted(channels, key=lambda c: -(r[c] or 0))[:3]
                if (r[c] or 0) > 0),
        })
    columns = [("rank", "Rank"), (other, other.capitalize()), ("score", "Score (data year)")]
    if "share" in frame.columns:
        columns.append(("share", "Share of outside leverage"))
    if direction == "over" and sens is not None:
        columns.append(("interval", "Rank range (95%, weights varied)"))
    columns.append(("why", "Why, in words"))
    table = data_table(columns, rows, caption=f"{title}: the {len(rows)} strongest of {len(records)}",
                       table_id="leverage-table")
    channel_rows = []
    for r in top:
        row = {other: r[other]}
        for c in channels:
            v = r[c]
            row[c] = Cell(num(v), note=channel_note(r[flags].get(c), r["data_years"].get(c)),
                          sort=float(v) if v is not None and not _nan(v) else None)
        channel_rows.append(row)
    channel_table = data_table([(other, other.capitalize())] + [(c, c.replace("_", " ")) for c in channels],
                               channel_rows, caption="Channel contributions (they add up to the score), "
                                                     "with each channel's data year or flag", table_id="channel-table")
    map_table = data_table([(other, "State"), ("score", "Score")],
                           [{other: name_of(r[other]), "score": Cell(num(r["score"]), note=data_note(r, year))}
                            for r in states], caption=f"Map data: leverage {verb} in {year}", table_id="map-table")
    return {"title": title, "headline": headline, "map": Markup(world), "bars": Markup(bars),
            "table": Markup(table), "channel_table": Markup(channel_table), "map_table": Markup(map_table),
            "count": len(records), "model_label": model_label}


# ---------------------------------------------------------------------------------------------- dyad

def dyad(frame: Any, *, model: str) -> dict[str, Any]:
    a, b = str(frame["source"].iloc[0]), str(frame["target"].iloc[0])
    channels = channel_columns(frame)
    ab = frame[frame["source"] == a].sort_values("year")
    ba = frame[frame["source"] == b].sort_values("year")
    years = [int(y) for y in ab["year"]]
    carried_ab = [bool(oy is not None and not _nan(oy) and int(oy) < y)
                  for oy, y in zip(ab.get("oldest_input_year", [None] * len(ab)), years)]
    carried_ba = [bool(oy is not None and not _nan(oy) and int(oy) < y)
                  for oy, y in zip(ba.get("oldest_input_year", [None] * len(ba)), years)]
    both = line_chart(years, {f"{a} over {b}": ab["score"].tolist(), f"{b} over {a}": ba["score"].tolist()},
                      dashed={f"{a} over {b}": carried_ab, f"{b} over {a}": carried_ba},
                      chart_id="dyad-lines", title=f"Leverage each way, {a} and {b}", y_label="leverage score",
                      description=f"Two lines over {years[0]}-{years[-1]}. {a} over {b}: from {num(ab['score'].iloc[0])} "
                                  f"to {num(ab['score'].iloc[-1])}. {b} over {a}: from {num(ba['score'].iloc[0])} "
                                  f"to {num(ba['score'].iloc[-1])}. Hollow points rest on data carried forward.",
                      y_min=0.0)
    used = [c for c in channels if (ab[c].fillna(0) > 0).any()]
    by_channel = line_chart(years, {c.replace("_", " "): ab[c].tolist() for c in used}, chart_id="dyad-channels",
                            title=f"{a} over {b}, by channel", y_label="contribution", y_min=0.0,
                            description=f"One line per channel of {a}'s leverage over {b}: "
                                        + ", ".join(f"{c.replace('_', ' ')} {num(ab[c].iloc[-1])} in {years[-1]}"
                                                    for c in used) + ".")
    rows = []
    for (_, x), (_, y) in zip(ab.iterrows(), ba.iterrows()):
        yr = int(x["year"])
        rows.append({"year": yr,
                     "ab": Cell(num(x["score"]), note=data_note(x.to_dict(), yr), sort=float(x["score"])),
                     "ba": Cell(num(y["score"]), note=data_note(y.to_dict(), yr), sort=float(y["score"])),
                     "main": str(x.get("main_channel") or "").replace("_", " ")})
    table = data_table([("year", "Year"), ("ab", f"{a} over {b}"), ("ba", f"{b} over {a}"),
                        ("main", f"Main channel of {a}")], rows,
                       caption=f"Leverage each way by year ({frame['model'].iloc[0]}), with data years",
                       table_id="dyad-table")
    channel_rows = [{"year": int(x["year"]), **{c: Cell(num(x[c]), note=channel_note(
        x[flags_column(frame)].get(c), x["data_years"].get(c))) for c in used}} for _, x in ab.iterrows()]
    channel_table = data_table([("year", "Year")] + [(c, c.replace("_", " ")) for c in used], channel_rows,
                               caption=f"{a} over {b}: channel contributions by year", table_id="dyad-channel-table")
    return {"a": a, "b": b, "lines": Markup(both), "channels": Markup(by_channel), "table": Markup(table),
            "channel_table": Markup(channel_table), "model_label": str(frame["model"].iloc[0])}


def _period_position(period: str, index: int) -> float:
    """A monthly period "YYYY-MM" as a fractional year for the time axis (its index otherwise)."""
    try:
        year, month = str(period)[:7].split("-")
        return int(year) + (int(month) - 1) / 12
    except ValueError:
        return float(index)


def events(frame: Any, alerts: Any | None, a: str, b: str) -> dict[str, Any]:
    """Cooperation and conflict per period from the event store."""
    rows = frame.to_dict(orient="records")
    periods = sorted({r["period"] for r in rows})
    index = {p: k for k, p in enumerate(periods)}
    series: dict[str, list[float | None]] = {}
    for direction in ((a, b), (b, a)):
        key = f"{direction[0]} to {direction[1]}"
        series[key] = [None] * len(periods)
        for r in rows:
            if (r["source"], r["target"]) == direction:
                series[key][index[r["period"]]] = r.get("coop_ratio")
    chart = line_chart([_period_position(p, k) for k, p in enumerate(periods)], series, chart_id="events",
                       title=f"Cooperation ratio, {a} and {b}", x_label="year (monthly periods)",
                       y_label="(coop - conflict) / (coop + conflict)",
                       description=f"Cooperation ratio per period from {periods[0]} to {periods[-1]}, each direction."
                       if periods else "No events.")
    table = data_table([("period", "Period"), ("source", "From"), ("target", "To"), ("events", "Events"),
                        ("coop_ratio", "Cooperation ratio"), ("goldstein_mean", "Goldstein mean")],
                       rows, caption="Event indices per period", table_id="events-table")
    alert_table = None
    if alerts is not None and len(alerts):
        alert_table = Markup(data_table(list(alerts.columns[:8]), alerts.head(20).to_dict(orient="records"),
                                        caption="Alerts: periods that depart from the trailing window",
                                        table_id="alerts-table"))
    return {"chart": Markup(chart), "table": Markup(table), "alerts": alert_table, "periods": len(periods)}


# ---------------------------------------------------------------------------------------------- brokers

def brokers(frame: Any, routes: Any | None, *, year: int) -> dict[str, Any]:
    principal, target = str(frame["principal"].iloc[0]), str(frame["target"].iloc[0])
    direct = float(frame["direct_leverage"].iloc[0])
    top = frame.head(10)
    diagram = broker_diagram(principal, target, list(zip(top["broker"], top["pull_from_principal"],
                                                          top["leverage_over_target"])), direct,
                             chart_id="broker-diagram", title=f"{principal} to {target} through brokers, {year}",
                             description=f"Diagram: {principal} on the left, {target} on the right, the "
                                         f"{len(top)} best brokers between. Direct leverage {num(direct)}. "
                                         + "; ".join(f"{b}: pull {num(p)}, leverage over {target} {num(lv)}"
                                                     for b, p, lv in zip(top["broker"], top["pull_from_principal"],
                                                                         top["leverage_over_target"])) + ".")
    rows = []
    for r in frame.head(TOP_TABLE).to_dict(orient="records"):
        flags = r.get("flags") or r.get("channel_flags") or {}
        carried = sorted({f for f in flags.values() if str(f).startswith("carried")})
        main = max(r["channels"].items(), key=lambda kv: kv[1]) if r["channels"] else ("", 0)
        note = f"{str(main[0]).replace('_', ' ')} {flags.get(main[0], '')}" if main[1] > 0 else ""
        rows.append({
            "rank": r["rank"],
            "broker": Cell(r["broker"], href=url("/incentives", principal=principal, broker=r["broker"], year=year)),
            "score": Cell(num(r["score"]), note=f"data {year}" + (f"; some inputs {carried[0]}" if carried else ""),
                          sort=float(r["score"])),
            "lev": Cell(num(r["leverage_over_target"]), note=note, sort=float(r["leverage_over_target"])),
            "pull": num(r["pull_from_principal"]),
            "align": num(r["alignment"]) if r.get("alignment") is not None else None,
        })
    table = data_table([("rank", "Rank"), ("broker", "Broker (what we could offer)"), ("score", "Broker score"),
                        ("lev", f"Broker's leverage over {target}"), ("pull", f"Pull of {principal} over broker"),
                        ("align", "UN alignment with principal")], rows,
                       caption=f"Brokers for {principal} over {target} in {year}: score = sqrt(pull x leverage)",
                       table_id="broker-table")
    out: dict[str, Any] = {"principal": principal, "target": target, "direct": direct, "diagram": Markup(diagram),
                           "table": Markup(table), "count": len(frame)}
    if routes is not None and len(routes):
        attrs = routes.attrs
        reach = bar_chart(["direct", "indirect (all routes)"], [attrs["direct"], attrs["indirect"]],
                          chart_id="reach", title=f"Direct against indirect reach of {principal} over {target}",
                          description=f"Direct leverage {num(attrs['direct'])}; indirect influence through all "
                                      f"routes of 2-{attrs['hops']} hops {num(attrs['indirect'])}.",
                          number_format="{:.4f}")
        out["reach"] = Markup(reach)
        out["reach_text"] = ("Indirect reach exceeds direct leverage." if attrs["indirect"] > attrs["direct"]
                             else "Direct leverage exceeds indirect reach.")
        out["routes"] = Markup(data_table(
            [("rank", "Rank"), ("path", "Route"), ("hops", "Hops"), ("strength", "Strength")],
            routes[["rank", "path", "hops", "strength"]].to_dict(orient="records"),
            caption=f"Strongest routes up to {attrs['hops']} hops (strength = product of leverages x "
                    f"{attrs['attenuation']:g} per extra hop)", table_id="routes-table", formats={"strength": "{:.5f}"}))
        out["direct_text"], out["indirect_text"] = num(attrs["direct"]), num(attrs["indirect"])
    return out


def incentives(frame: Any) -> dict[str, Any]:
    first = frame.iloc[0]
    top = frame.head(12)
    labels = [f"{r['lever']}" + (f" (from {r['third_party']})" if r["kind"] == "substitute" and
                                  isinstance(r["third_party"], str) else "") for _, r in top.iterrows()]
    chart = bar_chart(labels, top["marginal_pull"].tolist(), chart_id="levers",
                      title=f"What {first['principal']} could offer {first['broker']}",
                      description="Levers ranked by the gain in pull per unit: " + "; ".join(
                          f"{lab} {num(v)}" for lab, v in zip(labels, top["marginal_pull"])) + ".",
                      value_label="gain in pull per unit", number_format="{:.5f}", width=720)
    rows = [{"rank": r["rank"], "lever": r["lever"],
             "how": r["kind"] if r["kind"] != "substitute" else f"instead of {r['third_party']}",
             "unit": r["unit"], "gain": Cell(num(r["marginal_pull"]), sort=float(r["marginal_pull"])),
             "current": num(r["current"]) if r.get("current") is not None else None,
             "at_stake": num(r["at_stake"])} for r in frame.to_dict(orient="records")]
    table = data_table([("rank", "Rank"), ("lever", "Lever"), ("how", "How"), ("unit", "Per unit"),
                        ("gain", "Pull gain per unit"), ("current", "Current flow"), ("at_stake", "At stake")], rows,
                       caption=f"Levers of {first['principal']} over {first['broker']} in {first['year']} "
                               f"(pull now {num(first['pull'])})", table_id="incentives-table")
    return {"chart": Markup(chart), "table": Markup(table), "pull": num(first["pull"]),
            "principal": first["principal"], "broker": first["broker"]}


# ---------------------------------------------------------------------------------------------- what-if

def whatif(result: Any, *, target: str, principal: str) -> dict[str, Any]:
    # the strongest after the change, and the sources the change moved most (they may rank lower)
    moved = result.leverage["change"].abs().sort_values(ascending=False, kind="stable").head(5).index
    lev = result.leverage.loc[result.leverage.index[:12].union(moved, sort=False)]
    brk = result.brokers.head(10)
    labels = [str(s) for s in lev.iloc[:, 0]]
    lev_chart = bar_chart(labels, lev["after"].tolist(), chart_id="whatif-leverage",
                          intervals=[(min(b, a), max(b, a)) for b, a in zip(lev["before"], lev["after"])],
                          title=f"Leverage over {target}, after the change (whisker: from before to after)",
                          description="After the change: " + "; ".join(
                              f"{s} {num(a)} (before {num(b)})" for s, b, a in zip(labels, lev["before"], lev["after"]))
                          + ".")

    def table_of(frame: Any, key: str, caption: str, table_id: str) -> str:
        return data_table([(key, key.capitalize()), ("before", "Before"), ("after", "After"), ("change", "Change"),
                           ("rank_before", "Rank before"), ("rank_after", "Rank after")],
                          frame.to_dict(orient="records"), caption=caption, table_id=table_id,
                          formats={"change": "{:+.5f}", "before": "{:.5f}", "after": "{:.5f}",
                                   "rank_before": "{:.0f}", "rank_after": "{:.0f}"})

    changes = data_table(list(result.changes.columns), result.changes.to_dict(orient="records"),
                         caption="Changes applied to a copy of the panel (the bundled panel is not modified)",
                         table_id="changes-table", formats={"before": "{:,.1f}", "after": "{:,.1f}"})
    reach = data_table(list(result.paths.columns), result.paths.to_dict(orient="records"),
                       caption=f"Reach of {principal} over {target}, before and after", table_id="reach-table",
                       formats={"direct": "{:.5f}", "indirect": "{:.5f}"})
    return {"leverage_chart": Markup(lev_chart),
            "leverage_table": Markup(table_of(lev, "source", f"Leverage over {target}, before and after",
                                              "whatif-leverage-table")),
            "broker_table": Markup(table_of(brk, "broker", f"Brokers for {principal} over {target}, before and after",
                                            "whatif-broker-table")) if len(brk) else None,
            "changes": Markup(changes), "reach": Markup(reach), "notes": result.notes}


# ---------------------------------------------------------------------------------------------- network

def cow_region(iso3: str) -> str:
    """The COW region of a state from its COW code (Americas 2-165, Europe 200-399, Africa 402-626,
    Middle East 630-698, Asia 700-899, Oceania 900-999), for grouping only."""
    from suasion.actors import iso3_to_code

    code = iso3_to_code(iso3, "cown")
    if not isinstance(code, int):
        return "other"
    for upper, name in ((165, "Americas"), (399, "Europe"), (626, "Africa"), (698, "Middle East"), (899, "Asia"),
                        (999, "Oceania")):
        if code <= upper:
            return name
    return "other"


def strongest_ties(matrix: Any, members: Sequence[str] | None, top: int) -> list[tuple[str, str, float]]:
    """The ``top`` largest positive cells of a source x target score matrix, among ``members``."""
    stacked = matrix.stack()
    stacked = stacked[stacked > 0]
    if members:
        keep = set(members)
        stacked = stacked[[s in keep and t in keep for s, t in stacked.index]]
    stacked = stacked.sort_values(ascending=False, kind="stable").head(top)
    return [(str(s), str(t), float(v)) for (s, t), v in stacked.items()]


def network(matrix: Any, *, year: int, region: str | None, members: Sequence[str] | None, top: int
            ) -> dict[str, Any]:
    edges = strongest_ties(matrix, members, top)
    regions = {n: cow_region(n) for n in {e[0] for e in edges} | {e[1] for e in edges}}
    nodes = sorted(regions, key=lambda n: (regions[n], n))
    scope = f"in {region}" if region else "worldwide"
    chart = network_chart(nodes, edges, groups={n: regions.get(n, "other") for n in nodes}, chart_id="network",
                          title=f"The {len(edges)} strongest leverage ties {scope}, {year}",
                          description=f"{len(nodes)} states on a circle, grouped by region; arrows from the "
                                      f"holder of leverage to the state it can move. Strongest: "
                                      + "; ".join(f"{s} over {t} {num(v)}" for s, t, v in edges[:8]) + ".")
    rows = [{"source": Cell(s, href=url("/leverage/of", source=s, year=year)),
             "target": Cell(t, href=url("/leverage", target=t, year=year)), "score": v,
             "dyad": Cell("both ways", href=url("/dyad", a=s, b=t))} for s, t, v in edges]
    table = data_table([("source", "Holder"), ("target", "Over"), ("score", "Leverage"), ("dyad", "Over time")], rows,
                       caption=f"Strongest leverage ties {scope} in {year}", table_id="network-table")
    return {"chart": Markup(chart), "table": Markup(table), "edges": len(edges), "nodes": len(nodes)}
