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
    """The SVG charts of the brief, keyed by name (empty string when there is nothing to draw)."""
    from suasion.brief import _charts_placeholder as ch
    from suasion.brief.gather import TOP_MOVERS

    out: dict[str, str] = {}
    if data.movers is not None and not data.movers.empty:
        top = data.movers.head(COUNTRY_MOVERS if data.kind == "country" else TOP_MOVERS)
        channels = [c for c in top["data_years"].iloc[0] if (top[c] > 0).any()]
        out["movers"] = ch.stacked_bars([(str(r["source"]), {c: float(r[c]) for c in channels})
                                         for _, r in top.iterrows()], channels)
    if data.history is not None and not data.history.empty:
        series = {}
        for (s, t), rows in data.history.groupby(["source", "target"], sort=True):
            series[f"{s}→{t}"] = [(float(y), float(v)) for y, v in zip(rows["year"], rows["score"])]
        out["history"] = ch.lines(series)
    if data.trends is not None and not data.trends.empty:
        series = {str(s): [(float(y), float(v)) for y, v in zip(rows["year"], rows["score"])]
                  for s, rows in data.trends.groupby("source", sort=True)}
        out["trends"] = ch.lines(series)
    if data.events is not None and data.events.series:
        series = {}
        for other, frame in sorted(data.events.series.items()):
            if len(frame):
                series[other] = [(float(i), float(v)) for i, v in enumerate(frame["events"])]
        out["events"] = ch.lines(series) if series else ""
    return out


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
