"""Reading the append-only audit log, within the reader's clearance.

Each entry carries the marking of the record it is about (the higher of its marking before and
after the change); a reader sees the entries at or below their clearance, about records they
may see now (a record re-marked above a reader takes its history with it). An entry about a
record you may see is never hidden because the record is linked to objectives you may not see:
those links (``objective_ids`` in the before/after snapshots) and indicator results of such
objectives are removed from what you are shown, and the entry says ``redacted``. So a planner
always sees their own edits, and a change that touched only hidden links shows as an entry by
its author whose visible fields did not change (the record's version moved anyway).
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import and_, func, or_, select

from suasion.engagements.base import RegisterBase, checked_text
from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.models import AuditEntry, Engagement, Objective
from suasion.engagements.records import visible_results
from suasion.engagements.schemas import AuditOut, Page
from suasion.engagements.vocab import Role

#: Entities in the audit log: records (and imports of them) for everyone, users and settings for admins.
RECORD_ENTITIES = ("engagement", "objective", "engagements", "objectives")
ADMIN_ENTITIES = ("user", "settings")


def _objective_refs(snapshot: dict[str, Any] | None) -> set[int]:
    if not snapshot:
        return set()
    refs = set(snapshot.get("objective_ids") or [])
    assessment = snapshot.get("assessment") or {}
    refs |= {r.get("objective_id") for r in assessment.get("indicator_results") or []} - {None}
    return refs


def redact(snapshot: dict[str, Any] | None, visible: set[int]) -> tuple[dict[str, Any] | None, bool]:
    """The snapshot without links to, or indicator results of, objectives outside ``visible``."""
    if not snapshot:
        return snapshot, False
    out, changed = snapshot, False
    ids = snapshot.get("objective_ids")
    if ids is not None and any(i not in visible for i in ids):
        out = copy.deepcopy(out)
        out["objective_ids"] = [i for i in ids if i in visible]
        changed = True
    assessment = out.get("assessment")
    if assessment and assessment.get("indicator_results"):
        kept = visible_results(assessment["indicator_results"], visible)
        if len(kept) != len(assessment["indicator_results"]):
            out = copy.deepcopy(out) if out is snapshot else out
            out["assessment"]["indicator_results"] = kept
            changed = True
    return out, changed


class AuditOps(RegisterBase):
    """The audit trail."""

    def audit(self, *, entity: str | None = None, entity_id: int | None = None, limit: int = 100,
              offset: int = 0) -> Page:
        """Audit entries the user may see (by the record's classification), newest first, with
        links to objectives the user may not see removed (module docstring)."""
        me = self._me()
        limit, offset = self._page_bounds(limit, offset)
        allowed = RECORD_ENTITIES + (ADMIN_ENTITIES if me.role is Role.admin else ())
        if entity:
            checked_text(entity, "entity")
            if entity not in RECORD_ENTITIES + ADMIN_ENTITIES:
                raise InvalidRecordError(f"unknown entity {entity!r}; one of "
                                         f"{', '.join(RECORD_ENTITIES + ADMIN_ENTITIES)}")
        query = select(AuditEntry).where(
            AuditEntry.classification.in_(me.visible), AuditEntry.entity.in_((entity,) if entity else allowed),
            or_(AuditEntry.entity.not_in(("engagement", "objective")),
                and_(AuditEntry.entity == "engagement", AuditEntry.entity_id.in_(
                    select(Engagement.id).where(Engagement.classification.in_(me.visible)))),
                and_(AuditEntry.entity == "objective", AuditEntry.entity_id.in_(
                    select(Objective.id).where(Objective.classification.in_(me.visible))))))
        if entity and entity not in allowed:
            query = query.where(AuditEntry.id < 0)  # admins' entities: nothing for others
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == int(entity_id))
        with self.store.read() as s:
            total = s.scalar(select(func.count()).select_from(query.subquery()))
            rows = s.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
            refs = set().union(*[_objective_refs(r.before) | _objective_refs(r.after) for r in rows]) \
                if rows else set()
            visible = set(s.scalars(select(Objective.id).where(Objective.id.in_(refs),
                                                               Objective.classification.in_(me.visible)))) \
                if refs else set()
            items = []
            for r in rows:
                before, hidden_before = redact(r.before, visible)
                after, hidden_after = redact(r.after, visible)
                items.append(AuditOut(id=r.id, at=r.at, actor=r.actor, action=r.action, entity=r.entity,
                                      entity_id=r.entity_id, version=r.version, classification=r.classification,
                                      before=before, after=after, redacted=hidden_before or hidden_after))
            return Page(total=total or 0, limit=limit, offset=offset, items=items)
