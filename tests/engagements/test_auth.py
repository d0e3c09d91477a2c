"""Tokens that expire and can be revoked one by one; passwords that are not common, not the
user name; offline API docs (issue 15, "also")."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import warnings

import pytest
import sqlalchemy as sa

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from suasion.engagements import auth
from suasion.engagements.app import STATIC, create_app
from suasion.engagements.errors import AuthenticationError, InvalidRecordError, RecordNotFoundError
from suasion.engagements.models import ApiToken, utcnow
from suasion.engagements.register import Register

from .conftest import PASSWORD


def test_tokens_expire(reg: Register) -> None:
    me = reg.as_user("viewer_off")
    token = me.create_token("short", days=1)
    assert reg.with_token(token).actor.username == "viewer_off"
    listed = me.list_tokens()[-1]
    assert listed.name == "short" and not listed.revoked
    assert dt.timedelta(hours=23) < listed.expires_at - utcnow() <= dt.timedelta(days=1)
    plain = me.create_token()
    expiry = me.list_tokens()[-1].expires_at
    assert dt.timedelta(days=89) < expiry - utcnow() <= auth.TOKEN_LIFETIME  # tokens always expire
    with reg.store.write() as s:  # a day later
        s.execute(sa.update(ApiToken).where(ApiToken.name == "short")
                  .values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    with pytest.raises(AuthenticationError, match="invalid or expired"):
        reg.with_token(token)
    assert reg.with_token(plain).actor.username == "viewer_off"
    for days in (0, -1, 366):
        with pytest.raises(InvalidRecordError, match="lifetime"):
            me.create_token("x", days=days)


def test_tokens_are_revoked_one_by_one(reg: Register) -> None:
    me = reg.as_user("planner_off")
    first, second = me.create_token("first"), me.create_token("second")
    ids = {t.name: t.id for t in me.list_tokens()}
    assert me.revoke_token(ids["first"]).revoked
    with pytest.raises(AuthenticationError):
        reg.with_token(first)
    assert reg.with_token(second).actor.username == "planner_off"
    assert [(t.name, t.revoked) for t in me.list_tokens()] == [("first", True), ("second", False)]
    # other users' tokens: as if missing, except for an admin cleared at least as high as the owner
    secret_token = reg.as_user("viewer_sec").create_token("theirs")
    theirs = reg.as_user("root").list_tokens("viewer_sec")[-1].id
    for who in ("planner_off", "admin_off"):
        with pytest.raises(RecordNotFoundError):
            reg.as_user(who).revoke_token(theirs)
    assert reg.with_token(secret_token).actor.username == "viewer_sec"
    reg.as_user("root").revoke_token(theirs)
    with pytest.raises(AuthenticationError):
        reg.with_token(secret_token)
    assert reg.as_user("admin_off").revoke_token(ids["second"]).revoked
    with pytest.raises(AuthenticationError):
        reg.with_token(second)


def test_tokens_over_the_api(reg: Register) -> None:
    app = create_app(reg)
    token = reg.as_user("viewer_off").create_token("api")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    made = client.post("/auth/tokens", json={"name": "script two", "days": 7})
    assert made.status_code == 201 and made.json()["expires_in_days"] == 7
    response = client.get("/auth/tokens")
    listed = response.json()
    assert [t["name"] for t in listed] == ["api", "script two"]
    assert token not in response.text and made.json()["token"] not in response.text
    other = TestClient(app, headers={"Authorization": f"Bearer {made.json()['token']}"})
    assert other.get("/auth/me").status_code == 200
    assert client.delete(f"/auth/tokens/{listed[1]['id']}").json()["revoked"] is True
    assert other.get("/auth/me").status_code == 401
    assert client.post("/auth/tokens", json={"days": 400}).status_code == 422


@pytest.mark.parametrize("password, message", [
    ("password1234", "too common"), ("qwerty123456", "too common"), ("aaaaaaaaaaaaaaaa", "too common"),
    ("new.analyst.01", "must not be the user name"), ("NEW.ANALYST.01 ", "must not be the user name"),
])
def test_weak_passwords_are_refused(reg: Register, password: str, message: str) -> None:
    root = reg.as_user("root")
    with pytest.raises(InvalidRecordError, match=message) as info:
        root.add_user({"username": "new.analyst.01", "password": password, "role": "viewer",
                       "clearance": "OFFICIAL"})
    assert password.strip() not in str(info.value)
    user = root.add_user({"username": "analyst.smith", "password": PASSWORD, "role": "viewer",
                          "clearance": "OFFICIAL"})
    with pytest.raises(InvalidRecordError, match="too common"):
        root.update_user("analyst.smith", {"version": user.version, "password": "password1234"})
    with pytest.raises(InvalidRecordError, match="user name"):
        root.update_user("analyst.smith", {"version": user.version, "password": "Analyst.Smith"})


def test_api_docs_work_offline(reg: Register) -> None:
    """/docs loads Swagger UI from the package, not a CDN; the vendored files match their manifest."""
    client = TestClient(create_app(reg))
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/docs/assets/") for a in assets), assets
    assert "cdn" not in page.text and "//" not in "".join(assets)
    manifest = json.loads((STATIC / "swagger-ui" / "manifest.json").read_text())
    assert manifest["package"] == "swagger-ui-dist" and "LICENSE" in manifest["files_sha256"]
    for name, digest in manifest["files_sha256"].items():
        body = client.get(f"/docs/assets/{name}")
        assert body.status_code == 200 and hashlib.sha256(body.content).hexdigest() == digest, name
    for asset in assets:
        assert client.get(asset).status_code == 200
    assert "openapi.json" in page.text and client.get("/openapi.json").status_code == 200
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN: not served
