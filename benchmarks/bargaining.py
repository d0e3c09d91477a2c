"""Bargaining benchmarks: DEU backtest time, SMP against KTAB's compiled program, BDM/SMP scaling.

    .venv/bin/python benchmarks/bargaining.py [--quick] [--shared PATH]

1. The DEU backtest of all six models on ``deu_dev.csv`` as a user runs it (the CLI in a fresh
   process, 10-fold cross-validation, 2,000 proposal resamples; target ≤ 10 s), with 1 and 2 worker
   processes, median and range of 3 runs; where the time goes; and the closed-form CRPS against
   adaptive quadrature of the same integral.
2. The vectorised SMP against KTAB's C++ ``smpc`` (-O2, figures measured on this machine kind, given in
   the issue: dummyData-a040 3.7 s, a080 41.6 s, a160 541 s, SOE-Pol-Comp 0.20 s); target ≥ 100× on
   a080 and a160. KTAB cannot run here, so its times are constants; the in-process baseline is the
   scalar, KTAB-shaped loop over (i, j) of ``prob_edu`` against the vectorised ``challenge_matrix``.
3. Time per round of BDM and SMP against the number of actors (10, 30, 100), with the fitted
   exponent of time ∝ N^k.

Wall-clock and CPU (process) time are both printed: on a shared machine the CPU time is the fairer
figure. Nothing here asserts; the numbers are for the record (docs/bargaining.md).
"""

from __future__ import annotations

import argparse
import itertools
import resource
import time
from pathlib import Path

import numpy as np

KTAB_SECONDS = {"SOE-Pol-Comp": 0.20, "dummyData-a040": 3.7, "dummyData-a080": 41.6, "dummyData-a160": 541.0}


def timed(fn, *args, **kw):
    """(result, wall seconds, CPU seconds of this process)."""
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kw)
    return out, time.perf_counter() - w, time.process_time() - c


def deu_backtest(shared: Path, repeats: int) -> None:
    """The done criterion as a user runs it: the CLI in a fresh process (imports included), all six
    models, 10-fold CV, 2,000 proposal resamples; then where the time goes, in this process."""
    import statistics
    import subprocess
    import sys

    from suasion.bargaining.backtesting import _distributions, _forecast_all, _score, load_scored
    from suasion.bargaining.registry import run_model
    from suasion.bargaining.scoring import grouped_folds

    path = shared / "bargaining" / "deu" / "deu_dev.csv"
    print("== DEU backtest, all six models, cross-validated (target <= 10 s) ==")
    for jobs in (1, 2):
        walls, cpus = [], []
        for _ in range(repeats):
            w = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-m", "suasion.cli", "backtest", str(path), "--input-format", "deu",
                            "--jobs", str(jobs), "--format", "csv"], check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            walls.append(time.perf_counter() - w)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        print(f"suasion backtest deu_dev.csv --jobs {jobs}: wall median {statistics.median(walls):.2f} s "
              f"(range {min(walls):.2f}-{max(walls):.2f}, {repeats} runs), CPU median {statistics.median(cpus):.2f} s")
    _, sub = load_scored(path, "deu")
    for name in ("compromise", "median", "bdm", "smp", "exchange"):
        extra = {"history": False} if name in ("bdm", "smp") else {}
        _, wall, cpu = timed(run_model, name, sub, **extra)
        print(f"  {name:<10} point forecasts: wall {wall:.2f} s, CPU {cpu:.2f} s")
    points = _forecast_all(sub, ["compromise", "median", "bdm", "smp", "exchange"], {}, 1, None)
    models = [*points, "mixture"]
    fold = grouped_folds(sub.group, 10, 20240521)
    (dists, records), wall_d, _ = timed(_distributions, sub, points, models, fold, None)
    _, wall_s, _ = timed(_score, sub, models, dists, fold, records, "compromise", 2000, 20240521, None)
    print(f"  fitting bands and mixture in 10 folds: {wall_d:.2f} s; scores and bootstrap: {wall_s:.2f} s")
    crps_baseline(dists, sub.outcome)


def crps_baseline(dists: dict, y: np.ndarray) -> None:
    """Closed-form CRPS against adaptive quadrature of the same integral (scipy.integrate.quad between
    breakpoints), on the 1,368 predictive distributions of the backtest."""
    from scipy import integrate

    flat = [(d, yy) for name in dists for d, yy in zip(dists[name], y)]

    def quad(dist, yy):
        pts = sorted({dist.lower, dist.upper, yy, dist.mu, *dist.atoms})
        return sum(integrate.quad(lambda z: (dist.cdf(z) - (z >= yy)) ** 2, a, b, limit=200)[0]
                   for a, b in itertools.pairwise(pts) if b > a)

    _, w_closed, _ = timed(lambda: [d.crps(yy) for d, yy in flat])
    sample = flat[:: max(1, len(flat) // 200)]
    numeric, w_quad, _ = timed(lambda: [quad(d, yy) for d, yy in sample])
    worst = max(abs(a - b) for a, b in zip([d.crps(yy) for d, yy in sample], numeric))
    per_closed, per_quad = w_closed / len(flat), w_quad / len(sample)
    print(f"  CRPS of {len(flat)} distributions: closed form {w_closed * 1000:.0f} ms "
          f"({per_closed * 1e6:.0f} us each); quadrature {per_quad * 1e3:.1f} ms each: x{per_quad / per_closed:.0f}; "
          f"largest difference {worst:.1e}")


def smp_vs_ktab(shared: Path, quick: bool) -> None:
    from suasion.bargaining.models.smp import run_smp
    from suasion.bargaining.readers import read_scenario

    print("\n== SMP against KTAB smpc (-O2; KTAB times are the issue's measurements) ==")
    names = ["SOE-Pol-Comp", "dummyData-a040", "dummyData-a080"] + ([] if quick else ["dummyData-a160"])
    for name in names:
        scen = read_scenario(shared / "bargaining" / "ktab_smp_examples" / f"{name}.csv")
        runs = 1 if name.endswith("a160") else 3
        best_w = best_c = float("inf")
        for _ in range(runs):
            res, wall, cpu = timed(run_smp, scen.position / 100, scen.salience, scen.capability[:, 0])
            best_w, best_c = min(best_w, wall), min(best_c, cpu)
        k = KTAB_SECONDS[name]
        print(f"{name:<16} N={scen.n_actors:<4} turns={res['turns']:<3} ours wall {best_w:7.3f} s (x{k / best_w:6.1f}) "
              f"CPU {best_c:7.3f} s (x{k / best_c:6.1f})  KTAB {k:g} s")


def scalar_baseline(shared: Path) -> None:
    from suasion.bargaining.models.smp import SMPSettings, assess, challenge_matrix, prob_edu
    from suasion.bargaining.readers import read_scenario

    print("\n== in-process baseline: KTAB-shaped scalar loop vs vectorised challenge matrix (a040) ==")
    scen = read_scenario(shared / "bargaining" / "ktab_smp_examples" / "dummyData-a040.csv")
    st = SMPSettings().normalised()
    pos, sal, cap = scen.position / 100, scen.salience, scen.capability[:, 0]
    state = assess(pos, sal, cap, st)
    sal_total = sal.sum(axis=1)
    n = len(cap)
    (p_vec, e_vec), w_vec, _ = timed(challenge_matrix, state, sal_total, cap, st)

    def scalar() -> np.ndarray:
        out = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                if i != j:
                    out[i, j] = prob_edu(state, sal_total, cap, st, i, i, i, j)[1]
        return out

    e_loop, w_loop, _ = timed(scalar)
    off = ~np.eye(n, dtype=bool)
    assert np.allclose(e_loop[off], e_vec[off])
    print(f"scalar loop {w_loop * 1000:.1f} ms, vectorised {w_vec * 1000:.2f} ms: x{w_loop / w_vec:.0f}")


def scaling(quick: bool) -> None:
    from suasion.bargaining.models.bdm import BDMSettings, bdm_round
    from suasion.bargaining.models.smp import SMPSettings, assess, smp_step

    print("\n== time per round against the number of actors (1-D issue, random inputs) ==")
    rng = np.random.default_rng(7)
    sizes = (10, 30, 100)
    res = {"bdm": [], "smp": []}
    for n in sizes:
        x = rng.uniform(0, 100, n)
        c = rng.uniform(1, 100, n)
        s = rng.uniform(0.1, 1.0, n)
        st_b = BDMSettings()
        reps = 20 if n < 100 else 5
        _, w, _ = timed(lambda: [bdm_round(x, c, s, st_b, rng, (0.0, 100.0)) for _ in range(reps)])
        res["bdm"].append(w / reps)
        st = SMPSettings().normalised()
        pos, sal = x[:, None] / 100, s[:, None]
        reps_s = 10 if n < 100 else (2 if quick else 3)

        def smp_rounds() -> None:
            for _ in range(reps_s):
                state = assess(pos, sal, c, st)
                smp_step(pos, sal, c, st, state, rng)

        _, w, _ = timed(smp_rounds)
        res["smp"].append(w / reps_s)
    for model, times in res.items():
        k = np.polyfit(np.log(sizes), np.log(times), 1)[0]
        k_hi = np.log(times[-1] / times[-2]) / np.log(sizes[-1] / sizes[-2])
        cells = ", ".join(f"N={n}: {t * 1000:.2f} ms" for n, t in zip(sizes, times))
        print(f"{model}: {cells}; fitted time per round ~ N^{k:.2f} (N^{k_hi:.2f} between 30 and 100)")
    print("(BDM is O(N^3) per round: the probability matrix sums over third parties for every dyad; SMP is "
          "O(N^3): the challenge step sums over third parties for every (initiator, target) pair — "
          "fixed costs dominate at small N)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 160-actor run")
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = ap.parse_args()
    deu_backtest(args.shared, 1 if args.quick else 3)
    smp_vs_ktab(args.shared, args.quick)
    scalar_baseline(args.shared)
    scaling(args.quick)


if __name__ == "__main__":
    main()
