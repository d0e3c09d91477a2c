"""Model names → functions, imported lazily so that ``import suasion.bargaining`` stays light."""

from __future__ import annotations

import importlib
from typing import Any, Callable

from suasion.bargaining.scenario import ModelSettingError, Scenario

MODELS: dict[str, tuple[str, str]] = {
    "compromise": ("suasion.bargaining.models.compromise", "compromise"),
    "median": ("suasion.bargaining.models.compromise", "median"),
    "bdm": ("suasion.bargaining.models.bdm", "bdm"),
    "smp": ("suasion.bargaining.models.smp", "smp"),
    "exchange": ("suasion.bargaining.models.exchange", "exchange_model"),
}


def model_function(name: str) -> Callable[..., Any]:
    if name not in MODELS:
        raise ModelSettingError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    module, attr = MODELS[name]
    return getattr(importlib.import_module(module), attr)


def run_model(name: str, scenario: Scenario, **settings: Any):
    """Run model ``name`` on ``scenario`` with keyword settings; returns its ModelResult."""
    return model_function(name)(scenario, **settings)
