"""Who is acting: password hashing (argon2id), API tokens and sessions, login throttling, and the
rules that decide what a user may do and see.

* Roles are cumulative: viewer < planner (create, edit) < approver (approve) < admin (users,
  settings).
* Clearance: a user sees only records whose classification ranks at or below their clearance
  in the ordered classification list (a setting; default OFFICIAL < OFFICIAL-SENSITIVE < SECRET).
  Every query filters with ``classification IN (levels the user may see)``.
* Tokens and session ids are 256-bit random secrets; only their SHA-256 is stored. API tokens
  expire after ``TOKEN_LIFETIME`` by default (at most ``MAX_TOKEN_DAYS``), sessions after
  ``SESSION_LIFETIME``; each can be revoked on its own.
* Throttling: every login attempt for a user name is counted *before* its password is checked,
  in one atomic step; after ``MAX_FAILURES`` attempts within ``WINDOW`` that did not succeed,
  the name is locked for ``LOCKOUT`` (whether or not the user exists, so nothing leaks). A burst
  of concurrent guesses therefore gets at most ``MAX_FAILURES`` password checks.
* Passwords: at least 12 characters, not the user name, and not common or easy to guess
  (zxcvbn score >= ``MIN_PASSWORD_SCORE``; Wheeler 2016, USENIX Security).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from suasion.engagements.errors import InvalidRecordError, PermissionDeniedError
from suasion.engagements.vocab import ROLE_RANK, Role

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(hours=12)
TOKEN_LIFETIME = dt.timedelta(days=90)
MAX_TOKEN_DAYS = 365
MAX_USERNAME = 100
MAX_PASSWORD = 1000
#: zxcvbn's score is 0 (too guessable) to 4 (very unguessable); 3 = "safely unguessable:
#: moderate protection from offline slow-hash scenario" (< 10^10 guesses).
MIN_PASSWORD_SCORE = 3
#: zxcvbn's matching grows faster than linearly with length; longer passwords are judged by
#: their first characters (zxcvbn refuses more than 72; a 72-character password is not common).
PASSWORD_SCORED_CHARS = 72

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


def storable(text: object) -> bool:
    """Text a database can store: a str without NUL characters or lone surrogates."""
    if not isinstance(text, str) or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_password(password: str, username: str) -> None:
    """Refuse a password equal to the user name, or common or easy to guess (zxcvbn score below
    :data:`MIN_PASSWORD_SCORE`). Messages never contain the password."""
    if not storable(password):
        raise InvalidRecordError("password: must be text without NUL characters or lone surrogates")
    if password.strip().casefold() == username.strip().casefold():
        raise InvalidRecordError("password: must not be the user name")
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:PASSWORD_SCORED_CHARS], user_inputs=[username, "suasion", "register"])
    if result["score"] < MIN_PASSWORD_SCORE:
        warning = (result.get("feedback") or {}).get("warning") or ""
        raise InvalidRecordError("password: too common or easy to guess" +
                                 (f" ({warning.rstrip('.')})" if warning else "") +
                                 "; use a longer passphrase of unrelated words")


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
