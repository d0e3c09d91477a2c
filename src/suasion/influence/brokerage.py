"""Broker ranking: whom a principal can work through to move a target.

For principal P, target T and each candidate broker B (a state other than P and T, and other
than the members of P or T when they are blocs)::

    score(B) = pull(P→B) · L(B→T)

the strength of the two-hop route P > B > T (:mod:`suasion.influence.paths`, the one definition
of indirect influence that ``paths`` and ``whatif`` use too): the two-step leverage ``W_PB ·
W_BT`` of the reference notes (leverage-methods §1.16), with P's pull over B
(:mod:`suasion.influence.network`) on the first step, because a principal moves a broker with
what it can offer and withhold and with shared outlook, not only with net leverage. Pull is in
[0, 1] and reads as the share of B's leverage over T that P can bring to bear, so the score is
on the scale of a direct leverage and the table compares it with L(P→T). The scores of all
brokers add up to the two-hop part of P's indirect reach (``paths --hops 2``).

``L(B→T)`` is the number ``leverage_over(T)`` shows for B, and ``L(P→T)`` the one it shows for P.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from suasion.errors import SuasionError
from suasion.influence.network import influence_network, influence_routes, resolve_pair
from suasion.influence.paths import two_hop
from suasion.panel.store import Panel


def brokers(principal: str, target: str, year: int | None = None, top: int | None = None,
            panel: Panel | None = None, model: str = "suasion") -> pd.DataFrame:
    """Candidate brokers between ``principal`` and ``target``, best first.

    Columns: ``rank, broker, principal, target, year, model, score`` (pull × L(B→T), the strength
    of the route P > B > T), ``share`` (of the two-hop reach, the sum of all scores),
    ``leverage_over_target`` (L(B→T)), ``pull_from_principal``, ``leverage_from_principal``,
    ``dependence_on_principal``, ``alignment``, ``direct_leverage`` (L(P→T), the same on every
    row), ``channels`` (the broker's channel contributions over T), ``channel_flags`` (observed
    / carried forward from YEAR / missing) and ``data_years`` of those channels. Brokers scoring
    0 are dropped; when none is left a :class:`SuasionError` says why.
    """
    if top is not None and int(top) < 0:
        raise SuasionError(f"top must be >= 0 (0 = all), got {top}")
    panel, year, p, t, model = resolve_pair(principal, target, year, panel, model)
    routes = influence_routes(panel, year, p, t, model)
    score = two_hop(routes.first, routes.last)
    order = [int(b) for b in np.argsort(-score, kind="stable") if score[b] > 0]
    if not order:
        raise SuasionError(f"no broker between {p} and {t} in {year}: no actor that {p} can reach "
                           f"has leverage over {t} in the panel's channels")
    total = float(score.sum())
    pnet, tnet = routes.principal_net, routes.target_net
    ip, it = pnet.index(p), tnet.index(t)
    tensor = tnet.tensor
    rows = []
    for b in order if not top else order[:int(top)]:
        contributions = tensor.contributions[:, tnet.t, b, it]
        observed = tensor.observed_year[:, tnet.t, b, it]
        align = pnet.alignment[ip, b]
        rows.append({
            "broker": routes.states[b],
            "score": float(score[b]),
            "share": float(score[b]) / total,
            "leverage_over_target": float(routes.last[b]),
            "pull_from_principal": float(routes.first[b]),
            "leverage_from_principal": float(pnet.leverage[ip, b]),
            "dependence_on_principal": float(pnet.dependence[ip, b]),
            "alignment": float(align) if np.isfinite(align) else None,
            "direct_leverage": routes.direct,
            "channels": {c: float(v) for c, v in zip(tensor.channels, contributions)},
            "channel_flags": {c: _flag(int(o), year) for c, o in zip(tensor.channels, observed)},
            "data_years": {c: (int(o) if o >= 0 else None) for c, o in zip(tensor.channels, observed)},
        })
    frame = pd.DataFrame(rows)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    for pos, (column, value) in enumerate((("principal", p), ("target", t), ("year", year),
                                           ("model", routes.model)), start=2):
        frame.insert(pos, column, value)
    frame.attrs.update({"direct": routes.direct, "two_hop": total})
    return frame


def _flag(observed_year: int, year: int) -> str:
    from suasion.leverage.api import flag_text

    return flag_text(observed_year, year)


def all_broker_tables(panel: Panel, year: int, model: str = "suasion") -> np.ndarray:
    """``score[P, B, T] = pull(P→B) · L(B→T)`` for every principal, broker and target among the
    states of ``year`` — the broker score of :func:`brokers` for every pair at once.

    The benchmark's "broker table for every pair": one broadcast product over the year's pull
    and leverage matrices (states only; blocs are per query). The zero diagonals make the score
    0 for B = P and B = T.
    """
    net = influence_network(panel, year, (), model)
    return net.pull[:, :, None] * net.leverage[None, :, :]
