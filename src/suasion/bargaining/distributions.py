"""Predictive distributions of an issue's outcome: point masses on alternatives plus a Laplace band.

Every forecast distribution in :mod:`suasion.bargaining` has the same form on the issue's scale
[L, U]: atoms ``a_k`` with probabilities ``p_k`` and a continuous part ``c · φ(z)`` restricted to
[L, U], where φ is the Laplace density with location μ and scale b,
``φ(z) = exp(−|z − μ| / b) / (2b)`` and Φ its distribution function. The CDF is::

    F(z) = Σ_{a_k ≤ z} p_k + c · (Φ(z) − Φ(L)),      L ≤ z ≤ U,   F(U) = 1.

Two constructions use it:

* **censored Laplace band** (:func:`laplace_band`, the error band of a point forecast m): μ = m,
  the mass the Laplace puts beyond an end sits on that end (atoms Φ(L) at L and 1 − Φ(U) at U),
  c = 1. Inside the scale F equals the Laplace CDF, so the median is m itself.
* **truncated Laplace** (:func:`mixture`): c = w / (Φ(U) − Φ(L)) — the Laplace renormalised on
  [L, U] with total weight w — beside atoms of total mass 1 − w.

Scores, in closed form (no grid):

* quantile q(α) = min{z : F(z) ≥ α} — an atom whose jump covers α is returned exactly;
* mean = Σ p_k a_k + c ∫_L^U z φ(z) dz;
* CRPS(F, y) = ∫_L^U (F(z) − 1{z ≥ y})² dz (Gneiting & Raftery 2007, eq. 20), integrated piecewise:
  between breakpoints (atoms, μ, y, the ends) the integrand is (α + β e^{s(z−μ)/b})², whose integral
  is elementary. Outside [L, U] the integrand is 0 because F is 0 below L and 1 at U.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

#: the quantile levels every forecast reports: 5 % to 95 % in 5 % steps
QUANTILE_LEVELS: tuple[float, ...] = tuple(round(0.05 * k, 2) for k in range(1, 20))


def quantile_column(level: float) -> str:
    """``0.05`` → ``"q05"``."""
    return f"q{round(level * 100):02d}"


#: search range of every scale parameter stated as a share of the scale range (τ̃, b̃)
SHARE_BOUNDS = (1e-4, 10.0)


def laplace_cdf_array(z: np.ndarray, mu: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Vectorised Laplace CDF Φ(z; μ, b)."""
    u = (np.asarray(z, dtype=float) - mu) / b
    return np.where(u < 0, 0.5 * np.exp(np.minimum(u, 0)), 1.0 - 0.5 * np.exp(-np.maximum(u, 0)))


def search_share(negative_loglik) -> float:
    """argmin over a share in SHARE_BOUNDS of ``negative_loglik(share)``: Brent's bounded search on the
    log scale (``scipy.optimize.minimize_scalar``)."""
    from scipy.optimize import minimize_scalar

    lo, hi = math.log(SHARE_BOUNDS[0]), math.log(SHARE_BOUNDS[1])
    res = minimize_scalar(lambda t: negative_loglik(math.exp(t)), bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-6})
    return float(math.exp(res.x))


def _laplace_cdf(z: float, mu: float, b: float) -> float:
    if b <= 0:
        return 1.0 if z >= mu else 0.0
    if z < mu:
        return 0.5 * math.exp((z - mu) / b)
    return 1.0 - 0.5 * math.exp(-(z - mu) / b)


def _laplace_ppf(u: float, mu: float, b: float) -> float:
    if u < 0.5:
        return mu + b * math.log(2.0 * u)
    return mu - b * math.log(2.0 * (1.0 - u))


def _partial_mean(z: float, mu: float, b: float) -> float:
    """An antiderivative of z φ(z), continuous at μ."""
    if z < mu:
        return 0.5 * (z - b) * math.exp((z - mu) / b)
    return -0.5 * (z + b) * math.exp(-(z - mu) / b) + mu   # + μ joins the two branches at z = μ


@dataclass(frozen=True)
class Predictive:
    """A predictive distribution on [lower, upper] (see the module docstring).

    ``atoms`` are sorted and distinct, ``probs`` their probabilities; ``c`` the coefficient of the
    Laplace part (0 for none) with location ``mu`` and scale ``b``. The total mass is 1."""

    lower: float
    upper: float
    atoms: np.ndarray
    probs: np.ndarray
    c: float
    mu: float
    b: float

    # ------------------------------------------------------------------ basic functions
    def _phi(self, z: float) -> float:
        return _laplace_cdf(z, self.mu, self.b)

    def continuous_mass(self) -> float:
        if self.c <= 0:
            return 0.0
        return self.c * (self._phi(self.upper) - self._phi(self.lower))

    def cdf(self, z: float) -> float:
        if z < self.lower:
            return 0.0
        if z >= self.upper:
            return 1.0
        k = int(np.searchsorted(self.atoms, z, side="right"))
        cont = self.c * (self._phi(z) - self._phi(self.lower)) if self.c > 0 else 0.0
        return float(self.probs[:k].sum()) + cont

    def prob_at(self, value: float, tol: float = 1e-9) -> float:
        """P(outcome = value): the atom there, or 0."""
        hit = np.abs(self.atoms - value) <= tol * max(1.0, self.upper - self.lower)
        return float(self.probs[hit].sum())

    def mean(self) -> float:
        total = float(np.dot(self.atoms, self.probs))
        if self.c > 0 and self.b > 0:
            total += self.c * (_partial_mean(self.upper, self.mu, self.b)
                               - _partial_mean(self.lower, self.mu, self.b))
        return total

    def quantile(self, alpha: float) -> float:
        """min{z in [lower, upper] : F(z) ≥ alpha}."""
        return float(self.quantiles((alpha,))[0])

    def quantiles(self, levels=QUANTILE_LEVELS) -> np.ndarray:
        """q(α) for every α in ``levels``, in one pass over the atoms: α falls either inside the jump
        of an atom (q = the atom) or on the continuous part between two atoms (q = Φ⁻¹ there)."""
        alpha = np.asarray(levels, dtype=float)
        eps = 1e-12
        cum = np.cumsum(self.probs)                          # atom mass up to and including atom k
        if self.c > 0:
            phi_lo = self._phi(self.lower)
            cont = self.c * (np.array([self._phi(a) for a in self.atoms]) - phi_lo)
        else:
            phi_lo, cont = 0.0, np.zeros(len(self.atoms))
        f_right = cum + cont                                  # F(a_k)
        f_left = f_right - self.probs                         # F(a_k−)
        k = np.searchsorted(f_right, alpha - eps, side="left")   # first atom with F(a_k) ≥ α
        out = np.empty(len(alpha))
        for j, (a, kk) in enumerate(zip(alpha, k)):
            if kk < len(self.atoms) and f_left[kk] < a - eps:
                out[j] = self.atoms[kk]                       # inside the atom's jump
                continue
            if self.c <= 0:
                out[j] = self.atoms[min(kk, len(self.atoms) - 1)] if len(self.atoms) else self.mu
                continue
            below = cum[kk - 1] if kk > 0 else 0.0            # atom mass left of the segment
            target = phi_lo + (a - below) / self.c
            start = self.atoms[kk - 1] if kk > 0 else self.lower
            end = self.atoms[kk] if kk < len(self.atoms) else self.upper
            if target <= 0.0:
                z = start
            elif target >= 1.0:
                z = end
            else:
                z = _laplace_ppf(target, self.mu, self.b)
            out[j] = min(max(z, start, self.lower), end, self.upper)
        return out

    def median(self) -> float:
        return self.quantile(0.5)

    def interval(self, level: float) -> tuple[float, float]:
        """Central interval [q((1 − level)/2), q((1 + level)/2)]."""
        a = (1.0 - level) / 2.0
        return self.quantile(a), self.quantile(1.0 - a)

    # ------------------------------------------------------------------ CRPS
    def crps(self, y: float) -> float:
        """∫_L^U (F(z) − 1{z ≥ y})² dz, piecewise in closed form (module docstring)."""
        lo, hi = self.lower, self.upper
        y = min(max(y, lo), hi)
        points = [lo, hi, y, *[a for a in self.atoms if lo < a < hi]]
        if self.c > 0 and lo < self.mu < hi:
            points.append(self.mu)
        points = sorted(set(points))
        total = 0.0
        phi_lo = self._phi(lo) if self.c > 0 else 0.0
        for z1, z2 in itertools.pairwise(points):
            if z2 <= z1:
                continue
            mass = float(self.probs[self.atoms <= z1 + 1e-12 * max(1.0, hi - lo)].sum())
            h = 1.0 if z1 >= y else 0.0
            alpha = mass - h - self.c * phi_lo
            if self.c <= 0:                         # atoms only: F is constant on the segment
                total += alpha * alpha * (z2 - z1)
                continue
            if z2 <= self.mu:                       # Φ = ½ e^{(z−μ)/b}
                s, beta = 1.0, self.c / 2.0
            else:                                   # Φ = 1 − ½ e^{−(z−μ)/b}
                s, beta = -1.0, -self.c / 2.0
                alpha += self.c
            e1, e2 = math.exp(s * (z1 - self.mu) / self.b), math.exp(s * (z2 - self.mu) / self.b)
            total += (alpha * alpha * (z2 - z1) + 2.0 * alpha * beta * self.b / s * (e2 - e1)
                      + beta * beta * self.b / (2.0 * s) * (e2 * e2 - e1 * e1))
        return max(total, 0.0)


def _clean_atoms(atoms, probs) -> tuple[np.ndarray, np.ndarray]:
    atoms = np.asarray(atoms, dtype=float)
    probs = np.asarray(probs, dtype=float)
    if len(atoms) == 0:
        return np.zeros(0), np.zeros(0)
    order = np.argsort(atoms, kind="stable")
    atoms, probs = atoms[order], probs[order]
    uniq, inv = np.unique(atoms, return_inverse=True)
    merged = np.zeros(len(uniq))
    np.add.at(merged, inv, probs)
    return uniq, merged


def laplace_band(point: float, b: float, lower: float, upper: float) -> Predictive:
    """The censored Laplace band around a point forecast (module docstring)."""
    point = min(max(float(point), lower), upper)
    if b <= 0:
        return Predictive(lower, upper, np.array([point]), np.array([1.0]), 0.0, point, 0.0)
    lo_mass = _laplace_cdf(lower, point, b)
    hi_mass = 1.0 - _laplace_cdf(upper, point, b)
    atoms, probs = _clean_atoms([lower, upper], [lo_mass, hi_mass])
    keep = probs > 0
    return Predictive(lower, upper, atoms[keep], probs[keep], 1.0, point, float(b))


def mixture(mu: float, alternatives, alt_probs, weight_atoms: float, b: float,
            lower: float, upper: float) -> Predictive:
    """Atoms ``alternatives`` with probabilities ``weight_atoms · alt_probs`` (alt_probs sum to 1) and a
    truncated Laplace (μ, b) on [lower, upper] with weight 1 − weight_atoms."""
    mu = min(max(float(mu), lower), upper)
    atoms, probs = _clean_atoms(alternatives, weight_atoms * np.asarray(alt_probs, dtype=float))
    w = 1.0 - weight_atoms
    if w <= 0 or b <= 0:
        if w > 0:                                   # b = 0: the continuous part collapses onto μ
            atoms, probs = _clean_atoms(np.append(atoms, mu), np.append(probs, w))
        return Predictive(lower, upper, atoms, probs, 0.0, mu, 0.0)
    z = _laplace_cdf(upper, mu, b) - _laplace_cdf(lower, mu, b)
    return Predictive(lower, upper, atoms, probs, w / z, mu, float(b))
