"""KTAB-style Spatial Model of Politics (SMP): probabilistic Condorcet voting, challenges and bargains.

A vectorised re-implementation (NumPy, actor × actor × third-party arrays) of the SMP of the KAPSARC
Toolkit for Behavioral Analysis (KTAB; B. Wise, B. Efird et al.; MIT licence, Copyright (c) 2015
KAPSARC), following ``examples/smp/libsrc/smp.cpp``, ``smpbcn.cpp`` and ``KTAB/kmodel/libsrc/kmodel.cpp``
of lsyaseen/KTAB@3b5b063 (reference notes bargaining-models.md §5). Positions and saliences are
rescaled to [0, 1] internally (KTAB divides its 0–100 inputs by 100). One run works on one policy
space: the issues of a group are its dimensions (KTAB scenarios); for other scenarios each issue is
its own one-dimensional space unless ``joint=True``.

Each turn, from positions x_i (= ideals: identity accommodation), per-dimension saliences s_ik,
capabilities c_i and total salience σ_i = Σ_k s_ik:

1. distance d_ij = sqrt(Σ_k (s_ik (x_ik − x_jk))² / Σ_k s_ik²); utility u(d, R) = (1 − d)(1 + d R).
2. risk attitudes: votes v_k(i:j) = c_k f(u_ki − u_kj) with risk-neutral utilities, coalitions
   C(i:j) = 1e-8 + Σ_k [v_k(i:j)]⁺, victory probabilities P[i ≻ j] = C(i:j)^ν / (C(i:j)^ν + C(j:i)^ν),
   a PCE distribution p over positions (Conditional: p_i ∝ Π_j P[i ≻ j]), R_i from p (BigRRange Mid:
   (3 p_i − p_max − 2 p_min) / (2 (p_max − p_min))); h's estimate of i's attitude (BigRAdjust OneThird)
   R^h_i = (2 R_h + R_i)/3; h's utility matrix U^h(i, j) = u(d_ij, R^h_i).
3. challenges (``probEduChlg``): i's estimate of its gain from challenging j. Principals contribute
   f-votes with weight c σ; each third party n joins a "little conflict" (vote of weight c_n σ_n),
   then votes by ``thirdPartyVoteSU`` under the commitment rule; P = C_ij / (C_ij + C_ji);
   ΔEU = (1 − σ_j) 2U(i,i) + σ_j [P 2U(i,i) + (1 − P) 2U(i,j)] − (U(i,i) + U(i,j)).
   Each i targets the j with the largest ΔEU > 1e-5.
4. bargains (InterVecBrgn S2P2): w_i = s_ik² P², w_j = s_jk² (1 − P)²; both move to
   ((w_i + 1e-6) x_ik + w_j x_jk) / (w_i + 1e-6 + w_j) (rounded to 1e-4 as KTAB does).
5. resolution: each actor's queue holds its status quo and every bargain it initiated or received;
   every actor values a bargain by the mean utility of all positions after it; a capability-weighted
   scalar PCE over the queue picks the most probable bargain (Deterministic) and the actor adopts its
   coordinates in it.
6. stop after at least 2 turns when Σ_i ‖x_i(t) − x_i(t−1)‖ / (Σ_i ‖x_i(1) − x_i(0)‖ + 1e-4) < 0.02, or
   at 100 turns.

The forecast per dimension is the expected final position under the PCE distribution over the final
(unique) positions, each actor voting with its own risk-aware utilities and its capability (KTAB's
``pDist(-1)``; ``forecast="pce_mode"`` takes the most probable position, ``"cs_mean"`` the
capability × salience weighted mean of final positions).

Differences from KTAB: zero saliences and capabilities are allowed (zero vote weight, indifferent
utilities) where KTAB asserts; Stochastic transitions draw from NumPy's generator, not KTAB's PRNG;
InitRcvrInterp/PWCompInterp use the responder's estimated *probability* where KTAB's code passes its
estimated utility gain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from suasion.bargaining.models.base import ModelResult, weighted_mean, weighted_median
from suasion.bargaining.scenario import ModelSettingError, Scenario

VOTING_RULES = ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp")
VP_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")
BIG_R_ADJUST = ("None", "OneThird", "Half", "TwoThirds", "Full")
BIG_R_RANGE = ("Min", "Mid", "Max")
THIRD_PARTY = ("NoCommit", "SemiCommit", "FullCommit")
INTER_VEC = ("S1P1", "S2P2", "S2PMax")
BARGAIN_MODELS = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")
TRANSITIONS = ("Deterministic", "Stochastic")

_ALIASES = {"Prop": "Proportional", "No": "None", "NoRA": "None", "OneThirdRA": "OneThird",
            "HalfRA": "Half", "TwoThirdsRA": "TwoThirds", "FullRA": "Full", "MarkovIPCM": "MarkovIncentive",
            "MarkovUPCM": "MarkovUniform", "ConditionalPCM": "Conditional"}


@dataclass(frozen=True)
class SMPSettings:
    """KTAB model parameters (defaults = KTAB's; reference notes §5.3) plus run control."""

    victory_prob: str = "Linear"
    pce: str = "Conditional"
    transitions: str = "Deterministic"
    voting_rule: str = "Proportional"
    big_r_adjust: str = "OneThird"
    big_r_range: str = "Mid"
    third_party: str = "SemiCommit"
    inter_vec_bargain: str = "S2P2"
    bargain_model: str = "InitOnlyInterp"
    min_turns: int = 2
    max_turns: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4
    forecast: str = "pce_mean"
    joint: bool | None = None
    seed: int | None = 0

    def normalised(self) -> SMPSettings:
        values = {k: _ALIASES.get(v, v) if isinstance(v, str) else v for k, v in asdict(self).items()}
        out = SMPSettings(**values)
        for name, allowed in (("victory_prob", VP_MODELS), ("pce", PCE_MODELS), ("transitions", TRANSITIONS),
                              ("voting_rule", VOTING_RULES), ("big_r_adjust", BIG_R_ADJUST),
                              ("big_r_range", BIG_R_RANGE), ("third_party", THIRD_PARTY),
                              ("inter_vec_bargain", INTER_VEC), ("bargain_model", BARGAIN_MODELS),
                              ("forecast", ("pce_mean", "pce_mode", "cs_mean"))):
            if getattr(out, name) not in allowed:
                raise ModelSettingError(f"SMP {name} must be one of {', '.join(allowed)}, "
                                        f"not {getattr(out, name)!r}")
        if out.max_turns < 1 or out.min_turns < 1:
            raise ModelSettingError("SMP turn limits must be at least 1")
        return out

    @classmethod
    def from_ktab_xml(cls, params: dict[str, str], **overrides) -> SMPSettings:
        """Settings from the ``<ModelParameters>`` block of a KTAB XML scenario."""
        keys = {"VictoryProbModel": "victory_prob", "PCEModel": "pce", "StateTransitions": "transitions",
                "VotingRule": "voting_rule", "BigRAdjust": "big_r_adjust", "BigRRange": "big_r_range",
                "ThirdPartyCommit": "third_party", "InterVecBrgn": "inter_vec_bargain",
                "BargnModel": "bargain_model"}
        values = {keys[k]: v for k, v in params.items() if k in keys and v}
        return cls(**{**values, **overrides})


# ----------------------------------------------------------------------------- kernel functions
def vote(rule: str, weight: np.ndarray | float, du: np.ndarray) -> np.ndarray:
    """KTAB ``Model::vote``: the vote of weight w on a utility difference Δu."""
    if rule == "Proportional":
        return weight * du
    r_bin = np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "Binary":
        return weight * r_bin
    if rule == "PropBin":
        return weight * (0.8 * du + 0.2 * r_bin)
    if rule == "PropCbc":
        return weight * (0.5 * du + 0.5 * du ** 3)
    if rule == "Cubic":
        return weight * du ** 3
    if rule == "ASymProsp":
        return np.where(du < 0, weight * du, 2.0 * weight * du / 3.0)
    raise ModelSettingError(f"unknown voting rule {rule!r}")


def bs_util(d: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """u(d, R) = (1 − d)(1 + d R) for d ≤ 1, (1 − d)(1 + R) beyond (KTAB ``bsUtil``)."""
    return (1.0 - d) * (1.0 + np.minimum(d, 1.0) * r)


def distance_matrix(ideal: np.ndarray, pos: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """d[i, j] = salience-weighted distance from i's ideal to j's position (KTAB ``bvDiff``)."""
    diff = ideal[..., :, None, :] - pos[..., None, :, :]
    num = np.square(sal[..., :, None, :] * diff).sum(axis=-1)
    den = np.square(sal).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.sqrt(np.where(den[..., None] > 0, num / np.where(den > 0, den, 1.0)[..., None], 0.0))
    return d


def _victory_transform(c: np.ndarray, vpm: str) -> np.ndarray:
    if vpm == "Linear":
        return c
    if vpm == "Square":
        return c * c
    c2 = c * c
    return c2 * c2 if vpm == "Quartic" else np.square(c2 * c2)


_LOWER: dict[int, np.ndarray] = {}


def _lower(n: int) -> np.ndarray:
    if n not in _LOWER:
        _LOWER[n] = np.tril(np.ones((n, n), dtype=bool), -1)
    return _LOWER[n]


def victory_prob(c: np.ndarray, vpm: str) -> np.ndarray:
    """P[..., i, j] from coalition strengths C[..., i, j] (KTAB ``Model::vProb``); diagonal ½."""
    ct = np.swapaxes(c, -1, -2)
    if vpm == "Binary":
        thresh = 1.10
        r12 = c / (c + ct)
        mid = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(c >= thresh * ct, 1.0, np.where(ct >= thresh * c, 1e-6, mid))
        x2 = np.where(c >= thresh * ct, 1e-6, np.where(ct >= thresh * c, 1.0, 1.0 - mid))
        p = x1 / (x1 + x2)
    else:
        x1, x2 = _victory_transform(c, vpm), _victory_transform(ct, vpm)
        p = x1 / (x1 + x2)
    n = c.shape[-1]
    idx = np.arange(n)
    p[..., idx, idx] = 0.5
    return p


def coalitions(u: np.ndarray, w: np.ndarray, rule: str, valid: np.ndarray | None = None) -> np.ndarray:
    """C[..., i, j] = 1e-8 + Σ_k [v_k(i:j)]⁺ for utilities u[..., k, option] and weights w[k]
    (KTAB ``Model::coalitions``: votes computed for i > j; C(j:i) collects their negative parts)."""
    du = u[..., :, :, None] - u[..., :, None, :]               # [..., k, i, j] = u_ki − u_kj
    v = vote(rule, w[..., :, None, None], du)
    if valid is not None:
        v = v * valid[..., None, :, None] * valid[..., None, None, :]
    total = v.sum(axis=-3)
    size = np.abs(v, out=v).sum(axis=-3)
    pos = (size + total) / 2
    neg = (size - total) / 2
    n = u.shape[-1]
    c = 1e-8 + np.where(_lower(n), pos, np.swapaxes(neg, -1, -2))
    idx = np.arange(n)
    c[..., idx, idx] = 1e-8
    return c


def pce(c: np.ndarray, vpm: str, model: str, valid: np.ndarray | None = None) -> np.ndarray:
    """Probabilistic Condorcet election over options from coalition strengths (``Model::probCE2``)."""
    pv = victory_prob(c, vpm)
    if model == "Conditional":
        if valid is not None:
            pv = np.where(valid[..., :, None] & valid[..., None, :], pv, 1.0)
        with np.errstate(under="ignore"):
            p = np.prod(pv, axis=-1)
        if valid is not None:
            p = np.where(valid, p, 0.0)
        total = p.sum(axis=-1, keepdims=True)
        if np.any(total <= 0):                                   # underflow: use logs
            logp = np.log(np.clip(pv, 1e-300, None)).sum(axis=-1)
            if valid is not None:
                logp = np.where(valid, logp, -np.inf)
            logp -= logp.max(axis=-1, keepdims=True)
            p = np.exp(logp)
            total = p.sum(axis=-1, keepdims=True)
        return p / total
    if c.ndim != 2:
        return np.stack([pce(c[k], vpm, model, None if valid is None else valid[k]) for k in range(c.shape[0])])
    if valid is not None and not valid.all():
        keep = np.nonzero(valid)[0]
        out = np.zeros(len(valid))
        out[keep] = pce(c[np.ix_(keep, keep)], vpm, model)
        return out
    n = c.shape[0]
    p = np.full(n, 1.0 / n)
    if model == "MarkovUniform":
        for _ in range(1000):
            q = (pv * (p[:, None] + p[None, :])).sum(axis=1) / n
            change = np.abs(q - p).max()
            p = (p + q) / 2.0
            if change <= 1e-6:
                break
        return p
    incentive = c * pv + np.eye(n) * 1e-10                     # n[i -> j]
    chlg = incentive / incentive.sum(axis=0, keepdims=True)    # P[i -> j | j favourite]
    for _ in range(1000):
        ct = p[:, None] * chlg.T                               # ct[i, j] = p_i P[j -> i]
        q = (pv * (ct + ct.T)).sum(axis=1)
        change = np.abs(q - p).max()
        p = (p + q) / 2.0
        if change <= 1e-8:
            break
    return p


def big_r_from_prob(p: np.ndarray, rng: str) -> np.ndarray:
    """Risk attitudes from position probabilities (KTAB ``bigRfromProb``), per row of ``p``; all
    probabilities equal (KTAB: 0/0) gives risk neutrality."""
    lo = p.min(axis=-1, keepdims=True)
    hi = p.max(axis=-1, keepdims=True)
    span = np.where(hi > lo, hi - lo, 1.0)
    if rng == "Min":
        r = (p - lo) / span
    elif rng == "Mid":
        r = (3 * p - (hi + 2 * lo)) / (2 * span)
    else:
        r = (2 * p - (hi + lo)) / span
    return np.where(hi > lo, r, 0.0)


def est_nra(rh: np.ndarray, ri: np.ndarray, adjust: str) -> np.ndarray:
    if adjust == "Full":
        return ri + 0 * rh
    if adjust == "TwoThirds":
        return (rh + 2.0 * ri) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "OneThird":
        return (2.0 * rh + ri) / 3.0
    return rh + 0 * ri


@dataclass
class SMPState:
    """One turn's assessment of a batch of B independent policy spaces with N actors each.
    ``util(sl)`` is each initiator's estimate of everyone's utilities, U^h(i, j) = u(d_ij, R^h_i),
    built block by block so that the B × N × N × N array is never held whole."""

    positions: np.ndarray       # (B, N, D) in [0, 1]
    risk: np.ndarray            # (B, N) R_i
    rhi: np.ndarray             # (B, N, N) R^h_i, h's estimate of i's risk attitude
    dist: np.ndarray            # (B, N, N) d_ij

    def util(self, h: slice) -> np.ndarray:
        """U^h(i, j) for the estimators h in ``h``: (B, b, N, N)."""
        d = self.dist[:, None]
        return (1.0 - d) * (1.0 + np.minimum(d, 1.0) * self.rhi[:, h][..., None])

    def own(self) -> np.ndarray:
        """U^i(i, j): each actor's own utility of each position, (B, N, N)."""
        return bs_util(self.dist, np.diagonal(self.rhi, axis1=-2, axis2=-1)[..., None])

    def estimated(self) -> tuple[np.ndarray, np.ndarray]:
        """U^i(j, i) and U^i(j, j) as (B, N, N) arrays indexed [b, i, j]."""
        d_ji = np.swapaxes(self.dist, -1, -2)
        u_ji = (1.0 - d_ji) * (1.0 + np.minimum(d_ji, 1.0) * self.rhi)          # R^i_j = rhi[i, j]
        d_jj = np.diagonal(self.dist, axis1=-2, axis2=-1)[:, None, :]
        u_jj = (1.0 - d_jj) * (1.0 + np.minimum(d_jj, 1.0) * self.rhi)
        return u_ji, u_jj

    def take(self, idx) -> SMPState:
        return SMPState(self.positions[idx], self.risk[idx], self.rhi[idx], self.dist[idx])


def _coalitions_big(u: np.ndarray, w: np.ndarray, rule: str) -> np.ndarray:
    """``coalitions`` for large utility matrices (B, K, N), in cache-sized blocks of options."""
    n_b, n_k, n = u.shape
    block = max(1, int(65536 // max(1, n_b * n_k * n)))
    pos = np.empty((n_b, n, n))
    neg = np.empty((n_b, n, n))
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        v = vote(rule, w[:, :, None, None], u[:, :, lo:hi, None] - u[:, :, None, :])   # (B, k, i-block, j)
        size = np.abs(v).sum(axis=1)
        total = v.sum(axis=1)
        pos[:, lo:hi] = (size + total) / 2
        neg[:, lo:hi] = (size - total) / 2
    c = 1e-8 + np.where(_lower(n), pos, np.swapaxes(neg, -1, -2))
    idx = np.arange(n)
    c[:, idx, idx] = 1e-8
    return c


def assess(pos: np.ndarray, sal: np.ndarray, cap: np.ndarray, st: SMPSettings) -> SMPState:
    """Risk attitudes and every actor's estimate of every utility (KTAB ``setAllAUtil``), for a batch
    (B, N, D) of positions, (B, N, D) saliences and (B, N) capabilities (2-D inputs = one space)."""
    if pos.ndim == 2:
        pos, sal, cap = pos[None], sal[None], cap[None]
    d = distance_matrix(pos, pos, sal)
    rn = 1.0 - d                                             # risk-neutral utilities
    n = cap.shape[-1]
    c = _coalitions_big(rn, cap, st.voting_rule) if n > 24 else coalitions(rn, cap, st.voting_rule)
    p = pce(c, st.victory_prob, st.pce)
    risk = big_r_from_prob(p, st.big_r_range)
    rhi = est_nra(risk[..., :, None], risk[..., None, :], st.big_r_adjust)        # (B, h, i)
    return SMPState(pos, risk, rhi, d)


def _third_party_terms(commit: str, uni, unj, unn):
    """(u_ik>j, u_j>ik, u_i>jk, u_jk>i): n's utility sums of the four little-conflict outcomes
    (KTAB ``Actor::thirdPartyVoteSU``, sum-of-utilities form)."""
    if commit == "FullCommit":
        return 3 * uni, 3 * unj, 3 * uni, 3 * unj
    if commit == "SemiCommit":
        return 2 * uni + unn, 3 * unj, 3 * uni, 2 * unj + unn
    return 2 * uni + unn, 2 * unj + unn, 2 * uni + unn, 2 * unj + unn


def challenge_matrix(state: SMPState, sal_total: np.ndarray, cap: np.ndarray, st: SMPSettings,
                     block: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """P[b, i, j] and ΔEU[b, i, j]: i's own estimate of its victory probability and expected gain
    from challenging j (``probEduChlg(i, i, i, j)``), vectorised over (space, i, third party n, j).
    2-D inputs (one space) give 2-D outputs."""
    single = sal_total.ndim == 1
    if single:
        sal_total, cap = sal_total[None], cap[None]
    n_b, n_act = cap.shape
    ar = np.arange(n_act)
    w = sal_total * cap                                      # (B, N)
    u_ij = state.own()                                       # U^i(i, j)
    u_ii = np.diagonal(u_ij, axis1=-2, axis2=-1).copy()      # U^i(i, i)
    u_ji, u_jj = state.estimated()                           # U^i(j, i), U^i(j, j) (also U^i(n, .))
    rule = st.voting_rule
    ci = vote(rule, w[:, :, None], u_ii[:, :, None] - u_ij)
    cj = vote(rule, w[:, None, :], u_ji - u_jj)
    chij0 = 1e-10 + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    chji0 = 1e-10 + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
    chij = chij0.copy()
    chji = chji0.copy()
    block = block or max(1, int(65536 // max(1, n_b * n_act * n_act)))   # keep temporaries in cache
    block = min(block, n_act)
    tot0 = chij0 + chji0
    one_minus_d = (1.0 - state.dist)[:, None]
    d_clip = np.minimum(state.dist, 1.0)[:, None]
    fast = rule == "Proportional" and st.third_party == "SemiCommit"
    shape = (n_b, block, n_act, n_act)
    buf_y, buf_v, buf_p = np.empty(shape), np.empty(shape), np.empty(shape)
    wn = w[:, None, :, None]
    for lo in range(0, n_act, block):
        hi = min(n_act, lo + block)
        sl = slice(lo, hi)
        b = hi - lo
        # layout (space, i, n, j): third party n on axis 2, so U^i(n, j) needs no transpose
        uni = u_ji[:, sl][..., None]                         # U^i(n, i)
        unn = u_jj[:, sl][..., None]                         # U^i(n, n)
        unj = buf_y[:, :b]                                   # U^i(n, j) = (1 − d_nj)(1 + d_nj R^i_n)
        np.multiply(d_clip, state.rhi[:, sl][..., None], out=unj)
        unj += 1.0
        unj *= one_minus_d
        c0 = chij0[:, sl][:, :, None, :]
        t0 = tot0[:, sl][:, :, None, :]
        if fast:
            # little conflict: v_n = w_n (u_ni − u_nj); P_in = (c0 + [v_n]⁺) / (c0 + c0' + |v_n|)
            vn = buf_v[:, :b]
            np.subtract(uni, unj, out=vn)
            vn *= wn
            pin = buf_p[:, :b]
            np.maximum(vn, 0.0, out=pin)
            pin += c0
            np.abs(vn, out=vn)
            vn += t0
            pin /= vn
            # SemiCommit: u_ik>j − u_i>jk = (u_nj − u_nn) + P_in ((u_nn − u_ni) − (u_nj − u_nn))
            unj -= unn                                       # now u_nj − u_nn
            vk = vn
            np.subtract(unn - uni, unj, out=vk)
            vk *= pin
            vk += unj
            vk *= wn
        else:
            vn = vote(rule, wn, uni - unj)
            pin = (c0 + np.maximum(vn, 0.0)) / (t0 + np.abs(vn))
            a, b_, c_, d = _third_party_terms(st.third_party, uni, unj, unn)
            gap_i, gap_j = a - c_, b_ - d
            vk = vote(rule, wn, gap_j + pin * (gap_i - gap_j))
        rows = np.arange(lo, hi)
        vk[:, rows - lo, rows, :] = 0.0                      # n = i is a principal
        vk[:, :, ar, ar] = 0.0                               # n = j is a principal
        total = vk.sum(axis=2)
        size = np.abs(vk, out=vk).sum(axis=2)
        chij[:, sl] += (size + total) / 2
        chji[:, sl] += (size - total) / 2
    p = chij / (chij + chji)
    sj = sal_total[:, None, :]
    uii = u_ii[:, :, None]
    edu = (1 - sj) * 2 * uii + sj * (p * 2 * uii + (1 - p) * 2 * u_ij) - (uii + u_ij)
    edu[:, ar, ar] = -np.inf
    return (p[0], edu[0]) if single else (p, edu)


def prob_edu(state: SMPState, sal_total: np.ndarray, cap: np.ndarray, st: SMPSettings,
             h: int, k: int, i: int, j: int, space: int = 0) -> tuple[float, float]:
    """One ``probEduChlg(h, k, i, j)`` in one space: h's estimate of P[i beats j] and of k's gain
    (KTAB's scalar form; the vectorised ``challenge_matrix`` computes the h = k = i case)."""
    u = state.util(slice(h, h + 1))[space, 0]
    if sal_total.ndim == 2:
        sal_total, cap = sal_total[space], cap[space]
    n_act = u.shape[0]
    w = sal_total * cap
    rule = st.voting_rule
    ci = float(vote(rule, w[i], u[i, i] - u[i, j]))
    cj = float(vote(rule, w[j], u[j, i] - u[j, j]))
    chij0 = 1e-10 + max(ci, 0) + max(cj, 0)
    chji0 = 1e-10 + max(-ci, 0) + max(-cj, 0)
    others = np.array([n for n in range(n_act) if n not in (i, j)], dtype=int)
    uni, unj, unn = u[others, i], u[others, j], np.diag(u)[others]
    vn = vote(rule, w[others], uni - unj)
    cni, cnj = chij0 + np.clip(vn, 0, None), chji0 + np.clip(-vn, 0, None)
    pin = cni / (cni + cnj)
    a, b, c_, d = _third_party_terms(st.third_party, uni, unj, unn)
    vk = vote(rule, w[others], (pin * a + (1 - pin) * b) - (pin * c_ + (1 - pin) * d))
    chij = chij0 + np.clip(vk, 0, None).sum()
    chji = chji0 + np.clip(-vk, 0, None).sum()
    p = chij / (chij + chji)
    sj = sal_total[j]
    eu_sq = u[k, i] + u[k, j]
    eu_chlg = (1 - sj) * 2 * u[k, i] + sj * (p * 2 * u[k, i] + (1 - p) * 2 * u[k, j])
    return float(p), float(eu_chlg - eu_sq)


def _round4(x: np.ndarray) -> np.ndarray:
    return np.floor(0.5 + x * 10000.0).astype(np.int64) / 10000.0


def interpolate(xi: np.ndarray, si: np.ndarray, pi, xj: np.ndarray, sj: np.ndarray, pj,
                method: str) -> tuple[np.ndarray, np.ndarray]:
    """KTAB ``interpolateBrgn``: the positions i and j are asked to adopt (per dimension)."""
    if method == "S2PMax":
        di, dj = np.maximum(pj - pi, 0.0), np.maximum(pi - pj, 0.0)
        dik = di * sj ** 2 / (di * sj ** 2 + 1e-6 + (1 - di) * si ** 2)
        djk = dj * si ** 2 / (dj * si ** 2 + 1e-6 + (1 - dj) * sj ** 2)
        return xi + dik * (xj - xi), xj + djk * (xi - xj)
    n = m = 2 if method == "S2P2" else 1
    wi = si ** n * pi ** m
    wj = sj ** n * pj ** m
    bi = _round4(((wi + 1e-6) * xi + wj * xj) / (wi + 1e-6 + wj))
    bj = _round4((wi * xi + (1e-6 + wj) * xj) / (wi + 1e-6 + wj))
    return bi, bj


def smp_step(pos: np.ndarray, sal: np.ndarray, cap: np.ndarray, st: SMPSettings, state: SMPState,
             rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One turn for a batch of spaces (B, N, D) (2-D inputs = one space): challenges, bargains,
    resolution. Returns the new positions and the bargains (``space`` gives each one's space)."""
    single = pos.ndim == 2
    if single:
        pos, sal, cap = pos[None], sal[None], cap[None]
    n_b, n_act, _ = pos.shape
    sal_total = sal.sum(axis=-1)
    p, edu = challenge_matrix(state, sal_total, cap, st)
    masked = np.where(edu > 1e-5, edu, -np.inf)
    target = np.argmax(masked, axis=-1)                      # first maximum, as KTAB's strict >
    has = np.isfinite(np.take_along_axis(masked, target[..., None], axis=-1)[..., 0])
    sp, inits = np.nonzero(has)                              # ordered by space, then initiator
    tgts = target[sp, inits]
    pij = p[sp, inits, tgts]
    bi, bj = interpolate(pos[sp, inits], sal[sp, inits], pij[:, None], pos[sp, tgts], sal[sp, tgts],
                         1 - pij[:, None], st.inter_vec_bargain)
    ini, rcv, space, gain, prob = inits, tgts, sp, edu[sp, inits, tgts], pij
    if st.bargain_model != "InitOnlyInterp" and len(inits):
        pj_est = np.array([prob_edu(state, sal_total, cap, st, j, i, i, j, b)[0]
                           for b, i, j in zip(sp, inits, tgts)])
        bi2, bj2 = interpolate(pos[sp, inits], sal[sp, inits], pj_est[:, None], pos[sp, tgts], sal[sp, tgts],
                               1 - pj_est[:, None], st.inter_vec_bargain)
        if st.bargain_model == "InitRcvrInterp":
            # brgnIIJ then brgnJIJ, both in both queues
            bi = np.stack([bi, bi2], axis=1).reshape(-1, bi.shape[1])
            bj = np.stack([bj, bj2], axis=1).reshape(-1, bj.shape[1])
            ini, rcv, space = np.repeat(inits, 2), np.repeat(tgts, 2), np.repeat(sp, 2)
            gain, prob = np.repeat(gain, 2), np.stack([pij, pj_est], axis=1).ravel()
        else:
            wts = cap * sal_total
            wi, wj = wts[sp, inits][:, None], wts[sp, tgts][:, None]
            bi, bj = (wi * bi + wj * bi2) / (wi + wj), (wi * bj + wj * bj2) / (wi + wj)
    bargains = {"space": space, "initiator": ini, "receiver": rcv, "init_pos": bi, "rcvr_pos": bj,
                "gain": gain, "prob": prob}
    new = pos.copy()
    if len(ini):
        # queues in KTAB's order: initiators in index order, each actor's status quo first among its
        # own entries. Option codes: b = status quo of space b; n_b + m = bargain m.
        n_m = len(ini)
        m_idx = np.arange(n_m)
        own_b = np.concatenate([space, space])
        own_k = np.concatenate([ini, rcv])
        keys = np.unique(own_b * n_act + own_k)              # (space, actor) with a bargain: queue > 1
        e_b = np.concatenate([own_b, keys // n_act])
        e_k = np.concatenate([own_k, keys % n_act])
        e_i = np.concatenate([ini, ini, keys % n_act])       # position in KTAB's initiator loop
        e_kind = np.concatenate([np.ones(2 * n_m, int), np.zeros(len(keys), int)])
        e_code = np.concatenate([n_b + m_idx, n_b + m_idx, keys // n_act])
        order = np.lexsort((e_code, e_kind, e_i, e_k, e_b))
        e_b, e_k, e_code = e_b[order], e_k[order], e_code[order]
        starts = np.flatnonzero(np.r_[True, (np.diff(e_b) != 0) | (np.diff(e_k) != 0)])
        lengths = np.diff(np.r_[starts, len(e_b)])
        # value of each option's resulting state to each actor (mean utility of all positions)
        u_own = state.own()                                   # (B, a, n) = U^a(a, n)
        base = u_own.sum(axis=-1)                             # (B, a)
        d_init = distance_matrix(pos[space], bi[:, None, :], sal[space])[..., 0]   # (M, a)
        d_rcv = distance_matrix(pos[space], bj[:, None, :], sal[space])[..., 0]
        r_sp = state.risk[space]
        u_b = (base[space] - u_own[space, :, ini] - u_own[space, :, rcv] + bs_util(d_init, r_sp)
               + bs_util(d_rcv, r_sp)) / n_act                # (M, a)
        options = np.concatenate([base / n_act, u_b])         # (B + M, a)
        for length in np.unique(lengths).tolist():
            st_l = starts[lengths == length]
            codes = e_code[st_l[:, None] + np.arange(length)]  # (K, L)
            qb, qk = e_b[st_l], e_k[st_l]
            uq = np.swapaxes(options[codes], -1, -2)          # (K, a, L)
            probs = pce(coalitions(uq, cap[qb], st.voting_rule), st.victory_prob, st.pce)
            if st.transitions == "Deterministic":
                choice = np.argmax(np.abs(probs), axis=1)
            else:
                choice = np.array([rng.choice(length, p=pk / pk.sum()) for pk in probs])
            m = codes[np.arange(len(st_l)), choice] - n_b
            go = m >= 0
            qb, qk, m = qb[go], qk[go], m[go]
            new[qb, qk] = np.where((ini[m] == qk)[:, None], bi[m], bj[m])
    if single:
        bargains = {key: val for key, val in bargains.items() if key != "space"}
        return new[0], bargains
    return new, bargains


def state_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σ_i ‖a_i − b_i‖ per space (KTAB ``stateDist``)."""
    return np.sqrt(np.square(a - b).sum(axis=-1)).sum(axis=-1)


def run_smp_batch(pos: np.ndarray, sal: np.ndarray, cap: np.ndarray, settings: SMPSettings | None = None,
                  on_turn: Callable[[int], None] | None = None) -> list[dict]:
    """Run the SMP on a batch of independent spaces with the same number of actors and dimensions:
    positions (B, N, D) in [0, 1], saliences (B, N, D) in [0, 1], capabilities (B, N). Each space
    stops by KTAB's rule on its own; the result is one dict per space as :func:`run_smp` returns."""
    st = (settings or SMPSettings()).normalised()
    rng = np.random.default_rng(st.seed)
    pos = np.array(pos, dtype=float)
    sal = np.asarray(sal, dtype=float)
    cap = np.asarray(cap, dtype=float)
    n_b = pos.shape[0]
    history = [[pos[b].copy()] for b in range(n_b)]
    bargain_log: list[list[dict]] = [[] for _ in range(n_b)]
    active = np.arange(n_b)
    turns = np.zeros(n_b, dtype=int)
    d01 = np.zeros(n_b)
    state = assess(pos, sal, cap, st)
    turn = 0
    while len(active):
        turn += 1
        new, bargains = smp_step(pos[active], sal[active], cap[active], st, state, rng)
        moved = state_distance(new, pos[active])
        pos[active] = new
        for k, b in enumerate(active.tolist()):
            history[b].append(new[k].copy())
            sel = bargains["space"] == k
            bargain_log[b].append({key: val[sel] for key, val in bargains.items() if key != "space"})
        if turn == 1:
            d01[active] = moved + st.min_sig_delta
        turns[active] = turn
        if on_turn:
            on_turn(turn)
        done = (turn >= st.max_turns) | ((turn >= st.min_turns) & (moved / d01[active] < st.min_delta_ratio))
        active = active[~done]
        if len(active):
            state = assess(pos[active], sal[active], cap[active], st)
    final = assess(pos, sal, cap, st)
    out = []
    for b in range(n_b):
        fs = final.take(slice(b, b + 1))
        prob = position_probabilities(fs, cap[b], st)
        p_b = pos[b]
        if st.forecast == "pce_mean":
            forecast = prob @ p_b
        elif st.forecast == "pce_mode":
            forecast = p_b[int(np.argmax(prob))]
        else:
            w = cap[b][:, None] * sal[b]
            forecast = np.array([weighted_mean(p_b[:, k], w[:, k]) for k in range(p_b.shape[1])])
        out.append({"positions": history[b], "risk": fs.risk[0], "bargains": bargain_log[b],
                    "probability": prob, "forecast": forecast, "turns": int(turns[b])})
    return out


def run_smp(pos: np.ndarray, sal: np.ndarray, cap: np.ndarray, settings: SMPSettings | None = None,
            on_turn: Callable[[int], None] | None = None) -> dict:
    """Run the SMP on positions (N, D) in [0, 1], saliences (N, D) in [0, 1] and capabilities (N,).

    Returns ``positions`` (list of (N, D) arrays, turn 0 = input), ``bargains`` per turn, ``risk``
    (final risk attitudes), ``probability`` (PCE probability of each actor's final position),
    ``forecast`` (D,) and ``turns``."""
    return run_smp_batch(np.asarray(pos, float)[None], np.asarray(sal, float)[None],
                         np.asarray(cap, float)[None], settings, on_turn)[0]


def position_probabilities(state: SMPState, cap: np.ndarray, st: SMPSettings, tol: float = 1e-10
                           ) -> np.ndarray:
    """PCE probability that each actor's position wins (KTAB ``pDist(-1)``: own risk-aware
    utilities, capability weights, proportional votes, over unique positions), for a one-space state;
    an actor's value is the probability of its (shared) position, spread equally over the actors
    sharing it so the vector sums to 1."""
    pos = state.positions[0]
    close = np.sqrt(np.square(pos[:, None, :] - pos[None, :, :]).sum(axis=2)) < tol
    first = np.argmax(close, axis=1)                         # first equivalent actor
    uniq, label = np.unique(first, return_inverse=True)
    u_own = state.own()[0][:, uniq]
    c = coalitions(u_own, cap, "Proportional")
    p_u = pce(c, st.victory_prob, st.pce)
    counts = np.bincount(label, minlength=len(uniq))
    return p_u[label] / counts[label]


# ----------------------------------------------------------------------------- scenario wrapper
def smp(scenario: Scenario, settings: SMPSettings | None = None, on_turn: Callable[[int], None] | None = None,
        history: bool = True, **overrides) -> ModelResult:
    """Run the SMP on each policy space of ``scenario`` (see the module docstring); spaces with the
    same numbers of actors and dimensions run together as one batch. A KTAB XML scenario's
    ``<ModelParameters>`` are the default settings."""
    if settings is None:
        params = scenario.meta.get("ktab_params")
        settings = SMPSettings.from_ktab_xml(params) if params else SMPSettings()
    if overrides:
        settings = SMPSettings(**{**asdict(settings), **overrides})
    st = settings.normalised()
    joint = st.joint if st.joint is not None else bool(scenario.meta.get("ktab"))
    spaces = list(scenario.groups().values()) if joint else [[d] for d in range(scenario.n_issues)]
    out = np.full(scenario.n_issues, np.nan)
    hist_frames: list[pd.DataFrame] = []
    summ_rows: list[tuple] = []
    turns: dict[str, int] = {}
    prepared: dict[tuple[int, int], list[tuple]] = {}
    for dims in spaces:
        part = scenario.participates[:, dims].any(axis=1)
        idx = np.nonzero(part)[0]
        if len(idx) == 0:
            continue
        lo, hi = scenario.scale[dims, 0], scenario.scale[dims, 1]
        raw = scenario.position[np.ix_(idx, dims)]
        sal = np.nan_to_num(scenario.salience[np.ix_(idx, dims)], nan=0.0)
        raw = np.where(np.isfinite(raw), raw, ((lo + hi) / 2)[None, :])
        pos = (raw - lo) / (hi - lo)
        cap = scenario.capability[idx][:, dims].max(axis=1)
        prepared.setdefault((len(idx), len(dims)), []).append((dims, idx, lo, hi, pos, sal, cap))
    for (n_act, _), items in prepared.items():
        if n_act == 1:
            results = [{"positions": [it[4], it[4]], "forecast": it[4][0], "turns": 0} for it in items]
        else:
            results = run_smp_batch(np.stack([it[4] for it in items]), np.stack([it[5] for it in items]),
                                    np.stack([it[6] for it in items]), st, on_turn)
        for (dims, idx, lo, hi, _, sal, cap), result in zip(items, results):
            stack = np.stack(result["positions"])             # (T, n, D)
            n_t = stack.shape[0]
            for k, d in enumerate(dims):
                out[d] = result["forecast"][k] * (hi[k] - lo[k]) + lo[k]
                turns[scenario.issues[d]] = result["turns"]
                if not history:
                    continue
                vals = stack[:, :, k] * (hi[k] - lo[k]) + lo[k]  # (T, n)
                w = cap * sal[:, k]
                for t_, row in enumerate(vals):
                    summ_rows.append((scenario.issues[d], t_, weighted_median(row, w), weighted_mean(row, w)))
                hist_frames.append(pd.DataFrame({
                    "issue": scenario.issues[d], "round": np.repeat(np.arange(n_t), len(idx)),
                    "actor": np.tile(np.array(scenario.actors, dtype=object)[idx], n_t),
                    "position": vals.ravel()}))
    hist = (pd.concat(hist_frames, ignore_index=True) if hist_frames
            else pd.DataFrame(columns=["issue", "round", "actor", "position"]))
    summary = pd.DataFrame(summ_rows, columns=["issue", "round", "median", "mean"])
    return ModelResult("smp", pd.Series(out, index=list(scenario.issues), name="forecast"),
                       settings={**asdict(st), "joint": joint}, history=hist if history else None,
                       summary=summary if history else None,
                       extra={"turns": turns})
