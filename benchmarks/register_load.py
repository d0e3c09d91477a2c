"""Load benchmark of the register's JSON API: p50/p95 latency of reads and of writes under mixed
load (both at once), on SQLite and PostgreSQL, against a real uvicorn server on loopback.

    .venv/bin/python benchmarks/register_load.py [--backend sqlite|postgresql] [--clients 30]
        [--requests 3000] [--write-share 0.1] [--workers 1,2] [--cache record,commit,off]
        [--think-ms 0] [--db URL]

The register holds 500 engagements. Each client sends ``requests / clients`` requests, one at a
time on its own keep-alive connection: with probability ``write-share`` a PATCH of its own record
with the version it last read (so writes do not conflict), otherwise a read, alternately
``GET /engagements/{id}`` of a random record and a filtered page ``GET /engagements?partner=...``.
Reads and writes therefore run together, as on a register in use. For every worker count and
response-cache policy it prints the p50 and p95 of reads and of writes and the throughput:

* ``record``: the cache invalidated per record (the default; see suasion/engagements/cache.py);
* ``commit``: the cache emptied by every commit (the behaviour before);
* ``off``: every read from the database, the straightforward baseline the ratios are taken against.

PostgreSQL (``--backend postgresql``) runs on a throwaway cluster started with the test helper
tests/engagements/pg.py (Debian's binaries), or on an empty database given by ``--db``; the
response cache does not apply there (audit ids are not in commit order), so only ``off`` runs.
A single sequential client's reads are measured first as a second baseline. Target (DESIGN.md):
read p95 <= 100 ms. The machine's load average is printed: other work on the host changes the
figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

PASSWORD = "benchmark password 1234"
PARTNERS = ["PAK", "IND", "AFG", "IDN", "SGP", "VNM", "PHL", "MYS", "THA", "BGD"]
TYPES = ["staff_talks", "exercise", "training", "high_level_engagement", "ship_visit", "outreach"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def populate(db: str, n: int) -> tuple[str, list[int]]:
    import csv
    import io

    from suasion.engagements.register import Register

    reg = Register.create(db, "admin", PASSWORD)
    root = reg.as_user("admin")
    rng = random.Random(7)
    rows = []
    for i in range(n):
        day = 1 + i % 27
        rows.append({"title": f"engagement {i}", "type": rng.choice(TYPES),
                     "partners": ";".join(rng.sample(PARTNERS, rng.choice([1, 1, 2]))),
                     "start_date": f"2025-{1 + i % 12:02d}-{day:02d}", "end_date": f"2025-{1 + i % 12:02d}-{day:02d}",
                     "level": "working", "lead_department": rng.choice(["defence", "foreign", "development"]),
                     "estimated_cost": str(rng.randint(1, 100) * 1000)})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    ids = root.import_text("engagements", buffer.getvalue(), "csv", "benchmark.csv")
    token = root.create_token("benchmark", days=1)
    reg.close()
    return token, ids


def start_server(db: str, port: int, workers: int, cache: str) -> subprocess.Popen[bytes]:
    code = ("import sys; from suasion.engagements.app import serve; "
            "c = {'record': True, 'commit': 'commit', 'off': False}[sys.argv[4]]; "
            "serve(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]), workers=int(sys.argv[3]), "
            "response_cache=c)")
    proc = subprocess.Popen([sys.executable, "-c", code, db, str(port), str(workers), cache])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def run_load(port: int, token: str, ids: list[int], clients: int, total: int, write_share: float,
             think_ms: float = 0.0) -> tuple[dict[str, list[float]], float, dict[int, int]]:
    """``total`` requests over ``clients`` concurrent clients (one thread and one keep-alive
    connection each, stdlib http.client: light enough not to be the bottleneck): latencies (s)
    per kind, wall time, status counts."""
    latencies: dict[str, list[float]] = {"read": [], "write": []}
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    per_client = max(1, total // clients)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(n: int) -> None:
        rng = random.Random(n)
        own = ids[n % len(ids)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", f"/engagements/{own}", headers=headers)
        version = json.loads(conn.getresponse().read())["version"]
        mine: dict[str, list[float]] = {"read": [], "write": []}
        codes: list[int] = []
        reads = 0
        for i in range(per_client):
            if rng.random() < write_share:
                kind = "write"
                t0 = time.perf_counter()
                conn.request("PATCH", f"/engagements/{own}", headers=headers,
                             body=json.dumps({"version": version, "notes": f"w{n}-{i}"}))
                r = conn.getresponse()
                body = r.read()
                if r.status == 200:
                    version = json.loads(body)["version"]
            else:
                kind = "read"
                path = (f"/engagements/{rng.choice(ids)}" if reads % 2 == 0
                        else f"/engagements?partner={rng.choice(PARTNERS)}&limit=20")
                reads += 1
                t0 = time.perf_counter()
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()
            mine[kind].append(time.perf_counter() - t0)
            codes.append(r.status)
            if think_ms:
                time.sleep(rng.uniform(0, 2 * think_ms) / 1000)
        conn.close()
        with lock:
            for kind in mine:
                latencies[kind].extend(mine[kind])
            for code in codes:
                statuses[code] = statuses.get(code, 0) + 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - t0, statuses


def quantiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (1000 * values[0], 1000 * values[0]) if values else (float("nan"), float("nan"))
    q = statistics.quantiles(values, n=100)
    return 1000 * q[49], 1000 * q[94]


@contextlib.contextmanager
def database(backend: str, url: str | None, tmp: str) -> Iterator[tuple[str, str]]:
    """(URL of an empty database, backend label)."""
    if url:
        yield url, url.split(":")[0]
        return
    if backend == "sqlite":
        yield str(Path(tmp) / "register.sqlite"), "SQLite"
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.engagements.pg import admin_execute, postgres_cluster

    with postgres_cluster() as server:
        admin_execute(server, "CREATE DATABASE suasion_bench")
        yield server + "suasion_bench", "PostgreSQL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--db", default=None, help="an empty database URL instead of a fresh one")
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--requests", type=int, default=3000, help="requests per configuration")
    parser.add_argument("--write-share", type=float, default=0.1, help="share of requests that are writes")
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts to compare")
    parser.add_argument("--cache", default="record,commit,off", help="response-cache policies to compare")
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause between a client's requests")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop servers and clusters on kill too
    tmp = tempfile.mkdtemp(prefix="suasion-bench-")
    os.environ["SUASION_HOME"] = tmp
    with database(args.backend, args.db, tmp) as (db, label):
        token, ids = populate(db, args.records)
        policies = [c for c in args.cache.split(",") if c] if label == "SQLite" else ["off"]
        workers = [int(w) for w in args.workers.split(",")]
        print(f"register API, {args.records} engagements, {label}, {args.clients} clients, "
              f"{args.write_share:.0%} writes, {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
        results = {}
        for w in workers:
            for policy in policies:
                port = free_port()
                proc = start_server(db, port, w, policy)
                try:
                    if not results:
                        lat, wall, _ = run_load(port, token, ids, 1, 300, 0.0)
                        p50, p95 = quantiles(lat["read"])
                        print(f"{'1 client, reads only (baseline)':<38} reads p50 {p50:6.1f} p95 {p95:6.1f} ms  "
                              f"{len(lat['read']) / wall:6.0f} req/s")
                    run_load(port, token, ids, 4, 200, args.write_share)  # warm-up
                    lat, wall, statuses = run_load(port, token, ids, args.clients, args.requests, args.write_share,
                                                   args.think_ms)
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
                r50, r95 = quantiles(lat["read"])
                w50, w95 = quantiles(lat["write"])
                n = len(lat["read"]) + len(lat["write"])
                results[(w, policy)] = r95
                print(f"{w} worker(s), cache {policy:<7}{'':<17} reads p50 {r50:6.1f} p95 {r95:6.1f} ms | "
                      f"writes p50 {w50:6.1f} p95 {w95:6.1f} ms | {n / wall:6.0f} req/s | "
                      f"statuses {dict(sorted(statuses.items()))}")
        for w in workers:
            base = results.get((w, "off"))
            for policy in policies:
                if policy != "off" and base:
                    print(f"{w} worker(s): read p95 with cache {policy} = {results[(w, policy)] / base:.2f} x "
                          f"no cache")
        best = min(results, key=results.get)
        verdict = "meets" if results[best] <= 100 else "misses"
        print(f"best read p95: {results[best]:.1f} ms ({best[0]} worker(s), cache {best[1]}); target "
              f"<= 100 ms: {verdict}")


if __name__ == "__main__":
    main()
