"""Where suasion keeps per-user state (register database, event store, user channels).

``SUASION_HOME`` overrides the platform's per-user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_home() -> Path:
    """The per-user data directory, created on first use."""
    env = os.environ.get("SUASION_HOME")
    path = Path(env) if env else Path(platformdirs.user_data_dir("suasion", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
