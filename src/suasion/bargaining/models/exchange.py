"""Stokman's exchange model of voting positions (equal-gain exchange), and the exchange search.

Re-implemented from the equations of Stokman & Van Oosten (1994), "The exchange of voting positions",
in Bueno de Mesquita & Stokman (eds), *European Community Decision Making*, and Dijkstra, Van Assen &
Stokman (2008), *JTP* 20(4), as documented for the Decide implementation (reference notes §6.4).

Per issue d, with weights a_id = c_id s_id over the actors taking part and voting positions y_id::

    O_d = Σ_i a_id y_id / Σ_i a_id                 (expected outcome: the compromise / NBS approximation)
    U_i = − Σ_d s_id |O_d − x_id|                  (linear loss around i's own position x_id)

Moving i's voting position by Δy on d shifts the outcome by ΔO_d = Δy · a_id / Σ_k a_kd.

Two actors A and B can trade on issues p and q when they are on opposite sides of the outcome on both.
If s_Ap/s_Aq < s_Bp/s_Bq, A *supplies* on p (moves toward B there, which pulls O_p toward B) and
*demands* q (B moves toward A on q). Equal gain: A first moves all the way to B's position on p,
ΔO_p = |y_Bp − y_Ap| a_Ap / Σ_k a_kp; then ΔO_q = ΔO_p (s_Ap + s_Bp)/(s_Aq + s_Bq), so that
G_A = s_Aq ΔO_q − s_Ap ΔO_p = s_Bp ΔO_p − s_Bq ΔO_q = G_B. If B would have to move beyond A's position
on q, roles swap (B moves fully on q, A part-way on p). Neither outcome may be pushed past the
demander's own position (the shift is scaled down until it reaches it). Gains must exceed 1e-10.

Within a round every feasible exchange is computed, the one with the largest gain is executed, voting
positions and outcomes are updated, and every exchange is recomputed; an actor moves (supplies) on an
issue at most once a round, while it may still demand there. Sides are taken from the actors' own
positions, so voting positions only move toward the other side. The search repeats until no exchange
remains. Between rounds actors partly internalise their voting positions:
x ← x + (0.1 + 0.4 (1 − s))(y − x); the next round starts from y = x. The forecast is O from the voting
positions of the last round. Only issues of the same group (a DEU proposal, a scenario) are linked;
an issue alone in its group is forecast by the compromise model.

Differences from Decide (foarsitter/decide-exchange-model): Decide fixes the trading groups once per
round, lets an actor supply on an issue repeatedly while its cumulative moves keep one direction, prices
each exchange against its own record of moved positions and breaks ties at random. The first-round
ranking of exchanges is the same (COP21: the eight largest gains match); later rounds differ.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from suasion.bargaining.models.base import ModelResult
from suasion.bargaining.scenario import ModelSettingError, Scenario


@dataclass(frozen=True)
class ExchangeSettings:
    """rounds: exchange rounds (Decide default 10); fixed_weight, salience_weight: internalisation
    x ← x + (fixed_weight + salience_weight (1 − s))(y − x) between rounds (Decide: 0.1, 0.4);
    min_gain: smallest gain that counts as an exchange."""

    rounds: int = 10
    fixed_weight: float = 0.1
    salience_weight: float = 0.4
    min_gain: float = 1e-10

    def check(self) -> None:
        if self.rounds < 1:
            raise ModelSettingError("exchange rounds must be at least 1")
        if not (0 <= self.fixed_weight and 0 <= self.salience_weight and
                self.fixed_weight + self.salience_weight <= 1):
            raise ModelSettingError("exchange internalisation weights must be >= 0 and sum to <= 1")


def outcomes(y: np.ndarray, a: np.ndarray, part: np.ndarray) -> np.ndarray:
    """O_d = Σ a y / Σ a over participants (plain mean of positions when all weights are 0)."""
    w = np.where(part, a, 0.0)
    tot = w.sum(axis=0)
    yy = np.where(part, y, 0.0)
    mean = yy.sum(axis=0) / np.maximum(part.sum(axis=0), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, (w * yy).sum(axis=0) / np.where(tot > 0, tot, 1.0), mean)


def exchange_pairs(s: np.ndarray, a: np.ndarray, part: np.ndarray) -> tuple[np.ndarray, ...]:
    """All (A, B, P, Q) that could ever trade: both take part in both issues, and A supplies on P
    (s_AP/s_AQ < s_BP/s_BQ) while B supplies on Q. Depends only on saliences and weights."""
    n, m = s.shape
    A, B, P, Q = (g.ravel() for g in np.meshgrid(np.arange(n), np.arange(n), np.arange(m), np.arange(m),
                                                  indexing="ij"))
    ok = (A < B) & (P < Q) & part[A, P] & part[A, Q] & part[B, P] & part[B, Q]
    A, B, P, Q = A[ok], B[ok], P[ok], Q[ok]
    a_sup = s[A, P] * s[B, Q] < s[B, P] * s[A, Q]
    b_sup = s[B, P] * s[A, Q] < s[A, P] * s[B, Q]
    A, B = np.where(a_sup, A, B), np.where(a_sup, B, A)
    keep = (a_sup | b_sup) & (a[A, P] > 0) & (a[B, Q] > 0)
    return A[keep], B[keep], P[keep], Q[keep]


def evaluate_exchanges(pairs: tuple[np.ndarray, ...], x: np.ndarray, y: np.ndarray, s: np.ndarray,
                       a: np.ndarray, o: np.ndarray, tot: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                       full: bool = True) -> dict[str, np.ndarray]:
    """Equal-gain terms of each candidate (A supplies P, B supplies Q) at voting positions y and
    outcomes o; ``feasible`` is False where the two are not on opposite sides of both outcomes.
    ``full=False`` returns only ``gain`` and ``feasible``."""
    A, B, P, Q = pairs
    side = np.sign(x - o)                                    # sides by own positions: moves are monotone
    feasible = (side[A, P] * side[B, P] < 0) & (side[A, Q] * side[B, Q] < 0)
    s_ap, s_aq, s_bp, s_bq = s[A, P], s[A, Q], s[B, P], s[B, Q]
    k_p, k_q = a[A, P] / tot[P], a[B, Q] / tot[Q]             # ΔO per unit move of A on P, B on Q
    gap_p = np.abs(y[B, P] - y[A, P])
    gap_q = np.abs(y[A, Q] - y[B, Q])
    ratio = (s_ap + s_bp) / (s_aq + s_bq)                     # ΔO_q = ratio · ΔO_p
    d_p = gap_p * k_p                                        # A moves all the way to B on P
    d_q = d_p * ratio
    d_q_full = gap_q * k_q                                   # ΔO_q if B moves all the way to A on Q
    swap = d_q > d_q_full                                    # B would overshoot: roles swap
    d_q = np.where(swap, d_q_full, d_q)
    d_p = np.where(swap, d_q / ratio, d_p)
    with np.errstate(divide="ignore", invalid="ignore"):
        move_a = np.where(swap, d_p / k_p, gap_p)
        move_b = np.where(swap, gap_q, d_q / k_q)
    # do not push an outcome past the demander's own position
    cap_q = np.abs(x[A, Q] - o[Q])
    cap_p = np.abs(x[B, P] - o[P])
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.minimum(1.0, np.minimum(np.where(d_q > 0, cap_q / d_q, 1.0), np.where(d_p > 0, cap_p / d_p, 1.0)))
    d_p, d_q = d_p * f, d_q * f
    gain = s_aq * d_q - s_ap * d_p
    if not full:
        return {"gain": gain, "feasible": feasible}
    move_a, move_b = move_a * f, move_b * f
    dir_p = np.sign(y[B, P] - y[A, P])
    dir_q = np.sign(y[A, Q] - y[B, Q])
    return {"gain": gain, "feasible": feasible,
            "a_from": y[A, P], "a_to": np.clip(y[A, P] + dir_p * move_a, lo[P], hi[P]),
            "b_from": y[B, Q], "b_to": np.clip(y[B, Q] + dir_q * move_b, lo[Q], hi[Q]),
            "shift_p": dir_p * d_p, "shift_q": dir_q * d_q, "outcome_p": o[P], "outcome_q": o[Q]}


def _execute_one(A: int, B: int, P: int, Q: int, x: np.ndarray, y: np.ndarray, s: np.ndarray, a: np.ndarray,
                 o: np.ndarray, tot: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> dict[str, float]:
    """:func:`evaluate_exchanges` for the one candidate being executed, in scalar arithmetic (the same
    IEEE operations in the same order, so the same numbers, without NumPy's per-call overhead)."""
    s_ap, s_aq, s_bp, s_bq = float(s[A, P]), float(s[A, Q]), float(s[B, P]), float(s[B, Q])
    k_p, k_q = float(a[A, P]) / float(tot[P]), float(a[B, Q]) / float(tot[Q])
    y_ap, y_bp, y_aq, y_bq = float(y[A, P]), float(y[B, P]), float(y[A, Q]), float(y[B, Q])
    gap_p, gap_q = abs(y_bp - y_ap), abs(y_aq - y_bq)
    ratio = (s_ap + s_bp) / (s_aq + s_bq)
    d_p = gap_p * k_p
    d_q = d_p * ratio
    d_q_full = gap_q * k_q
    if d_q > d_q_full:                                      # roles swap when B would overshoot
        d_q = d_q_full
        d_p = d_q / ratio
        move_a, move_b = d_p / k_p, gap_q
    else:
        move_a, move_b = gap_p, d_q / k_q
    cap_q, cap_p = abs(float(x[A, Q]) - float(o[Q])), abs(float(x[B, P]) - float(o[P]))
    f = min(1.0, min(cap_q / d_q if d_q > 0 else 1.0, cap_p / d_p if d_p > 0 else 1.0))
    d_p, d_q = d_p * f, d_q * f
    move_a, move_b = move_a * f, move_b * f
    dir_p = float(np.sign(y_bp - y_ap))
    dir_q = float(np.sign(y_aq - y_bq))
    return {"gain": s_aq * d_q - s_ap * d_p,
            "a_from": y_ap, "a_to": min(max(y_ap + dir_p * move_a, float(lo[P])), float(hi[P])),
            "b_from": y_bq, "b_to": min(max(y_bq + dir_q * move_b, float(lo[Q])), float(hi[Q]))}


def candidate_exchanges(x: np.ndarray, y: np.ndarray, s: np.ndarray, a: np.ndarray, part: np.ndarray,
                        free: np.ndarray, lo: np.ndarray, hi: np.ndarray, min_gain: float = 1e-10
                        ) -> dict[str, np.ndarray]:
    """Every feasible equal-gain exchange for positions x (own), y (voting), saliences s, weights a
    (actors × issues); ``free`` marks the actor–issue pairs on which an actor may still supply."""
    pairs = exchange_pairs(s, a, part)
    o = outcomes(y, a, part)
    tot = np.where(part, a, 0.0).sum(axis=0)
    ev = evaluate_exchanges(pairs, x, y, s, a, o, tot, lo, hi)
    A, B, P, Q = pairs
    sel = ev.pop("feasible") & (ev["gain"] > min_gain) & free[A, P] & free[B, Q]
    return {"a": A[sel], "b": B[sel], "p": P[sel], "q": Q[sel], **{k: v[sel] for k, v in ev.items()}}


def _static_terms(pairs: tuple[np.ndarray, ...], s: np.ndarray, a: np.ndarray, tot: np.ndarray) -> dict:
    """The parts of the equal-gain terms that depend only on saliences and weights."""
    A, B, P, Q = pairs
    s_ap, s_aq, s_bp, s_bq = s[A, P], s[A, Q], s[B, P], s[B, Q]
    return {"s_ap": s_ap, "s_aq": s_aq, "ratio": (s_ap + s_bp) / (s_aq + s_bq),
            "k_p": a[A, P] / tot[P],                        # ΔO_p per unit move of A on P
            "k_q": a[B, Q] / tot[Q]}                        # ΔO_q per unit move of B on Q


def _gains(pairs, stat: dict, sel: np.ndarray | slice, x: np.ndarray, y: np.ndarray, o: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Gain and feasibility of the candidates ``sel`` (same formulas as :func:`evaluate_exchanges`)."""
    A, B, P, Q = (v[sel] for v in pairs)
    side = np.sign(x - o)
    feasible = (side[A, P] * side[B, P] < 0) & (side[A, Q] * side[B, Q] < 0)
    ratio, k_p, k_q = stat["ratio"][sel], stat["k_p"][sel], stat["k_q"][sel]
    d_p = np.abs(y[B, P] - y[A, P]) * k_p
    d_q = d_p * ratio
    d_q_full = np.abs(y[A, Q] - y[B, Q]) * k_q              # ΔO_q if B moves all the way
    swap = d_q > d_q_full                                   # roles swap when B would overshoot
    d_q = np.where(swap, d_q_full, d_q)
    d_p = np.where(swap, d_q / ratio, d_p)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.minimum(1.0, np.minimum(np.where(d_q > 0, np.abs(x[A, Q] - o[Q]) / d_q, 1.0),
                                       np.where(d_p > 0, np.abs(x[B, P] - o[P]) / d_p, 1.0)))
    d_p, d_q = d_p * f, d_q * f
    return stat["s_aq"][sel] * d_q - stat["s_ap"][sel] * d_p, feasible


def exchange_rounds(x0: np.ndarray, s: np.ndarray, c: np.ndarray, part: np.ndarray, lo: np.ndarray,
                    hi: np.ndarray, settings: ExchangeSettings) -> tuple[np.ndarray, list[dict], list]:
    """Run the rounds on one group of issues; returns the final outcomes, the executed exchanges of
    each round (arrays with actor and issue indices) and the voting positions after each round.
    After each execution only the candidates on the two issues it touched are re-evaluated."""
    a = c * s
    tot = np.where(part, a, 0.0).sum(axis=0)
    pairs = exchange_pairs(s, a, part)
    A, B, P, Q = pairs
    stat = _static_terms(pairs, s, a, tot)
    x = x0.copy()
    rounds_log: list[dict] = []
    voting: list[np.ndarray] = []
    y = x.copy()
    everything = slice(None)
    for _ in range(settings.rounds):
        y = x.copy()
        free = part.copy()
        o = outcomes(y, a, part)
        gain, feasible = _gains(pairs, stat, everything, x, y, o)
        executed = []
        while len(A):
            ok = feasible & (gain > settings.min_gain) & free[A, P] & free[B, Q]
            if not ok.any():
                break
            # largest gain; ties (frequent with round positions) go to the first candidate, compared at
            # 1e-12 relative precision so that rounding noise cannot reorder them
            k = int(np.argmax(np.where(ok, np.round(gain, 12), -np.inf)))
            p, q = int(P[k]), int(Q[k])
            ex = {"a": A[k], "b": B[k], "p": P[k], "q": Q[k],
                  **_execute_one(int(A[k]), int(B[k]), p, q, x, y, s, a, o, tot, lo, hi)}
            y[A[k], p] = ex["a_to"]
            y[B[k], q] = ex["b_to"]
            free[A[k], p] = False
            free[B[k], q] = False
            executed.append(ex)
            o[[p, q]] = outcomes(y[:, [p, q]], a[:, [p, q]], part[:, [p, q]])
            touched = np.nonzero((P == p) | (P == q) | (Q == p) | (Q == q))[0]
            if len(touched) == len(A):
                gain, feasible = _gains(pairs, stat, everything, x, y, o)
            else:
                gain[touched], feasible[touched] = _gains(pairs, stat, touched, x, y, o)
        rounds_log.append({key: np.array([e[key] for e in executed]) for key in
                           ("a", "b", "p", "q", "a_from", "a_to", "b_from", "b_to", "gain")} if executed else {})
        voting.append(y.copy())
        x = x + (settings.fixed_weight + settings.salience_weight * (1 - s)) * (y - x)
        x = np.where(part, x, x0)
        if not executed:
            break
    return outcomes(y, a, part), rounds_log, voting


def _group_arrays(scenario: Scenario, dims: list[int]):
    part = scenario.participates[:, dims]
    x = np.where(part, scenario.position[:, dims], 0.0)
    s = np.where(part, scenario.salience[:, dims], 0.0)
    c = np.where(part, scenario.capability[:, dims], 0.0)
    return x, s, c, part, scenario.scale[dims, 0], scenario.scale[dims, 1]


def exchange_model(scenario: Scenario, settings: ExchangeSettings | None = None, **overrides) -> ModelResult:
    """Forecast every issue with the exchange model, linking the issues of each group."""
    settings = settings or ExchangeSettings()
    if overrides:
        settings = ExchangeSettings(**{**asdict(settings), **overrides})
    settings.check()
    out = np.full(scenario.n_issues, np.nan)
    trades = []
    hist = []
    for group, dims in scenario.groups().items():
        x, s, c, part, lo, hi = _group_arrays(scenario, dims)
        if len(dims) < 2:
            out[dims] = outcomes(x, c * s, part)
            continue
        final, log, voting = exchange_rounds(x, s, c, part, lo, hi, settings)
        out[dims] = np.where(part.any(axis=0), final, np.nan)
        names = np.array(scenario.actors, dtype=object)
        issue_names = np.array([scenario.issues[d] for d in dims], dtype=object)
        for r, ex in enumerate(log, start=1):
            if ex:
                trades.append((group, r, names[ex["a"]], issue_names[ex["p"]], ex["a_from"], ex["a_to"],
                               names[ex["b"]], issue_names[ex["q"]], ex["b_from"], ex["b_to"], ex["gain"]))
        a_idx, d_idx = np.nonzero(part)
        stack = np.stack(voting)                              # (rounds, actors, issues)
        hist.append((issue_names[d_idx], names[a_idx], stack[:, a_idx, d_idx]))
    columns = ["group", "round", "actor", "moves_on", "from", "to", "partner", "partner_moves_on",
               "partner_from", "partner_to", "gain"]
    if trades:
        counts = [len(tr[2]) for tr in trades]
        data = {"group": np.repeat([tr[0] for tr in trades], counts),
                "round": np.repeat([tr[1] for tr in trades], counts)}
        for c, col in enumerate(columns[2:], start=2):
            data[col] = np.concatenate([tr[c] for tr in trades])
        trades_frame = pd.DataFrame(data)
    else:
        trades_frame = pd.DataFrame(columns=columns)
    history = None
    if hist:
        history = pd.DataFrame({
            "issue": np.concatenate([np.tile(i, v.shape[0]) for i, _, v in hist]),
            "round": np.concatenate([np.repeat(np.arange(1, v.shape[0] + 1), v.shape[1]) for _, _, v in hist]),
            "actor": np.concatenate([np.tile(a, v.shape[0]) for _, a, v in hist]),
            "position": np.concatenate([v.ravel() for _, _, v in hist])})
    return ModelResult("exchange", pd.Series(out, index=list(scenario.issues), name="forecast"),
                       settings=asdict(settings), history=history, extra={"exchanges": trades_frame})


def exchange_offers(scenario: Scenario, actor: str, partner: str | None = None,
                    min_gain: float = 1e-10) -> pd.DataFrame:
    """The trades between ``actor`` (P) and ``partner`` (B, or anyone) that both gain from, ranked by
    P's gain, from the scenario as it stands (first-round market, nothing executed yet).

    Columns: partner, group, ``gives_on`` (the issue where P moves), ``gives_from``/``gives_to`` (P's
    voting position), ``gets_on`` (the issue where the partner moves), ``gets_from``/``gets_to``,
    ``gain`` (P's utility gain; equal to the partner's by construction), the outcome shifts on both
    issues, and the externalities on third actors (sum of gains and of losses)."""
    p_idx = scenario.actor_index(actor)
    b_idx = scenario.actor_index(partner) if partner is not None else None
    if b_idx == p_idx:
        raise ModelSettingError("actor and partner must differ")
    rows = []
    for group, dims in scenario.groups().items():
        if len(dims) < 2:
            continue
        x, s, c, part, lo, hi = _group_arrays(scenario, dims)
        cand = candidate_exchanges(x, x, s, c * s, part, part.copy(), lo, hi, min_gain)
        for k in range(len(cand["gain"])):
            a, b = int(cand["a"][k]), int(cand["b"][k])
            if p_idx not in (a, b):
                continue
            other = b if a == p_idx else a
            if b_idx is not None and other != b_idx:
                continue
            p, q = int(cand["p"][k]), int(cand["q"][k])
            # P is the supplier on p when P == a; otherwise P supplies q
            if a == p_idx:
                gives, g_from, g_to, gets, r_from, r_to = p, cand["a_from"][k], cand["a_to"][k], q, \
                    cand["b_from"][k], cand["b_to"][k]
            else:
                gives, g_from, g_to, gets, r_from, r_to = q, cand["b_from"][k], cand["b_to"][k], p, \
                    cand["a_from"][k], cand["a_to"][k]
            shift = {p: cand["shift_p"][k], q: cand["shift_q"][k]}
            o0 = {p: cand["outcome_p"][k], q: cand["outcome_q"][k]}
            ext = np.zeros(scenario.n_actors)
            for d in (p, q):
                o1 = o0[d] + shift[d]
                ext += np.where(part[:, d], s[:, d] * (np.abs(o0[d] - x[:, d]) - np.abs(o1 - x[:, d])), 0.0)
            ext[[a, b]] = 0.0
            rows.append({"actor": scenario.actors[p_idx], "partner": scenario.actors[other], "group": group,
                         "gives_on": scenario.issues[dims[gives]], "gives_from": g_from, "gives_to": g_to,
                         "gets_on": scenario.issues[dims[gets]], "gets_from": r_from, "gets_to": r_to,
                         "gain": float(cand["gain"][k]),
                         "outcome_shift_gives": float(shift[gives]), "outcome_shift_gets": float(shift[gets]),
                         "third_party_gain": float(ext[ext > 0].sum()),
                         "third_party_loss": float(-ext[ext < 0].sum())})
    frame = pd.DataFrame(rows, columns=["actor", "partner", "group", "gives_on", "gives_from", "gives_to",
                                        "gets_on", "gets_from", "gets_to", "gain", "outcome_shift_gives",
                                        "outcome_shift_gets", "third_party_gain", "third_party_loss"])
    return frame.sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)
