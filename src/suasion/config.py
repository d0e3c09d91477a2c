"""Where suasion keeps per-user state (register database, event store, user channels).

``SUASION_HOME`` overrides the platform's per-user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_home(create: bool = True) -> Path:
    """The per-user data directory, created on first use (unless ``create`` is false: then only
    its path, for a command that must not create anything when it fails)."""
    env = os.environ.get("SUASION_HOME")
    path = Path(env) if env else Path(platformdirs.user_data_dir("suasion", appauthor=False))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
