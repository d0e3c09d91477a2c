"""Constructed panels whose leverage can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from suasion.panel.schema import CHANNEL_NAMES, CHANNELS_BY_NAME, MONADIC_VARIABLES
from suasion.panel.store import Panel

#: Channels of the second-edition panel. A constructed world leaves them missing unless ``flows``
#: gives them, so that the hand-worked results (written before they existed) stay what they were.
SECOND_EDITION = frozenset({"remittances", "migrants", "china_debt", "diplomatic_rep", "pta_count", "pta_depth",
                            "pta_fbic_index", "us_training", "us_training_cost"})


def make_panel(actors: list[str], years: list[int], flows: dict[str, dict[tuple[str, str], float]] | None = None,
               monadic: dict[str, dict[str, float]] | None = None, missing: dict[str, list[tuple[str, str]]] | None = None,
               carried: dict[str, dict[tuple[str, str], int]] | None = None) -> Panel:
    """A panel with the same values every year: zeros except ``flows[channel][(a, b)]`` (the
    second-edition channels: missing unless ``flows`` names them).

    Monadic variables default to 1 (gdp 1000, milex 100, milper 10, cinc 0.01, population 1e6)
    unless given in ``monadic[var][actor]``.
    """
    n, y = len(actors), len(years)
    pos = {a: i for i, a in enumerate(actors)}
    yr = np.array(years, dtype=np.int64)
    grid = np.broadcast_to(yr.astype(np.int16)[:, None, None], (y, n, n))
    values, observed = {}, {}
    for name in CHANNEL_NAMES:
        if name in SECOND_EDITION and name not in (flows or {}):
            values[name] = np.full((y, n, n), np.nan)
            observed[name] = np.full((y, n, n), -1, dtype=np.int16)
            continue
        v = np.zeros((y, n, n))
        for (a, b), val in (flows or {}).get(name, {}).items():
            v[:, pos[a], pos[b]] = val
            if CHANNELS_BY_NAME[name].symmetric:
                v[:, pos[b], pos[a]] = val
        oy = grid.copy()
        for a, b in (missing or {}).get(name, []):
            v[:, pos[a], pos[b]] = np.nan
            oy[:, pos[a], pos[b]] = -1
        for (a, b), from_year in (carried or {}).get(name, {}).items():
            oy[:, pos[a], pos[b]] = from_year
        idx = np.arange(n)
        v[:, idx, idx] = np.nan
        oy[:, idx, idx] = -1
        values[name], observed[name] = v, oy.astype(np.int16)
    defaults = {"gdp": 1000.0, "population": 1e6, "milex": 100.0, "milper": 10.0, "cinc": 0.01}
    mon, mon_year = {}, {}
    for var in MONADIC_VARIABLES:
        arr = np.full((y, n), defaults[var])
        for a, val in (monadic or {}).get(var, {}).items():
            arr[:, pos[a]] = val
        mon[var] = arr
        mon_year[var] = np.broadcast_to(yr.astype(np.int16)[:, None], (y, n)).copy()
    meta = {c: {"unit": CHANNELS_BY_NAME[c].unit, "description": CHANNELS_BY_NAME[c].description,
                "source_id": CHANNELS_BY_NAME[c].source_id, "symmetric": CHANNELS_BY_NAME[c].symmetric,
                "user": False, "scale": None, "weight": None} for c in CHANNEL_NAMES}
    return Panel(actors=tuple(actors), years=yr, channels=CHANNEL_NAMES, values=values, observed_year=observed,
                 exists=np.ones((y, n), dtype=bool), monadic=mon, monadic_year=mon_year, channel_meta=meta,
                 provenance=pd.DataFrame())
