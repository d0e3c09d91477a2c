"""Shared pieces of the SVG charts: number formatting, escaping, the accessible root element,
axis ticks and colour palettes. Everything is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', Arial, sans-serif"
TEXT = "#1b1b1b"
MUTED = "#555555"
GRID = "#d0d0d0"
NO_DATA = "#e6e6e6"
OUTLINE = "#1b1b1b"

#: Okabe & Ito (2008) colour-blind-safe colours, then Paul Tol's "muted" scheme for more categories.
CATEGORICAL = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#117733",
               "#882255", "#999933", "#44AA99", "#AA4499", "#DDCC77", "#F0E442", "#88CCEE", "#6d6d6d")
#: Sequential blues (ColorBrewer "Blues", 6 classes without the lightest), light to dark.
SEQUENTIAL = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b")


def num(x: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros and never ``-0``."""
    text = f"{x:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def is_missing(value: object) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt(value: float | None, number_format: str = "{:.3f}") -> str:
    """A value for display; ``None`` and NaN read "no data"."""
    if is_missing(value):
        return "no data"
    return number_format.format(value)


def colour_of(index: int) -> str:
    return CATEGORICAL[index % len(CATEGORICAL)]


def channel_colours(names: Iterable[str], colours: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour per name, in the given order (stable across charts given the same order)."""
    given = dict(colours or {})
    return {name: given.get(name, colour_of(k)) for k, name in enumerate(names)}


def svg_open(chart_id: str, width: float, height: float, title: str, description: str,
             extra: str = "") -> str:
    """The root element with a text alternative: ``<title>`` and ``<desc>`` referenced by
    ``aria-labelledby`` (role ``img``: screen readers read the two and skip the drawing)."""
    cid = esc(chart_id)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="{cid}" class="chart" viewBox="0 0 {num(width)} '
            f'{num(height)}" width="{num(width)}" height="{num(height)}" role="img" '
            f'aria-labelledby="{cid}-title {cid}-desc" font-family="{esc(FONT)}" font-size="12" '
            f'fill="{TEXT}"{extra}><title id="{cid}-title">{esc(title)}</title>'
            f'<desc id="{cid}-desc">{esc(description)}</desc>')


def svg_close() -> str:
    return "</svg>"


def text(x: float, y: float, content: object, *, anchor: str = "start", size: float | None = None,
         weight: str | None = None, fill: str | None = None, baseline: str | None = None) -> str:
    attrs = [f'x="{num(x)}"', f'y="{num(y)}"']
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if size is not None:
        attrs.append(f'font-size="{num(size)}"')
    if weight is not None:
        attrs.append(f'font-weight="{weight}"')
    if fill is not None:
        attrs.append(f'fill="{fill}"')
    if baseline is not None:
        attrs.append(f'dominant-baseline="{baseline}"')
    return f'<text {" ".join(attrs)}>{esc(content)}</text>'


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 × a power of ten apart)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) if low else 1.0)
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    k = 0
    while True:
        value = first + k * step
        ticks.append(round(value, 12))
        if value >= high - 1e-12:
            break
        k += 1
    return ticks


def tick_label(value: float, ticks: Sequence[float]) -> str:
    """A tick label with as many decimals as the step between ticks needs (0.25 needs two)."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    if step <= 0:
        return f"{value:g}"
    decimals = 0
    while decimals < 10 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    return f"{value:.{decimals}f}"


def text_width(label: str, size: float = 11) -> float:
    """A rough width of ``label`` in px (0.58 em per character), enough to lay out legends."""
    return 0.58 * size * len(label)


def flow_legend(names: Sequence[str], width: float, size: float = 11) -> list[list[tuple[float, str]]]:
    """Legend entries laid out left to right in rows no wider than ``width``: [[(x, name), ...], ...]."""
    rows: list[list[tuple[float, str]]] = []
    x = width
    for name in names:
        w = 14 + text_width(name.replace("_", " "), size) + 14
        if x + w > width and (not rows or rows[-1]):
            rows.append([])
            x = 0.0
        rows[-1].append((x, name))
        x += w
    return rows


def short_number(x: float) -> str:
    """Two significant figures without exponent notation (0.0012, 0.12, 12, 1200)."""
    if x == 0:
        return "0"
    digits = max(0, 1 - math.floor(math.log10(abs(x))))
    text = f"{x:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def finite(values: Iterable[float | None]) -> list[float]:
    return [float(v) for v in values if not is_missing(v)]
