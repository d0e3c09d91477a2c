"""Rendering a brief: Jinja2 templates to self-contained HTML (inline CSS and SVG) and Markdown, and
WeasyPrint for PDF from the same HTML.

The templates lay out what :mod:`suasion.brief.gather` fetched and :mod:`suasion.brief.facts`
wrote; they compute nothing. Output is deterministic: no clock, no random ids, stable ordering,
so the same inputs (and ``--date``) give byte-identical HTML.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING, Any

from suasion.brief import facts, formats

if TYPE_CHECKING:
    import jinja2

    from suasion.brief.gather import BriefData


@functools.cache
def environment(markdown: bool = False) -> jinja2.Environment:
    """The Jinja2 environment of the brief templates (HTML autoescaped, Markdown not)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("suasion.brief", "templates"),
        autoescape=not markdown,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update({
        "score": formats.score, "signed": formats.signed, "percent": formats.percent,
        "amount": formats.amount, "ratio": formats.ratio, "ordinal": formats.ordinal,
        "name": facts._name, "channel": facts.channel_label, "possessive": facts.possessive,
        "cell": _markdown_cell,
    })
    return env


def _markdown_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


@functools.cache
def stylesheet() -> str:
    return resources.files("suasion.brief").joinpath("templates/brief.css").read_text(encoding="utf-8")


COUNTRY_MOVERS = 5


def charts(data: BriefData) -> dict[str, str]:
    """The SVG charts of the brief, keyed by name (absent when there is nothing to draw), drawn by
    :mod:`suasion.charts`, the chart code of the web workbench."""
    from suasion import charts as ch
    from suasion.brief.gather import TOP_BROKERS, TOP_MOVERS

    num = formats.score           # numbers in the text alternatives as the tables show them
    out: dict[str, str] = {}
    if data.movers is not None and not data.movers.empty:
        top = data.movers.head(COUNTRY_MOVERS if data.kind == "country" else TOP_MOVERS)
        channels = [c for c in top["data_years"].iloc[0] if (top[c] > 0).any()]
        labels = [str(s) for s in top["source"]]
        out["movers"] = ch.stacked_bar_chart(
            labels, {facts.channel_label(c): [float(v) for v in top[c]] for c in channels}, chart_id="movers",
            title=f"Leverage over {data.target} in {data.year}, by channel", value_label=f"leverage ({data.model})",
            highlight=[data.principal] if data.principal in labels else (),
            description="Stacked bars: " + "; ".join(f"{s} {num(v)}" for s, v in zip(labels, top["score"])) + ".")
    if data.kind != "meeting" and data.movers is not None and not data.movers.empty:
        states = data.movers[data.movers["actor_type"] != "bloc"] if "actor_type" in data.movers else data.movers
        out["map"] = ch.world_map(
            {str(s): float(v) for s, v in zip(states["source"], states["score"])}, chart_id="map",
            title=f"Map: leverage over {data.target}, {data.year}", highlight=[data.target],
            legend_label=f"leverage over {data.target}",
            description=f"World map of each state's leverage over {data.target} in {data.year}; darker is more. "
                        "Strongest: " + ", ".join(f"{s} {num(v)}" for s, v in
                                                  zip(states["source"].head(5), states["score"].head(5))) + ".")
    if data.kind == "minister" and data.history is not None and not data.history.empty and data.principal:
        out["history"] = _both_ways(data.history, data.principal, data.target)
    if data.kind == "minister" and data.brokers is not None and not data.brokers.empty and data.principal:
        top = data.brokers.head(TOP_BROKERS)
        route = list(zip((str(b) for b in top["broker"]), (float(v) for v in top["pull_from_principal"]),
                         (float(v) for v in top["leverage_over_target"])))
        direct = float(top["direct_leverage"].iloc[0])
        out["brokers"] = ch.broker_diagram(
            data.principal, data.target, route, direct, chart_id="broker-diagram", number_format="{:.3g}",
            title=f"{data.principal} to {data.target} through brokers, {data.year}",
            description=f"{data.principal} on the left, {data.target} on the right, the {len(route)} best brokers "
                        f"between. Direct leverage {num(direct)}. "
                        + "; ".join(f"{b}: pull {num(p)}, leverage over {data.target} {num(v)}" for b, p, v in route)
                        + ".")
    if data.trends is not None and not data.trends.empty:
        years = sorted({int(y) for y in data.trends["year"]})
        scores = {(str(r["source"]), int(r["year"])): float(r["score"]) for r in data.trends.to_dict("records")}
        sources = list(dict.fromkeys(str(s) for s in data.trends["source"]))
        out["trends"] = ch.line_chart(
            years, {s: [scores.get((s, y)) for y in years] for s in sources}, chart_id="trends",
            title=f"Leverage over {data.target}, {years[0]}–{years[-1]}", y_label="leverage", y_min=0.0,
            description=f"One line per source of leverage over {data.target}: " + "; ".join(
                f"{s} {num(scores[(s, years[-1])])} in {years[-1]}" for s in sources if (s, years[-1]) in scores)
            + ".")
    if data.events is not None and data.events.series:
        months: list[str] = sorted({str(m) for frame in data.events.series.values() if len(frame)
                                    for m in frame["period"]})
        if months:
            series = {}
            for other, frame in sorted(data.events.series.items()):
                counts = {str(m): float(v) for m, v in zip(frame["period"], frame["events"])}
                series[f"{data.events.focus}–{other}"] = [counts.get(m, 0.0) for m in months]
            out["events"] = ch.line_chart(
                list(range(1, len(months) + 1)), series, chart_id="events", y_min=0.0,
                title=f"Events per month with {data.events.focus}", y_label="events",
                x_label=f"month ({months[0]} to {months[-1]})", number_format="{:.0f}",
                description="Events per month, " + "; ".join(
                    f"{k}: {int(sum(v))} in all" for k, v in series.items()) + ".")
    return out


def _both_ways(history: Any, a: str, b: str) -> str:
    """Leverage of ``a`` over ``b`` and of ``b`` over ``a`` per year (a :func:`suasion.dyad_history` frame)."""
    from suasion import charts as ch

    num = formats.score
    rows = history_rows(history, a, b)
    years = [y for y, _, _ in rows]
    ab, ba = [f for _, f, _ in rows], [r for _, _, r in rows]
    return ch.line_chart(years, {f"{a} over {b}": ab, f"{b} over {a}": ba}, chart_id="history", y_min=0.0,
                         title=f"Leverage each way, {a} and {b}", y_label="leverage",
                         description=f"Two lines over {years[0]}–{years[-1]}: {a} over {b} {num(ab[-1])} "
                                     f"and {b} over {a} {num(ba[-1])} in {years[-1]}.")


def context(data: BriefData, marking: str, command: str, version: str, bottom_line: list[facts.Statement],
            key_points: list[facts.Statement]) -> dict[str, Any]:
    """Everything the templates use."""
    from suasion.brief.gather import FORECAST_LEVEL, MENU_LEVERS, best_levers

    return {
        "d": data,
        "marking": marking,
        "command": command,
        "version": version,
        "issue": facts.issue(data),
        "bottom_line": bottom_line,
        "key_points": key_points,
        "charts": charts(data),
        "best_levers": best_levers,
        "top_channels": facts.top_channels,
        "channel_values": facts.channel_values,
        "lever_phrase": facts.lever_phrase,
        "forecast_level": formats.percent(FORECAST_LEVEL),
        "caveats": caveats(data),
        "css": stylesheet(),
        "sens": _index(data.sensitivity, "source"),
        "history_rows": history_rows,
        "forecast_rows": forecast_rows,
        "principal_is_bloc": facts.is_bloc_code(data.principal),
        "objectives": facts.meeting_objectives(data) if data.kind == "meeting" else [],
        "background": facts.meeting_background(data) if data.kind == "meeting" else [],
        "menu_levers": MENU_LEVERS,
        "country_movers": COUNTRY_MOVERS,
        "broker_mover": facts.row_of(data.movers, "source", data.broker) if data.broker else None,
        "broker_row": facts.row_of(data.brokers, "broker", data.broker) if data.broker else None,
        "broker_channels": broker_channels(data),
        **trend_table(data),
    }


def history_rows(history: Any, a: str, b: str) -> list[tuple[int, float | None, float | None]]:
    """(year, L(a→b), L(b→a)) per year of a :func:`suasion.dyad_history` frame."""
    if history is None:
        return []
    scores = {(int(r["year"]), str(r["source"])): float(r["score"]) for r in history.to_dict("records")}
    years = sorted({y for y, _ in scores})
    return [(y, scores.get((y, a)), scores.get((y, b))) for y in years]


def forecast_rows(data: BriefData) -> tuple[list[str], list[tuple[dict[str, Any], dict[str, float]]]]:
    """The scenario actors among principal, broker and target, and per issue the forecast row with
    their positions."""
    if data.forecast is None or data.positions is None:
        return [], []
    present = set(data.positions["actor"])
    actors = [a for a in dict.fromkeys([data.principal, data.broker, data.target]) if a and a in present]
    positions = {(str(r["actor"]), str(r["issue"])): float(r["position"]) for r in data.positions.to_dict("records")}
    rows = [(r, {a: positions[(a, r["issue"])] for a in actors if (a, r["issue"]) in positions})
            for r in data.forecast.to_dict("records")]
    return actors, rows


def broker_channels(data: BriefData) -> list[tuple[str, float, str]]:
    """(channel, contribution, input basis) of the broker's leverage over the target, largest first."""
    from suasion.brief.estimative import evidence_basis

    row = facts.row_of(data.movers, "source", data.broker) if data.broker else None
    if row is None:
        return []
    values = facts.channel_values(row)
    return [(c, v, evidence_basis(row["data_years"].get(c), data.year))
            for c, v in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])) if v > 0]


def trend_table(data: BriefData) -> dict[str, Any]:
    """Years and, per source, its leverage over the target in each year (country brief)."""
    if data.trends is None or data.trends.empty:
        return {"trend_years": [], "trend_rows": []}
    years = sorted({int(y) for y in data.trends["year"]})
    scores = {(str(r["source"]), int(r["year"])): float(r["score"]) for r in data.trends.to_dict("records")}
    sources = list(dict.fromkeys(str(s) for s in data.trends["source"]))
    return {"trend_years": years, "trend_rows": [(s, [scores.get((s, y)) for y in years]) for s in sources]}


def _index(frame: Any, column: str) -> dict[str, dict[str, Any]]:
    if frame is None:
        return {}
    return {str(r[column]): r for r in frame.to_dict("records")}


def caveats(data: BriefData) -> list[str]:
    """Data caveats drawn from the inputs of the rows shown: channels carried forward, and how far."""
    from suasion.brief.gather import TOP_MOVERS

    out = []
    if data.movers is not None and not data.movers.empty:
        carried: dict[str, set[int]] = {}
        missing: set[str] = set()
        for years in data.movers.head(TOP_MOVERS)["data_years"]:
            for channel, y in years.items():
                if y is None:
                    missing.add(channel)
                elif int(y) < data.year:
                    carried.setdefault(channel, set()).add(int(y))
        if carried:
            out.append("Carried forward in the leading sources: " + "; ".join(
                f"{facts.channel_label(c)} from {', '.join(str(y) for y in sorted(ys))}"
                for c, ys in sorted(carried.items())) + ".")
        if missing:
            out.append("Missing for some leading sources: " + ", ".join(
                facts.channel_label(c) for c in sorted(missing)) + ".")
    out.append(f"Scores are {data.model} estimates of structural leverage from flows and ties in "
               f"{data.year}; they do not measure the will to use it.")
    return out


def html(ctx: dict[str, Any]) -> str:
    """The brief as one self-contained HTML page (``ctx`` from :func:`context`)."""
    return environment().get_template(f"{ctx['d'].kind}.html.j2").render(ctx)


def markdown(ctx: dict[str, Any]) -> str:
    """The brief as Markdown (tables, no charts)."""
    return environment(markdown=True).get_template(f"{ctx['d'].kind}.md.j2").render(ctx)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"a brief loads nothing from outside; refused {url!r}")


def pdf(html_text: str) -> bytes:
    """The PDF of ``html_text`` (WeasyPrint; A4 pages, markings in the page margins)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html_text, base_url=None, url_fetcher=_no_fetch).write_pdf()
