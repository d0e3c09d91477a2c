"""No error, log or audit entry contains a password or a token (issue 11, part 2).

Every error path we can reach with a secret in hand, in the library, the CLI and the JSON API,
is run with distinctive secrets; then everything that came out (exception messages, CLI stdout
and stderr, HTTP bodies and headers, every log record, the audit log and the database file
itself) is searched for them.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from suasion.engagements.app import create_app
from suasion.engagements.register import Register
from suasion.errors import SuasionError

from .conftest import PASSWORD

SHORT = "Kx7shortpw"                           # too short (the old message echoed it)
COMMON = "password1234"                         # common
LONG = "Qz" * 600                                # too long
NUL = "nul\x00secret-Wq8r5t"                     # NUL inside
TOKEN = "tok-Vb3nM9qLp2Zx8Rt6Yh4Jk1Df5Gs7Aw0Ee"  # a token that does not exist
CSRF = "csrf-Pq9Lm3Nb7Vc1Xz5Ty8Rw2Qa6"
DB_PASSWORD = "dbpass-Hs4Kf8Jd2Lx6Mz"
SECRETS = [SHORT, COMMON, LONG[:40], "secret-Wq8r5t", TOKEN, CSRF, DB_PASSWORD, "Zr4-chief-passphrase-9Uw"]


def test_no_secret_in_any_error_log_or_audit_entry(tmp_path: Path, cli: Any, caplog: pytest.LogCaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    chief_password = "Zr4-chief-passphrase-9Uw"
    path = tmp_path / "register.sqlite"
    reg = Register.create(path, "chief_admin", chief_password)
    root = reg.as_user("chief_admin")
    root.add_user({"username": "analyst_one", "password": PASSWORD, "role": "planner", "clearance": "OFFICIAL"})
    seen: list[str] = []

    def expect_error(call: Any) -> None:
        try:
            call()
        except SuasionError as exc:
            seen.append(str(exc))
            return
        raise AssertionError("no error")

    # --- library ------------------------------------------------------------------------
    for password in (SHORT, COMMON, LONG, NUL, "analyst_two"):
        expect_error(lambda p=password: root.add_user({"username": "analyst_two", "password": p, "role": "viewer",
                                                       "clearance": "OFFICIAL"}))
        expect_error(lambda p=password: root.update_user("analyst_one", {"version": 1, "password": p}))
        expect_error(lambda p=password: reg.login("analyst_one", p))
        expect_error(lambda p=password: Register.create(tmp_path / "other.sqlite", "admin_two", p))
    expect_error(lambda: reg.with_token(TOKEN))
    expect_error(lambda: reg.authenticate_secret(TOKEN, "session"))
    expect_error(lambda: Register(f"postgresql://someone:{DB_PASSWORD}@127.0.0.1:1/register"))
    assert not (tmp_path / "other.sqlite").exists()

    # --- CLI ----------------------------------------------------------------------------
    monkeypatch.delenv("SUASION_REGISTER_URL", raising=False)
    monkeypatch.setenv("SUASION_REGISTER_USER", "chief_admin")
    runs = []
    for password in (SHORT, COMMON, "analyst_three", LONG):
        monkeypatch.setenv("SUASION_REGISTER_PASSWORD", password)
        runs.append(cli("register", "list", "--register", str(path)))
        monkeypatch.setenv("SUASION_REGISTER_PASSWORD", chief_password)
        monkeypatch.setenv("SUASION_REGISTER_NEW_PASSWORD", password)
        runs.append(cli("register", "users", "add", "analyst_three", "--role", "viewer", "--clearance",
                        "OFFICIAL", "--register", str(path)))
        monkeypatch.setenv("SUASION_REGISTER_ADMIN_PASSWORD", password)
        runs.append(cli("register", "init", "--register", str(tmp_path / "cli.sqlite"), "--admin", "analyst_three"))
    monkeypatch.setenv("SUASION_REGISTER_TOKEN", TOKEN)
    runs.append(cli("register", "list", "--register", str(path)))
    monkeypatch.delenv("SUASION_REGISTER_TOKEN")
    runs.append(cli("register", "list", "--register", f"postgresql://someone:{DB_PASSWORD}@127.0.0.1:1/x"))
    assert all(r.exit_code == 2 for r in runs), [r for r in runs if r.exit_code != 2]
    seen += [r.stdout + r.stderr for r in runs]
    assert not (tmp_path / "cli.sqlite").exists()

    # --- API ----------------------------------------------------------------------------
    reg = Register(path)
    app = create_app(reg)
    token = reg.as_user("chief_admin").create_token("tests")
    admin = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    anonymous = TestClient(app)
    responses = []
    responses.append(admin.post("/users", json={"username": "analyst_four", "password": "analyst_four",
                                                "role": "viewer", "clearance": "OFFICIAL"}))
    responses.append(admin.patch("/users/analyst_one", json={"version": 1, "password": "Analyst_One"}))
    for password in (SHORT, COMMON, LONG, NUL):
        responses.append(anonymous.post("/auth/login", json={"username": "analyst_one", "password": password}))
        responses.append(anonymous.post("/auth/login", json={"username": password, "password": password}))
        responses.append(admin.post("/users", json={"username": "analyst_four", "password": password,
                                                    "role": "viewer", "clearance": "OFFICIAL"}))
        responses.append(admin.patch("/users/analyst_one", json={"version": 1, "password": password}))
        responses.append(admin.post("/users", json={"username": "analyst_four", "password": [password],
                                                    "role": "viewer", "clearance": "OFFICIAL"}))
    responses.append(anonymous.get("/engagements", headers={"Authorization": f"Bearer {TOKEN}"}))
    responses.append(anonymous.get("/engagements", cookies={"suasion_session": TOKEN}))
    session = TestClient(app)
    login = session.post("/auth/login", json={"username": "chief_admin", "password": chief_password})
    assert login.status_code == 200
    responses.append(session.post("/engagements", json={}, headers={"X-CSRF-Token": CSRF}))
    assert all(400 <= r.status_code < 500 for r in responses), [(r.status_code, r.text) for r in responses
                                                                if not 400 <= r.status_code < 500]
    seen += [r.text + str(dict(r.headers)) for r in responses]

    # --- everything that came out -------------------------------------------------------
    seen += [record.getMessage() for record in caplog.records]
    with reg.store.read() as s:
        seen += [str(row) for row in s.execute(sa.text("SELECT * FROM audit_log"))]
    reg.close()
    stored = path.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("register.sqlite-*"))
    blob = "\n".join(seen)
    assert len(seen) > 60
    for secret in SECRETS:
        assert secret not in blob, secret
        assert secret.encode() not in stored, secret
    assert token not in blob
