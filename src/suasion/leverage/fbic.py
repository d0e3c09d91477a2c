"""Formal Bilateral Influence Capacity (FBIC), reproduced from the Pardee release.

FBIC (Moyer, Meisel, Matthews, Bohl & Burrows 2021, *China-US Competition: Measuring Global
Influence*, Atlantic Council; Pardee Institute / Diplometrics) measures the influence capacity of
A over B as the product of the *bandwidth* of their relationship (symmetric volume of ties) and
the *dependence* of B on A (directed):

Step A — raw indicators (dependence ratios in percent)::

    lor_avg                = (lor_{A in B} + lor_{B in A}) / 2
    tradeagreementindex    = 1 PSA + 1 EIA + 3 BTA + 4 BTA+EIA + 5 RTA + 8 RTA+EIA + 15 CU + 20 CU+EIA
    lntotaltradeawithb     = ln(1 + trade_AB / 1e6)                     (trade in USD)
    allianceindex          = 75 defence + 5 neutrality + 5 non-aggression + 1 consultation
    lnarmstotalstockab     = ln(1 + armsstock_{B<-A} + armsstock_{A<-B})   (TIV m)
    aid/GDP_B, aid/all aid of B, trade/GDP_B, trade/all trade of B,
    arms stock from A / military stock of B, arms stock from A / all arms-import stock of B

Step B — bandwidth: each indicator x_k is mean-equalised to diplomatic representation,
``norm_k = x_k * lortotal / total_k`` (release constants frozen below), averaged over a 3-year
trailing window of the years that exist for the dyad, and summed with the weights
:data:`BANDWIDTH_WEIGHTS`; ``bandwidth = sum / bandwidthmax``.

Step C — dependence: each ratio is averaged over the same window, transformed by ``ln(1 + x)``
and summed with :data:`DEPENDENCE_WEIGHTS`; ``dependence = sum / dependencemax``.

Step D — ``fbic = bandwidth * dependence / fbicmax``.

Step E — channel shares: every weighted part's share of its own (bandwidth or dependence)
total, folded into the channels aid, trade, arms and diplomacy (the alliance term counts toward
diplomacy, as the release computes it) and divided by the number of positive parts.

The rules and constants are those recovered in ``shared/reference/leverage-methods.md`` §1,
which checks them against every row of the public 280-column release sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from suasion.errors import InputFileError


@dataclass(frozen=True)
class FbicConstants:
    """Panel-wide constants of one FBIC release (they change with every release)."""

    lortotal: float = 372_043.75
    igostotal: float = 367_064_384.0
    tradeagreetotal: float = 1_909_830.0
    lntotaltradetotal: float = 2_906_701.3
    alliancetotal: float = 10_146_900.0
    lnarmstocktotal: float = 276_653.59
    bandwidthmax: float = 3.1831572
    dependencemax: float = 4.1227694
    fbicmax: float = 0.58199161
    release: str = "FBIC release 1960-2023 (Pardee/Diplometrics)"

    def multiplier(self, indicator: str) -> float:
        """The mean-equalising factor ``lortotal / total_k`` of a bandwidth indicator."""
        total = {
            "lor": self.lortotal, "igo": self.igostotal, "tradeagree": self.tradeagreetotal,
            "trade": self.lntotaltradetotal, "alliance": self.alliancetotal,
            "armsimpstock": self.lnarmstocktotal,
        }[indicator]
        return self.lortotal / total


RELEASE = FbicConstants()

#: Bandwidth weights (political 0.30, economic 0.49, security 0.21).
BANDWIDTH_WEIGHTS: dict[str, float] = {
    "lor": 0.11, "igo": 0.19, "tradeagree": 0.14, "trade": 0.35, "alliance": 0.13, "armsimpstock": 0.08,
}
#: Dependence weights (economic 0.77, security 0.23).
DEPENDENCE_WEIGHTS: dict[str, float] = {
    "absaid": 0.21, "relaid": 0.12, "abstrade": 0.28, "reltrade": 0.16, "absarms": 0.10, "relarms": 0.13,
}
#: Which parts fold into which of the release's four explanatory channels.
CHANNEL_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "aid": ((), ("absaid", "relaid")),
    "trade": (("tradeagree", "trade"), ("abstrade", "reltrade")),
    "arms": (("armsimpstock",), ("absarms", "relarms")),
    "diplomacy": (("lor", "igo", "alliance"), ()),
}
FBIC_CHANNELS: tuple[str, ...] = tuple(CHANNEL_PARTS)
POSITIVE_TOLERANCE = 1e-16

#: Release column names of the 3-year moving averages (note the release's own truncations).
_BANDWIDTH_MA_COLUMNS = {
    "lor": "norm_lor_avg_ma", "igo": "norm_igos_ma", "tradeagree": "norm_tradeagreement_ma",
    "trade": "norm_lntotaltrade_ma", "alliance": "norm_allianceindex_ma", "armsimpstock": "norm_armstotalstock_ma",
}
_DEPENDENCE_MA_COLUMNS = {
    "absaid": "aidabgdpb_ma", "relaid": "aidaballaidb_ma", "abstrade": "totaltradeabgdpb_ma",
    "reltrade": "totaltradeaballtradeb_ma", "absarms": "armimportstockabmilstockb_ma",
    "relarms": "armsimportsstockaballimstockb_ma",
}
_BANDWIDTH_RAW_COLUMNS = {
    "lor": "lor_avg", "igo": "sharedigoweighted", "tradeagree": "tradeagreementindex",
    "trade": "lntotaltradeawithb", "alliance": "allianceindex", "armsimpstock": "lnarmstotalstockab",
}
_DEPENDENCE_RAW_COLUMNS = {
    "absaid": "aidabgdpb", "relaid": "aidaballaidb", "abstrade": "totaltradeabgdpb",
    "reltrade": "totaltradeaballtradeb", "absarms": "armimportstockabmilstockb",
    "relarms": "armsimportsstockaballimstockb",
}

TRADE_AGREEMENT_WEIGHTS: dict[str, float] = {
    "tradeagreement_psa": 1, "tradeagreement_eia": 1, "tradeagreement_bta": 3, "tradeagreement_btaeia": 4,
    "tradeagreement_rta": 5, "tradeagreement_rtaeia": 8, "tradeagreement_cu": 15, "tradeagreement_cueia": 20,
}
#: ATOP pledge weights of the release's alliance index. Offence pledges never occur without a
#: defence pledge in the release, so their weight is not identifiable; suasion gives them 0.
ALLIANCE_WEIGHTS: dict[str, float] = {"atopdefense": 75, "atopneutral": 5, "atopnonagg": 5, "atopconsul": 1}


@dataclass(frozen=True)
class FbicParts:
    """Weighted parts of one FBIC computation (arrays of one shape) and the resulting scores."""

    bandwidth_parts: dict[str, np.ndarray]
    dependence_parts: dict[str, np.ndarray]
    bandwidth: np.ndarray
    dependence: np.ndarray
    fbic: np.ndarray
    channel_shares: dict[str, np.ndarray] = field(default_factory=dict)

    def contributions(self) -> dict[str, np.ndarray]:
        """Per-channel contributions ``fbic * share``; they sum to ``fbic``."""
        return {name: self.fbic * share for name, share in self.channel_shares.items()}


def fbic_scores(bandwidth_ma: dict[str, np.ndarray], dependence_ma: dict[str, np.ndarray],
                constants: FbicConstants = RELEASE,
                bandwidth_weights: dict[str, float] = BANDWIDTH_WEIGHTS,
                dependence_weights: dict[str, float] = DEPENDENCE_WEIGHTS) -> FbicParts:
    """Steps B(3)–E: FBIC from normalised bandwidth indicators and percentage dependence ratios.

    ``bandwidth_ma[k]`` are the mean-equalised, moving-averaged bandwidth indicators (release
    ``norm_*_ma``); ``dependence_ma[k]`` the moving-averaged ratios in percent (release ``*_ma``).
    """
    bw_parts = {k: w * np.asarray(bandwidth_ma[k], dtype=float) for k, w in bandwidth_weights.items()}
    dep_parts = {k: w * np.log1p(np.asarray(dependence_ma[k], dtype=float))
                 for k, w in dependence_weights.items()}
    bw_raw = sum(bw_parts.values())
    dep_raw = sum(dep_parts.values())
    bandwidth = bw_raw / constants.bandwidthmax
    dependence = dep_raw / constants.dependencemax
    fbic = bandwidth * dependence / constants.fbicmax
    # A part counts as present when its total is positive; totals below POSITIVE_TOLERANCE are
    # float noise (the release stores single precision and treats them as zero).
    bw_on = bw_raw > POSITIVE_TOLERANCE
    dep_on = dep_raw > POSITIVE_TOLERANCE
    n_parts = bw_on.astype(float) + dep_on.astype(float)
    safe_bw = np.where(bw_on, bw_raw, 1.0)
    safe_dep = np.where(dep_on, dep_raw, 1.0)
    shares = {}
    for channel, (bw_keys, dep_keys) in CHANNEL_PARTS.items():
        s = np.zeros(np.shape(bw_raw))
        for k in bw_keys:
            s = s + np.where(bw_on, bw_parts[k] / safe_bw, 0.0)
        for k in dep_keys:
            s = s + np.where(dep_on, dep_parts[k] / safe_dep, 0.0)
        shares[channel] = np.where(n_parts > 0, s / np.where(n_parts > 0, n_parts, 1.0), np.nan)
    return FbicParts(bw_parts, dep_parts, bandwidth, dependence, fbic, shares)


# ---------------------------------------------------------------------------------------------
# The release's own columns
# ---------------------------------------------------------------------------------------------

def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        raise InputFileError("<frame>", f"missing FBIC release column {name!r}", column=name)
    return pd.to_numeric(frame[name], errors="coerce")


def release_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """Step A from the release's raw input columns.

    Returns the bandwidth indicators (``lor_avg``, ``sharedigoweighted``, ``tradeagreementindex``,
    ``lntotaltradeawithb``, ``allianceindex``, ``lnarmstotalstockab``) and the six dependence
    ratios in percent, named as in the release. Where a derived column cannot be rebuilt because
    its inputs are absent but the release's own derived column is present, that column is used.
    """
    out = pd.DataFrame(index=frame.index)
    has = frame.columns.__contains__

    def raw_or_given(name: str, build) -> pd.Series:
        try:
            return build()
        except InputFileError:
            return _col(frame, name)

    out["lor_avg"] = raw_or_given("lor_avg", lambda: 0.5 * (_col(frame, "embassylorainb")
                                                            + _col(frame, "embassylorbina")))
    out["sharedigoweighted"] = _col(frame, "sharedigoweighted")
    out["tradeagreementindex"] = raw_or_given(
        "tradeagreementindex",
        lambda: sum(w * _col(frame, c) for c, w in TRADE_AGREEMENT_WEIGHTS.items()))
    # the release's total is authoritative: it is not always exports + imports (other sources)
    if has("totaltradeawithb"):
        trade = _col(frame, "totaltradeawithb")
    else:
        trade = _col(frame, "exportsallgoodatob_alldata") + _col(frame, "importsallgoodafromb_alldata")
    out["lntotaltradeawithb"] = np.log1p(trade / 1e6)
    out["allianceindex"] = raw_or_given(
        "allianceindex", lambda: sum(w * _col(frame, c) for c, w in ALLIANCE_WEIGHTS.items()))
    stock_b_from_a = _col(frame, "armsimportstockbfroma")
    if has("armsimportstockafromb"):
        out["lnarmstotalstockab"] = np.log1p(stock_b_from_a + _col(frame, "armsimportstockafromb"))
    else:
        out["lnarmstotalstockab"] = _col(frame, "lnarmstotalstockab")
    aid = _col(frame, "foreignaid2011usdatob")
    gdp_b = _col(frame, "gdpmer2011usdb")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["aidabgdpb"] = 100 * aid * 1e6 / gdp_b
        out["aidaballaidb"] = _safe_ratio(100 * aid * 1e6, _col(frame, "allaidb"))
        out["totaltradeabgdpb"] = 100 * trade / gdp_b
        out["totaltradeaballtradeb"] = _safe_ratio(100 * trade, _col(frame, "alltradeb"))
        out["armimportstockabmilstockb"] = _safe_ratio(100 * stock_b_from_a, _col(frame, "milstockb"))
        out["armsimportsstockaballimstockb"] = _safe_ratio(100 * stock_b_from_a,
                                                           _col(frame, "allarmsimportstockb"))
    return out


def _safe_ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, 0 where the denominator is 0 (as the release stores it)."""
    ratio = numerator / denominator
    return ratio.mask(denominator == 0, 0.0)


def trailing_mean(frame: pd.DataFrame, columns: list[str], keys: tuple[str, str] = ("iso3a", "iso3b"),
                  year: str = "year", window: int = 3) -> pd.DataFrame:
    """Mean of ``columns`` over years t-window+1..t among the years the dyad has in ``frame``.

    This is the release's moving-average rule: years before the dyad appears are not counted.
    """
    base = frame[list(keys) + [year] + columns].copy()
    total = base[columns].copy()
    count = pd.DataFrame(1.0, index=base.index, columns=columns).where(base[columns].notna(), 0.0)
    total = total.fillna(0.0)
    for lag in range(1, window):
        lagged = base[list(keys) + [year] + columns].copy()
        lagged[year] = lagged[year] + lag
        merged = base[list(keys) + [year]].merge(lagged, on=list(keys) + [year], how="left")
        merged.index = base.index
        total += merged[columns].fillna(0.0)
        count += merged[columns].notna().astype(float)
    return total / count.where(count > 0)


def fbic_from_release(frame: pd.DataFrame, constants: FbicConstants = RELEASE,
                      use_ma_columns: bool | None = None) -> pd.DataFrame:
    """Recompute FBIC from a frame holding the FBIC release's own input columns.

    With ``use_ma_columns`` (the default when the release's ``*_ma`` columns are present) the
    release's moving averages are used as they are, which is the only way to reproduce rows of a
    random sample. Otherwise Step A is rebuilt from the raw inputs, normalised with the frozen
    release ``constants``, and averaged over the years each dyad has in ``frame`` (pass a
    panel of consecutive years to get the release's moving averages).

    Returns a frame on the same index with ``bandwidth``, ``dependence``, ``fbic`` and the four
    channel shares ``aid_share``, ``trade_share``, ``arms_share``, ``diplomacy_share``.
    """
    if use_ma_columns is None:
        use_ma_columns = all(c in frame.columns for c in
                             [*_BANDWIDTH_MA_COLUMNS.values(), *_DEPENDENCE_MA_COLUMNS.values()])
    if use_ma_columns:
        bw = {k: _col(frame, c).to_numpy() for k, c in _BANDWIDTH_MA_COLUMNS.items()}
        dep = {k: _col(frame, c).to_numpy() for k, c in _DEPENDENCE_MA_COLUMNS.items()}
    else:
        ind = release_indicators(frame)
        for k, c in _BANDWIDTH_RAW_COLUMNS.items():
            ind[c] = ind[c] * constants.multiplier(k)
        keyed = pd.concat([frame[["iso3a", "iso3b", "year"]], ind], axis=1)
        cols = [*_BANDWIDTH_RAW_COLUMNS.values(), *_DEPENDENCE_RAW_COLUMNS.values()]
        ma = trailing_mean(keyed, cols)
        bw = {k: ma[c].to_numpy() for k, c in _BANDWIDTH_RAW_COLUMNS.items()}
        dep = {k: ma[c].to_numpy() for k, c in _DEPENDENCE_RAW_COLUMNS.items()}
    parts = fbic_scores(bw, dep, constants)
    out = pd.DataFrame({"bandwidth": parts.bandwidth, "dependence": parts.dependence, "fbic": parts.fbic},
                       index=frame.index)
    for name, share in parts.channel_shares.items():
        out[f"{name}_share"] = share
    return out
