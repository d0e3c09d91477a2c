"""The register's JSON API (FastAPI, OpenAPI docs at ``/docs``), served by ``suasion register serve``.

Authentication, on every endpoint except ``POST /auth/login``:

* scripts send ``Authorization: Bearer <API token>`` (``POST /auth/tokens`` or ``suasion register
  users token``);
* browsers log in with ``POST /auth/login``, which sets an HttpOnly, SameSite=Strict session
  cookie and returns a CSRF token; every unsafe request (POST, PATCH, PUT, DELETE) made with the
  cookie must echo that token in the ``X-CSRF-Token`` header.

Every error is JSON ``{"error": <kind>, "detail": <one line>}``: the status of the
:class:`~suasion.errors.SuasionError` (401, 403, 404 for records above the user's clearance too,
409 for stale versions and lost races, 422 for invalid input, 429 for throttled logins), request
validation errors (422, kind ``InvalidRecordError``, naming the field but never repeating the
value sent), HTTP errors of the framework (404 unknown route, 405, 400 unreadable body) and, for
a bug, 500 ``InternalError`` with no detail. Routes only call
:class:`~suasion.engagements.register.Register`.

The OpenAPI docs at ``/docs`` are served from the package (Swagger UI vendored from npm under
``static/swagger-ui``, with its licence and a SHA-256 manifest): nothing is loaded from outside.
"""

# (no "from __future__ import annotations": FastAPI resolves the local Annotated aliases at runtime)

import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path as PathLib
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from suasion.engagements import auth
from suasion.engagements.errors import AuthenticationError, InvalidRecordError
from suasion.engagements.register import Register
from suasion.engagements.schemas import (
    MAX_ID,
    AssessmentIn,
    AuditOut,
    EngagementIn,
    EngagementOut,
    EngagementPatch,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    TextIn,
    TokenOut,
    Transition,
    UserIn,
    UserOut,
    UserPatch,
    VersionOnly,
)
from suasion.engagements.vocab import (
    TRANSITIONS,
    Department,
    EngagementType,
    Level,
    Role,
    Status,
    StrategicAim,
)
from suasion.errors import SuasionError, UnknownActorError

SESSION_COOKIE = "suasion_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
STATIC = PathLib(__file__).resolve().parent / "static"
DOCS_ASSETS = "/docs/assets"

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=0, le=1000)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
Text = Annotated[str | None, Query(max_length=200)]
PartnerQuery = Annotated[str | None, Query(max_length=80)]


class EngagementPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EngagementOut]


class ObjectivePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ObjectiveOut]


class AuditPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AuditOut]


class Count(BaseModel):
    count: int


class LoginIn(TextIn):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class LoginOut(BaseModel):
    username: str
    role: Role
    clearance: str
    csrf_token: str


class Me(BaseModel):
    username: str
    role: Role
    clearance: str
    visible_classifications: list[str]


class TokenIn(TextIn):
    name: str = Field(default="script", min_length=1, max_length=100, pattern=r"^[\w .@-]+$")
    days: float = Field(default=auth.TOKEN_LIFETIME.days, gt=0, le=auth.MAX_TOKEN_DAYS)


class NewToken(BaseModel):
    token: str
    expires_in_days: float


class Principal(TextIn):
    principal: str | None = Field(default=None, min_length=1, max_length=80)


class ImportOut(BaseModel):
    imported: int
    ids: list[int]


class Classifications(TextIn):
    levels: list[Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[\w .-]+$")]] = \
        Field(min_length=1, max_length=20)


class PlanIn(TextIn):
    budget: float = Field(gt=0, le=1e13, allow_inf_nan=False)
    priorities: dict[Annotated[str, Field(min_length=2, max_length=60)],
                     Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)]] = Field(min_length=1, max_length=60)
    type_costs: dict[EngagementType, Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False)]] | None = None
    max_per_type: int = Field(default=3, ge=1, le=10)
    diminishing: float = Field(default=0.5, gt=0, le=1, allow_inf_nan=False)


def _error(exc: SuasionError) -> JSONResponse:
    status = 422 if isinstance(exc, UnknownActorError) else exc.http_status
    body: dict[str, Any] = {"error": type(exc).__name__, "detail": _safe(str(exc))}
    rows = getattr(exc, "rows", None)
    if rows:
        body["rows"] = [{"line": line, "reason": _safe(reason)} for line, reason in rows]
    return JSONResponse(body, status_code=status)


def _safe(text: str) -> str:
    """Text any JSON encoder can write (lone surrogates escaped)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


_HTTP_KINDS = {400: "BadRequest", 401: "AuthenticationError", 403: "PermissionDeniedError", 404: "NotFound",
               405: "MethodNotAllowed", 413: "TooLarge", 415: "UnsupportedMediaType"}


def _validation_message(exc: RequestValidationError) -> str:
    """Where and what, never the value sent (it may be a password, or not encodable)."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            msg = f"malformed JSON ({(err.get('ctx') or {}).get('error', 'cannot be read')})"
        parts.append(f"{loc}: {msg}" if loc else msg)
    return _safe("; ".join(parts)[:2000])


def create_app(register: Register | str | os.PathLike[str] | None = None, *,
               secure_cookies: bool = False, thread_tokens: int = 8,
               response_cache: bool | str = True) -> FastAPI:
    """The JSON API over one register (a :class:`Register`, a path/URL, or ``None`` for the default).

    ``thread_tokens`` caps the worker threads that run the (blocking) database calls: a few
    threads contend less for the GIL than many, so queued requests are served more fairly
    (measured by benchmarks/register_load.py: lower p95 at 50 clients than with 64 threads).
    ``response_cache`` keeps JSON bodies of ``GET /engagements`` and ``GET /engagements/{id}``
    until a change to a record they show (SQLite files only; :mod:`suasion.engagements.cache`);
    ``"commit"`` empties it on every commit instead, ``False`` turns it off."""
    reg = register if isinstance(register, Register) else Register(register)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = thread_tokens
        yield

    app = FastAPI(title="suasion defence-engagement register", version="1",
                  description=__doc__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.register = reg

    @app.exception_handler(SuasionError)
    async def _suasion_error(_request: Request, exc: SuasionError) -> JSONResponse:
        return _error(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "InvalidRecordError", "detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _HTTP_KINDS.get(exc.status_code, "HTTPError")
        return JSONResponse({"error": kind, "detail": _safe(str(exc.detail))}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        import logging

        # the type only: messages of database errors can hold the values of the statement
        logging.getLogger("suasion.engagements").error("internal error: %s", type(exc).__name__)
        return JSONResponse({"error": "InternalError", "detail": "internal error"}, status_code=500)

    # --- offline docs --------------------------------------------------------------------

    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    app.mount(DOCS_ASSETS, StaticFiles(directory=STATIC / "swagger-ui"), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=app.title + " - docs",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
                                   swagger_ui_parameters={"validatorUrl": None})

    def authenticate(request: Request) -> Register:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            actor, _ = reg.authenticate_secret(header[7:].strip(), "token")
            return reg._bind(actor)
        session = request.cookies.get(SESSION_COOKIE)
        if session:
            actor, row = reg.authenticate_secret(session, "session")
            if request.method not in SAFE_METHODS:
                sent = request.headers.get(CSRF_HEADER, "")
                if not (row.csrf_token and sent and auth.same(sent, row.csrf_token)):
                    raise AuthenticationError(f"missing or wrong {CSRF_HEADER} header for a session request")
            return reg._bind(actor)
        raise AuthenticationError("authentication required: a Bearer token or a session cookie")

    async def user(request: Request) -> Register:
        # Run on the event loop, not in the threadpool: the lookup is one indexed query (well
        # under a millisecond), cheaper than a thread hop, and it keeps the GIL with one thread.
        return authenticate(request)

    User = Annotated[Register, Depends(user)]

    # --- authentication ----------------------------------------------------------------

    @app.post("/auth/login", response_model=LoginOut, tags=["auth"])
    def login(body: LoginIn, response: Response) -> LoginOut:
        bound = reg.login(body.username, body.password)
        session, csrf = bound.create_session()
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", secure=secure_cookies,
                            max_age=int(auth.SESSION_LIFETIME.total_seconds()), path="/")
        me = bound.actor
        assert me is not None
        return LoginOut(username=me.username, role=me.role, clearance=me.clearance, csrf_token=csrf)

    @app.post("/auth/logout", status_code=204, tags=["auth"])
    def logout(request: Request, response: Response, _u: User) -> Response:
        session = request.cookies.get(SESSION_COOKIE)
        if session:
            reg.revoke_secret(session)
        response = Response(status_code=204)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/auth/me", response_model=Me, tags=["auth"])
    async def me(u: User) -> Me:
        a = u._me()
        return Me(username=a.username, role=a.role, clearance=a.clearance, visible_classifications=list(a.visible))

    @app.post("/auth/tokens", response_model=NewToken, status_code=201, tags=["auth"])
    def new_token(u: User, body: TokenIn | None = None) -> NewToken:
        body = body or TokenIn()
        return NewToken(token=u.create_token(body.name, days=body.days), expires_in_days=body.days)

    @app.get("/auth/tokens", response_model=list[TokenOut], tags=["auth"])
    def tokens(u: User, username: Annotated[str | None, Query(min_length=1, max_length=100)] = None) -> Any:
        return u.list_tokens(username)

    @app.delete("/auth/tokens/{token_id}", response_model=TokenOut, tags=["auth"])
    def revoke_token(u: User, token_id: IdPath) -> Any:
        return u.revoke_token(token_id)

    # --- vocabulary (for forms) ----------------------------------------------------------

    @app.get("/vocabulary", tags=["meta"])
    async def vocabulary(u: User) -> dict[str, Any]:
        return {"types": [t.value for t in EngagementType], "levels": [v.value for v in Level],
                "departments": [d.value for d in Department], "statuses": [s.value for s in Status],
                "aims": [a.value for a in StrategicAim], "roles": [r.value for r in Role],
                "transitions": {k.value: sorted(v.value for v in vs) for k, vs in TRANSITIONS.items()},
                "classifications": u.classifications()}

    # --- engagements ---------------------------------------------------------------------

    async def engagement_filters(status: Status | None = None, partner: PartnerQuery = None, type: EngagementType | None = None,
                           q: Text = None, objective_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                           lead_department: Department | None = None, start_from: dt.date | None = None,
                           start_to: dt.date | None = None) -> dict[str, Any]:
        return {"status": status, "partner": partner, "type": type, "q": q, "objective_id": objective_id,
                "lead_department": lead_department, "start_from": start_from, "start_to": start_to}

    Filters = Annotated[dict[str, Any], Depends(engagement_filters)]

    # Response cache for the hot reads, invalidated per record (SQLite files only; see cache.py).
    cache = None
    if response_cache and reg.store.changes is not None:
        from suasion.engagements.cache import ResponseCache

        cache = ResponseCache(reg.store, "commit" if response_cache == "commit" else "record")
    app.state.response_cache = cache

    @app.get("/engagements", response_model=EngagementPage, tags=["engagements"])
    async def list_engagements(u: User, filters: Filters, limit: Limit = 100, offset: Offset = 0) -> Any:
        def compute() -> bytes:
            page = u.list(limit=limit, offset=offset, **filters)
            return EngagementPage(total=page.total, limit=page.limit, offset=page.offset,
                                  items=page.items).model_dump_json().encode()

        body = cache.page(filters, limit, offset, u._me().visible, compute) if cache else compute()
        return Response(body, media_type="application/json")

    @app.get("/engagements/count", response_model=Count, tags=["engagements"])
    async def count_engagements(u: User, filters: Filters) -> Count:
        return Count(count=u.count(**filters))

    @app.post("/engagements", response_model=EngagementOut, status_code=201, tags=["engagements"])
    def add_engagement(u: User, body: EngagementIn) -> EngagementOut:
        return u.add(body)

    @app.get("/engagements/{engagement_id}", response_model=EngagementOut, tags=["engagements"])
    async def get_engagement(u: User, engagement_id: IdPath) -> Any:
        def compute() -> bytes:
            return u.get(engagement_id).model_dump_json().encode()

        body = cache.get(engagement_id, u._me().visible, compute) if cache else compute()
        return Response(body, media_type="application/json")

    @app.patch("/engagements/{engagement_id}", response_model=EngagementOut, tags=["engagements"])
    def update_engagement(u: User, engagement_id: IdPath, body: EngagementPatch) -> EngagementOut:
        return u.update(engagement_id, body)

    @app.post("/engagements/{engagement_id}/transition", response_model=EngagementOut, tags=["engagements"])
    def transition(u: User, engagement_id: IdPath, body: Transition) -> EngagementOut:
        return u.transition(engagement_id, body.to, version=body.version)

    @app.post("/engagements/{engagement_id}/approve", response_model=EngagementOut, tags=["engagements"])
    def approve(u: User, engagement_id: IdPath, body: VersionOnly) -> EngagementOut:
        return u.approve(engagement_id, version=body.version)

    @app.post("/engagements/{engagement_id}/assessments", response_model=EngagementOut, status_code=201,
              tags=["engagements"])
    def assess(u: User, engagement_id: IdPath, body: AssessmentIn) -> EngagementOut:
        return u.assess(engagement_id, body)

    # --- objectives ----------------------------------------------------------------------

    async def objective_filters(partner: PartnerQuery = None, aim: StrategicAim | None = None, q: Text = None) -> dict[str, Any]:
        return {"partner": partner, "aim": aim.value if aim else None, "q": q}

    ObjFilters = Annotated[dict[str, Any], Depends(objective_filters)]

    @app.get("/objectives", response_model=ObjectivePage, tags=["objectives"])
    async def list_objectives(u: User, filters: ObjFilters, limit: Limit = 100, offset: Offset = 0) -> Any:
        return u.list_objectives(limit=limit, offset=offset, **filters)

    @app.get("/objectives/count", response_model=Count, tags=["objectives"])
    async def count_objectives(u: User, filters: ObjFilters) -> Count:
        return Count(count=u.count_objectives(**filters))

    @app.post("/objectives", response_model=ObjectiveOut, status_code=201, tags=["objectives"])
    def add_objective(u: User, body: ObjectiveIn) -> ObjectiveOut:
        return u.add_objective(body)

    @app.get("/objectives/{objective_id}", response_model=ObjectiveOut, tags=["objectives"])
    async def get_objective(u: User, objective_id: IdPath) -> ObjectiveOut:
        return u.get_objective(objective_id)

    @app.patch("/objectives/{objective_id}", response_model=ObjectiveOut, tags=["objectives"])
    def update_objective(u: User, objective_id: IdPath, body: ObjectivePatch) -> ObjectiveOut:
        return u.update_objective(objective_id, body)

    # --- import / export -----------------------------------------------------------------

    @app.get("/export/{kind}", tags=["files"],
             responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
    def export(u: User, kind: Annotated[str, Path(pattern="^(engagements|objectives)$")],
               format: Annotated[str, Query(pattern="^(csv|json|xlsx)$")] = "json") -> Response:
        content = u.export(kind, format)
        media = {"csv": "text/csv", "json": "application/json",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
        return Response(content, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{kind}.{format}"'})

    @app.post("/import/{kind}", response_model=ImportOut, status_code=201, tags=["files"],
              openapi_extra={"requestBody": {"required": True, "content": {
                  "text/csv": {"schema": {"type": "string"}},
                  "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}})
    async def import_(request: Request, kind: Annotated[str, Path(pattern="^(engagements|objectives)$")],
                      format: Annotated[str | None, Query(pattern="^(csv|json)$")] = None) -> ImportOut:
        u = await run_in_threadpool(authenticate, request)
        raw = await request.body()
        fmt = format or ("csv" if "csv" in request.headers.get("content-type", "") else "json")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidRecordError(f"upload: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        ids = await run_in_threadpool(u.import_text, kind, text, fmt, f"upload.{fmt}")
        return ImportOut(imported=len(ids), ids=ids)

    # --- audit, users, settings ----------------------------------------------------------

    @app.get("/audit", response_model=AuditPage, tags=["audit"])
    def audit(u: User, entity: Annotated[str | None, Query(max_length=40)] = None,
              entity_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None, limit: Limit = 100,
              offset: Offset = 0) -> Any:
        return u.audit(entity=entity, entity_id=entity_id, limit=limit, offset=offset)

    @app.get("/users", response_model=list[UserOut], tags=["admin"])
    def users(u: User) -> Any:
        return u.list_users()

    @app.post("/users", response_model=UserOut, status_code=201, tags=["admin"])
    def add_user(u: User, body: UserIn) -> UserOut:
        return u.add_user(body)

    @app.patch("/users/{username}", response_model=UserOut, tags=["admin"])
    def update_user(u: User, username: Annotated[str, Path(max_length=100)], body: UserPatch) -> UserOut:
        return u.update_user(username, body)

    @app.get("/settings/classifications", response_model=Classifications, tags=["admin"])
    async def get_classifications(u: User) -> Classifications:
        return Classifications(levels=u.classifications())

    @app.put("/settings/classifications", response_model=Classifications, tags=["admin"])
    def put_classifications(u: User, body: Classifications) -> Classifications:
        return Classifications(levels=u.set_classifications(body.levels))

    @app.get("/settings/principal", response_model=Principal, tags=["admin"])
    def get_principal(u: User) -> Principal:
        u._me()
        return Principal(principal=u.principal())

    @app.put("/settings/principal", response_model=Principal, tags=["admin"])
    def put_principal(u: User, body: Principal) -> Principal:
        if not body.principal:
            raise InvalidRecordError("principal: give a state (ISO3 code or name) or a bloc such as EU")
        return Principal(principal=u.set_principal(body.principal))

    # --- analysis ------------------------------------------------------------------------

    @app.get("/analysis/trajectory/{partner}", tags=["analysis"])
    def trajectory(u: User, partner: Annotated[str, Path(max_length=60)],
                   half_life: Annotated[float, Query(gt=0, le=120)] = 6.0,
                   start: dt.date | None = None, end: dt.date | None = None) -> list[dict[str, Any]]:
        if end is not None and start is not None and end < start:
            raise InvalidRecordError(f"end {end} is before start {start}")
        frame = u.trajectory(partner, half_life_months=half_life, start=start, end=end)
        return _records(frame)

    @app.get("/analysis/coherence", tags=["analysis"])
    def coherence(u: User, priority: Annotated[list[str] | None, Query(max_length=60)] = None,
                  max_non_priority_share: Annotated[float, Query(ge=0, le=1)] = 0.5) -> dict[str, Any]:
        checks = u.coherence(priority=priority or [], max_non_priority_share=max_non_priority_share)
        return {name: _records(frame) for name, frame in checks.items()}

    @app.get("/analysis/channel", tags=["analysis"])
    def channel(u: User, status: Annotated[str, Query(max_length=100, pattern=r"^[a-z,]+$")] = "planned,approved,executed",
                year: Annotated[int | None, Query(ge=1800, le=2200)] = None) -> dict[str, Any]:
        """The engagements you may see as a yearly panel channel from the register's principal to
        each partner, with the highest marking it was built from."""
        import json

        built = u.channel(status, year=year)
        return json.loads(json.dumps(built.to_dict(), default=str))

    @app.post("/analysis/plan", tags=["analysis"])
    def plan(u: User, body: PlanIn) -> dict[str, Any]:
        result = u.plan(body.budget, body.priorities,
                        type_costs={k.value: v for k, v in body.type_costs.items()} if body.type_costs else None,
                        max_per_type=body.max_per_type, diminishing=body.diminishing)
        return result.to_dict()

    return app


def _records(frame: Any) -> list[dict[str, Any]]:
    import json

    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object and len(frame) and isinstance(frame[column].iloc[0], dt.date):
            frame[column] = frame[column].astype(str)
    return json.loads(frame.to_json(orient="records", date_format="iso"))


_CACHE_SETTING = {True: "1", False: "0", "commit": "commit"}


def app_from_environment() -> FastAPI:
    """App factory for multi-worker uvicorn: the register at ``$SUASION_REGISTER_URL``."""
    setting = os.environ.get("SUASION_RESPONSE_CACHE", "1")
    return create_app(None, secure_cookies=os.environ.get("SUASION_SECURE_COOKIES") == "1",
                      response_cache="commit" if setting == "commit" else setting != "0")


#: uvicorn worker processes of ``suasion register serve`` (the count that measured best under
#: mixed load on the 2-core machine: benchmarks/register_load.py, docs/register.md#performance).
DEFAULT_WORKERS = 2


def serve(location: str | os.PathLike[str] | None = None, host: str = "127.0.0.1", port: int = 8000,
          secure_cookies: bool = False, log_level: str = "warning", workers: int = DEFAULT_WORKERS,
          response_cache: bool | str = True) -> None:
    """Run the API with uvicorn (loopback by default); ``workers`` > 1 runs several processes."""
    import uvicorn

    from suasion.engagements.store import ENV_URL, normalise_url

    if workers <= 1:
        uvicorn.run(create_app(location, secure_cookies=secure_cookies, response_cache=response_cache),
                    host=host, port=port,
                    log_level=log_level, access_log=False)
        return
    url = normalise_url(location)
    Register(url).close()  # migrate once, before the workers start
    os.environ[ENV_URL] = url
    os.environ["SUASION_SECURE_COOKIES"] = "1" if secure_cookies else "0"
    os.environ["SUASION_RESPONSE_CACHE"] = _CACHE_SETTING[response_cache]
    uvicorn.run("suasion.engagements.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, access_log=False)
