"""Page load of the workbench under concurrent clients, against the same data served as JSON.

    .venv/bin/python benchmarks/web.py [--clients 10] [--requests 300] [--repeats 3]

Starts ``suasion serve`` (one uvicorn process, a fresh data home, the bundled panel) on a free
loopback port and drives it from this process with ``--clients`` threads (httpx, keep-alive).

* **cold**: the first load of each URL, one client at a time (the server computes the view);
* **warm**: ``--clients`` clients request the leverage, broker and dyad pages of 10 targets in
  random order, ``--requests`` requests per page kind per repeat; then the same views as JSON
  (``/api/leverage/over``, ``/api/brokers``, ``/api/dyad``) from the same server process.

Prints p50 and p95 per page kind and the ratio of page to JSON latency (the cost of rendering
HTML with its SVG charts over serialising the same data), per repeat and as ranges. Target:
p95 <= 300 ms for the three pages at 10 clients.
"""

from __future__ import annotations

import argparse
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

TARGETS = ["PAK", "IND", "IRN", "TUR", "EGY", "NGA", "IDN", "BRA", "UKR", "VNM"]
YEAR = 2010


def views(kind: str) -> dict[str, list[str]]:
    """URLs per page kind: HTML pages or their JSON downloads."""
    if kind == "page":
        return {"leverage": [f"/leverage?target={t}&year={YEAR}" for t in TARGETS],
                "brokers": [f"/brokers?principal=EU&target={t}&year={YEAR}" for t in TARGETS],
                "dyad": [f"/dyad?a=USA&b={t}" for t in TARGETS]}
    return {"leverage": [f"/api/leverage/over?target={t}&year={YEAR}" for t in TARGETS],
            "brokers": [f"/api/brokers?principal=EU&target={t}&year={YEAR}" for t in TARGETS],
            "dyad": [f"/api/dyad?a=USA&b={t}" for t in TARGETS]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SUASION_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "suasion.cli", "serve", "--port", str(port),
                             "--register", str(home / "register.sqlite"), "--store", str(home / "events")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/static/app.css", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode()[-2000:]}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def run_load(base: str, urls: dict[str, list[str]], clients: int, per_kind: int, seed: int
             ) -> dict[str, list[float]]:
    """``clients`` threads share a shuffled list of requests; latency in ms per page kind."""
    import httpx

    work = [(kind, url) for kind, pool in urls.items() for url in (pool * (per_kind // len(pool) + 1))[:per_kind]]
    random.Random(seed).shuffle(work)
    lock = threading.Lock()
    times: dict[str, list[float]] = {kind: [] for kind in urls}
    failures: list[str] = []

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60, headers={"accept": "text/html"}) as c:
            while True:
                with lock:
                    if not work:
                        return
                    kind, url = work.pop()
                t0 = time.perf_counter()
                r = c.get(url)
                _ = r.content
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    if r.status_code != 200:
                        failures.append(f"{r.status_code} {url}")
                    times[kind].append(ms)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"failed requests: {failures[:5]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300, help="requests per page kind per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import httpx

    home = Path(tempfile.mkdtemp(prefix="suasion-web-bench-"))
    proc, base = start_server(home)
    try:
        print(f"server {base}; {args.clients} clients; {args.requests} requests per page kind; "
              f"{len(TARGETS)} targets, year {YEAR}")
        cold: dict[str, list[float]] = {}
        sizes: dict[str, list[int]] = {}
        with httpx.Client(base_url=base, timeout=120) as c:
            for kind in ("page", "json"):
                for name, pool in views(kind).items():
                    for url in pool:
                        t0 = time.perf_counter()
                        r = c.get(url)
                        cold.setdefault(f"{name} {kind}", []).append((time.perf_counter() - t0) * 1000)
                        sizes.setdefault(f"{name} {kind}", []).append(len(r.content))
        print("\ncold (first load of each URL, one client; the JSON loads reuse the page's computed view)")
        for key, ms in cold.items():
            print(f"  {key:15s} median {statistics.median(ms):7.0f} ms  max {max(ms):7.0f} ms  "
                  f"size {statistics.median(sizes[key]) / 1024:6.0f} KiB")
        results: dict[str, list[tuple[float, float]]] = {}
        for rep in range(args.repeats):
            page = run_load(base, views("page"), args.clients, args.requests, seed=rep)
            data = run_load(base, views("json"), args.clients, args.requests, seed=100 + rep)
            print(f"\nwarm, repeat {rep + 1}: p50 / p95 ms")
            for name in page:
                p50, p95 = percentile(page[name], 50), percentile(page[name], 95)
                j50, j95 = percentile(data[name], 50), percentile(data[name], 95)
                results.setdefault(name, []).append((p95, p95 / j95))
                print(f"  {name:9s} page {p50:6.1f} / {p95:6.1f}   json {j50:6.1f} / {j95:6.1f}   "
                      f"page/json p95 {p95 / j95:4.1f}x  {'meets' if p95 <= 300 else 'MISSES'} 300 ms")
        print("\nsummary over repeats (page p95, ratio to JSON p95)")
        for name, rows in results.items():
            p95s, ratios = [r[0] for r in rows], [r[1] for r in rows]
            print(f"  {name:9s} p95 median {statistics.median(p95s):6.1f} ms (range {min(p95s):.1f}-{max(p95s):.1f})"
                  f"  ratio median {statistics.median(ratios):.1f}x (range {min(ratios):.1f}-{max(ratios):.1f})")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
