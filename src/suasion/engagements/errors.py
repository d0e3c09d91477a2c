"""Errors of the register (all :class:`suasion.errors.SuasionError`, so the CLI prints one line
and the API answers with the matching HTTP status)."""

from __future__ import annotations

from suasion.errors import ConflictError, PermissionDeniedError, SuasionError, UnknownActorError

__all__ = [
    "AuthenticationError",
    "ConflictError",
    "IllegalTransitionError",
    "ImportRowsError",
    "InvalidRecordError",
    "PermissionDeniedError",
    "RecordNotFoundError",
    "RegisterLocationError",
    "SetupError",
    "SuasionError",
    "ThrottledError",
    "UnknownActorError",
]


class RecordNotFoundError(SuasionError, LookupError):
    """No such record, or none the user is cleared to see (the two are indistinguishable)."""

    http_status = 404


class InvalidRecordError(SuasionError, ValueError):
    """A field value breaks the register's rules (end before start, negative cost, ...)."""

    http_status = 422


class IllegalTransitionError(SuasionError, ValueError):
    """A status change the life cycle does not allow."""

    http_status = 422


class AuthenticationError(SuasionError):
    """Bad or missing credentials."""

    http_status = 401


class ThrottledError(SuasionError):
    """Too many failed logins for this user name; try again later."""

    http_status = 429


class SetupError(SuasionError):
    """The register is not initialised, or is initialised already."""

    http_status = 409


class RegisterLocationError(SuasionError):
    """No register at the given path or URL, or the database there cannot be opened (not a
    register, unreachable server, unsupported scheme, driver not installed)."""

    http_status = 503


class ImportRowsError(SuasionError, ValueError):
    """An import file with bad rows; nothing was written. ``rows`` holds (line, reason) pairs."""

    http_status = 422

    def __init__(self, path: str, rows: list[tuple[int | None, str]]):
        self.path, self.rows = str(path), rows
        shown = "; ".join(f"line {line}: {reason}" if line is not None else reason
                          for line, reason in rows[:20])
        more = f"; ... and {len(rows) - 20} more" if len(rows) > 20 else ""
        super().__init__(f"{path}: {len(rows)} bad row(s), nothing imported: {shown}{more}")
