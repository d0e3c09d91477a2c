"""Errors a user can cause and fix.

Every user-facing failure (bad country name, year out of coverage, malformed file, bad
expression) raises a :class:`SuasionError` subclass with a one-line message that says what
is wrong and where. The CLI prints the message and exits non-zero; the web API turns it into
an HTTP 4xx with a JSON body. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class SuasionError(Exception):
    """Base class of errors caused by user input. ``exit_code`` is what the CLI returns."""

    exit_code: int = 2
    http_status: int = 400


class UnknownActorError(SuasionError, LookupError):
    """A country or bloc name or code that cannot be resolved."""

    http_status = 404


class CoverageError(SuasionError, ValueError):
    """A year (or other key) outside the data's coverage."""


class InputFileError(SuasionError, ValueError):
    """A malformed input file; the message names file, line and column."""

    def __init__(self, path: str, reason: str, line: int | None = None, column: str | None = None):
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")
        self.path, self.line, self.column, self.reason = str(path), line, column, reason


class ConflictError(SuasionError):
    """A write against a stale version (optimistic concurrency)."""

    http_status = 409


class PermissionDeniedError(SuasionError):
    """The user may not do this."""

    http_status = 403
