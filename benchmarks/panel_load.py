#!/usr/bin/env python
"""Loading the bundled panel into dense arrays: pyarrow scatter vs a pandas reindex baseline.

Prints the cold load time of ``suasion.panel.load_panel`` (no cache) and of a straightforward
pandas implementation (read_parquet, then per channel a MultiIndex reindex to the full
year x source x target grid), and their ratio. Run: ``.venv/bin/python benchmarks/panel_load.py``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from suasion.panel.schema import CHANNEL_NAMES
from suasion.panel.store import DEFAULT_PANEL_DIR, _read_panel_files


def pandas_baseline() -> dict[str, np.ndarray]:
    dyads = pd.read_parquet(DEFAULT_PANEL_DIR / "dyads.parquet")
    states = pd.read_parquet(DEFAULT_PANEL_DIR / "states.parquet")
    actors = sorted(states["iso3"])
    years = range(int(dyads["year"].min()), int(dyads["year"].max()) + 1)
    dyads["source"] = dyads["source"].astype(str)
    dyads["target"] = dyads["target"].astype(str)
    full = pd.MultiIndex.from_product([years, actors, actors], names=["year", "source", "target"])
    indexed = dyads.set_index(["year", "source", "target"])
    out = {}
    for name in CHANNEL_NAMES:
        out[name] = indexed[name].astype("float64").reindex(full).to_numpy().reshape(
            len(years), len(actors), len(actors))
    return out


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    fast = best_of(lambda: _read_panel_files(DEFAULT_PANEL_DIR))
    slow = best_of(pandas_baseline)
    panel = _read_panel_files(DEFAULT_PANEL_DIR)
    base = pandas_baseline()
    assert all(np.array_equal(panel.values[c], base[c], equal_nan=True) for c in CHANNEL_NAMES)
    size = sum(p.stat().st_size for p in DEFAULT_PANEL_DIR.iterdir()) / 1e6
    print(f"panel files: {size:.2f} MB")
    print(f"load_panel (pyarrow scatter, uncached): {fast:.3f} s")
    print(f"pandas reindex baseline:               {slow:.3f} s")
    print(f"ratio: {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
