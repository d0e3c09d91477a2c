"""The workbench: one FastAPI application serving the pages, their CSV/JSON downloads and the
register's JSON API (mounted at ``/api/register`` with its own auth, CSRF and clearance rules).

Pages are rendered on the server (Jinja2) with server-drawn SVG charts, so they work with
JavaScript off and print as shown. htmx and d3 (vendored, see ``static/vendor/MANIFEST.json``)
only enhance. The Content-Security-Policy allows nothing but this origin: no CDN, no inline
script, no inline style. User errors (a :class:`~suasion.errors.SuasionError`) give the same
page with the form still filled in and a message, under a 4xx status; downloads and the JSON API
answer ``{"error", "detail"}``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware

from suasion.errors import SuasionError

HERE = Path(__file__).parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "public, max-age=3600")
        else:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def templates() -> Jinja2Templates:
    env = Jinja2Templates(directory=str(HERE / "templates"))
    from suasion.web import views

    env.env.globals.update(url=views.url, num=views.num, percent=views.percent, name_of=views.name_of)
    env.env.trim_blocks = True
    env.env.lstrip_blocks = True
    return env


def create_app(register: Any = None, *, event_store: str | os.PathLike[str] | None = None,
               secure_cookies: bool = False) -> FastAPI:
    """The workbench over ``register`` (a :class:`~suasion.engagements.Register`, a path or URL,
    or None for the default register file) and an optional event store folder.

    A register given by path or URL must exist. Without one, the default register is used if it
    exists; otherwise the workbench runs without a register (its pages say how to create one) and
    creates nothing."""
    from suasion.engagements.app import create_app as register_api
    from suasion.engagements.register import Register
    from suasion.web.routes import analysis, downloads, negotiation, pages, register_pages

    from suasion.engagements.errors import RegisterLocationError

    try:
        reg = register if isinstance(register, Register) else Register(register)
    except RegisterLocationError:
        if register is not None:
            raise
        reg = None
    app = FastAPI(title="suasion workbench", version="1", docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json", description=__doc__)
    app.state.register = reg
    app.state.event_store = Path(event_store) if event_store else None
    app.state.secure_cookies = secure_cookies
    app.state.templates = templates()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if reg is not None:
        app.mount("/api/register", register_api(reg, secure_cookies=secure_cookies))

    @app.exception_handler(SuasionError)
    async def _user_error(request: Request, exc: SuasionError) -> Response:
        from suasion.web.params import status_of

        return JSONResponse({"error": type(exc).__name__, "detail": str(exc)}, status_code=status_of(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "text/html"):
            return JSONResponse({"error": "HTTPError", "detail": str(exc.detail)}, status_code=exc.status_code)
        return app.state.templates.TemplateResponse(
            request, "error.html", {"message": str(exc.detail), "status": exc.status_code},
            status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors())
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "RequestValidationError", "detail": detail}, status_code=422)
        return app.state.templates.TemplateResponse(request, "error.html", {"message": detail, "status": 422},
                                                    status_code=422)

    for module in (pages, analysis, negotiation, register_pages, downloads):
        app.include_router(module.router)
    return app


def html(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a page; ``context`` gets the request's path for the navigation."""
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status)
