"""Trajectory index, coherence checks and the portfolio planner on hand-computable records."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pandas as pd
import pytest

from suasion.engagements.analysis import coherence, trajectory
from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.planner import plan_portfolio
from suasion.engagements.schemas import EngagementOut, ObjectiveOut
from suasion.engagements.vocab import TYPE_WEIGHT, EngagementType

NOW = dt.datetime(2026, 1, 1)
_ids = itertools.count(1)


def rec(start: str, end: str | None = None, *, partners: list[str] = ["PAK"], type: str = "staff_talks",
        level: str = "working", status: str = "executed", lead: str = "defence", cost: float | None = None,
        actual: float | None = None, objectives: list[int] = [], ratings: list[tuple[str, int]] = []) -> EngagementOut:
    eid = next(_ids)
    return EngagementOut.model_validate({
        "id": eid, "title": f"e{eid}", "type": type, "partners": partners, "location": "", "start_date": start,
        "end_date": end or start, "level": level, "lead_department": lead, "supporting_departments": [],
        "status": status, "estimated_cost": cost, "actual_cost": actual, "currency": "GBP",
        "objective_ids": objectives, "classification": "OFFICIAL", "notes": "", "created_by": "t",
        "created_at": NOW, "updated_at": NOW, "version": 1,
        "assessments": [{"id": i, "engagement_id": eid, "date": d, "indicator_results": [], "rating": r,
                         "narrative": "", "assessor": "t", "created_by": "t", "created_at": NOW}
                        for i, (d, r) in enumerate(ratings)]})


def test_trajectory_by_hand() -> None:
    records = [
        rec("2026-01-15", type="exercise", level="ministerial"),                      # weight 3 x 2 = 6
        rec("2026-03-02", status="assessed", ratings=[("2026-03-20", 4), ("2026-03-25", 2)]),  # 2 x 1
        rec("2026-04-01", type="training", status="planned"),                         # pipeline only
        rec("2026-02-01", type="exercise", status="cancelled"),                       # ignored
        rec("2026-02-01", partners=["IND"]),                                          # other partner
    ]
    frame = trajectory(records, "PAK", half_life_months=2)
    assert [str(m) for m in frame["month"]] == ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
    expected = [6, 6 * 2 ** -0.5, 6 * 0.5 + 2, 6 * 2 ** -1.5 + 2 * 2 ** -0.5]
    assert frame["intensity"].tolist() == pytest.approx(expected)
    assert frame["engagements"].tolist() == [1, 0, 1, 0]
    assert frame["pipeline"].tolist() == [0, 0, 0, 1]
    assert frame["assessments"].tolist() == [0, 0, 2, 0]
    assert math.isnan(frame["mean_rating"][0]) and frame["mean_rating"][2] == 3.0
    assert trajectory(records, "CHN").empty


def test_coherence_checks() -> None:
    a = rec("2026-03-02", "2026-03-04", cost=1000, objectives=[1], status="planned")
    b = rec("2026-03-02", "2026-03-04", partners=["PAK", "IND"], lead="foreign", cost=2000, status="approved")
    c = rec("2026-03-04", "2026-03-06", type="training", cost=900, actual=500, objectives=[1])
    d = rec("2026-03-10", cost=None, objectives=[1])
    e = rec("2026-03-03", status="cancelled", cost=99999)
    objectives = [ObjectiveOut.model_validate({
        "id": i, "title": f"o{i}", "partners": ["PAK"], "aim": "build_trust", "indicators": [], "owner": "x",
        "classification": "OFFICIAL", "notes": "", "created_by": "t", "created_at": NOW, "updated_at": NOW,
        "version": 1}) for i in (1, 2)]
    checks = coherence([a, b, c, d, e], objectives, priority=["IND"], max_non_priority_share=0.5)
    pairs = {(r.engagement_a, r.engagement_b): r for r in checks["overlaps"].itertuples()}
    assert set(pairs) == {(a.id, b.id), (a.id, c.id), (b.id, c.id)}
    assert pairs[(a.id, b.id)].kind == "duplicate" and pairs[(a.id, b.id)].cross_department
    assert pairs[(a.id, c.id)].kind == "overlap" and not pairs[(a.id, c.id)].cross_department
    assert checks["engagements_without_objectives"]["id"].tolist() == [b.id]
    assert checks["objectives_without_engagements"]["id"].tolist() == [2]
    spend = checks["spending"].set_index("partner")["cost"].to_dict()
    assert spend == {"PAK": 1000 + 1000 + 500, "IND": 1000}
    conc = checks["spending_concentration"].iloc[0]
    assert conc["non_priority_share"] == pytest.approx(2500 / 3500) and bool(conc["flagged"])
    assert not coherence([a, b, c], objectives, priority=["PAK"])["spending_concentration"]["flagged"].iloc[0]


def _brute_force(budget: float, prio: dict[str, float], costs: dict[str, float], K: int, d: float) -> float:
    cells = [(p, t) for p in prio for t in costs]
    best = 0.0
    for counts in itertools.product(range(K + 1), repeat=len(cells)):
        cost = sum(costs[t] * n for (p, t), n in zip(cells, counts))
        if cost <= budget:
            value = sum(prio[p] * TYPE_WEIGHT[EngagementType(t)] * sum(d ** k for k in range(n))
                        for (p, t), n in zip(cells, counts))
            best = max(best, value)
    return best


@pytest.mark.parametrize("budget", [5000, 23000, 47000, 120000])
def test_planner_is_optimal(budget: float) -> None:
    prio = {"PAK": 3.0, "IND": 1.0, "AFG": 0.5}
    costs = {"staff_talks": 5000.0, "exercise": 40000.0, "high_level_engagement": 18000.0}
    plan = plan_portfolio(budget, prio, costs, max_per_type=2, diminishing=0.6)
    assert plan.value == pytest.approx(_brute_force(budget, prio, costs, 2, 0.6))
    assert plan.spent <= budget and plan.value <= plan.lp_bound + 1e-9
    assert plan.chosen["cost"].sum() == pytest.approx(plan.spent)
    assert any("LP-relaxation bound" in line for line in plan.reasoning)


def test_planner_takes_a_broker_table_and_rejects_bad_input() -> None:
    brokers = pd.DataFrame({"broker": ["Pakistan", "IND"], "broker_score": [3.0, 1.0]})
    plan = plan_portfolio(10000, brokers, {"staff_talks": 5000})
    assert plan.chosen.set_index("partner")["count"].to_dict() == {"PAK": 2}
    with pytest.raises(InvalidRecordError, match="budget"):
        plan_portfolio(-1, {"PAK": 1}, {"staff_talks": 1})
    with pytest.raises(InvalidRecordError, match="unknown engagement type 'picnic'"):
        plan_portfolio(100, {"PAK": 1}, {"picnic": 1})
    with pytest.raises(InvalidRecordError, match="priority"):
        plan_portfolio(100, {"PAK": 0}, {"staff_talks": 1})


@pytest.mark.slow
def test_planner_accepts_the_broker_ranking() -> None:
    brokers_fn = pytest.importorskip("suasion.influence").brokers
    ranking = brokers_fn("USA", "PAK", 2010).head(5)
    plan = plan_portfolio(300000, ranking, {"staff_talks": 20000, "high_level_engagement": 60000})
    assert set(plan.chosen["partner"]) <= set(ranking["broker"])
    top = ranking["broker"].iloc[0]
    assert plan.chosen.loc[plan.chosen["partner"] == top, "count"].sum() >= 1
    assert plan.spent <= 300000
