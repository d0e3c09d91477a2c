"""Positions on a scale: one row per actor, a dot at its position sized by its weight
(e.g. capability × salience), with vertical markers for reference values (forecasts, status quo)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from suasion.charts._svg import (
    GRID,
    MUTED,
    OUTLINE,
    channel_colours,
    esc,
    fmt,
    is_missing,
    nice_ticks,
    num,
    svg_close,
    svg_open,
    text,
    tick_label,
)

ROW = 22
LABEL_WIDTH = 120
MAX_RADIUS = 10.0


def dot_plot(labels: Sequence[str], positions: Sequence[float | None], *, chart_id: str, title: str,
             description: str, weights: Sequence[float | None] | None = None,
             scale: tuple[float, float] | None = None, markers: Mapping[str, float | None] | None = None,
             intervals: Mapping[str, tuple[float, float] | None] | None = None, x_label: str = "",
             width: float = 640, colour: str = "#0072B2", number_format: str = "{:.1f}") -> str:
    """A dot per label at its position on a horizontal scale.

    ``weights`` sizes the dots by area (radius ∝ sqrt(weight / max weight)); ``scale`` fixes the
    axis range (default: the range of the positions); ``markers`` draws a labelled vertical line
    per named value (a forecast per model, the status quo), ``intervals[name] = (low, high)`` a
    shaded range under that marker. Missing positions draw no dot.
    """
    n = len(labels)
    if len(positions) != n or (weights is not None and len(weights) != n):
        raise ValueError("labels, positions and weights must have the same length")
    marks = {k: v for k, v in (markers or {}).items() if not is_missing(v)}
    palette = channel_colours(list(marks), None)
    legend_rows = (len(marks) + 2) // 3
    top = 8 + 18 * legend_rows
    height = top + n * ROW + 30 + (14 if x_label else 0)
    plot = width - LABEL_WIDTH - 24
    present = [float(p) for p in positions if not is_missing(p)] + list(marks.values())
    lo, hi = scale if scale is not None else ((min(present), max(present)) if present else (0.0, 1.0))
    if hi <= lo:
        hi = lo + 1.0
    ticks = [t for t in nice_ticks(lo, hi, 5) if lo - 1e-9 <= t <= hi + 1e-9] or [lo, hi]

    def px(v: float) -> float:
        return LABEL_WIDTH + (v - lo) / (hi - lo) * plot

    w_max = max([float(w) for w in (weights or []) if not is_missing(w) and w > 0] or [1.0])
    out = [svg_open(chart_id, width, height, title, description)]
    for k, name in enumerate(marks):
        lx, ly = LABEL_WIDTH + (k % 3) * plot / 3, 6 + (k // 3) * 18
        out.append(f'<line x1="{num(lx)}" x2="{num(lx + 14)}" y1="{num(ly + 7)}" y2="{num(ly + 7)}" '
                   f'stroke="{palette[name]}" stroke-width="2.5"/>')
        out.append(text(lx + 18, ly + 7, f"{name} {fmt(marks[name], number_format)}", baseline="central", size=11))
    bottom = top + n * ROW
    for t in ticks:
        out.append(f'<line x1="{num(px(t))}" x2="{num(px(t))}" y1="{top}" y2="{num(bottom)}" stroke="{GRID}"/>')
        out.append(text(px(t), bottom + 14, tick_label(t, ticks), anchor="middle", size=11, fill=MUTED))
    for name, iv in (intervals or {}).items():
        if iv is None or name not in marks:
            continue
        a, b = px(max(lo, iv[0])), px(min(hi, iv[1]))
        out.append(f'<rect x="{num(a)}" y="{top}" width="{num(max(b - a, 0.5))}" height="{num(bottom - top)}" '
                   f'fill="{palette[name]}" fill-opacity="0.15"/>')
    for k, (label, pos) in enumerate(zip(labels, positions)):
        y = top + k * ROW + ROW / 2
        out.append(text(LABEL_WIDTH - 8, y, label, anchor="end", baseline="central"))
        out.append(f'<line x1="{LABEL_WIDTH}" x2="{num(LABEL_WIDTH + plot)}" y1="{num(y)}" y2="{num(y)}" '
                   f'stroke="{GRID}" stroke-dasharray="2 3"/>')
        if is_missing(pos):
            continue
        w = weights[k] if weights is not None else None
        r = MAX_RADIUS * math.sqrt(float(w) / w_max) if not is_missing(w) and w > 0 else 4.0
        weight_note = f", weight {fmt(w, '{:.3g}')}" if weights is not None else ""
        out.append(f'<circle cx="{num(px(float(pos)))}" cy="{num(y)}" r="{num(max(r, 2.0))}" fill="{colour}" '
                   f'fill-opacity="0.75" stroke="{OUTLINE}" stroke-width="0.8"><title>{esc(label)}: position '
                   f'{esc(fmt(pos, number_format))}{esc(weight_note)}</title></circle>')
    for name, value in marks.items():
        x = px(value)
        out.append(f'<line x1="{num(x)}" x2="{num(x)}" y1="{top - 2}" y2="{num(bottom)}" stroke="{palette[name]}" '
                   f'stroke-width="2"><title>{esc(name)}: {esc(fmt(value, number_format))}</title></line>')
    if x_label:
        out.append(text(LABEL_WIDTH + plot / 2, height - 4, x_label, anchor="middle", size=11, fill=MUTED))
    out.append(svg_close())
    return "".join(out)
