"""Concurrent clients against a real uvicorn server on loopback: optimistic concurrency holds.

24 clients each make 42 update attempts (1,008 in all) on 5 shared engagements. Every
accepted update must be in the database and in the audit log exactly once; every rejected one
must have received a 409 and left no trace.
"""

from __future__ import annotations

import threading
from collections import defaultdict

import httpx
import pytest

from suasion.engagements.register import Register

from .conftest import engagement
from .server import running_server

CLIENTS = 24
RECORDS = 5
ATTEMPTS_PER_CLIENT = 42  # 24 x 42 = 1,008 updates


@pytest.mark.slow
def test_concurrent_updates_lose_nothing(backend_url: str) -> None:
    reg = Register(backend_url)
    planner = reg.as_user("planner_sec")
    ids = [planner.add(engagement(title=f"shared {i}")).id for i in range(RECORDS)]
    token = planner.create_token("race")
    lock = threading.Lock()
    accepted: list[tuple[int, int, str]] = []   # (record, new version, notes)
    rejected: list[tuple[int, int, str]] = []   # (record, version tried, notes)
    other: list[tuple[int, str]] = []

    def client(n: int, base: str) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for i in range(ATTEMPTS_PER_CLIENT):
                record = ids[(n + i) % RECORDS]
                current = http.get(f"/engagements/{record}")
                if current.status_code != 200:
                    with lock:
                        other.append((current.status_code, current.text))
                    return
                version = current.json()["version"]
                notes = f"client {n} attempt {i}"
                r = http.patch(f"/engagements/{record}", json={"version": version, "notes": notes})
                with lock:
                    if r.status_code == 200:
                        body = r.json()
                        assert body["notes"] == notes
                        accepted.append((record, body["version"], notes))
                    elif r.status_code == 409:
                        rejected.append((record, version, notes))
                    else:
                        other.append((r.status_code, r.text))

    with running_server(backend_url) as base:
        threads = [threading.Thread(target=client, args=(n, base)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not any(t.is_alive() for t in threads)

    assert other == []
    assert len(accepted) + len(rejected) == CLIENTS * ATTEMPTS_PER_CLIENT >= 1000
    assert accepted and rejected, (len(accepted), len(rejected))  # 24 clients on 5 records do collide
    # no duplicate versions; each record's versions run 2..final without gaps
    per_record: dict[int, list[int]] = defaultdict(list)
    for record, version, _ in accepted:
        per_record[record].append(version)
    root = reg.as_user("root")
    for record in ids:
        final = root.get(record)
        versions = sorted(per_record[record])
        assert versions == list(range(2, final.version + 1)), record
        last_notes = [n for r, v, n in accepted if r == record and v == final.version]
        assert last_notes == [final.notes]
    # the audit log holds exactly the accepted updates, and nothing of the rejected ones
    logged = set()
    for record in ids:
        entries = root.audit(entity="engagement", entity_id=record, limit=1000).items
        for x in entries:
            if x.action == "update":
                logged.add((record, x.version, x.after["notes"]))
                assert x.before["version"] == x.version - 1
    assert logged == set(accepted)
    assert len(logged) == len(accepted)
    rejected_notes = {n for _, _, n in rejected}
    assert not rejected_notes & {n for _, _, n in logged}
    for record in ids:  # a gapless version sequence in the audit trail, one entry per version
        versions = sorted(x.version for x in root.audit(entity="engagement", entity_id=record, limit=1000).items)
        assert versions == list(range(1, root.get(record).version + 1)), record
    reg.close()
