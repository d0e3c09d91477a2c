"""Incentives: what a principal P could offer a broker B, and how much each offer buys.

Every lever is a change to panel flows between P and B (or a shift of B's dealings from a third
party K to P), stated as the what-if expression that makes it (column ``whatif``), and valued
as the change in P's pull over B (:mod:`.network`) it buys, computed from the model itself:

* **continuous levers** — the analytic derivative of the pull, times the unit. For a receiver
  b with inflow ``I = Σ_k F[k, b]``, shares ``s_k``, concentration ``H`` and exposure weight
  ``g(I / S)``::

      ∂s_x/∂F_a = (δ_xa − s_x) / I,    ∂H/∂F_a = (s_a − H²) / (H · I),    ∂g/∂F_a = κ / (S · (x + κ)²)
      ∂D[x, b]/∂F[a, b] = (∂s_x · H + s_x · ∂H) · g + s_x · H · ∂g

  (from a receiver with no inflow yet, the right derivative ``1 / (S · κ)`` of the first
  sender's dependence), and ``pull = (λ + δ)/2 · (1 + α)/2`` with ``λ = Σ_c w_c max(0,
  D_c(B|P) − D_c(P|B))`` and ``δ = Σ_c w_c D_c(B|P)``. A flow may enter two channels (B's
  exports to P are P's market for B *and* P's supply from B); both effects are counted.
* **discrete levers** — the exact change in pull when the tie is added, by recomputing the
  model on a copy of the panel with the lever's what-if changes applied.
* **substitution levers** — B moves a unit of its dealings from third party K to P:
  ``∂/∂F[P, B] − ∂/∂F[K, B]``. The unit never exceeds what K supplies in the year (if K
  supplies less, the unit is all of it).

The levers and their units (a diplomat's units; suasion-2 levers only where the panel has the
channel):

======================================  ==========================================================
market access                            1 % of B's exports bought by P
trade preferences                        1 % of B's imports supplied by P
development aid                          USD 100 m a year
official finance (suasion-1) /           USD 100 m of lending (suasion-2: added to the debt B owes
official lending (suasion-2)             P, or to P's 5-year lending where the debt is unknown)
arms sales and co-production             100 TIV delivered (SIPRI trend-indicator value)
remittance corridor (suasion-2)          USD 100 m more remittances a year from P to B
work visas (suasion-2)                   10,000 work visas for B's nationals in P: +10,000
                                         migrants and, at B's average remittance per migrant in P
                                         (B's average over all hosts if it has none in P), their
                                         remittances
a training programme (suasion-2)         100 of B's military personnel trained by P a year (only
                                         where P's training is measured: the USA)
defence cooperation agreement            one more agreement in force
a joint exercise                         one more exercise together this year
alliance commitment                      a defence pledge from P (if P has none)
a diplomatic upgrade (suasion-2)         P's representation in B raised to ambassador level
a trade agreement (suasion-2)            a new agreement as deep as P's median one, or the one
                                         in force one step deeper (DESTA depth 0-7)
======================================  ==========================================================

``data_year`` is the year the data behind each lever come from (``None``: P's flow is not
measured and counts as 0); ``at_stake`` is B's current dependence on P in the channel: what P
could withhold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from suasion.errors import SuasionError
from suasion.influence.network import InfluenceNetwork, influence_network, resolve_pair
from suasion.panel.store import Panel

WORK_VISAS = 10_000
TRAINEES = 100
USD_UNIT = 100.0          # USD m
TIV_UNIT = 100.0
MAX_PTA_DEPTH = 7


# ---------------------------------------------------------------------------------------------
# the analytic derivative


def column_gradient(column: np.ndarray, scale: float | None, kappa: float, x: int) -> tuple[float, np.ndarray]:
    """``D[x, b]`` and its gradient with respect to every ``F[a, b]`` of receiver ``b``'s column."""
    f = np.fmax(np.nan_to_num(column, nan=0.0), 0.0)
    inflow = f.sum()
    n = len(f)
    if scale is not None and not np.isfinite(scale):
        return float("nan"), np.zeros(n)
    if inflow <= 0:
        grad = np.zeros(n)
        if scale is not None and scale > 0:
            grad[x] = 1.0 / (scale * kappa)       # the first sender: s = H = 1, g'(0) = 1 / (S kappa)
        return 0.0, grad
    s = f / inflow
    h = float(np.sqrt((s * s).sum()))
    if scale is None or scale <= 0:
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


@dataclass
class _Context:
    """What valuing P's levers over B needs: the network, the model's flows of the year, the panel."""

    panel: Panel
    year: int
    ti: int                          # the year's index in ``panel``
    principal: str
    broker: str
    net: InfluenceNetwork
    p: int                           # indices in ``net``
    b: int
    kappa: dict[str, float]
    weight: dict[str, float]
    flows: dict[str, np.ndarray] = field(default_factory=dict)
    scales: dict[str, np.ndarray | None] = field(default_factory=dict)
    not_offered: dict[str, str] = field(default_factory=dict)      # lever -> why

    @property
    def pull(self) -> float:
        return float(self.net.pull[self.p, self.b])

    @property
    def alignment(self) -> float:
        return float(np.nan_to_num(self.net.alignment[self.p, self.b]))

    def observed(self, channel: str, a: int, r: int) -> int | None:
        tensor = self.net.tensor
        if channel not in tensor.channels:
            return None
        oy = int(tensor.observed_year[tensor.channels.index(channel), self.net.t, a, r])
        return oy if oy >= 0 else None

    def at_stake(self, channel: str) -> float:
        tensor = self.net.tensor
        if channel not in tensor.channels:
            return 0.0
        return float(tensor.parts["dependence"][tensor.channels.index(channel), self.net.t, self.p, self.b])

    def has(self, channel: str, *panel_channels: str) -> bool:
        return channel in self.flows and all(c in self.panel.values for c in panel_channels)

    def cell(self, channel: str, a: str, r: str) -> float:
        """Panel value of ``channel`` from ``a`` to ``r`` in the year (blocs: sum over members, NaN = 0)."""
        return float(np.nansum(self.cells(channel, a, r))) if channel in self.panel.values else 0.0

    def cells(self, channel: str, a: str, r: str) -> np.ndarray:
        """The panel values from each member of ``a`` to each member of ``r`` (NaN where missing)."""
        rows, cols = _members(a, self.year, self.panel), _members(r, self.year, self.panel)
        return self.panel.values[channel][self.ti][np.ix_(rows, cols)]


def _members(code: str, year: int, panel: Panel) -> list[int]:
    from suasion.influence.counterfactual import member_indices

    return member_indices(code, year, panel)


def pull_gradient(ctx: _Context, entries: list[tuple[str, int, int, float]]) -> float:
    """d pull(P→B) / dΔ when each ``(channel, a, r, coef)`` entry adds ``coef·Δ`` to ``F_channel[a, r]``."""
    p, b = ctx.p, ctx.b
    by_channel: dict[str, list[tuple[int, int, float]]] = {}
    for channel, a, r, coef in entries:
        if channel in ctx.flows:
            by_channel.setdefault(channel, []).append((a, r, coef))
    d_lambda = d_delta = 0.0
    for channel, cells in by_channel.items():
        flows, scale, kappa = ctx.flows[channel], ctx.scales[channel], ctx.kappa[channel]
        dep_bp, grad_bp = column_gradient(flows[:, b], None if scale is None else float(scale[b]), kappa, p)
        dep_pb, grad_pb = column_gradient(flows[:, p], None if scale is None else float(scale[p]), kappa, b)
        d_bp = sum(grad_bp[a] * coef for a, r, coef in cells if r == b)     # change of D(B|P)
        d_pb = sum(grad_pb[a] * coef for a, r, coef in cells if r == p)     # change of D(P|B)
        net = np.nan_to_num(dep_bp) - np.nan_to_num(dep_pb)
        d_net = d_bp - d_pb
        w = ctx.weight[channel]
        d_lambda += w * (d_net if net > 0 else max(0.0, d_net) if net == 0 else 0.0)
        d_delta += w * d_bp
    return (d_lambda + d_delta) / 2.0 * (1.0 + ctx.alignment) / 2.0


# ---------------------------------------------------------------------------------------------
# levers


def _amount(x: float) -> str:
    return f"{x:+.6g}"


def _expression(channel: str, a: str, r: str, delta: float) -> str:
    return f"{a}>{r} {channel} {_amount(delta)}"


def _row(ctx: _Context, lever: str, kind: str, channel: str, third_party: str | None, current: float,
         unit: str, unit_size: float, data_year: int | None, gain: float, method: str,
         changes: list[str], note: str = "") -> dict:
    return {"lever": lever, "kind": kind, "channel": channel, "third_party": third_party,
            "current": current, "unit": unit, "unit_size": unit_size, "data_year": data_year,
            "marginal_pull": gain, "method": method, "at_stake": ctx.at_stake(channel),
            "whatif": "; ".join(changes), "note": note}


@dataclass(frozen=True)
class _Flow:
    """A continuous lever: ``entries`` are (model channel, sender, receiver) as "P"/"B" roles."""

    label: str
    channel: str                                   # the main model channel
    entries: tuple[tuple[str, str, str], ...]
    panel_channel: str
    sender: str                                    # role that sends the panel flow: "P" or "B"
    substitutable: bool = True


def _flow_levers(version: str) -> tuple[_Flow, ...]:
    finance = "official lending" if version != "suasion-1" else "official finance and loans"
    return (
        _Flow("market access", "trade_market", (("trade_market", "P", "B"), ("trade_supply", "B", "P")),
              "exports", "B"),
        _Flow("trade preferences", "trade_supply", (("trade_supply", "P", "B"), ("trade_market", "B", "P")),
              "exports", "P"),
        _Flow("development aid", "aid", (("aid", "P", "B"),), "oda", "P"),
        _Flow(finance, "finance", (("finance", "P", "B"),), "oof", "P"),
        _Flow("arms sales and co-production", "arms", (("arms", "P", "B"),), "arms_tiv", "P"),
        _Flow("remittance corridor", "remittances", (("remittances", "P", "B"),), "remittances", "P",
              substitutable=False),
        _Flow("a training programme", "training", (("training", "P", "B"),), "us_training", "P",
              substitutable=False),
    )


def _finance_channel(ctx: _Context, a: str, r: str) -> str:
    """The panel channel that holds suasion-2's finance flow from ``a`` to ``r``: the debt stock
    where it is known, official lending otherwise."""
    if "china_debt" in ctx.panel.values and np.isfinite(ctx.cells("china_debt", a, r)).any():
        return "china_debt"
    return "oof"


def _unit(ctx: _Context, lever: _Flow) -> tuple[float, str]:
    b_code = ctx.broker
    if lever.channel in ("trade_market", "trade_supply"):
        total = float(ctx.flows[lever.channel][:, ctx.b].sum())       # B's exports (market) or imports (supply)
        size = 0.01 * total
        what = "exports (USD {}) bought" if lever.channel == "trade_market" else "imports (USD {}) supplied"
        return size, f"1% of {b_code}'s {what.format(_usd(size))} by {ctx.principal}"
    if lever.channel == "arms":
        return TIV_UNIT, "100 TIV of arms delivered"
    if lever.channel == "training":
        return float(TRAINEES), f"{TRAINEES} of {b_code}'s military personnel trained a year"
    if lever.channel == "remittances":
        return USD_UNIT, f"USD 100 m more remittances a year to {b_code}"
    if lever.channel == "finance":
        return USD_UNIT, "USD 100 m of lending"
    return USD_UNIT, "USD 100 m a year"


def _usd(usd_m: float) -> str:
    from suasion._output import format_number

    return f"{format_number(usd_m / 1000)} bn" if usd_m >= 1000 else f"{format_number(usd_m)} m"


def _roles(ctx: _Context, role: str) -> tuple[int, str]:
    return (ctx.p, ctx.principal) if role == "P" else (ctx.b, ctx.broker)


def _continuous(ctx: _Context, version: str, third_parties: int) -> list[dict]:
    rows = []
    for lever in _flow_levers(version):
        if not ctx.has(lever.channel, lever.panel_channel):
            continue
        size, unit = _unit(ctx, lever)
        if size <= 0:
            continue
        entries = [(c, _roles(ctx, s)[0], _roles(ctx, r)[0], 1.0) for c, s, r in lever.entries]
        src, dst = (ctx.principal, ctx.broker) if lever.sender == "P" else (ctx.broker, ctx.principal)
        panel_channel = _finance_channel(ctx, src, dst) if lever.channel == "finance" and version != "suasion-1" \
            else lever.panel_channel
        if lever.channel == "training" and not np.isfinite(
                ctx.panel.values[lever.panel_channel][ctx.ti][_members(ctx.principal, ctx.year, ctx.panel)]).any():
            # only the USA's training is measured: for another principal the broker's other
            # trainers would count as 0 and the lever's value would be an upper bound, not an estimate
            ctx.not_offered[lever.label] = f"only the USA's training is measured, not {ctx.principal}'s"
            continue
        rows.append(_row(ctx, lever.label, "expand", lever.channel, None,
                         float(ctx.flows[lever.channel][ctx.p, ctx.b]), unit, size,
                         ctx.observed(lever.channel, ctx.p, ctx.b), pull_gradient(ctx, entries) * size,
                         "derivative", [_expression(panel_channel, src, dst, size)]))
        if lever.substitutable:
            rows.extend(_substitutes(ctx, version, lever, entries, size, unit, third_parties))
    if ctx.has("diaspora", "migrants"):
        rows.append(_work_visas(ctx))
    return rows


def _substitutes(ctx: _Context, version: str, lever: _Flow, entries: list, size: float, unit: str,
                 third_parties: int) -> list[dict]:
    """B moves one unit (at most what K supplies this year) of its dealings from K to P."""
    flows = ctx.flows[lever.channel]
    p, b = ctx.p, ctx.b
    if lever.channel == "arms" and flows[p].sum() <= 0:
        return []                                   # P exports no arms: it cannot replace another supplier
    actors = ctx.net.actors
    n_states = len(ctx.panel.actors)
    rows = []
    for k in (int(k) for k in np.argsort(-flows[:, b], kind="stable")):
        if len(rows) >= third_parties or flows[k, b] <= 0:
            break
        if k in (p, b) or k >= n_states:
            continue
        third = actors[k]
        src, dst = (third, ctx.broker) if lever.sender == "P" else (ctx.broker, third)
        panel_channel = _finance_channel(ctx, src, dst) if lever.channel == "finance" and version != "suasion-1" \
            else lever.panel_channel
        available = min(float(flows[k, b]), ctx.cell(panel_channel, src, dst))
        if available <= 0:
            continue
        moved = min(size, available)
        mirror = [(c, k if s == "P" else _roles(ctx, s)[0], k if r == "P" else _roles(ctx, r)[0], -1.0)
                  for c, s, r in lever.entries]
        p_src, p_dst = (ctx.principal, ctx.broker) if lever.sender == "P" else (ctx.broker, ctx.principal)
        p_channel = _finance_channel(ctx, p_src, p_dst) if lever.channel == "finance" and version != "suasion-1" \
            else lever.panel_channel
        text = unit if moved == size else f"all of {third}'s {_quantity(lever, moved)}"
        rows.append(_row(ctx, lever.label, "substitute", lever.channel, third, float(flows[k, b]), text, moved,
                         ctx.observed(lever.channel, k, b), pull_gradient(ctx, entries + mirror) * moved,
                         "derivative", [_expression(p_channel, p_src, p_dst, moved),
                                        _expression(panel_channel, src, dst, -moved)]))
    return rows


def _quantity(lever: _Flow, amount: float) -> str:
    from suasion._output import format_number

    if lever.channel == "arms":
        return f"{format_number(amount)} TIV"
    return f"USD {_usd(amount)}"


def _work_visas(ctx: _Context) -> dict:
    """+WORK_VISAS migrants from B in P and, at B's average remittance per migrant, their remittances."""
    p, b = ctx.p, ctx.b
    rate, source = 0.0, "no remittance data: migrants only"
    with_remittances = ctx.has("remittances", "remittances")
    if with_remittances:
        sent, people = ctx.cell("remittances", ctx.principal, ctx.broker), ctx.cell("migrants", ctx.principal, ctx.broker)
        if sent > 0 and people > 0:
            rate, source = sent / people, f"{ctx.broker}'s migrants in {ctx.principal}"
        else:
            column_sent = float(np.nansum(ctx.flows["remittances"][:, b]))
            column_people = float(np.nansum(ctx.flows["diaspora"][:, b]))
            if column_sent > 0 and column_people > 0:
                rate, source = column_sent / column_people, f"{ctx.broker}'s average over all host countries"
    entries = [("diaspora", p, b, 1.0)] + ([("remittances", p, b, rate)] if rate > 0 else [])
    changes = [_expression("migrants", ctx.principal, ctx.broker, WORK_VISAS)]
    unit = f"{WORK_VISAS:,} work visas for {ctx.broker} nationals"
    years = [ctx.observed("diaspora", p, b)]
    if rate > 0:
        extra = WORK_VISAS * rate
        changes.append(_expression("remittances", ctx.principal, ctx.broker, extra))
        unit += f" (+USD {_usd(extra)} remittances a year at USD {rate * 1e6:,.0f} per migrant)"
        years.append(ctx.observed("remittances", p, b))
    known = [y for y in years if y is not None]
    return _row(ctx, "work visas", "expand", "diaspora", None, float(ctx.flows["diaspora"][p, b]), unit,
                float(WORK_VISAS), min(known) if len(known) == len(years) else None,
                pull_gradient(ctx, entries) * WORK_VISAS, "derivative", changes,
                f"remittance per migrant: {source}")


# ---------------------------------------------------------------------------------------------
# discrete levers, recomputed exactly


def _discrete(ctx: _Context, version: str, blocs: tuple[str, ...], model: str) -> list[dict]:
    """Each tie P could add, valued by recomputing the pull on a copy of the panel."""
    from suasion.influence.counterfactual import apply_changes, parse_change

    p_code, b_code = ctx.principal, ctx.broker
    candidates: list[tuple[str, str, list[str], str, float, int | None]] = []
    # (lever, model channel, what-if expressions, unit, current, data year)
    candidates.append(("defence cooperation agreement", "defence_cooperation", [f"new dca {p_code}-{b_code}"],
                       "one more agreement in force", ctx.cell("dca", p_code, b_code),
                       ctx.observed("defence_cooperation", ctx.p, ctx.b)))
    candidates.append(("a joint exercise", "exercises", [f"new exercises {p_code}-{b_code}"],
                       "one more exercise together this year", ctx.cell("exercises", p_code, b_code),
                       ctx.observed("exercises", ctx.p, ctx.b)))
    pledges = ctx.cells("atop_defense", p_code, b_code)
    if not (np.nan_to_num(pledges) >= 1).all():
        candidates.append(("alliance commitment", "alliance", [f"new alliance {p_code}>{b_code}"],
                           f"a defence pledge from {p_code}", float(np.nanmax(pledges, initial=0.0)),
                           ctx.observed("alliance", ctx.p, ctx.b)))
    if version != "suasion-1" and ctx.has("diplomacy", "diplomatic_rep"):
        rep = ctx.cells("diplomatic_rep", p_code, b_code)
        level = float(np.nanmean(rep)) if np.isfinite(rep).any() else 0.0
        if not (np.nan_to_num(rep) >= 1).all():
            candidates.append(("a diplomatic upgrade", "diplomacy", [f"{p_code}>{b_code} diplomatic_rep =1"],
                               (f"{p_code}'s representation in {b_code} raised to ambassador level "
                                f"(now {level:.2g} on the 0-1 scale)"), level,
                               ctx.observed("diplomacy", ctx.p, ctx.b)))
    if version != "suasion-1" and ctx.has("trade_agreements", "pta_count", "pta_depth"):
        candidates.extend(_trade_agreement(ctx))
    base = ctx.pull
    rows = []
    for lever, channel, expressions, unit, current, data_year in candidates:
        changes = [parse_change(e, tuple(ctx.panel.channels)) for e in expressions]
        changed, _ = apply_changes(ctx.panel, changes, ctx.year)
        after = influence_network(changed, ctx.year, blocs, model)
        gain = float(after.pull[ctx.p, ctx.b] - base)
        rows.append(_row(ctx, lever, "new tie", channel, None, current, unit, 1.0, data_year, gain, "exact",
                         expressions))
    return rows


def _trade_agreement(ctx: _Context) -> list[tuple[str, str, list[str], str, float, int | None]]:
    """A new agreement as deep as P's median agreement in force, or the one in force one step deeper."""
    p_code, b_code = ctx.principal, ctx.broker
    count, depth = ctx.cells("pta_count", p_code, b_code), ctx.cells("pta_depth", p_code, b_code)
    in_force = np.nan_to_num(count) > 0
    year = ctx.observed("trade_agreements", ctx.p, ctx.b)
    if in_force.any():
        now = int(np.nanmax(np.where(in_force, np.nan_to_num(depth), np.nan)))
        if now >= MAX_PTA_DEPTH:
            return []
        return [("a trade agreement", "trade_agreements", [f"{p_code}-{b_code} pta_depth ={now + 1}"],
                 f"the {p_code}-{b_code} agreement one step deeper (depth {now} to {now + 1} of 7)", float(now), year)]
    rows = _members(p_code, ctx.year, ctx.panel)
    mine = ctx.panel.values["pta_count"][ctx.ti][rows]
    depths = ctx.panel.values["pta_depth"][ctx.ti][rows][np.nan_to_num(mine) > 0]
    whose = f"the median of {p_code}'s agreements"
    if not depths.size:
        every = ctx.panel.values["pta_count"][ctx.ti]
        depths, whose = ctx.panel.values["pta_depth"][ctx.ti][np.nan_to_num(every) > 0], "the median agreement in force"
    median = round(float(np.median(np.nan_to_num(depths)))) if depths.size else 0
    return [("a trade agreement", "trade_agreements",
             [f"{p_code}-{b_code} pta_count =1", f"{p_code}-{b_code} pta_depth ={median}"],
             f"a new agreement of depth {median} of 7 ({whose})", 0.0, year)]


# ---------------------------------------------------------------------------------------------


def incentives(principal: str, broker: str, year: int | None = None, third_parties: int = 3,
               panel: Panel | None = None, model: str = "suasion") -> pd.DataFrame:
    """The menu of levers ``principal`` has over ``broker``, best first.

    Columns: ``rank, principal, broker, year, model, lever, kind`` (expand / substitute / new
    tie), ``channel`` (the model channel), ``third_party`` (for substitution), ``current`` (the
    flow now, in the model channel's unit: USD m, TIV over 5 years, persons; for a tie the count
    or level), ``unit`` (what one unit of the lever is, in words), ``unit_size`` (its amount),
    ``data_year``, ``marginal_pull`` (change in P's pull over B per unit), ``method``
    (derivative or exact), ``at_stake`` (B's dependence on P in the channel now), ``whatif``
    (the changes that make the lever, for ``suasion whatif``), ``note`` and ``pull`` (P's pull
    over B now, the same on every row). ``attrs["not_offered"]`` maps the levers left out to
    the reason (no data in the panel; P's training not measured).
    """
    from suasion.actors import is_bloc
    from suasion.leverage.engine import resolve_model

    if int(third_parties) < 0:
        raise SuasionError(f"third_parties must be >= 0, got {third_parties}")
    panel, year, p_code, b_code, model = resolve_pair(principal, broker, year, panel, model,
                                                      roles=("principal", "broker"))
    blocs = tuple(c for c in (p_code, b_code) if is_bloc(c))
    net = influence_network(panel, year, blocs, model)
    resolved = resolve_model(model, panel)
    inputs = net.tensor.inputs
    ctx = _Context(panel, year, panel.year_index(year), p_code, b_code, net, net.index(p_code), net.index(b_code),
                   {c.name: c.half_saturation for c in resolved.channels},
                   dict(zip(net.tensor.channels, net.tensor.weights)))
    for name, ch in inputs.channels.items():
        ctx.flows[name] = np.nan_to_num(ch.flows[net.t], nan=0.0)
        ctx.scales[name] = None if ch.scale is None else ch.scale[net.t]
    rows = _continuous(ctx, resolved.version, int(third_parties)) + _discrete(ctx, resolved.version, blocs, model)
    frame = pd.DataFrame(rows).sort_values("marginal_pull", ascending=False, kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    for pos, (column, value) in enumerate((("principal", p_code), ("broker", b_code), ("year", year),
                                           ("model", net.model)), start=1):
        frame.insert(pos, column, value)
    frame["data_year"] = frame["data_year"].astype("Int64")
    frame["pull"] = ctx.pull
    wanted = {"remittance corridor": ("remittances", "remittances"), "work visas": ("diaspora", "migrants"),
              "a training programme": ("training", "us_training"),
              "a diplomatic upgrade": ("diplomacy", "diplomatic_rep"),
              "a trade agreement": ("trade_agreements", "pta_count")}
    frame.attrs["not_offered"] = {lever: "no data in this panel" for lever, (channel, panel_channel) in wanted.items()
                                  if channel in resolved.names and panel_channel not in panel.values}
    frame.attrs["not_offered"].update(ctx.not_offered)
    return frame
