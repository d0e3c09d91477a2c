"""Constructed worlds for the influence tests, with the second edition's channels when asked."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from suasion.panel.store import Panel
from tests.leverage.worlds import make_panel

YEAR = 2010
ACTORS = ["FRA", "TUR", "CHN", "USA", "PAK"]

#: The second edition's channels and whether they are symmetric.
NEW_CHANNELS = {"remittances": False, "migrants": False, "china_debt": False, "diplomatic_rep": False,
                "pta_count": True, "pta_depth": True, "pta_fbic_index": True, "us_training": False,
                "us_training_cost": False}


def with_channels(panel: Panel, cells: dict[str, dict[tuple[str, str], float]] | None = None,
                  missing: tuple[str, ...] = ()) -> Panel:
    """``panel`` with every second-edition channel (0 everywhere, observed, except ``cells``;
    channels in ``missing`` all missing), whether or not the schema has them yet."""
    shape = (len(panel.years), len(panel.actors), len(panel.actors))
    grid = np.broadcast_to(panel.years.astype(np.int16)[:, None, None], shape)
    values, observed, meta = dict(panel.values), dict(panel.observed_year), dict(panel.channel_meta)
    idx = np.arange(len(panel.actors))
    for name, symmetric in NEW_CHANNELS.items():
        v = np.zeros(shape)
        oy = grid.astype(np.int16).copy()
        if name in missing:
            v[:] = np.nan
            oy[:] = -1
        for (a, b), val in (cells or {}).get(name, {}).items():
            i, j = panel.actor_index(a), panel.actor_index(b)
            v[:, i, j] = val
            oy[:, i, j] = grid[:, i, j]
            if symmetric:
                v[:, j, i] = val
                oy[:, j, i] = grid[:, j, i]
        v[:, idx, idx] = np.nan
        oy[:, idx, idx] = -1
        values[name], observed[name] = v, oy
        meta[name] = {"unit": "", "description": name, "source_id": "test", "symmetric": symmetric,
                      "user": False, "scale": None, "weight": None}
    channels = tuple(dict.fromkeys([*panel.channels, *NEW_CHANNELS]))
    return replace(panel, channels=channels, values=values, observed_year=observed, channel_meta=meta)


def without_channels(panel: Panel, *names: str) -> Panel:
    """``panel`` as a panel built before ``names`` existed: they are not in it at all."""
    keep = tuple(c for c in panel.channels if c not in names)
    return replace(panel, channels=keep, values={c: panel.values[c] for c in keep},
                   observed_year={c: panel.observed_year[c] for c in keep},
                   channel_meta={c: m for c, m in panel.channel_meta.items() if c not in names})


def world(extra: dict | None = None, new: dict | None = None, actors: list[str] | None = None,
          monadic: dict | None = None, second_edition: bool = True, missing: tuple[str, ...] = ()) -> Panel:
    """FRA (principal) trades with TUR; TUR sells arms to PAK; CHN sells arms to PAK but has no tie
    with FRA; USA has no ties at all. ``extra`` adds flows of bundled channels, ``new`` of the
    second edition's channels (those in ``missing`` are missing except the cells given); with
    other ``actors`` only the flows given exist."""
    flows = {} if actors else {
        "exports": {("FRA", "TUR"): 200.0, ("TUR", "FRA"): 50.0},
        "arms_tiv": {("TUR", "PAK"): 100.0, ("CHN", "PAK"): 300.0},
    }
    for channel, cells in (extra or {}).items():
        flows.setdefault(channel, {}).update(cells)
    mon = {} if actors else {"gdp": {"TUR": 1000.0, "FRA": 5000.0, "PAK": 500.0}, "cinc": {"TUR": 0.02, "PAK": 0.01}}
    for var, cells in (monadic or {}).items():
        mon.setdefault(var, {}).update(cells)
    panel = make_panel(actors or ACTORS, [2008, 2009, YEAR], flows=flows, monadic=mon)
    return with_channels(panel, new, missing) if second_edition else panel
