"""Indirect influence: how far a principal reaches a target through brokers.

This module holds the one definition of indirect influence that ``brokers``, ``paths`` and
``whatif`` share. With the edges of :class:`suasion.influence.network.Routes` — ``first[B] =
pull(P→B)``, ``move[B, C] = pull(B→C)``, ``last[B] = L(B→T)`` — a route from P to T through the
intermediaries B1 … Bk (k ≥ 1, all different, none of them P, T or a member of either) has
strength::

    s(P > B1 > … > Bk > T) = α^(k−1) · pull(P→B1) · pull(B1→B2) ⋯ pull(Bk−1→Bk) · L(Bk→T)

and the direct route has strength L(P→T). Pull lies in [0, 1] and reads as the share of a
broker's leverage the principal can bring to bear, so a two-hop route P > B > T is
``pull(P→B) · L(B→T)`` — the broker score of B (:func:`suasion.influence.brokerage.brokers`) —
and is on the scale of a direct leverage: a broker the principal moved entirely (pull 1) would
lend it all of its own leverage over T. Each further intermediary is discounted by α (default
½, as in Katz 1953) on top of its pull, for what is lost along a longer chain.

The aggregate indirect influence of P over T sums the routes of 2..h hops::

    I_h(P, T) = Σ_{k=1..h−1} α^(k−1) · first · move^(k−1) · last

For h ≤ 3 the walks counted are exactly the simple routes (``move`` has a zero diagonal and no
edge into P or T), so I_h is the sum of the strengths of the routes ``paths`` lists and I_2 is
the sum of the broker scores; for h > 3 a walk may revisit an intermediary, as in Katz
centrality. The routes listed are simple paths, enumerated exactly for h ≤ 3 and by a beam
search (the strongest :data:`BEAM_WIDTH` partial routes per length) beyond.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from suasion.errors import SuasionError
from suasion.influence.network import Routes, influence_routes, resolve_pair
from suasion.panel.store import Panel

DEFAULT_ATTENUATION = 0.5
MAX_HOPS = 6
BEAM_WIDTH = 2000


def route_strength(first: np.ndarray, move: np.ndarray, last: np.ndarray, intermediaries: Sequence[int],
                   attenuation: float = DEFAULT_ATTENUATION) -> float:
    """``α^(k−1) · first[B1] · Π move[Bi, Bi+1] · last[Bk]`` for the intermediaries ``B1..Bk`` (k ≥ 1)."""
    if not intermediaries:
        raise ValueError("a route through brokers has at least one intermediary")
    strength = float(first[intermediaries[0]]) * float(last[intermediaries[-1]])
    for a, b in itertools.pairwise(intermediaries):
        strength *= float(move[a, b])
    return attenuation ** (len(intermediaries) - 1) * strength


def two_hop(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The strength of every two-hop route P > B > T: ``pull(P→B) · L(B→T)`` (the broker scores)."""
    return first * last


def reach_by_first_broker(first: np.ndarray, move: np.ndarray, last: np.ndarray, hops: int = 3,
                          attenuation: float = DEFAULT_ATTENUATION) -> np.ndarray:
    """``via[B]``: the summed strength of all routes of 2..``hops`` hops whose first broker is B.

    ``via[B] = first[B] · Σ_{k=1..hops−1} α^(k−1) (move^(k−1) · last)[B]``; it sums to
    :func:`indirect_reach`.
    """
    onward = np.zeros_like(last)
    step = last.copy()
    for k in range(1, hops):
        onward += attenuation ** (k - 1) * step
        step = move @ step
    return first * onward


def indirect_reach(first: np.ndarray, move: np.ndarray, last: np.ndarray, hops: int = 3,
                   attenuation: float = DEFAULT_ATTENUATION) -> float:
    """``I_hops(P, T)``: the summed strength of the routes of 2..``hops`` hops (module docstring)."""
    return float(reach_by_first_broker(first, move, last, hops, attenuation).sum())


def indirect_influence(move: np.ndarray, press: np.ndarray, hops: int = 3,
                       attenuation: float = DEFAULT_ATTENUATION) -> np.ndarray:
    """``I[P, T]`` for every pair of states at once (the states-only edges: ``move`` = pull,
    ``press`` = leverage, both with a zero diagonal).

    Routes must not pass through P or T: the walks that do are removed from the matrix powers.
    For 2 hops none can (``(move @ press)[P, T]`` sums over B ≠ P, T by the zero diagonals). A
    3-hop walk P→B→C→T touches P or T inside only if B = T or C = P, so::

        I_3 = move·press + α·(move·move·press − move ∘ d_T − d_P ∘ press + move ∘ moveᵀ ∘ press)
        d_T[P, T] = (move·press)[T, T],  d_P[P, T] = (move·move)[P, P]

    exact for ``hops <= 3``; beyond, the plain walk sums are added (Katz).
    """
    move = np.nan_to_num(np.asarray(move, dtype=float))
    press = np.nan_to_num(np.asarray(press, dtype=float))
    np.fill_diagonal(move, 0.0)
    np.fill_diagonal(press, 0.0)
    if hops < 2:
        return np.zeros_like(press)
    walks = move @ press                                     # P→B→T
    total = walks.copy()
    if hops >= 3:
        mm = move @ move
        walks3 = mm @ press
        through = move * np.diag(walks)[None, :] + np.diag(mm)[:, None] * press - move * move.T * press
        total += attenuation * (walks3 - through)
        power = mm
        for h in range(4, hops + 1):
            power = power @ move
            total += attenuation ** (h - 2) * (power @ press)
    np.fill_diagonal(total, 0.0)
    return total


def enumerate_routes(routes: Routes, hops: int, attenuation: float, limit: int | None
                     ) -> list[tuple[float, tuple[int, ...]]]:
    """The strongest simple routes of 2..``hops`` hops, as ``(strength, intermediaries)``.

    ``limit`` bounds the routes kept per length (None: all, for up to 3 hops).
    """
    first, move, last = routes.first, routes.move, routes.last
    idx = np.nonzero(routes.allowed)[0]
    found: list[tuple[float, tuple[int, ...]]] = []
    if hops >= 2 and len(idx):
        s = two_hop(first[idx], last[idx])
        order = np.argsort(-s, kind="stable")
        for k in order if limit is None else order[:limit]:
            if s[k] > 0:
                found.append((float(s[k]), (int(idx[k]),)))
    if hops >= 3 and len(idx):
        s = attenuation * first[idx][:, None] * move[np.ix_(idx, idx)] * last[idx][None, :]
        positive = np.count_nonzero(s > 0)
        take = positive if limit is None else min(limit, positive)
        flat = np.argsort(-s, axis=None, kind="stable")[:take]
        for f in flat:
            i, j = np.unravel_index(f, s.shape)
            found.append((float(s[i, j]), (int(idx[i]), int(idx[j]))))
    if hops >= 4 and len(idx):
        beam = sorted(((float(first[b]), (int(b),)) for b in idx if first[b] > 0), reverse=True)[:BEAM_WIDTH]
        for k in range(2, hops):                      # routes with k intermediaries
            grown = []
            for strength, route in beam:
                nxt = idx[(move[route[-1], idx] > 0) & ~np.isin(idx, route)]
                grown.extend((strength * float(move[route[-1], c]), route + (int(c),)) for c in nxt)
            grown.sort(reverse=True)
            beam = grown[:BEAM_WIDTH]
            if k >= 3:
                ends = [(attenuation ** (k - 1) * s * float(last[r[-1]]), r) for s, r in beam if last[r[-1]] > 0]
                ends.sort(reverse=True)
                found.extend(ends if limit is None else ends[:limit])
    found.sort(key=lambda r: -r[0])
    return found


def check_route_options(hops: int, attenuation: float) -> None:
    if not 1 <= int(hops) <= MAX_HOPS:
        raise SuasionError(f"hops must be between 1 and {MAX_HOPS}, got {hops}")
    if not 0 < float(attenuation) <= 1:
        raise SuasionError(f"attenuation must be in (0, 1], got {attenuation}")


def influence_paths(principal: str, target: str, year: int | None = None, hops: int = 3,
                    attenuation: float = DEFAULT_ATTENUATION, top: int | None = 20,
                    panel: Panel | None = None, model: str = "suasion") -> pd.DataFrame:
    """The strongest routes from ``principal`` to ``target`` of up to ``hops`` hops.

    One row per route: ``rank, principal, target, year, model, path`` ("EU > TUR > PAK"),
    ``hops``, ``strength``, ``via`` (the first broker) and ``steps`` (the edge values along the
    route: pulls, then the last broker's leverage over T). ``top`` = 0 or None lists every route
    (up to 3 hops). ``attrs`` of the frame hold ``direct`` (L(P→T), as in ``leverage_over``),
    ``two_hop`` (the sum of the two-hop routes = the sum of the broker scores), ``indirect``
    (the aggregate I_hops(P, T)), ``hops``, ``attenuation`` and ``by_first_broker`` (indirect
    influence per first broker, the ten largest).
    """
    check_route_options(hops, attenuation)
    if top is not None and int(top) < 0:
        raise SuasionError(f"top must be >= 0 (0 = all), got {top}")
    panel, year, p, t, model = resolve_pair(principal, target, year, panel, model)
    routes = influence_routes(panel, year, p, t, model)
    limit = None if not top else max(int(top), 50)
    found = enumerate_routes(routes, int(hops), float(attenuation), limit)
    if routes.direct > 0:
        found.insert(0, (routes.direct, ()))
        found.sort(key=lambda r: -r[0])
    if not found:
        raise SuasionError(f"no route from {p} to {t} in {year} within {hops} hops: {p} has no leverage "
                           f"over {t} and no pull over any actor with leverage over {t}")
    names = routes.states
    rows = []
    for strength, mids in (found if not top else found[:int(top)]):
        path = [p, *(names[i] for i in mids), t]
        if mids:
            steps = [float(routes.first[mids[0]])]
            steps += [float(routes.move[a, b]) for a, b in itertools.pairwise(mids)]
            steps.append(float(routes.last[mids[-1]]))
        else:
            steps = [routes.direct]
        rows.append({"path": " > ".join(path), "hops": len(mids) + 1, "strength": strength,
                     "via": names[mids[0]] if mids else "(direct)", "steps": steps})
    frame = pd.DataFrame(rows)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    for pos, (column, value) in enumerate((("principal", p), ("target", t), ("year", year),
                                           ("model", routes.model)), start=1):
        frame.insert(pos, column, value)
    via = reach_by_first_broker(routes.first, routes.move, routes.last, int(hops), float(attenuation)) \
        if hops >= 2 else np.zeros(len(names))
    order = [int(i) for i in np.argsort(-via, kind="stable")[:10] if via[i] > 0]
    frame.attrs.update({
        "direct": routes.direct,
        "two_hop": float(two_hop(routes.first, routes.last).sum()) if hops >= 2 else 0.0,
        "indirect": float(via.sum()), "hops": int(hops), "attenuation": float(attenuation),
        "by_first_broker": {names[i]: float(via[i]) for i in order},
    })
    return frame
