"""suasion: measure who can move a state, through whom, and what a negotiation will produce.

The public API is the handful of functions a notebook user calls; each returns a tidy pandas
DataFrame with ISO3 codes and years. Names are imported lazily so that ``import suasion`` stays
cheap; see the README for the full list.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API: dict[str, str] = {
    # actors
    "to_iso3": "suasion.actors",
    "resolve_actor": "suasion.actors",
    "bloc_members": "suasion.actors",
    "actor_name": "suasion.actors",
    "is_bloc": "suasion.actors",
    "bloc_membership": "suasion.actors",
    # panel
    "load_panel": "suasion.panel",
    "data_sources": "suasion.panel",
    # leverage
    "leverage_over": "suasion.leverage.api",
    "leverage_of": "suasion.leverage.api",
    "dyad_history": "suasion.leverage.api",
    "leverage_matrix": "suasion.leverage.api",
    "leverage_sensitivity": "suasion.leverage.api",
    "fbic_from_release": "suasion.leverage.fbic",
    # influence
    "brokers": "suasion.influence",
    "influence_paths": "suasion.influence",
    "incentives": "suasion.influence",
    "whatif": "suasion.influence",
    # bargaining
    "read_scenario": "suasion.bargaining",
    "forecast": "suasion.bargaining",
    "exchanges": "suasion.bargaining",
    "backtest": "suasion.bargaining",
    # engagements
    "Register": "suasion.engagements",
    # events
    "read_events": "suasion.events",
    "ingest_events": "suasion.events",
    "dyad_events": "suasion.events",
    "top_partners": "suasion.events",
    "event_alerts": "suasion.events",
    "cooperation_channel": "suasion.events",
    # briefs
    "brief": "suasion.brief",
}

__all__ = sorted(_API) + ["__version__"]  # noqa: PLE0605 (built from the lazy map)


def __dir__() -> list[str]:
    """The public API, for tab completion (names load on first use)."""
    return sorted(set(_API) | {n for n in globals() if n.startswith("__")})


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'suasion' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
