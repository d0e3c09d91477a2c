"""Engagements: create, read, list, edit, move along the life cycle and assess, within the
user's role and clearance, with optimistic concurrency and an audit entry for every change.

Hidden and missing records take the same path: every lookup filters on the user's markings in
SQL, so a record above the user's clearance is never loaded (no timing difference, same 404).
Writes lock the engagement row first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write
lock is taken at ``BEGIN IMMEDIATE``), so concurrent edits of one record queue on that lock and
the loser gets a version conflict (409), never a constraint violation or deadlock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from suasion.engagements import auth
from suasion.engagements.base import RegisterBase, jsonable, search_pattern
from suasion.engagements.errors import IllegalTransitionError, InvalidRecordError, RecordNotFoundError
from suasion.engagements.models import (
    Assessment,
    Engagement,
    EngagementObjective,
    EngagementPartner,
    Objective,
    utcnow,
)
from suasion.engagements.partners import partner_codes
from suasion.engagements.schemas import (
    AssessmentIn,
    AssessmentOut,
    EngagementIn,
    EngagementOut,
    EngagementPatch,
    Page,
    parse,
)
from suasion.engagements.vocab import TRANSITIONS, Department, EngagementType, Role, Status


def engagement_snapshot(row: Engagement) -> dict[str, Any]:
    """Every stored field of an engagement, JSON-ready (what the audit log records)."""
    return jsonable({
        "title": row.title, "type": row.type, "partners": [p.iso3 for p in row.partners],
        "location": row.location, "start_date": row.start_date, "end_date": row.end_date,
        "level": row.level, "lead_department": row.lead_department,
        "supporting_departments": list(row.supporting_departments or []), "status": row.status,
        "estimated_cost": row.estimated_cost, "actual_cost": row.actual_cost, "currency": row.currency,
        "objective_ids": sorted(link.objective_id for link in row.objective_links),
        "classification": row.classification, "notes": row.notes, "version": row.version,
    })


_ENGAGEMENT_COLUMNS = tuple(Engagement.__table__.c)
# Read statements built once (building a statement costs more than running it on SQLite).
_IDS = bindparam("ids", expanding=True)
_VISIBLE = bindparam("visible", expanding=True)
_ONE_ENGAGEMENT = select(*_ENGAGEMENT_COLUMNS).where(Engagement.id == bindparam("engagement_id"),
                                                     Engagement.classification.in_(_VISIBLE))
_PARTNERS_OF = (select(EngagementPartner.engagement_id, EngagementPartner.iso3)
                .where(EngagementPartner.engagement_id.in_(_IDS))
                .order_by(EngagementPartner.engagement_id, EngagementPartner.position))
_VISIBLE_LINKS_OF = (select(EngagementObjective.engagement_id, EngagementObjective.objective_id)
                     .join(Objective, Objective.id == EngagementObjective.objective_id)
                     .where(EngagementObjective.engagement_id.in_(_IDS), Objective.classification.in_(_VISIBLE)))
_ASSESSMENTS_OF = (select(*Assessment.__table__.c).where(Assessment.engagement_id.in_(_IDS))
                   .order_by(Assessment.id))
_VISIBLE_OBJECTIVES = select(Objective.id).where(Objective.id.in_(_IDS), Objective.classification.in_(_VISIBLE))


def visible_results(results: list[dict[str, Any]], visible_objectives: set[int]) -> list[dict[str, Any]]:
    """Indicator results the reader may see: those of objectives they may see (results recorded
    before objectives were stored with them have no ``objective_id`` and are kept)."""
    return [r for r in results or [] if r.get("objective_id") is None or r["objective_id"] in visible_objectives]


def _enum(value: Any, enum: type, what: str) -> str:
    try:
        return enum(getattr(value, "value", value)).value
    except ValueError:
        raise InvalidRecordError(f"unknown {what} {value!r}; one of {', '.join(e.value for e in enum)}") from None


class EngagementOps(RegisterBase):
    """Engagements and their assessments."""

    # --- reading ------------------------------------------------------------------------

    def _engagement_row(self, s: Session, me: auth.Actor, engagement_id: int, *, lock: bool = False) -> Engagement:
        query = select(Engagement).where(Engagement.id == int(engagement_id),
                                         Engagement.classification.in_(me.visible))
        row = s.scalars(query.with_for_update() if lock else query).first()
        if row is None:
            raise RecordNotFoundError(f"no engagement {engagement_id}")
        return row

    def _engagement_out(self, s: Session, me: auth.Actor, rows: list[Engagement]) -> list[EngagementOut]:
        """ORM rows (just written) as the user sees them."""
        data = []
        for r in rows:
            item = {c.name: getattr(r, c.key) for c in _ENGAGEMENT_COLUMNS}
            data.append(item)
        return self._engagement_items(s.connection(), me, data)

    def get(self, engagement_id: int) -> EngagementOut:
        me = self._me()
        with self.store.read_rows() as s:
            rows = [dict(r._mapping) for r in s.execute(_ONE_ENGAGEMENT, {"engagement_id": int(engagement_id),
                                                                          "visible": list(me.visible)})]
            items = self._engagement_items(s, me, rows)
        if not items:
            raise RecordNotFoundError(f"no engagement {engagement_id}")
        return items[0]

    @staticmethod
    def _engagement_items(conn: Connection, me: auth.Actor, rows: list[dict[str, Any]]) -> list[EngagementOut]:
        """Read-only path: engagements as plain rows (SQLAlchemy Core, no ORM objects), with
        their partners, objective links (only to objectives the user may see) and assessments
        (indicator results only of objectives the user may see) in one query each. ``rows``
        are rows of ``engagements`` as dicts (a ``_total`` key is dropped)."""
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        partners: dict[int, list[str]] = {i: [] for i in ids}
        links: dict[int, list[int]] = {i: [] for i in ids}
        assessments: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for eid, iso3 in conn.execute(_PARTNERS_OF, {"ids": ids}):
            partners[eid].append(iso3)
        for eid, oid in conn.execute(_VISIBLE_LINKS_OF, {"ids": ids, "visible": list(me.visible)}):
            links[eid].append(oid)
        found = [dict(a._mapping) for a in conn.execute(_ASSESSMENTS_OF, {"ids": ids})]
        named = {r["objective_id"] for a in found for r in a["indicator_results"] or []
                 if r.get("objective_id") is not None}
        visible = set(conn.scalars(_VISIBLE_OBJECTIVES, {"ids": list(named), "visible": list(me.visible)})) \
            if named else set()
        for a in found:
            a["indicator_results"] = visible_results(a["indicator_results"], visible)
            assessments[a["engagement_id"]].append(a)
        out = []
        for data in rows:
            data.pop("_total", None)
            eid = data["id"]
            data["supporting_departments"] = list(data["supporting_departments"] or [])
            data["partners"] = partners[eid]
            data["objective_ids"] = sorted(links[eid])
            data["assessments"] = assessments[eid]
            out.append(EngagementOut.model_validate(data))
        return out

    def _engagement_query(self, me: auth.Actor, *, status: str | None = None, partner: str | None = None,
                          type: str | None = None, q: str | None = None, objective_id: int | None = None,
                          lead_department: str | None = None, start_from: dt.date | None = None,
                          start_to: dt.date | None = None) -> Select[Any]:
        query = select(Engagement).where(Engagement.classification.in_(me.visible))
        if status:
            query = query.where(Engagement.status == _enum(status, Status, "status"))
        if type:
            query = query.where(Engagement.type == _enum(type, EngagementType, "type"))
        if lead_department:
            query = query.where(Engagement.lead_department == _enum(lead_department, Department, "department"))
        if partner:
            code = partner_codes([partner])[0]
            # IN (subquery) lets SQLite drive the search from the partner index (2x faster than EXISTS)
            query = query.where(Engagement.id.in_(select(EngagementPartner.engagement_id)
                                                  .where(EngagementPartner.iso3 == code)))
        if objective_id is not None:
            # only through objectives the user may see: a hidden objective filters like a missing one
            query = query.where(Engagement.id.in_(
                select(EngagementObjective.engagement_id)
                .join(Objective, Objective.id == EngagementObjective.objective_id)
                .where(EngagementObjective.objective_id == int(objective_id),
                       Objective.classification.in_(me.visible))))
        if start_from is not None:
            query = query.where(Engagement.end_date >= start_from)
        if start_to is not None:
            query = query.where(Engagement.start_date <= start_to)
        if q:
            like = search_pattern(q)
            query = query.where(or_(func.lower(Engagement.title).like(like, escape="\\"),
                                    func.lower(Engagement.location).like(like, escape="\\"),
                                    func.lower(Engagement.notes).like(like, escape="\\")))
        return query

    def list(self, *, limit: int = 100, offset: int = 0, **filters: Any) -> Page:
        """A page of engagements the user may see, ordered by start date; ``total`` counts them all.
        Filters: status, partner, type, q (text search), objective_id, lead_department,
        start_from / start_to (engagements overlapping that window)."""
        me = self._me()
        limit, offset = self._page_bounds(limit, offset)
        query = self._engagement_query(me, **filters)
        counted = func.count().over().label("_total")  # the total comes with the page: one query
        with self.store.read_rows() as s:
            rows = [dict(r._mapping) for r in s.execute(query.with_only_columns(*_ENGAGEMENT_COLUMNS, counted)
                                                        .order_by(Engagement.start_date, Engagement.id)
                                                        .limit(limit).offset(offset))] if limit else []
            if rows:
                total = rows[0]["_total"]
            elif limit and offset == 0:
                total = 0
            else:  # no rows to carry the total (limit 0, or an offset past the end)
                total = s.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
            items = self._engagement_items(s, me, rows)
        return Page(total=total, limit=limit, offset=offset, items=items)

    def count(self, **filters: Any) -> int:
        return self.list(limit=0, **filters).total

    def all_engagements(self, **filters: Any) -> list[EngagementOut]:
        me = self._me()
        query = self._engagement_query(me, **filters).order_by(Engagement.start_date, Engagement.id)
        with self.store.read_rows() as s:
            rows = [dict(r._mapping) for r in s.execute(query.with_only_columns(*_ENGAGEMENT_COLUMNS))]
            return self._engagement_items(s, me, rows)

    def engagements_frame(self, **filters: Any) -> pd.DataFrame:
        """The engagements the user may see as a tidy DataFrame (one row per engagement)."""
        from suasion.engagements.io import engagement_rows

        return pd.DataFrame(engagement_rows(self.all_engagements(**filters)))

    # --- writing ------------------------------------------------------------------------

    def _objectives_exist(self, s: Session, me: auth.Actor, ids: list[int]) -> list[int]:
        wanted = list(dict.fromkeys(int(i) for i in ids))
        if not wanted:
            return []
        found = set(s.scalars(select(Objective.id).where(Objective.id.in_(wanted),
                                                         Objective.classification.in_(me.visible))))
        unknown = [i for i in wanted if i not in found]
        if unknown:
            raise InvalidRecordError(f"unknown objective id(s): {', '.join(map(str, unknown))}")
        return wanted

    def add(self, data: EngagementIn | dict[str, Any]) -> EngagementOut:
        """Create an engagement (status ``proposed``). Needs role planner."""
        me = self._me()
        me.at_least(Role.planner, "create engagements")
        data = parse(EngagementIn, data, "engagement")
        partners = partner_codes(data.partners)
        with self.store.write() as s:
            return self._insert_engagement(s, me, data, partners)

    def _insert_engagement(self, s: Session, me: auth.Actor, data: EngagementIn,
                           partners: list[str]) -> EngagementOut:
        objective_ids = self._objectives_exist(s, me, data.objective_ids)
        now = utcnow()
        row = Engagement(
            title=data.title, type=data.type.value, location=data.location, start_date=data.start_date,
            end_date=data.end_date, level=data.level.value, lead_department=data.lead_department.value,
            supporting_departments=sorted({d.value for d in data.supporting_departments}),
            status=Status.proposed.value, estimated_cost=data.estimated_cost, actual_cost=data.actual_cost,
            currency=data.currency, classification=self._classification(s, me, data.classification),
            notes=data.notes, created_by=me.username, created_at=now, updated_at=now,
            partners=[EngagementPartner(iso3=c, position=i) for i, c in enumerate(partners)],
            objective_links=[EngagementObjective(objective_id=i) for i in objective_ids])
        s.add(row)
        s.flush()
        self._audit(s, me.username, "create", "engagement", row.id, row.version, row.classification, None,
                    engagement_snapshot(row))
        return self._engagement_out(s, me, [row])[0]

    def _results_above(self, s: Session, row: Engagement, marking: str) -> list[int]:
        """Objectives above ``marking`` whose indicator results the engagement's assessments hold."""
        ids = {r.get("objective_id") for a in row.assessments for r in a.indicator_results or []} - {None}
        if not ids:
            return []
        levels = self._levels(s)
        return sorted(oid for oid, c in s.execute(select(Objective.id, Objective.classification)
                                                  .where(Objective.id.in_(ids)))
                      if self._rank(levels, c) > self._rank(levels, marking))

    def update(self, engagement_id: int, patch: EngagementPatch | dict[str, Any]) -> EngagementOut:
        """Change fields of an engagement. ``patch["version"]`` must be the version you read;
        a stale version raises :class:`ConflictError` and changes nothing. Lowering the marking
        needs role approver and is audited as ``downmark``."""
        me = self._me()
        me.at_least(Role.planner, "edit engagements")
        patch = parse(EngagementPatch, patch, f"engagement {engagement_id}")
        given = patch.model_fields_set
        partners = partner_codes(patch.partners) if patch.partners is not None else None
        with self.store.write() as s, s.no_autoflush:  # every check runs before the row changes
            row = self._engagement_row(s, me, engagement_id, lock=True)
            self._check_version("engagement", engagement_id, row.version, patch.version)
            if row.status in (Status.cancelled.value, Status.assessed.value) and \
                    given - {"version", "notes", "classification"}:
                raise IllegalTransitionError(f"engagement {engagement_id} is {row.status}; only its notes "
                                             "and marking may change")
            before = engagement_snapshot(row)
            old_class = row.classification
            new_class = self._classification(s, me, patch.classification) if patch.classification is not None \
                else old_class
            action = self._check_marking_change(s, me, f"engagement {engagement_id}", old_class, new_class)
            if action == "downmark":
                above = self._results_above(s, row, new_class)
                if above:
                    raise InvalidRecordError(
                        f"engagement {engagement_id} cannot be marked {new_class}: its assessments hold "
                        f"indicator results of objective(s) {', '.join(map(str, above))} marked above it")
            start = patch.start_date if "start_date" in given and patch.start_date is not None else row.start_date
            end = patch.end_date if "end_date" in given and patch.end_date is not None else row.end_date
            if end < start:
                raise InvalidRecordError(f"end_date {end} is before start_date {start}")
            links = None
            if patch.objective_ids is not None:
                ids = self._objectives_exist(s, me, patch.objective_ids)
                current = [link.objective_id for link in row.objective_links]
                visible = set(s.scalars(select(Objective.id).where(Objective.id.in_(current),
                                                                   Objective.classification.in_(me.visible)))) \
                    if current else set()
                hidden = [i for i in current if i not in visible and i not in ids]  # kept: not yours to drop
                links = ids + hidden
            for name in ("title", "location", "notes", "start_date", "end_date", "currency"):
                if name in given and getattr(patch, name) is not None:
                    setattr(row, name, getattr(patch, name))
            for name in ("type", "level", "lead_department"):
                if name in given and getattr(patch, name) is not None:
                    setattr(row, name, getattr(patch, name).value)
            for name in ("estimated_cost", "actual_cost"):  # None clears a cost
                if name in given:
                    setattr(row, name, getattr(patch, name))
            if patch.supporting_departments is not None:
                row.supporting_departments = sorted({d.value for d in patch.supporting_departments})
            row.classification = new_class
            if partners is not None:
                row.partners = [EngagementPartner(iso3=c, position=i) for i, c in enumerate(partners)]
            if links is not None:
                row.objective_links = [EngagementObjective(objective_id=i) for i in links]
            row.updated_at = utcnow()
            self._flush(s, "engagement", engagement_id, patch.version)
            self._audit(s, me.username, action, "engagement", row.id, row.version,
                        self._higher(self._levels(s), old_class, new_class), before, engagement_snapshot(row))
            return self._engagement_out(s, me, [row])[0]

    def transition(self, engagement_id: int, to: Status | str, *, version: int) -> EngagementOut:
        """Move an engagement along its life cycle (see :data:`vocab.TRANSITIONS`).
        Approval needs role approver; ``assessed`` is reached by :meth:`assess`."""
        me = self._me()
        target = Status(_enum(to, Status, "status"))
        if target is Status.approved:
            me.at_least(Role.approver, "approve engagements")
        else:
            me.at_least(Role.planner, "change the status of engagements")
        if target is Status.assessed:
            raise IllegalTransitionError("an engagement becomes 'assessed' by recording an assessment")
        with self.store.write() as s:
            row = self._engagement_row(s, me, engagement_id, lock=True)
            self._check_version("engagement", engagement_id, row.version, int(version))
            current = Status(row.status)
            if target not in TRANSITIONS[current]:
                allowed = ", ".join(sorted(t.value for t in TRANSITIONS[current])) or "none (final)"
                raise IllegalTransitionError(f"engagement {engagement_id}: {current.value} -> {target.value} "
                                             f"is not allowed; from {current.value}: {allowed}")
            before = engagement_snapshot(row)
            row.status = target.value
            row.updated_at = utcnow()
            self._flush(s, "engagement", engagement_id, int(version))
            self._audit(s, me.username, "approve" if target is Status.approved else "transition",
                        "engagement", row.id, row.version, row.classification, before, engagement_snapshot(row))
            return self._engagement_out(s, me, [row])[0]

    def approve(self, engagement_id: int, *, version: int) -> EngagementOut:
        return self.transition(engagement_id, Status.approved, version=version)

    def cancel(self, engagement_id: int, *, version: int) -> EngagementOut:
        return self.transition(engagement_id, Status.cancelled, version=version)

    def assess(self, engagement_id: int, data: AssessmentIn | dict[str, Any]) -> EngagementOut:
        """Record an assessment of an executed (or already assessed) engagement; status -> assessed.

        Indicator results must name indicators of the engagement's linked objectives, and of an
        objective marked no higher than the engagement: a result is shown with the engagement,
        so naming an indicator of a higher-marked objective would show it to readers who may not
        see that objective (refused, 422). Each result is stored with its objective's id."""
        me = self._me()
        me.at_least(Role.planner, "assess engagements")
        data = parse(AssessmentIn, data, f"assessment of engagement {engagement_id}")
        with self.store.write() as s, s.no_autoflush:
            row = self._engagement_row(s, me, engagement_id, lock=True)
            self._check_version("engagement", engagement_id, row.version, data.version)
            if row.status not in (Status.executed.value, Status.assessed.value):
                raise IllegalTransitionError(f"engagement {engagement_id} is {row.status}; only executed "
                                             "engagements can be assessed")
            if data.date < row.start_date:
                raise InvalidRecordError(f"assessment date {data.date} is before the engagement's start "
                                         f"{row.start_date}")
            levels = self._levels(s)
            ids = [link.objective_id for link in row.objective_links]
            linked = s.scalars(select(Objective).where(Objective.id.in_(ids),
                                                       Objective.classification.in_(me.visible))
                               .order_by(Objective.id)).all() if ids else []
            allowed: dict[str, int] = {}
            above: dict[str, Objective] = {}
            for o in linked:
                fits = self._rank(levels, o.classification) <= self._rank(levels, row.classification)
                for ind in o.indicators or []:
                    if fits:
                        allowed.setdefault(ind["name"], o.id)
                    else:
                        above.setdefault(ind["name"], o)
            results = []
            for r in data.indicator_results:
                if r.indicator in allowed:
                    results.append({**r.model_dump(), "objective_id": allowed[r.indicator]})
                elif r.indicator in above:
                    o = above[r.indicator]
                    raise InvalidRecordError(
                        f"indicator {r.indicator!r} belongs to objective {o.id}, marked {o.classification}, "
                        f"above engagement {engagement_id} ({row.classification}): its result would show "
                        "to readers who may not see the objective; raise the engagement's marking first")
                else:
                    raise InvalidRecordError(
                        f"unknown indicator {r.indicator!r}; the linked objectives define: "
                        f"{', '.join(sorted(allowed)) or 'none'}")
            before = engagement_snapshot(row)
            assessment = Assessment(date=data.date, indicator_results=results, rating=data.rating,
                                    narrative=data.narrative, assessor=data.assessor or me.username,
                                    created_by=me.username, created_at=utcnow())
            row.assessments.append(assessment)
            row.status = Status.assessed.value
            row.updated_at = utcnow()
            self._flush(s, "engagement", engagement_id, data.version)
            after = engagement_snapshot(row)
            after["assessment"] = jsonable(AssessmentOut.model_validate(assessment).model_dump())
            self._audit(s, me.username, "assess", "engagement", row.id, row.version, row.classification,
                        before, after)
            return self._engagement_out(s, me, [row])[0]
