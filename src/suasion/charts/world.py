"""A world choropleth: each state coloured by a value, small states drawn as circles.

The borders are world-atlas ``countries-50m`` (Natural Earth, public domain), projected once at
build time with d3-geo's Equal Earth projection and shipped as SVG paths keyed by ISO3
(``charts/data/world_equal_earth.json``, built by ``scripts/build_web_assets.py``, which also
documents the units without an ISO code). Units smaller than ``SMALL_AREA`` px² at the native
960 px width (Singapore, Bahrain, Malta, the Pacific islands …) are invisible as areas, so they
are also drawn as a circle at their centroid.

Colours are classes, not a continuous ramp, so a reader can match a state to the legend: by
default five classes whose upper bounds are the 20/40/60/80/100 % quantiles of the positive
values (rounded to two significant figures), a separate class for 0 and a hatched grey for no
value (missing data, or not a state in the data).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from suasion.charts._svg import (
    MUTED,
    NO_DATA,
    OUTLINE,
    SEQUENTIAL,
    esc,
    fmt,
    is_missing,
    num,
    short_number,
    svg_close,
    svg_open,
    text,
)

SMALL_AREA = 4.0    # px² at the native width
CIRCLE_RADIUS = 2.6
ZERO_FILL = "#f4f8fb"
LEGEND_HEIGHT = 44


@lru_cache(maxsize=1)
def world_geometry() -> dict[str, Any]:
    """The projected map (package data, read once): width, height, outline and units with
    ``iso3`` (None for units assigned to no state), ``name``, path ``d``, ``area`` and centroid."""
    raw = resources.files("suasion.charts").joinpath("data/world_equal_earth.json").read_text()
    return json.loads(raw)


def _round2(x: float) -> float:
    if x <= 0:
        return 0.0
    digits = 1 - math.floor(math.log10(x))
    return round(x, digits)


def default_breaks(values: Sequence[float], classes: int = 5) -> list[float]:
    """Upper bounds of ``classes`` quantile classes of the positive values (two significant figures)."""
    positive = sorted(v for v in values if not is_missing(v) and v > 0)
    if not positive:
        return []
    out: list[float] = []
    for k in range(1, classes + 1):
        q = positive[min(len(positive) - 1, math.ceil(k / classes * len(positive)) - 1)]
        b = _round2(q)
        if k == classes:
            b = max(b, positive[-1])
        if not out or b > out[-1]:
            out.append(b)
    return out


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """-1 for 0, the class index for a positive value, None for no value."""
    if is_missing(value):
        return None
    if value <= 0:
        return -1
    for k, b in enumerate(breaks):
        if value <= b:
            return k
    return len(breaks) - 1


def _fill(cls: int | None, chart_id: str, colours: Sequence[str]) -> str:
    if cls is None:
        return f"url(#{chart_id}-nodata)"
    if cls < 0:
        return ZERO_FILL
    return colours[min(cls, len(colours) - 1)]


def _class_colours(count: int) -> tuple[str, ...]:
    if count <= 0:
        return ()
    if count >= len(SEQUENTIAL):
        return SEQUENTIAL
    step = (len(SEQUENTIAL) - 1) / max(count - 1, 1)
    return tuple(SEQUENTIAL[round(k * step)] for k in range(count))


def world_map(values: Mapping[str, float | None], *, chart_id: str, title: str, description: str,
              highlight: Sequence[str] = (), breaks: Sequence[float] | None = None,
              legend_label: str = "", names: Mapping[str, str] | None = None,
              number_format: str = "{:.3f}", width: float = 960) -> str:
    """A choropleth of ``values`` (ISO3 -> value; states not in it have no value).

    ``highlight`` outlines states (e.g. the target) in black; ``breaks`` are the upper bounds of
    the colour classes (default :func:`default_breaks`); ``names`` replaces the map's own unit
    names in tooltips. Each unit carries ``data-iso3`` so a script may make it clickable; the
    SVG itself holds no links (keyboard users use the data table beside it).
    """
    geo = world_geometry()
    breaks = list(breaks) if breaks is not None else default_breaks(list(values.values()))
    colours = _class_colours(len(breaks))
    scale = width / geo["width"]
    map_h = geo["height"] * scale
    height = map_h + LEGEND_HEIGHT
    cid = esc(chart_id)
    out = [svg_open(chart_id, width, height, title, description)]
    out.append(f'<defs><pattern id="{cid}-nodata" width="6" height="6" patternUnits="userSpaceOnUse" '
               f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{NO_DATA}"/>'
               f'<line x1="0" y1="0" x2="0" y2="6" stroke="#bdbdbd" stroke-width="2"/></pattern></defs>')
    transform = f' transform="scale({scale:.6g})"' if scale != 1 else ""
    out.append(f'<g{transform}>')
    out.append(f'<path d="{geo["outline"]}" fill="#fbfdff" stroke="#c8c8c8" stroke-width="0.6"/>')
    marked = set(highlight)
    small: list[tuple[dict[str, Any], str, str]] = []
    outlined: list[dict[str, Any]] = []
    for unit in geo["units"]:
        iso3 = unit["iso3"]
        value = values.get(iso3) if iso3 else None
        fill = _fill(class_of(value, breaks), cid, colours)
        label = (names or {}).get(iso3, unit["name"]) if iso3 else f"{unit['name']} (no state assigned)"
        tip = f"{label}: {fmt(value, number_format)}"
        data = f' data-iso3="{iso3}"' if iso3 else ""
        out.append(f'<path class="unit"{data} d="{unit["d"]}" fill="{fill}" stroke="#ffffff" stroke-width="0.4">'
                   f'<title>{esc(tip)}</title></path>')
        if unit["area"] < SMALL_AREA and iso3:
            small.append((unit, fill, tip))
        if iso3 in marked:
            outlined.append(unit)
    for unit, fill, tip in small:
        stroke = OUTLINE if unit["iso3"] in marked else "#5a5a5a"
        out.append(f'<circle class="unit" data-iso3="{unit["iso3"]}" cx="{num(unit["cx"])}" cy="{num(unit["cy"])}" '
                   f'r="{CIRCLE_RADIUS}" fill="{fill}" stroke="{stroke}" stroke-width="0.6">'
                   f'<title>{esc(tip)}</title></circle>')
    for unit in outlined:
        out.append(f'<path d="{unit["d"]}" fill="none" stroke="{OUTLINE}" stroke-width="1.6"/>')
    out.append("</g>")
    # legend: zero, the classes, no data
    y = map_h + 8
    x = 8.0
    if legend_label:
        out.append(text(x, y + 8, legend_label, size=11, fill=MUTED, baseline="central"))
        x += 8 + 6.2 * len(legend_label)
    entries: list[tuple[str, str]] = [(ZERO_FILL, "0")]
    lower = 0.0
    for k, b in enumerate(breaks):
        entries.append((colours[k], f"{short_number(lower)}–{short_number(b)}"))
        lower = b
    entries.append((f"url(#{cid}-nodata)", "no data"))
    for fill, label in entries:
        out.append(f'<rect x="{num(x)}" y="{num(y + 2)}" width="14" height="12" fill="{fill}" stroke="#9e9e9e" '
                   f'stroke-width="0.5"/>')
        out.append(text(x + 18, y + 8, label, size=11, baseline="central"))
        x += 26 + 6.2 * len(label)
    out.append(text(8, y + 28, "Circles mark states too small to see as areas. Borders: Natural Earth.",
                    size=10, fill=MUTED, baseline="central"))
    out.append(svg_close())
    return "".join(out)
