"""Bargaining benchmarks: DEU backtest time, SMP against KTAB's compiled program, BDM/SMP scaling.

    .venv/bin/python benchmarks/bargaining.py [--quick] [--shared PATH]

1. The DEU backtest of all five models on ``deu_dev.csv`` (target ≤ 10 s), with 1 and 2 worker
   processes, and its MAE table.
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
import time
from pathlib import Path

import numpy as np

KTAB_SECONDS = {"SOE-Pol-Comp": 0.20, "dummyData-a040": 3.7, "dummyData-a080": 41.6, "dummyData-a160": 541.0}


def timed(fn, *args, **kw):
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kw)
    return out, time.perf_counter() - w, time.process_time() - c


def deu_backtest(shared: Path) -> None:
    from suasion.bargaining.backtesting import backtest

    path = shared / "bargaining" / "deu" / "deu_dev.csv"
    print("== DEU backtest, all models (target <= 10 s) ==")
    for jobs in (1, 2):
        res, wall, cpu = timed(backtest, path, "deu", jobs=jobs)
        print(f"jobs={jobs}: wall {wall:.2f} s, CPU of this process {cpu:.2f} s, {res.n_issues} issues")
    s = res.summary
    for r in s.itertuples():
        print(f"  {r.model:<10} MAE {r.mae:6.2f} [{r.mae_low:.2f}, {r.mae_high:.2f}]  medAE {r.median_ae:5.2f}  "
              f"vs compromise {r.diff_vs_baseline:+.2f} [{r.diff_low:+.2f}, {r.diff_high:+.2f}]")
    for name in ("compromise", "median", "bdm", "smp", "exchange"):
        from suasion.bargaining.readers import read_scenario
        from suasion.bargaining.registry import run_model

        scen = read_scenario(path, "deu")
        from suasion.bargaining.backtesting import scored_issues

        sub = scen.subset(scored_issues(scen))
        _, wall, cpu = timed(run_model, name, sub)
        print(f"  {name:<10} alone: wall {wall:.2f} s, CPU {cpu:.2f} s")


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
    deu_backtest(args.shared)
    smp_vs_ktab(args.shared, args.quick)
    scalar_baseline(args.shared)
    scaling(args.quick)


if __name__ == "__main__":
    main()
