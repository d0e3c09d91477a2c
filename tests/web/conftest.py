"""Fixtures of the workbench tests: a register with users of each clearance and a few engagements
(one SECRET), the app over it, an in-process client and a live server on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PASSWORD = "correct horse battery staple"
SECRET_TITLE = "Covert liaison channel with PAK"
USERS = {  # name: (role, clearance)
    "chief": ("admin", "SECRET"),
    "planner": ("planner", "SECRET"),
    "approver": ("approver", "SECRET"),
    "reader": ("viewer", "OFFICIAL"),
}


def build_register(path: Path):
    """A register with the users above and three engagements with PAK, one of them SECRET."""
    from suasion.engagements.register import Register

    reg = Register(path, create=True)
    reg.init_admin("chief", PASSWORD)
    admin = reg.as_user("chief")
    for name, (role, clearance) in USERS.items():
        if name != "chief":
            admin.add_user({"username": name, "password": PASSWORD, "role": role, "clearance": clearance})
    planner = reg.as_user("planner")
    base = {"type": "staff_talks", "partners": ["PAK"], "level": "senior_officer", "lead_department": "defence",
            "currency": "GBP", "estimated_cost": 12000}
    planner.add({**base, "title": "Defence staff talks", "start_date": "2026-03-02", "end_date": "2026-03-04",
                 "classification": "OFFICIAL"})
    planner.add({**base, "title": "Port call Karachi", "type": "ship_visit", "start_date": "2026-03-10",
                 "end_date": "2026-03-12", "classification": "OFFICIAL", "estimated_cost": 30000})
    planner.add({**base, "title": SECRET_TITLE, "start_date": "2026-03-05", "end_date": "2026-03-06",
                 "classification": "SECRET"})
    return reg


@pytest.fixture(scope="session")
def register_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("register") / "register.sqlite"
    build_register(path).close()
    return path


@pytest.fixture(scope="session")
def web_app(register_path: Path, tmp_path_factory: pytest.TempPathFactory):
    from suasion.web.app import create_app

    return create_app(str(register_path), event_store=str(tmp_path_factory.mktemp("events")))


@pytest.fixture(scope="session")
def client(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app, headers={"accept": "text/html"}) as c:
        yield c


def sign_in(client, user: str) -> str:
    """Sign ``client`` in through the login form; returns the CSRF token of the session."""
    import re

    client.cookies.clear()
    r = client.post("/register/login", data={"username": user, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    page = client.get("/register/new")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(web_app) -> Iterator[str]:
    """The workbench served by uvicorn in a daemon thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the workbench did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
