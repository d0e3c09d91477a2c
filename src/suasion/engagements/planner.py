"""Portfolio planner: which engagements to fund with a budget, as an integer program.

Candidates are (partner *p*, type *t*, slot *k*) for k = 1..K (K = ``max_per_type``). The
expected contribution of the k-th engagement of type t with partner p is::

    v(p, t, k) = priority_p * w_type(t) * d ** (k - 1)

with ``priority_p`` the partner's priority weight (e.g. a broker score from
``suasion.brokers``), ``w_type`` the intensity weight of :data:`vocab.TYPE_WEIGHT` and ``d``
(``diminishing``, default 0.5) the diminishing return of repeating the same activity with the
same partner. The planner solves::

    maximise   sum v(p,t,k) y(p,t,k)
    subject to sum c_t y(p,t,k) <= budget
               y(p,t,k) <= y(p,t,k-1)            (slot k only after slot k-1)
               y binary

with :func:`scipy.optimize.milp` (HiGHS branch and bound), and reports the LP-relaxation bound
so the optimality of the answer can be checked. This is a 0-1 knapsack; the contribution
model is a documented assumption, not an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.partners import partner_code
from suasion.engagements.vocab import TYPE_WEIGHT, EngagementType, type_alias

PRIORITY_COLUMNS = ("priority", "weight", "score", "broker_score", "leverage")
PARTNER_COLUMNS = ("partner", "iso3", "broker", "actor")


@dataclass
class PortfolioPlan:
    budget: float
    spent: float
    value: float
    lp_bound: float
    chosen: pd.DataFrame
    not_chosen: pd.DataFrame
    reasoning: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        import json

        def rec(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return json.loads(frame.to_json(orient="records"))

        return {"budget": self.budget, "spent": self.spent, "remaining": self.budget - self.spent,
                "value": self.value, "lp_bound": self.lp_bound, "chosen": rec(self.chosen),
                "not_chosen": rec(self.not_chosen), "reasoning": self.reasoning}


def priority_weights(priorities: Any) -> dict[str, float]:
    """Partner -> positive weight from a mapping, a list of codes (weight 1 each) or a DataFrame
    with a partner column (partner/iso3/broker/actor) and a weight column
    (priority/weight/score/broker_score/leverage)."""
    if isinstance(priorities, pd.DataFrame):
        pcol = next((c for c in PARTNER_COLUMNS if c in priorities.columns), None)
        wcol = next((c for c in PRIORITY_COLUMNS if c in priorities.columns), None)
        if pcol is None or wcol is None:
            raise InvalidRecordError(f"priority table needs a partner column ({', '.join(PARTNER_COLUMNS)}) and "
                                     f"a weight column ({', '.join(PRIORITY_COLUMNS)}); got "
                                     f"{', '.join(map(str, priorities.columns))}")
        items = list(zip(priorities[pcol], priorities[wcol]))
    elif isinstance(priorities, Mapping):
        items = list(priorities.items())
    else:
        items = [(p, 1.0) for p in priorities]
    weights: dict[str, float] = {}
    for partner, weight in items:
        w = float(weight)
        if not np.isfinite(w) or w <= 0:
            raise InvalidRecordError(f"priority of {partner!r} must be a positive number, got {weight!r}")
        code = partner_code(str(partner))
        weights[code] = weights.get(code, 0.0) + w
    if not weights:
        raise InvalidRecordError("at least one priority partner is required")
    return weights


def plan_portfolio(budget: float, priorities: Any, type_costs: Mapping[str, float] | None = None, *,
                   max_per_type: int = 3, diminishing: float = 0.5) -> PortfolioPlan:
    """The set of engagements that maximises expected contribution within ``budget`` (module docstring).
    ``type_costs`` maps activity type -> cost of one engagement (types left out are not planned)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    if not np.isfinite(budget) or budget <= 0:
        raise InvalidRecordError(f"budget must be a positive number, got {budget!r}")
    if not 0 < diminishing <= 1:
        raise InvalidRecordError(f"diminishing must be in (0, 1], got {diminishing!r}")
    if not type_costs:
        raise InvalidRecordError("type_costs is required: the cost of one engagement of each type to plan")
    weights = priority_weights(priorities)
    costs: dict[EngagementType, float] = {}
    for name, cost in type_costs.items():
        try:
            t = EngagementType(type_alias(getattr(name, "value", name)))
        except ValueError:
            raise InvalidRecordError(f"unknown engagement type {name!r} in type_costs") from None
        if not np.isfinite(cost) or cost <= 0:
            raise InvalidRecordError(f"cost of {t.value} must be positive, got {cost!r}")
        costs[t] = float(cost)
    K = int(max_per_type)
    cands = [(p, t, k) for p in weights for t in costs for k in range(1, K + 1)]
    value = np.array([weights[p] * TYPE_WEIGHT[t] * diminishing ** (k - 1) for p, t, k in cands])
    cost = np.array([costs[t] for _p, t, _k in cands])
    n = len(cands)
    rows = [cost]
    lower = [-np.inf]
    upper = [float(budget)]
    index = {c: i for i, c in enumerate(cands)}
    for (p, t, k), i in index.items():
        if k > 1:
            row = np.zeros(n)
            row[i], row[index[(p, t, k - 1)]] = 1.0, -1.0
            rows.append(row)
            lower.append(-np.inf)
            upper.append(0.0)
    constraints = LinearConstraint(np.vstack(rows), lower, upper)
    result = milp(-value, constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, 1))
    relaxed = milp(-value, constraints=constraints, integrality=np.zeros(n), bounds=Bounds(0, 1))
    if result.x is None:  # pragma: no cover - the zero vector is always feasible
        raise InvalidRecordError(f"no feasible plan: {result.message}")
    y = np.round(result.x).astype(int)
    table = pd.DataFrame({"partner": [c[0] for c in cands], "type": [c[1].value for c in cands],
                          "slot": [c[2] for c in cands], "priority": [weights[c[0]] for c in cands],
                          "type_weight": [TYPE_WEIGHT[c[1]] for c in cands], "value": value, "cost": cost,
                          "value_per_cost": value / cost, "chosen": y.astype(bool)})
    chosen = (table[table["chosen"]].groupby(["partner", "type"], as_index=False)
              .agg(count=("slot", "size"), cost=("cost", "sum"), value=("value", "sum"),
                   priority=("priority", "first"), type_weight=("type_weight", "first"))
              .sort_values(["value", "partner"], ascending=[False, True]).reset_index(drop=True))
    spent = float(cost @ y)
    total = float(value @ y)
    remaining = float(budget) - spent
    skipped = table[~table["chosen"]].sort_values("value_per_cost", ascending=False).head(10).copy()
    skipped["why_not"] = np.where(skipped["cost"] > remaining + 1e-9,
                                  "costs more than the budget left",
                                  "a better-valued combination used the budget")
    skipped = skipped.drop(columns=["chosen"]).reset_index(drop=True)
    bound = float(-relaxed.fun) if relaxed.x is not None else total
    reasoning = [
        f"Expected contribution v = priority(partner) x type weight x {diminishing:g}^(slot-1); "
        f"{len(weights)} partner(s), {len(costs)} type(s), up to {K} per partner and type: {n} candidates.",
        f"Chose {int(y.sum())} engagement(s) costing {spent:,.0f} of {budget:,.0f} "
        f"(left {remaining:,.0f}), total expected contribution {total:.3f}.",
        f"LP-relaxation bound {bound:.3f}: the integer plan reaches "
        f"{(100 * total / bound) if bound > 0 else 100:.1f}% of it (solver status: {result.message}).",
    ]
    for row in chosen.itertuples(index=False):
        reasoning.append(f"{row.partner}: {row.count} x {row.type} (priority {row.priority:g}, type weight "
                         f"{row.type_weight:g}) adds {row.value:.3f} for {row.cost:,.0f}.")
    if len(skipped):
        best = skipped.iloc[0]
        reasoning.append(f"Best candidate left out: {best['partner']} {best['type']} slot {best['slot']} "
                         f"(value {best['value']:.3f}, cost {best['cost']:,.0f}): {best['why_not']}.")
    return PortfolioPlan(float(budget), spent, total, bound, chosen, skipped, reasoning)
