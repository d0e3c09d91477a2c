"""Broker ranking: whom a principal can work through to move a target.

For principal P, target T and each candidate broker B (any actor other than P and T, and other
than the members of P or T when they are blocs)::

    score(B) = sqrt(pull(P→B) · L(B→T))

the two-step leverage of the reference notes (leverage-methods §1.16: ``L_PBT = W_PB · W_BT``,
or its geometric mean), with P's pull over B (:mod:`suasion.influence.network`) in place of
bare leverage on the first step, because a principal moves a broker with what it can offer and
withhold and with shared outlook, not only with net leverage. The geometric mean keeps the
product's ranking and puts the score on the scale of a one-step leverage, so it can be read
against the direct leverage L(P→T) shown beside it. A broker P cannot reach (pull 0) or that
has no leverage over T scores 0; the score is in [0, 1].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from suasion.errors import SuasionError
from suasion.influence.network import InfluenceNetwork, influence_network
from suasion.leverage.api import default_year, flag_text
from suasion.panel.store import Panel, load_panel


def resolve_pair(principal: str, target: str, year: int | None, panel: Panel | None
                 ) -> tuple[Panel, int, str, str, tuple[str, ...]]:
    """Panel, year, codes of principal and target, and the blocs among them; checks P ≠ T."""
    from suasion.actors import is_bloc, resolve_actor

    panel = panel if panel is not None else load_panel()
    if year is None:
        year = default_year(panel)
    panel.year_index(int(year))
    p = resolve_actor(principal, year=int(year))
    t = resolve_actor(target, year=int(year))
    if p == t:
        raise SuasionError(f"principal and target are both {p}; choose two different actors")
    blocs = tuple(c for c in (p, t) if is_bloc(c))
    for code in (p, t):
        if not is_bloc(code):
            panel.actor_index(code)
    return panel, int(year), p, t, blocs


def excluded(net: InfluenceNetwork, *codes: str) -> np.ndarray:
    """Actors that cannot broker: the given actors and, for blocs, their members that year."""
    from suasion.actors import bloc_members, is_bloc

    mask = ~net.alive.copy()
    for code in codes:
        mask[net.tensor.index(code)] = True
        if is_bloc(code):
            try:
                members = bloc_members(code, net.year)
            except SuasionError:
                members = frozenset()
            for iso3 in members:
                if iso3 in net.actors:
                    mask[net.actors.index(iso3)] = True
    return mask


def broker_scores(pull_to_brokers: np.ndarray, leverage_over_target: np.ndarray, excluded_mask: np.ndarray
                  ) -> np.ndarray:
    """``sqrt(pull(P→B) · L(B→T))`` for every B, 0 for excluded actors."""
    return np.where(excluded_mask, 0.0, np.sqrt(np.maximum(pull_to_brokers * leverage_over_target, 0.0)))


def brokers(principal: str, target: str, year: int | None = None, top: int | None = None,
            panel: Panel | None = None) -> pd.DataFrame:
    """Candidate brokers between ``principal`` and ``target``, best first.

    Columns: ``rank, broker, score, leverage_over_target, pull_from_principal,
    leverage_from_principal, dependence_on_principal, alignment, direct_leverage`` (L(P→T), the
    same on every row), ``channels`` (the broker's channel contributions over T) and ``flags``
    (the broker→target channel flags). Brokers scoring 0 are dropped; an empty table says why.
    """
    panel, year, p, t, blocs = resolve_pair(principal, target, year, panel)
    net = influence_network(panel, year, blocs)
    ip, it = net.index(p), net.index(t)
    skip = excluded(net, p, t)
    score = broker_scores(net.pull[ip], net.leverage[:, it], skip)
    order = [int(b) for b in np.argsort(-score, kind="stable") if score[b] > 0]
    if not order:
        raise SuasionError(f"no broker between {p} and {t} in {year}: no actor that {p} can reach "
                           f"has leverage over {t} in the panel's channels")
    tensor, ti = net.tensor, net.t
    rows = []
    for b in order:
        contributions = tensor.contributions[:, ti, b, it]
        observed = tensor.observed_year[:, ti, b, it]
        rows.append({
            "broker": net.actors[b],
            "score": float(score[b]),
            "leverage_over_target": float(net.leverage[b, it]),
            "pull_from_principal": float(net.pull[ip, b]),
            "leverage_from_principal": float(net.leverage[ip, b]),
            "dependence_on_principal": float(net.dependence[ip, b]),
            "alignment": float(net.alignment[ip, b]) if np.isfinite(net.alignment[ip, b]) else None,
            "direct_leverage": float(net.leverage[ip, it]),
            "channels": {c: float(v) for c, v in zip(tensor.channels, contributions)},
            "flags": {c: flag_text(int(o), year) for c, o in zip(tensor.channels, observed)},
        })
    frame = pd.DataFrame(rows)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame.insert(2, "principal", p)
    frame.insert(3, "target", t)
    frame.insert(4, "year", year)
    return frame if top is None else frame.head(int(top))


def all_broker_tables(panel: Panel, year: int) -> np.ndarray:
    """``score[P, B, T]`` for every principal, broker and target among the states of ``year``.

    The benchmark's "broker table for every pair": one broadcast product over the year's pull and
    leverage matrices (states only; blocs are per-query).
    """
    net = influence_network(panel, year)
    pull, lev = net.pull, net.leverage
    scores = np.sqrt(pull[:, :, None] * lev[None, :, :])
    n = len(net.alive)
    idx = np.arange(n)
    scores[idx, idx, :] = 0.0          # B = P
    scores[:, idx, idx] = 0.0          # B = T
    return scores
