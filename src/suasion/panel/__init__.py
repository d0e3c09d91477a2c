"""The bundled dyad-year panel: loading, coverage and user channels.

See :mod:`suasion.panel.schema` for the channels and the on-disk layout and
:mod:`suasion.panel.store` for the dense-array API.
"""

from __future__ import annotations

from suasion.panel.sanctions import add_sanctions_channel
from suasion.panel.store import (
    Panel,
    UserChannelError,
    add_user_channel,
    clear_cache,
    data_sources,
    list_channels,
    load_panel,
    remove_user_channel,
    write_panel,
)

__all__ = ["Panel", "UserChannelError", "add_sanctions_channel", "add_user_channel", "clear_cache",
           "data_sources", "list_channels", "load_panel", "remove_user_channel", "write_panel"]
