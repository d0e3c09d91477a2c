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
from suasion.web.queries import kept
from suasion.web.routes import inputs

router = APIRouter(prefix="/api", tags=["data"])

Text = Annotated[str | None, Query(max_length=4000)]
Format = Annotated[str | None, Query(description="json (default) or csv")]


def _json(payload: Any, name: str) -> Response:
    from suasion._output import _jsonable

    body = json.dumps(_jsonable(payload), indent=1, default=str)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'inline; filename="{name}.json"'})


def kept_body(function: Any) -> Any:
    """Keep a download's bytes (like the API results, per arguments and panel); each request gets
    a new Response built from them."""
    body = kept(lambda *args: _parts(function(*args)))
    body.__name__ = function.__name__

    def respond(*args: Any) -> Response:
        content, media, disposition = body(*args)
        return Response(content, media_type=media, headers={"Content-Disposition": disposition})

    return respond


def _parts(response: Response) -> tuple[bytes, str, str]:
    return response.body, response.media_type, response.headers["content-disposition"]


@kept_body
def _leverage_body(direction: str, actor: str, year: int, model: str, fmt: str) -> Response:
    frame = (queries.leverage_over if direction == "over" else queries.leverage_of)(actor, year, model)
    return _leverage(frame, fmt, f"leverage_{direction}_{actor}_{year}")


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
    return _leverage_body("over", q.actor, q.year, q.model, params.output_format(format))


@router.get("/leverage/of", summary="Whom a source can move (the reverse leverage page)")
def leverage_of(source: Text = None, year: Text = None, model: Text = None, format: Format = None) -> Response:
    q = inputs.one(source, year, model, "source")
    return _leverage_body("of", q.actor, q.year, q.model, params.output_format(format))


@router.get("/leverage/sensitivity", summary="Rank intervals over a target when channel weights vary")
def sensitivity(target: Text = None, year: Text = None, model: Text = None, format: Format = None) -> Response:
    q = inputs.one(target, year, model, "target")
    frame = queries.sensitivity(q.actor, q.year, q.model)
    fmt, name = params.output_format(format), f"sensitivity_{q.actor}_{q.year}"
    return _json(frame.to_dict(orient="records"), name) if fmt == "json" else _csv(frame, name)


@router.get("/dyad", summary="Leverage each way between two actors in every year (the dyad page)")
def dyad(a: Text = None, b: Text = None, model: Text = None, format: Format = None) -> Response:
    code_a, code_b, m = inputs.dyad(a, b, model)
    return _dyad_body(code_a, code_b, m, params.output_format(format))


@kept_body
def _dyad_body(code_a: str, code_b: str, m: str, fmt: str) -> Response:
    frame = queries.dyad_history(code_a, code_b, m)
    name = f"dyad_{code_a}_{code_b}"
    if fmt == "json":
        from suasion.leverage.cli import records

        return _json(records(frame), name)
    flags = "channel_flags" if "channel_flags" in frame.columns else "flags"
    return _csv(frame.drop(columns=[flags, "data_years"]), name)


@router.get("/brokers", summary="Brokers between a principal and a target (the broker page)")
def brokers(principal: Text = None, target: Text = None, year: Text = None, format: Format = None) -> Response:
    q = inputs.pair(principal, target, year, ("principal", "target"))
    return _brokers_body(q.first, q.second, q.year, params.output_format(format))


@kept_body
def _brokers_body(principal: str, target: str, year: int, fmt: str) -> Response:
    frame = queries.brokers(principal, target, year)
    name = f"brokers_{principal}_{target}_{year}"
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

    from suasion.web.views import strongest_ties

    y, m, bloc, members, n = inputs.network(year, model, region, top)
    frame = pd.DataFrame([{"source": s, "target": t, "year": y, "score": v}
                          for s, t, v in strongest_ties(queries.matrix(y, m), members, n)],
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
