"""Page 6: the negotiation lab. Read a scenario (any format :func:`suasion.read_scenario` reads),
forecast it with every model (Monte Carlo intervals), draw each issue's positions sized by
capability x salience with the forecasts as markers, and list the exchanges open to one actor.

``GET /negotiation`` works on the bundled illustrative scenario (its filters in the URL);
``POST /negotiation`` takes an uploaded file or edited text.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from starlette.datastructures import UploadFile

from suasion.web import params, queries
from suasion.web.routes.common import page

router = APIRouter(include_in_schema=False)

FORMATS = ("", "csv", "yaml", "deu", "ktab", "ktab-xml", "decide")
SUFFIX = {"csv": "csv", "yaml": "yaml", "deu": "txt", "ktab": "csv", "ktab-xml": "xml", "decide": "txt"}
MAX_RUNS = 200
BASELINE = "compromise"


def _result(text: str, name: str, fmt: str | None, runs: int, actor: str | None) -> dict[str, Any]:
    from suasion.charts import data_table, dot_plot

    scen = queries.scenario(text, name, fmt)
    table = queries.forecasts(text, name, fmt, runs)
    issues = []
    for k, issue in enumerate(scen.issues[:12]):
        rows = table[table["issue"] == issue]
        markers = {r["model"]: float(r["forecast"]) for r in rows.to_dict(orient="records")}
        # one shaded band (the baseline model's) keeps the chart readable; the table has every interval
        intervals = ({r["model"]: (float(r["low"]), float(r["high"])) for r in rows.to_dict(orient="records")
                      if r["model"] == BASELINE} if "low" in rows.columns else None)
        present = [a for a in range(scen.n_actors) if scen.participates[a, k]]
        labels = [scen.actors[a] for a in present]
        weight = [float(scen.capability[a, k] * scen.salience[a, k]) for a in present]
        lo, hi = (float(scen.scale[k, 0]), float(scen.scale[k, 1]))
        chart = dot_plot(labels, [float(scen.position[a, k]) for a in present], weights=weight, scale=(lo, hi),
                         markers=markers, intervals=intervals, chart_id=f"issue-{k}", title=f"Issue: {issue}",
                         x_label="position on the issue's scale",
                         description=f"Positions of {len(labels)} actors on {issue} ({lo:g} to {hi:g}), dots sized "
                                     f"by capability x salience. Forecasts: "
                                     + ", ".join(f"{m} {v:.1f}" for m, v in markers.items()) + ".")
        positions = data_table([("actor", "Actor"), ("position", "Position"), ("weight", "Capability x salience")],
                               [{"actor": a, "position": float(scen.position[scen.actors.index(a), k]), "weight": w}
                                for a, w in zip(labels, weight)],
                               caption=f"Positions on {issue}", table_id=f"positions-{k}",
                               formats={"position": "{:.1f}", "weight": "{:.3g}"})
        issues.append({"name": issue, "chart": Markup(chart), "table": Markup(positions)})
    cols = [c for c in ("issue", "model", "forecast", "low", "high", "sd", "runs") if c in table.columns]
    forecasts = data_table(cols, table[cols].to_dict(orient="records"), caption="Forecast per issue and model"
                           + (f" (90% interval over {runs} noisy runs)" if runs else ""),
                           table_id="forecast-table", formats={"forecast": "{:.1f}", "low": "{:.1f}", "high": "{:.1f}",
                                                               "sd": "{:.2f}"})
    out: dict[str, Any] = {"name": scen.name, "description": scen.description, "actors": list(scen.actors),
                           "issues": issues, "forecasts": Markup(forecasts), "n_issues": scen.n_issues}
    if actor:
        scen.actor_index(actor)
        offers = queries.exchanges(text, name, fmt, actor)
        out["exchanges"] = Markup(data_table(list(offers.columns), offers.head(20).to_dict(orient="records"),
                                             caption=f"Exchanges open to {actor}, best first for {actor}",
                                             table_id="exchange-table", number_format="{:.2f}"))
    return out


@router.get("/negotiation", response_class=HTMLResponse)
def example(request: Request, runs: str | None = None, actor: str | None = None) -> HTMLResponse:
    form = {"runs": runs or "50", "actor": actor or "", "text": queries.example_scenario_text(), "format": ""}

    def build() -> dict[str, Any]:
        n = params.integer(runs, "runs", low=0, high=MAX_RUNS, default=50)
        who = params.text(actor, "actor", limit=60)
        return _result(form["text"], queries.EXAMPLE_SCENARIO, None, n, who)

    return page(request, "negotiation.html", form, build, formats=FORMATS, example=True)


@router.post("/negotiation", response_class=HTMLResponse)
async def upload(request: Request) -> HTMLResponse:
    from fastapi.concurrency import run_in_threadpool

    data = await request.form()
    file = data.get("file")
    text = str(data.get("text") or "")
    name = "scenario.yaml"
    error = None
    if isinstance(file, UploadFile) and file.filename:
        raw = await file.read(queries.MAX_SCENARIO_BYTES + 1)
        if len(raw) > queries.MAX_SCENARIO_BYTES:
            error = f"file: larger than {queries.MAX_SCENARIO_BYTES:,} bytes"
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                error = f"file {file.filename}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            suffix = "".join(ch for ch in (file.filename.rsplit(".", 1)[-1] if "." in file.filename else "yaml")
                             if ch.isalnum())[:8] or "txt"
            name = f"scenario.{suffix}"
    form = {"runs": str(data.get("runs") or "50"), "actor": str(data.get("actor") or ""), "text": text,
            "format": str(data.get("format") or "")}

    def build() -> dict[str, Any]:
        if error:
            raise params.FormError("file", error.split(": ", 1)[-1])
        n = params.integer(form["runs"], "runs", low=0, high=MAX_RUNS, default=50)
        who = params.text(form["actor"], "actor", limit=60)
        fmt = params.choice(form["format"], "format", FORMATS, "") or None
        body = params.text(text, "text", required=True, limit=queries.MAX_SCENARIO_BYTES)
        return _result(body, f"scenario.{SUFFIX[fmt]}" if fmt else name, fmt, n, who)

    return await run_in_threadpool(page, request, "negotiation.html", form, build, formats=FORMATS, example=False)
