"""The register's Python API: :class:`Register` opens a store and runs every operation on behalf of
a user, enforcing roles, clearance, the status life cycle, validation, optimistic concurrency and
the audit log. The CLI and the JSON API call this and nothing else.

>>> reg = Register("register.sqlite").login("alice", "correct horse battery")  # doctest: +SKIP
>>> e = reg.add({"title": "Staff talks", "type": "staff_talks", "partners": ["PAK"], ...})  # doctest: +SKIP
>>> reg.transition(e.id, "planned", version=e.version)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from suasion.engagements import auth
from suasion.engagements.errors import (
    AuthenticationError,
    ConflictError,
    IllegalTransitionError,
    InvalidRecordError,
    RecordNotFoundError,
    SetupError,
    ThrottledError,
)
from suasion.engagements.models import (
    ApiToken,
    Assessment,
    AuditEntry,
    Engagement,
    EngagementObjective,
    EngagementPartner,
    LoginThrottle,
    Objective,
    ObjectivePartner,
    Setting,
    User,
    utcnow,
)
from suasion.engagements.partners import partner_codes
from suasion.engagements.schemas import (
    AssessmentIn,
    AssessmentOut,
    AuditOut,
    EngagementIn,
    EngagementOut,
    EngagementPatch,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    Page,
    UserIn,
    UserOut,
    UserPatch,
    parse,
)
from suasion.engagements.store import Store, open_store
from suasion.engagements.vocab import DEFAULT_CLASSIFICATIONS, TRANSITIONS, Role, Status

CLASSIFICATIONS_KEY = "classifications"
LEVELS_TTL = 5.0
MAX_PAGE = 1000


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _search_pattern(q: str) -> str:
    """The case-insensitive LIKE pattern of a free-text search (NUL refused: databases cannot take it)."""
    if "\x00" in q:
        raise InvalidRecordError("q must not contain NUL characters")
    return f"%{q.lower()}%"


def engagement_snapshot(row: Engagement) -> dict[str, Any]:
    """Every stored field of an engagement, JSON-ready (what the audit log records)."""
    return _jsonable({
        "title": row.title, "type": row.type, "partners": [p.iso3 for p in row.partners],
        "location": row.location, "start_date": row.start_date, "end_date": row.end_date,
        "level": row.level, "lead_department": row.lead_department,
        "supporting_departments": list(row.supporting_departments or []), "status": row.status,
        "estimated_cost": row.estimated_cost, "actual_cost": row.actual_cost, "currency": row.currency,
        "objective_ids": sorted(link.objective_id for link in row.objective_links),
        "classification": row.classification, "notes": row.notes, "version": row.version,
    })


def objective_snapshot(row: Objective) -> dict[str, Any]:
    return _jsonable({
        "title": row.title, "partners": [p.iso3 for p in row.partners], "aim": row.aim,
        "indicators": list(row.indicators or []), "owner": row.owner,
        "classification": row.classification, "notes": row.notes, "version": row.version,
    })


def user_snapshot(row: User) -> dict[str, Any]:
    return {"username": row.username, "role": row.role, "clearance": row.clearance,
            "active": row.active, "version": row.version}


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
_SECRET_LOOKUP = (select(ApiToken.revoked, ApiToken.expires_at, ApiToken.csrf_token, User.id, User.username,
                         User.role, User.clearance, User.active)
                  .join(User, User.id == ApiToken.user_id)
                  .where(ApiToken.secret_hash == bindparam("secret_hash"), ApiToken.kind == bindparam("kind")))
_ASSESSMENTS_OF = (select(*Assessment.__table__.c).where(Assessment.engagement_id.in_(_IDS))
                   .order_by(Assessment.id))


class Register:
    """An engagement register, opened by path or URL, acting for one user.

    ``Register(location)`` opens (and migrates) the database; ``location`` is a SQLite file
    path, a SQLAlchemy URL (``postgresql://user@host/db``) or ``None`` for
    ``$SUASION_REGISTER_URL`` or ``<data home>/register.sqlite``. Bind a user with
    :meth:`login` (password), :meth:`with_token` (API token) or :meth:`as_user` (trusted
    code that already has database access). Every operation on records needs a bound user.
    """

    def __init__(self, location: str | os.PathLike[str] | None = None, *, migrate: bool = True,
                 store: Store | None = None, actor: auth.Actor | None = None):
        self.store = store if store is not None else open_store(location, migrate=migrate)
        self.actor = actor

    def __repr__(self) -> str:
        who = self.actor.username if self.actor else "nobody"
        return f"Register({self.store.url!r}, user={who!r})"

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- identity ------------------------------------------------------------------------

    def _bind(self, actor: auth.Actor) -> Register:
        return Register(store=self.store, actor=actor)

    def _me(self) -> auth.Actor:
        if self.actor is None:
            raise AuthenticationError("no user: call login(), with_token() or as_user() first")
        return self.actor

    def _actor_for(self, session: Session | Connection, user: Any) -> auth.Actor:
        levels = self._levels(session)
        return auth.Actor(user.username, Role(user.role), user.clearance,
                          auth.visible_levels(levels, user.clearance), user.id)

    def is_initialised(self) -> bool:
        with self.store.read() as s:
            return s.scalar(select(func.count()).select_from(User)) > 0

    def init_admin(self, username: str, password: str) -> UserOut:
        """Create the first user, an admin cleared to the highest level. Refused once any user exists."""
        with self.store.write() as s:
            if s.scalar(select(func.count()).select_from(User)):
                raise SetupError("the register is initialised already; add users with 'users add'")
            levels = self._levels(s)
            data = parse(UserIn, {"username": username, "password": password, "role": "admin",
                                  "clearance": levels[-1]}, "first admin")
            row = User(username=data.username, password_hash=auth.hash_password(data.password),
                       role=Role.admin.value, clearance=data.clearance, active=True)
            s.add(row)
            s.flush()
            self._audit(s, data.username, "create", "user", row.id, row.version, levels[0], None,
                        user_snapshot(row))
            return UserOut.model_validate(row)

    def as_user(self, username: str) -> Register:
        """Act as ``username`` without a password (for code that already holds the database)."""
        with self.store.read() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None or not user.active:
                raise AuthenticationError(f"no active user {username!r}")
            return self._bind(self._actor_for(s, user))

    def login(self, username: str, password: str) -> Register:
        return self._bind(self.authenticate(username, password))

    def with_token(self, token: str) -> Register:
        return self._bind(self.authenticate_secret(token, "token")[0])

    def authenticate(self, username: str, password: str) -> auth.Actor:
        """Check a password, with throttling: ``MAX_FAILURES`` failures lock the name for a while."""
        now = utcnow()
        with self.store.read() as s:
            throttle = s.get(LoginThrottle, username)
            if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
                raise ThrottledError(f"too many failed logins for {username!r}; try again after "
                                     f"{throttle.locked_until:%H:%M} UTC")
            user = s.scalar(select(User).where(User.username == username))
            ok = auth.verify_password(user.password_hash if user else None, password)
            if ok and user is not None and user.active:
                actor = self._actor_for(s, user)
            else:
                actor = None
        with self.store.write() as s:
            throttle = s.get(LoginThrottle, username)
            if actor is not None:
                if throttle is not None:
                    s.delete(throttle)
                return actor
            if throttle is None:
                throttle = LoginThrottle(username=username, failures=0, window_start=now)
                s.add(throttle)
            if now - throttle.window_start > auth.WINDOW:
                throttle.failures, throttle.window_start = 0, now
            throttle.failures += 1
            if throttle.failures >= auth.MAX_FAILURES:
                throttle.locked_until = now + auth.LOCKOUT
        raise AuthenticationError("wrong user name or password")

    def authenticate_secret(self, secret: str, kind: str = "token") -> tuple[auth.Actor, Any]:
        """The user behind an API token or session id (``kind`` = "token" or "session"), and the
        secret's row (``csrf_token``, ``expires_at``, ``revoked``; the user's ``id``, ``username``,
        ``role``, ``clearance``, ``active``)."""
        now = utcnow()
        with self.store.read_rows() as s:  # one query on every request: revocation takes effect at once
            row = s.execute(_SECRET_LOOKUP, {"secret_hash": auth.secret_hash(secret),
                                                          "kind": kind}).first()
            if row is None or row.revoked or (row.expires_at is not None and row.expires_at < now) \
                    or not row.active:
                raise AuthenticationError(f"invalid or expired {kind}")
            return self._actor_for(s, row), row

    def create_token(self, name: str = "script") -> str:
        """A new API token for the bound user; shown once, stored only as a hash."""
        return self._new_secret("token", name)[0]

    def create_session(self) -> tuple[str, str]:
        """A browser session for the bound user: (session id, CSRF token)."""
        return self._new_secret("session", "browser", csrf=True, lifetime=auth.SESSION_LIFETIME)

    def _new_secret(self, kind: str, name: str, csrf: bool = False,
                    lifetime: dt.timedelta | None = None) -> tuple[str, str]:
        me = self._me()
        secret, csrf_token = auth.new_secret(), auth.new_secret() if csrf else ""
        with self.store.write() as s:
            s.add(ApiToken(user_id=me.user_id, kind=kind, name=name[:100], secret_hash=auth.secret_hash(secret),
                           csrf_token=csrf_token or None, revoked=False,
                           expires_at=utcnow() + lifetime if lifetime else None))
        return secret, csrf_token

    def revoke_secret(self, secret: str) -> None:
        with self.store.write() as s:
            row = s.scalar(select(ApiToken).where(ApiToken.secret_hash == auth.secret_hash(secret)))
            if row is not None:
                row.revoked = True

    # --- settings ------------------------------------------------------------------------

    def _levels(self, session: Session | Connection) -> list[str]:
        """The ordered markings; cached for ``LEVELS_TTL`` seconds per process (changes made in
        this process clear the cache at once)."""
        cached = self.store.cache.get(CLASSIFICATIONS_KEY)
        if cached is not None and time.monotonic() - cached[0] < LEVELS_TTL:
            return list(cached[1])
        value = session.execute(select(Setting.value).where(Setting.key == CLASSIFICATIONS_KEY)).scalar()
        levels = list(value) if value is not None else list(DEFAULT_CLASSIFICATIONS)
        self.store.cache[CLASSIFICATIONS_KEY] = (time.monotonic(), levels)
        return list(levels)

    def classifications(self) -> list[str]:
        """The ordered classification markings, lowest first."""
        with self.store.read() as s:
            return self._levels(s)

    def set_classifications(self, levels: Iterable[str]) -> list[str]:
        """Replace the ordered list of markings (admin). Levels in use may be reordered, not dropped."""
        me = self._me()
        me.at_least(Role.admin, "change settings")
        levels = [str(v).strip() for v in levels]
        if not levels or any(not v or len(v) > 40 for v in levels) or len(set(levels)) != len(levels):
            raise InvalidRecordError("classifications must be a non-empty list of distinct markings "
                                     "(1-40 characters each)")
        with self.store.write() as s:
            old = self._levels(s)
            used: set[str] = set()
            for col in (Engagement.classification, Objective.classification, User.clearance):
                used |= set(s.scalars(select(col).distinct()))
            missing = sorted(used - set(levels))
            if missing:
                raise InvalidRecordError(f"markings in use cannot be removed: {', '.join(missing)}")
            row = s.get(Setting, CLASSIFICATIONS_KEY)
            if row is None:
                s.add(Setting(key=CLASSIFICATIONS_KEY, value=levels))
            else:
                row.value = levels
            self.store.cache.pop(CLASSIFICATIONS_KEY, None)
            self._audit(s, me.username, "update", "settings", None, None, levels[0],
                        {"classifications": old}, {"classifications": levels})
        return levels

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _audit(s: Session, actor: str, action: str, entity: str, entity_id: int | None,
               version: int | None, classification: str, before: dict[str, Any] | None,
               after: dict[str, Any] | None) -> None:
        s.add(AuditEntry(actor=actor, action=action, entity=entity, entity_id=entity_id, version=version,
                         classification=classification, before=before, after=after))

    @staticmethod
    def _higher(levels: list[str], a: str, b: str) -> str:
        rank = {v: i for i, v in enumerate(levels)}
        return a if rank.get(a, len(levels)) >= rank.get(b, len(levels)) else b

    def _highest(self, s: Session, markings: Iterable[str]) -> str:
        levels = self._levels(s)
        out = levels[0]
        for marking in markings:
            out = self._higher(levels, out, marking)
        return out

    def _engagement_marking(self, s: Session, row: Engagement, *also: str) -> str:
        """The audit marking of an engagement change: the highest of the engagement's marking,
        those of its linked objectives (their ids appear in the snapshot) and ``also``."""
        ids = [link.objective_id for link in row.objective_links]
        linked = list(s.scalars(select(Objective.classification).where(Objective.id.in_(ids)))) if ids else []
        return self._highest(s, [row.classification, *linked, *also])

    def _classification(self, s: Session, me: auth.Actor, wanted: str | None) -> str:
        levels = self._levels(s)
        value = levels[0] if wanted is None else wanted.strip()
        if value not in levels:
            raise InvalidRecordError(f"unknown classification {value!r}; one of {', '.join(levels)}")
        if not me.may_see(value):
            raise InvalidRecordError(f"classification {value!r} is above your clearance ({me.clearance})")
        return value

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

    @staticmethod
    def _flush(s: Session, what: str, record_id: int, version: int) -> None:
        try:
            s.flush()
        except StaleDataError:
            raise ConflictError(f"{what} {record_id} was changed by someone else after version {version}; "
                                "reload it and apply your change again") from None

    @staticmethod
    def _check_version(what: str, record_id: int, current: int, given: int) -> None:
        if current != given:
            raise ConflictError(f"{what} {record_id} is at version {current}, your change was made "
                                f"against version {given}; reload it and apply your change again")

    # --- objectives ------------------------------------------------------------------------

    def _objective_row(self, s: Session, me: auth.Actor, objective_id: int) -> Objective:
        row = s.get(Objective, objective_id)
        if row is None or not me.may_see(row.classification):
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
        return ObjectiveOut.model_validate(self._objective_dict(row))

    @staticmethod
    def _objective_dict(row: Objective) -> dict[str, Any]:
        return {**{c: getattr(row, c) for c in ("id", "title", "aim", "indicators", "owner", "classification",
                                                  "notes", "created_by", "created_at", "updated_at",
                                                  "version")},
                "partners": [p.iso3 for p in row.partners]}

    def get_objective(self, objective_id: int) -> ObjectiveOut:
        me = self._me()
        with self.store.read() as s:
            return ObjectiveOut.model_validate(self._objective_dict(self._objective_row(s, me, objective_id)))

    def update_objective(self, objective_id: int, patch: ObjectivePatch | dict[str, Any]) -> ObjectiveOut:
        me = self._me()
        me.at_least(Role.planner, "edit objectives")
        patch = parse(ObjectivePatch, patch, f"objective {objective_id}")
        partners = partner_codes(patch.partners) if patch.partners is not None else None
        with self.store.write() as s:
            row = self._objective_row(s, me, objective_id)
            self._check_version("objective", objective_id, row.version, patch.version)
            before = objective_snapshot(row)
            old_class = row.classification
            for name in ("title", "owner", "notes"):
                if getattr(patch, name) is not None:
                    setattr(row, name, getattr(patch, name))
            if patch.aim is not None:
                row.aim = patch.aim.value
            if patch.indicators is not None:
                names = [i.name for i in patch.indicators]
                if len(names) != len(set(names)):
                    raise InvalidRecordError("indicator names must be unique within an objective")
                row.indicators = [i.model_dump() for i in patch.indicators]
            if patch.classification is not None:
                row.classification = self._classification(s, me, patch.classification)
            if partners is not None:
                row.partners = [ObjectivePartner(iso3=c, position=i) for i, c in enumerate(partners)]
            row.updated_at = utcnow()
            self._flush(s, "objective", objective_id, patch.version)
            self._audit(s, me.username, "update", "objective", row.id, row.version,
                        self._higher(self._levels(s), old_class, row.classification), before,
                        objective_snapshot(row))
            return ObjectiveOut.model_validate(self._objective_dict(row))

    def _objective_query(self, me: auth.Actor, partner: str | None, aim: str | None,
                         q: str | None) -> Select[Any]:
        query = select(Objective).where(Objective.classification.in_(me.visible))
        if partner:
            code = partner_codes([partner])[0]
            query = query.where(exists().where(ObjectivePartner.objective_id == Objective.id,
                                               ObjectivePartner.iso3 == code))
        if aim:
            query = query.where(Objective.aim == aim)
        if q:
            like = _search_pattern(q)
            query = query.where(or_(func.lower(Objective.title).like(like),
                                    func.lower(Objective.notes).like(like),
                                    func.lower(Objective.owner).like(like)))
        return query

    def list_objectives(self, *, partner: str | None = None, aim: str | None = None, q: str | None = None,
                        limit: int = 100, offset: int = 0) -> Page:
        me = self._me()
        limit, offset = max(0, min(int(limit), MAX_PAGE)), max(0, int(offset))
        query = self._objective_query(me, partner, aim, q)
        with self.store.read() as s:
            total = s.scalar(select(func.count()).select_from(query.subquery()))
            rows = s.scalars(query.order_by(Objective.id).limit(limit).offset(offset)).all()
            items = [ObjectiveOut.model_validate(self._objective_dict(r)) for r in rows]
        return Page(total=total or 0, limit=limit, offset=offset, items=items)

    def count_objectives(self, **filters: Any) -> int:
        return self.list_objectives(limit=0, **filters).total

    # --- engagements -----------------------------------------------------------------------

    def _engagement_row(self, s: Session, me: auth.Actor, engagement_id: int) -> Engagement:
        row = s.get(Engagement, engagement_id, options=[joinedload(Engagement.partners),
                                                        joinedload(Engagement.objective_links),
                                                        joinedload(Engagement.assessments)])
        if row is None or not me.may_see(row.classification):
            raise RecordNotFoundError(f"no engagement {engagement_id}")
        return row

    def _engagement_out(self, s: Session, me: auth.Actor, rows: list[Engagement]) -> list[EngagementOut]:
        linked = {link.objective_id for r in rows for link in r.objective_links}
        visible = set(s.scalars(select(Objective.id).where(Objective.id.in_(linked),
                                                           Objective.classification.in_(me.visible)))) \
            if linked else set()
        out = []
        for r in rows:
            data = {c: getattr(r, c) for c in (
                "id", "title", "type", "location", "start_date", "end_date", "level", "lead_department",
                "status", "estimated_cost", "actual_cost", "currency", "classification", "notes",
                "created_by", "created_at", "updated_at", "version")}
            data["supporting_departments"] = list(r.supporting_departments or [])
            data["partners"] = [p.iso3 for p in r.partners]
            data["objective_ids"] = sorted(link.objective_id for link in r.objective_links
                                           if link.objective_id in visible)
            data["assessments"] = [AssessmentOut.model_validate(a) for a in r.assessments]
            out.append(EngagementOut.model_validate(data))
        return out

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
        self._audit(s, me.username, "create", "engagement", row.id, row.version,
                    self._engagement_marking(s, row), None,
                    engagement_snapshot(row))
        return self._engagement_out(s, me, [row])[0]

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
        in one query each. ``rows`` are rows of ``engagements`` as dicts (a ``_total`` key is dropped)."""
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
        for a in conn.execute(_ASSESSMENTS_OF, {"ids": ids}):
            assessments[a.engagement_id].append(dict(a._mapping))
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

    def update(self, engagement_id: int, patch: EngagementPatch | dict[str, Any]) -> EngagementOut:
        """Change fields of an engagement. ``patch["version"]`` must be the version you read;
        a stale version raises :class:`ConflictError` and changes nothing."""
        me = self._me()
        me.at_least(Role.planner, "edit engagements")
        patch = parse(EngagementPatch, patch, f"engagement {engagement_id}")
        given = patch.model_fields_set
        partners = partner_codes(patch.partners) if patch.partners is not None else None
        with self.store.write() as s:
            row = self._engagement_row(s, me, engagement_id)
            self._check_version("engagement", engagement_id, row.version, patch.version)
            if row.status in (Status.cancelled.value, Status.assessed.value) and given - {"version", "notes"}:
                raise IllegalTransitionError(f"engagement {engagement_id} is {row.status}; only its notes "
                                             "may change")
            before = engagement_snapshot(row)
            old_class = row.classification
            old_ids = [link.objective_id for link in row.objective_links]
            old_linked = list(s.scalars(select(Objective.classification).where(Objective.id.in_(old_ids)))) \
                if old_ids else []
            for name in ("title", "location", "notes", "start_date", "end_date", "currency"):
                if name in given and getattr(patch, name) is not None:
                    setattr(row, name, getattr(patch, name))
            for name in ("type", "level", "lead_department"):
                if name in given and getattr(patch, name) is not None:
                    setattr(row, name, getattr(patch, name).value)
            for name in ("estimated_cost", "actual_cost"):  # None clears a cost
                if name in given:
                    setattr(row, name, getattr(patch, name))
            if row.end_date < row.start_date:
                raise InvalidRecordError(f"end_date {row.end_date} is before start_date {row.start_date}")
            if patch.supporting_departments is not None:
                row.supporting_departments = sorted({d.value for d in patch.supporting_departments})
            if patch.classification is not None:
                row.classification = self._classification(s, me, patch.classification)
            if partners is not None:
                row.partners = [EngagementPartner(iso3=c, position=i) for i, c in enumerate(partners)]
            if patch.objective_ids is not None:
                ids = self._objectives_exist(s, me, patch.objective_ids)
                hidden = [link.objective_id for link in row.objective_links
                          if link.objective_id not in ids and s.get(Objective, link.objective_id) is not None
                          and not me.may_see(s.get(Objective, link.objective_id).classification)]
                row.objective_links = [EngagementObjective(objective_id=i) for i in ids + hidden]
            row.updated_at = utcnow()
            self._flush(s, "engagement", engagement_id, patch.version)
            self._audit(s, me.username, "update", "engagement", row.id, row.version,
                        self._engagement_marking(s, row, old_class, *old_linked), before,
                        engagement_snapshot(row))
            return self._engagement_out(s, me, [row])[0]

    def transition(self, engagement_id: int, to: Status | str, *, version: int) -> EngagementOut:
        """Move an engagement along its life cycle (see :data:`vocab.TRANSITIONS`).
        Approval needs role approver; ``assessed`` is reached by :meth:`assess`."""
        me = self._me()
        try:
            target = Status(to)
        except ValueError:
            raise InvalidRecordError(f"unknown status {to!r}; one of {', '.join(s.value for s in Status)}") \
                from None
        if target is Status.approved:
            me.at_least(Role.approver, "approve engagements")
        else:
            me.at_least(Role.planner, "change the status of engagements")
        if target is Status.assessed:
            raise IllegalTransitionError("an engagement becomes 'assessed' by recording an assessment")
        with self.store.write() as s:
            row = self._engagement_row(s, me, engagement_id)
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
                        "engagement", row.id, row.version, self._engagement_marking(s, row), before,
                        engagement_snapshot(row))
            return self._engagement_out(s, me, [row])[0]

    def approve(self, engagement_id: int, *, version: int) -> EngagementOut:
        return self.transition(engagement_id, Status.approved, version=version)

    def cancel(self, engagement_id: int, *, version: int) -> EngagementOut:
        return self.transition(engagement_id, Status.cancelled, version=version)

    def assess(self, engagement_id: int, data: AssessmentIn | dict[str, Any]) -> EngagementOut:
        """Record an assessment of an executed (or already assessed) engagement; status -> assessed.
        Indicator results must name indicators of the engagement's linked objectives."""
        me = self._me()
        me.at_least(Role.planner, "assess engagements")
        data = parse(AssessmentIn, data, f"assessment of engagement {engagement_id}")
        with self.store.write() as s:
            row = self._engagement_row(s, me, engagement_id)
            self._check_version("engagement", engagement_id, row.version, data.version)
            if row.status not in (Status.executed.value, Status.assessed.value):
                raise IllegalTransitionError(f"engagement {engagement_id} is {row.status}; only executed "
                                             "engagements can be assessed")
            if data.date < row.start_date:
                raise InvalidRecordError(f"assessment date {data.date} is before the engagement's start "
                                         f"{row.start_date}")
            linked = [s.get(Objective, link.objective_id) for link in row.objective_links]
            indicators = {ind["name"] for o in linked if o is not None and me.may_see(o.classification)
                          for ind in (o.indicators or [])}
            unknown = [r.indicator for r in data.indicator_results if r.indicator not in indicators]
            if unknown:
                raise InvalidRecordError(f"unknown indicator(s) {', '.join(map(repr, unknown))}; the linked "
                                         f"objectives define: {', '.join(sorted(indicators)) or 'none'}")
            before = engagement_snapshot(row)
            assessment = Assessment(date=data.date, indicator_results=[r.model_dump() for r in
                                                                       data.indicator_results],
                                    rating=data.rating, narrative=data.narrative,
                                    assessor=data.assessor or me.username, created_by=me.username,
                                    created_at=utcnow())
            row.assessments.append(assessment)
            row.status = Status.assessed.value
            row.updated_at = utcnow()
            self._flush(s, "engagement", engagement_id, data.version)
            after = engagement_snapshot(row)
            after["assessment"] = _jsonable(AssessmentOut.model_validate(assessment).model_dump())
            self._audit(s, me.username, "assess", "engagement", row.id, row.version,
                        self._engagement_marking(s, row),
                        before, after)
            return self._engagement_out(s, me, [row])[0]

    def _engagement_query(self, me: auth.Actor, *, status: str | None = None, partner: str | None = None,
                          type: str | None = None, q: str | None = None, objective_id: int | None = None,
                          lead_department: str | None = None, start_from: dt.date | None = None,
                          start_to: dt.date | None = None) -> Select[Any]:
        query = select(Engagement).where(Engagement.classification.in_(me.visible))
        if status:
            query = query.where(Engagement.status == str(getattr(status, "value", status)))
        if type:
            query = query.where(Engagement.type == str(getattr(type, "value", type)))
        if lead_department:
            query = query.where(Engagement.lead_department == str(getattr(lead_department, "value",
                                                                          lead_department)))
        if partner:
            code = partner_codes([partner])[0]
            # IN (subquery) lets SQLite drive the search from the partner index (2x faster than EXISTS)
            query = query.where(Engagement.id.in_(select(EngagementPartner.engagement_id)
                                                  .where(EngagementPartner.iso3 == code)))
        if objective_id is not None:
            query = query.where(Engagement.id.in_(select(EngagementObjective.engagement_id)
                                                  .where(EngagementObjective.objective_id == objective_id)))
        if start_from is not None:
            query = query.where(Engagement.end_date >= start_from)
        if start_to is not None:
            query = query.where(Engagement.start_date <= start_to)
        if q:
            like = _search_pattern(q)
            query = query.where(or_(func.lower(Engagement.title).like(like),
                                    func.lower(Engagement.location).like(like),
                                    func.lower(Engagement.notes).like(like)))
        return query

    def list(self, *, limit: int = 100, offset: int = 0, **filters: Any) -> Page:
        """A page of engagements the user may see, ordered by start date; ``total`` counts them all.
        Filters: status, partner, type, q (text search), objective_id, lead_department,
        start_from / start_to (engagements overlapping that window)."""
        me = self._me()
        limit, offset = max(0, min(int(limit), MAX_PAGE)), max(0, int(offset))
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
        with self.store.read() as s:
            return self._engagement_out(s, me, list(s.scalars(query).all()))

    def all_objectives(self, **filters: Any) -> list[ObjectiveOut]:
        me = self._me()
        query = self._objective_query(me, filters.get("partner"), filters.get("aim"), filters.get("q"))
        with self.store.read() as s:
            return [ObjectiveOut.model_validate(self._objective_dict(r))
                    for r in s.scalars(query.order_by(Objective.id)).all()]

    def engagements_frame(self, **filters: Any) -> pd.DataFrame:
        """The engagements the user may see as a tidy DataFrame (one row per engagement)."""
        from suasion.engagements.io import engagement_rows

        return pd.DataFrame(engagement_rows(self.all_engagements(**filters)))

    def objectives_frame(self, **filters: Any) -> pd.DataFrame:
        from suasion.engagements.io import objective_rows

        return pd.DataFrame(objective_rows(self.all_objectives(**filters)))

    # --- import / export -------------------------------------------------------------------

    def export(self, kind: str = "engagements", fmt: str = "json") -> str:
        """Engagements or objectives the user may see, as CSV or JSON text."""
        from suasion.engagements import io

        records = self.all_engagements() if kind == "engagements" else self.all_objectives() \
            if kind == "objectives" else None
        if records is None:
            raise InvalidRecordError(f"unknown export kind {kind!r}; engagements or objectives")
        return io.dump(kind, records, fmt)

    def import_text(self, kind: str, text: str, fmt: str, source: str = "<upload>") -> list[int]:
        """Import engagements or objectives from CSV/JSON text: every row is validated first and
        any bad row aborts the whole import (:class:`ImportRowsError` lists them all)."""
        from suasion.engagements import io
        from suasion.engagements.errors import ImportRowsError, SuasionError

        me = self._me()
        me.at_least(Role.planner, f"import {kind}")
        model = EngagementIn if kind == "engagements" else ObjectiveIn if kind == "objectives" else None
        if model is None:
            raise InvalidRecordError(f"unknown import kind {kind!r}; engagements or objectives")
        if "\x00" in text:
            raise InvalidRecordError(f"{source}: text must not contain NUL characters")
        rows = io.load(kind, text, fmt, source)
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
        ids: list[int] = []
        markings: list[str] = []
        with self.store.write() as s:
            # database checks (objective ids, clearance) run on every row that parsed, even when
            # other rows failed already, so that the error lists every bad row
            for line, item, partners in parsed:
                try:
                    with s.begin_nested():
                        out = (self._insert_engagement(s, me, item, partners) if kind == "engagements"
                               else self._insert_objective(s, me, item, partners))
                    ids.append(out.id)
                    markings.append(out.classification)
                except SuasionError as exc:
                    problems.append((line, str(exc)))
            if problems:
                problems.sort(key=lambda problem: (problem[0] is None, problem[0] or 0))
                raise ImportRowsError(source, problems)
            self._audit(s, me.username, "import", kind, None, None, self._highest(s, markings), None,
                        {"source": source, "format": fmt, "ids": ids})
        return ids

    def import_file(self, path: str | os.PathLike[str], kind: str = "engagements",
                    fmt: str | None = None) -> list[int]:
        from suasion.engagements.io import read_text

        text, fmt = read_text(path, fmt)
        return self.import_text(kind, text, fmt, str(path))

    # --- audit and users -------------------------------------------------------------------

    def audit(self, *, entity: str | None = None, entity_id: int | None = None, limit: int = 100,
              offset: int = 0) -> Page:
        """Audit entries the user may see (by the record's classification), newest first."""
        me = self._me()
        limit, offset = max(0, min(int(limit), MAX_PAGE)), max(0, int(offset))
        query = select(AuditEntry).where(AuditEntry.classification.in_(me.visible))
        if entity:
            query = query.where(AuditEntry.entity == entity)
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == entity_id)
        if me.role is not Role.admin:
            query = query.where(AuditEntry.entity.in_(("engagement", "objective", "engagements",
                                                       "objectives")))
        with self.store.read() as s:
            total = s.scalar(select(func.count()).select_from(query.subquery()))
            rows = s.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
            return Page(total=total or 0, limit=limit, offset=offset,
                        items=[AuditOut.model_validate(r) for r in rows])

    def list_users(self) -> list[UserOut]:
        self._me().at_least(Role.admin, "manage users")
        with self.store.read() as s:
            return [UserOut.model_validate(u) for u in s.scalars(select(User).order_by(User.id))]

    def add_user(self, data: UserIn | dict[str, Any]) -> UserOut:
        me = self._me()
        me.at_least(Role.admin, "manage users")
        data = parse(UserIn, data, "user")
        with self.store.write() as s:
            levels = self._levels(s)
            if data.clearance not in levels:
                raise InvalidRecordError(f"unknown clearance {data.clearance!r}; one of {', '.join(levels)}")
            if s.scalar(select(User.id).where(User.username == data.username)) is not None:
                raise InvalidRecordError(f"user {data.username!r} exists already")
            row = User(username=data.username, password_hash=auth.hash_password(data.password),
                       role=data.role.value, clearance=data.clearance, active=True)
            s.add(row)
            s.flush()
            self._audit(s, me.username, "create", "user", row.id, row.version, levels[0], None,
                        user_snapshot(row))
            return UserOut.model_validate(row)

    def update_user(self, username: str, patch: UserPatch | dict[str, Any]) -> UserOut:
        me = self._me()
        me.at_least(Role.admin, "manage users")
        patch = parse(UserPatch, patch, f"user {username}")
        with self.store.write() as s:
            row = s.scalar(select(User).where(User.username == username))
            if row is None:
                raise RecordNotFoundError(f"no user {username!r}")
            self._check_version("user", row.id, row.version, patch.version)
            levels = self._levels(s)
            if patch.clearance is not None and patch.clearance not in levels:
                raise InvalidRecordError(f"unknown clearance {patch.clearance!r}; one of {', '.join(levels)}")
            before = user_snapshot(row)
            if patch.password is not None:
                row.password_hash = auth.hash_password(patch.password)
            for name in ("clearance", "active"):
                if getattr(patch, name) is not None:
                    setattr(row, name, getattr(patch, name))
            if patch.role is not None:
                row.role = patch.role.value
            if row.id == me.user_id and (row.role != Role.admin.value or not row.active):
                raise InvalidRecordError("you cannot remove your own admin role or deactivate yourself")
            if row.active is False or patch.password is not None:  # end the user's sessions and tokens
                for token in s.scalars(select(ApiToken).where(ApiToken.user_id == row.id)):
                    token.revoked = True
            self._flush(s, "user", row.id, patch.version)
            self._audit(s, me.username, "update", "user", row.id, row.version, levels[0], before,
                        user_snapshot(row))
            return UserOut.model_validate(row)

    # --- analysis --------------------------------------------------------------------------

    def trajectory(self, partner: str, **options: Any) -> pd.DataFrame:
        """Monthly engagement-intensity index and mean assessment rating for one partner
        (see :func:`suasion.engagements.analysis.trajectory`)."""
        from suasion.engagements.analysis import trajectory

        code = partner_codes([partner])[0]
        return trajectory(self.all_engagements(partner=code), code, **options)

    def coherence(self, *, priority: Iterable[str] = (), **options: Any) -> dict[str, pd.DataFrame]:
        """Cross-department coherence checks (see :func:`suasion.engagements.analysis.coherence`)."""
        from suasion.engagements.analysis import coherence

        return coherence(self.all_engagements(), self.all_objectives(),
                         priority=partner_codes(list(priority)) if priority else [], **options)

    def historical_type_costs(self) -> dict[str, float]:
        """Mean cost of one engagement per type over the live engagements the user may see
        (actual cost where known, else estimated); currencies are not converted."""
        frame = self.engagements_frame()
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
