"""Benchmark: start-up of the command line, wall time and peak memory per command.

Each command runs in a fresh process (as a user runs it), ``--runs`` times; the script prints
the median and range of the wall time and the peak resident memory (from ``wait4``). The
baseline, run in the same script on the same machine, answers the same leverage question the
way release 0.1 did: load the whole bundled panel from Parquet first, then query it.
Targets (issue 11): ``suasion --help`` and every ``suasion <command> [<sub>] --help`` <= 0.3 s;
a cold ``suasion leverage over PAK`` <= 0.8 s and <= 300 MB.

The ``--help`` of every group and top-level command is listed one per line; ``--all-help`` also
times every sub-command's ``--help`` (the command tree is read from the Typer app itself) and
prints the median and the slowest. Processes run with byte-code caching on (``PYTHONDONTWRITEBYTECODE``
is removed from their environment) after one warm-up run, as an installed ``suasion`` runs.

    .venv/bin/python benchmarks/cli_start.py [--runs 5] [--all-help]
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

ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENV["COLUMNS"] = "100"


def help_paths(every: bool) -> list[list[str]]:
    """``[]`` (the root), each group and top-level command, and with ``every`` each sub-command."""
    import typer

    from suasion.cli import app

    paths: list[list[str]] = [[]]

    def walk(command, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if getattr(sub, "hidden", False):
                continue
            if len(path) == 0 or every:
                paths.append([*path, name])
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


COMMANDS: list[tuple[str, list[str]]] = [
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
                            env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    return wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--all-help", action="store_true", help="time every sub-command's --help too")
    args = parser.parse_args()
    print(f"{args.runs} fresh processes per command; median [min-max]; load average {os.getloadavg()[0]:.1f}")
    helps = [(" ".join(["suasion", *path, "--help"]), [SUASION, *path, "--help"])
             for path in help_paths(args.all_help)]
    results: dict[str, tuple[float, float]] = {}
    help_walls: dict[str, list[float]] = {}
    for label, cmd in helps + COMMANDS:
        run(cmd)  # warm-up: byte-code written, files in the page cache
        walls, rss = [], []
        for _ in range(args.runs):
            wall, peak, code = run(cmd)
            if code != 0:
                raise SystemExit(f"{label}: exit status {code}")
            walls.append(wall)
            rss.append(peak)
        results[label] = (statistics.median(walls), statistics.median(rss))
        if label.endswith("--help"):
            help_walls[label] = walls
            if len(label.split()) > 3:  # sub-commands: summarised below
                continue
        print(f"{label:58s} {statistics.median(walls):6.2f} s [{min(walls):.2f}-{max(walls):.2f}]"
              f"  {statistics.median(rss):6.0f} MB [{min(rss):.0f}-{max(rss):.0f}]")
    medians = sorted((statistics.median(w), label) for label, w in help_walls.items())
    every = [x for w in help_walls.values() for x in w]
    print(f"--help of {len(help_walls)} commands: median {statistics.median(every):.2f} s "
          f"[{min(every):.2f}-{max(every):.2f}]; slowest median {medians[-1][0]:.2f} s ({medians[-1][1]}); "
          f"{sum(m <= 0.3 for m, _ in medians)} of {len(medians)} medians <= 0.3 s")
    ours = results["suasion leverage over PAK"]
    base = results["baseline: load the whole panel, then leverage over PAK"]
    print(f"leverage over PAK vs whole-panel load: {base[0] / ours[0]:.1f}x faster, "
          f"{base[1] / ours[1]:.1f}x less memory")


if __name__ == "__main__":
    main()
