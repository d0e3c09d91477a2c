"""One-command briefs: a paper a minister can read, built from suasion's public API.

``suasion.brief(principal, target, ...)`` returns a :class:`~suasion.brief.api.Brief` (HTML, PDF,
Markdown and the data behind it); ``suasion brief --principal EU --target PAK -o brief.html`` is the
command line. See :func:`suasion.brief.api.brief`.

``suasion.brief`` is both this package and the function: importing a submodule sets the package as
the attribute ``suasion.brief``, so the package itself is callable and calls :func:`.api.brief`.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_LAZY = {"brief": "suasion.brief.api", "Brief": "suasion.brief.api"}

__all__ = ["Brief", "brief"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'suasion.brief' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


class _CallablePackage(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return importlib.import_module("suasion.brief.api").brief(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
