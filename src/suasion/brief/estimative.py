"""Estimative language for briefs: how likely (ICD 203 terms) and, separately, how confident.

US Intelligence Community Directive 203, *Analytic Standards* (2015), §D.6.e: likelihood is
expressed with one of seven terms, each standing for a band of probability, and the analyst's
confidence in the judgement is stated separately; the two are never combined in one sentence.

==========================  ============
term                        probability
==========================  ============
almost no chance            0.01–0.05
very unlikely               0.05–0.20
unlikely                    0.20–0.45
roughly even chance         0.45–0.55
likely                      0.55–0.80
very likely                 0.80–0.95
almost certain(ly)          0.95–0.99
==========================  ============

suasion's probabilities are the coverage of the intervals the API reports: a 95 % interval
(leverage rank and score under Dirichlet-drawn channel weights, :func:`suasion.leverage_sensitivity`)
holds the value with probability ≥ 0.95, a 90 % Monte Carlo forecast interval with 0.90. Those
intervals cover the model's uncertainty about weights or inputs, not about the data themselves;
that is what the confidence statement is for.

**Confidence** is judged from the age of the inputs behind the number, as the share of the
score that comes from channels observed in the year asked for (or the year before):

* **high**: at least 75 % of the score rests on channels observed within one year;
* **moderate**: at least 40 %;
* **low**: less, or no observed channel contributes.

A channel carried forward more than ``STALE_YEARS`` years is named in the confidence sentence.
"""

from __future__ import annotations

from collections.abc import Mapping

#: (upper bound of the band, term), ICD 203 §D.6.e
LIKELIHOOD_TERMS: tuple[tuple[float, str], ...] = (
    (0.05, "almost no chance"),
    (0.20, "very unlikely"),
    (0.45, "unlikely"),
    (0.55, "roughly even chance"),
    (0.80, "likely"),
    (0.95, "very likely"),
    (1.00, "almost certainly"),
)

HIGH_SHARE, MODERATE_SHARE = 0.75, 0.40
FRESH_YEARS = 1
STALE_YEARS = 4


def likelihood_term(probability: float) -> str:
    """The ICD 203 term for ``probability`` (a band's upper bound belongs to the next band up)."""
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability {probability} is outside [0, 1]")
    for upper, term in LIKELIHOOD_TERMS:
        if probability < upper:
            return term
    return LIKELIHOOD_TERMS[-1][1]


def observed_share(contributions: Mapping[str, float], data_years: Mapping[str, int | None], year: int
                   ) -> float:
    """Share of the score (sum of ``contributions``) carried by channels observed within
    ``FRESH_YEARS`` of ``year``; 0 when the score is 0."""
    total = sum(max(v, 0.0) for v in contributions.values())
    if total <= 0:
        return 0.0
    fresh = sum(max(v, 0.0) for c, v in contributions.items()
                if data_years.get(c) is not None and year - int(data_years[c]) <= FRESH_YEARS)
    return fresh / total


def confidence_level(contributions: Mapping[str, float], data_years: Mapping[str, int | None], year: int
                     ) -> str:
    """``high``, ``moderate`` or ``low`` (see the module docstring)."""
    share = observed_share(contributions, data_years, year)
    if share >= HIGH_SHARE:
        return "high"
    if share >= MODERATE_SHARE:
        return "moderate"
    return "low"


def stale_channels(contributions: Mapping[str, float], data_years: Mapping[str, int | None], year: int
                   ) -> list[tuple[str, int]]:
    """Contributing channels carried forward more than ``STALE_YEARS``: (channel, observed year),
    largest contribution first."""
    out = [(c, int(data_years[c])) for c, v in sorted(contributions.items(), key=lambda kv: (-kv[1], kv[0]))
           if v > 0 and data_years.get(c) is not None and year - int(data_years[c]) > STALE_YEARS]
    return out


def evidence_basis(data_year: int | None, year: int) -> str:
    """``observed 2018``, ``carried forward from 2010`` or ``missing`` for one input."""
    if data_year is None:
        return "missing"
    if int(data_year) >= year:
        return f"observed {int(data_year)}"
    return f"carried forward from {int(data_year)}"
