"""The defence-engagement register: plan, record and assess engagements, for a whole government.

``Register`` (Python API), ``suasion register ...`` (CLI) and ``create_app`` (FastAPI JSON API,
in :mod:`suasion.engagements.app`). Names load lazily so that importing the package is cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Register": "suasion.engagements.register",
    "create_app": "suasion.engagements.app",
    "trajectory": "suasion.engagements.analysis",
    "coherence": "suasion.engagements.analysis",
    "plan_portfolio": "suasion.engagements.planner",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'suasion.engagements' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
