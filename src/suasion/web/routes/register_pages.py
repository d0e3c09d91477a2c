"""Page 7: the engagement register in the browser.

Sign-in uses the register's own session (the cookie of ``/api/register/auth/login``, so the
pages and the mounted JSON API share it). Every form that changes something carries the
session's CSRF token. Records come only from :class:`~suasion.engagements.Register` methods,
which filter by the user's clearance, so no page, fragment or download shows a record above it.
The classification banner shows the highest marking among the records on the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from suasion.errors import SuasionError
from suasion.web import params
from suasion.web.app import html
from suasion.web.params import FormError, status_of

router = APIRouter(prefix="/register", include_in_schema=False)

MONTH_FORMAT = "%Y-%m"


class Session:
    """The signed-in user: a bound Register and the session's CSRF token."""

    def __init__(self, register: Any, csrf: str):
        self.register, self.csrf = register, csrf
        self.user = register.actor


def session(request: Request) -> Session | None:
    from suasion.engagements.app import SESSION_COOKIE
    from suasion.engagements.register import Register

    secret = request.cookies.get(SESSION_COOKIE)
    reg = request.app.state.register
    if not secret or reg is None:
        return None
    try:
        actor, row = reg.authenticate_secret(secret, "session")
    except SuasionError:
        return None
    return Session(Register(store=reg.store, actor=actor), row.csrf_token or "")


def signed_in(request: Request) -> Any | None:
    s = session(request)
    return s.register if s else None


def _check_csrf(s: Session, token: str | None) -> None:
    from suasion.engagements import auth
    from suasion.engagements.errors import AuthenticationError

    if not (token and s.csrf and auth.same(token, s.csrf)):
        raise AuthenticationError("the form's security token is missing or out of date; reload the page")


def banner(s: Session | None, markings: list[str]) -> str | None:
    """The highest marking among ``markings`` in the register's order."""
    if s is None or not markings:
        return None
    levels = s.register.classifications()
    known = [m for m in markings if m in levels]
    return max(known, key=levels.index) if known else None


def _render(request: Request, template: str, s: Session | None, context: dict[str, Any], *,
            markings: list[str] | None = None, status: int = 200) -> HTMLResponse:
    from suasion.engagements.vocab import Department, EngagementType, Level, Status

    base = {"session": s, "classification": banner(s, markings or []), "error": None,
            "vocab": {"types": [t.value for t in EngagementType], "levels": [v.value for v in Level],
                      "departments": [d.value for d in Department], "statuses": [x.value for x in Status]},
            "levels": s.register.classifications() if s else []}
    if s is not None:
        base["visible_levels"] = list(s.user.visible)
    return html(request, template, {**base, **context}, status)


def _login_page(request: Request, error: str | None = None, status: int = 200, username: str = "",
                next_url: str = "/register") -> HTMLResponse:
    reg = request.app.state.register
    return _render(request, "register/login.html", None,
                   {"error": error, "username": username, "next": next_url, "configured": reg is not None,
                    "initialised": reg is not None and reg.is_initialised()}, status=status)


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/register") and "//" not in value and "\\" not in value \
        else "/register"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _login_page(request, next_url=_safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, username: str | None = Form(None), password: str | None = Form(None), next: str | None = Form(None)) -> Response:
    from suasion.engagements import auth
    from suasion.engagements.app import SESSION_COOKIE

    name = (username or "").strip()
    if request.app.state.register is None:
        return _login_page(request, "this workbench has no register", 404, name[:100])
    if not name or not password or len(name) > 100 or len(password) > 1000:
        return _login_page(request, "give a user name and a password", 422, name[:100])
    try:
        bound = request.app.state.register.login(name, password)
        secret, _ = bound.create_session()
    except SuasionError as exc:
        return _login_page(request, str(exc), status_of(exc), name)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="strict",
                        secure=request.app.state.secure_cookies,
                        max_age=int(auth.SESSION_LIFETIME.total_seconds()), path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf: str | None = Form(None)) -> Response:
    from suasion.engagements.app import SESSION_COOKIE

    s = session(request)
    if s is not None:
        try:
            _check_csrf(s, csrf)
        except SuasionError as exc:
            return _render(request, "register/message.html", s, {"error": str(exc)}, status=403)
        request.app.state.register.revoke_secret(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/register/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _need_session(request: Request) -> Session | Response:
    s = session(request)
    if s is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/register/login?next={_quote(target)}", status_code=303)
    return s


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


LIST_FILTERS = ("status", "partner", "type", "q", "start_from", "start_to")


def _filters(values: dict[str, str | None]) -> dict[str, Any]:
    from suasion.engagements.vocab import EngagementType, Status

    out: dict[str, Any] = {}
    out["status"] = params.choice(values.get("status"), "status", [s.value for s in Status], "") or None
    out["type"] = params.choice(values.get("type"), "type", [t.value for t in EngagementType], "") or None
    out["partner"] = params.text(values.get("partner"), "partner", limit=60)
    out["q"] = params.text(values.get("q"), "q", limit=200)
    for key in ("start_from", "start_to"):
        raw = params.text(values.get(key), key, limit=10)
        if raw is not None:
            try:
                out[key] = dt.date.fromisoformat(raw)
            except ValueError:
                raise FormError(key, f"must be a date YYYY-MM-DD, got {raw!r}") from None
    return {k: v for k, v in out.items() if v is not None}


@router.get("", response_class=HTMLResponse)
def engagements(request: Request, status: str | None = None, partner: str | None = None, type: str | None = None,
                q: str | None = None, start_from: str | None = None, start_to: str | None = None,
                offset: str | None = None) -> Response:
    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    form = {"status": status or "", "partner": partner or "", "type": type or "", "q": q or "",
            "start_from": start_from or "", "start_to": start_to or ""}
    try:
        filters = _filters(form)
        start = params.integer(offset, "offset", low=0, high=10**9, default=0)
        page = s.register.list(limit=50, offset=start, **filters)
    except SuasionError as exc:
        return _render(request, "register/list.html", s, {"form": form, "page": None, "error": str(exc)},
                       status=status_of(exc))
    from suasion.web.views import url

    export = url("/api/register/export/engagements", format="csv")
    return _render(request, "register/list.html", s, {"form": form, "page": page, "offset": start, "export": export},
                   markings=[e.classification for e in page.items])


@router.get("/calendar", response_class=HTMLResponse)
def calendar(request: Request, month: str | None = None) -> Response:
    import calendar as cal

    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    try:
        raw = params.text(month, "month", limit=7)
        try:
            first = dt.datetime.strptime(raw, MONTH_FORMAT).date() if raw else dt.date.today().replace(day=1)
        except ValueError:
            raise FormError("month", f"must be YYYY-MM, got {raw!r}") from None
        last = first.replace(day=cal.monthrange(first.year, first.month)[1])
        items = s.register.all_engagements(start_from=first - dt.timedelta(days=366), start_to=last)
    except SuasionError as exc:
        return _render(request, "register/calendar.html", s, {"error": str(exc), "month": month or "", "weeks": []},
                       status=status_of(exc))
    items = [e for e in items if e.end_date >= first]
    days: dict[dt.date, list[Any]] = {}
    for e in items:
        d = max(e.start_date, first)
        while d <= min(e.end_date, last):
            days.setdefault(d, []).append(e)
            d += dt.timedelta(days=1)
    weeks = [[(d, days.get(d, [])) if d.month == first.month else (None, []) for d in week]
             for week in cal.Calendar().monthdatescalendar(first.year, first.month)]
    prev_month = (first - dt.timedelta(days=1)).strftime(MONTH_FORMAT)
    next_month = (last + dt.timedelta(days=1)).strftime(MONTH_FORMAT)
    return _render(request, "register/calendar.html", s,
                   {"weeks": weeks, "month": first.strftime(MONTH_FORMAT), "label": first.strftime("%B %Y"),
                    "prev": prev_month, "next": next_month, "items": items},
                   markings=[e.classification for e in items])


def _detail(request: Request, s: Session, engagement_id: int, *, error: str | None = None, status: int = 200
            ) -> Response:
    e = s.register.get(engagement_id)
    objectives = []
    for oid in e.objective_ids:
        try:
            objectives.append(s.register.get_objective(oid))
        except SuasionError:
            continue
    audit = s.register.audit(entity="engagement", entity_id=engagement_id, limit=100)
    from suasion.engagements.vocab import TRANSITIONS, Status

    nexts = sorted(t.value for t in TRANSITIONS[Status(e.status)] if t not in (Status.approved, Status.assessed))
    markings = [e.classification] + [o.classification for o in objectives] + [a.classification for a in audit.items]
    return _render(request, "register/detail.html", s,
                   {"e": e, "objectives": objectives, "audit": audit.items, "transitions": nexts,
                    "can_approve": e.status == Status.planned, "can_assess": e.status == Status.executed,
                    "today": dt.date.today().isoformat(), "error": error},
                   markings=markings, status=status)


def _record_id(value: int) -> int:
    from suasion.engagements.schemas import MAX_ID

    if not 1 <= value <= MAX_ID:
        raise FormError("id", f"must be between 1 and {MAX_ID}")
    return value


@router.get("/engagements/{engagement_id}", response_class=HTMLResponse)
def detail(request: Request, engagement_id: int) -> Response:
    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    try:
        return _detail(request, s, _record_id(engagement_id))
    except SuasionError as exc:
        return _render(request, "register/message.html", s, {"error": str(exc)}, status=status_of(exc))


def _engagement_form(values: dict[str, Any]) -> dict[str, Any]:
    """Form fields -> the register's input dict (empty fields left out)."""
    out: dict[str, Any] = {}
    for key in ("title", "type", "location", "start_date", "end_date", "level", "lead_department", "currency",
                "classification", "notes"):
        value = values.get(key)
        if value not in (None, ""):
            out[key] = value
    for key in ("partners", "objective_ids"):
        if values.get(key):
            out[key] = values[key]
    if values.get("supporting_departments"):
        out["supporting_departments"] = values["supporting_departments"]
    for key in ("estimated_cost", "actual_cost"):
        raw = values.get(key)
        if raw not in (None, ""):
            out[key] = params.number(raw, key, low=0, high=1e13)
    return out


def _form_values(form: Any) -> dict[str, Any]:
    keys = ("title", "type", "partners", "location", "start_date", "end_date", "level", "lead_department",
            "estimated_cost", "actual_cost", "currency", "objective_ids", "classification", "notes", "version")
    values = {k: (form.get(k) or "") for k in keys}
    values["supporting_departments"] = [v for v in form.getlist("supporting_departments") if v]
    return values


@router.get("/new", response_class=HTMLResponse)
def new_form(request: Request) -> Response:
    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    return _render(request, "register/edit.html", s, {"values": {"currency": "GBP", "supporting_departments": []},
                                                      "e": None})


@router.post("/new", response_class=HTMLResponse)
async def create(request: Request) -> Response:
    from fastapi.concurrency import run_in_threadpool

    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    form = await request.form()
    values = _form_values(form)
    try:
        _check_csrf(s, form.get("csrf"))
        e = await run_in_threadpool(s.register.add, _engagement_form(values))
    except SuasionError as exc:
        return _render(request, "register/edit.html", s, {"values": values, "e": None, "error": str(exc)},
                       status=status_of(exc))
    return RedirectResponse(f"/register/engagements/{e.id}", status_code=303)


@router.get("/engagements/{engagement_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, engagement_id: int) -> Response:
    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    try:
        e = s.register.get(_record_id(engagement_id))
    except SuasionError as exc:
        return _render(request, "register/message.html", s, {"error": str(exc)}, status=status_of(exc))
    values = e.model_dump(mode="json")
    values["partners"] = ", ".join(e.partners)
    values["objective_ids"] = ", ".join(str(i) for i in e.objective_ids)
    values["supporting_departments"] = [d.value for d in e.supporting_departments]
    for key in ("estimated_cost", "actual_cost"):
        values[key] = "" if values[key] is None else f"{values[key]:g}"
    return _render(request, "register/edit.html", s, {"values": values, "e": e}, markings=[e.classification])


@router.post("/engagements/{engagement_id}/edit", response_class=HTMLResponse)
async def update(request: Request, engagement_id: int) -> Response:
    from fastapi.concurrency import run_in_threadpool

    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    form = await request.form()
    values = _form_values(form)
    try:
        _check_csrf(s, form.get("csrf"))
        eid = _record_id(engagement_id)
        version = params.integer(values["version"], "version", low=1, high=2**31 - 1)
        if version is None:
            raise FormError("version", "is required")
        patch = _engagement_form(values)
        patch.setdefault("location", "")
        patch.setdefault("notes", "")
        patch["version"] = version
        await run_in_threadpool(s.register.update, eid, patch)
    except SuasionError as exc:
        try:
            current = await run_in_threadpool(s.register.get, engagement_id)
        except SuasionError:
            current = None
        return _render(request, "register/edit.html", s, {"values": values, "e": current, "error": str(exc)},
                       status=status_of(exc), markings=[current.classification] if current else [])
    return RedirectResponse(f"/register/engagements/{engagement_id}", status_code=303)


@router.post("/engagements/{engagement_id}/transition", response_class=HTMLResponse)
def transition(request: Request, engagement_id: int, to: str | None = Form(None), version: str | None = Form(None),
               csrf: str | None = Form(None)) -> Response:
    return _life_cycle(request, engagement_id, version, csrf, to)


@router.post("/engagements/{engagement_id}/approve", response_class=HTMLResponse)
def approve(request: Request, engagement_id: int, version: str | None = Form(None), csrf: str | None = Form(None)) -> Response:
    return _life_cycle(request, engagement_id, version, csrf, None)


def _detail_with_error(request: Request, s: Session, engagement_id: int, exc: SuasionError) -> Response:
    """The engagement's page with ``exc`` next to its forms, or a message page if it cannot be shown."""
    try:
        return _detail(request, s, engagement_id, error=str(exc), status=status_of(exc))
    except SuasionError:
        return _render(request, "register/message.html", s, {"error": str(exc)}, status=status_of(exc))


def _life_cycle(request: Request, engagement_id: int, version: str | None, csrf: str | None,
                to: str | None) -> Response:
    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    try:
        _check_csrf(s, csrf)
        eid = _record_id(engagement_id)
        v = params.integer(version, "version", low=1, high=2**31 - 1)
        if v is None:
            raise FormError("version", "is required")
        if to is None:
            s.register.approve(eid, version=v)
        else:
            s.register.transition(eid, params.text(to, "to", required=True, limit=20), version=v)
    except SuasionError as exc:
        return _detail_with_error(request, s, engagement_id, exc)
    return RedirectResponse(f"/register/engagements/{engagement_id}", status_code=303)


@router.post("/engagements/{engagement_id}/assess", response_class=HTMLResponse)
def assess(request: Request, engagement_id: int, version: str | None = Form(None), csrf: str | None = Form(None),
           date: str | None = Form(None), rating: str | None = Form(None),
           narrative: str | None = Form(None)) -> Response:
    """Record an assessment (moves an executed engagement to assessed)."""
    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    try:
        _check_csrf(s, csrf)
        eid = _record_id(engagement_id)
        v = params.integer(version, "version", low=1, high=2**31 - 1)
        score = params.integer(rating, "rating", low=1, high=5)
        if v is None or score is None:
            raise FormError("rating" if v else "version", "is required")
        s.register.assess(eid, {"version": v, "rating": score, "date": params.text(date, "date", required=True),
                                "narrative": params.text(narrative, "narrative", limit=20000) or ""})
    except SuasionError as exc:
        return _detail_with_error(request, s, engagement_id, exc)
    return RedirectResponse(f"/register/engagements/{engagement_id}", status_code=303)


@router.get("/trajectory", response_class=HTMLResponse)
def trajectory(request: Request, partner: str | None = None) -> Response:
    from suasion.charts import data_table, line_chart
    from suasion.web.views import Markup

    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    context: dict[str, Any] = {"form": {"partner": partner or ""}, "result": None}
    markings: list[str] = []
    try:
        name = params.text(partner, "partner", limit=60)
        if name:
            frame = s.register.trajectory(name)
            if len(frame):
                months = list(range(len(frame)))
                chart = line_chart(months, {"intensity": frame["intensity"].tolist(),
                                            "mean rating": frame["mean_rating"].tolist()},
                                   chart_id="trajectory", title=f"Engagement with {frame['partner'].iloc[0]}",
                                   description=f"Monthly intensity index from {frame['month'].iloc[0]} to "
                                               f"{frame['month'].iloc[-1]}; peak {frame['intensity'].max():.2f}.",
                                   y_min=0.0)
                table = data_table(list(frame.columns), frame.to_dict(orient="records"),
                                   caption="Engagement trajectory by month", table_id="trajectory-table",
                                   formats={"intensity": "{:.2f}", "mean_rating": "{:.1f}"})
                context["result"] = {"chart": Markup(chart), "table": Markup(table)}
                markings = [e.classification for e in s.register.all_engagements(partner=frame["partner"].iloc[0])]
            else:
                context["result"] = {"empty": True}
    except SuasionError as exc:
        return _render(request, "register/trajectory.html", s, {**context, "error": str(exc)}, status=status_of(exc))
    return _render(request, "register/trajectory.html", s, context, markings=markings)


@router.get("/coherence", response_class=HTMLResponse)
def coherence(request: Request, priority: str | None = None) -> Response:
    from suasion.charts import data_table
    from suasion.web.views import Markup

    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    form = {"priority": priority or ""}
    try:
        raw = params.text(priority, "priority", limit=200) or ""
        codes = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        checks = s.register.coherence(priority=codes)
    except SuasionError as exc:
        return _render(request, "register/coherence.html", s, {"form": form, "checks": None, "error": str(exc)},
                       status=status_of(exc))
    tables = {name: Markup(data_table(list(frame.columns), frame.to_dict(orient="records"),
                                      caption=name.replace("_", " "), table_id=f"coherence-{name}"))
              for name, frame in checks.items() if len(frame)}
    markings = [e.classification for e in s.register.all_engagements()]
    return _render(request, "register/coherence.html", s, {"form": form, "checks": tables}, markings=markings)


@router.get("/plan", response_class=HTMLResponse)
def plan(request: Request, budget: str | None = None, priorities: str | None = None) -> Response:
    from suasion.charts import data_table
    from suasion.web.views import Markup

    s = _need_session(request)
    if not isinstance(s, Session):
        return s
    form = {"budget": budget or "", "priorities": priorities or ""}
    context: dict[str, Any] = {"form": form, "result": None}
    try:
        amount = params.number(budget, "budget", low=1e-9, high=1e13)
        raw = params.text(priorities, "priorities", limit=400)
        if amount is not None and raw:
            weights: dict[str, float] = {}
            for item in raw.replace(";", ",").split(","):
                if not item.strip():
                    continue
                code, _, weight = item.partition("=")
                weights[code.strip()] = params.number(weight or "1", f"priority {code.strip()}", low=1e-9, high=1e6)
            result = s.register.plan(amount, weights)
            context["result"] = {
                "plan": result,
                "chosen": Markup(data_table(list(result.chosen.columns), result.chosen.to_dict(orient="records"),
                                            caption="Engagements the plan funds", table_id="plan-chosen")),
                "not_chosen": Markup(data_table(list(result.not_chosen.columns),
                                                result.not_chosen.head(20).to_dict(orient="records"),
                                                caption="Candidates left out", table_id="plan-not-chosen")),
            }
    except SuasionError as exc:
        return _render(request, "register/plan.html", s, {**context, "error": str(exc)}, status=status_of(exc))
    return _render(request, "register/plan.html", s, context)
