"""The leverage tensor: every (source, target, year) and every channel, in one pass.

:func:`leverage_tensor` runs a model over the whole panel at once (dense NumPy arrays) and keeps
the result cached, so queries for one target or one source are slices of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from suasion.errors import SuasionError
from suasion.leverage import fbic as fbic_mod
from suasion.leverage.inputs import (
    ModelInputs,
    collapse_blocs,
    fbic_inputs,
    suasion_inputs,
    trailing_sum,
    user_channel_kappa,
)
from suasion.leverage.model import (
    DEFAULT_MODEL,
    MODELS,
    ChannelSpec,
    SuasionModel,
    combine,
    dependence,
    net_dependence,
)
from suasion.panel.store import Panel

#: What ``model=`` accepts: "suasion" is the current default version (suasion-2).
MODEL_NAMES = ("suasion", "suasion-2", "suasion-1", "fbic")


class UnknownModelError(SuasionError, ValueError):
    """A model name that does not exist."""


@dataclass(frozen=True)
class LeverageTensor:
    """Scores and per-channel contributions of one model over a whole panel.

    ``score[t, a, b]`` is the leverage of actor ``a`` over ``b`` in ``years[t]`` (NaN where either
    is not a separate actor that year); ``contributions[c, t, a, b]`` add up to it;
    ``observed_year[c, t, a, b]`` says where each channel's data come from (-1 missing).
    ``parts`` holds what sensitivity analysis re-weights (suasion: the gross dependences
    ``D[c, t, a, b]`` of b on a; the net dependences are ``contributions / weights``).
    """

    model: str
    version: str
    actors: tuple[str, ...]
    years: np.ndarray
    exists: np.ndarray
    channels: tuple[str, ...]
    labels: dict[str, str]
    score: np.ndarray
    contributions: np.ndarray
    observed_year: np.ndarray
    weights: np.ndarray
    parts: dict[str, np.ndarray]
    inputs: ModelInputs | None = None

    def index(self, actor: str) -> int:
        try:
            return self.actors.index(actor)
        except ValueError:
            raise SuasionError(f"{actor!r} is not an actor of this computation") from None


def resolve_model(model: str, panel: Panel) -> SuasionModel | str:
    """``"suasion"`` (the current version, suasion-2), ``"suasion-2"`` or ``"suasion-1"`` (plus the
    panel's user channels), or ``"fbic"``."""
    return resolve_model_with(model, panel.channel_meta)


def resolve_model_with(model: str, channel_meta: dict[str, dict]) -> SuasionModel | str:
    """:func:`resolve_model` from channel metadata alone (user channels are those marked ``user``)."""
    key = str(model).strip().lower()
    if key == "fbic":
        return "fbic"
    base = DEFAULT_MODEL if key == "suasion" else MODELS.get(key)
    if base is None:
        raise UnknownModelError(f"unknown model {model!r}; models: {', '.join(MODEL_NAMES)}")
    extra = tuple(
        ChannelSpec(name, float(meta.get("weight") or 0.1), user_channel_kappa(meta.get("scale")),
                    meta.get("description") or name, meta.get("description") or "user channel", "user")
        for name, meta in channel_meta.items() if meta.get("user"))
    if not extra:
        return base
    # user channels keep their own weight next to the model's (renormalised to sum to 1)
    scaled = tuple(replace(c, weight=c.weight / sum(x.weight for x in base.channels)) for c in base.channels)
    return replace(base, channels=scaled + extra)


def drop_stale_inputs(inputs: ModelInputs, max_carry: int | None) -> ModelInputs:
    """Treat inputs carried forward more than ``max_carry`` years as missing.

    A cell whose data come from more than ``max_carry`` years before the year it is used in
    counts as missing (no flow, flagged missing), so it neither adds leverage nor dilutes the
    shares of other sources.
    """
    if max_carry is None:
        return inputs
    if max_carry < 0:
        raise SuasionError(f"max_carry must be >= 0, got {max_carry}")
    years = inputs.years.astype(np.int64)[:, None, None]
    channels = {}
    for name, ch in inputs.channels.items():
        oy = ch.observed_year.astype(np.int64)
        stale = (oy >= 0) & (years - oy > max_carry)
        flows = np.where(stale, np.nan, ch.flows)
        channels[name] = replace(ch, flows=flows, observed_year=np.where(stale, -1, ch.observed_year).astype(np.int16))
    return replace(inputs, channels=channels)


def _valid(exists: np.ndarray) -> np.ndarray:
    """bool [Y, N, N]: both actors exist and they differ."""
    valid = exists[:, :, None] & exists[:, None, :]
    valid &= ~np.eye(exists.shape[1], dtype=bool)[None]
    return valid


def suasion_tensor(inputs: ModelInputs, model: SuasionModel) -> LeverageTensor:
    """Run the suasion model (see :mod:`suasion.leverage.model`) over prepared inputs."""
    names = model.names
    n_years, n = inputs.exists.shape
    deps = np.empty((len(names), n_years, n, n))
    observed = np.empty((len(names), n_years, n, n), dtype=np.int16)
    for i, name in enumerate(names):
        ch = inputs.channels[name]
        deps[i] = dependence(ch.flows, ch.scale, model.spec(name).half_saturation)
        observed[i] = ch.observed_year
    weights = model.weights()
    valid = _valid(inputs.exists)
    # flows of actors that do not exist are missing (0), so their dependences are already 0
    score, contributions = combine(net_dependence(deps), weights)
    score[~valid] = np.nan
    labels = {c.name: c.label for c in model.channels}
    return LeverageTensor("suasion", model.version, inputs.actors, inputs.years, inputs.exists, names,
                          labels, score, contributions, observed, weights, {"dependence": deps}, inputs)


def _trailing_mean_existing(values: np.ndarray, valid: np.ndarray, count: np.ndarray, window: int = 3
                            ) -> np.ndarray:
    """FBIC's moving average: mean over the last ``window`` years in which the dyad exists.

    ``count`` is the number of such years (``trailing_sum`` of ``valid``), shared by all indicators.
    """
    total = trailing_sum(np.where(valid, values, np.nan), window)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(valid, total / count, np.nan)


def fbic_tensor(inputs: ModelInputs) -> LeverageTensor:
    """FBIC (:mod:`suasion.leverage.fbic`) rebuilt from the panel with the release's constants.

    Bandwidth: diplomatic representation (mean of both directions), shared IGOs, the
    trade-agreement index, ln trade, alliance index and ln arms stock, mean-equalised with the
    release's frozen multipliers; dependence: aid, trade and arms-stock ratios in percent. Both averaged over
    three years, weighted, scaled by the release maxima.
    """
    ch = inputs.channels
    c = fbic_mod.RELEASE

    def sym(name: str) -> np.ndarray:
        f = np.nan_to_num(ch[name].flows, nan=0.0)
        return f + np.swapaxes(f, -1, -2)

    def sym_max(name: str) -> np.ndarray:
        f = np.nan_to_num(ch[name].flows, nan=0.0)
        return np.maximum(f, np.swapaxes(f, -1, -2))

    trade = sym("trade")
    stock = np.nan_to_num(ch["arms_stock"].flows, nan=0.0)
    aid = np.nan_to_num(ch["aid"].flows, nan=0.0)
    lor = np.clip(np.nan_to_num(ch["lor"].flows, nan=0.0), 0.0, 1.0)
    bandwidth_raw = {
        "lor": (lor + np.swapaxes(lor, -1, -2)) / 2.0, "igo": sym_max("igo"),
        "tradeagree": sym_max("tradeagree"), "trade": np.log1p(trade),
        "alliance": sym_max("alliance"), "armsimpstock": np.log1p(stock + np.swapaxes(stock, -1, -2)),
    }

    def pct(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, 100.0 * num / den, np.where(np.isnan(den), np.nan, 0.0))

    gdp = ch["trade"].scale[:, None, :]
    milstock = ch["arms_stock"].scale[:, None, :]
    dependence_raw = {
        "absaid": pct(aid, gdp), "relaid": pct(aid, aid.sum(axis=1)[:, None, :]),
        "abstrade": pct(trade, gdp), "reltrade": pct(trade, trade.sum(axis=1)[:, None, :]),
        "absarms": pct(stock, milstock), "relarms": pct(stock, stock.sum(axis=1)[:, None, :]),
    }
    valid = inputs.exists[:, :, None] & inputs.exists[:, None, :]
    count = trailing_sum(np.where(valid, 1.0, np.nan), 3)
    bw_ma = {k: _trailing_mean_existing(x * c.multiplier(k), valid, count) for k, x in bandwidth_raw.items()}
    dep_ma = {k: np.nan_to_num(_trailing_mean_existing(x, valid, count), nan=0.0)
              for k, x in dependence_raw.items()}
    parts = fbic_mod.fbic_scores(bw_ma, dep_ma, c)
    names = fbic_mod.FBIC_CHANNELS
    valid = _valid(inputs.exists)
    score = np.where(valid, parts.fbic, np.nan)
    contributions = np.stack([np.nan_to_num(parts.fbic * parts.channel_shares[k], nan=0.0) * valid
                              for k in names])
    observed = np.stack([ch["aid"].observed_year, ch["trade"].observed_year, ch["arms_stock"].observed_year,
                         ch["lor"].observed_year])
    labels = {"aid": "development aid", "trade": "trade", "arms": "arms transfers",
              "diplomacy": "diplomacy, IGOs and alliances"}
    weights = np.array([sum(fbic_mod.DEPENDENCE_WEIGHTS[p] for p in fbic_mod.CHANNEL_PARTS[k][1])
                        + sum(fbic_mod.BANDWIDTH_WEIGHTS[p] for p in fbic_mod.CHANNEL_PARTS[k][0])
                        for k in names]) / 2.0
    return LeverageTensor("fbic", f"fbic rebuilt from the panel ({c.release} constants)", inputs.actors, inputs.years, inputs.exists, names, labels,
                          score, contributions, observed, weights,
                          {"bandwidth_parts": np.stack([parts.bandwidth_parts[k] for k in fbic_mod.BANDWIDTH_WEIGHTS]),
                           "dependence_parts": np.stack([parts.dependence_parts[k] for k in fbic_mod.DEPENDENCE_WEIGHTS])})


def bloc_masks(blocs: tuple[str, ...], actors: tuple[str, ...], years: np.ndarray) -> dict[str, np.ndarray]:
    """Membership masks ``[Y, N]`` for each bloc code, per panel year (empty before it existed)."""
    from suasion.actors import bloc_members
    from suasion.errors import CoverageError

    pos = {a: i for i, a in enumerate(actors)}
    out: dict[str, np.ndarray] = {}
    for code in blocs:
        mask = np.zeros((len(years), len(actors)), dtype=bool)
        for t, year in enumerate(years):
            try:
                members = bloc_members(code, int(year))
            except CoverageError:
                continue
            for iso3 in members:
                if iso3 in pos:
                    mask[t, pos[iso3]] = True
        out[code] = mask
    return out


_CACHE: dict[tuple, tuple[Panel, LeverageTensor]] = {}
_CACHE_SIZE = 8
_WINDOWS: dict[tuple, tuple[Panel, Panel]] = {}

#: Years of history before the year asked for that each model reads: suasion-1's longest
#: trailing window is the 5-year arms sum; FBIC's arms stock accumulates from the first year.
HISTORY_YEARS: dict[str, int | None] = {"suasion": 4, "fbic": None}


def panel_window(panel: Panel, first_year: int, last_year: int) -> Panel:
    """The panel restricted to ``first_year..last_year`` (array views, cached per panel)."""
    from dataclasses import replace

    key = (id(panel), int(first_year), int(last_year))
    hit = _WINDOWS.get(key)
    if hit is not None and hit[0] is panel:
        return hit[1]
    a, b = panel.year_index(first_year), panel.year_index(last_year) + 1
    sub = replace(panel, years=panel.years[a:b],
                  values={c: v[a:b] for c, v in panel.values.items()},
                  observed_year={c: v[a:b] for c, v in panel.observed_year.items()},
                  exists=panel.exists[a:b],
                  monadic={c: v[a:b] for c, v in panel.monadic.items()},
                  monadic_year={c: v[a:b] for c, v in panel.monadic_year.items()})
    if len(_WINDOWS) >= _CACHE_SIZE:
        _WINDOWS.pop(next(iter(_WINDOWS)))
    _WINDOWS[key] = (panel, sub)
    return sub


def slice_years(inputs: ModelInputs, start: int, stop: int | None = None) -> ModelInputs:
    """The inputs of years ``start:stop`` (positions): trailing sums were taken before, so a
    year's inputs do not depend on the years cut away."""
    part = slice(start, stop)
    channels = {name: replace(ch, flows=ch.flows[part], observed_year=ch.observed_year[part],
                              scale=None if ch.scale is None else ch.scale[part])
                for name, ch in inputs.channels.items()}
    return replace(inputs, years=inputs.years[part], exists=inputs.exists[part], channels=channels)


_YEAR_INPUTS: dict[tuple, tuple[Panel, ModelInputs, SuasionModel]] = {}


def year_inputs(panel: Panel, year: int, model: str = "suasion", max_carry: int | None = None
                ) -> tuple[ModelInputs, SuasionModel]:
    """The suasion model's inputs for one year (states only), read from the years it needs (cached)."""
    key = (id(panel), int(year), str(model).lower(), max_carry)
    hit = _YEAR_INPUTS.get(key)
    if hit is not None and hit[0] is panel:
        return hit[1], hit[2]
    resolved = resolve_model(model, panel)
    if resolved == "fbic":
        raise SuasionError("year_inputs is for the suasion models; FBIC averages over three years")
    sub = panel_window(panel, first_year_needed(panel, int(year), model), int(year))
    inputs = slice_years(drop_stale_inputs(suasion_inputs(sub, resolved), max_carry), -1)
    if len(_YEAR_INPUTS) >= _CACHE_SIZE:
        _YEAR_INPUTS.pop(next(iter(_YEAR_INPUTS)))
    _YEAR_INPUTS[key] = (panel, inputs, resolved)
    return inputs, resolved


def year_tensor(panel: Panel, year: int, model: str = "suasion", blocs: tuple[str, ...] = (),
                max_carry: int | None = None, cache: bool = True) -> tuple[LeverageTensor, int]:
    """The tensor for the years a query about ``year`` needs, and the index of ``year`` in it.

    Scores and flags for ``year`` equal those of the full tensor. The suasion models compute
    their inputs over the years their trailing windows need and the model over ``year`` alone;
    FBIC, whose moving averages are taken after the indicators, computes the window.
    ``cache=False`` computes without keeping the result (one-off bloc rows).
    """
    panel.year_index(int(year))
    if str(model).strip().lower() == "fbic":
        sub = panel_window(panel, first_year_needed(panel, int(year), model), int(year))
        return leverage_tensor(sub, model, blocs, max_carry), len(sub.years) - 1
    key = (id(panel), int(year), str(model).lower(), tuple(blocs), max_carry, "year")
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is panel:
        return hit[1], 0
    inputs, resolved = year_inputs(panel, year, model, max_carry)
    if blocs:
        masks = bloc_masks(tuple(blocs), inputs.actors, inputs.years)
        try:
            inputs = collapse_blocs(inputs, masks)
        except ValueError as exc:
            raise SuasionError(f"{exc}; use blocs that do not share members") from None
    result = suasion_tensor(inputs, resolved)
    if cache:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (panel, result)
    return result, 0


def first_year_needed(panel: Panel, year: int, model: str) -> int:
    """The first panel year a one-year query of ``model`` reads (its longest trailing window)."""
    kind = "fbic" if str(model).strip().lower() == "fbic" else "suasion"
    history = HISTORY_YEARS[kind]
    return int(panel.years[0]) if history is None else max(int(panel.years[0]), int(year) - history)


def leverage_tensor(panel: Panel, model: str = "suasion", blocs: tuple[str, ...] = (),
                    max_carry: int | None = None) -> LeverageTensor:
    """The full leverage tensor of ``model`` over ``panel``, with ``blocs`` as extra actors (cached).

    ``max_carry``: inputs carried forward more than this many years count as missing
    (:func:`drop_stale_inputs`).
    """
    key = (id(panel), str(model).lower(), tuple(blocs), max_carry)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is panel:
        return hit[1]
    resolved = resolve_model(model, panel)
    if resolved == "fbic":
        inputs = fbic_inputs(panel)
    else:
        inputs = suasion_inputs(panel, resolved)
    inputs = drop_stale_inputs(inputs, max_carry)
    if blocs:
        masks = bloc_masks(tuple(blocs), inputs.actors, inputs.years)
        try:
            inputs = collapse_blocs(inputs, masks)
        except ValueError as exc:
            raise SuasionError(f"{exc}; use blocs that do not share members") from None
    result = fbic_tensor(inputs) if resolved == "fbic" else suasion_tensor(inputs, resolved)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (panel, result)
    return result
