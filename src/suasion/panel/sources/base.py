"""What a build-time source reader returns: observed dyadic values plus where absence means zero."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class DyadicSource:
    """Observations of one channel, in ISO3 codes.

    ``frame`` has columns ``source``, ``target``, ``year``, ``value`` (duplicates are summed).
    ``zero_years`` maps a year to the sources whose absent targets count as observed 0 that year
    (``None`` = every source); years not in it leave absent cells missing. ``symmetric`` channels
    are written in both directions. ``report`` counts what was dropped and why.
    """

    channel: str
    frame: pd.DataFrame
    zero_years: dict[int, frozenset[str] | None] = field(default_factory=dict)
    symmetric: bool = False
    report: dict[str, object] = field(default_factory=dict)


def dropped_summary(names: pd.Series, mask: pd.Series, top: int = 15) -> dict[str, object]:
    """Rows dropped (``mask`` True) counted by name, for the build report."""
    counts = names[mask].value_counts()
    return {"rows": int(mask.sum()), "by_name": {str(k): int(v) for k, v in counts.head(top).items()}}
