"""Pages 1-5: leverage over / of, dyad, brokers and incentives, what-if, network."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from suasion.errors import SuasionError
from suasion.web import queries, views
from suasion.web.queries import kept
from suasion.web.routes import inputs
from suasion.web.routes.common import page, year_links

router = APIRouter(include_in_schema=False)


# Views are kept like the API results they are drawn from (same key, same panel): drawing a map
# and tables of 200 rows costs more than serving them again.

@kept
def leverage_view(actor: str, year: int, model: str, direction: str) -> dict[str, Any]:
    if direction == "over":
        frame, sens = queries.leverage_over(actor, year, model), queries.sensitivity(actor, year, model)
    else:
        frame, sens = queries.leverage_of(actor, year, model), None
    return views.leverage(frame, sens, actor=actor, year=year, model=model, direction=direction)


@kept
def dyad_view(a: str, b: str, model: str) -> dict[str, Any]:
    return views.dyad(queries.dyad_history(a, b, model), model=model)


@kept
def brokers_view(principal: str, target: str, year: int, hops: int) -> dict[str, Any]:
    frame = queries.brokers(principal, target, year)
    try:
        routes = queries.paths(principal, target, year, hops)
    except SuasionError:
        routes = None
    return views.brokers(frame, routes, year=year)


@router.get("/leverage", response_class=HTMLResponse)
def leverage_over(request: Request, target: str | None = None, year: str | None = None,
                  model: str | None = None) -> HTMLResponse:
    form = {"target": target or "", "year": year or "", "model": model or "suasion"}

    def build() -> dict[str, Any] | None:
        if not target:
            return None
        q = inputs.one(target, year, model, "target")
        return {"q": q, **leverage_view(q.actor, q.year, q.model, "over"), "draws": queries.SENSITIVITY_DRAWS}

    return page(request, "leverage.html", form, build, direction="over", years=year_links())


@router.get("/leverage/of", response_class=HTMLResponse)
def leverage_of(request: Request, source: str | None = None, year: str | None = None,
                model: str | None = None) -> HTMLResponse:
    form = {"source": source or "", "year": year or "", "model": model or "suasion"}

    def build() -> dict[str, Any] | None:
        if not source:
            return None
        q = inputs.one(source, year, model, "source")
        return {"q": q, **leverage_view(q.actor, q.year, q.model, "of")}

    return page(request, "leverage.html", form, build, direction="of", years=year_links())


def _events(request: Request, a: str, b: str) -> dict[str, Any] | None:
    """Event-data indices of the dyad when an event store with data is configured (states only)."""
    from suasion.events.store import EventStore

    store = EventStore(request.app.state.event_store)
    if not store.datasets():
        return None
    import suasion

    try:
        frame = suasion.dyad_events(a, b, freq="month", store=store)
        alerts = suasion.event_alerts(a, freq="month", store=store)
    except SuasionError as exc:
        return {"error": str(exc)}
    if alerts is not None and len(alerts) and "target" in alerts.columns:
        alerts = alerts[alerts["target"] == b]
    return views.events(frame, alerts, a, b) if len(frame) else {"error": f"no events between {a} and {b}"}


def _engagements(request: Request, partners: tuple[str, str]) -> dict[str, Any] | None:
    """The signed-in user's view of the register's engagements with either actor."""
    from suasion.web.routes.register_pages import signed_in

    user = signed_in(request)
    if user is None:
        return None
    items = []
    for partner in partners:
        try:
            items.extend(user.list(partner=partner, limit=20).items)
        except SuasionError:
            continue
    unique = {e.id: e for e in items}
    shown = sorted(unique.values(), key=lambda e: e.start_date, reverse=True)[:20]
    levels = user.classifications()
    markings = [e.classification for e in shown if e.classification in levels]
    return {"items": shown, "classification": max(markings, key=levels.index) if markings else None}


@router.get("/dyad", response_class=HTMLResponse)
def dyad(request: Request, a: str | None = None, b: str | None = None, model: str | None = None) -> HTMLResponse:
    form = {"a": a or "", "b": b or "", "model": model or "suasion"}

    def build() -> dict[str, Any] | None:
        if not a and not b:
            return None
        code_a, code_b, m = inputs.dyad(a, b, model)
        out = dict(dyad_view(code_a, code_b, m))
        out["events"] = _events(request, code_a, code_b)
        out["engagements"] = _engagements(request, (code_a, code_b))
        out["classification"] = (out["engagements"] or {}).get("classification")
        out["model"] = m
        return out

    return page(request, "dyad.html", form, build)


@router.get("/brokers", response_class=HTMLResponse)
def brokers(request: Request, principal: str | None = None, target: str | None = None, year: str | None = None,
            hops: str | None = None) -> HTMLResponse:
    form = {"principal": principal or "", "target": target or "", "year": year or "", "hops": hops or "3"}

    def build() -> dict[str, Any] | None:
        if not principal and not target:
            return None
        q = inputs.pair(principal, target, year, ("principal", "target"))
        k = inputs.hops(hops)
        return {"q": q, "hops": k, **brokers_view(q.first, q.second, q.year, k)}

    return page(request, "brokers.html", form, build, years=year_links())


@router.get("/incentives", response_class=HTMLResponse)
def incentives(request: Request, principal: str | None = None, broker: str | None = None,
               year: str | None = None) -> HTMLResponse:
    form = {"principal": principal or "", "broker": broker or "", "year": year or ""}

    def build() -> dict[str, Any] | None:
        if not principal and not broker:
            return None
        q = inputs.pair(principal, broker, year, ("principal", "broker"))
        return {"q": q, **views.incentives(queries.incentives(q.first, q.second, q.year))}

    return page(request, "incentives.html", form, build)


@router.get("/whatif", response_class=HTMLResponse)
def whatif(request: Request, principal: str | None = None, target: str | None = None, year: str | None = None,
           changes: str | None = None) -> HTMLResponse:
    from suasion.influence.counterfactual import SYNTAX

    form = {"principal": principal or "", "target": target or "", "year": year or "", "changes": changes or ""}

    def build() -> dict[str, Any] | None:
        if not principal and not target and not changes:
            return None
        q = inputs.pair(principal, target, year, ("principal", "target"))
        lines = inputs.changes(changes)
        result = queries.whatif(q.first, q.second, lines, q.year)
        return {"q": q, **views.whatif(result, target=q.second, principal=q.first)}

    return page(request, "whatif.html", form, build, syntax=SYNTAX)


@router.get("/network", response_class=HTMLResponse)
def network(request: Request, year: str | None = None, model: str | None = None, region: str | None = None,
            top: str | None = None) -> HTMLResponse:
    from suasion.actors import bloc_codes

    form = {"year": year or "", "model": model or "suasion", "region": region or "", "top": top or "40"}

    def build() -> dict[str, Any]:
        y, m, bloc, members, n = inputs.network(year, model, region, top)
        return {"year": y, "region": bloc, **views.network(queries.matrix(y, m), year=y, region=bloc,
                                                           members=members, top=n)}

    return page(request, "network.html", form, build, blocs=bloc_codes(), years=year_links())
