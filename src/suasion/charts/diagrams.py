"""Diagrams of influence: principal -> brokers -> target, and a small network of leverage ties."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from suasion.charts._svg import (
    MUTED,
    OUTLINE,
    channel_colours,
    esc,
    fmt,
    num,
    svg_close,
    svg_open,
    text,
)

MAX_EDGE = 14.0   # px, the widest edge
MIN_EDGE = 0.8


def _width(value: float, top: float) -> float:
    if top <= 0 or value <= 0:
        return MIN_EDGE
    return max(MIN_EDGE, MAX_EDGE * value / top)


def _node(x: float, y: float, label: str, fill: str, *, r: float = 20) -> str:
    return (f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{fill}" stroke="{OUTLINE}" stroke-width="1"/>'
            + text(x, y, label, anchor="middle", baseline="central", weight="bold", size=11, fill="#ffffff"))


def broker_diagram(principal: str, target: str, brokers: Sequence[tuple[str, float, float]], direct: float, *,
                   chart_id: str, title: str, description: str, width: float = 640,
                   number_format: str = "{:.3f}") -> str:
    """Principal P on the left, the brokers in the middle, target T on the right.

    ``brokers`` is ``(name, pull of P over the broker, leverage of the broker over T)``, drawn top to
    bottom in the order given. Edge widths are proportional to those values on one common scale,
    so the direct edge P -> T (the arc over the top, width ∝ ``direct``) can be compared with the
    broker -> T edges.
    """
    n = len(brokers)
    row = 34
    top = 56
    height = top + max(n, 1) * row + 24
    xp, xb, xt = 60.0, width / 2, width - 60.0
    ymid = top + max(n, 1) * row / 2 - row / 2 + 10
    scale_top = max([direct] + [p for _, p, _ in brokers] + [lv for _, _, lv in brokers] + [0.0])
    out = [svg_open(chart_id, width, height, title, description)]
    # direct edge: an arc over the top
    w = _width(direct, scale_top)
    out.append(f'<path d="M{num(xp)} {num(ymid - 20)}C{num(xp + 60)} 6 {num(xt - 60)} 6 {num(xt)} {num(ymid - 20)}" '
               f'fill="none" stroke="#D55E00" stroke-width="{num(w)}" stroke-opacity="0.8">'
               f'<title>direct leverage {esc(principal)} over {esc(target)}: {esc(fmt(direct, number_format))}'
               f'</title></path>')
    out.append(text(width / 2, 14, f"direct {fmt(direct, number_format)}", anchor="middle", size=11, fill="#a03c00"))
    for k, (name, pull, lev) in enumerate(brokers):
        y = top + k * row + 10
        out.append(f'<path d="M{num(xp + 20)} {num(ymid)}C{num((xp + xb) / 2)} {num(ymid)} {num((xp + xb) / 2)} '
                   f'{num(y)} {num(xb - 16)} {num(y)}" fill="none" stroke="#0072B2" stroke-opacity="0.7" '
                   f'stroke-width="{num(_width(pull, scale_top))}"><title>pull of {esc(principal)} over {esc(name)}: '
                   f'{esc(fmt(pull, number_format))}</title></path>')
        out.append(f'<path d="M{num(xb + 16)} {num(y)}C{num((xb + xt) / 2)} {num(y)} {num((xb + xt) / 2)} '
                   f'{num(ymid)} {num(xt - 20)} {num(ymid)}" fill="none" stroke="#009E73" stroke-opacity="0.7" '
                   f'stroke-width="{num(_width(lev, scale_top))}"><title>leverage of {esc(name)} over {esc(target)}: '
                   f'{esc(fmt(lev, number_format))}</title></path>')
        out.append(f'<rect x="{num(xb - 16)}" y="{num(y - 10)}" width="32" height="20" rx="4" fill="#ffffff" '
                   f'stroke="{OUTLINE}"/>')
        out.append(text(xb, y, name, anchor="middle", baseline="central", size=11, weight="bold"))
        out.append(text(xb - 22, y - 6, fmt(pull, number_format), anchor="end", size=10, fill="#005a8c"))
        out.append(text(xb + 22, y - 6, fmt(lev, number_format), size=10, fill="#006b4f"))
    out.append(_node(xp, ymid, principal, "#0072B2"))
    out.append(_node(xt, ymid, target, "#333333"))
    out.append(text(xp, ymid + 34, "principal", anchor="middle", size=10, fill=MUTED))
    out.append(text(xt, ymid + 34, "target", anchor="middle", size=10, fill=MUTED))
    out.append(text(8, height - 6, "Blue: pull of the principal over the broker. Green: the broker's leverage over "
                    "the target. Widths share one scale.", size=10, fill=MUTED))
    out.append(svg_close())
    return "".join(out)


def circle_layout(nodes: Sequence[str], groups: Mapping[str, str] | None, cx: float, cy: float, r: float
                  ) -> dict[str, tuple[float, float]]:
    """Nodes on a circle, grouped (groups in first-seen order, nodes in the given order within)."""
    order: list[str] = []
    if groups:
        seen: dict[str, list[str]] = {}
        for node in nodes:
            seen.setdefault(groups.get(node, ""), []).append(node)
        for members in seen.values():
            order.extend(members)
    else:
        order = list(nodes)
    n = max(len(order), 1)
    return {node: (cx + r * math.sin(2 * math.pi * k / n), cy - r * math.cos(2 * math.pi * k / n))
            for k, node in enumerate(order)}


def network_chart(nodes: Sequence[str], edges: Sequence[tuple[str, str, float]], *, chart_id: str, title: str,
                  description: str, groups: Mapping[str, str] | None = None, size: float = 560,
                  number_format: str = "{:.3f}") -> str:
    """Directed ties between nodes placed on a circle (deterministic; grouped by ``groups``).

    Edges ``(source, target, weight)`` are curved arrows, width ∝ weight; nodes are sized by the
    sum of their outgoing weights and coloured by group. Nodes and edges carry ``data-id`` /
    ``data-source``/``data-target`` so a script may lay them out again or highlight ties.
    """
    known = set(nodes)
    edges = [e for e in edges if e[0] in known and e[1] in known and e[0] != e[1]]
    group_names = list(dict.fromkeys((groups or {}).get(n, "") for n in nodes))
    palette = channel_colours(group_names, None)
    legend = [g for g in group_names if g]
    legend_h = 18 * ((len(legend) + 3) // 4)
    height = size + legend_h
    cx, cy, r = size / 2, legend_h + size / 2, size / 2 - 48
    pos = circle_layout(nodes, groups, cx, cy, r)
    top = max([w for _, _, w in edges] + [0.0])
    out_strength = {n: 0.0 for n in nodes}
    for s, _, w in edges:
        out_strength[s] += max(w, 0.0)
    s_top = max(list(out_strength.values()) + [0.0])
    cid = esc(chart_id)
    out = [svg_open(chart_id, size, height, title, description)]
    out.append(f'<defs><marker id="{cid}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
               f'markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L10 5L0 10z" fill="#555555"/></marker></defs>')
    for k, g in enumerate(legend):
        lx, ly = 8 + (k % 4) * size / 4, 4 + (k // 4) * 18
        out.append(f'<circle cx="{num(lx + 5)}" cy="{num(ly + 7)}" r="5" fill="{palette[g]}"/>')
        out.append(text(lx + 14, ly + 7, g, baseline="central", size=11))
    out.append('<g class="edges">')
    for s, t, w in sorted(edges, key=lambda e: (e[2], e[0], e[1])):
        (x1, y1), (x2, y2) = pos[s], pos[t]
        # bend towards the centre so A->B and B->A do not overlap
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        qx, qy = mx + (cx - mx) * 0.35 + (y2 - y1) * 0.08, my + (cy - my) * 0.35 - (x2 - x1) * 0.08
        # stop short of the target node
        dx, dy = x2 - qx, y2 - qy
        dist = math.hypot(dx, dy) or 1.0
        rt = 6 + 10 * math.sqrt(out_strength[t] / s_top) if s_top > 0 else 6
        ex, ey = x2 - dx / dist * (rt + 2), y2 - dy / dist * (rt + 2)
        out.append(f'<path class="edge" data-source="{esc(s)}" data-target="{esc(t)}" '
                   f'd="M{num(x1)} {num(y1)}Q{num(qx)} {num(qy)} {num(ex)} {num(ey)}" fill="none" stroke="#555555" '
                   f'stroke-opacity="0.55" stroke-width="{num(_width(w, top) * 0.6)}" '
                   f'marker-end="url(#{cid}-arrow)"><title>{esc(s)} over {esc(t)}: {esc(fmt(w, number_format))}'
                   f'</title></path>')
    out.append('</g><g class="nodes">')
    for node in nodes:
        x, y = pos[node]
        rn = 6 + 10 * math.sqrt(out_strength[node] / s_top) if s_top > 0 else 6
        colour = palette[(groups or {}).get(node, "")]
        out.append(f'<g class="node" data-id="{esc(node)}"><circle cx="{num(x)}" cy="{num(y)}" r="{num(rn)}" '
                   f'fill="{colour}" stroke="{OUTLINE}" stroke-width="0.8"><title>{esc(node)}: total outgoing '
                   f'{esc(fmt(out_strength[node], number_format))}</title></circle>')
        lx, ly = cx + (x - cx) * (1 + (rn + 14) / r), cy + (y - cy) * (1 + (rn + 12) / r)
        anchor = "middle" if abs(x - cx) < r * 0.2 else ("start" if x > cx else "end")
        out.append(text(lx, ly, node, anchor=anchor, baseline="central", size=11) + "</g>")
    out.append("</g>")
    out.append(svg_close())
    return "".join(out)
