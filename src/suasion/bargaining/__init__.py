"""Negotiation forecasting and exchange search (compromise, median, BDM, KTAB-style SMP, Stokman
exchange), validated on the DEU data. See docs/bargaining.md.

Public API (imported lazily): :func:`read_scenario`, :func:`forecast`, :func:`exchanges`,
:func:`backtest`.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "read_scenario": "suasion.bargaining.readers",
    "forecast": "suasion.bargaining.api",
    "exchanges": "suasion.bargaining.api",
    "backtest": "suasion.bargaining.backtesting",
    "Scenario": "suasion.bargaining.scenario",
    "run_model": "suasion.bargaining.registry",
}

__all__ = ["Scenario", "backtest", "exchanges", "forecast", "read_scenario", "run_model"]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'suasion.bargaining' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
