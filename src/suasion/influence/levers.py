"""Incentives: what a principal P could offer a broker B, and how much each offer buys.

Every lever is a change in a panel flow between P and B (or a shift of B's dealings from a third
party K to P), and its value is the marginal change in P's pull over B (:mod:`.network`) per
unit of the flow, computed from the model itself:

* **continuous levers** (market access, trade preferences, development aid, official finance,
  arms sales) — the analytic derivative of the pull. For a receiver b with inflow
  ``I = Σ_k F[k, b]``, shares ``s_k``, concentration ``H`` and exposure weight ``g(I / S)``::

      ∂s_x/∂F_a = (δ_xa − s_x) / I,    ∂H/∂F_a = (s_a − H²) / (H · I),    ∂g/∂F_a = κ / (S · (x + κ)²)
      ∂D[x, b]/∂F[a, b] = (∂s_x · H + s_x · ∂H) · g + s_x · H · ∂g

  and ``pull = (λ + δ)/2 · (1 + α)/2`` with ``λ = Σ_c w_c max(0, D_c(B|P) − D_c(P|B))`` and
  ``δ = Σ_c w_c D_c(B|P)``. A flow may enter two channels (B's exports to P are P's market for B
  *and* P's supply from B); both effects are counted.
* **discrete levers** (a defence cooperation agreement, an exercise, a defence pledge) — the
  exact change in pull when the tie is added, by recomputing the model.
* **substitution levers** — B moves one unit of a channel from third party K to P (arms B buys
  from K that P also exports, markets or aid B gets from K): ``∂/∂F[P, B] − ∂/∂F[K, B]``.

Units: 1 % of B's exports or imports (USD m), USD 100 m of aid or official finance, 100 TIV of
arms, one agreement, exercise or pledge. ``at_stake`` is B's current dependence on P in the
channel: what P could withhold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from suasion.errors import SuasionError
from suasion.influence.brokerage import resolve_pair
from suasion.influence.network import influence_network
from suasion.leverage.engine import bloc_masks, resolve_model
from suasion.leverage.inputs import collapse_blocs, suasion_inputs
from suasion.panel.store import Panel


#: lever label, panel channel, direction ("to_broker": P → B flow; "from_broker": B → P flow),
#: model channels it feeds as (channel, "PB" | "BP") entries, unit description.
@dataclass(frozen=True)
class Lever:
    label: str
    panel_channel: str
    direction: str
    entries: tuple[tuple[str, str], ...]
    unit: str


CONTINUOUS_LEVERS: tuple[Lever, ...] = (
    Lever("market access", "exports", "from_broker", (("trade_market", "PB"), ("trade_supply", "BP")),
          "1% of the broker's exports"),
    Lever("trade preferences", "exports", "to_broker", (("trade_supply", "PB"), ("trade_market", "BP")),
          "1% of the broker's imports"),
    Lever("development aid", "oda", "to_broker", (("aid", "PB"),), "USD 100 m"),
    Lever("official finance and loans", "oof", "to_broker", (("finance", "PB"),), "USD 100 m"),
    Lever("arms sales and co-production", "arms_tiv", "to_broker", (("arms", "PB"),), "100 TIV"),
)

DISCRETE_LEVERS: tuple[tuple[str, str, str], ...] = (
    ("defence cooperation agreement", "dca", "one more agreement in force"),
    ("training and exercises", "exercises", "one more exercise together this year"),
    ("alliance commitment", "atop_defense", "a defence pledge from the principal"),
)


def column_gradient(column: np.ndarray, scale: float | None, kappa: float, x: int) -> tuple[float, np.ndarray]:
    """``D[x, b]`` and its gradient with respect to every ``F[a, b]`` of receiver ``b``'s column."""
    f = np.fmax(np.nan_to_num(column, nan=0.0), 0.0)
    inflow = f.sum()
    n = len(f)
    if inflow <= 0:
        return 0.0, np.zeros(n)
    s = f / inflow
    h = float(np.sqrt((s * s).sum()))
    if scale is None:
        g, dg = 1.0, 0.0
    elif not np.isfinite(scale):
        return float("nan"), np.zeros(n)
    elif scale <= 0:
        g, dg = 1.0, 0.0
    else:
        xr = inflow / scale
        g = xr / (xr + kappa)
        dg = kappa / (scale * (xr + kappa) ** 2)
    ds_x = -s[x] / inflow * np.ones(n)
    ds_x[x] += 1.0 / inflow
    dh = (s - h * h) / (h * inflow)
    grad = (ds_x * h + s[x] * dh) * g + s[x] * h * dg
    return float(s[x] * h * g), grad


def _year_inputs(panel: Panel, t: int, blocs: tuple[str, ...]):
    model = resolve_model("suasion", panel)
    inputs = suasion_inputs(panel, model)
    if blocs:
        inputs = collapse_blocs(inputs, bloc_masks(blocs, inputs.actors, inputs.years))
    flows = {c: np.nan_to_num(ch.flows[t], nan=0.0) for c, ch in inputs.channels.items()}
    scales = {c: (None if ch.scale is None else ch.scale[t]) for c, ch in inputs.channels.items()}
    return model, flows, scales


def pull_gradient(model, flows, scales, weights, alignment: float, p: int, b: int,
                  entries: list[tuple[str, int, int, float]]) -> float:
    """d pull(P→B) / d Δ when each ``(channel, a, r, coef)`` entry adds ``coef·Δ`` to ``F_channel[a, r]``."""
    d_lambda = d_delta = 0.0
    w = dict(zip(model.names, weights))
    for channel, a, r, coef in entries:
        if channel not in flows:
            continue
        kappa = model.spec(channel).half_saturation
        dep_bp, grad_bp = column_gradient(flows[channel][:, b], _scale(scales[channel], b), kappa, p)
        dep_pb, grad_pb = column_gradient(flows[channel][:, p], _scale(scales[channel], p), kappa, b)
        dep_bp, dep_pb = np.nan_to_num(dep_bp), np.nan_to_num(dep_pb)
        d_bp = grad_bp[a] * coef if r == b else 0.0        # change of D(B|P)
        d_pb = grad_pb[a] * coef if r == p else 0.0        # change of D(P|B)
        net = dep_bp - dep_pb
        d_net = d_bp - d_pb
        d_lambda += w[channel] * (d_net if net > 0 else max(0.0, d_net) if net == 0 else 0.0)
        d_delta += w[channel] * d_bp
    return (d_lambda + d_delta) / 2.0 * (1.0 + alignment) / 2.0


def _scale(scale: np.ndarray | None, i: int) -> float | None:
    return None if scale is None else float(scale[i])


def incentives(principal: str, broker: str, year: int | None = None, third_parties: int = 3,
               panel: Panel | None = None) -> pd.DataFrame:
    """The menu of levers ``principal`` has over ``broker``, best first.

    Columns: ``rank, lever, kind`` (expand / substitute / new tie), ``channel``, ``third_party``
    (for substitution), ``current`` (the flow now, in the channel's unit), ``unit``,
    ``marginal_pull`` (change in P's pull over B per unit), ``at_stake`` (B's dependence on P
    in the channel now), and ``pull`` (P's pull over B now, the same on every row).
    """
    panel, year, p_code, b_code, blocs = resolve_pair(principal, broker, year, panel)
    net = influence_network(panel, year, blocs)
    p, b = net.index(p_code), net.index(b_code)
    t = net.t
    from suasion.leverage.engine import panel_window

    model, flows, scales = _year_inputs(panel_window(panel, int(net.tensor.years[0]), year), t, blocs)
    weights = model.weights()
    alignment = float(np.nan_to_num(net.alignment[p, b]))
    deps = net.tensor.parts["dependence"][:, t]
    at_stake = {c: float(deps[i, p, b]) for i, c in enumerate(net.tensor.channels)}
    rows = []
    for lever in CONTINUOUS_LEVERS:
        main = lever.entries[0][0]
        if main not in flows:
            continue
        entries = [(c, p if d == "PB" else b, b if d == "PB" else p, 1.0) for c, d in lever.entries]
        if lever.panel_channel == "exports":
            total = flows[main][:, b].sum()                 # B's exports (market) or imports (supply)
            unit_size = 0.01 * total
        else:
            unit_size = 100.0
        if unit_size <= 0:
            continue
        marginal = pull_gradient(model, flows, scales, weights, alignment, p, b, entries) * unit_size
        rows.append({"lever": lever.label, "kind": "expand", "channel": main, "third_party": None,
                     "current": float(flows[main][p, b]), "unit": lever.unit + (f" (USD {unit_size:,.0f} m)"
                                                                               if lever.panel_channel == "exports" else ""),
                     "marginal_pull": marginal, "at_stake": at_stake.get(main, 0.0)})
        # substitution: B's dealings with third parties P could take over
        capacity = flows[main][p].sum() > 0 or lever.panel_channel == "exports"
        if not capacity:
            continue
        others = [k for k in np.argsort(-flows[main][:, b]) if k not in (p, b) and flows[main][k, b] > 0]
        for k in others[:third_parties]:
            sub = entries + [(main, int(k), b, -1.0)]
            marginal = pull_gradient(model, flows, scales, weights, alignment, p, b, sub) * unit_size
            rows.append({"lever": lever.label, "kind": "substitute", "channel": main,
                         "third_party": net.actors[int(k)], "current": float(flows[main][int(k), b]),
                         "unit": f"{lever.unit} moved from {net.actors[int(k)]}", "marginal_pull": marginal,
                         "at_stake": at_stake.get(main, 0.0)})
    base_pull = float(net.pull[p, b])
    if not blocs:
        rows.extend(_discrete_levers(panel, year, t, p_code, b_code, base_pull, at_stake))
    if not rows:
        raise SuasionError(f"no lever found for {p_code} over {b_code} in {year}")
    frame = pd.DataFrame(rows).sort_values("marginal_pull", ascending=False, kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame.insert(1, "principal", p_code)
    frame.insert(2, "broker", b_code)
    frame.insert(3, "year", year)
    frame["pull"] = base_pull
    return frame


def _discrete_levers(panel: Panel, year: int, t: int, p_code: str, b_code: str, base_pull: float,
                     at_stake: dict[str, float]) -> list[dict]:
    """Exact pull change from adding one tie (recomputes the model on a copy of the panel)."""
    rows = []
    ip, ib = panel.actor_index(p_code), panel.actor_index(b_code)
    model_channel = {"dca": "defence_cooperation", "exercises": "exercises", "atop_defense": "alliance"}
    for label, channel, unit in DISCRETE_LEVERS:
        values = np.array(panel.values[channel], copy=True)
        current = float(np.nan_to_num(values[t, ip, ib]))
        if channel == "atop_defense":
            if current >= 1:
                continue
            values[t, ip, ib] = 1.0
        else:
            values[t, ip, ib] = current + 1.0
            values[t, ib, ip] = float(np.nan_to_num(values[t, ib, ip])) + 1.0
        changed = panel.with_values(**{channel: values})
        after = influence_network(changed, year)
        rows.append({"lever": label, "kind": "new tie", "channel": model_channel[channel], "third_party": None,
                     "current": current, "unit": unit,
                     "marginal_pull": float(after.pull[ip, ib] - base_pull),
                     "at_stake": at_stake.get(model_channel[channel], 0.0)})
    return rows
