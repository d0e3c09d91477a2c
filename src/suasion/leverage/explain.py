"""One line in words for a leverage score, built from the numbers behind it.

For the largest contributions of a source ``a`` over a target ``b`` the line states what the
source provides or holds, from the model's own inputs (the flow ``F[a, b]``, its share of
``b``'s inflow ``s = F[a, b] / sum_k F[k, b]`` and its size against ``b``'s scale, ``F[a, b] /
S[b]``), for example::

    remittances 2.6% of GDP (26% of PAK's inflow); 1.4 m emigrants from PAK; supplies 6.1% of PAK's imports

A channel whose data are carried forward says from which year ("2014 data"). Nothing here is
written by hand per country: every number is read from the inputs of the score it explains.
"""

from __future__ import annotations

import numpy as np

from suasion.leverage.engine import LeverageTensor
from suasion.panel.store import Panel

#: Contributions below this share of the score are not mentioned.
MIN_SHARE_OF_SCORE = 0.05


def significant(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` significant figures, without scientific notation for everyday sizes."""
    if value == 0 or not np.isfinite(value):
        return "0"
    magnitude = int(np.floor(np.log10(abs(value))))
    decimals = max(0, digits - 1 - magnitude)
    return f"{round(value, decimals):,.{decimals}f}"


def percent(fraction: float) -> str:
    return f"{significant(100.0 * fraction)}%"


def people(count: float) -> str:
    if count >= 1e6:
        return f"{significant(count / 1e6)} m"
    return f"{significant(count)}"


def money(usd_m: float) -> str:
    if usd_m >= 1000:
        return f"US$ {significant(usd_m / 1000)} bn"
    return f"US$ {significant(usd_m)} m"


def _panel_value(panel: Panel | None, channel: str, year: int, a: str, b: str) -> float:
    """A raw panel value for two states, NaN when either is not a state of the panel (a bloc)."""
    if panel is None or channel not in panel.values:
        return float("nan")
    pos = panel._actor_pos
    if a not in pos or b not in pos:
        return float("nan")
    return float(panel.values[channel][panel.year_index(year), pos[a], pos[b]])


def phrase(tensor: LeverageTensor, t: int, a: int, b: int, channel: str, panel: Panel | None = None) -> str:
    """What channel ``channel`` of source ``a`` over target ``b`` amounts to, in words."""
    src, tgt = tensor.actors[a], tensor.actors[b]
    year = int(tensor.years[t])
    inputs = tensor.inputs
    if inputs is None or channel not in inputs.channels:
        return tensor.labels.get(channel, channel)
    ch = inputs.channels[channel]
    column = np.fmax(np.nan_to_num(ch.flows[t, :, b], nan=0.0), 0.0)
    inflow = float(column.sum())
    flow = float(column[a])
    share = flow / inflow if inflow > 0 else 0.0
    size = float("nan")
    if ch.scale is not None:
        scale = float(ch.scale[t, b])
        size = flow / scale if scale > 0 else float("nan")
    text: str
    if channel == "trade_market":
        text = f"buys {percent(share)} of {tgt}'s exports"
    elif channel == "trade_supply":
        text = f"supplies {percent(share)} of {tgt}'s imports"
    elif channel == "trade_agreements":
        depth = _panel_value(panel, "pta_depth", year, src, tgt)
        text = "trade agreement" + (f" (depth {int(depth)} of 7)" if np.isfinite(depth) else "")
    elif channel == "aid":
        text = f"{percent(share)} of {tgt}'s aid ({money(flow)})"
    elif channel == "finance":
        text = f"holds debt or lending of {percent(size)} of GDP ({money(flow)})" if np.isfinite(size) \
            else f"official finance {money(flow)}"
    elif channel == "remittances":
        text = f"remittances {percent(size)} of GDP ({percent(share)} of {tgt}'s inflow)"
    elif channel == "diaspora":
        text = f"{people(flow)} emigrants from {tgt}"
    elif channel == "arms":
        text = f"{percent(share)} of {tgt}'s arms imports (5 years)"
    elif channel == "alliance":
        text = "alliance commitment"
    elif channel == "defence_cooperation":
        count = _panel_value(panel, "dca", year, src, tgt)
        text = (f"{int(count)} defence cooperation agreement{'s' if count != 1 else ''}"
                if np.isfinite(count) and count > 0 else "defence cooperation agreements")
    elif channel == "exercises":
        count = _panel_value(panel, "exercises", year, src, tgt)
        text = (f"{int(count)} joint exercise{'s' if count != 1 else ''} that year"
                if np.isfinite(count) and count > 0 else "joint exercises (3 years)")
    elif channel == "training":
        text = f"trains {people(flow)} of {tgt}'s military personnel a year"
    elif channel == "troops":
        text = f"{people(flow)} troops stationed"
    elif channel == "diplomacy":
        rep = _panel_value(panel, "diplomatic_rep", year, src, tgt)
        if np.isfinite(rep):
            text = ("ambassador-level ties" if rep >= 1.0 else "diplomatic mission below ambassador level"
                    if rep > 0 else "no resident mission")
        else:
            text = "diplomatic presence"
    else:
        text = f"{tensor.labels.get(channel, channel)} ({significant(flow)})"
    observed = int(tensor.observed_year[tensor.channels.index(channel), t, a, b])
    if 0 <= observed < year:
        text += f", {observed} data"
    return text


def explanation(tensor: LeverageTensor, t: int, a: int, b: int, panel: Panel | None = None, top: int = 3) -> str:
    """The line for one score: its largest contributions (at least 5% of the score), in words."""
    score = float(tensor.score[t, a, b])
    if not np.isfinite(score) or score <= 0:
        return "no measured leverage"
    contributions = tensor.contributions[:, t, a, b]
    order = np.argsort(-contributions, kind="stable")
    parts = [phrase(tensor, t, a, b, tensor.channels[c], panel) for c in order[:top]
             if contributions[c] > 0 and contributions[c] >= MIN_SHARE_OF_SCORE * score]
    return "; ".join(parts)
