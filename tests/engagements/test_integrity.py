"""Integrity and 5xx findings of the black-box test of the register (issue 15), on SQLite and
(slow) PostgreSQL: version and audit gaps, races that ended in 500s, unencodable and
non-finite JSON, NUL characters, login throttling under bursts, unbounded strings, long
imports holding the write lock, deeply nested and large JSON."""

from __future__ import annotations

import json
import random
import threading
import warnings
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from suasion.engagements import auth, io
from suasion.engagements.app import create_app
from suasion.engagements.errors import (
    AuthenticationError,
    ConflictError,
    InvalidRecordError,
    ThrottledError,
)
from suasion.engagements.register import Register
from suasion.errors import InputFileError, SuasionError

from .conftest import PASSWORD, engagement, objective


def _audit_versions(reg: Register, eid: int) -> list[int]:
    entries = reg.as_user("root").audit(entity="engagement", entity_id=eid, limit=1000).items
    return sorted(x.version for x in entries)


def test_patch_with_objective_ids_bumps_the_version_once(reg: Register) -> None:
    """Integrity 1: objective_ids with another field used to flush twice (version +2, audit gap)."""
    planner = reg.as_user("planner_sec")
    o = planner.add_objective(objective())
    e = planner.add(engagement())
    e = planner.update(e.id, {"version": e.version, "title": "renamed", "objective_ids": [o.id],
                              "partners": ["PAK", "IND"]})
    assert e.version == 2 and e.objective_ids == [o.id]
    e = planner.update(e.id, {"version": 2, "notes": "n", "objective_ids": []})
    assert e.version == 3
    assert _audit_versions(reg, e.id) == [1, 2, 3]


def test_conflicting_relationship_patches_get_409_never_an_error(reg: Register) -> None:
    """Integrity 2: 20 clients patching partners and objective_ids of the same records at once
    (on PostgreSQL this gave IntegrityError, StaleDataError and deadlocks): every attempt either
    succeeds or is a version conflict, and versions and audit entries have no gaps."""
    root = reg.as_user("root")
    objectives = [root.add_objective(objective(title=f"o{i}")).id for i in range(3)]
    records = [root.add(engagement(title=f"shared {i}")).id for i in range(3)]
    planner = reg.as_user("planner_sec")
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def client(n: int) -> None:
        rng = random.Random(n)
        barrier.wait()
        for i in range(8):
            eid = records[(n + i) % len(records)]
            try:
                version = planner.get(eid).version
                planner.update(eid, {"version": version, "partners": rng.sample(["PAK", "IND", "AFG", "BGD"], 2),
                                     "objective_ids": rng.sample(objectives, rng.randint(0, 3)),
                                     "notes": f"{n}-{i}"})
                key = "ok"
            except ConflictError:
                key = "conflict"
            except Exception as exc:  # noqa: BLE001 - any other error is the bug under test
                key = "error"
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            with lock:
                outcomes[key] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == [] and outcomes["ok"] > 0 and sum(outcomes.values()) == 160, (outcomes, errors[:3])
    for eid in records:
        final = root.get(eid).version
        assert _audit_versions(reg, eid) == list(range(1, final + 1))


BAD_BODIES = ['{"username": "\\ud800", "password": "x"}', '{"title": "\\udfff"}', '{"budget": 1e999}',
              '{"version": NaN, "notes": "x"}', '{"levels": ["\\ud83d"]}', '{"name": "\\ud800"}',
              '{"password": "\\ud800\\ud800", "username": "root"}', '{"to": "planned", "version": Infinity}']


def test_unencodable_and_non_finite_json_never_gives_500(reg: Register) -> None:
    """Integrity 3: lone surrogates, 1e999 and NaN in any JSON body, on every route (login
    included), answer a 4xx in the one error shape, without echoing the input."""
    app = create_app(reg)
    token = reg.as_user("root").create_token("t")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    anonymous = TestClient(app)
    e = reg.as_user("root").add(engagement())
    o = reg.as_user("root").add_objective(objective())
    routes = [(m.upper(), p.replace("{engagement_id}", str(e.id)).replace("{objective_id}", str(o.id))
               .replace("{kind}", "engagements").replace("{username}", "viewer_off").replace("{partner}", "PAK")
               .replace("{token_id}", "1"))
              for p, methods in app.openapi()["paths"].items() for m in methods if m in ("post", "patch", "put")]
    assert len(routes) >= 12
    for method, path in routes:
        for body in BAD_BODIES:
            for who in (client, anonymous):
                r = who.request(method, path, content=body, headers={"Content-Type": "application/json"})
                assert r.status_code < 500, (method, path, body, r.text)
                if r.status_code < 400:  # bodies that ignore unknown fields (token names, logout)
                    continue
                data = r.json()
                assert set(data) >= {"error", "detail"}, (method, path, data)
                assert "ud800" not in r.text and "\ud800" not in r.text and "1e999" not in r.text


def test_nul_characters_are_4xx(reg: Register) -> None:
    """Integrity 4: NUL in a user name or query parameter (a 500 on PostgreSQL before)."""
    app = create_app(reg)
    client = TestClient(app, headers={"Authorization": f"Bearer {reg.as_user('root').create_token('t')}"})
    for body in ({"username": "ro\x00ot", "password": PASSWORD}, {"username": "root", "password": "a\x00b" * 5}):
        r = TestClient(app).post("/auth/login", json=body)
        assert r.status_code in (401, 422) and r.json()["error"] in ("AuthenticationError", "InvalidRecordError")
    for path, params in (("/audit", {"entity": "engagement\x00"}), ("/engagements", {"partner": "P\x00K"}),
                         ("/objectives", {"q": "\x00"}), ("/auth/tokens", {"username": "vie\x00wer"})):
        r = client.get(path, params=params)
        assert 400 <= r.status_code < 500, (path, r.text)
    r = client.patch("/users/viewer%00off", json={"version": 1, "active": True})
    assert 400 <= r.status_code < 500
    with pytest.raises(AuthenticationError):
        reg.login("ro\x00ot", PASSWORD)
    with pytest.raises(InvalidRecordError):
        reg.as_user("root").audit(entity="x\x00")


def test_concurrent_first_failed_logins_do_not_race(reg: Register) -> None:
    """Integrity 5: the first failed logins of a name, all at once, used to race on the throttle table."""
    barrier = threading.Barrier(12)
    results: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            reg.login("nobody_yet", "not the password at all")
        except (AuthenticationError, ThrottledError) as exc:
            results.append(type(exc).__name__)
        except Exception as exc:  # noqa: BLE001
            results.append(f"bug: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(set(results)) == ["AuthenticationError", "ThrottledError"], results
    assert results.count("AuthenticationError") == auth.MAX_FAILURES


def test_a_burst_of_guesses_gets_at_most_the_limit_of_password_checks(reg: Register,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Integrity 6: the attempt is counted before the password is checked, atomically."""
    checked = []
    real = auth.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        checked.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting)
    barrier = threading.Barrier(40)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        barrier.wait()
        try:
            reg.login("viewer_off", f"guess number {n} is wrong")
            outcomes.append("in")
        except SuasionError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert len(checked) <= auth.MAX_FAILURES, len(checked)
    assert outcomes.count("ThrottledError") >= 40 - auth.MAX_FAILURES and "in" not in outcomes
    with pytest.raises(ThrottledError):
        reg.login("viewer_off", PASSWORD)


def test_every_string_is_bounded(reg: Register) -> None:
    """Integrity 7: a 16,000-character partner name cost 28 s of name matching; every string
    field now has a bound, checked before any matching."""
    planner = reg.as_user("planner_sec")
    with pytest.raises(InvalidRecordError, match="at most 80 characters"):
        planner.add(engagement(partners=["Pakistan" * 2000]))
    with pytest.raises(InvalidRecordError, match="at most 80 characters"):
        planner.add_objective(objective(partners=["x" * 16000]))
    with pytest.raises(SuasionError, match="80"):
        planner.list(partner="y" * 16000)
    from suasion.engagements.schemas import AssessmentIn, EngagementIn, EngagementPatch, ObjectiveIn, UserIn

    def unbounded(model: Any, path: str = "") -> list[str]:
        out = []
        schema = model.model_json_schema()
        for name in model.model_fields:
            prop = schema["properties"][name]
            text = json.dumps(prop)
            if '"string"' in text and "maxLength" not in text and "enum" not in text and \
                    "format" not in text and "$ref" not in text:
                out.append(f"{path}{name}")
        return out

    for model in (EngagementIn, EngagementPatch, ObjectiveIn, AssessmentIn, UserIn):
        assert unbounded(model) == [], model.__name__


class _Counting(str):
    """A text whose ``count`` calls add up how many characters they scan."""

    scanned = 0

    def count(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        _Counting.scanned += (len(self) if end is None else end) - (start or 0)
        return str.count(self, sub, start, end)


def test_line_counting_in_a_large_json_array_is_linear() -> None:
    """Integrity 9b: naming the line of each record used to count newlines from the start of the
    file for every record (quadratic)."""
    records = [engagement(title=f"r{i}") for i in range(3000)]
    text = _Counting(json.dumps(records, indent=1))
    _Counting.scanned = 0
    rows = io.load("engagements", text, "json", "big.json")
    assert len(rows) == 3000 and rows[-1][0] == str(text).count("\n", 0, str(text).rindex("{")) + 1
    assert _Counting.scanned <= 2 * len(text), (_Counting.scanned, len(text))


def test_deeply_nested_json_is_a_4xx(reg: Register) -> None:
    """Integrity 9a."""
    deep = "[" * 50_000 + "]" * 50_000
    app = create_app(reg)
    client = TestClient(app, headers={"Authorization": f"Bearer {reg.as_user('root').create_token('t')}"})
    for path in ("/engagements", "/import/engagements", "/auth/tokens", "/analysis/plan"):
        r = client.post(path, content=deep, headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500 and "error" in r.json(), (path, r.status_code, r.text[:200])
    nested = json.dumps([{"title": "x", "notes": [[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]}])
    with pytest.raises(InputFileError, match="nested"):
        reg.as_user("planner_sec").import_text("engagements", nested, "json")
    with pytest.raises(InputFileError, match="nested"):
        reg.as_user("planner_sec").import_text("engagements", "[" + deep + "]", "json")


def test_import_writes_with_a_few_statements(reg: Register) -> None:
    """Integrity 8: the write transaction of an import runs a few multi-row statements, not
    several per row (a 30,000-row import held SQLite's write lock for 71 s); all or nothing."""
    root = reg.as_user("root")
    o = root.add_objective(objective())
    rows = [engagement(title=f"imported {i}", objective_ids=[o.id], partners=["PAK", "IND"]) for i in range(2000)]
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(reg.store.writer, "before_cursor_execute", record)
    try:
        ids = reg.as_user("planner_sec").import_text("engagements", json.dumps(rows), "json")
    finally:
        sa.event.remove(reg.store.writer, "before_cursor_execute", record)
    assert len(ids) == 2000 and len(statements) <= 30, len(statements)
    sample = reg.as_user("planner_sec").get(ids[-1])
    assert (sample.title, sample.partners, sample.objective_ids, sample.version) == \
        ("imported 1999", ["PAK", "IND"], [o.id], 1)
    creates = reg.as_user("root").audit(entity="engagement", entity_id=ids[-1]).items
    assert [(x.action, x.version) for x in creates] == [("create", 1)]
    before = reg.as_user("root").count()
    bad = rows[:5] + [engagement(partners=["Narnia"])]
    with pytest.raises(SuasionError):
        reg.as_user("planner_sec").import_text("engagements", json.dumps(bad), "json")
    assert reg.as_user("root").count() == before


@pytest.mark.slow
def test_a_large_import_does_not_lock_out_concurrent_edits(backend_url: str) -> None:
    """Integrity 8, end to end: edits made while a 10,000-row import runs succeed (a 30,000-row
    import used to hold SQLite's write lock past the 60 s busy timeout: 500 "database is locked")."""
    reg = Register(backend_url)
    try:
        planner = reg.as_user("planner_sec")
        e = planner.add(engagement())
        rows = "title,type,partners,start_date,end_date,level,lead_department\n" + "".join(
            f"bulk {i},outreach,PAK,2026-01-01,2026-01-02,working,foreign\n" for i in range(10_000))
        done: list[Any] = []
        worker = threading.Thread(target=lambda: done.append(planner.import_text("engagements", rows, "csv")))
        worker.start()
        edits = 0
        while worker.is_alive():
            current = planner.get(e.id)
            planner.update(e.id, {"version": current.version, "notes": f"edit {edits}"})
            edits += 1
        worker.join()
        assert len(done[0]) == 10_000 and edits >= 1
        assert planner.get(e.id).version == edits + 1
    finally:
        reg.close()
