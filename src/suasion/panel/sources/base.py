"""What a build-time source reader returns: observed dyadic values plus where absence means zero."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from suasion.errors import InputFileError


@dataclass
class DyadicSource:
    """Observations of one channel, in ISO3 codes.

    ``frame`` has columns ``source``, ``target``, ``year``, ``value`` (duplicates are summed; NaN
    marks a cell missing even in a zero-filled year) and,
    for channels that record how each value was measured, ``basis`` (a small integer code, see
    :data:`suasion.panel.schema.BASIS_CODES`). ``zero_years`` maps a year to the sources whose
    absent targets count as observed 0 that year (``None`` = every source); years not in it leave
    absent cells missing. ``symmetric`` channels are written in both directions. ``carry=False``
    keeps missing cells missing (for sources that observe every year, where a missing cell is a
    deliberate "unknown" that an earlier year must not fill). ``report`` counts what was dropped
    and why.
    """

    channel: str
    frame: pd.DataFrame
    zero_years: dict[int, frozenset[str] | None] = field(default_factory=dict)
    symmetric: bool = False
    carry: bool = True
    report: dict[str, object] = field(default_factory=dict)


def dropped_summary(names: pd.Series, mask: pd.Series, top: int = 15) -> dict[str, object]:
    """Rows dropped (``mask`` True) counted by name, for the build report."""
    counts = names[mask].value_counts()
    return {"rows": int(mask.sum()), "by_name": {str(k): int(v) for k, v in counts.head(top).items()}}


def read_table(path: Path, required: Iterable[str], **kwargs) -> pd.DataFrame:
    """``pandas.read_csv`` that names the file when it is missing, unreadable or lacks a column.

    Raises :class:`FileNotFoundError` for a missing file (the build reports it as such) and
    :class:`suasion.errors.InputFileError` for a file that is not the expected table.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(2, "raw file not found", str(path))
    header_kwargs = {k: v for k, v in kwargs.items() if k in ("sep", "encoding", "compression")}
    try:
        header = pd.read_csv(path, nrows=0, **header_kwargs).columns
        missing = [c for c in required if c not in header]
        if missing:
            raise InputFileError(str(path), f"lacks column(s) {', '.join(map(repr, missing))}", line=1)
        return pd.read_csv(path, **kwargs)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, EOFError, OSError) as exc:
        if isinstance(exc, InputFileError):
            raise
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(str(path), f"cannot read as CSV ({reason})") from None
