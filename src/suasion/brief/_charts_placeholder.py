"""Temporary stand-in for ``suasion.charts`` (being written for the web workbench): two plain SVG
charts so that briefs render until the shared chart code lands. Delete when it does."""

from __future__ import annotations

from html import escape

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000", "#a5a5a5",
           "#843c0c", "#375623", "#002060", "#ff7c80", "#00b0f0", "#666666")


def stacked_bars(rows: list[tuple[str, dict[str, float]]], channels: list[str], width: int = 340) -> str:
    """Horizontal bars, one per row, stacked by channel."""
    bar_h, gap, left, legend_h = 14, 4, 44, 14 * ((len(channels) + 2) // 3)
    total = max((sum(max(v, 0.0) for v in parts.values()) for _, parts in rows), default=0.0) or 1.0
    height = len(rows) * (bar_h + gap) + legend_h + 6
    scale = (width - left - 8) / total
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" font-size="9" font-family="sans-serif">']
    for i, (label, parts) in enumerate(rows):
        y = i * (bar_h + gap)
        out.append(f'<text x="{left - 4}" y="{y + bar_h - 3}" text-anchor="end">{escape(label)}</text>')
        x = float(left)
        for k, channel in enumerate(channels):
            w = max(parts.get(channel, 0.0), 0.0) * scale
            if w > 0:
                out.append(f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{bar_h}" '
                           f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(channel)}</title></rect>')
                x += w
    y0 = len(rows) * (bar_h + gap) + 4
    for k, channel in enumerate(channels):
        x, y = 4 + (k % 3) * (width // 3), y0 + (k // 3) * 14
        out.append(f'<rect x="{x}" y="{y}" width="9" height="9" fill="{PALETTE[k % len(PALETTE)]}"/>'
                   f'<text x="{x + 12}" y="{y + 8}">{escape(channel)}</text>')
    out.append("</svg>")
    return "".join(out)


def lines(series: dict[str, list[tuple[float, float]]], width: int = 340, height: int = 130) -> str:
    """One line per series over a shared x axis."""
    points = [p for s in series.values() for p in s]
    if not points:
        return ""
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y1 = max(max(p[1] for p in points), 1e-12)
    left, bottom, top, right = 40, 16, 6, 70
    sx = (width - left - right) / ((x1 - x0) or 1.0)
    sy = (height - bottom - top) / y1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" font-size="9" font-family="sans-serif">',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#999"/>',
           f'<text x="{left}" y="{height - 4}">{int(x0)}</text>',
           f'<text x="{width - right}" y="{height - 4}" text-anchor="end">{int(x1)}</text>',
           f'<text x="{left - 3}" y="{top + 8}" text-anchor="end">{y1:.3g}</text>']
    for k, (label, pts) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        coords = " ".join(f"{left + (x - x0) * sx:.2f},{height - bottom - y * sy:.2f}" for x, y in pts)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{coords}"/>')
        lx, ly = pts[-1]
        out.append(f'<text x="{left + (lx - x0) * sx + 4:.2f}" y="{height - bottom - ly * sy + 3:.2f}" '
                   f'fill="{colour}">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)
