"""Rendering tidy results for the terminal: a Rich table, CSV or JSON.

Commands build a DataFrame (or a list of JSON-ready dicts) through the public API and hand it
here; nothing in this module computes anything.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas and Rich are imported when something is printed, not at start-up
    import pandas as pd


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _jsonable(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def print_json(records: Iterable[dict] | dict) -> None:
    """Write JSON records to stdout."""
    sys.stdout.write(json.dumps(_jsonable(records), indent=2, default=str) + "\n")


def format_number(value: float, digits: int = 3) -> str:
    """Numbers for people: thousands separated from 1,000; otherwise ``digits`` significant
    figures (0.0163, 0.000312), scientific notation only below 1e-6."""
    if math.isnan(value):
        return ""
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size < 1e-6:
        return f"{value:.{digits - 1}e}"
    decimals = max(0, digits - 1 - math.floor(math.log10(size)))
    return f"{value:.{decimals}f}"


def print_table(frame: pd.DataFrame, title: str | None = None, floatfmt: str | None = None,
                caption: str | None = None) -> None:
    """A Rich table that stays readable in 80 columns (numbers right-aligned, see format_number)."""
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(80, Console().width))
    table = Table(title=title, caption=caption, show_lines=False, pad_edge=False)
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append(("" if math.isnan(v) else floatfmt.format(v)) if floatfmt else format_number(v))
            else:
                cells.append("" if v is None or v is pd.NA else str(v))
        table.add_row(*cells)
    console.print(table)


def emit(frame: pd.DataFrame, fmt: OutputFormat | str, *, records: list[dict] | None = None,
         title: str | None = None, caption: str | None = None) -> None:
    """Print ``frame`` as a table or CSV, or ``records`` (default: the frame's rows) as JSON."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.json:
        print_json(records if records is not None else frame.to_dict(orient="records"))
    elif fmt is OutputFormat.csv:
        frame.to_csv(sys.stdout, index=False)
    else:
        print_table(frame, title=title, caption=caption)
