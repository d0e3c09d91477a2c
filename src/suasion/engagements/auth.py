"""Who is acting: password hashing (argon2id), API tokens and sessions, login throttling, and the
rules that decide what a user may do and see.

* Roles are cumulative: viewer < planner (create, edit) < approver (approve) < admin (users,
  settings).
* Clearance: a user sees only records whose classification ranks at or below their clearance
  in the ordered classification list (a setting; default OFFICIAL < OFFICIAL-SENSITIVE < SECRET).
  Every query filters with ``classification IN (levels the user may see)``.
* Tokens and session ids are 256-bit random secrets; only their SHA-256 is stored.
* Throttling: after ``MAX_FAILURES`` failed logins for one user name within ``WINDOW``, that
  name is locked for ``LOCKOUT`` (whether or not the user exists, so nothing leaks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from suasion.engagements.errors import PermissionDeniedError
from suasion.engagements.vocab import ROLE_RANK, Role

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(hours=12)

_hasher = PasswordHasher()
#: A real hash of a random password, verified against when the user does not exist so that
#: a missing user takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf an operation runs."""

    username: str
    role: Role
    clearance: str
    visible: tuple[str, ...]  # classifications this user may see, lowest first
    user_id: int | None = None

    def at_least(self, role: Role, doing: str) -> None:
        if ROLE_RANK[self.role] < ROLE_RANK[role]:
            raise PermissionDeniedError(
                f"user {self.username!r} ({self.role.value}) may not {doing}; needs role {role.value} or above")

    def may_see(self, classification: str) -> bool:
        return classification in self.visible


def visible_levels(levels: list[str] | tuple[str, ...], clearance: str) -> tuple[str, ...]:
    """The classifications at or below ``clearance`` (none if the clearance is not a level)."""
    levels = list(levels)
    if clearance not in levels:
        return ()
    return tuple(levels[: levels.index(clearance) + 1])
