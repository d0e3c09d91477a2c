"""Load benchmark of the register's JSON API: p50/p95 latency and throughput of reads and writes
with 50 concurrent clients against a real uvicorn server on loopback.

    .venv/bin/python benchmarks/register_load.py [--clients 50] [--requests 2000] [--db URL] [--workers 1]
                                                 [--think-ms 0] [--no-response-cache]

The register is a fresh SQLite file (or the PostgreSQL database given by --db, which must be
empty) with 500 engagements. Reads alternate GET /engagements/{id} and a filtered page
GET /engagements?partner=...&limit=20; writes are PATCH /engagements/{id} with the current
version, each client on its own record (so every write should succeed; 409s are counted).
Baseline in the same run: the same reads from a single sequential client; the script prints
the ratios against it. Target (DESIGN.md): read p95 <= 100 ms at 50 clients.

By default every client sends its next request as soon as the previous one returns (closed
loop, the server saturated: by Little's law p50 ~ clients / throughput). ``--think-ms T`` makes
each client pause a random 0..2T ms between requests, like people using the register.
The machine's load average is printed, since other work on the host changes the figures.

The server keeps a response cache for GET /engagements and GET /engagements/{id} (SQLite),
emptied by every commit; the read phase has no writes, so most reads are cache hits after the
first touch. ``--no-response-cache`` measures every read going to the database, which is what
reads cost while writes are being committed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
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
    from suasion.engagements.register import Register

    reg = Register(db)
    reg.init_admin("admin", PASSWORD)
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
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    ids = root.import_text("engagements", buffer.getvalue(), "csv", "benchmark.csv")
    token = root.create_token("benchmark")
    reg.close()
    return token, ids


def start_server(db: str, port: int, workers: int, response_cache: bool = True) -> subprocess.Popen[bytes]:
    code = ("import sys; from suasion.engagements.app import serve; "
            "serve(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]), workers=int(sys.argv[3]), "
            "response_cache=sys.argv[4] == '1')")
    proc = subprocess.Popen([sys.executable, "-c", code, db, str(port), str(workers), "1" if response_cache else "0"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def run_load(port: int, token: str, ids: list[int], clients: int, total: int, kind: str,
             think_ms: float = 0.0) -> tuple[list[float], float, dict[int, int]]:
    """``total`` requests spread over ``clients`` concurrent clients (one thread and one keep-alive
    connection each, stdlib http.client: light enough not to be the bottleneck, unlike an
    asyncio httpx pool): latencies (s), wall time, status counts."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    per_client = max(1, total // clients)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(n: int) -> None:
        rng = random.Random(n)
        own = ids[n % len(ids)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        version = None
        mine: list[float] = []
        codes: list[int] = []
        for i in range(per_client):
            if kind == "read":
                path = (f"/engagements/{rng.choice(ids)}" if i % 2 == 0
                        else f"/engagements?partner={rng.choice(PARTNERS)}&limit=20")
                t0 = time.perf_counter()
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                body = r.read()
            else:
                if version is None:
                    conn.request("GET", f"/engagements/{own}", headers=headers)
                    version = json.loads(conn.getresponse().read())["version"]
                t0 = time.perf_counter()
                conn.request("PATCH", f"/engagements/{own}", headers=headers,
                             body=json.dumps({"version": version, "notes": f"w{i}"}))
                r = conn.getresponse()
                body = r.read()
                version = json.loads(body)["version"] if r.status == 200 else None
            mine.append(time.perf_counter() - t0)
            codes.append(r.status)
            if think_ms:
                time.sleep(rng.uniform(0, 2 * think_ms) / 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            for code in codes:
                statuses[code] = statuses.get(code, 0) + 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - t0, statuses


def summary(name: str, latencies: list[float], wall: float, statuses: dict[int, int]) -> dict[str, float]:
    q = statistics.quantiles(latencies, n=100)
    out = {"p50_ms": 1000 * q[49], "p95_ms": 1000 * q[94], "throughput": len(latencies) / wall}
    print(f"{name:<28} n={len(latencies):>5}  p50 {out['p50_ms']:7.1f} ms  p95 {out['p95_ms']:7.1f} ms  "
          f"{out['throughput']:7.1f} req/s  statuses {dict(sorted(statuses.items()))}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="requests per phase")
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause between a client's requests")
    parser.add_argument("--no-response-cache", action="store_true",
                        help="serve every read from the database (the cache only helps between commits)")
    parser.add_argument("--db", default=None, help="empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="suasion-bench-")
    os.environ["SUASION_HOME"] = tmp
    db = args.db or str(Path(tmp) / "register.sqlite")
    token, ids = populate(db, args.records)
    port = free_port()
    proc = start_server(db, port, args.workers, not args.no_response_cache)
    base = f"http://127.0.0.1:{port}"
    try:
        print(f"register API on {base}, {args.records} engagements, backend "
              f"{'SQLite' if args.db is None else args.db.split(':')[0]}, {args.workers} worker(s), "
              f"response cache {'off' if args.no_response_cache else 'on'}, "
              f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}, think time {args.think_ms:g} ms")
        run_load(port, token, ids, 4, 200, "read")  # warm-up
        base_reads = summary("reads, 1 client (baseline)", *run_load(port, token, ids, 1, 300, "read"))
        reads = summary(f"reads, {args.clients} clients",
                        *run_load(port, token, ids, args.clients, args.requests, "read", args.think_ms))
        writes = summary(f"writes, {args.clients} clients",
                         *run_load(port, token, ids, args.clients, args.requests, "write", args.think_ms))
        print(f"ratio vs baseline: read p95 x{reads['p95_ms'] / base_reads['p95_ms']:.1f}, "
              f"read throughput x{reads['throughput'] / base_reads['throughput']:.2f}")
        verdict = "meets" if reads["p95_ms"] <= 100 else "misses"
        print(f"target read p95 <= 100 ms at {args.clients} clients: {verdict} ({reads['p95_ms']:.1f} ms); "
              f"write p95 {writes['p95_ms']:.1f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
