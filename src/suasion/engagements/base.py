"""What every part of the register shares: the store, the user it acts for, the ordered
classification markings, and the helpers that write audit entries and check versions.

:class:`RegisterBase` is the base of :class:`suasion.engagements.register.Register`; each job
(identity, users, settings, objectives, engagements, files, audit, reports) is a mixin in its
own module.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable
from typing import Any, Self

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from suasion.engagements import auth
from suasion.engagements.errors import AuthenticationError, ConflictError, InvalidRecordError
from suasion.engagements.models import AuditEntry, Setting
from suasion.engagements.store import Store, is_conflict, open_store
from suasion.engagements.vocab import DEFAULT_CLASSIFICATIONS, Role

CLASSIFICATIONS_KEY = "classifications"
LEVELS_TTL = 5.0
MAX_PAGE = 1000


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def checked_text(value: str, what: str) -> str:
    """``value`` if a database can store it (no NUL, no lone surrogate), else InvalidRecordError."""
    if not auth.storable(value):
        raise InvalidRecordError(f"{what} must be text without NUL characters or lone surrogates")
    return value


def search_pattern(q: str) -> str:
    """The case-insensitive LIKE pattern of a free-text search: ``%``, ``_`` and ``\\`` in the
    text match themselves (escaped with ``\\``); NUL is refused (databases cannot take it)."""
    checked_text(q, "q")
    text = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{text}%"


class RegisterBase:
    """An engagement register, opened by path or URL, acting for one user.

    ``Register(location)`` opens (and migrates) an existing register; ``location`` is a SQLite
    file path, a SQLAlchemy URL (``postgresql://user@host/db``) or ``None`` for
    ``$SUASION_REGISTER_URL`` or ``<data home>/register.sqlite``. A location with no register is
    an error (:class:`~suasion.engagements.errors.RegisterLocationError`) unless ``create=True``
    (what ``suasion register init`` does). Bind a user with :meth:`login` (password),
    :meth:`with_token` (API token) or :meth:`as_user` (trusted code that already has database
    access). Every operation on records needs a bound user.
    """

    def __init__(self, location: str | os.PathLike[str] | None = None, *, migrate: bool = True,
                 create: bool = False, store: Store | None = None, actor: auth.Actor | None = None):
        self.store = store if store is not None else open_store(location, migrate=migrate, create=create)
        self.actor = actor

    def __repr__(self) -> str:
        from suasion.engagements.store import shown_url

        who = self.actor.username if self.actor else "nobody"
        return f"Register({shown_url(self.store.url)!r}, user={who!r})"

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def location(self) -> str:
        """Where the register is: a file path, or a URL without its password."""
        from suasion.engagements.store import shown_url

        return shown_url(self.store.url)

    # --- who is acting ------------------------------------------------------------------

    def _bind(self, actor: auth.Actor) -> Any:
        return type(self)(store=self.store, actor=actor)

    def _me(self) -> auth.Actor:
        if self.actor is None:
            raise AuthenticationError("no user: call login(), with_token() or as_user() first")
        return self.actor

    def _actor_for(self, session: Session | Connection, user: Any) -> auth.Actor:
        levels = self._levels(session)
        return auth.Actor(user.username, Role(user.role), user.clearance,
                          auth.visible_levels(levels, user.clearance), user.id)

    # --- markings -----------------------------------------------------------------------

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

    @staticmethod
    def _rank(levels: list[str], marking: str) -> int:
        return levels.index(marking) if marking in levels else len(levels)

    @classmethod
    def _higher(cls, levels: list[str], a: str, b: str) -> str:
        return a if cls._rank(levels, a) >= cls._rank(levels, b) else b

    def _highest(self, s: Session, markings: Iterable[str]) -> str:
        levels = self._levels(s)
        out = levels[0]
        for marking in markings:
            out = self._higher(levels, out, marking)
        return out

    def _classification(self, s: Session, me: auth.Actor, wanted: str | None) -> str:
        levels = self._levels(s)
        value = levels[0] if wanted is None else wanted.strip()
        if value not in levels:
            raise InvalidRecordError(f"unknown classification {value!r}; one of {', '.join(levels)}")
        if not me.may_see(value):
            raise InvalidRecordError(f"classification {value!r} is above your clearance ({me.clearance})")
        return value

    def _check_marking_change(self, s: Session, me: auth.Actor, what: str, old: str, new: str) -> str:
        """The audit action of a change of marking: ``downmark`` (needs role approver) when the
        new marking ranks below the old one, else ``update``."""
        levels = self._levels(s)
        if self._rank(levels, new) < self._rank(levels, old):
            me.at_least(Role.approver, f"lower the marking of {what} from {old} to {new}")
            return "downmark"
        return "update"

    # --- writing ------------------------------------------------------------------------

    @staticmethod
    def _audit(s: Session, actor: str, action: str, entity: str, entity_id: int | None,
               version: int | None, classification: str, before: dict[str, Any] | None,
               after: dict[str, Any] | None) -> None:
        s.add(AuditEntry(actor=actor, action=action, entity=entity, entity_id=entity_id, version=version,
                         classification=classification, before=before, after=after))

    @staticmethod
    def _flush(s: Session, what: str, record_id: int, version: int) -> None:
        try:
            s.flush()
        except StaleDataError:
            raise ConflictError(f"{what} {record_id} was changed by someone else after version {version}; "
                                "reload it and apply your change again") from None
        except DBAPIError as exc:
            if is_conflict(exc):
                raise ConflictError(f"{what} {record_id} was changed by someone else at the same time; "
                                    "reload it and apply your change again") from None
            raise

    @staticmethod
    def _check_version(what: str, record_id: int, current: int, given: int) -> None:
        if current != given:
            raise ConflictError(f"{what} {record_id} is at version {current}, your change was made "
                                f"against version {given}; reload it and apply your change again")

    @staticmethod
    def _page_bounds(limit: int, offset: int) -> tuple[int, int]:
        return max(0, min(int(limit), MAX_PAGE)), max(0, int(offset))
