"""Security diplomacy through others: brokers, influence paths, incentives and what-if.

    brokers(principal, target, year)          whom P can work through to move T
    influence_paths(principal, target, ...)   routes of leverage from P to T, direct vs indirect
    incentives(principal, broker, year)       what P could offer B: levers and their marginal pull
    whatif(principal, target, changes, ...)   before/after of leverage, brokers and paths
"""

from __future__ import annotations

import importlib
from typing import Any

_API: dict[str, str] = {
    "brokers": "suasion.influence.brokerage",
    "incentives": "suasion.influence.levers",
    "influence_paths": "suasion.influence.paths",
    "whatif": "suasion.influence.counterfactual",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:  # names load lazily so that importing the package is cheap
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
