"""Response cache of the register API's hot reads, invalidated per record.

``GET /engagements/{id}`` and ``GET /engagements`` (a filtered page) keep their JSON bodies,
keyed by the request and the markings the user may see (all that decides what a read returns:
users of different clearance never share a body). A body stays valid until a change could
alter it:

* a change to engagement *e* drops the cached ``GET /engagements/e`` bodies, and the list pages
  whose filter *e* matched before or after the change (status, type, partner, department, text,
  objective, dates, and a marking the page's reader may see); a change that *e* matches neither
  side of leaves the filtered set, and therefore every page of it, unchanged;
* a change to an objective or to the settings, an import, or anything the cache cannot read,
  drops everything.

How changes are seen, from any process (other workers, the CLI): SQLite's ``PRAGMA
data_version`` on a connection that never writes changes whenever another connection commits;
when it has, the audit log's new entries (appended in the same transaction as every change, in
commit order because SQLite writers are serialised) say which records changed, with their state
before and after. The counter is read before the log, and the log before any body is computed,
so a body is never kept past a change it did not see. PostgreSQL assigns audit ids out of commit
order, so there the cache is off and every read goes to the database.

``policy="commit"`` empties the whole cache on any commit (the behaviour before per-record
invalidation; kept for the benchmark's comparison).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, func, select

from suasion.engagements.models import AuditEntry
from suasion.engagements.store import Store

MAX_BODIES = 4096
_NEW_ENTRIES = (select(AuditEntry.id, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.before,
                       AuditEntry.after)
                .where(AuditEntry.id > bindparam("after_id")).order_by(AuditEntry.id))


def _value(x: Any) -> Any:
    return getattr(x, "value", x)


def matches(snapshot: dict[str, Any] | None, filters: dict[str, Any], visible: tuple[str, ...],
            partner_code: Callable[[str], str]) -> bool:
    """Could an engagement in state ``snapshot`` be in a list with ``filters`` read by a user who
    sees ``visible``? Errs towards yes (a false yes only costs a cache miss)."""
    if not snapshot:
        return False
    if "classification" in snapshot and snapshot["classification"] not in visible:
        return False
    for key, field in (("status", "status"), ("type", "type"), ("lead_department", "lead_department")):
        wanted = filters.get(key)
        if wanted and snapshot.get(field) != _value(wanted):
            return False
    if filters.get("partner"):
        try:
            code = partner_code(filters["partner"])
        except Exception:  # noqa: BLE001 - an unresolvable filter matches nothing; stay safe anyway
            return True
        if code not in (snapshot.get("partners") or []):
            return False
    if filters.get("objective_id") is not None and \
            int(filters["objective_id"]) not in (snapshot.get("objective_ids") or []):
        return False
    if filters.get("start_from") is not None and str(snapshot.get("end_date", "9999")) < str(filters["start_from"]):
        return False
    if filters.get("start_to") is not None and str(snapshot.get("start_date", "0000")) > str(filters["start_to"]):
        return False
    q = filters.get("q")
    if q:
        text = str(q).lower()
        if not any(text in str(snapshot.get(f) or "").lower() for f in ("title", "location", "notes")):
            return False
    return True


class ResponseCache:
    """JSON bodies of engagement reads, invalidated per record (module docstring)."""

    def __init__(self, store: Store, policy: str = "record"):
        from suasion.engagements.partners import partner_code

        if store.changes is None:
            raise ValueError("the response cache needs a SQLite file (PRAGMA data_version)")
        if policy not in ("record", "commit"):
            raise ValueError(f"unknown cache policy {policy!r}")
        self.store, self.policy, self._partner = store, policy, partner_code
        self.gets: dict[tuple[int, tuple[str, ...]], bytes] = {}
        self.lists: dict[tuple[Any, ...], tuple[dict[str, Any], tuple[str, ...], bytes]] = {}
        self.version = store.changes.current()
        with store.read_rows() as conn:
            self.watermark = int(conn.execute(select(func.max(AuditEntry.id))).scalar() or 0)
        self.hits = self.misses = 0

    def clear(self) -> None:
        self.gets.clear()
        self.lists.clear()

    def sync(self) -> None:
        """Drop the bodies that commits since the last call may have changed."""
        assert self.store.changes is not None
        current = self.store.changes.current()
        if current == self.version:
            return
        self.version = current
        with self.store.read_rows() as conn:
            entries = conn.execute(_NEW_ENTRIES, {"after_id": self.watermark}).all()
        if not entries:
            return  # commits that changed no record (tokens, sessions, login throttling)
        self.watermark = int(entries[-1].id)
        if self.policy == "commit":
            self.clear()
            return
        for entry in entries:
            if entry.entity != "engagement" or entry.entity_id is None:
                if entry.entity != "user":
                    self.clear()
                continue
            for key in [k for k in self.gets if k[0] == entry.entity_id]:
                del self.gets[key]
            for key, (filters, visible, _body) in list(self.lists.items()):
                if matches(entry.before, filters, visible, self._partner) or \
                        matches(entry.after, filters, visible, self._partner):
                    del self.lists[key]

    def _room(self) -> None:
        if len(self.gets) + len(self.lists) >= MAX_BODIES:
            self.clear()

    def get(self, engagement_id: int, visible: tuple[str, ...], compute: Callable[[], bytes]) -> bytes:
        self.sync()
        key = (int(engagement_id), visible)
        body = self.gets.get(key)
        if body is None:
            self.misses += 1
            body = compute()
            self._room()
            self.gets[key] = body
        else:
            self.hits += 1
        return body

    def page(self, filters: dict[str, Any], limit: int, offset: int, visible: tuple[str, ...],
             compute: Callable[[], bytes]) -> bytes:
        self.sync()
        key = (tuple(sorted((k, str(_value(v))) for k, v in filters.items() if v is not None)), limit, offset,
               visible)
        hit = self.lists.get(key)
        if hit is None:
            self.misses += 1
            body = compute()
            self._room()
            self.lists[key] = (dict(filters), visible, body)
            return body
        self.hits += 1
        return hit[2]
