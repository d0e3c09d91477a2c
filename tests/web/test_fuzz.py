"""No input gives a 5xx: Schemathesis over the workbench's JSON endpoints (its OpenAPI schema at
/api/openapi.json; the mounted register API has its own in tests/engagements/test_fuzz.py), and a
crawl of every page with fuzzed query parameters (Hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import build_register

_HOME = Path(tempfile.mkdtemp(prefix="suasion-web-fuzz-"))


def _app() -> Any:
    from suasion.web.app import create_app

    return create_app(str(_register_path()), event_store=str(_HOME / "events"))


def _register_path() -> Path:
    path = _HOME / "register.sqlite"
    if not path.exists():
        build_register(path).close()
    return path


APP = _app()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_json_endpoints_no_server_error(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (case.formatted_path, case.query, response.text[:500])


# --- pages with fuzzed query parameters -------------------------------------------------------

ACTORS = st.sampled_from(["PAK", "Pakistan", "EU", "NATO", "usa", "Pakistn", "", " ", "XXX", "gw:260", "770",
                          "TUV", "ESH", "Côte d'Ivoire", "<script>", "a" * 300, "\x00", "PAK\nIND", "-1"])
NOISE = st.one_of(st.text(max_size=40), st.integers(-10**12, 10**12).map(str), ACTORS,
                  st.sampled_from(["1995", "2024", "2025", "1994", "0", "9" * 30, "2010.5", "nan", "inf"]))
PAGES = {
    "/leverage": ("target", "year", "model"),
    "/leverage/of": ("source", "year", "model"),
    "/dyad": ("a", "b", "model"),
    "/brokers": ("principal", "target", "year", "hops"),
    "/incentives": ("principal", "broker", "year"),
    "/whatif": ("principal", "target", "year", "changes"),
    "/network": ("year", "model", "region", "top"),
    "/negotiation": ("runs", "actor"),
    "/register/calendar": ("month",),
    "/register": ("status", "partner", "type", "q", "start_from", "start_to", "offset"),
    "/register/trajectory": ("partner",),
    "/register/coherence": ("priority",),
    "/register/plan": ("budget", "priorities"),
}


@pytest.fixture(scope="module")
def crawler() -> Any:
    from fastapi.testclient import TestClient

    from tests.web.conftest import PASSWORD

    with TestClient(APP, headers={"accept": "text/html"}) as c:
        c.post("/register/login", data={"username": "chief", "password": PASSWORD})
        yield c


@pytest.mark.slow
@pytest.mark.parametrize("path", list(PAGES))
def test_pages_with_fuzzed_parameters_no_server_error(path: str, crawler: Any) -> None:
    names = PAGES[path]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries({}, optional={n: NOISE for n in names}))
    def crawl(query: dict[str, str]) -> None:
        r = crawler.get(path, params=query)
        assert r.status_code < 500, (path, query, r.text[-800:])
        assert "Traceback" not in r.text

    crawl()
