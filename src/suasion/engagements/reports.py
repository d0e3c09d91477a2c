"""Analysis over what the user may see: relationship trajectory, coherence checks, the
portfolio planner, and the register as a panel channel. The formulas live in
:mod:`~suasion.engagements.analysis`, :mod:`~suasion.engagements.planner` and
:mod:`~suasion.engagements.channel`; these methods fetch the records the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from suasion.engagements.base import RegisterBase
from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.partners import partner_codes
from suasion.engagements.vocab import Status


class ReportOps(RegisterBase):
    """Trajectory, coherence, planner, channel."""

    def trajectory(self, partner: str, **options: Any) -> pd.DataFrame:
        """Monthly engagement-intensity index and mean assessment rating for one partner
        (see :func:`suasion.engagements.analysis.trajectory`)."""
        from suasion.engagements.analysis import trajectory

        code = partner_codes([partner])[0]
        return trajectory(self.all_engagements(partner=code), code, **options)  # type: ignore[attr-defined]

    def coherence(self, *, priority: Iterable[str] = (), **options: Any) -> dict[str, pd.DataFrame]:
        """Cross-department coherence checks (see :func:`suasion.engagements.analysis.coherence`)."""
        from suasion.engagements.analysis import coherence

        return coherence(self.all_engagements(), self.all_objectives(),  # type: ignore[attr-defined]
                         priority=partner_codes(list(priority)) if priority else [], **options)

    def historical_type_costs(self) -> dict[str, float]:
        """Mean cost of one engagement per type over the live engagements the user may see
        (actual cost where known, else estimated); currencies are not converted."""
        frame = self.engagements_frame()  # type: ignore[attr-defined]
        if frame.empty:
            return {}
        frame = frame[frame["status"] != Status.cancelled.value]
        cost = frame["actual_cost"].where(frame["actual_cost"].notna(), frame["estimated_cost"])
        means = cost.groupby(frame["type"]).mean().dropna()
        return {str(k): float(v) for k, v in means.items() if v > 0}

    def plan(self, budget: float, priorities: Any, type_costs: dict[str, float] | None = None,
             **options: Any) -> Any:
        """Portfolio planner (see :func:`suasion.engagements.planner.plan_portfolio`); without
        ``type_costs`` the register's mean historical cost per type is used."""
        from suasion.engagements.planner import plan_portfolio

        self._me()
        if type_costs is None:
            type_costs = self.historical_type_costs()
            if not type_costs:
                raise InvalidRecordError("no type_costs given and no costed engagements to estimate them from")
        return plan_portfolio(budget, priorities, type_costs, **options)

    def channel(self, statuses: Iterable[str] | str | None = None, *, weights: Any = None,
                year: int | None = None, principal: str | None = None) -> Any:
        """The engagements the user may see as a yearly dyadic panel channel from the register's
        principal to each partner (:mod:`suasion.engagements.channel`): an
        :class:`~suasion.engagements.channel.EngagementChannel` with ``frame`` (source, target,
        year, value, engagements), ``marking`` (the highest marking that entered) and
        ``save(name)``. ``weights`` is a :class:`ChannelWeights` or a YAML/JSON file;
        ``principal`` overrides the register's setting."""
        from suasion.engagements.channel import (
            ChannelWeights,
            EngagementChannel,
            build_channel,
            channel_statuses,
            principal_code,
            read_weights,
        )

        me = self._me()
        chosen = channel_statuses(statuses)
        if weights is None:
            weights = ChannelWeights()
        elif isinstance(weights, (str, Path)):
            weights = read_weights(weights)
        if year is not None and not 1800 <= int(year) <= 2200:
            raise InvalidRecordError(f"year {year} is not a plausible year")
        code = principal_code(principal) if principal is not None else self.principal()  # type: ignore[attr-defined]
        if code is None:
            raise InvalidRecordError("the register has no principal (its own side): an admin sets it with "
                                     "'suasion register settings principal CODE', or give principal=")
        records = [e for e in self.all_engagements() if e.status in chosen]  # type: ignore[attr-defined]
        frame = build_channel(records, code, statuses=chosen, weights=weights, year=year)
        entered = set(frame.attrs["engagement_ids"])
        with self.store.read() as s:
            levels = self._levels(s)
        marking = levels[0]
        for e in records:
            if e.id in entered:
                marking = self._higher(levels, marking, e.classification)
        assert me.may_see(marking)
        return EngagementChannel(frame, code, marking, chosen, weights, None if year is None else int(year),
                                 len(entered))
