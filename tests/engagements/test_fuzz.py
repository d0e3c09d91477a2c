"""Schemathesis fuzzes every operation of the JSON API (as an admin cleared to SECRET, so every
code path is reachable): no input may cause a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from suasion.engagements.app import create_app
from suasion.engagements.register import Register

from .conftest import engagement, objective, populate_users

_REGISTER = Register(Path(tempfile.mkdtemp(prefix="suasion-fuzz-")) / "register.sqlite", create=True)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_REGISTER))


@pytest.fixture(scope="module")
def fuzz_register() -> Any:
    """The register behind ``schema``, with users and a few engagements."""
    if not _REGISTER.is_initialised():
        populate_users(_REGISTER)
        root = _REGISTER.as_user("root")
        o = root.add_objective(objective())
        for i in range(3):
            e = root.add(engagement(title=f"fuzz {i}", objective_ids=[o.id]))
            if i:
                for step in ("planned", "approved", "executed"):
                    e = root.transition(e.id, step, version=e.version)
    return _REGISTER


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, fuzz_register: Register) -> None:
    # a fresh token per case: a fuzzed password change revokes the admin's tokens
    token = fuzz_register.as_user("root").create_token("fuzz")
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
