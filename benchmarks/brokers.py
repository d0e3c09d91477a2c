"""Benchmark: broker tables and indirect influence for every (principal, target) pair in one year.

Measures, on the bundled panel (the states of one year; the year's model, pull and leverage are
computed inside the timing, from a fresh panel object so that no cache helps):

* the broker score ``pull[P, B] · L[B, T]`` for every principal, broker and target, and the
  aggregate indirect influence ``I_3(P, T)`` for every pair by matrix powers (target <= 2 s);
* a networkx baseline that enumerates the simple routes of up to 3 hops (``all_simple_paths``)
  for a random subset of pairs and sums their strengths (the same definition:
  :func:`suasion.influence.paths.route_strength`), checked equal to the matrix result, with the
  time extrapolated to all pairs; the ratio is printed;
* with ``--cli``, cold start-up of ``suasion brokers`` against ``suasion leverage over`` (each a
  fresh process), median and range.

    .venv/bin/python benchmarks/brokers.py [--year 2010] [--pairs 5] [--repeat 5] [--model suasion] [--cli]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np

from suasion.influence.brokerage import all_broker_tables
from suasion.influence.network import influence_network
from suasion.influence.paths import DEFAULT_ATTENUATION, indirect_influence, route_strength
from suasion.panel import load_panel


def networkx_indirect(graph: nx.DiGraph, move: np.ndarray, press: np.ndarray, p: int, t: int, alpha: float) -> float:
    """Sum of the strengths of the simple routes P > ... > T of 2-3 hops, enumerated by networkx."""
    total = 0.0
    for path in nx.all_simple_paths(graph, p, t, cutoff=3):
        if len(path) >= 3:
            total += route_strength(move[p], move, press[:, t], path[1:-1], alpha)
    return total


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s (range {min(values):.3f}-{max(values):.3f})"


def all_pairs(panel, year: int, model: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    fresh = replace(panel)                 # a new object: no cached tensor or network applies
    t0 = time.perf_counter()
    net = influence_network(fresh, year, (), model)
    scores = all_broker_tables(fresh, year, model)
    alive = net.alive
    move, press = net.pull[np.ix_(alive, alive)], net.leverage[np.ix_(alive, alive)]
    indirect = indirect_influence(move, press, 3, DEFAULT_ATTENUATION)
    return scores, move, press, indirect, time.perf_counter() - t0


def cli_times(repeat: int, year: int) -> None:
    exe = Path(sys.executable).with_name("suasion")
    commands = {"suasion leverage over PAK": [str(exe), "leverage", "over", "PAK", "--year", str(year)],
                "suasion brokers -p EU -t PAK": [str(exe), "brokers", "-p", "EU", "-t", "PAK", "--year", str(year)]}
    results = {}
    for _ in range(repeat):
        for name, cmd in commands.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            results.setdefault(name, []).append(time.perf_counter() - t0)
    for name, values in results.items():
        print(f"cold {name:<32}: {spread(values)}")
    ratio = statistics.median(results["suasion brokers -p EU -t PAK"]) / statistics.median(results["suasion leverage over PAK"])
    print(f"ratio brokers / leverage over (medians)          : {ratio:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2010)
    parser.add_argument("--pairs", type=int, default=5, help="pairs for the networkx baseline")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the matrix computation")
    parser.add_argument("--model", default="suasion", help="suasion (= suasion-2) or suasion-1")
    parser.add_argument("--cli", action="store_true", help="also time cold CLI start-up")
    args = parser.parse_args()

    panel = load_panel()
    times = []
    for _ in range(args.repeat):           # keep only the last result: each run's tables are 7 M numbers
        _, move, press, indirect, seconds = all_pairs(panel, args.year, args.model)
        times.append(seconds)
    n = move.shape[0]
    print(f"{n} states in {args.year} ({args.model}): {n * (n - 1):,} (principal, target) pairs, "
          f"{n * (n - 1) * (n - 2):,} (principal, broker, target) scores")
    print(f"model + broker tables + indirect influence, all pairs: {spread(times)}   (target <= 2 s)")

    graph = nx.DiGraph()                   # an edge wherever a route can use it: pull > 0 or L > 0
    graph.add_nodes_from(range(n))
    rows, cols = np.nonzero((move > 0) | (press > 0))
    graph.add_edges_from(zip(rows.tolist(), cols.tolist()))
    rng = np.random.default_rng(0)
    pairs = [tuple(int(x) for x in rng.choice(n, 2, replace=False)) for _ in range(args.pairs)]
    t0 = time.perf_counter()
    baseline = [networkx_indirect(graph, move, press, p, t, DEFAULT_ATTENUATION) for p, t in pairs]
    nx_time = time.perf_counter() - t0
    max_diff = max(abs(b - indirect[p, t]) for b, (p, t) in zip(baseline, pairs))
    per_pair = nx_time / len(pairs)
    extrapolated = per_pair * n * (n - 1)
    print(f"networkx all_simple_paths (cutoff 3), {len(pairs)} pairs : {nx_time:8.3f} s "
          f"({per_pair * 1000:.1f} ms/pair; max |difference| {max_diff:.1e})")
    print(f"networkx extrapolated to all pairs                 : {extrapolated:8.1f} s")
    print(f"ratio networkx / matrix (median run)               : {extrapolated / statistics.median(times):8.0f} x")
    if args.cli:
        cli_times(args.repeat, args.year)


if __name__ == "__main__":
    main()
