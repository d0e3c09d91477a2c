"""Horizontal bars (one value per row, optional interval) and bars stacked by channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from suasion.charts._svg import (
    GRID,
    MUTED,
    OUTLINE,
    channel_colours,
    esc,
    finite,
    flow_legend,
    fmt,
    is_missing,
    nice_ticks,
    num,
    svg_close,
    svg_open,
    text,
    tick_label,
)

ROW = 22          # px per bar row
LABEL_WIDTH = 150  # px left of the bars for the row labels
VALUE_WIDTH = 64   # px right of the bars for the value


def _axis(x0: float, scale: float, ticks: list[float], top: float, bottom: float) -> str:
    parts = []
    for t in ticks:
        x = x0 + t * scale
        parts.append(f'<line x1="{num(x)}" x2="{num(x)}" y1="{num(top)}" y2="{num(bottom)}" stroke="{GRID}" '
                     f'stroke-width="1"/>')
        parts.append(text(x, bottom + 14, tick_label(t, ticks), anchor="middle", size=11, fill=MUTED))
    return "".join(parts)


def bar_chart(labels: Sequence[str], values: Sequence[float | None], *, chart_id: str, title: str,
              description: str, intervals: Sequence[tuple[float, float] | None] | None = None,
              value_label: str = "", width: float = 640, colour: str = "#0072B2",
              highlight: Sequence[str] = (), number_format: str = "{:.3f}") -> str:
    """Horizontal bars in the order given, with the value printed at each bar's end.

    ``intervals`` draws a whisker (low, high) across each bar, e.g. a 95 % range; ``highlight``
    outlines the named rows. Missing values (None/NaN) draw no bar and read "no data".
    """
    n = len(labels)
    if len(values) != n or (intervals is not None and len(intervals) != n):
        raise ValueError("labels, values and intervals must have the same length")
    top, axis_gap = 8, 28
    height = top + n * ROW + axis_gap + (14 if value_label else 0)
    plot = width - LABEL_WIDTH - VALUE_WIDTH
    highs = finite(values) + [hi for iv in (intervals or []) if iv is not None for hi in finite([iv[1]])]
    high = max(highs + [0.0])
    low = min(finite(values) + [0.0])
    ticks = nice_ticks(low, high if high > low else low + 1.0, 4)
    scale = plot / (ticks[-1] - ticks[0])
    x0 = LABEL_WIDTH - ticks[0] * scale
    out = [svg_open(chart_id, width, height, title, description)]
    bottom = top + n * ROW
    out.append(_axis(x0, scale, ticks, top, bottom))
    marked = set(highlight)
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + k * ROW
        out.append(text(LABEL_WIDTH - 6, y + ROW / 2, label, anchor="end", baseline="central",
                        weight="bold" if label in marked else None))
        end = x0
        if not is_missing(value):
            x_a, x_b = sorted((x0, x0 + float(value) * scale))
            extra = f' stroke="{OUTLINE}" stroke-width="1.5"' if label in marked else ""
            out.append(f'<rect x="{num(x_a)}" y="{num(y + 4)}" width="{num(max(x_b - x_a, 0.5))}" '
                       f'height="{num(ROW - 8)}" fill="{colour}"{extra}><title>{esc(label)}: '
                       f'{esc(fmt(value, number_format))}</title></rect>')
            end = max(end, x_b)
        iv = intervals[k] if intervals is not None else None
        if iv is not None and len(finite(iv)) == 2:
            xa, xb = x0 + iv[0] * scale, x0 + iv[1] * scale
            ym = y + ROW / 2
            out.append(f'<path d="M{num(xa)} {num(ym)}H{num(xb)}M{num(xa)} {num(ym - 4)}V{num(ym + 4)}'
                       f'M{num(xb)} {num(ym - 4)}V{num(ym + 4)}" stroke="{OUTLINE}" stroke-width="1.2" fill="none">'
                       f'<title>{esc(label)}: range {esc(fmt(iv[0], number_format))} to '
                       f'{esc(fmt(iv[1], number_format))}</title></path>')
            end = max(end, xb)
        out.append(text(end + 4, y + ROW / 2, fmt(value, number_format), baseline="central", size=11,
                        fill=MUTED))
    if value_label:
        out.append(text(LABEL_WIDTH + plot / 2, height - 4, value_label, anchor="middle", size=11, fill=MUTED))
    out.append(svg_close())
    return "".join(out)


def stacked_bar_chart(labels: Sequence[str], parts: Mapping[str, Sequence[float | None]], *, chart_id: str,
                      title: str, description: str, value_label: str = "", width: float = 640,
                      colours: Mapping[str, str] | None = None, highlight: Sequence[str] = (),
                      number_format: str = "{:.3f}", legend: bool = True) -> str:
    """Horizontal bars split into coloured segments, one per key of ``parts`` (e.g. channels).

    ``parts`` maps a segment name to one value per label, in drawing order; negative and missing
    values are drawn as 0. Segment names that are 0 on every row are left out of the legend.
    The total is printed at each bar's end. ``colours`` fixes a colour per name (default: the
    colour-blind-safe palette in the order of ``parts``).
    """
    n = len(labels)
    names = list(parts)
    for name in names:
        if len(parts[name]) != n:
            raise ValueError(f"parts[{name!r}] has {len(parts[name])} values for {n} labels")
    palette = channel_colours(names, colours)

    def clean(v: float | None) -> float:
        return float(v) if not is_missing(v) and v > 0 else 0.0

    totals = [sum(clean(parts[name][k]) for name in names) for k in range(n)]
    used = [name for name in names if any(clean(v) > 0 for v in parts[name])]
    legend_rows = flow_legend(used, width - LABEL_WIDTH) if legend else []
    top = 8 + 18 * len(legend_rows) + (6 if legend_rows else 0)
    axis_gap = 28
    height = top + n * ROW + axis_gap + (14 if value_label else 0)
    plot = width - LABEL_WIDTH - VALUE_WIDTH
    ticks = nice_ticks(0.0, max(totals + [0.0]) or 1.0, 4)
    scale = plot / (ticks[-1] - ticks[0])
    x0 = LABEL_WIDTH
    out = [svg_open(chart_id, width, height, title, description)]
    for r, row in enumerate(legend_rows):
        for dx, name in row:
            lx, ly = LABEL_WIDTH + dx, 8 + r * 18
            out.append(f'<rect x="{num(lx)}" y="{num(ly + 2)}" width="10" height="10" fill="{palette[name]}"/>')
            out.append(text(lx + 14, ly + 7, name.replace("_", " "), baseline="central", size=11))
    bottom = top + n * ROW
    out.append(_axis(x0, scale, ticks, top, bottom))
    marked = set(highlight)
    for k, label in enumerate(labels):
        y = top + k * ROW
        out.append(text(LABEL_WIDTH - 6, y + ROW / 2, label, anchor="end", baseline="central",
                        weight="bold" if label in marked else None))
        x = x0
        for name in names:
            v = clean(parts[name][k])
            if v <= 0:
                continue
            w = v * scale
            out.append(f'<rect x="{num(x)}" y="{num(y + 4)}" width="{num(max(w, 0.3))}" height="{num(ROW - 8)}" '
                       f'fill="{palette[name]}"><title>{esc(label)}, {esc(name.replace("_", " "))}: '
                       f'{esc(fmt(v, number_format))}</title></rect>')
            x += w
        if label in marked and totals[k] > 0:
            out.append(f'<rect x="{num(x0)}" y="{num(y + 4)}" width="{num(totals[k] * scale)}" '
                       f'height="{num(ROW - 8)}" fill="none" stroke="{OUTLINE}" stroke-width="1.5"/>')
        out.append(text(x + 4, y + ROW / 2, fmt(totals[k], number_format), baseline="central", size=11,
                        fill=MUTED))
    if value_label:
        out.append(text(LABEL_WIDTH + plot / 2, height - 4, value_label, anchor="middle", size=11, fill=MUTED))
    out.append(svg_close())
    return "".join(out)
