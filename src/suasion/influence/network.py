"""The influence network of one year: leverage, pull and alignment between actors, and the edges
of indirect influence from a principal to a target.

A principal P that lacks leverage over a target T works through brokers B. Three matrices of a
year, over the actors of a leverage tensor (the states, plus a bloc when a bloc is asked about),
carry what the broker ranking, the paths and the incentives need:

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

**Edges of indirect influence** (:class:`Routes`, used by brokers, paths and what-if alike).
Intermediaries are the states of the year other than P, T and — for blocs — their members::

    first[B]   = pull(P→B)      P moves a broker
    move[B, C] = pull(B→C)      a broker moves another broker
    last[B]    = L(B→T)         a broker presses the target
    direct     = L(P→T)

Each number is taken from the computation the leverage API uses for it, so it is the number
``leverage_over`` and ``leverage_of`` show: ``last`` from the tensor in which only T is one
actor (the states alone when T is a state), ``first`` from the tensor in which only P is one
actor, ``move`` among the states alone, and ``direct`` from the tensor in which P and T (those
that are blocs) are one actor each. Collapsing a bloc changes the other actors' shares and
concentrations, so these differ slightly from one computation over P and T together.
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

#: The models brokers, paths, incentives and what-if accept ("suasion" is the current version).
MODELS = ("suasion", "suasion-2", "suasion-1")


class InfluenceModelError(SuasionError, ValueError):
    """A model that the influence functions cannot use."""


def check_model(model: str) -> str:
    """The model name, lower-cased; FBIC and unknown names are refused in one line."""
    key = str(model).strip().lower()
    if key == "fbic":
        raise InfluenceModelError("brokers, paths, incentives and what-if use the suasion models "
                                  "(suasion, suasion-2, suasion-1), not fbic: FBIC has no per-channel "
                                  "dependence to build a principal's pull from")
    if key not in MODELS:
        raise InfluenceModelError(f"unknown model {model!r}; models: {', '.join(MODELS)}")
    return key


@dataclass(frozen=True)
class InfluenceNetwork:
    """Leverage, gross dependence, alignment and pull among the actors alive in one year."""

    tensor: LeverageTensor
    t: int                       # index of the year in ``tensor``
    year: int
    alive: np.ndarray            # bool [N]: separate actor in this year
    leverage: np.ndarray         # [N, N], 0 where not alive / diagonal
    dependence: np.ndarray       # [N, N]
    alignment: np.ndarray        # [N, N], NaN where unknown
    pull: np.ndarray             # [N, N]

    @property
    def actors(self) -> tuple[str, ...]:
        return self.tensor.actors

    @property
    def model(self) -> str:
        """The model version, e.g. ``suasion-2``."""
        return self.tensor.version

    def index(self, actor: str) -> int:
        i = self.tensor.index(actor)
        if not self.alive[i]:
            raise SuasionError(f"{actor} is not a separate actor in {self.year}")
        return i


def bloc_alignment_distance(panel: Panel, t: int, blocs: dict[str, np.ndarray], actors: tuple[str, ...]
                            ) -> np.ndarray:
    """Ideal-point distances over ``actors`` (states then blocs) in year index ``t`` of ``panel``.

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


_NETWORKS: dict[tuple, tuple[Panel, InfluenceNetwork]] = {}
_NETWORK_CACHE_SIZE = 8


def influence_network(panel: Panel, year: int, blocs: tuple[str, ...] = (), model: str = "suasion"
                      ) -> InfluenceNetwork:
    """The year's leverage, dependence, alignment and pull matrices (blocs as extra actors; cached)."""
    from suasion.leverage.engine import bloc_masks, panel_window, year_tensor

    model = check_model(model)
    key = (id(panel), int(year), model, tuple(blocs))
    hit = _NETWORKS.get(key)
    if hit is not None and hit[0] is panel:
        return hit[1]
    tensor, t = year_tensor(panel, int(year), model, tuple(blocs))
    window = panel_window(panel, int(tensor.years[0]), int(tensor.years[-1]))
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
    net = InfluenceNetwork(tensor, t, int(year), alive, leverage * off, dependence * off,
                           np.where(off, alignment, np.nan), pull * off)
    if len(_NETWORKS) >= _NETWORK_CACHE_SIZE:
        _NETWORKS.pop(next(iter(_NETWORKS)))
    _NETWORKS[key] = (panel, net)
    return net


# ---------------------------------------------------------------------------------------------
# a principal and a target


def resolve_pair(first: str, second: str, year: int | None, panel: Panel | None, model: str = "suasion",
                 roles: tuple[str, str] = ("principal", "target")) -> tuple[Panel, int, str, str, str]:
    """Panel (only the years the query needs, unless one is given), year, the two actors' codes
    and the model name; refuses the same actor twice, a state inside the bloc it is paired with,
    and two blocs that share members."""
    from suasion.actors import bloc_members, is_bloc, resolve_actor
    from suasion.leverage.api import default_year, query_panel

    model = check_model(model)
    if year is None:
        year = default_year(panel, model)
    year = int(year)
    panel = query_panel(panel, year, model)
    panel.year_index(year)
    a, b = resolve_actor(first, year=year), resolve_actor(second, year=year)
    if a == b:
        raise SuasionError(f"{roles[0]} and {roles[1]} are both {a}; choose two different actors")
    members = {code: bloc_members(code, year) for code in (a, b) if is_bloc(code)}
    for code, role in ((a, roles[0]), (b, roles[1])):
        if code not in members:
            panel.actor_index(code)
    for bloc, (other, role) in ((a, (b, roles[1])), (b, (a, roles[0]))):
        if bloc in members and other in members[bloc]:
            raise SuasionError(f"{other} is a member of {bloc} in {year}; choose a {role} outside it")
    if len(members) == 2 and members[a] & members[b]:
        shared = ", ".join(sorted(members[a] & members[b])[:5])
        raise SuasionError(f"{a} and {b} share members in {year} ({shared}...); choose actors that do not overlap")
    return panel, year, a, b, model


def excluded(net: InfluenceNetwork, *codes: str) -> np.ndarray:
    """Actors of ``net`` that cannot broker: the given actors, for blocs their members that year,
    and actors that are not separate that year."""
    from suasion.actors import bloc_members, is_bloc

    mask = ~net.alive.copy()
    for code in codes:
        if code in net.actors:
            mask[net.actors.index(code)] = True
        if is_bloc(code):
            for iso3 in bloc_members(code, net.year):
                if iso3 in net.actors:
                    mask[net.actors.index(iso3)] = True
    return mask


@dataclass(frozen=True)
class Routes:
    """The edges of indirect influence from ``principal`` to ``target`` (see the module docstring).

    Vectors and matrices are over the states of the panel (``states``); ``allowed`` marks the
    possible intermediaries, and ``first``, ``move`` and ``last`` are zero outside them (and on
    the diagonal of ``move``).
    """

    principal: str
    target: str
    year: int
    model: str
    states: tuple[str, ...]
    allowed: np.ndarray          # bool [N]
    first: np.ndarray            # [N]    pull(P→B)
    move: np.ndarray             # [N, N] pull(B→C)
    last: np.ndarray             # [N]    L(B→T)
    direct: float                # L(P→T)
    principal_net: InfluenceNetwork
    target_net: InfluenceNetwork


def influence_routes(panel: Panel, year: int, principal: str, target: str, model: str = "suasion") -> Routes:
    """The edges of indirect influence from ``principal`` to ``target`` in ``year`` (resolved codes)."""
    from suasion.actors import is_bloc
    from suasion.leverage.engine import year_tensor

    states_net = influence_network(panel, year, (), model)
    p_bloc, t_bloc = is_bloc(principal), is_bloc(target)
    p_net = influence_network(panel, year, (principal,), model) if p_bloc else states_net
    t_net = influence_network(panel, year, (target,), model) if t_bloc else states_net
    ip, it = p_net.index(principal), t_net.index(target)
    n = len(panel.actors)
    allowed = ~excluded(states_net, principal, target)[:n]
    first = np.where(allowed, p_net.pull[ip, :n], 0.0)
    last = np.where(allowed, t_net.leverage[:n, it], 0.0)
    move = states_net.pull[:n, :n] * allowed[:, None] * allowed[None, :]
    if p_bloc and t_bloc:
        both, k = year_tensor(panel, int(year), model, (principal, target))
        direct = float(np.nan_to_num(both.score[k, both.index(principal), both.index(target)]))
    else:
        direct_net = p_net if p_bloc else t_net
        direct = float(direct_net.leverage[direct_net.index(principal), direct_net.index(target)])
    return Routes(principal, target, int(year), states_net.model, tuple(panel.actors), allowed, first, move,
                  last, direct, p_net, t_net)
