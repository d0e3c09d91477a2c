"""Property test of the Python API: any engagement dict is either stored exactly as given or
refused with a SuasionError that leaves the database untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suasion.engagements.register import Register
from suasion.engagements.vocab import Department, EngagementType, Level
from suasion.errors import SuasionError

from .conftest import engagement

PARTNERS = st.sampled_from(["PAK", "IND", "afg", "Indonesia", "PAK", "IND", "PAK", "IND", "XXX", "", "Narnia"])
records = st.fixed_dictionaries({
    "title": st.one_of(st.from_regex(r"[A-Za-z][A-Za-z0-9 ,.-]{0,28}", fullmatch=True), st.text(max_size=30)),
    "type": st.sampled_from([t.value for t in EngagementType] + ["picnic"]),
    "partners": st.one_of(st.lists(PARTNERS, min_size=0, max_size=3), st.just(["PAK"])),
    "start_date": st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)),
    "days": st.integers(-5, 30),
    "level": st.sampled_from([v.value for v in Level]),
    "lead_department": st.sampled_from([d.value for d in Department]),
    "estimated_cost": st.one_of(st.none(), st.floats(0, 1e9), st.floats(-1e6, 1e9), st.just(float("nan")),
                                st.just(float("inf"))),
    "currency": st.sampled_from(["GBP", "EUR", "usd", "GBP", "ZZZ"]),
    "objective_ids": st.lists(st.sampled_from([1, 1, 1, 1, 7]), max_size=2),
    "classification": st.sampled_from(["OFFICIAL"] * 6 + ["SECRET", "TOP SECRET"]),
}).map(lambda r: {**{k: v for k, v in r.items() if k != "days"}, "start_date": str(r["start_date"]),
                  "end_date": str(r["start_date"] + dt.timedelta(days=r["days"]))})


def _state(reg: Register) -> tuple[int, int]:
    with reg.store.read() as s:
        return (s.scalar(sa.text("SELECT count(*) FROM engagements")),
                s.scalar(sa.text("SELECT count(*) FROM audit_log")))


def test_accept_exactly_or_refuse_cleanly(template_db: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copy(template_db, tmp_path / "r.sqlite")
    reg = Register(tmp_path / "r.sqlite")
    planner = reg.as_user("planner_sens")
    planner.add_objective({"title": "o", "partners": ["PAK"], "aim": "build_trust", "owner": "x"})

    outcomes = {"stored": 0, "refused": 0}

    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(records)
    def check(record: dict[str, Any]) -> None:
        data = engagement(**record)
        before = _state(reg)
        try:
            out = planner.add(data)
        except SuasionError:
            assert _state(reg) == before
            outcomes["refused"] += 1
            return
        outcomes["stored"] += 1
        assert _state(reg) == (before[0] + 1, before[1] + 1)
        assert out.title == data["title"].strip() and out.type.value == data["type"]
        assert out.start_date <= out.end_date and str(out.start_date) == data["start_date"]
        assert len(out.partners) == len({p for p in out.partners}) >= 1
        assert all(len(p) == 3 and p.isupper() for p in out.partners)
        assert out.estimated_cost is None or out.estimated_cost >= 0
        assert out.classification == "OFFICIAL"  # SECRET is above planner_sens's clearance
        assert planner.get(out.id) == out

    check()
    assert outcomes["stored"] >= 15 and outcomes["refused"] >= 15, outcomes
    reg.close()
