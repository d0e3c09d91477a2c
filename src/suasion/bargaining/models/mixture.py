"""The alternatives-mixture forecaster: the outcome is one of the positions on the table, or near the
compromise.

Written down before it was tested (issue 16; docs/bargaining.md, "Alternatives mixture"). For issue d
with scale [L, U], range R = U − L and compromise forecast μ = Σ c_i s_i x_i / Σ c_i s_i, the
alternatives are A = {distinct positions x_id of the actors taking part} ∪ {reference point r_d, when
known}. The outcome Y is

* with probability π one alternative, a ∈ A chosen with probability
  ``p_a = exp(−|a − μ| / τ) / Σ_{a' ∈ A} exp(−|a' − μ| / τ)``;
* with probability 1 − π a continuous value from the Laplace (μ, b) truncated to [L, U]:
  density ``exp(−|y − μ| / b) / (2b · (Φ(U) − Φ(L)))``.

τ and b are stated as shares of the range R (τ = τ̃ R, b = b̃ R), so one parameter set serves
every scale. The likelihood of an outcome is taken with respect to counting measure on A plus
Lebesgue measure (the continuous part puts no mass on A): ``π p_y`` if y ∈ A (|y − a| ≤ 1e-9 R),
``(1 − π) f(y)`` otherwise. The log-likelihood separates, so the maximum-likelihood estimates are

* π̂ = the share of outcomes that equal an alternative (closed form);
* τ̂ maximises Σ_{y_d ∈ A_d} log p_{y_d}(τ) over the outcomes that are alternatives;
* b̂ maximises Σ_{y_d ∉ A_d} log f(y_d; b) over the others;

each a one-dimensional bounded search over log τ̃, log b̃ ∈ [log 1e-4, log 10] (Brent's method,
``scipy.optimize.minimize_scalar``). Fitted on training issues only; the shipped parameters
(``data/frozen/``) were fitted once on the whole DEU development part and then frozen.

The forecast (point) is the median of this distribution, so it sits on an alternative whenever that
alternative's probability straddles one half of the cumulative mass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from suasion.bargaining.distributions import Predictive, laplace_cdf_array, mixture, search_share
from suasion.bargaining.models.base import ModelResult
from suasion.bargaining.scenario import ModelSettingError, Scenario

EQUAL_TOLERANCE = 1e-9          # outcome equals an alternative: |y − a| ≤ 1e-9 · range


@dataclass(frozen=True)
class MixtureParams:
    """π (weight of the alternatives), τ̃ and b̃ (shares of the scale range)."""

    pi: float
    tau: float
    b: float

    def check(self) -> None:
        if not 0.0 <= self.pi <= 1.0:
            raise ModelSettingError(f"mixture pi must be in [0, 1], not {self.pi}")
        for name in ("tau", "b"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and value > 0 and np.isfinite(value)):
                raise ModelSettingError(f"mixture {name} must be a positive share of the scale, not {value!r}")


@dataclass(frozen=True)
class MixtureInputs:
    """Per issue: compromise μ, the alternatives padded to a matrix (NaN = none), scale ends."""

    mu: np.ndarray              # (I,)
    alternatives: np.ndarray    # (I, K) NaN-padded, sorted
    lower: np.ndarray           # (I,)
    upper: np.ndarray           # (I,)

    @property
    def span(self) -> np.ndarray:
        return self.upper - self.lower

    def subset(self, mask: np.ndarray) -> MixtureInputs:
        return MixtureInputs(self.mu[mask], self.alternatives[mask], self.lower[mask], self.upper[mask])


def alternatives(scenario: Scenario, d: int, reference_point: bool = True) -> np.ndarray:
    """The distinct positions of the actors taking part in issue ``d``, plus the reference point."""
    values = scenario.position[scenario.participates[:, d], d]
    if reference_point and np.isfinite(scenario.status_quo[d]):
        values = np.append(values, scenario.status_quo[d])
    return np.unique(values)


def mixture_inputs(scenario: Scenario, reference_point: bool = True) -> MixtureInputs:
    from suasion.bargaining.models.compromise import compromise

    mu = compromise(scenario).forecast.to_numpy(dtype=float)
    alts = [alternatives(scenario, d, reference_point) for d in range(scenario.n_issues)]
    k = max((len(a) for a in alts), default=0)
    mat = np.full((scenario.n_issues, max(k, 1)), np.nan)
    for d, a in enumerate(alts):
        mat[d, :len(a)] = a
    return MixtureInputs(mu, mat, scenario.scale[:, 0].astype(float), scenario.scale[:, 1].astype(float))


def at_alternative(inputs: MixtureInputs, y: np.ndarray) -> np.ndarray:
    """(I,) True where the outcome equals one of the issue's alternatives."""
    tol = EQUAL_TOLERANCE * inputs.span
    with np.errstate(invalid="ignore"):
        return (np.abs(inputs.alternatives - y[:, None]) <= tol[:, None]).any(axis=1)


def alternative_logprob(inputs: MixtureInputs, tau: float) -> np.ndarray:
    """(I, K) log p_a for every alternative (−inf for padding), τ = tau · range."""
    dist = np.abs(inputs.alternatives - inputs.mu[:, None]) / inputs.span[:, None]
    logits = np.where(np.isfinite(dist), -dist / tau, -np.inf)
    top = np.max(logits, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    norm = top + np.log(np.sum(np.exp(logits - top), axis=1, keepdims=True))
    return logits - norm


def truncated_laplace_loglik(y: np.ndarray, mu: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                             b: np.ndarray) -> np.ndarray:
    """log density of y under the Laplace (μ, b) truncated to [lower, upper]."""
    z = laplace_cdf_array(upper, mu, b) - laplace_cdf_array(lower, mu, b)
    return -np.abs(y - mu) / b - np.log(2.0 * b) - np.log(np.maximum(z, 1e-300))


def fit_mixture(inputs: MixtureInputs, y: np.ndarray) -> MixtureParams:
    """Maximum-likelihood π, τ̃, b̃ on the issues given (module docstring)."""
    ok = np.isfinite(y) & np.isfinite(inputs.mu)
    if not ok.any():
        raise ModelSettingError("cannot fit the mixture: no issue with a known outcome")
    sub = inputs.subset(ok)
    y = y[ok]
    hit = at_alternative(sub, y)
    pi = float(hit.mean())
    tau = b = 1.0                   # placeholders when no outcome informs them
    if hit.any():
        hits = sub.subset(hit)
        tol = EQUAL_TOLERANCE * hits.span
        chosen = np.abs(hits.alternatives - y[hit][:, None]) <= tol[:, None]
        first = np.argmax(chosen, axis=1)

        def neg_tau(tau_: float) -> float:
            return -float(np.take_along_axis(alternative_logprob(hits, tau_), first[:, None], axis=1).sum())

        tau = search_share(neg_tau)
    if (~hit).any():
        rest = ~hit
        span = sub.span[rest]

        def neg_b(b_: float) -> float:
            return -float(truncated_laplace_loglik(y[rest], sub.mu[rest], sub.lower[rest], sub.upper[rest],
                                                   b_ * span).sum())

        b = search_share(neg_b)
    return MixtureParams(pi=pi, tau=tau, b=b)


def mixture_distributions(inputs: MixtureInputs, params: MixtureParams) -> list[Predictive | None]:
    """One predictive distribution per issue (None where μ is undefined)."""
    logp = alternative_logprob(inputs, params.tau)
    out: list[Predictive | None] = []
    for d in range(len(inputs.mu)):
        if not np.isfinite(inputs.mu[d]):
            out.append(None)
            continue
        keep = np.isfinite(inputs.alternatives[d])
        out.append(mixture(inputs.mu[d], inputs.alternatives[d, keep], np.exp(logp[d, keep]), params.pi,
                           params.b * inputs.span[d], inputs.lower[d], inputs.upper[d]))
    return out


def alternatives_mixture(scenario: Scenario, *, pi: float | None = None, tau: float | None = None,
                         b: float | None = None, reference_point: bool = True) -> ModelResult:
    """The alternatives-mixture forecast of every issue; the point forecast is the median.

    Parameters not given come from the frozen parameter file shipped with the package
    (:func:`suasion.bargaining.frozen.frozen_parameters`)."""
    if pi is None or tau is None or b is None:
        from suasion.bargaining.frozen import frozen_parameters

        shipped = frozen_parameters().mixture
        pi = shipped.pi if pi is None else pi
        tau = shipped.tau if tau is None else tau
        b = shipped.b if b is None else b
    params = MixtureParams(pi=float(pi), tau=float(tau), b=float(b))
    params.check()
    inputs = mixture_inputs(scenario, reference_point)
    dists = mixture_distributions(inputs, params)
    point = np.array([d.median() if d is not None else np.nan for d in dists])
    return ModelResult("mixture", pd.Series(point, index=list(scenario.issues), name="forecast"),
                       settings={"pi": params.pi, "tau": params.tau, "b": params.b,
                                 "reference_point": reference_point},
                       extra={"predictive": dists, "compromise": inputs.mu})
