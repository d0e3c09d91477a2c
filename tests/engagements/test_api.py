"""The JSON API with httpx (FastAPI's TestClient): authorisation for every role and clearance on
every endpoint, sessions with CSRF, bad input. Runs on SQLite and PostgreSQL (``backend_url``)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from suasion.engagements.app import create_app
from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.register import Register

from .conftest import PASSWORD, USERS, engagement, objective

LEVELS = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]
RANK = {"viewer": 0, "planner": 1, "approver": 2, "admin": 3}
ROLE = {**{name: role for name, (role, _) in USERS.items()}, "root": "admin"}
CLEARANCE = {**{name: level for name, (_, level) in USERS.items()}, "root": "SECRET"}
EVERYONE = list(ROLE)
COST = {"OFFICIAL": 100.0, "OFFICIAL-SENSITIVE": 1000.0, "SECRET": 10000.0}

COVERED: set[tuple[str, str]] = set()


def cleared(user: str, level: str) -> bool:
    return LEVELS.index(CLEARANCE[user]) >= LEVELS.index(level)


def may(user: str, role: str) -> bool:
    return RANK[ROLE[user]] >= RANK[role]


@dataclass
class World:
    reg: Register
    app: Any
    clients: dict[str, TestClient] = field(default_factory=dict)
    engagements: dict[str, int] = field(default_factory=dict)
    objectives: dict[str, int] = field(default_factory=dict)

    def call(self, user: str | None, method: str, route: str, path: str | None = None, **kw: Any) -> Any:
        COVERED.add((method.upper(), route))
        client = self.clients[user] if user else self.anonymous
        return client.request(method, path or route, **kw)

    @property
    def root(self) -> Register:
        return self.reg.as_user("root")

    def fresh(self, level: str, status: str = "proposed") -> tuple[int, int]:
        """A new engagement at ``level`` moved to ``status``: (id, version)."""
        root = self.root
        e = root.add(engagement(classification=level, objective_ids=[self.objectives[level]]))
        for step in {"proposed": [], "planned": ["planned"], "executed": ["planned", "approved", "executed"]}[status]:
            e = root.transition(e.id, step, version=e.version)
        return e.id, e.version


@pytest.fixture
def world(backend_url: str) -> Iterator[World]:
    reg = Register(backend_url)
    app = create_app(reg)
    w = World(reg, app)
    root = reg.as_user("root")
    for level in LEVELS:
        o = root.add_objective(objective(title=f"aim {level}", classification=level))
        w.objectives[level] = o.id
        e = root.add(engagement(title=f"talks {level}", classification=level, objective_ids=[o.id],
                                estimated_cost=COST[level]))
        for step in ("planned", "approved", "executed"):
            e = root.transition(e.id, step, version=e.version)
        w.engagements[level] = e.id
    for name in EVERYONE:
        token = reg.as_user(name).create_token("tests")
        w.clients[name] = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    w.anonymous = TestClient(app)  # type: ignore[attr-defined]
    yield w
    reg.close()


def _visible(user: str) -> list[str]:
    return [level for level in LEVELS if cleared(user, level)]


def test_reads_never_show_records_above_clearance(world: World) -> None:
    for user in EVERYONE:
        levels = _visible(user)
        page = world.call(user, "GET", "/engagements").json()
        assert sorted(e["title"] for e in page["items"]) == sorted(f"talks {lv}" for lv in levels), user
        assert page["total"] == len(levels)
        assert world.call(user, "GET", "/engagements/count").json() == {"count": len(levels)}
        found = world.call(user, "GET", "/engagements", params={"q": "TALKS", "partner": "PAK"}).json()
        assert found["total"] == len(levels)
        assert world.call(user, "GET", "/engagements/count", params={"q": "SECRET"}).json()["count"] == \
            int(cleared(user, "SECRET"))
        objs = world.call(user, "GET", "/objectives").json()
        assert sorted(o["title"] for o in objs["items"]) == sorted(f"aim {lv}" for lv in levels)
        assert world.call(user, "GET", "/objectives/count", params={"q": "aim"}).json() == {"count": len(levels)}
        for level in LEVELS:
            want = 200 if cleared(user, level) else 404
            r = world.call(user, "GET", "/engagements/{engagement_id}", f"/engagements/{world.engagements[level]}")
            assert r.status_code == want, (user, level, r.text)
            r = world.call(user, "GET", "/objectives/{objective_id}", f"/objectives/{world.objectives[level]}")
            assert r.status_code == want, (user, level, r.text)
        for kind in ("engagements", "objectives"):
            for fmt in ("csv", "json"):
                text = world.call(user, "GET", "/export/{kind}", f"/export/{kind}", params={"format": fmt}).text
                for level in LEVELS:
                    assert (f" {level}," in text or f" {level}\"" in text) == cleared(user, level), \
                        (user, kind, fmt, level)
        audit = world.call(user, "GET", "/audit", params={"limit": 1000}).json()
        assert audit["total"] > 0 and {x["classification"] for x in audit["items"]} <= set(levels)
        traj = world.call(user, "GET", "/analysis/trajectory/{partner}", "/analysis/trajectory/PAK").json()
        assert sum(row["engagements"] for row in traj) == len(levels)
        checks = world.call(user, "GET", "/analysis/coherence", params={"priority": ["IND"]}).json()
        assert sum(row["cost"] for row in checks["spending"]) == sum(COST[lv] for lv in levels)
        assert checks["spending_concentration"][0]["flagged"] is True


def test_writes_need_role_and_clearance(world: World) -> None:
    for user in EVERYONE:
        for level in LEVELS:
            hidden = not cleared(user, level)
            # create: a record above your clearance is refused (422), not created
            r = world.call(user, "POST", "/engagements", json=engagement(classification=level))
            assert r.status_code == (403 if not may(user, "planner") else 422 if hidden else 201), (user, level)
            r = world.call(user, "POST", "/objectives", json=objective(classification=level))
            assert r.status_code == (403 if not may(user, "planner") else 422 if hidden else 201), (user, level)
            csv_text = ("title,type,partners,start_date,end_date,level,lead_department,classification\n"
                        f"imported,outreach,PAK,2026-01-01,2026-01-02,working,foreign,{level}\n")
            r = world.call(user, "POST", "/import/{kind}", "/import/engagements", content=csv_text,
                           params={"format": "csv"})
            assert r.status_code == (403 if not may(user, "planner") else 422 if hidden else 201), (user, level)
            expect = 403 if not may(user, "planner") else 404 if hidden else 200
            eid, version = world.fresh(level)
            r = world.call(user, "PATCH", "/engagements/{engagement_id}", f"/engagements/{eid}",
                           json={"version": version, "title": "edited"})
            assert r.status_code == expect, (user, level, r.text)
            eid, version = world.fresh(level)
            r = world.call(user, "POST", "/engagements/{engagement_id}/transition",
                           f"/engagements/{eid}/transition", json={"to": "planned", "version": version})
            assert r.status_code == expect, (user, level, r.text)
            eid, version = world.fresh(level, "planned")
            r = world.call(user, "POST", "/engagements/{engagement_id}/approve", f"/engagements/{eid}/approve",
                           json={"version": version})
            assert r.status_code == (403 if not may(user, "approver") else 404 if hidden else 200), (user, level)
            eid, version = world.fresh(level, "executed")
            r = world.call(user, "POST", "/engagements/{engagement_id}/assessments",
                           f"/engagements/{eid}/assessments",
                           json={"date": "2026-04-01", "rating": 3, "version": version,
                                 "indicator_results": [{"indicator": "engagements completed", "value": 3}]})
            assert r.status_code == (403 if not may(user, "planner") else 404 if hidden else 201), (user, level)
            o = world.root.add_objective(objective(classification=level))
            r = world.call(user, "PATCH", "/objectives/{objective_id}", f"/objectives/{o.id}",
                           json={"version": o.version, "owner": "someone else"})
            assert r.status_code == expect, (user, level, r.text)
    # nothing above a user's clearance was written by them
    for e in world.root.all_engagements():
        assert cleared(e.created_by, e.classification.value if hasattr(e.classification, "value")
                       else e.classification)


def test_admin_endpoints(world: World) -> None:
    for n, user in enumerate(EVERYONE):
        admin = may(user, "admin")
        r = world.call(user, "GET", "/users")
        assert r.status_code == (200 if admin else 403), user
        if admin:
            assert {u["username"] for u in r.json()} >= set(USERS)
        r = world.call(user, "POST", "/users", json={"username": f"new{n}", "password": PASSWORD,
                                                     "role": "viewer", "clearance": "OFFICIAL"})
        assert r.status_code == (201 if admin else 403), user
        target = world.reg.as_user("root").list_users()
        victim = [u for u in target if u.username == "viewer_off"][0]
        r = world.call(user, "PATCH", "/users/{username}", "/users/viewer_off",
                       json={"version": victim.version, "clearance": "OFFICIAL"})
        assert r.status_code == (200 if admin else 403), user
        r = world.call(user, "GET", "/settings/classifications")  # readable by all, for forms
        assert r.status_code == 200 and r.json()["levels"] == LEVELS
        r = world.call(user, "PUT", "/settings/classifications", json={"levels": LEVELS})
        # only an admin cleared to the highest marking may change the markings
        assert r.status_code == (200 if admin and CLEARANCE[user] == LEVELS[-1] else 403), user


def test_endpoints_for_every_role(world: World) -> None:
    for user in EVERYONE:
        me = world.call(user, "GET", "/auth/me").json()
        assert (me["role"], me["clearance"]) == (ROLE[user], CLEARANCE[user])
        assert me["visible_classifications"] == _visible(user)
        assert world.call(user, "GET", "/vocabulary").json()["classifications"] == LEVELS
        r = world.call(user, "POST", "/analysis/plan", json={"budget": 30000, "priorities": {"PAK": 1},
                                                             "type_costs": {"staff_talks": 10000}})
        assert r.status_code == 200 and r.json()["spent"] == 30000
        r = world.call(user, "POST", "/auth/tokens", json={"name": "another"})
        assert r.status_code == 201 and len(r.json()["token"]) > 30


def test_every_endpoint_needs_authentication(world: World) -> None:
    paths = world.app.openapi()["paths"]
    for route, methods in paths.items():
        for method in methods:
            if route == "/auth/login":
                continue
            concrete = (route.replace("{engagement_id}", "1").replace("{objective_id}", "1")
                        .replace("{kind}", "engagements").replace("{partner}", "PAK").replace("{username}", "root"))
            r = world.call(None, method.upper(), route, concrete, json={})
            assert r.status_code == 401, (method, route, r.status_code)


def test_matrix_covers_every_endpoint(world: World) -> None:
    """Runs last in this module: every route of the OpenAPI schema was exercised above."""
    paths = world.app.openapi()["paths"]
    wanted = {(m.upper(), p) for p, methods in paths.items() for m in methods} - {("POST", "/auth/login"),
                                                                                  ("POST", "/auth/logout")}
    assert wanted - COVERED == set()


def test_browser_session_needs_csrf(world: World) -> None:
    client = TestClient(world.app)
    r = client.post("/auth/login", json={"username": "planner_sec", "password": PASSWORD})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
    assert client.get("/engagements").json()["total"] == 3
    assert client.post("/engagements", json=engagement()).status_code == 401
    assert client.post("/engagements", json=engagement(), headers={"X-CSRF-Token": "forged"}).status_code == 401
    assert client.post("/engagements", json=engagement(), headers={"X-CSRF-Token": csrf}).status_code == 201
    assert client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.clear()
    assert client.get("/engagements").status_code == 401


def test_login_is_throttled(world: World) -> None:
    client = TestClient(world.app)
    codes = [client.post("/auth/login", json={"username": "viewer_off", "password": "not the password"}).status_code
             for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert client.post("/auth/login", json={"username": "viewer_off", "password": PASSWORD}).status_code == 429


@pytest.mark.parametrize("body, message", [
    ({"end_date": "2026-01-01"}, "end_date 2026-01-01 is before start_date"),
    ({"estimated_cost": -1}, "greater than or equal to 0"),
    ({"partners": ["PAK", "Atlantis"]}, "Atlantis"),
    ({"objective_ids": [4242]}, "unknown objective id"),
])
def test_bad_input_over_the_api(world: World, body: dict[str, Any], message: str) -> None:
    before = world.root.count()
    r = world.call("planner_sec", "POST", "/engagements", json=engagement(**body))
    assert r.status_code == 422 and message in r.text
    assert world.root.count() == before


def test_conflicts_and_illegal_transitions_over_the_api(world: World) -> None:
    eid, version = world.fresh("OFFICIAL")
    ok = world.call("planner_off", "PATCH", "/engagements/{engagement_id}", f"/engagements/{eid}",
                    json={"version": version, "notes": "first"})
    stale = world.call("planner_off", "PATCH", "/engagements/{engagement_id}", f"/engagements/{eid}",
                       json={"version": version, "notes": "second"})
    assert (ok.status_code, stale.status_code) == (200, 409)
    assert stale.json()["error"] == "ConflictError"
    r = world.call("planner_off", "POST", "/engagements/{engagement_id}/transition", f"/engagements/{eid}/transition",
                   json={"to": "executed", "version": ok.json()["version"]})
    assert r.status_code == 422 and "proposed -> executed is not allowed" in r.json()["detail"]
    r = world.call("planner_off", "POST", "/import/{kind}", "/import/engagements", content='[{"title": 1,]',
                   params={"format": "json"})
    assert r.status_code == 400 and "malformed JSON" in r.json()["detail"]


def test_cached_reads_follow_every_commit_and_clearance(backend_url: str) -> None:
    """GET /engagements and /engagements/{id} may be answered from the response cache: a change
    committed through another connection (here a second Register, as the CLI or another worker
    would) must show at once, and users of different clearance must never share a body."""
    served, other = Register(backend_url), Register(backend_url)
    try:
        app = create_app(served)
        root = other.as_user("root")
        secret = root.add(engagement(title="cached secret", classification="SECRET"))
        official = root.add(engagement(title="cached official", classification="OFFICIAL"))
        clients = {name: TestClient(app, headers={"Authorization": f"Bearer {served.as_user(name).create_token()}"})
                   for name in ("root", "viewer_off")}
        for _ in range(2):  # the second round is served from the cache where there is one
            assert clients["root"].get("/engagements").json()["total"] == 2
            assert clients["viewer_off"].get("/engagements").json()["total"] == 1
            assert clients["root"].get(f"/engagements/{secret.id}").status_code == 200
            assert clients["viewer_off"].get(f"/engagements/{secret.id}").status_code == 404
        root.update(official.id, {"version": official.version, "notes": "changed elsewhere"})
        assert clients["viewer_off"].get(f"/engagements/{official.id}").json()["notes"] == "changed elsewhere"
        assert clients["viewer_off"].get("/engagements").json()["items"][0]["notes"] == "changed elsewhere"
        root.add(engagement(title="third", classification="OFFICIAL"))
        assert clients["viewer_off"].get("/engagements").json()["total"] == 2
        assert clients["root"].get("/engagements").json()["total"] == 3
    finally:
        other.close()
        served.close()


def test_nul_in_a_search_is_a_4xx_in_the_api_and_an_error_in_the_library(world: World) -> None:
    client = world.clients["root"]
    for path in ("/engagements", "/engagements/count", "/objectives", "/objectives/count"):
        r = client.get(path, params={"q": "talks\x00"})
        assert 400 <= r.status_code < 500 and "NUL" in r.json()["detail"], path
    with pytest.raises(InvalidRecordError, match="NUL"):
        world.reg.as_user("root").list(q="talks\x00")
