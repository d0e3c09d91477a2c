"""CSV and JSON of the data each page shows, at ``/api/...`` with the page's own filters.

The JSON has the shape the CLI prints with ``--format json`` for the same command; the CSV is
the CLI's ``--format csv``. Errors are ``{"error", "detail"}`` with a 4xx status.
"""

from __future__ import annotations

import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from suasion.web import params, queries
from suasion.web.routes import inputs

router = APIRouter(prefix="/api", tags=["data"])

Text = Annotated[str | None, Query(max_length=4000)]
Format = Annotated[str | None, Query(description="json (default) or csv")]


def _json(payload: Any, name: str) -> Response:
    from suasion._output import _jsonable

    body = json.dumps(_jsonable(payload), indent=1, default=str)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'inline; filename="{name}.json"'})


def _csv(frame: Any, name: str) -> Response:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return Response(buffer.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _leverage(frame: Any, fmt: str, name: str) -> Response:
    from suasion.leverage.cli import channel_columns, records

    if fmt == "json":
        return _json(records(frame), name)
    flags = "channel_flags" if "channel_flags" in frame.columns else "flags"
    flat = frame.drop(columns=[flags, "data_years"])
    for c in channel_columns(frame):
        if c in (flags, "data_years"):
            continue
        flat[f"{c}_flag"] = [f[c] for f in frame[flags]]
    return _csv(flat, name)


@router.get("/leverage/over", summary="Who holds leverage over a target (the leverage page)")
def leverage_over(target: Text = None, year: Text = None, model: Text = None, format: Format = None) -> Response:
    q = inputs.one(target, year, model, "target")
    return _leverage(queries.leverage_over(q.actor, q.year, q.model), params.output_format(format),
                     f"leverage_over_{q.actor}_{q.year}")


@router.get("/leverage/of", summary="Whom a source can move (the reverse leverage page)")
def leverage_of(source: Text = None, year: Text = None, model: Text = None, format: Format = None) -> Response:
    q = inputs.one(source, year, model, "source")
    return _leverage(queries.leverage_of(q.actor, q.year, q.model), params.output_format(format),
                     f"leverage_of_{q.actor}_{q.year}")


@router.get("/leverage/sensitivity", summary="Rank intervals over a target when channel weights vary")
def sensitivity(target: Text = None, year: Text = None, model: Text = None, format: Format = None) -> Response:
    q = inputs.one(target, year, model, "target")
    frame = queries.sensitivity(q.actor, q.year, q.model)
    fmt, name = params.output_format(format), f"sensitivity_{q.actor}_{q.year}"
    return _json(frame.to_dict(orient="records"), name) if fmt == "json" else _csv(frame, name)


@router.get("/dyad", summary="Leverage each way between two actors in every year (the dyad page)")
def dyad(a: Text = None, b: Text = None, model: Text = None, format: Format = None) -> Response:
    code_a, code_b, m = inputs.dyad(a, b, model)
    frame = queries.dyad_history(code_a, code_b, m)
    fmt, name = params.output_format(format), f"dyad_{code_a}_{code_b}"
    if fmt == "json":
        from suasion.leverage.cli import records

        return _json(records(frame), name)
    flags = "channel_flags" if "channel_flags" in frame.columns else "flags"
    return _csv(frame.drop(columns=[flags, "data_years"]), name)


@router.get("/brokers", summary="Brokers between a principal and a target (the broker page)")
def brokers(principal: Text = None, target: Text = None, year: Text = None, format: Format = None) -> Response:
    q = inputs.pair(principal, target, year, ("principal", "target"))
    frame = queries.brokers(q.first, q.second, q.year)
    fmt, name = params.output_format(format), f"brokers_{q.first}_{q.second}_{q.year}"
    if fmt == "json":
        return _json(frame.to_dict(orient="records"), name)
    flat = frame.drop(columns=["channels", "flags"])
    for c in frame["channels"].iloc[0]:
        flat[c] = [ch[c] for ch in frame["channels"]]
    return _csv(flat, name)


@router.get("/paths", summary="Routes of leverage from a principal to a target, direct and indirect reach")
def paths(principal: Text = None, target: Text = None, year: Text = None, hops: Text = None,
          format: Format = None) -> Response:
    q = inputs.pair(principal, target, year, ("principal", "target"))
    k = inputs.hops(hops)
    frame = queries.paths(q.first, q.second, q.year, k)
    fmt, name = params.output_format(format), f"paths_{q.first}_{q.second}_{q.year}"
    if fmt == "json":
        attrs = frame.attrs
        return _json({"principal": q.first, "target": q.second, "year": q.year, "hops": k,
                      "attenuation": attrs["attenuation"], "direct": attrs["direct"], "indirect": attrs["indirect"],
                      "by_first_broker": attrs["top_via"],
                      "routes": frame.drop(columns=["principal", "target", "year"]).to_dict(orient="records")}, name)
    return _csv(frame.assign(leverages=[";".join(f"{x:.6f}" for x in v) for v in frame["leverages"]]), name)


@router.get("/incentives", summary="What a principal could offer a broker (the incentives page)")
def incentives(principal: Text = None, broker: Text = None, year: Text = None, format: Format = None) -> Response:
    q = inputs.pair(principal, broker, year, ("principal", "broker"))
    frame = queries.incentives(q.first, q.second, q.year)
    fmt, name = params.output_format(format), f"incentives_{q.first}_{q.second}_{q.year}"
    return _json(frame.to_dict(orient="records"), name) if fmt == "json" else _csv(frame, name)


@router.get("/whatif", summary="Leverage, brokers and reach before and after changes (the what-if page)")
def whatif(principal: Text = None, target: Text = None, year: Text = None, changes: Text = None,
           format: Format = None) -> Response:
    import pandas as pd

    q = inputs.pair(principal, target, year, ("principal", "target"))
    result = queries.whatif(q.first, q.second, inputs.changes(changes), q.year)
    fmt, name = params.output_format(format), f"whatif_{q.first}_{q.second}_{q.year}"
    if fmt == "json":
        return _json({"changes": result.changes.to_dict(orient="records"),
                      "leverage_over_target": result.leverage.to_dict(orient="records"),
                      "brokers": result.brokers.to_dict(orient="records"),
                      "paths": result.paths.to_dict(orient="records"), "notes": result.notes}, name)
    return _csv(pd.concat([result.leverage.assign(table="leverage_over_target").rename(columns={"source": "actor"}),
                           result.brokers.assign(table="brokers").rename(columns={"broker": "actor"})]), name)


@router.get("/network", summary="The strongest leverage ties of a year, worldwide or within a bloc")
def network(year: Text = None, model: Text = None, region: Text = None, top: Text = None,
            format: Format = None) -> Response:
    import pandas as pd

    y, m, bloc, members, n = inputs.network(year, model, region, top)
    stacked = queries.matrix(y, m).stack()
    stacked = stacked[stacked > 0]
    if members:
        keep = set(members)
        stacked = stacked[[s in keep and t in keep for s, t in stacked.index]]
    stacked = stacked.sort_values(ascending=False, kind="stable").head(n)
    frame = pd.DataFrame([{"source": s, "target": t, "year": y, "score": float(v)} for (s, t), v in stacked.items()],
                         columns=["source", "target", "year", "score"])
    fmt, name = params.output_format(format), f"network_{bloc or 'world'}_{y}"
    return _json(frame.to_dict(orient="records"), name) if fmt == "json" else _csv(frame, name)


@router.get("/data/sources", summary="Coverage of every channel of the panel (the data page)")
def sources(format: Format = None) -> Response:
    frame = queries.data_sources()
    fmt = params.output_format(format)
    return _json(frame.to_dict(orient="records"), "sources") if fmt == "json" else _csv(frame, "sources")


@router.get("/data/channels", summary="Bundled and user channels: unit, source, scale, weight")
def channels(format: Format = None) -> Response:
    frame = queries.channels()
    fmt = params.output_format(format)
    return _json(frame.to_dict(orient="records"), "channels") if fmt == "json" else _csv(frame, "channels")


@router.get("/actors", summary="States and blocs whose name or code matches q (for the search boxes)")
def actors(q: Text = None) -> Response:
    from suasion.web.routes.common import actor_options

    text = (params.text(q, "q", limit=60) or "").lower()
    hits = [{"code": code, "label": label} for code, label in actor_options() if text in label.lower()][:20]
    return _json(hits, "actors")
