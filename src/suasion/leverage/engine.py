"""The leverage tensor: every (source, target, year) and every channel, in one pass.

:func:`leverage_tensor` runs a model over the whole panel at once (dense NumPy arrays) and keeps
the result cached, so queries for one target or one source are slices of it.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    ChannelSpec,
    SuasionModel,
    combine,
    dependence,
    net_dependence,
)
from suasion.panel.store import Panel

MODEL_NAMES = ("suasion", "fbic")


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

    def index(self, actor: str) -> int:
        try:
            return self.actors.index(actor)
        except ValueError:
            raise SuasionError(f"{actor!r} is not an actor of this computation") from None


def resolve_model(model: str, panel: Panel) -> SuasionModel | str:
    """``"suasion"`` (the current version, plus the panel's user channels) or ``"fbic"``."""
    key = str(model).lower()
    if key == "fbic":
        return "fbic"
    if key in ("suasion", DEFAULT_MODEL.version):
        extra = tuple(
            ChannelSpec(name, float(meta.get("weight") or 0.1), user_channel_kappa(meta.get("scale")),
                        meta.get("description") or name, meta.get("description") or "user channel")
            for name, meta in panel.channel_meta.items() if meta.get("user"))
        return DEFAULT_MODEL.with_channels(extra) if extra else DEFAULT_MODEL
    raise UnknownModelError(f"unknown model {model!r}; models: {', '.join(MODEL_NAMES)}")


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
                          labels, score, contributions, observed, weights, {"dependence": deps})


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

    Bandwidth: shared IGOs, ln trade, alliance index and ln arms stock, mean-equalised with the
    release's frozen multipliers (diplomatic representation and trade agreements are zero: no
    public source); dependence: aid, trade and arms-stock ratios in percent. Both averaged over
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
    zero = np.zeros_like(trade)
    bandwidth_raw = {
        "lor": zero, "igo": sym_max("igo"), "tradeagree": zero, "trade": np.log1p(trade),
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
                         np.full_like(ch["igo"].observed_year, -1)])
    labels = {"aid": "development aid", "trade": "trade", "arms": "arms transfers",
              "diplomacy": "diplomacy, IGOs and alliances"}
    weights = np.array([sum(fbic_mod.DEPENDENCE_WEIGHTS[p] for p in fbic_mod.CHANNEL_PARTS[k][1])
                        + sum(fbic_mod.BANDWIDTH_WEIGHTS[p] for p in fbic_mod.CHANNEL_PARTS[k][0])
                        for k in names]) / 2.0
    return LeverageTensor("fbic", c.release, inputs.actors, inputs.years, inputs.exists, names, labels,
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


def year_tensor(panel: Panel, year: int, model: str = "suasion", blocs: tuple[str, ...] = ()
                ) -> tuple[LeverageTensor, int]:
    """The tensor for the years a query about ``year`` needs, and the index of ``year`` in it.

    Scores and flags for ``year`` equal those of the full tensor; computing only the window
    keeps one-year queries fast and small.
    """
    panel.year_index(int(year))
    kind = "fbic" if resolve_model(model, panel) == "fbic" else "suasion"
    history = HISTORY_YEARS[kind]
    first = int(panel.years[0]) if history is None else max(int(panel.years[0]), int(year) - history)
    sub = panel_window(panel, first, int(year))
    return leverage_tensor(sub, model, blocs), len(sub.years) - 1


def leverage_tensor(panel: Panel, model: str = "suasion", blocs: tuple[str, ...] = ()) -> LeverageTensor:
    """The full leverage tensor of ``model`` over ``panel``, with ``blocs`` as extra actors (cached)."""
    key = (id(panel), str(model).lower(), tuple(blocs))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is panel:
        return hit[1]
    resolved = resolve_model(model, panel)
    if resolved == "fbic":
        inputs = fbic_inputs(panel)
    else:
        inputs = suasion_inputs(panel, resolved)
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
