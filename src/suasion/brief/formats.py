"""How a brief writes numbers: one function per kind of number, used by every template and statement,
so that a number in the bottom line reads exactly as it does in the table that backs it."""

from __future__ import annotations

import math

SIGNIFICANT = 3
MAX_DECIMALS = 8


def _decimals(x: float) -> int:
    return min(MAX_DECIMALS, max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(x)))))


def score(x: float | None) -> str:
    """A leverage, pull or broker score in [0, 1], to three significant digits, never in exponent form
    (0.159, 0.0172, 0.000116); ``0`` for zero and ``–`` for a missing value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x == 0 or abs(x) < 10.0 ** -MAX_DECIMALS:
        return "0"
    return f"{x:.{_decimals(x)}f}"


def signed(x: float | None) -> str:
    """A change in a score, with its sign (+0.000212, −0.0031, 0)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = score(abs(x))
    if text == "0":
        return "0"
    return ("+" if x > 0 else "−") + text


def percent(x: float | None) -> str:
    """A share in [0, 1] as a percentage: one decimal below 10 %, none above (4.3%, 52%)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    value = 100.0 * x
    return f"{value:.1f}%" if abs(value) < 10 else f"{value:.0f}%"


def amount(x: float | None) -> str:
    """A flow or a position (USD m, TIV, counts, 0–100 scales): thousands separated, one decimal below 100."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x)}"


def ratio(x: float | None) -> str:
    """A ratio in [−1, 1] (alignment, cooperation ratio), two decimals."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.2f}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
