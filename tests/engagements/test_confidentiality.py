"""Confidentiality findings of the black-box test of the register (issue 15), each on SQLite and
(slow) PostgreSQL: filters through hidden objectives, indicator results of hidden objectives,
admins bounded by their own clearance, hidden and missing records taking the same path, own edits
visible in the audit trail, down-marking, CSV formulas."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterator
from typing import Any, Self

import pytest
import sqlalchemy as sa

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from suasion.engagements.app import create_app
from suasion.engagements.errors import (
    InvalidRecordError,
    PermissionDeniedError,
    RecordNotFoundError,
)
from suasion.engagements.models import Engagement, Objective
from suasion.engagements.register import Register

from .conftest import PASSWORD, engagement, objective


def _executed(reg: Register, **fields: Any) -> Any:
    root = reg.as_user("root")
    e = root.add(engagement(**fields))
    for step in ("planned", "approved", "executed"):
        e = root.transition(e.id, step, version=e.version)
    return e


@pytest.fixture
def linked(reg: Register) -> dict[str, Any]:
    """An OFFICIAL engagement linked to a SECRET objective (with a secret indicator) and to an
    OFFICIAL objective, executed."""
    root = reg.as_user("root")
    secret = root.add_objective(objective(title="Hidden aim", classification="SECRET",
                                          indicators=[{"name": "covert access", "baseline": 0, "target": 1}]))
    open_ = root.add_objective(objective(title="Open aim", classification="OFFICIAL"))
    e = _executed(reg, title="Open talks", objective_ids=[secret.id, open_.id])
    return {"secret": secret, "open": open_, "engagement": e}


@pytest.fixture
def client_for(reg: Register) -> Iterator[Any]:
    app = create_app(reg)
    clients: dict[str, TestClient] = {}

    def client(name: str) -> TestClient:
        if name not in clients:
            token = reg.as_user(name).create_token("tests")
            clients[name] = TestClient(app, headers={"Authorization": f"Bearer {token}"})
        return clients[name]

    yield client


def test_objective_filter_sees_only_visible_objectives(reg: Register, linked: dict[str, Any],
                                                      client_for: Any) -> None:
    """Finding 1: a filter on a hidden objective answers exactly like one on a missing objective,
    and never lists the visible engagements linked to the hidden one."""
    low = client_for("viewer_off")
    hidden, missing = linked["secret"].id, 999_999
    for path in ("/engagements", "/engagements/count"):
        a = low.get(path, params={"objective_id": hidden})
        b = low.get(path, params={"objective_id": missing})
        assert (a.status_code, a.json()) == (b.status_code, b.json()), path
    assert low.get("/engagements", params={"objective_id": hidden}).json()["total"] == 0
    assert low.get("/engagements", params={"objective_id": linked["open"].id}).json()["total"] == 1
    assert client_for("viewer_sec").get("/engagements", params={"objective_id": hidden}).json()["total"] == 1
    assert reg.as_user("viewer_off").count(objective_id=hidden) == 0


def test_indicator_of_a_higher_marked_objective_is_refused(reg: Register, linked: dict[str, Any]) -> None:
    """Finding 2: a SECRET objective's indicator may not be recorded on an OFFICIAL engagement."""
    e = linked["engagement"]
    root = reg.as_user("root")
    with pytest.raises(InvalidRecordError, match="marked SECRET, above engagement"):
        root.assess(e.id, {"date": "2026-04-01", "rating": 3, "version": e.version,
                           "indicator_results": [{"indicator": "covert access", "value": 1}]})
    done = root.assess(e.id, {"date": "2026-04-01", "rating": 3, "version": e.version,
                              "indicator_results": [{"indicator": "engagements completed", "value": 2}]})
    assert [(r.indicator, r.objective_id) for r in done.assessments[0].indicator_results] == \
        [("engagements completed", linked["open"].id)]


def test_results_of_an_objective_marked_up_later_are_hidden(reg: Register, client_for: Any) -> None:
    """Finding 2, the other way in: an objective re-marked above the engagement after its result
    was recorded; OFFICIAL readers then see neither the result nor its indicator anywhere."""
    root = reg.as_user("root")
    o = root.add_objective(objective(title="Aim", indicators=[{"name": "port access", "target": 2}]))
    e = _executed(reg, objective_ids=[o.id])
    root.assess(e.id, {"date": "2026-04-01", "rating": 4, "version": e.version,
                       "indicator_results": [{"indicator": "port access", "value": 1}]})
    root.update_objective(o.id, {"version": o.version, "classification": "SECRET"})
    low, high = client_for("viewer_off"), client_for("viewer_sec")
    seen = [low.get(f"/engagements/{e.id}").text, low.get("/engagements").text,
            low.get("/export/engagements", params={"format": "json"}).text,
            low.get("/export/engagements", params={"format": "csv"}).text,
            low.get("/audit", params={"limit": 1000}).text]
    assert all("port access" not in text for text in seen)
    assert json.loads(seen[0])["assessments"][0]["rating"] == 4  # the rest of the assessment stays
    assert "port access" in high.get(f"/engagements/{e.id}").text
    assert "port access" in high.get("/audit", params={"limit": 1000}).text


def test_admins_are_bounded_by_their_own_clearance(reg: Register) -> None:
    """Finding 3: an OFFICIAL admin cannot re-order the markings, raise their own clearance,
    reset a SECRET user's password; an OFFICIAL-SENSITIVE admin cannot create a SECRET user."""
    root = reg.as_user("root")
    root.add_user({"username": "admin_sens", "password": PASSWORD, "role": "admin",
                   "clearance": "OFFICIAL-SENSITIVE"})
    low = reg.as_user("admin_off")
    with pytest.raises(PermissionDeniedError):
        low.set_classifications(["SECRET", "OFFICIAL-SENSITIVE", "OFFICIAL"])
    me = next(u for u in root.list_users() if u.username == "admin_off")
    with pytest.raises(PermissionDeniedError, match="above your own clearance"):
        low.update_user("admin_off", {"version": me.version, "clearance": "SECRET"})
    with pytest.raises(PermissionDeniedError, match="above your own clearance"):
        reg.as_user("admin_sens").add_user({"username": "spy", "password": PASSWORD, "role": "viewer",
                                            "clearance": "SECRET"})
    victim = next(u for u in root.list_users() if u.username == "viewer_sec")
    with pytest.raises(PermissionDeniedError, match="cleared above you"):
        low.update_user("viewer_sec", {"version": victim.version, "password": "a new passphrase for me"})
    assert reg.classifications() == ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]
    assert reg.as_user("admin_off").actor.clearance == "OFFICIAL"
    # even a SECRET admin keeps the order of markings in use
    with pytest.raises(InvalidRecordError, match="keep their order"):
        root.set_classifications(["OFFICIAL", "SECRET", "OFFICIAL-SENSITIVE"])
    # within their clearance an admin still manages users
    reg.as_user("admin_sens").add_user({"username": "clerk", "password": PASSWORD, "role": "viewer",
                                        "clearance": "OFFICIAL-SENSITIVE"})


class _Recorder:
    """SQL statements and ORM loads of engagements and objectives while active."""

    def __init__(self, reg: Register):
        self.reg, self.statements, self.loads = reg, [], 0

    def __enter__(self) -> Self:
        engines = {self.reg.store.reader, self.reg.store.writer}
        for engine in engines:
            sa.event.listen(engine, "before_cursor_execute", self._statement)
        for model in (Engagement, Objective):
            sa.event.listen(model, "load", self._load)
        return self

    def __exit__(self, *exc: object) -> None:
        for engine in {self.reg.store.reader, self.reg.store.writer}:
            sa.event.remove(engine, "before_cursor_execute", self._statement)
        for model in (Engagement, Objective):
            sa.event.remove(model, "load", self._load)

    def _statement(self, _conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        self.statements.append(statement)

    def _load(self, _target, _context) -> None:  # type: ignore[no-untyped-def]
        self.loads += 1


def test_hidden_and_missing_records_take_the_same_path(reg: Register, client_for: Any) -> None:
    """Finding 4a: PATCH, transition and GET /objectives/{id} of a hidden record do the same work
    as for a missing one (the same SQL statements, nothing loaded) and answer the same."""
    root = reg.as_user("root")
    hidden_e = root.add(engagement(classification="SECRET"))
    hidden_o = root.add_objective(objective(classification="SECRET"))
    missing = 999_999
    low = reg.as_user("planner_off")
    calls = {
        "update": lambda i: low.update(i, {"version": 1, "title": "x"}),
        "transition": lambda i: low.transition(i, "planned", version=1),
        "get_objective": lambda i: low.get_objective(i),
        "update_objective": lambda i: low.update_objective(i, {"version": 1, "owner": "x"}),
        "get": lambda i: low.get(i),
    }
    for name, call in calls.items():
        hidden_id = hidden_o.id if "objective" in name else hidden_e.id
        work = []
        for record in (hidden_id, missing):
            with _Recorder(reg) as rec, pytest.raises(RecordNotFoundError) as info:
                call(record)
            work.append((rec.statements, rec.loads, str(info.value).replace(str(record), "N")))
        assert work[0] == work[1], name
        assert work[0][1] == 0, name
    api = client_for("planner_off")
    for method, path, body in (("PATCH", "/engagements/{}", {"version": 1, "title": "x"}),
                               ("POST", "/engagements/{}/transition", {"to": "planned", "version": 1}),
                               ("GET", "/objectives/{}", None), ("GET", "/engagements/{}", None)):
        hid = hidden_o.id if "objectives" in path else hidden_e.id
        a = api.request(method, path.format(hid), json=body)
        b = api.request(method, path.format(missing), json=body)
        assert a.status_code == b.status_code == 404
        assert a.json()["detail"].replace(str(hid), "N") == b.json()["detail"].replace(str(missing), "N")


def test_own_edit_shows_in_the_audit_trail_despite_a_hidden_link(reg: Register,
                                                                 linked: dict[str, Any]) -> None:
    """Finding 4c: an OFFICIAL planner sees their own edit of an OFFICIAL record linked to a SECRET
    objective; the hidden link is removed from what they see, and kept for SECRET readers."""
    e = reg.as_user("root").add(engagement(title="Linked", objective_ids=[linked["secret"].id,
                                                                         linked["open"].id]))
    planner = reg.as_user("planner_off")
    planner.update(e.id, {"version": e.version, "notes": "my edit"})
    mine = [x for x in planner.audit(entity="engagement", entity_id=e.id).items if x.action == "update"]
    assert len(mine) == 1 and mine[0].actor == "planner_off" and mine[0].after["notes"] == "my edit"
    assert mine[0].after["objective_ids"] == [linked["open"].id] and mine[0].redacted
    assert all(linked["secret"].id not in (x.after or {}).get("objective_ids", [])
               for x in planner.audit(limit=1000).items)
    full = [x for x in reg.as_user("viewer_sec").audit(entity="engagement", entity_id=e.id).items
            if x.action == "update"]
    assert full[0].after["objective_ids"] == sorted([linked["secret"].id, linked["open"].id])
    assert not full[0].redacted


def test_down_marking_needs_an_approver_and_is_audited(reg: Register, client_for: Any) -> None:
    """Finding 5."""
    planner, approver = reg.as_user("planner_sec"), reg.as_user("approver_sec")
    e = planner.add(engagement(classification="SECRET"))
    e = planner.update(e.id, {"version": e.version, "classification": "SECRET", "notes": "same marking"})
    with pytest.raises(PermissionDeniedError, match="lower the marking"):
        planner.update(e.id, {"version": e.version, "classification": "OFFICIAL"})
    r = client_for("planner_sec").patch(f"/engagements/{e.id}", json={"version": e.version,
                                                                        "classification": "OFFICIAL"})
    assert r.status_code == 403 and r.json()["error"] == "PermissionDeniedError"
    e = approver.update(e.id, {"version": e.version, "classification": "OFFICIAL-SENSITIVE"})
    entry = planner.audit(entity="engagement", entity_id=e.id).items[0]
    assert (entry.action, entry.actor, entry.classification) == ("downmark", "approver_sec", "SECRET")
    assert (entry.before["classification"], entry.after["classification"]) == ("SECRET", "OFFICIAL-SENSITIVE")
    raised = planner.update(e.id, {"version": e.version, "classification": "SECRET"})  # raising: any planner
    assert raised.classification == "SECRET"
    o = planner.add_objective(objective(classification="SECRET"))
    with pytest.raises(PermissionDeniedError):
        planner.update_objective(o.id, {"version": o.version, "classification": "OFFICIAL"})
    o = approver.update_objective(o.id, {"version": o.version, "classification": "OFFICIAL"})
    assert planner.audit(entity="objective", entity_id=o.id).items[0].action == "downmark"


def test_down_marking_is_refused_while_higher_results_are_held(reg: Register) -> None:
    root = reg.as_user("root")
    o = root.add_objective(objective(classification="SECRET", indicators=[{"name": "secret measure"}]))
    e = _executed(reg, classification="SECRET", objective_ids=[o.id])
    e = root.assess(e.id, {"date": "2026-04-01", "rating": 3, "version": e.version,
                           "indicator_results": [{"indicator": "secret measure", "value": 1}]})
    with pytest.raises(InvalidRecordError, match="indicator results of objective"):
        reg.as_user("approver_sec").update(e.id, {"version": e.version, "classification": "OFFICIAL"})


FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "'quoted"]


def test_csv_export_neutralises_spreadsheet_formulas(reg: Register) -> None:
    """Finding 6: no cell of an exported CSV starts with = + - @ (or a tab); import gives the text back."""
    planner = reg.as_user("planner_sec")
    for text in FORMULAS:
        planner.add(engagement(title=text, location=text, notes=text))
    planner.add_objective(objective(owner="=cmd|' /C calc'!A0"))
    for kind in ("engagements", "objectives"):
        text = planner.export(kind, "csv")
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (kind, cell)
    exported = planner.export("engagements", "csv")
    ids = planner.import_text("engagements", exported, "csv")
    originals = planner.all_engagements()[:len(ids)]
    copies = [planner.get(i) for i in ids]
    assert [(c.title, c.location, c.notes) for c in copies] == [(o.title, o.location, o.notes) for o in originals]
    assert planner.import_text("objectives", planner.export("objectives", "csv"), "csv")
    assert planner.all_objectives()[-1].owner == "=cmd|' /C calc'!A0"
