"""Import and export of engagements and objectives (file formats in :mod:`suasion.engagements.io`).

An import is all or nothing and holds the database's write lock only briefly: every row is
parsed and checked (fields, partners, objectives, markings) before the write transaction
starts, then the rows go in with a few multi-row INSERTs in one transaction (objective
visibility is checked again inside it). A 30,000-row file holds SQLite's write lock for about
a second instead of a minute, so concurrent edits wait for it instead of failing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from sqlalchemy import JSON, func, insert, select
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy import text as sa_text

from suasion.engagements.base import RegisterBase
from suasion.engagements.errors import ImportRowsError, InvalidRecordError, SuasionError
from suasion.engagements.models import (
    AuditEntry,
    Engagement,
    EngagementObjective,
    EngagementPartner,
    Objective,
    ObjectivePartner,
    utcnow,
)
from suasion.engagements.partners import partner_codes
from suasion.engagements.schemas import EngagementIn, ObjectiveIn, parse
from suasion.engagements.vocab import Role, Status

#: At most this many records in one import (a larger file is refused before anything is read
#: into the database; split it).
MAX_IMPORT_ROWS = 100_000
EXPORT_FORMATS = ("csv", "json", "xlsx")


class FileOps(RegisterBase):
    """Import and export."""

    def export(self, kind: str = "engagements", fmt: str = "json") -> str | bytes:
        """Engagements or objectives the user may see, as CSV or JSON text, or an Excel workbook
        (bytes; needs openpyxl)."""
        from suasion.engagements import io

        if kind not in ("engagements", "objectives"):
            raise InvalidRecordError(f"unknown export kind {kind!r}; engagements or objectives")
        if fmt not in EXPORT_FORMATS:
            raise InvalidRecordError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
        records = self.all_engagements() if kind == "engagements" else self.all_objectives()  # type: ignore[attr-defined]
        if fmt == "xlsx":
            return io.dump_xlsx(kind, records)
        return io.dump(kind, records, fmt)

    def import_file(self, path: str | os.PathLike[str], kind: str = "engagements",
                    fmt: str | None = None) -> list[int]:
        from suasion.engagements.io import read_text

        text, fmt = read_text(path, fmt)
        return self.import_text(kind, text, fmt, str(path))

    def import_text(self, kind: str, text: str, fmt: str, source: str = "<upload>") -> list[int]:
        """Import engagements or objectives from CSV/JSON text: every row is validated first and
        any bad row aborts the whole import (:class:`ImportRowsError` lists them all)."""
        from suasion.engagements import io

        me = self._me()
        me.at_least(Role.planner, f"import {kind}")
        model = EngagementIn if kind == "engagements" else ObjectiveIn if kind == "objectives" else None
        if model is None:
            raise InvalidRecordError(f"unknown import kind {kind!r}; engagements or objectives")
        if "\x00" in text:
            raise InvalidRecordError(f"{source}: text must not contain NUL characters")
        rows = io.load(kind, text, fmt, source)
        if len(rows) > MAX_IMPORT_ROWS:
            raise InvalidRecordError(f"{source}: {len(rows):,} records; at most {MAX_IMPORT_ROWS:,} in one "
                                     "import (split the file)")
        parsed: list[tuple[int | None, Any, list[str]]] = []
        problems: list[tuple[int | None, str]] = []
        for line, record in rows:
            try:
                item = parse(model, record)
                parsed.append((line, item, partner_codes(item.partners)))
            except SuasionError as exc:
                problems.append((line, str(exc)))
        if not rows:
            problems.append((None, "no records found"))
        with self.store.read() as s:
            levels = self._levels(s)
            wanted = {i for _, item, _ in parsed for i in getattr(item, "objective_ids", [])}
            visible = self._visible_objectives(s, me, wanted)
        good: list[tuple[int | None, Any, list[str], str]] = []
        for line, item, partners in parsed:
            marking = levels[0] if item.classification is None else item.classification.strip()
            unknown = [i for i in dict.fromkeys(getattr(item, "objective_ids", [])) if i not in visible]
            if marking not in levels:
                problems.append((line, f"unknown classification {marking!r}; one of {', '.join(levels)}"))
            elif not me.may_see(marking):
                problems.append((line, f"classification {marking!r} is above your clearance ({me.clearance})"))
            elif unknown:
                problems.append((line, f"unknown objective id(s): {', '.join(map(str, unknown))}"))
            else:
                good.append((line, item, partners, marking))
        if problems:
            problems.sort(key=lambda problem: (problem[0] is None, problem[0] or 0))
            raise ImportRowsError(source, problems)
        prepare = self._engagement_rows if kind == "engagements" else self._objective_rows
        rows, children, snapshots = prepare(me, good)  # all built before the write lock is taken
        dialect = self.store.dialect
        table = Engagement.__table__ if kind == "engagements" else Objective.__table__
        child_table = EngagementPartner.__table__ if kind == "engagements" else ObjectivePartner.__table__
        key = "engagement_id" if kind == "engagements" else "objective_id"
        rows = self._driver_rows(dialect, table, rows)
        partners = self._driver_rows(dialect, child_table, [child for _, child in children["partners"]])
        marking = self._highest_of([m for *_, m in good])
        audit = self._driver_rows(dialect, AuditEntry.__table__, [
            {"at": utcnow(), "actor": me.username, "action": "create", "entity": kind[:-1], "version": 1,
             "classification": snap["classification"], "before": None, "after": snap} for snap in snapshots])
        with self.store.write() as s:
            if wanted and self._visible_objectives(s, me, wanted) != visible:
                changed = "objectives changed during the import; nothing imported, try again"
                raise ImportRowsError(source, [(None, changed)])
            ids = self._new_ids(s, table, rows)
            self._insert_many(s, child_table, [{**row, key: ids[n]} for (n, _), row in zip(children["partners"],
                                                                                          partners)])
            self._insert_many(s, EngagementObjective.__table__,
                              [{"engagement_id": ids[n], "objective_id": o} for n, o in children.get("links", [])])
            self._insert_many(s, AuditEntry.__table__, [{**row, "entity_id": i} for row, i in zip(audit, ids)])
            s.add(AuditEntry(actor=me.username, action="import", entity=kind, entity_id=None, version=None,
                             classification=marking, before=None,
                             after={"source": source, "format": fmt, "ids": ids}))
        return ids

    def _highest_of(self, markings: list[str]) -> str:
        with self.store.read() as s:
            return self._highest(s, markings)

    @staticmethod
    def _visible_objectives(s: Any, me: Any, wanted: set[int]) -> set[int]:
        if not wanted:
            return set()
        return set(s.scalars(select(Objective.id).where(Objective.id.in_(wanted),
                                                        Objective.classification.in_(me.visible))))

    @staticmethod
    def _driver_rows(dialect: str, table: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``rows`` with values converted to what the driver stores (SQLite: dates and times as
        SQLAlchemy writes them, JSON as text; PostgreSQL: JSON adapted by psycopg), done before
        the write lock is taken: SQLAlchemy's per-value type processing inside the transaction
        cost several times the database's own work on large imports."""
        json_columns = {c.name for c in table.c if isinstance(c.type, JSON)}
        if dialect == "postgresql":
            from psycopg.types.json import Json

            return [{c: Json(v) if c in json_columns and v is not None else v for c, v in row.items()}
                    for row in rows]

        def convert(column: str, value: Any) -> Any:
            if value is None:
                return None
            if column in json_columns:
                return json.dumps(value)
            if isinstance(value, dt.datetime):
                return value.strftime("%Y-%m-%d %H:%M:%S.%f")
            if isinstance(value, dt.date):
                return value.isoformat()
            return value

        return [{c: convert(c, v) for c, v in row.items()} for row in rows]

    @staticmethod
    def _insert_many(s: Any, table: Any, rows: list[dict[str, Any]]) -> None:
        """One multi-row INSERT of rows already converted by :meth:`_driver_rows` (into untyped
        columns, so SQLAlchemy does not process the values again)."""
        if rows:
            s.execute(insert(sa_table(table.name, *[sa_column(c) for c in rows[0]])), rows)

    @staticmethod
    def _new_ids(s: Any, table: Any, rows: list[dict[str, Any]]) -> list[int]:
        """One multi-row INSERT of ``rows`` with ids allocated up front, in one statement: from the
        table's sequence on PostgreSQL, after the largest id on SQLite (whose write lock this
        transaction holds, so no other writer can take them). Returns the ids in row order."""
        if not rows:
            return []
        if s.bind.dialect.name == "postgresql":
            sequence = s.execute(sa_text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
            ids = [int(i) for i in s.execute(sa_text("SELECT nextval(CAST(:s AS regclass)) FROM "
                                                     "generate_series(1, :n)"), {"s": sequence, "n": len(rows)})
                   .scalars()]
        else:
            first = int(s.execute(select(func.max(table.c.id))).scalar() or 0) + 1
            ids = list(range(first, first + len(rows)))
        FileOps._insert_many(s, table, [{"id": i, **row} for row, i in zip(rows, ids)])
        return ids

    @staticmethod
    def _engagement_rows(me: Any, good: list[Any]) -> tuple[list[dict[str, Any]], dict[str, list[Any]],
                                                             list[dict[str, Any]]]:
        """Rows of ``engagements``, their partners and objective links (by row number), and the
        audit snapshots, for the records of an import."""
        now = utcnow()
        rows, snapshots = [], []
        children: dict[str, list[Any]] = {"partners": [], "links": []}
        for n, (_line, item, partners, marking) in enumerate(good):
            row = {"title": item.title, "type": item.type.value, "location": item.location,
                   "start_date": item.start_date, "end_date": item.end_date, "level": item.level.value,
                   "lead_department": item.lead_department.value,
                   "supporting_departments": sorted({d.value for d in item.supporting_departments}),
                   "status": Status.proposed.value, "estimated_cost": item.estimated_cost,
                   "actual_cost": item.actual_cost, "currency": item.currency, "classification": marking,
                   "notes": item.notes, "created_by": me.username, "created_at": now, "updated_at": now,
                   "version": 1}
            rows.append(row)
            links = list(dict.fromkeys(item.objective_ids))
            snapshot = {k: row[k] for k in ("title", "type", "location", "level", "lead_department",
                                            "supporting_departments", "status", "estimated_cost", "actual_cost",
                                            "currency", "classification", "notes", "version")}
            snapshot.update(start_date=item.start_date.isoformat(), end_date=item.end_date.isoformat(),
                            partners=partners, objective_ids=sorted(links))
            snapshots.append(snapshot)
            children["partners"] += [(n, {"iso3": c, "position": k}) for k, c in enumerate(partners)]
            children["links"] += [(n, o) for o in links]
        return rows, children, snapshots

    @staticmethod
    def _objective_rows(me: Any, good: list[Any]) -> tuple[list[dict[str, Any]], dict[str, list[Any]],
                                                            list[dict[str, Any]]]:
        now = utcnow()
        rows, snapshots = [], []
        children: dict[str, list[Any]] = {"partners": []}
        for n, (_line, item, partners, marking) in enumerate(good):
            row = {"title": item.title, "aim": item.aim.value, "owner": item.owner,
                   "indicators": [i.model_dump() for i in item.indicators], "classification": marking,
                   "notes": item.notes, "created_by": me.username, "created_at": now, "updated_at": now,
                   "version": 1}
            rows.append(row)
            snapshots.append({"title": row["title"], "partners": partners, "aim": row["aim"],
                              "indicators": row["indicators"], "owner": row["owner"], "classification": marking,
                              "notes": row["notes"], "version": 1})
            children["partners"] += [(n, {"iso3": c, "position": k}) for k, c in enumerate(partners)]
        return rows, children, snapshots
