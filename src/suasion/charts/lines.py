"""Lines over time, with an optional shaded band per series (an interval) and marked points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from suasion.charts._svg import (
    GRID,
    MUTED,
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


def _present(v: float | None) -> bool:
    return not is_missing(v)


def line_chart(x: Sequence[float], series: Mapping[str, Sequence[float | None]], *, chart_id: str, title: str,
               description: str, bands: Mapping[str, tuple[Sequence[float | None], Sequence[float | None]]]
               | None = None, dashed: Mapping[str, Sequence[bool]] | None = None, y_label: str = "",
               x_label: str = "", width: float = 640, height: float = 260,
               colours: Mapping[str, str] | None = None, number_format: str = "{:.3f}",
               y_min: float | None = None) -> str:
    """One line per series over the common ``x`` (years, or any increasing numbers).

    Missing values (None/NaN) break the line. ``bands[name] = (low, high)`` shades an interval
    around a series. ``dashed[name]`` marks points drawn hollow (e.g. carried-forward data) so
    observed and carried values can be told apart without colour. Every point has a tooltip.
    """
    n = len(x)
    names = list(series)
    for name in names:
        if len(series[name]) != n:
            raise ValueError(f"series {name!r} has {len(series[name])} values for {n} x positions")
    palette = channel_colours(names, colours)
    left, right = 56, 16
    legend_rows = flow_legend(names, width - left - right)
    top = 10 + 18 * len(legend_rows)
    bottom = 30 + (14 if x_label else 0)
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for name in names for v in finite(series[name])]
    for low, high in (bands or {}).values():
        values += finite(low) + finite(high)
    lo = min(values + ([y_min] if y_min is not None else [])) if values else 0.0
    hi = max(values) if values else 1.0
    if y_min is not None:
        lo = min(lo, y_min)
    yt = nice_ticks(lo, hi if hi > lo else lo + 1.0, 4)
    x_lo, x_hi = (min(x), max(x)) if n else (0, 1)
    span = (x_hi - x_lo) or 1

    def px(v: float) -> float:
        return left + (v - x_lo) / span * plot_w

    def py(v: float) -> float:
        return top + plot_h - (v - yt[0]) / (yt[-1] - yt[0]) * plot_h

    out = [svg_open(chart_id, width, height, title, description)]
    for r, row in enumerate(legend_rows):
        for lx, name in row:
            lx, ly = left + lx, 6 + r * 18
            out.append(f'<line x1="{num(lx)}" x2="{num(lx + 16)}" y1="{num(ly + 7)}" y2="{num(ly + 7)}" '
                       f'stroke="{palette[name]}" stroke-width="2.5"/>')
            out.append(text(lx + 20, ly + 7, name, baseline="central", size=11))
    for t in yt:
        out.append(f'<line x1="{left}" x2="{num(left + plot_w)}" y1="{num(py(t))}" y2="{num(py(t))}" '
                   f'stroke="{GRID}"/>')
        out.append(text(left - 6, py(t), tick_label(t, yt), anchor="end", baseline="central", size=11, fill=MUTED))
    xt = [v for v in nice_ticks(x_lo, x_hi, 6) if x_lo <= v <= x_hi] if n else []
    for t in xt:
        out.append(text(px(t), top + plot_h + 16, f"{t:g}", anchor="middle", size=11, fill=MUTED))
    out.append(f'<line x1="{left}" x2="{num(left + plot_w)}" y1="{num(top + plot_h)}" y2="{num(top + plot_h)}" '
               f'stroke="{MUTED}"/>')
    for name, (low, high) in (bands or {}).items():
        colour = palette.get(name, MUTED)
        run: list[int] = []
        for k in list(range(n)) + [None]:  # type: ignore[list-item]
            if k is not None and _present(low[k]) and _present(high[k]):
                run.append(k)
                continue
            if len(run) >= 1:
                upper = " ".join(f"{num(px(x[i]))},{num(py(float(high[i])))}" for i in run)
                lower = " ".join(f"{num(px(x[i]))},{num(py(float(low[i])))}" for i in reversed(run))
                out.append(f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.18" stroke="none"/>')
            run = []
    for name in names:
        colour = palette[name]
        ys = series[name]
        segments: list[list[int]] = [[]]
        for k in range(n):
            if _present(ys[k]):
                segments[-1].append(k)
            elif segments[-1]:
                segments.append([])
        for seg in segments:
            if len(seg) >= 2:
                d = "M" + "L".join(f"{num(px(x[i]))} {num(py(float(ys[i])))}" for i in seg)
                out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"/>')
        hollow = dashed.get(name) if dashed else None
        for k in range(n):
            if not _present(ys[k]):
                continue
            open_point = bool(hollow[k]) if hollow is not None else False
            fill = "#ffffff" if open_point else colour
            note = " (carried forward)" if open_point else ""
            out.append(f'<circle cx="{num(px(x[k]))}" cy="{num(py(float(ys[k])))}" r="3" fill="{fill}" '
                       f'stroke="{colour}" stroke-width="1.5"><title>{esc(name)}, {esc(f"{x[k]:g}")}: '
                       f'{esc(fmt(ys[k], number_format))}{note}</title></circle>')
    if y_label:
        out.append(f'<text x="12" y="{num(top + plot_h / 2)}" text-anchor="middle" font-size="11" fill="{MUTED}" '
                   f'transform="rotate(-90 12 {num(top + plot_h / 2)})">{esc(y_label)}</text>')
    if x_label:
        out.append(text(left + plot_w / 2, height - 4, x_label, anchor="middle", size=11, fill=MUTED))
    out.append(svg_close())
    return "".join(out)
