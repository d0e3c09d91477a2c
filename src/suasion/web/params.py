"""Reading query parameters: every page and download takes its inputs as text and checks them here,
so that a bad value gives one clear message (and a 4xx) instead of a framework error.

Values only the library can judge (a country name, a change expression) are left to it: its
:class:`~suasion.errors.SuasionError` carries the message, with suggestions for typos.
"""

from __future__ import annotations

from collections.abc import Sequence

from suasion.errors import SuasionError

MAX_TEXT = 200
MAX_CHANGES_TEXT = 4000


class FormError(SuasionError):
    """A query parameter that is not of the right kind (not a number, not a choice, too long)."""

    http_status = 422

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def status_of(exc: SuasionError) -> int:
    """The HTTP status of a user error on a page: 422 for input that cannot be resolved."""
    from suasion.errors import CoverageError, UnknownActorError

    if isinstance(exc, UnknownActorError | CoverageError):
        return 422
    status = getattr(exc, "http_status", 400)
    return status if 400 <= status < 500 else 400


def text(value: str | None, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str | None:
    """Stripped text or None; refuses control characters and over-long values."""
    if value is None or not value.strip():
        if required:
            raise FormError(field, "is required")
        return None
    value = value.strip()
    if len(value) > limit:
        raise FormError(field, f"is longer than {limit} characters")
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise FormError(field, "contains control characters")
    return value


def integer(value: str | None, field: str, *, low: int, high: int, default: int | None = None) -> int | None:
    """A whole number in [low, high], or ``default`` when empty."""
    raw = text(value, field, limit=20)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise FormError(field, f"must be a whole number, got {raw!r}") from None
    if not low <= number <= high:
        raise FormError(field, f"must be between {low} and {high}, got {number}")
    return number


def number(value: str | None, field: str, *, low: float, high: float, default: float | None = None) -> float | None:
    raw = text(value, field, limit=40)
    if raw is None:
        return default
    try:
        x = float(raw)
    except ValueError:
        raise FormError(field, f"must be a number, got {raw!r}") from None
    if not (low <= x <= high):
        raise FormError(field, f"must be between {low:g} and {high:g}, got {raw}")
    return x


def choice(value: str | None, field: str, options: Sequence[str], default: str) -> str:
    raw = text(value, field, limit=40)
    if raw is None:
        return default
    if raw not in options:
        raise FormError(field, f"must be one of {', '.join(options)}, got {raw!r}")
    return raw


def year(value: str | None, field: str = "year") -> int | None:
    """A panel year or None (the model's default year)."""
    from suasion.web import queries

    first, last = queries.panel_years()
    y = integer(value, field, low=-10**9, high=10**9)
    if y is not None and not first <= y <= last:
        raise FormError(field, f"{y} is outside the panel's years {first}-{last}")
    return y


MODELS = ("suasion", "suasion-1", "fbic")


def model(value: str | None) -> str:
    return choice(value, "model", MODELS, "suasion")


def output_format(value: str | None) -> str:
    return choice(value, "format", ("json", "csv"), "json")
