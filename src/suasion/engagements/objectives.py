"""Objectives that engagements serve: create, read, list and edit, within the user's clearance."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from suasion.engagements import auth
from suasion.engagements.base import RegisterBase, jsonable, search_pattern
from suasion.engagements.errors import InvalidRecordError, RecordNotFoundError
from suasion.engagements.models import Objective, ObjectivePartner, utcnow
from suasion.engagements.partners import partner_codes
from suasion.engagements.schemas import ObjectiveIn, ObjectiveOut, ObjectivePatch, Page, parse
from suasion.engagements.vocab import Role, StrategicAim


def objective_snapshot(row: Objective) -> dict[str, Any]:
    """Every stored field of an objective, JSON-ready (what the audit log records)."""
    return jsonable({
        "title": row.title, "partners": [p.iso3 for p in row.partners], "aim": row.aim,
        "indicators": list(row.indicators or []), "owner": row.owner,
        "classification": row.classification, "notes": row.notes, "version": row.version,
    })


def objective_dict(row: Objective) -> dict[str, Any]:
    return {**{c: getattr(row, c) for c in ("id", "title", "aim", "indicators", "owner", "classification",
                                              "notes", "created_by", "created_at", "updated_at",
                                              "version")},
            "partners": [p.iso3 for p in row.partners]}


class ObjectiveOps(RegisterBase):
    """Objectives."""

    def _objective_row(self, s: Session, me: auth.Actor, objective_id: int, *, lock: bool = False) -> Objective:
        """The objective if the user may see it. Hidden and missing objectives take the same path:
        one query filtered on the user's markings, nothing loaded for either."""
        query = select(Objective).where(Objective.id == int(objective_id),
                                        Objective.classification.in_(me.visible))
        row = s.scalars(query.with_for_update() if lock else query).first()
        if row is None:
            raise RecordNotFoundError(f"no objective {objective_id}")
        return row

    def add_objective(self, data: ObjectiveIn | dict[str, Any]) -> ObjectiveOut:
        me = self._me()
        me.at_least(Role.planner, "create objectives")
        data = parse(ObjectiveIn, data, "objective")
        partners = partner_codes(data.partners)
        with self.store.write() as s:
            return self._insert_objective(s, me, data, partners)

    def _insert_objective(self, s: Session, me: auth.Actor, data: ObjectiveIn,
                          partners: list[str]) -> ObjectiveOut:
        now = utcnow()
        row = Objective(title=data.title, aim=data.aim.value, owner=data.owner,
                        indicators=[i.model_dump() for i in data.indicators],
                        classification=self._classification(s, me, data.classification), notes=data.notes,
                        created_by=me.username, created_at=now, updated_at=now,
                        partners=[ObjectivePartner(iso3=c, position=i) for i, c in enumerate(partners)])
        s.add(row)
        s.flush()
        self._audit(s, me.username, "create", "objective", row.id, row.version, row.classification, None,
                    objective_snapshot(row))
        return ObjectiveOut.model_validate(objective_dict(row))

    def get_objective(self, objective_id: int) -> ObjectiveOut:
        me = self._me()
        with self.store.read() as s:
            return ObjectiveOut.model_validate(objective_dict(self._objective_row(s, me, objective_id)))

    def update_objective(self, objective_id: int, patch: ObjectivePatch | dict[str, Any]) -> ObjectiveOut:
        """Change fields of an objective (``patch["version"]`` = the version you read). Lowering
        its marking needs role approver and is audited as ``downmark``."""
        me = self._me()
        me.at_least(Role.planner, "edit objectives")
        patch = parse(ObjectivePatch, patch, f"objective {objective_id}")
        partners = partner_codes(patch.partners) if patch.partners is not None else None
        with self.store.write() as s, s.no_autoflush:
            row = self._objective_row(s, me, objective_id, lock=True)
            self._check_version("objective", objective_id, row.version, patch.version)
            before = objective_snapshot(row)
            old_class = row.classification
            new_class = self._classification(s, me, patch.classification) if patch.classification is not None \
                else old_class
            action = self._check_marking_change(s, me, f"objective {objective_id}", old_class, new_class)
            if patch.indicators is not None:
                names = [i.name for i in patch.indicators]
                if len(names) != len(set(names)):
                    raise InvalidRecordError("indicator names must be unique within an objective")
            for name in ("title", "owner", "notes"):
                if getattr(patch, name) is not None:
                    setattr(row, name, getattr(patch, name))
            if patch.aim is not None:
                row.aim = patch.aim.value
            if patch.indicators is not None:
                row.indicators = [i.model_dump() for i in patch.indicators]
            row.classification = new_class
            if partners is not None:
                row.partners = [ObjectivePartner(iso3=c, position=i) for i, c in enumerate(partners)]
            row.updated_at = utcnow()
            self._flush(s, "objective", objective_id, patch.version)
            self._audit(s, me.username, action, "objective", row.id, row.version,
                        self._higher(self._levels(s), old_class, row.classification), before,
                        objective_snapshot(row))
            return ObjectiveOut.model_validate(objective_dict(row))

    def _objective_query(self, me: auth.Actor, partner: str | None, aim: str | None,
                         q: str | None) -> Select[Any]:
        query = select(Objective).where(Objective.classification.in_(me.visible))
        if partner:
            code = partner_codes([partner])[0]
            query = query.where(exists().where(ObjectivePartner.objective_id == Objective.id,
                                               ObjectivePartner.iso3 == code))
        if aim:
            try:
                aim = StrategicAim(getattr(aim, "value", aim)).value
            except ValueError:
                raise InvalidRecordError(f"unknown aim {aim!r}; one of "
                                         f"{', '.join(a.value for a in StrategicAim)}") from None
            query = query.where(Objective.aim == aim)
        if q:
            like = search_pattern(q)
            query = query.where(or_(func.lower(Objective.title).like(like, escape="\\"),
                                    func.lower(Objective.notes).like(like, escape="\\"),
                                    func.lower(Objective.owner).like(like, escape="\\")))
        return query

    def list_objectives(self, *, partner: str | None = None, aim: str | None = None, q: str | None = None,
                        limit: int = 100, offset: int = 0) -> Page:
        me = self._me()
        limit, offset = self._page_bounds(limit, offset)
        query = self._objective_query(me, partner, aim, q)
        with self.store.read() as s:
            total = s.scalar(select(func.count()).select_from(query.subquery()))
            rows = s.scalars(query.order_by(Objective.id).limit(limit).offset(offset)).all()
            items = [ObjectiveOut.model_validate(objective_dict(r)) for r in rows]
        return Page(total=total or 0, limit=limit, offset=offset, items=items)

    def count_objectives(self, **filters: Any) -> int:
        return self.list_objectives(limit=0, **filters).total

    def all_objectives(self, **filters: Any) -> list[ObjectiveOut]:
        me = self._me()
        query = self._objective_query(me, filters.get("partner"), filters.get("aim"), filters.get("q"))
        with self.store.read() as s:
            return [ObjectiveOut.model_validate(objective_dict(r))
                    for r in s.scalars(query.order_by(Objective.id)).all()]
