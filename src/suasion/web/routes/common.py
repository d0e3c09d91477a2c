"""What every page route shares: run the work, render the page, turn user errors into a message
next to the still-filled form (4xx), and the list of actors for the search boxes."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from suasion.errors import SuasionError
from suasion.web.app import html
from suasion.web.params import status_of


def page(request: Request, template: str, form: dict[str, Any], build: Callable[[], dict[str, Any] | None],
         **extra: Any) -> HTMLResponse:
    """Render ``template`` with ``form`` (the values as typed) and ``result = build()``; a
    :class:`SuasionError` becomes ``error`` and the status of the error."""
    context: dict[str, Any] = {"form": form, "result": None, "error": None, "actors": actor_options(), **extra}
    status = 200
    try:
        context["result"] = build()
    except SuasionError as exc:
        context["suggestions"] = suggestions(request, form, str(exc))
        # the suggestions become links below the message, so the message need not list them too
        context["error"] = str(exc).split("; did you mean")[0] if context["suggestions"] else str(exc)
        status = status_of(exc)
    return html(request, template, context, status)


def suggestions(request: Request, form: dict[str, Any], message: str) -> list[tuple[str, str]]:
    """For "unknown country 'X'; did you mean: Name (CODE), ...": links to the same page with the
    field that held X replaced by each suggested code."""
    import re

    from suasion.web.views import url

    if "did you mean" not in message:
        return []
    typed = re.search(r"'([^']*)'", message)
    field = next((k for k, v in form.items() if typed and isinstance(v, str) and v.strip() == typed.group(1)), None)
    if field is None:
        return []
    out = []
    for label, code in re.findall(r"([^:,;?]+?) \(([A-Z]{2,5})\)", message.split("did you mean", 1)[1]):
        out.append((f"{label.strip()} ({code})", url(request.url.path, **{**form, field: code})))
    return out


@lru_cache(maxsize=1)
def actor_options() -> list[tuple[str, str]]:
    """(code, label) for every state and bloc, for the ``<datalist>`` behind the country boxes."""
    from suasion.actors import bloc_codes, bloc_name, state_name
    from suasion.panel import load_panel

    states = [(code, f"{state_name(code) or code} ({code})") for code in load_panel().actors]
    blocs = [(code, f"{bloc_name(code)} ({code})") for code in bloc_codes()]
    return sorted(states, key=lambda s: s[1]) + blocs


def year_links() -> list[int]:
    from suasion.web.queries import panel_years

    first, last = panel_years()
    return list(range(first, last + 1))
