"""Model names → functions, imported lazily so that ``import suasion.bargaining`` stays light."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

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


_SETTINGS = {"bdm": ("suasion.bargaining.models.bdm", "BDMSettings"),
             "smp": ("suasion.bargaining.models.smp", "SMPSettings"),
             "exchange": ("suasion.bargaining.models.exchange", "ExchangeSettings")}


def allowed_settings(name: str) -> set[str]:
    """The keyword settings model ``name`` accepts."""
    import dataclasses
    import inspect

    fn = model_function(name)
    allowed = {p for p in inspect.signature(fn).parameters if p not in ("scenario", "settings", "overrides")}
    if name in _SETTINGS:
        module, attr = _SETTINGS[name]
        allowed |= {f.name for f in dataclasses.fields(getattr(importlib.import_module(module), attr))}
    return allowed


def run_model(name: str, scenario: Scenario, **settings: Any):
    """Run model ``name`` on ``scenario`` with keyword settings; returns its ModelResult."""
    unknown = sorted(set(settings) - allowed_settings(name))
    if unknown:
        raise ModelSettingError(f"{name} has no setting {unknown[0]!r}; settings are "
                                f"{', '.join(sorted(allowed_settings(name)))}")
    return model_function(name)(scenario, **settings)
