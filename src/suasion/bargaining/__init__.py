"""Negotiation forecasting and exchange search (compromise, median, BDM, KTAB-style SMP, Stokman
exchange, alternatives mixture), every forecast a predictive distribution, validated on the DEU data;
what a principal can offer a broker; a scenario builder. See docs/bargaining.md.

Public API (imported lazily): :func:`read_scenario`, :func:`forecast`, :func:`exchanges`,
:func:`backtest`, :func:`offer`, :func:`new_scenario`, :func:`frozen_parameters`.
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
    "offer": "suasion.bargaining.offer",
    "new_scenario": "suasion.bargaining.builder",
    "frozen_parameters": "suasion.bargaining.frozen",
}

__all__ = sorted(_API)  # noqa: PLE0605 (built from the lazy map)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'suasion.bargaining' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
