"""Influence paths: how far a principal reaches a target through chains of leverage.

With ``W[a, b] = L(a→b)`` the year's leverage matrix, a route P → B1 → … → T of h hops has
strength ``α^(h−1) · W[P, B1] · W[B1, B2] ⋯ W[Bh−1, T]``: the product of the leverages along it,
attenuated per extra hop as in Katz centrality (Katz 1953; networkx ``katz_centrality``). The
aggregate indirect influence of P over T sums all routes of 2..k hops that neither return to P
nor pass through T before the end::

    I_k(P, T) = Σ_{h=2..k} α^(h−1) · (W'^h)[P, T],   W' = W with column P and row T zeroed

computed with matrix powers (for k = 3 the walks are exactly the simple paths; for larger k
walks may revisit an intermediate, as in Katz). The individual routes shown are simple paths,
enumerated exactly by broadcasting for k ≤ 3 and by a beam search (the strongest
``BEAM_WIDTH`` partial routes per length) beyond.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from suasion.errors import SuasionError
from suasion.influence.brokerage import excluded, resolve_pair
from suasion.influence.network import influence_network
from suasion.panel.store import Panel

DEFAULT_ATTENUATION = 0.5
BEAM_WIDTH = 2000


def indirect_influence(w: np.ndarray, hops: int = 3, attenuation: float = DEFAULT_ATTENUATION) -> np.ndarray:
    """``I[P, T]`` for every pair at once: Σ_{h=2..hops} α^(h−1) (walks of h hops avoiding P and T inside).

    Excluding walks through P or T is done per pair with the identity
    ``(W'^h)[P, T] = walks that avoid P and T as intermediates``, computed here for all pairs by
    removing from the walk counts those that touch P or T in between — exact for ``hops <= 3``
    (with a zero diagonal, a 3-hop walk P→B→C→T touches P or T inside only if B = T or C = P).
    For ``hops > 3`` the plain Katz walk sums are added.
    """
    w = np.nan_to_num(np.asarray(w, dtype=float))
    np.fill_diagonal(w, 0.0)
    if hops < 2:
        return np.zeros_like(w)
    w2 = w @ w
    total = attenuation * w2
    if hops >= 3:
        # walks P→B→C→T with B, C ∉ {P, T}: subtract B = T (W[P,T]·W2[T,T]... ) and C = P terms
        w3 = w2 @ w
        d2 = np.diag(w2)                          # walks X→Y→X
        # B = T: Σ_C W[P,T]·W[T,C]·W[C,T] = W[P,T]·d2[T];  C = P: Σ_B W[P,B]·W[B,P]·W[P,T] = d2[P]·W[P,T];
        # both (P→T→P→T) was subtracted twice: add W[P,T]·W[T,P]·W[P,T] back once
        through = w * d2[None, :] + d2[:, None] * w - w * w.T * w
        total = total + attenuation ** 2 * (w3 - through)
        power = w3
        for h in range(4, hops + 1):
            power = power @ w
            total = total + attenuation ** (h - 1) * power
    np.fill_diagonal(total, 0.0)
    return total


def _enumerate(w: np.ndarray, p: int, t: int, hops: int, allowed: np.ndarray, attenuation: float,
               limit: int) -> list[tuple[float, tuple[int, ...]]]:
    """The strongest simple routes P → … → T of 1..hops hops through ``allowed`` intermediates."""
    routes: list[tuple[float, tuple[int, ...]]] = []
    if w[p, t] > 0:
        routes.append((float(w[p, t]), (p, t)))
    idx = np.nonzero(allowed)[0]
    if hops >= 2 and len(idx):
        s = w[p, idx] * w[idx, t] * attenuation
        for k in np.argsort(-s)[:limit]:
            if s[k] > 0:
                routes.append((float(s[k]), (p, int(idx[k]), t)))
    if hops >= 3 and len(idx):
        sub = w[np.ix_(idx, idx)].copy()
        np.fill_diagonal(sub, 0.0)
        s = (w[p, idx][:, None] * sub * w[idx, t][None, :]) * attenuation ** 2
        flat = np.argsort(-s, axis=None)[:limit]
        for f in flat:
            i, j = np.unravel_index(f, s.shape)
            if s[i, j] > 0:
                routes.append((float(s[i, j]), (p, int(idx[i]), int(idx[j]), t)))
    if hops >= 4 and len(idx):
        # beam search over partial routes, extended hop by hop
        beam = [(float(w[p, b]), (p, int(b))) for b in idx if w[p, b] > 0]
        beam.sort(reverse=True)
        beam = beam[:BEAM_WIDTH]
        for h in range(2, hops):
            nxt = []
            for strength, route in beam:
                last = route[-1]
                cand = idx[(w[last, idx] > 0) & ~np.isin(idx, route)]
                for c in cand:
                    nxt.append((strength * float(w[last, c]), route + (int(c),)))
            nxt.sort(reverse=True)
            beam = nxt[:BEAM_WIDTH]
            if h + 1 >= 4:
                for strength, route in beam:
                    final = strength * float(w[route[-1], t]) * attenuation ** (len(route) - 1)
                    if final > 0:
                        routes.append((final, route + (t,)))
    routes.sort(key=lambda r: -r[0])
    return routes


def influence_paths(principal: str, target: str, year: int | None = None, hops: int = 3,
                    attenuation: float = DEFAULT_ATTENUATION, top: int = 20,
                    panel: Panel | None = None) -> pd.DataFrame:
    """The strongest routes from ``principal`` to ``target`` of up to ``hops`` hops.

    One row per route: ``rank, path`` ("EU > TUR > PAK"), ``hops``, ``strength``, ``via`` (the
    first broker), ``leverages`` (the leverage of each step). ``attrs`` of the frame hold
    ``direct`` (L(P→T)), ``indirect`` (the aggregate I_k(P, T)) and ``top_via`` (indirect
    influence per first broker).
    """
    if hops < 1:
        raise SuasionError("--hops must be at least 1")
    if not 0 < attenuation <= 1:
        raise SuasionError("attenuation must be in (0, 1]")
    panel, year, p, t, blocs = resolve_pair(principal, target, year, panel)
    net = influence_network(panel, year, blocs)
    ip, it = net.index(p), net.index(t)
    allowed = ~excluded(net, p, t)
    w = net.leverage.copy()
    w[:, ~allowed & ~np.isin(np.arange(len(w)), [ip, it])] = 0.0    # excluded actors carry no route
    w[~allowed & ~np.isin(np.arange(len(w)), [ip, it]), :] = 0.0
    routes = _enumerate(w, ip, it, hops, allowed, attenuation, max(top, 50))
    indirect = indirect_influence(w, hops, attenuation)[ip, it] if hops >= 2 else 0.0
    if not routes:
        raise SuasionError(f"no route from {p} to {t} in {year} within {hops} hops: "
                           f"{p} has no leverage over any actor with leverage over {t}")
    rows = []
    for strength, route in routes[:top]:
        names = [net.actors[i] for i in route]
        steps = [float(w[a, b]) for a, b in itertools.pairwise(route)]
        rows.append({"path": " > ".join(names), "hops": len(route) - 1, "strength": strength,
                     "via": names[1] if len(names) > 2 else "(direct)", "leverages": steps})
    frame = pd.DataFrame(rows)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame.insert(1, "principal", p)
    frame.insert(2, "target", t)
    frame.insert(3, "year", year)
    via = {}
    for strength, route in routes:
        if len(route) > 2:
            via[net.actors[route[1]]] = via.get(net.actors[route[1]], 0.0) + strength
    frame.attrs.update({"direct": float(w[ip, it]), "indirect": float(indirect),
                        "hops": hops, "attenuation": attenuation,
                        "top_via": dict(sorted(via.items(), key=lambda kv: -kv[1])[:10])})
    return frame
