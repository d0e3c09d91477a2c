"""Errors of the event-data capability (all :class:`suasion.errors.SuasionError` subclasses)."""

from __future__ import annotations

from suasion.errors import InputFileError, SuasionError, UnknownActorError


class EventFormatError(InputFileError):
    """A file that is not in the announced event layout (or in none), or a malformed row under ``--on-error fail``."""


class EventStoreError(SuasionError):
    """An event store that is missing, empty, or holds data that cannot be mixed in one query."""


class EventQueryError(SuasionError, ValueError):
    """A query parameter out of range or not a choice (frequency, metric, window, EWMA λ, date range...)."""


class UnknownEventActorError(UnknownActorError):
    """An actor code in a query that is not a state code of the CAMEO/ISO3 table."""


__all__ = ["EventFormatError", "EventQueryError", "EventStoreError", "UnknownEventActorError"]
