"""The bundled dyad-year panel: loading, coverage and user channels.

See :mod:`suasion.panel.schema` for the channels and the on-disk layout and
:mod:`suasion.panel.store` for the dense-array API.
"""

from __future__ import annotations

import importlib
from typing import Any

_API: dict[str, str] = {
    "Panel": "suasion.panel.store",
    "UserChannelError": "suasion.panel.store",
    "add_user_channel": "suasion.panel.store",
    "clear_cache": "suasion.panel.store",
    "data_sources": "suasion.panel.store",
    "list_channels": "suasion.panel.store",
    "load_panel": "suasion.panel.store",
    "remove_user_channel": "suasion.panel.store",
    "write_panel": "suasion.panel.store",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:  # names load lazily so that importing the package is cheap
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
