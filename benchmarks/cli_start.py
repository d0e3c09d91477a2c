"""Benchmark: start-up of the command line, wall time and peak memory per command.

Each command runs in a fresh process (as a user runs it), ``--runs`` times; the script prints
the median and range of the wall time and the peak resident memory (from ``wait4``). The
baseline, run in the same script on the same machine, answers the same leverage question the
way release 0.1 did: load the whole bundled panel from Parquet first, then query it.
Targets (issue 11): ``suasion --help`` <= 0.3 s; a cold ``suasion leverage over PAK`` <= 0.8 s
and <= 300 MB.

    .venv/bin/python benchmarks/cli_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SUASION = str(Path(sys.executable).with_name("suasion"))

COMMANDS: list[tuple[str, list[str]]] = [
    ("suasion --help", [SUASION, "--help"]),
    ("suasion --version", [SUASION, "--version"]),
    ("suasion leverage over PAK", [SUASION, "leverage", "over", "PAK"]),
    ("suasion leverage over PAK --year 2010", [SUASION, "leverage", "over", "PAK", "--year", "2010"]),
    ("suasion leverage over PAK --model fbic", [SUASION, "leverage", "over", "PAK", "--model", "fbic"]),
    ("suasion brokers --principal EU --target PAK", [SUASION, "brokers", "--principal", "EU", "--target", "PAK"]),
    ("baseline: load the whole panel, then leverage over PAK",
     [sys.executable, "-c",
      "from suasion.panel import load_panel; from suasion.leverage.api import leverage_over; "
      "p = load_panel(); leverage_over('PAK', panel=p)"]),
]


def run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit status of one fresh process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "COLUMNS": "100"})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    return wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.runs} fresh processes per command; median [min-max]; load average {os.getloadavg()[0]:.1f}")
    results: dict[str, tuple[float, float]] = {}
    for label, cmd in COMMANDS:
        walls, rss = [], []
        for _ in range(args.runs):
            wall, peak, code = run(cmd)
            if code != 0:
                raise SystemExit(f"{label}: exit status {code}")
            walls.append(wall)
            rss.append(peak)
        results[label] = (statistics.median(walls), statistics.median(rss))
        print(f"{label:58s} {statistics.median(walls):6.2f} s [{min(walls):.2f}-{max(walls):.2f}]"
              f"  {statistics.median(rss):6.0f} MB [{min(rss):.0f}-{max(rss):.0f}]")
    ours = results["suasion leverage over PAK"]
    base = results["baseline: load the whole panel, then leverage over PAK"]
    print(f"leverage over PAK vs whole-panel load: {base[0] / ours[0]:.1f}x faster, "
          f"{base[1] / ours[1]:.1f}x less memory")


if __name__ == "__main__":
    main()
