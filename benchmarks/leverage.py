"""Benchmark: the full leverage tensor (all dyads, all years, all channels) against pandas.

Prints the time to compute the suasion model over the whole bundled panel with the dense NumPy
engine, the same numbers computed by a straightforward pandas groupby implementation (run in
the same process, checked equal), their ratio, the FBIC tensor time, and the warm time of a
single-target query. Targets (DESIGN.md): tensor <= 1 s, >= 20x pandas; one target <= 50 ms warm.

    .venv/bin/python benchmarks/leverage.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from suasion.leverage import engine
from suasion.leverage.api import leverage_over
from suasion.leverage.inputs import suasion_inputs
from suasion.leverage.model import DEFAULT_MODEL
from suasion.panel import load_panel


def timed(fn, repeat: int) -> tuple[list[float], object]:
    """Wall times of ``repeat`` runs of ``fn`` and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def spread(times: list[float], unit: float = 1.0, fmt: str = "{:.3f}") -> str:
    """"median (min-max, n runs)" of ``times`` scaled by ``unit``."""
    values = [t * unit for t in times]
    return (fmt.format(float(np.median(values))) + " (" + fmt.format(min(values)) + "-"
            + fmt.format(max(values)) + f", {len(values)} runs)")


def numpy_tensor(panel):
    engine._CACHE.clear()
    return engine.suasion_tensor(suasion_inputs(panel, DEFAULT_MODEL), DEFAULT_MODEL)


def long_inputs(panel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model's channel flows and receiver scales as tidy tables, the natural pandas start."""
    inputs = suasion_inputs(panel, DEFAULT_MODEL)
    years, actors = inputs.years, np.array(inputs.actors)
    y, a, b = np.nonzero(inputs.exists[:, :, None] & inputs.exists[:, None, :])
    flows = pd.DataFrame({"year": years[y], "source": actors[a], "target": actors[b]})
    scales = []
    for name, ch in inputs.channels.items():
        flows[name] = np.nan_to_num(ch.flows[y, a, b], nan=0.0)
        if ch.scale is not None:
            ty, tb = np.nonzero(inputs.exists)
            scales.append(pd.DataFrame({"year": years[ty], "target": actors[tb], "channel": name,
                                        "scale": ch.scale[ty, tb]}))
    flows = flows[flows["source"] != flows["target"]]
    return flows, pd.concat(scales, ignore_index=True)


def pandas_tensor(flows: pd.DataFrame, scales: pd.DataFrame) -> pd.DataFrame:
    """The suasion model with groupby/merge: shares, concentration, exposure, net, weighted sum."""
    weights = dict(zip(DEFAULT_MODEL.names, DEFAULT_MODEL.weights()))
    out = flows[["year", "source", "target"]].copy()
    out["score"] = 0.0
    for spec in DEFAULT_MODEL.channels:
        name = spec.name
        df = flows[["year", "source", "target", name]].rename(columns={name: "flow"})
        df["flow"] = df["flow"].clip(lower=0)
        inflow = df.groupby(["year", "target"])["flow"].sum().rename("inflow").reset_index()
        df = df.merge(inflow, on=["year", "target"])
        df["share"] = np.where(df["inflow"] > 0, df["flow"] / df["inflow"].where(df["inflow"] > 0, 1), 0.0)
        conc = (df.assign(sq=df["share"] ** 2).groupby(["year", "target"])["sq"].sum() ** 0.5).rename("H").reset_index()
        df = df.merge(conc, on=["year", "target"])
        sc = scales[scales["channel"] == name][["year", "target", "scale"]]
        df = df.merge(sc, on=["year", "target"], how="left")
        x = df["inflow"] / df["scale"]
        g = (x / (x + spec.half_saturation)).where(~np.isinf(x), 1.0).where(x > 0, 0.0).where(df["inflow"] > 0, 0.0)
        df["dep"] = (df["share"] * df["H"] * g).fillna(0.0)
        rev = df[["year", "source", "target", "dep"]].rename(columns={"source": "target", "target": "source",
                                                                      "dep": "dep_rev"})
        df = df.merge(rev, on=["year", "source", "target"], how="left")
        df["net"] = (df["dep"] - df["dep_rev"].fillna(0.0)).clip(lower=0)
        out = out.merge(df[["year", "source", "target", "net"]], on=["year", "source", "target"], how="left")
        out["score"] += weights[name] * out.pop("net").fillna(0.0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    panel = load_panel()
    load_s = time.perf_counter() - t0
    n_dyads = int((panel.exists[:, :, None] & panel.exists[:, None, :]).sum() - panel.exists.sum())
    print(f"panel: {len(panel.actors)} actors x {len(panel.years)} years, {n_dyads:,} directed dyad-years, "
          f"{len(DEFAULT_MODEL.names)} channels; load {load_s:.2f} s")

    numpy_times, tensor = timed(lambda: numpy_tensor(panel), args.repeat)
    flows, scales = long_inputs(panel)
    pandas_times, frame = timed(lambda: pandas_tensor(flows, scales), max(1, args.repeat // 2))

    pos = {a: i for i, a in enumerate(tensor.actors)}
    t_idx = frame["year"].to_numpy() - int(tensor.years[0])
    ours = tensor.score[t_idx, frame["source"].map(pos).to_numpy(), frame["target"].map(pos).to_numpy()]
    max_diff = float(np.nanmax(np.abs(ours - frame["score"].to_numpy())))

    engine._CACHE.clear()
    fbic_times, _ = timed(lambda: (engine._CACHE.clear(), engine.leverage_tensor(panel, "fbic")), args.repeat)

    engine._CACHE.clear()
    leverage_over("PAK", 2010, panel=panel)                       # warm the cache
    query_times, _ = timed(lambda: leverage_over("PAK", 2010, panel=panel), max(args.repeat, 5) * 3)

    ratio = float(np.median(pandas_times)) / float(np.median(numpy_times))
    print(f"suasion tensor, NumPy engine : {spread(numpy_times)} s   (target <= 1 s)")
    print(f"same numbers, pandas groupby : {spread(pandas_times)} s   (max |difference| {max_diff:.1e})")
    print(f"ratio pandas / NumPy, medians: {ratio:.1f} x (target >= 20x)")
    print(f"FBIC tensor                  : {spread(fbic_times)} s")
    print(f"leverage over PAK 2010, warm : {spread(query_times, 1000, '{:.1f}')} ms  (target <= 50 ms)")


if __name__ == "__main__":
    main()
