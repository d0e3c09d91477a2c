"""The influence network of one year: leverage, pull and alignment between every pair of actors.

A principal P that lacks leverage over a target T works through brokers B. Three matrices of a
year, over the actors of a leverage tensor (states plus any blocs in the query), carry what the
broker ranking, the paths and the incentives need:

``leverage[a, b]``
    L(a→b), the suasion model's leverage (:mod:`suasion.leverage.model`).
``dependence[a, b]``
    ``Σ_c w_c · D_c(b|a)``: b's gross dependence on a, in all channels a controls (not netted).
``alignment[a, b]``
    ``1 − min(1, |θ_a − θ_b| / ALIGNMENT_SCALE)`` from UN General Assembly ideal points
    (Bailey, Strezhnev & Voeten 2017); a bloc's distance to a state is the mean of its members'.

Pull of a over b (how far a can move b)::

    pull[a, b] = (leverage[a, b] + dependence[a, b]) / 2 · (1 + alignment[a, b]) / 2

Leverage (net) says how much a can press b; gross dependence adds what a can offer or withhold
even where b holds cards too; alignment scales willingness — a broker that shares the
principal's outlook moves with half the effort of an adversary's client, and an opposed one
still moves (the factor never falls below ½). All three lie in [0, 1], so pull does too.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from suasion.errors import SuasionError
from suasion.leverage.engine import LeverageTensor
from suasion.panel.store import Panel

#: Ideal-point distance at which alignment reaches 0 (the UNGA ideal points span about 4 units;
#: a distance of 3 separates, e.g., the United States from Iran or North Korea).
ALIGNMENT_SCALE = 3.0


@dataclass(frozen=True)
class InfluenceNetwork:
    """Leverage, gross dependence, alignment and pull among the actors alive in one year."""

    tensor: LeverageTensor
    t: int
    year: int
    alive: np.ndarray            # bool [N]: separate actor in this year
    leverage: np.ndarray         # [N, N], 0 where not alive / diagonal
    dependence: np.ndarray       # [N, N]
    alignment: np.ndarray        # [N, N], NaN where unknown
    pull: np.ndarray             # [N, N]

    @property
    def actors(self) -> tuple[str, ...]:
        return self.tensor.actors

    def index(self, actor: str) -> int:
        i = self.tensor.index(actor)
        if not self.alive[i]:
            raise SuasionError(f"{actor} is not a separate actor in {self.year}")
        return i


def bloc_alignment_distance(panel: Panel, t: int, blocs: dict[str, np.ndarray], actors: tuple[str, ...]
                            ) -> np.ndarray:
    """Ideal-point distances over ``actors`` (states then blocs) in year index ``t``.

    A bloc's distance to an actor is the mean of its members' distances (members with data).
    """
    n_states = len(panel.actors)
    dist = np.full((len(actors), len(actors)), np.nan)
    dist[:n_states, :n_states] = panel.values["unga_distance"][t]
    for k, code in enumerate(blocs):
        members = blocs[code][t]
        if not members.any():
            continue
        i = n_states + k
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # columns without any member data -> NaN
            row = np.nanmean(np.where(members[:, None], panel.values["unga_distance"][t], np.nan), axis=0)
        dist[i, :n_states] = row
        dist[:n_states, i] = row
        for k2, code2 in enumerate(blocs):
            if k2 != k:
                other = blocs[code2][t]
                block = panel.values["unga_distance"][t][np.ix_(members, other)]
                finite = block[np.isfinite(block)]
                dist[i, n_states + k2] = finite.mean() if finite.size else np.nan
    return dist


def influence_network(panel: Panel, year: int, blocs: tuple[str, ...] = (), model: str = "suasion"
                      ) -> InfluenceNetwork:
    """The year's leverage, dependence, alignment and pull matrices (blocs as extra actors)."""
    from suasion.leverage.engine import bloc_masks, panel_window, year_tensor

    tensor, t = year_tensor(panel, int(year), model, tuple(blocs))
    if tensor.model != "suasion":
        raise SuasionError("brokers, paths and incentives use the suasion model")
    window = panel_window(panel, int(tensor.years[0]), int(year))
    alive = tensor.exists[t].copy()
    leverage = np.nan_to_num(tensor.score[t], nan=0.0)
    deps = tensor.parts["dependence"][:, t]                       # [C, N, N]
    dependence = np.tensordot(tensor.weights, deps, axes=1)
    masks = bloc_masks(tuple(blocs), tuple(window.actors), window.years) if blocs else {}
    distance = bloc_alignment_distance(window, t, masks, tensor.actors)
    alignment = 1.0 - np.minimum(1.0, distance / ALIGNMENT_SCALE)
    align_filled = np.nan_to_num(alignment, nan=0.0)
    pull = (leverage + dependence) / 2.0 * (1.0 + align_filled) / 2.0
    off = ~np.eye(len(alive), dtype=bool) & alive[:, None] & alive[None, :]
    return InfluenceNetwork(tensor, t, int(year), alive, leverage * off, dependence * off,
                            np.where(off, alignment, np.nan), pull * off)
