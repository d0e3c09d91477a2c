"""Event data: GDELT 1.0/2.0, ICEWS and POLECAT readers, CAMEO and PLOVER tables, a Parquet store, dyadic indices.

Import is light: DuckDB, Ibis and PySpark load only when a function that needs them is called.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "read_events": "suasion.events.readers",
    "detect_layout": "suasion.events.readers",
    "ingest_events": "suasion.events.api",
    "dyad_events": "suasion.events.api",
    "dyad_index": "suasion.events.api",
    "top_partners": "suasion.events.api",
    "event_alerts": "suasion.events.api",
    "cooperation_channel": "suasion.events.api",
    "EventStore": "suasion.events.store",
}

__all__ = [
    "EventStore",
    "cooperation_channel",
    "detect_layout",
    "dyad_events",
    "dyad_index",
    "event_alerts",
    "ingest_events",
    "read_events",
    "top_partners",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'suasion.events' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
