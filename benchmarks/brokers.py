"""Benchmark: broker tables and indirect influence for every (principal, target) pair in one year.

Measures, on the bundled panel (the states of one year; the year's leverage is computed inside
the timing):

* the broker score ``sqrt(pull[P, B] · L[B, T])`` for every principal, broker and target, and the
  aggregate indirect influence ``I_3(P, T)`` for every pair by matrix powers (target <= 2 s);
* a networkx baseline that enumerates simple paths of up to 3 hops (``all_simple_paths``) for a
  random subset of pairs, checked equal to the matrix result, with the time extrapolated to all
  pairs; the ratio is printed.

    .venv/bin/python benchmarks/brokers.py [--year 2010] [--pairs 10]
"""

from __future__ import annotations

import argparse
import itertools
import time

import networkx as nx
import numpy as np

from suasion.influence.brokerage import all_broker_tables
from suasion.influence.network import influence_network
from suasion.influence.paths import DEFAULT_ATTENUATION, indirect_influence
from suasion.panel import load_panel


def networkx_indirect(graph: nx.DiGraph, p: int, t: int, alpha: float) -> float:
    total = 0.0
    for path in nx.all_simple_paths(graph, p, t, cutoff=3):
        if len(path) >= 3:
            strength = alpha ** (len(path) - 2)
            for a, b in itertools.pairwise(path):
                strength *= graph[a][b]["weight"]
            total += strength
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2010)
    parser.add_argument("--pairs", type=int, default=10, help="pairs for the networkx baseline")
    args = parser.parse_args()

    panel = load_panel()
    t0 = time.perf_counter()
    net = influence_network(panel, args.year)
    all_broker_tables(panel, args.year)
    w = net.leverage[np.ix_(net.alive, net.alive)]
    indirect = indirect_influence(w, 3, DEFAULT_ATTENUATION)
    ours = time.perf_counter() - t0
    n = int(net.alive.sum())
    print(f"{n} states in {args.year}: {n * (n - 1):,} (principal, target) pairs, "
          f"{n * (n - 1) * (n - 2):,} (principal, broker, target) scores")
    print(f"broker tables + indirect influence, all pairs : {ours:8.3f} s   (target <= 2 s)")

    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    rows, cols = np.nonzero(w > 0)
    graph.add_weighted_edges_from((int(a), int(b), float(w[a, b])) for a, b in zip(rows, cols))
    rng = np.random.default_rng(0)
    pairs = [tuple(rng.choice(n, 2, replace=False)) for _ in range(args.pairs)]
    t0 = time.perf_counter()
    baseline = [networkx_indirect(graph, int(p), int(t), DEFAULT_ATTENUATION) for p, t in pairs]
    nx_time = time.perf_counter() - t0
    max_diff = max(abs(b - indirect[p, t]) for b, (p, t) in zip(baseline, pairs))
    per_pair = nx_time / len(pairs)
    extrapolated = per_pair * n * (n - 1)
    print(f"networkx all_simple_paths (cutoff 3), {len(pairs)} pairs : {nx_time:8.3f} s "
          f"({per_pair * 1000:.1f} ms/pair; max |difference| {max_diff:.1e})")
    print(f"networkx extrapolated to all pairs            : {extrapolated:8.1f} s")
    print(f"ratio networkx / matrix powers               : {extrapolated / ours:8.0f} x")


if __name__ == "__main__":
    main()
