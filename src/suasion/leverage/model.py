"""The default suasion leverage model: directed, asymmetric, channel by channel.

For every channel ``c`` the panel gives a flow matrix ``F[a, b]`` — what target ``b`` receives
from source ``a`` (a market for its exports, imports, aid, official finance, arms, an alliance
commitment weighted by the ally's capability, defence cooperation agreements, exercises, troops)
and a *scale* ``S[b]`` of the receiving state (GDP, military spending, capability, personnel).

Dependence of ``b`` on ``a`` in channel ``c`` (Hirschman 1945; Keohane & Nye 1977)::

    s[a, b]  = F[a, b] / sum_k F[k, b]                 share of b's inflow that comes from a
    H[b]     = sqrt(sum_k s[k, b]^2)                   partner concentration of b (Hirschman index)
    x[b]     = sum_k F[k, b] / S[b]                    exposure: how much the channel matters to b
    g[b]     = x[b] / (x[b] + kappa_c)                 saturating exposure weight in [0, 1)
    D[a, b]  = s[a, b] * H[b] * g[b]                   in [0, 1]

``s * H`` is Hirschman's operational vulnerability: dependence that ``b`` spreads over many
partners is easy to replace and is discounted; dependence concentrated on few partners is not.

Leverage of ``a`` over ``b`` counts ``b``'s dependence on ``a`` net of ``a``'s dependence on ``b``::

    N_c[a, b] = max(0, D_c[a, b] - D_c[b, a])
    L[a, b]   = sum_c w_c * N_c[a, b],     sum_c w_c = 1     ->  L in [0, 1]

The contribution of channel ``c`` is ``w_c * N_c[a, b]``; contributions add up to the score.
Weights and half-saturation constants are frozen per model version: :data:`SUASION_1` (nine
channels, hand-set constants) and :data:`SUASION_2` (fourteen channels with people, money,
diplomacy, trade agreements and training; equal weights; each ``kappa`` the median exposure of
receivers with a positive inflow, 2000-2020; docs/methods.md states every channel's direction,
scale and reason).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class ChannelSpec:
    """One channel of the suasion model.

    ``half_saturation`` is ``kappa``: the exposure at which the channel counts half.
    ``label`` is the plain-language lever a diplomat would pull.
    """

    name: str
    weight: float
    half_saturation: float
    label: str
    description: str
    domain: str = ""


@dataclass(frozen=True)
class SuasionModel:
    """A versioned set of channel weights and constants."""

    version: str
    channels: tuple[ChannelSpec, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.channels)

    def weights(self) -> np.ndarray:
        """Channel weights, normalised to sum to 1."""
        w = np.array([c.weight for c in self.channels], dtype=float)
        return w / w.sum()

    def spec(self, name: str) -> ChannelSpec:
        for c in self.channels:
            if c.name == name:
                return c
        raise KeyError(name)

    def with_channels(self, extra: tuple[ChannelSpec, ...]) -> SuasionModel:
        """The model with extra (user) channels; weights are renormalised when used."""
        return replace(self, channels=self.channels + extra)


SUASION_1 = SuasionModel(
    version="suasion-1",
    channels=(
        ChannelSpec("trade_market", 0.16, 0.15, "market access",
                    "target's exports to the source, as a share of its exports; exposure = exports / GDP"),
        ChannelSpec("trade_supply", 0.12, 0.15, "trade preferences",
                    "target's imports from the source; exposure = imports / GDP"),
        ChannelSpec("aid", 0.12, 0.02, "development aid",
                    "ODA received from the source; exposure = ODA received / GDP"),
        ChannelSpec("finance", 0.06, 0.02, "official finance and loans",
                    "other official flows (China's OOF-like lending); exposure = OOF / GDP"),
        ChannelSpec("arms", 0.16, 0.10, "arms sales and co-production",
                    "TIV delivered over the last 5 years; exposure = TIV / (5 x military expenditure)"),
        ChannelSpec("alliance", 0.14, 0.5, "alliance commitment",
                    "ATOP pledges weighted like FBIC's alliance index, allies weighted by CINC in the "
                    "share; exposure = sum of pledge strength x ally's relative capability"),
        ChannelSpec("defence_cooperation", 0.08, 1.0, "defence cooperation agreement",
                    "DCAs in force, partners weighted by CINC in the share; exposure = DCAs weighted "
                    "by the partner's relative capability"),
        ChannelSpec("exercises", 0.06, 2.0, "training and exercises",
                    "exercises held together over the last 3 years, partners weighted by CINC; "
                    "exposure = exercises weighted by the partner's relative capability"),
        ChannelSpec("troops", 0.10, 0.05, "basing and security guarantee",
                    "US troops stationed in the target; exposure = troops / own military personnel"),
    ),
)

#: suasion-2 (docs/methods.md, "The suasion model, version suasion-2"): equal weights; kappa =
#: median exposure of receivers with a positive inflow, 2000-2020, bundled panel of release 0.2
#: (computed by scripts/freeze_suasion2.py, frozen here; later data releases do not move them).
SUASION_2_KAPPA: dict[str, float] = {
    "trade_market": 0.25, "trade_supply": 0.31, "trade_agreements": 13.0, "aid": 0.011, "finance": 0.018,
    "remittances": 0.02, "diaspora": 0.056, "arms": 0.033, "alliance": 7.3, "defence_cooperation": 4.1,
    "exercises": 34.0, "training": 0.0067, "troops": 0.00071, "diplomacy": 21.0,
}

SUASION_2 = SuasionModel(
    version="suasion-2",
    channels=tuple(ChannelSpec(name, 1.0, SUASION_2_KAPPA[name], label, description, domain)
                   for name, label, description, domain in (
        ("trade_market", "market access",
         "target's goods exports to the source (IMF DOTS, COW before); exposure = exports / GDP", "economy"),
        ("trade_supply", "trade preferences",
         "target's goods imports from the source; exposure = imports / GDP", "economy"),
        ("trade_agreements", "a trade agreement",
         "trade agreement in force, (1 + DESTA depth) x source GDP; exposure weighted by relative economic size",
         "economy"),
        ("aid", "development aid", "ODA received from the source; exposure = ODA / GDP", "economy"),
        ("finance", "official finance and debt",
         "debt owed to the source (China), or its official lending over 5 years; exposure = debt / GDP",
         "economy"),
        ("remittances", "remittance corridors and work visas",
         "remittances sent from the source to the target; exposure = remittances / GDP", "people"),
        ("diaspora", "work visas and residence",
         "target's emigrants living in the source; exposure = emigrants / population", "people"),
        ("arms", "arms sales and co-production",
         "TIV delivered over the last 5 years; exposure = TIV / (5 x military expenditure)", "security"),
        ("alliance", "alliance commitment",
         "ATOP pledges weighted by the ally's capability; exposure = pledge x relative capability", "security"),
        ("defence_cooperation", "defence cooperation agreement",
         "DCAs in force, partners weighted by capability", "security"),
        ("exercises", "training and exercises",
         "exercises held together over the last 3 years, partners weighted by capability", "security"),
        ("training", "a training programme",
         "target's military personnel trained by the source (US only); exposure = trainees / personnel",
         "security"),
        ("troops", "basing and security guarantee",
         "source's troops stationed in the target (US only); exposure = troops / personnel", "security"),
        ("diplomacy", "a diplomatic upgrade",
         "diplomatic representation of the source in the target (0-1) weighted by capability", "diplomacy"),
    )),
)

MODELS: dict[str, SuasionModel] = {SUASION_1.version: SUASION_1, SUASION_2.version: SUASION_2}
DEFAULT_MODEL = SUASION_2


def exposure_weight(exposure: np.ndarray, half_saturation: float) -> np.ndarray:
    """``g = x / (x + kappa)``; ``x = inf`` (unscaled channels) gives 1, missing gives NaN."""
    x = np.asarray(exposure, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(np.isinf(x), 1.0, x / (x + half_saturation))
    return np.where(x <= 0, 0.0, g)


def dependence(flows: np.ndarray, scale: np.ndarray | None, half_saturation: float) -> np.ndarray:
    """Dependence ``D[..., a, b] = s[a, b] * H[b] * g[b]`` of every receiver on every sender.

    ``flows[..., a, b]`` is what ``b`` receives from ``a`` (missing cells as 0); ``scale[..., b]``
    the receiver's size (``None`` = unscaled, g = 1). Receivers with no inflow depend on nobody;
    receivers with a missing scale get 0 (the caller flags them as missing).
    """
    flows = np.fmax(np.asarray(flows, dtype=float), 0.0)          # NaN (missing) and negatives -> 0
    inflow = flows.sum(axis=-2)                                   # [..., b]
    has_inflow = inflow > 0
    safe_inflow = np.where(has_inflow, inflow, 1.0)
    share = flows / safe_inflow[..., None, :]
    concentration = np.sqrt(np.einsum("...ab,...ab->...b", share, share))
    if scale is None:
        g = has_inflow.astype(float)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.where(has_inflow, exposure_weight(inflow / np.asarray(scale, dtype=float), half_saturation), 0.0)
        g = np.nan_to_num(g, nan=0.0)                             # unknown scale: no measured dependence
    share *= (concentration * g)[..., None, :]
    return share


def net_dependence(dep: np.ndarray) -> np.ndarray:
    """``N[a, b] = max(0, D[a, b] - D[b, a])``: b's dependence on a net of a's on b.

    An unknown dependence (NaN, e.g. a missing GDP) counts as 0 on either side; the caller flags it.
    """
    return np.fmax(np.fmax(dep, 0.0) - np.fmax(np.swapaxes(dep, -1, -2), 0.0), 0.0)


def combine(nets: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score and contributions from net dependences ``nets[c, ...]`` and weights summing to 1."""
    contributions = nets * np.asarray(weights).reshape((-1,) + (1,) * (nets.ndim - 1))
    return contributions.sum(axis=0), contributions
