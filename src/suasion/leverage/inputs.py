"""From the panel's channels to the flow matrices the leverage models read.

Each model channel becomes a :class:`ChannelInput`: ``flows[t, a, b]`` (what ``b`` receives from
``a`` in year ``t``), the receiver's ``scale[t, b]`` and ``observed_year[t, a, b]``, the year the
dyad's data come from (``-1`` missing), combining the flow's own flag with the scale's flag.

Blocs are collapsed here (:func:`collapse_blocs`): a bloc becomes one more actor whose flows are
the sums of its members' flows with non-members; intra-bloc flows are dropped, and members
disappear as separate actors in the years they belong to the bloc.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suasion.leverage.model import SuasionModel
from suasion.panel.store import Panel

MISSING = np.int16(-1)
_FAR = np.int16(32000)


@dataclass(frozen=True)
class ChannelInput:
    flows: np.ndarray            # float [Y, N, N], >= 0, NaN where missing
    scale: np.ndarray | None     # float [Y, N] receiver size, None = unscaled
    observed_year: np.ndarray    # int16 [Y, N, N], -1 = missing
    aggregate: str = "sum"       # how a bloc combines its members' ties: "sum" or "max"


@dataclass(frozen=True)
class ModelInputs:
    """Channel inputs over a fixed actor axis (states, then any collapsed blocs)."""

    actors: tuple[str, ...]
    years: np.ndarray
    exists: np.ndarray           # bool [Y, N]: actor is a separate actor that year
    channels: dict[str, ChannelInput]


# ---------------------------------------------------------------------------------------------
# helpers over [Y, ...] arrays


def trailing_sum(values: np.ndarray, window: int) -> np.ndarray:
    """Sum over years t-window+1..t along axis 0 (missing years count as 0; all-missing is NaN)."""
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    out = filled.copy()
    seen = present.copy()
    for lag in range(1, min(window, len(values))):
        out[lag:] += filled[:-lag]
        seen[lag:] |= present[:-lag]
    return np.where(seen, out, np.nan)


def combine_years(*years: np.ndarray) -> np.ndarray:
    """The oldest of several observed-year arrays (broadcast); missing if any is missing."""
    out = None
    for y in years:
        y = np.asarray(y, dtype=np.int16)
        out = y if out is None else np.where((out < 0) | (y < 0), MISSING, np.minimum(out, y))
    return out.astype(np.int16)


def _receiver(monadic_year: np.ndarray) -> np.ndarray:
    return monadic_year[:, None, :]


def _sender(monadic_year: np.ndarray) -> np.ndarray:
    return monadic_year[:, :, None]


def _t(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


def alliance_strength(panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """ATOP pledge strength in [0, 1], weighted as FBIC's alliance index (defence 75, neutrality
    5, non-aggression 5, consultation 1; an offence pledge counts as a defence pledge) over 75."""
    v, oy = panel.values, panel.observed_year
    defense = np.fmax(v["atop_defense"], v["atop_offense"])
    index = 75 * defense + 5 * v["atop_neutral"] + 5 * v["atop_nonagg"] + 1 * v["atop_consul"]
    return np.clip(index / 75.0, 0.0, 1.0), oy["atop_defense"]


# ---------------------------------------------------------------------------------------------
# suasion model inputs

_SCALE_KAPPA = {"gdp": 0.05, "milex": 0.10, "count": 1.0, "none": 1.0}

#: The panel channels each model channel is built from (for coverage questions and flags).
PANEL_CHANNELS_OF: dict[str, tuple[str, ...]] = {
    "trade_market": ("exports",), "trade_supply": ("exports",), "aid": ("oda",), "finance": ("oof",),
    "arms": ("arms_tiv",), "alliance": ("atop_defense",), "defence_cooperation": ("dca",),
    "exercises": ("exercises",), "troops": ("us_troops",),
    "trade_agreements": ("pta_count",), "remittances": ("remittances",), "diaspora": ("migrants",),
    "training": ("us_training",), "diplomacy": ("diplomatic_rep",),
    # FBIC channels
    "trade": ("exports",),
}

#: suasion-2's finance channel reads the debt stock first and official lending where it is unknown.
PANEL_CHANNELS_OF_V2: dict[str, tuple[str, ...]] = {**PANEL_CHANNELS_OF, "finance": ("china_debt", "oof")}


def panel_channels_of(model: SuasionModel | str, channel: str) -> tuple[str, ...]:
    """The panel channels a model channel reads (a user channel reads itself)."""
    table = PANEL_CHANNELS_OF_V2 if getattr(model, "version", "") != "suasion-1" else PANEL_CHANNELS_OF
    return table.get(channel, (channel,))


def _channel(panel: Panel, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Values and observed years of a panel channel; all missing if this panel lacks it."""
    if name in panel.values:
        return panel.values[name], panel.observed_year[name]
    shape = (len(panel.years), len(panel.actors), len(panel.actors))
    return np.full(shape, np.nan), np.full(shape, -1, dtype=np.int16)


def suasion_inputs(panel: Panel, model: SuasionModel) -> ModelInputs:
    """Flow matrices, scales and flags of every channel of ``model`` (bundled and user channels).

    The channel definitions (flow, scale, why the target depends on the source) are in
    :mod:`suasion.leverage.model` and docs/methods.md; suasion-1 and suasion-2 share those
    they have in common except ``finance`` (suasion-1: yearly official lending; suasion-2: the
    debt stock, or official lending over 5 years where the stock is unknown).
    """
    v, oy = panel.values, panel.observed_year
    m, my = panel.monadic, panel.monadic_year
    gdp, milex, cinc, milper = m["gdp"], m["milex"], m["cinc"], m["milper"]
    population = m["population"]
    channels: dict[str, ChannelInput] = {}
    wanted = set(model.names)

    def add(name: str, flows: np.ndarray, scale: np.ndarray | None, *years: np.ndarray) -> None:
        if name in wanted:
            channels[name] = ChannelInput(flows, scale, combine_years(*years))

    add("trade_market", _t(v["exports"]), gdp, _t(oy["exports"]), _receiver(my["gdp"]))
    add("trade_supply", v["exports"], gdp, oy["exports"], _receiver(my["gdp"]))
    add("aid", v["oda"], gdp, oy["oda"], _receiver(my["gdp"]))
    if model.version == "suasion-1":
        add("finance", v["oof"], gdp, oy["oof"], _receiver(my["gdp"]))
    elif "finance" in wanted:
        debt, debt_year = _channel(panel, "china_debt")
        lending = trailing_sum(v["oof"], 5)
        known = ~np.isnan(debt)
        add("finance", np.where(known, debt, lending), gdp, np.where(known, debt_year, oy["oof"]),
            _receiver(my["gdp"]))
    add("arms", trailing_sum(v["arms_tiv"], 5), 5.0 * milex, oy["arms_tiv"], _receiver(my["milex"]))
    strength, strength_year = alliance_strength(panel)
    add("alliance", strength * cinc[:, :, None], _relative_capability_scale(strength, cinc), strength_year,
        _sender(my["cinc"]), _receiver(my["cinc"]))
    # DCAs and exercises: like alliances, partners are weighted by capability in the share and
    # exposure counts each tie by the partner's relative capability (a tie between equals: 1/2).
    dca_count = np.fmax(v["dca"], 0.0)
    add("defence_cooperation", dca_count * cinc[:, :, None], _relative_capability_scale(dca_count, cinc),
        oy["dca"], _sender(my["cinc"]), _receiver(my["cinc"]))
    exercise_count = np.fmax(trailing_sum(v["exercises"], 3), 0.0)
    add("exercises", exercise_count * cinc[:, :, None], _relative_capability_scale(exercise_count, cinc),
        oy["exercises"], _sender(my["cinc"]), _receiver(my["cinc"]))
    add("troops", v["us_troops"], 1000.0 * milper, oy["us_troops"], _receiver(my["milper"]))
    if wanted & {"trade_agreements", "remittances", "diaspora", "training", "diplomacy"}:
        count, count_year = _channel(panel, "pta_count")
        depth, _ = _channel(panel, "pta_depth")
        ties = np.where(count > 0, (1.0 + np.nan_to_num(depth, nan=0.0)) / 8.0, np.where(np.isnan(count), np.nan, 0.0))
        add("trade_agreements", ties * gdp[:, :, None], _relative_capability_scale(ties, gdp), count_year,
            _sender(my["gdp"]), _receiver(my["gdp"]))
        remit, remit_year = _channel(panel, "remittances")
        add("remittances", remit, gdp, remit_year, _receiver(my["gdp"]))
        migrants, migrants_year = _channel(panel, "migrants")
        add("diaspora", migrants, population, migrants_year, _receiver(my["population"]))
        trained, trained_year = _channel(panel, "us_training")
        add("training", trained, 1000.0 * milper, trained_year, _receiver(my["milper"]))
        rep, rep_year = _channel(panel, "diplomatic_rep")
        rep = np.clip(rep, 0.0, 1.0)
        add("diplomacy", rep * cinc[:, :, None], _relative_capability_scale(rep, cinc), rep_year,
            _sender(my["cinc"]), _receiver(my["cinc"]))
    for name, meta in panel.channel_meta.items():
        if meta.get("user") and name in wanted:
            scale_name = meta.get("scale") or "count"
            if scale_name in ("gdp", "milex"):
                add(name, v[name], m[scale_name], oy[name], _receiver(my[scale_name]))
            else:
                add(name, v[name], None, oy[name])
    return ModelInputs(tuple(panel.actors), np.asarray(panel.years), np.asarray(panel.exists), channels)


def _relative_capability_scale(ties: np.ndarray, cinc: np.ndarray) -> np.ndarray:
    """Receiver scale that makes exposure the ties weighted by the partners' relative capability
    (CINC; for trade agreements, GDP).

    Exposure ``x[b] = sum_a n[a, b] * cinc[a] / (cinc[a] + cinc[b])``: each tie (a pledge of
    strength ``n``, an agreement, an exercise) counts by how much stronger the partner is than
    ``b`` — nearly 1 for a great power's tie to a small state, 1/2 between equals. With flows
    ``F[a, b] = n[a, b] * cinc[a]`` the scale is ``sum_a F[a, b] / x[b]``.
    """
    c = np.nan_to_num(cinc, nan=0.0)
    n = np.fmax(ties, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = c[:, :, None] / (c[:, :, None] + c[:, None, :])
        exposure = (n * np.nan_to_num(relative, nan=0.0)).sum(axis=1)
        inflow = (n * c[:, :, None]).sum(axis=1)
        return np.where(exposure > 0, inflow / np.where(exposure > 0, exposure, 1.0), np.nan)


def user_channel_kappa(scale: str | None) -> float:
    """Half-saturation constant of a user channel by its scale."""
    return _SCALE_KAPPA.get(scale or "count", 1.0)


# ---------------------------------------------------------------------------------------------
# FBIC inputs (the release's indicators rebuilt from the panel)

#: Shared-IGO weight: median of sharedigoweighted / sharedigocount in the release sample (10.41);
#: the release's own IGO weighting is not public.
IGO_WEIGHT_PER_SHARED = 10.41
#: Perpetual-inventory depreciation of the arms-import stock (the release's rule is not public).
ARMS_STOCK_DEPRECIATION = 0.10
#: Military-expenditure stock as a multiple of annual spending (release sample median 5.0).
MILSTOCK_MULTIPLE = 5.0


def arms_stock(tiv: np.ndarray, depreciation: float = ARMS_STOCK_DEPRECIATION) -> np.ndarray:
    """``stock_t = (1 - delta) * stock_{t-1} + delivered_t`` from the first panel year."""
    filled = np.nan_to_num(tiv, nan=0.0)
    stock = np.empty_like(filled)
    running = np.zeros(filled.shape[1:])
    for t in range(filled.shape[0]):
        running = (1.0 - depreciation) * running + filled[t]
        stock[t] = running
    return stock


def fbic_inputs(panel: Panel) -> ModelInputs:
    """The raw dyadic inputs of FBIC from the panel, as channels a bloc can be collapsed over.

    ``trade`` (exports, USD m, scale GDP), ``arms_stock`` (TIV stock, scale military stock),
    ``aid`` (ODA, scale GDP) add up over bloc members; ``alliance`` (the release's alliance
    index), ``igo`` (shared IGOs times :data:`IGO_WEIGHT_PER_SHARED`), ``lor`` (diplomatic
    representation of source in target on the release's 0-1 scale; DDR and Lowy) and
    ``tradeagree`` (the release's trade-agreement index from DESTA/WTO) take the members'
    maximum. A panel without the diplomacy or trade-agreement channels gives zeros there, flagged
    missing.
    """
    v, oy = panel.values, panel.observed_year
    m, my = panel.monadic, panel.monadic_year
    alliance = (75 * np.fmax(v["atop_defense"], v["atop_offense"]) + 5 * v["atop_neutral"]
                + 5 * v["atop_nonagg"] + 1 * v["atop_consul"])
    lor, lor_year = _channel(panel, "diplomatic_rep")
    agree, agree_year = _channel(panel, "pta_fbic_index")
    channels = {
        "trade": ChannelInput(v["exports"], m["gdp"],
                              combine_years(oy["exports"], _t(oy["exports"]), _receiver(my["gdp"]))),
        "arms_stock": ChannelInput(arms_stock(v["arms_tiv"]), MILSTOCK_MULTIPLE * m["milex"],
                                   combine_years(oy["arms_tiv"], _receiver(my["milex"]))),
        "aid": ChannelInput(v["oda"], m["gdp"], combine_years(oy["oda"], _receiver(my["gdp"]))),
        "alliance": ChannelInput(alliance, None, oy["atop_defense"], aggregate="max"),
        "igo": ChannelInput(IGO_WEIGHT_PER_SHARED * v["igo_shared"], None, oy["igo_shared"],
                            aggregate="max"),
        "lor": ChannelInput(lor, None, lor_year, aggregate="max"),
        "tradeagree": ChannelInput(agree, None, agree_year, aggregate="max"),
    }
    return ModelInputs(tuple(panel.actors), np.asarray(panel.years), np.asarray(panel.exists), channels)


# ---------------------------------------------------------------------------------------------
# blocs


def collapse_blocs(inputs: ModelInputs, blocs: dict[str, np.ndarray]) -> ModelInputs:
    """Add each bloc as one actor; ``blocs[code]`` is a bool membership mask ``[Y, N]``.

    Bloc flows are the sums of members' flows with non-members (intra-bloc flows never count);
    the bloc's scale is the sum of its members' scales; its observed year is the oldest observed
    year among members with data. Members are not separate actors in the years they belong.
    Blocs given together must not share a member in the same year.
    """
    if not blocs:
        return inputs
    codes = list(blocs)
    masks = np.stack([np.asarray(blocs[c], dtype=bool) for c in codes])          # [K, Y, N]
    if (masks.sum(axis=0) > 1).any():
        raise ValueError("blocs overlap: " + ", ".join(codes))
    n_years, n = inputs.exists.shape
    k = len(codes)
    inside = masks.any(axis=0)                                                       # [Y, N]
    member_f = masks.astype(float)                                                   # [K, Y, N]
    outside_f = (~inside).astype(float)

    new_channels: dict[str, ChannelInput] = {}
    for name, ch in inputs.channels.items():
        flows = np.nan_to_num(ch.flows, nan=0.0)
        # flows among actors that stay separate
        keep = flows * outside_f[:, :, None] * outside_f[:, None, :]
        if ch.aggregate == "max":
            bloc_out = np.stack([np.where(masks[i][:, :, None], flows, 0.0).max(axis=1)
                                 for i in range(k)], axis=1) * outside_f[:, None, :]
            bloc_in = np.stack([np.where(masks[i][:, None, :], flows, 0.0).max(axis=2)
                                for i in range(k)], axis=2) * outside_f[:, :, None]
        else:
            bloc_out = np.einsum("kys,yst->ykt", member_f, flows) * outside_f[:, None, :]   # [Y, K, N]
            bloc_in = np.einsum("yst,kyt->ysk", flows, member_f) * outside_f[:, :, None]    # [Y, N, K]
        big = np.zeros((n_years, n + k, n + k))
        big[:, :n, :n] = keep
        big[:, n:, :n] = bloc_out
        big[:, :n, n:] = bloc_in
        # observed years
        far = np.where(ch.observed_year < 0, _FAR, ch.observed_year)
        oy_big = np.full((n_years, n + k, n + k), MISSING, dtype=np.int16)
        oy_big[:, :n, :n] = np.where((outside_f[:, :, None] * outside_f[:, None, :]) > 0,
                                     ch.observed_year, MISSING)
        for i in range(k):
            mk = masks[i][:, :, None]
            row = np.where(mk, far, _FAR).min(axis=1)                               # [Y, N]
            col = np.where(masks[i][:, None, :], far, _FAR).min(axis=2)             # [Y, N]
            oy_big[:, n + i, :n] = np.where((row == _FAR) | inside, MISSING, row)
            oy_big[:, :n, n + i] = np.where((col == _FAR) | inside, MISSING, col)
        scale = None
        if ch.scale is not None:
            scale = np.full((n_years, n + k), np.nan)
            scale[:, :n] = np.where(inside, np.nan, ch.scale)
            summed = np.einsum("kyn,yn->yk", member_f, np.nan_to_num(ch.scale, nan=0.0))
            any_data = np.einsum("kyn,yn->yk", member_f, (~np.isnan(ch.scale)).astype(float)) > 0
            scale[:, n:] = np.where(any_data, summed, np.nan)
        new_channels[name] = ChannelInput(big, scale, oy_big, ch.aggregate)

    exists = np.zeros((n_years, n + k), dtype=bool)
    exists[:, :n] = inputs.exists & ~inside
    exists[:, n:] = masks.any(axis=2).T
    return ModelInputs(inputs.actors + tuple(codes), inputs.years, exists, new_channels)
