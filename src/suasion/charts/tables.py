"""The accessible counterpart of every chart: an HTML data table with a caption and header cells."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from suasion.charts._svg import esc


class Cell:
    """A table cell with display text, an optional link and an optional note (e.g. a data flag).

    Plain values are formatted by :func:`data_table`; a ``Cell`` is shown as given."""

    __slots__ = ("href", "note", "sort", "text")

    def __init__(self, text: object, href: str | None = None, note: str | None = None,
                 sort: float | str | None = None):
        self.text, self.href, self.note, self.sort = str(text), href, note, sort

    def __html__(self) -> str:
        inner = esc(self.text)
        if self.href:
            inner = f'<a href="{esc(self.href)}">{inner}</a>'
        if self.note:
            inner += f'<br><small class="flag">{esc(self.note)}</small>'
        return inner


def _show(value: Any, number_format: str) -> tuple[str, bool]:
    """(HTML, is numeric)."""
    if isinstance(value, Cell):
        return value.__html__(), isinstance(value.sort, int | float)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<span class=\"missing\">no data</span>", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, int):
        return esc(value), True
    if isinstance(value, float):
        return esc(number_format.format(value)), True
    return esc(value), False


def data_table(columns: Sequence[str | tuple[str, str]], rows: Sequence[Mapping[str, Any] | Sequence[Any]], *,
               caption: str, table_id: str | None = None, number_format: str = "{:.3f}",
               row_header: int | None = 0, formats: Mapping[str, str] | None = None) -> str:
    """An HTML ``<table>`` with ``<caption>``, column headers (``scope="col"``) and, in column
    ``row_header``, row headers (``scope="row"``). ``columns`` are keys or ``(key, label)``; rows
    are mappings (by key) or sequences (by position). Floats use ``number_format`` (or
    ``formats[key]``), missing values read "no data", :class:`Cell` values keep their link and note.
    """
    cols = [(c, c) if isinstance(c, str) else (c[0], c[1]) for c in columns]
    attrs = f' id="{esc(table_id)}"' if table_id else ""
    out = [f'<table class="data-table"{attrs}><caption>{esc(caption)}</caption><thead><tr>']
    out.extend(f'<th scope="col">{esc(label)}</th>' for _, label in cols)
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for k, (key, _) in enumerate(cols):
            value = row.get(key) if isinstance(row, Mapping) else row[k]
            html, numeric = _show(value, (formats or {}).get(key, number_format))
            cls = ' class="num"' if numeric else ""
            if row_header is not None and k == row_header:
                out.append(f'<th scope="row"{cls}>{html}</th>')
            else:
                out.append(f"<td{cls}>{html}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)
