"""Schemathesis fuzzes every operation of the JSON API as an admin, a planner and a viewer, each
on a register of its own (so that one role's fuzzing cannot disturb another's): no input may
cause a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from suasion.engagements.app import create_app
from suasion.engagements.register import Register

from .conftest import PASSWORD, engagement, objective

ROLES = {"admin": ("fuzz_admin", "SECRET"), "planner": ("fuzz_planner", "OFFICIAL-SENSITIVE"),
         "viewer": ("fuzz_viewer", "OFFICIAL")}
_REGISTERS = {role: Register(Path(tempfile.mkdtemp(prefix=f"suasion-fuzz-{role}-")) / "register.sqlite",
                             create=True) for role in ROLES}
SCHEMAS = {role: schemathesis.openapi.from_asgi("/openapi.json", create_app(reg))
           for role, reg in _REGISTERS.items()}


def _register(role: str) -> Register:
    """The role's register, with its user, a principal and a few engagements at every marking."""
    reg = _REGISTERS[role]
    if not reg.is_initialised():
        reg.init_admin("root", PASSWORD)
        root = reg.as_user("root")
        name, clearance = ROLES[role]
        root.add_user({"username": name, "password": PASSWORD, "role": role, "clearance": clearance})
        root.set_principal("GBR")
        for level in ("OFFICIAL", "SECRET"):
            o = root.add_objective(objective(classification=level))
            for i in range(2):
                e = root.add(engagement(title=f"fuzz {level} {i}", objective_ids=[o.id], classification=level))
                if i:
                    for step in ("planned", "approved", "executed"):
                        e = root.transition(e.id, step, version=e.version)
    return reg


def _check(case: Any, role: str) -> None:
    reg = _register(role)
    # a fresh token per case: a fuzzed password change or revocation ends the role's tokens
    token = reg.as_user(ROLES[role][0]).create_token("fuzz")
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (role, case.method, case.formatted_path, response.text[:500])


FUZZ = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.slow
@SCHEMAS["admin"].parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_as_admin(case: Any) -> None:
    _check(case, "admin")


@pytest.mark.slow
@SCHEMAS["planner"].parametrize()
@FUZZ
def test_no_server_errors_as_planner(case: Any) -> None:
    _check(case, "planner")


@pytest.mark.slow
@SCHEMAS["viewer"].parametrize()
@FUZZ
def test_no_server_errors_as_viewer(case: Any) -> None:
    _check(case, "viewer")
