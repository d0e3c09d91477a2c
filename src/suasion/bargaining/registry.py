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
    "mixture": ("suasion.bargaining.models.mixture", "alternatives_mixture"),
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


def _setting_types(name: str) -> dict[str, Any]:
    """Setting name → annotation (a string such as ``"float"`` or ``"str | float"``)."""
    import dataclasses
    import inspect

    fn = model_function(name)
    types = {p.name: p.annotation for p in inspect.signature(fn).parameters.values()}
    if name in _SETTINGS:
        module, attr = _SETTINGS[name]
        types |= {f.name: f.type for f in dataclasses.fields(getattr(importlib.import_module(module), attr))}
    return {k: (v if isinstance(v, str) else getattr(v, "__name__", str(v))) for k, v in types.items()}


def _type_ok(value: Any, annotation: str) -> bool:
    accepted = {part.strip() for part in annotation.split("|")}
    checks = {"float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "bool": lambda v: isinstance(v, bool), "str": lambda v: isinstance(v, str),
              "None": lambda v: v is None}
    known = [checks[a] for a in accepted if a in checks]
    return not known or len(known) < len(accepted) or any(check(value) for check in known)


_TYPE_WORDS = {"float": "a number", "int": "a whole number", "bool": "true or false", "str": "a word",
               "None": "none"}


def check_settings(name: str, settings: dict[str, Any]) -> None:
    """Unknown settings and values of the wrong type are :class:`ModelSettingError`."""
    allowed = allowed_settings(name)
    unknown = sorted(set(settings) - allowed)
    if unknown:
        raise ModelSettingError(f"{name} has no setting {unknown[0]!r}; settings are {', '.join(sorted(allowed))}")
    types = _setting_types(name)
    for key, value in settings.items():
        annotation = types.get(key, "")
        if annotation and not _type_ok(value, annotation):
            wanted = " or ".join(_TYPE_WORDS.get(a.strip(), a.strip()) for a in annotation.split("|"))
            raise ModelSettingError(f"{name} setting {key}={value!r}: expected {wanted}")


def run_model(name: str, scenario: Scenario, **settings: Any):
    """Run model ``name`` on ``scenario`` with keyword settings; returns its ModelResult."""
    check_settings(name, settings)
    return model_function(name)(scenario, **settings)
