"""Who is acting: creating a register and its first admin, logins with throttling, API tokens
and browser sessions (expiry and revocation). See :mod:`suasion.engagements.auth` for the rules."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, delete, func, select

from suasion.engagements import auth
from suasion.engagements.base import CLASSIFICATIONS_KEY, RegisterBase
from suasion.engagements.errors import (
    AuthenticationError,
    InvalidRecordError,
    PermissionDeniedError,
    RecordNotFoundError,
    SetupError,
    ThrottledError,
)
from suasion.engagements.models import ApiToken, LoginThrottle, Setting, User, utcnow
from suasion.engagements.schemas import TokenOut, UserIn, UserOut, parse
from suasion.engagements.vocab import Role

_SECRET_LOOKUP = (select(ApiToken.revoked, ApiToken.expires_at, ApiToken.csrf_token, User.id, User.username,
                         User.role, User.clearance, User.active)
                  .join(User, User.id == ApiToken.user_id)
                  .where(ApiToken.secret_hash == bindparam("secret_hash"), ApiToken.kind == bindparam("kind")))


def user_snapshot(row: User) -> dict[str, Any]:
    """What the audit log records of a user (never the password hash)."""
    return {"username": row.username, "role": row.role, "clearance": row.clearance,
            "active": row.active, "version": row.version}


def check_levels(levels: Iterable[str]) -> list[str]:
    """A valid ordered list of markings (1-40 characters each, distinct, at least one)."""
    out = [str(v).strip() for v in levels]
    if not out or any(not v or len(v) > 40 or not auth.storable(v) for v in out) or len(set(out)) != len(out):
        raise InvalidRecordError("classifications must be a non-empty list of distinct markings "
                                 "(1-40 characters each)")
    return out


class IdentityOps(RegisterBase):
    """Creating the register, logging in, tokens and sessions."""

    @classmethod
    def create(cls, location: str | os.PathLike[str] | None, admin: str, password: str, *,
               classifications: Iterable[str] | None = None) -> Any:
        """Create a new register at ``location`` with its first admin, all or nothing: the inputs
        are checked before anything is written, and a failure removes what was created."""
        levels = check_levels(classifications) if classifications is not None else None
        parse(UserIn, {"username": admin, "password": password, "role": "admin",
                       "clearance": (levels or ["x"])[-1]}, "first admin")
        auth.check_password(password, admin)
        reg = cls(location, create=True)
        try:
            reg.init_admin(admin, password, classifications=levels)
        except BaseException:
            reg.store.discard()
            raise
        return reg

    def is_initialised(self) -> bool:
        with self.store.read() as s:
            return s.scalar(select(func.count()).select_from(User)) > 0

    def init_admin(self, username: str, password: str, *,
                   classifications: Iterable[str] | None = None) -> UserOut:
        """Create the first user, an admin cleared to the highest marking (of ``classifications``
        when given, which then become the register's markings). Refused once any user exists."""
        new_levels = check_levels(classifications) if classifications is not None else None
        with self.store.write() as s:
            if s.scalar(select(func.count()).select_from(User)):
                raise SetupError("the register is initialised already; add users with 'users add'")
            if new_levels is not None:
                s.merge(Setting(key=CLASSIFICATIONS_KEY, value=new_levels))
                self.store.cache.pop(CLASSIFICATIONS_KEY, None)
                s.flush()
            levels = new_levels or self._levels(s)
            data = parse(UserIn, {"username": username, "password": password, "role": "admin",
                                  "clearance": levels[-1]}, "first admin")
            auth.check_password(data.password, data.username)
            row = User(username=data.username, password_hash=auth.hash_password(data.password),
                       role=Role.admin.value, clearance=data.clearance, active=True)
            s.add(row)
            s.flush()
            self._audit(s, data.username, "create", "user", row.id, row.version, levels[0], None,
                        user_snapshot(row))
            return UserOut.model_validate(row)

    def as_user(self, username: str) -> Any:
        """Act as ``username`` without a password (for code that already holds the database)."""
        if not auth.storable(username):
            raise AuthenticationError("no active user with that name")
        with self.store.read() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None or not user.active:
                raise AuthenticationError(f"no active user {username!r}")
            return self._bind(self._actor_for(s, user))

    def login(self, username: str, password: str) -> Any:
        return self._bind(self.authenticate(username, password))

    def with_token(self, token: str) -> Any:
        return self._bind(self.authenticate_secret(token, "token")[0])

    def _count_attempt(self, username: str) -> None:
        """Count one login attempt for ``username`` before its password is checked, atomically
        (insert-or-lock the throttle row, then update it); ThrottledError when the name is locked
        or this attempt is one too many. The throttle table keys names by their SHA-256: people
        type passwords into the user-name field, and those must not be stored."""
        now = utcnow()
        key = auth.secret_hash(username)
        with self.store.write() as s:
            if s.bind.dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            s.execute(insert(LoginThrottle).values(username=key, failures=0, window_start=now)
                      .on_conflict_do_nothing(index_elements=["username"]))
            row = s.execute(select(LoginThrottle).where(LoginThrottle.username == key)
                            .with_for_update()).scalar_one()
            if row.locked_until is not None and row.locked_until > now:
                locked_until = row.locked_until
            else:
                if row.locked_until is not None or now - row.window_start > auth.WINDOW:
                    row.failures, row.window_start, row.locked_until = 0, now, None
                if row.failures < auth.MAX_FAILURES:
                    row.failures += 1
                    return
                row.locked_until = locked_until = now + auth.LOCKOUT
        raise ThrottledError(f"too many failed logins for this user name; try again after "
                             f"{locked_until:%H:%M} UTC")

    def authenticate(self, username: str, password: str) -> auth.Actor:
        """Check a password. The attempt is counted first (see :mod:`auth`): ``MAX_FAILURES``
        attempts without success lock the name for a while, however fast they come."""
        if not (auth.storable(username) and auth.storable(password)) or not username \
                or len(username) > auth.MAX_USERNAME or len(password) > auth.MAX_PASSWORD:
            raise AuthenticationError("wrong user name or password")
        self._count_attempt(username)
        with self.store.read() as s:
            user = s.scalar(select(User).where(User.username == username))
            ok = auth.verify_password(user.password_hash if user else None, password)
            actor = self._actor_for(s, user) if ok and user is not None and user.active else None
        if actor is None:
            raise AuthenticationError("wrong user name or password")
        with self.store.write() as s:
            s.execute(delete(LoginThrottle).where(LoginThrottle.username == auth.secret_hash(username)))
        return actor

    def authenticate_secret(self, secret: str, kind: str = "token") -> tuple[auth.Actor, Any]:
        """The user behind an API token or session id (``kind`` = "token" or "session"), and the
        secret's row (``csrf_token``, ``expires_at``, ``revoked``; the user's ``id``, ``username``,
        ``role``, ``clearance``, ``active``)."""
        if not auth.storable(secret) or len(secret) > 200:
            raise AuthenticationError(f"invalid or expired {kind}")
        now = utcnow()
        with self.store.read_rows() as s:  # one query on every request: revocation takes effect at once
            row = s.execute(_SECRET_LOOKUP, {"secret_hash": auth.secret_hash(secret), "kind": kind}).first()
            if row is None or row.revoked or (row.expires_at is not None and row.expires_at < now) \
                    or not row.active:
                raise AuthenticationError(f"invalid or expired {kind}")
            return self._actor_for(s, row), row

    def create_token(self, name: str = "script", days: float | None = None) -> str:
        """A new API token for the bound user, valid for ``days`` (default 90, at most 365); shown
        once, stored only as a hash. :meth:`list_tokens` shows it by id, :meth:`revoke_token` ends it."""
        lifetime = auth.TOKEN_LIFETIME if days is None else dt.timedelta(days=float(days))
        if not dt.timedelta(0) < lifetime <= dt.timedelta(days=auth.MAX_TOKEN_DAYS):
            raise InvalidRecordError(f"token lifetime must be more than 0 and at most {auth.MAX_TOKEN_DAYS} days")
        if not name or not auth.storable(name) or len(name) > 100:
            raise InvalidRecordError("token name must be 1-100 characters")
        return self._new_secret("token", name, lifetime=lifetime)[0]

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

    def _token_owner_check(self, s: Any, me: auth.Actor, owner: User) -> None:
        """Your own tokens, or (admins) those of users cleared no higher than you."""
        if owner.id == me.user_id:
            return
        me.at_least(Role.admin, "manage other users' tokens")
        if not me.may_see(owner.clearance):
            raise PermissionDeniedError(f"user {owner.username!r} is cleared above you ({me.clearance})")

    def list_tokens(self, username: str | None = None) -> list[TokenOut]:
        """The API tokens of the bound user (or, for an admin, of ``username``): id, name,
        created, expires, revoked. Never the secrets."""
        me = self._me()
        with self.store.read() as s:
            owner = s.get(User, me.user_id) if username is None else \
                s.scalar(select(User).where(User.username == username)) if auth.storable(username) else None
            if owner is None:
                raise RecordNotFoundError(f"no user {username!r}")
            self._token_owner_check(s, me, owner)
            rows = s.scalars(select(ApiToken).where(ApiToken.user_id == owner.id, ApiToken.kind == "token")
                             .order_by(ApiToken.id)).all()
            return [TokenOut(id=r.id, username=owner.username, name=r.name, created_at=r.created_at,
                             expires_at=r.expires_at, revoked=r.revoked) for r in rows]

    def revoke_token(self, token_id: int) -> TokenOut:
        """Revoke one API token by its id: your own, or (admins) one of a user cleared no higher
        than you. Takes effect on the next request."""
        me = self._me()
        with self.store.write() as s:
            row = s.get(ApiToken, int(token_id))
            owner = s.get(User, row.user_id) if row is not None and row.kind == "token" else None
            if owner is None or (owner.id != me.user_id and
                                 (me.role is not Role.admin or not me.may_see(owner.clearance))):
                raise RecordNotFoundError(f"no token {token_id}")  # others' tokens: as if missing
            row.revoked = True
            return TokenOut(id=row.id, username=owner.username, name=row.name, created_at=row.created_at,
                            expires_at=row.expires_at, revoked=True)

    def revoke_secret(self, secret: str) -> None:
        """Revoke a token or session by its secret (logout)."""
        if not auth.storable(secret):
            return
        with self.store.write() as s:
            row = s.scalar(select(ApiToken).where(ApiToken.secret_hash == auth.secret_hash(secret)))
            if row is not None:
                row.revoked = True
