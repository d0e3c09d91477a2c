"""Page 9 (home: the questions in words) and page 8 (data: sources, coverage, channels, licences)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from suasion.web import queries
from suasion.web.routes.common import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    from suasion.web.params import MODELS

    return page(request, "home.html", {}, lambda: {"default_year": queries.default_year("suasion")},
                models=MODELS)


@router.get("/data", response_class=HTMLResponse)
def data(request: Request) -> HTMLResponse:
    from markupsafe import Markup

    from suasion.charts import data_table
    from suasion.web.views import percent

    def build() -> dict[str, Any]:
        sources = queries.data_sources()
        rows = [{**r, "share_observed": percent(r["share_observed"]),
                 "share_carried_forward": percent(r["share_carried_forward"]),
                 "share_missing": percent(r["share_missing"])} for r in sources.to_dict(orient="records")]
        coverage = data_table([("channel", "Channel"), ("kind", "Kind"), ("unit", "Unit"), ("source", "Source"),
                               ("first_observed", "First observed"), ("last_observed", "Last observed"),
                               ("share_observed", "Observed"), ("share_carried_forward", "Carried forward"),
                               ("share_missing", "Missing")], rows,
                              caption="Coverage of every channel over the panel's dyad-years (state-years for "
                                      "monadic variables)", table_id="sources-table")
        channels = queries.channels()
        mine = channels[channels["user"]] if "user" in channels.columns else channels.iloc[0:0]
        channel_table = data_table(list(channels.columns), channels.to_dict(orient="records"),
                                   caption="Channels: bundled and your own", table_id="channels-table")
        notice = resources.files("suasion.data").joinpath("NOTICE").read_text(encoding="utf-8")
        manifest = json.loads(resources.files("suasion.web").joinpath("static/vendor/MANIFEST.json").read_text())
        assets = data_table([("file", "File"), ("package", "npm package"), ("version", "Version"),
                             ("licence", "Licence"), ("sha256", "SHA-256")],
                            [{"file": k, **v} for k, v in sorted(manifest.items())],
                            caption="Vendored web assets (checked against this manifest by the tests)",
                            table_id="assets-table")
        first, last = queries.panel_years()
        return {"coverage": Markup(coverage), "channels": Markup(channel_table), "user_channels": len(mine),
                "notice": notice, "assets": Markup(assets), "first": first, "last": last}

    return page(request, "data.html", {}, build)
