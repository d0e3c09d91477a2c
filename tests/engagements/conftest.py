"""Fixtures of the register tests: a fresh SQLite register with one user per role and clearance."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suasion.engagements.register import Register

PASSWORD = "correct horse battery staple"

#: username -> (role, clearance)
USERS: dict[str, tuple[str, str]] = {
    "viewer_off": ("viewer", "OFFICIAL"),
    "viewer_sec": ("viewer", "SECRET"),
    "planner_off": ("planner", "OFFICIAL"),
    "planner_sens": ("planner", "OFFICIAL-SENSITIVE"),
    "planner_sec": ("planner", "SECRET"),
    "approver_off": ("approver", "OFFICIAL"),
    "approver_sec": ("approver", "SECRET"),
    "admin_off": ("admin", "OFFICIAL"),
}


def engagement(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Defence staff talks", "type": "staff_talks", "partners": ["PAK"],
        "location": "Islamabad", "start_date": "2026-03-02", "end_date": "2026-03-04",
        "level": "senior_officer", "lead_department": "defence", "supporting_departments": ["foreign"],
        "estimated_cost": 12000.0, "currency": "GBP",
    }
    base.update(overrides)
    return base


def objective(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Build trust with Pakistan", "partners": ["PAK"], "aim": "build_trust", "owner": "MoD policy",
        "indicators": [{"name": "engagements completed", "baseline": 2, "target": 6}],
    }
    base.update(overrides)
    return base


def populate_users(reg: Register) -> None:
    reg.init_admin("root", PASSWORD)
    root = reg.as_user("root")
    for name, (role, clearance) in USERS.items():
        root.add_user({"username": name, "password": PASSWORD, "role": role, "clearance": clearance})


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite register with users, built once (argon2 hashing is deliberately slow)."""
    path = tmp_path_factory.mktemp("register-template") / "register.sqlite"
    reg = Register(path, create=True)
    populate_users(reg)
    reg.close()
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback (skips when the binaries are absent).
    Yields a SQLAlchemy URL prefix ``postgresql+psycopg://postgres@127.0.0.1:PORT/``."""
    from tests.engagements.pg import postgres_cluster

    with postgres_cluster() as url:
        yield url


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    from tests.engagements.pg import admin_execute

    admin_execute(pg_server, "CREATE DATABASE suasion_template")
    reg = Register(pg_server + "suasion_template", create=True)
    populate_users(reg)
    reg.close()
    return "suasion_template"


_pg_counter = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh register database with the users of USERS, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        template = request.getfixturevalue("template_db")
        path = tmp_path / "register.sqlite"
        shutil.copy(template, path)
        return str(path)
    from tests.engagements.pg import admin_execute

    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    name = f"suasion_test_{os.getpid()}_{next(_pg_counter)}"
    admin_execute(server, f"CREATE DATABASE {name} TEMPLATE {template}")
    return server + name


@pytest.fixture
def reg(backend_url: str) -> Iterator[Register]:
    """A fresh register (SQLite and PostgreSQL); the admin ``root`` holds SECRET clearance."""
    register = Register(backend_url)
    yield register
    register.close()


def as_(reg: Register, name: str) -> Register:
    return reg.as_user(name)


TODAY = dt.date(2026, 11, 21)
