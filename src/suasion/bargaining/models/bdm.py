"""The Bueno de Mesquita expected-utility ("challenge") model, as reconstructed by Scholz, Calbert &
Smith (2011), "Unravelling Bueno de Mesquita's group decision model", *Journal of Theoretical Politics*
23(4):510–531 (equation numbers theirs; reference notes bargaining-models.md §4).

Per issue, with positions x, capabilities c, saliences s ∈ [0, 1], μ the Condorcet position (the c·s
weighted median) and R = max x − min x, every round:

* utilities (eqs. 15, 16, 22–24), risk exponent r_i::

    U_s  = 2 − 4 (0.5 − 0.5 |x_i − x_j|/R)^r_i          U_f = 2 − 4 (0.5 + 0.5 |x_i − x_j|/R)^r_i
    U_b  = 2 − 4 (0.5 − 0.25 (|x_i − μ| + |x_i − x_j|)/R)^r_i
    U_w  = 2 − 4 (0.5 + 0.25 (|x_i − μ| + |x_i − x_j|)/R)^r_i        U_sq = 2 − 4 · 0.5^r_i

* probability of success (eqs. 30–31), d_k = |x_k − x_j| − |x_k − x_i|::

    P^i = Σ_{k: d_k > 0} c_k s_k d_k / Σ_k c_k s_k |d_k|

* expected utility of i challenging j (eqs. 5–7), with the responder's salience s_j::

    E^i(U_ij) = s_j [P^i U_s + (1 − P^i) U_f] + (1 − s_j) U_s − Q U_sq − (1 − Q)[T U_b + (1 − T) U_w]

  T = 1 iff |x_i − μ| < |x_i − x_j| (geometric rule) or a constant;
* risk (§5, Appendix 8–10): pass 1 with r = 1; Sec_i = Σ_{j≠i} E^j(U_ji);
  R_i = (2 Sec_i − max Sec − min Sec)/(max Sec − min Sec); r_i = (1 − R_i/3)/(1 + R_i/3); pass 2 with r;
* offers (fig. 6): for a = E^i(U_ij) > 0: if b = E^j(U_ji) < 0 and |a| > |b|, j compromises to
  x_j + (x_i − x_j)|b/a| (eq. 35); if |b| ≥ |a|, j capitulates to x_i; if b > 0 (conflict) the
  ``conflict`` setting decides; a < 0 and b < 0: nothing;
* each actor accepts one offer per round — the most enforceable (highest proposer EU), ties → least
  movement — and all accepted moves happen at once.

The forecast is μ after the last round (BDM 1997: "the median voter's position at the end of
bargaining"); the c·s weighted mean is reported alongside in the summary.

Every choice the paper leaves open is a :class:`BDMSettings` field (reference notes §4.9).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from suasion.bargaining.models.base import ModelResult, issue_inputs, weighted_mean, weighted_median
from suasion.bargaining.scenario import ModelSettingError, Scenario


@dataclass(frozen=True)
class BDMSettings:
    """Every ambiguous choice of Scholz et al. (2011) as a named setting (reference notes §4.9).

    q: probability that the status quo holds absent a challenge (Scholz: 1.0 for BDM 1994; Appendix
       0.5 or 1.0; Masad's examples 0.5).
    t: ``"geometric"`` (T = 1 iff |x_i − μ| < |x_i − x_j|) or a constant probability in [0, 1].
    security: ``"prose"`` Sec_i = Σ_j E^j(U_ji) (column sum, default) or ``"appendix"`` Σ_j E^i(U_ij).
    conflict: ``"no_move"`` (BDM 1997 uncertain outcome, default), ``"loser_concedes"`` (BDM 1984: the
       actor with the lower EU moves fully) or ``"stochastic"`` (i wins with probability P^i).
    compromise_sign: ``"figure"`` (fig. 6, default) or ``"text"`` (the misprinted sign: j moves away).
    offer_order: ``"max_eu"`` (highest proposer EU, then least move; default) or ``"least_move"``.
    p_denominator: ``"paper"`` (Σ_k c_k s_k |d_k|) or ``"code"`` (Σ of |votes| over all actor pairs).
    condorcet: ``"weighted_median"`` (default, the Condorcet winner in 1-D) or ``"pairwise_argmax"``.
    risk: two-pass risk exponents (True) or r_i = 1.
    rounds: maximum number of rounds; stopping: ``"convergence"`` (stop once μ moved less than
       ``epsilon`` × scale range for ``quiet_rounds`` consecutive rounds) or ``"fixed"``.
    forecast: ``"median"`` (μ after the last round, default) or ``"mean"`` (c·s weighted mean).
    zero_salience: all-zero salience vectors on an issue are replaced by this value (DEU protocol 0.5).
    seed: random seed for ``conflict="stochastic"``.
    """

    q: float = 1.0
    t: str | float = "geometric"
    security: str = "prose"
    conflict: str = "no_move"
    compromise_sign: str = "figure"
    offer_order: str = "max_eu"
    p_denominator: str = "paper"
    condorcet: str = "weighted_median"
    risk: bool = True
    rounds: int = 20
    stopping: str = "convergence"
    epsilon: float = 0.005
    quiet_rounds: int = 2
    forecast: str = "median"
    zero_salience: float = 0.5
    seed: int | None = 0

    def check(self) -> None:
        choices = {"security": ("prose", "appendix"), "conflict": ("no_move", "loser_concedes", "stochastic"),
                   "compromise_sign": ("figure", "text"), "offer_order": ("max_eu", "least_move"),
                   "p_denominator": ("paper", "code"), "condorcet": ("weighted_median", "pairwise_argmax"),
                   "stopping": ("convergence", "fixed"), "forecast": ("median", "mean")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ModelSettingError(f"BDM {name} must be one of {', '.join(allowed)}, "
                                        f"not {getattr(self, name)!r}")
        if not 0.0 <= self.q <= 1.0:
            raise ModelSettingError(f"BDM q must be in [0, 1], not {self.q}")
        if self.t != "geometric" and not (isinstance(self.t, (int, float)) and 0.0 <= float(self.t) <= 1.0):
            raise ModelSettingError(f"BDM t must be 'geometric' or a probability, not {self.t!r}")
        if self.rounds < 1:
            raise ModelSettingError("BDM rounds must be at least 1")


def condorcet_position(x: np.ndarray, w: np.ndarray, rule: str = "weighted_median") -> float:
    """μ: the c·s weighted median, or the position with the largest summed pairwise vote
    v^{jk} = Σ_i w_i (|x_i − x_k| − |x_i − x_j|) (dmasad's reading)."""
    if rule == "weighted_median":
        return weighted_median(x, w)
    dist = np.abs(x[:, None] - x[None, :])            # [i, j] = |x_i − x_j|
    # total_j = Σ_k Σ_i w_i (|x_i − x_k| − |x_i − x_j|)
    totals = (w @ dist).sum() - len(x) * (w @ dist)
    return float(x[int(np.argmax(totals))])


def _utility(base: np.ndarray, r: np.ndarray) -> np.ndarray:
    return 2.0 - 4.0 * np.power(np.clip(base, 0.0, None), r[:, None])


def probability_matrix(x: np.ndarray, w: np.ndarray, denominator: str = "paper") -> np.ndarray:
    """P[i, j] = P^i of i prevailing over j (eqs. 30–31)."""
    dx = np.abs(x[:, None] - x[None, :])              # [k, m] = |x_k − x_m|
    # d[i, j, k] = |x_k − x_j| − |x_k − x_i|
    d = dx.T[None, :, :] - dx.T[:, None, :]
    wd = w[None, None, :] * d
    num = np.where(d > 0, wd, 0.0).sum(axis=2)
    if denominator == "paper":
        den = np.abs(wd).sum(axis=2)
    else:
        iu = np.triu_indices(len(x), 1)
        den = np.full_like(num, np.abs(wd)[iu].sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 0, num / den, 0.5)
    return p


def expected_utilities(x: np.ndarray, s: np.ndarray, p: np.ndarray, mu: float, span: float,
                       r: np.ndarray, settings: BDMSettings) -> np.ndarray:
    """E[i, j] = E^i(U_ij), i's expected utility of challenging j (eqs. 5–7)."""
    dij = np.abs(x[:, None] - x[None, :]) / span
    dmu = np.abs(x - mu)[:, None] / span
    us = _utility(0.5 - 0.5 * dij, r)
    uf = _utility(0.5 + 0.5 * dij, r)
    ub = _utility(0.5 - 0.25 * (dmu + dij), r)
    uw = _utility(0.5 + 0.25 * (dmu + dij), r)
    usq = (2.0 - 4.0 * np.power(0.5, r))[:, None]
    if settings.t == "geometric":
        t = (np.abs(x - mu)[:, None] < np.abs(x[:, None] - x[None, :])).astype(float)
    else:
        t = float(settings.t)
    sj = s[None, :]
    e = sj * (p * us + (1 - p) * uf) + (1 - sj) * us - settings.q * usq \
        - (1 - settings.q) * (t * ub + (1 - t) * uw)
    np.fill_diagonal(e, 0.0)
    return e


def risk_exponents(e1: np.ndarray, security: str = "prose") -> np.ndarray:
    """r_i from the pass-1 expected utilities (Scholz §5, Appendix steps 8–10)."""
    sec = e1.sum(axis=0) if security == "prose" else e1.sum(axis=1)
    lo, hi = sec.min(), sec.max()
    if not hi > lo:
        return np.ones_like(sec)
    big_r = (2 * sec - hi - lo) / (hi - lo)
    return (1 - big_r / 3) / (1 + big_r / 3)


def bdm_round(x: np.ndarray, c: np.ndarray, s: np.ndarray, settings: BDMSettings,
              rng: np.random.Generator, bounds: tuple[float, float]) -> tuple[np.ndarray, float]:
    """One round of challenges and offers; returns the new positions and μ before the moves."""
    w = c * s
    mu = condorcet_position(x, w, settings.condorcet)
    span = float(x.max() - x.min())
    if span <= 0:
        return x.copy(), mu
    p = probability_matrix(x, w, settings.p_denominator)
    ones = np.ones_like(x)
    e = expected_utilities(x, s, p, mu, span, ones, settings)
    if settings.risk:
        r = risk_exponents(e, settings.security)
        e = expected_utilities(x, s, p, mu, span, r, settings)
    n = len(x)
    a, b = e, e.T                                       # a[i, j] = E^i(U_ij), b[i, j] = E^j(U_ji)
    new_target = np.full((n, n), np.nan)                # [i, j]: where i's offer puts j
    off = ~np.eye(n, dtype=bool)
    i_wins = (a > 0) & (b < 0) & off
    comp = i_wins & (np.abs(a) > np.abs(b))
    capit = i_wins & ~comp
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(comp, np.abs(b) / np.where(a != 0, np.abs(a), 1.0), 0.0)
    diff = x[:, None] - x[None, :]                      # x_i − x_j
    sign = 1.0 if settings.compromise_sign == "figure" else -1.0
    new_target = np.where(comp, x[None, :] + sign * diff * frac, new_target)
    new_target = np.where(capit, np.broadcast_to(x[:, None], (n, n)), new_target)
    conflict = (a > 0) & (b > 0) & off
    if settings.conflict == "loser_concedes":
        new_target = np.where(conflict & (a > b), np.broadcast_to(x[:, None], (n, n)), new_target)
    elif settings.conflict == "stochastic":
        iu = np.triu_indices(n, 1)
        draw = np.zeros((n, n))
        draw[iu] = rng.random(len(iu[0]))
        draw = draw + draw.T
        i_prevails = np.where(np.arange(n)[:, None] < np.arange(n)[None, :], draw < p, draw >= p.T)
        new_target = np.where(conflict & i_prevails, np.broadcast_to(x[:, None], (n, n)), new_target)
    lo, hi = bounds
    new_target = np.clip(new_target, lo, hi)
    has = np.isfinite(new_target)
    out = x.copy()
    move = np.abs(new_target - x[None, :])
    for j in np.nonzero(has.any(axis=0))[0]:
        proposers = np.nonzero(has[:, j])[0]
        if settings.offer_order == "max_eu":
            keys = (move[proposers, j], -a[proposers, j])   # lexsort: last key primary
        else:
            keys = (-a[proposers, j], move[proposers, j])
        best = proposers[np.lexsort(keys)[0]]
        out[j] = new_target[best, j]
    return out, mu


def bdm_issue(x: np.ndarray, c: np.ndarray, s: np.ndarray, settings: BDMSettings,
              bounds: tuple[float, float] = (0.0, 100.0), rng: np.random.Generator | None = None,
              ) -> tuple[float, list[np.ndarray], list[tuple[float, float]]]:
    """Run the model on one issue; returns the forecast, positions per round (round 0 = input) and
    (μ, c·s mean) after each round (index 0 = before any round)."""
    rng = rng if rng is not None else np.random.default_rng(settings.seed)
    s = np.asarray(s, dtype=float)
    if not np.any(s > 0):
        s = np.full_like(s, settings.zero_salience)
    x = np.asarray(x, dtype=float)
    w = c * s
    positions = [x.copy()]
    stats = [(condorcet_position(x, w, settings.condorcet), weighted_mean(x, w))]
    span0 = float(bounds[1] - bounds[0]) or 1.0
    quiet = 0
    for _ in range(settings.rounds):
        x, _mu_before = bdm_round(x, c, s, settings, rng, bounds)
        mu = condorcet_position(x, w, settings.condorcet)
        positions.append(x.copy())
        stats.append((mu, weighted_mean(x, w)))
        if settings.stopping == "convergence":
            quiet = quiet + 1 if abs(mu - stats[-2][0]) < settings.epsilon * span0 else 0
            if quiet >= settings.quiet_rounds:
                break
    final = stats[-1][0] if settings.forecast == "median" else stats[-1][1]
    return final, positions, stats


def bdm(scenario: Scenario, settings: BDMSettings | None = None, history: bool = True,
        **overrides) -> ModelResult:
    """The BDM challenge model on every issue of ``scenario`` (see the module docstring)."""
    settings = settings or BDMSettings()
    if overrides:
        settings = BDMSettings(**{**asdict(settings), **overrides})
    settings.check()
    rng = np.random.default_rng(settings.seed)
    out = np.full(scenario.n_issues, np.nan)
    hist_rows: list[tuple] = []
    summ_rows: list[tuple] = []
    for d in range(scenario.n_issues):
        idx, x, c, s = issue_inputs(scenario, d)
        if len(x) == 0:
            continue
        bounds = (float(scenario.scale[d, 0]), float(scenario.scale[d, 1]))
        final, positions, stats = bdm_issue(x, c, s, settings, bounds, rng)
        out[d] = final
        issue = scenario.issues[d]
        if not history:
            continue
        for rnd, (pos, (mu, mean)) in enumerate(zip(positions, stats)):
            summ_rows.append((issue, rnd, mu, mean))
            for a_i, p in zip(idx, pos):
                hist_rows.append((issue, rnd, scenario.actors[a_i], p))
    hist = pd.DataFrame(hist_rows, columns=["issue", "round", "actor", "position"]) if history else None
    summary = pd.DataFrame(summ_rows, columns=["issue", "round", "median", "mean"]) if history else None
    return ModelResult("bdm", pd.Series(out, index=list(scenario.issues), name="forecast"),
                       settings=asdict(settings), history=hist, summary=summary)
