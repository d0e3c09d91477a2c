"""Pydantic models of what goes in and out of the register (Python API, JSON API, import files).

Field rules enforced here: end date not before start date, costs not negative, currency an
ISO 4217 code, at least one partner, rating 1-5, a bound on the length of every string (a
partner name at most 80 characters: matching names costs time that grows with their length).
Rules that need the database (partner codes, objective ids, clearance, life cycle) are checked
by :class:`suasion.engagements.register.Register`.

Validation messages never repeat a password or token, nor text a terminal or JSON cannot show.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.vocab import (
    Department,
    EngagementType,
    Level,
    Role,
    Status,
    StrategicAim,
    type_alias,
)

Text200 = Field(min_length=1, max_length=200)
#: A partner as given (ISO3 code or name): long enough for any country name.
PartnerText = Annotated[str, Field(min_length=1, max_length=80)]
#: Fields whose values are never shown in a message.
SECRET_FIELDS = frozenset({"password", "token", "secret", "csrf_token"})


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _check_currency(value: str) -> str:
    code = value.strip().upper()
    if code not in _currencies():
        raise ValueError(f"unknown currency {value!r}; use an ISO 4217 code such as GBP")
    return code


def _split_list(value: Any) -> Any:
    """Accept "PAK;IND" or "PAK,IND" from CSV cells as well as lists."""
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    return value


MAX_ID = 2**31 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def _check_text(value: Any) -> Any:
    """Refuse NUL characters and lone surrogates, which databases cannot store."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    elif isinstance(value, list):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _check_text(value)


class TextIn(BaseModel):
    """Base of API bodies that are not records (login, tokens, settings, plans): the same text
    checks, but unknown fields are ignored as FastAPI does by default."""

    model_config = ConfigDict(allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _check_text(value)


def _type_alias(value: Any) -> Any:
    return type_alias(value) if isinstance(value, str) else value


class Indicator(_In):
    name: str = Field(min_length=1, max_length=200)
    baseline: float | None = None
    target: float | None = None
    unit: str = Field(default="", max_length=50)


class ObjectiveIn(_In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "Build trust with Pakistan", "partners": ["PAK"], "aim": "build_trust", "owner": "MoD policy", "indicators": [{"name": "visits", "baseline": 1, "target": 4}]}]})

    title: str = Text200
    partners: list[PartnerText] = Field(min_length=1, max_length=50)
    aim: StrategicAim
    indicators: list[Indicator] = Field(default_factory=list, max_length=50)
    owner: str = Text200
    classification: str | None = Field(default=None, max_length=40)
    notes: str = Field(default="", max_length=20000)

    _split = field_validator("partners", mode="before")(_split_list)

    @model_validator(mode="after")
    def _unique_indicators(self) -> ObjectiveIn:
        names = [i.name for i in self.indicators]
        if len(names) != len(set(names)):
            raise ValueError("indicator names must be unique within an objective")
        return self


class ObjectivePatch(_In):
    version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    partners: list[PartnerText] | None = Field(default=None, min_length=1, max_length=50)
    aim: StrategicAim | None = None
    indicators: list[Indicator] | None = Field(default=None, max_length=50)
    owner: str | None = Field(default=None, min_length=1, max_length=200)
    classification: str | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=20000)

    _split = field_validator("partners", mode="before")(_split_list)


class EngagementFields(_In):
    """Fields shared by creation and update, with the cross-field rules."""

    @field_validator("currency", check_fields=False)
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return None if value is None else _check_currency(value)

    @model_validator(mode="after")
    def _dates(self) -> EngagementFields:
        start, end = getattr(self, "start_date", None), getattr(self, "end_date", None)
        if start is not None and end is not None and end < start:
            raise ValueError(f"end_date {end} is before start_date {start}")
        return self


class EngagementIn(EngagementFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "Defence staff talks", "type": "staff_talks", "partners": ["PAK"], "location": "Islamabad", "start_date": "2026-03-02", "end_date": "2026-03-04", "level": "senior_officer", "lead_department": "defence", "supporting_departments": ["foreign"], "estimated_cost": 12000, "currency": "GBP", "objective_ids": [1]}]})

    title: str = Text200
    type: EngagementType
    partners: list[PartnerText] = Field(min_length=1, max_length=200)
    location: str = Field(default="", max_length=200)
    start_date: dt.date
    end_date: dt.date
    level: Level
    lead_department: Department
    supporting_departments: list[Department] = Field(default_factory=list, max_length=4)
    estimated_cost: float | None = Field(default=None, ge=0, le=1e13, allow_inf_nan=False)
    actual_cost: float | None = Field(default=None, ge=0, le=1e13, allow_inf_nan=False)
    currency: str = Field(default="GBP", min_length=3, max_length=3)
    objective_ids: list[RecordId] = Field(default_factory=list, max_length=100)
    classification: str | None = Field(default=None, max_length=40)
    notes: str = Field(default="", max_length=20000)

    _split = field_validator("partners", "supporting_departments", "objective_ids",
                             mode="before")(_split_list)
    _alias = field_validator("type", mode="before")(_type_alias)


class EngagementPatch(EngagementFields):
    """An update: only the fields given change; ``version`` must be the version the client read."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "location": "Rawalpindi", "actual_cost": 11000}]})

    version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    type: EngagementType | None = None
    partners: list[PartnerText] | None = Field(default=None, min_length=1, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    level: Level | None = None
    lead_department: Department | None = None
    supporting_departments: list[Department] | None = Field(default=None, max_length=4)
    estimated_cost: float | None = Field(default=None, ge=0, le=1e13, allow_inf_nan=False)
    actual_cost: float | None = Field(default=None, ge=0, le=1e13, allow_inf_nan=False)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    objective_ids: list[RecordId] | None = Field(default=None, max_length=100)
    classification: str | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=20000)

    _split = field_validator("partners", "supporting_departments", "objective_ids",
                             mode="before")(_split_list)
    _alias = field_validator("type", mode="before")(_type_alias)


class Transition(_In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"to": "planned", "version": 1}]})

    to: Status
    version: int = Field(ge=1, le=MAX_ID)


class VersionOnly(_In):
    version: int = Field(ge=1, le=MAX_ID)


class IndicatorResult(_In):
    indicator: str = Field(min_length=1, max_length=200)
    value: float = Field(allow_inf_nan=False)
    note: str = Field(default="", max_length=2000)


class IndicatorResultOut(BaseModel):
    indicator: str
    value: float
    note: str = ""
    objective_id: int | None = None  # the objective the indicator belongs to (None: recorded before 2026-12)


class AssessmentIn(_In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"date": "2026-03-20", "rating": 4, "indicator_results": [{"indicator": "engagements completed", "value": 3}], "narrative": "Agreed a staff-talks calendar.", "version": 4}]})

    date: dt.date
    indicator_results: list[IndicatorResult] = Field(default_factory=list, max_length=100)
    rating: int = Field(ge=1, le=5, description="1 = counter-productive ... 5 = objective advanced decisively")
    narrative: str = Field(default="", max_length=20000)
    assessor: str | None = Field(default=None, min_length=1, max_length=200)
    version: int = Field(ge=1, le=MAX_ID, description="the engagement's version the assessor read")


class UserIn(_In):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=12, max_length=1000)
    role: Role
    clearance: str = Field(min_length=1, max_length=40)


class UserPatch(_In):
    version: int = Field(ge=1, le=MAX_ID)
    password: str | None = Field(default=None, min_length=12, max_length=1000)
    role: Role | None = None
    clearance: str | None = Field(default=None, min_length=1, max_length=40)
    active: bool | None = None


# --- what comes out -------------------------------------------------------------------------

class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ObjectiveOut(_Out):
    id: int
    title: str
    partners: list[str]
    aim: StrategicAim
    indicators: list[Indicator]
    owner: str
    classification: str
    notes: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class AssessmentOut(_Out):
    id: int
    engagement_id: int
    date: dt.date
    indicator_results: list[IndicatorResultOut]
    rating: int
    narrative: str
    assessor: str
    created_by: str
    created_at: dt.datetime


class EngagementOut(_Out):
    id: int
    title: str
    type: EngagementType
    partners: list[str]
    location: str
    start_date: dt.date
    end_date: dt.date
    level: Level
    lead_department: Department
    supporting_departments: list[Department]
    status: Status
    estimated_cost: float | None
    actual_cost: float | None
    currency: str
    objective_ids: list[int]
    classification: str
    notes: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    assessments: list[AssessmentOut] = Field(default_factory=list)


class UserOut(_Out):
    id: int
    username: str
    role: Role
    clearance: str
    active: bool
    created_at: dt.datetime
    version: int


class AuditOut(_Out):
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    version: int | None
    classification: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    redacted: bool = False  # links to (or results of) objectives the reader may not see were removed


class TokenOut(_Out):
    """An API token as listed (never its secret)."""

    id: int
    username: str
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked: bool


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Any]


def parse(model: type[BaseModel], data: Any, where: str = "") -> Any:
    """Validate ``data`` into ``model``; a failure becomes one :class:`InvalidRecordError` line."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidRecordError((f"{where}: " if where else "") + describe(exc)) from None


def describe(exc: ValidationError, *, echo: bool = True) -> str:
    """One line per validation error: where, what, and (``echo``) the value given, except for
    secret fields (:data:`SECRET_FIELDS`); values are shown escaped (``repr``), so NUL characters,
    lone surrogates and control characters never reach a terminal or a JSON body raw."""
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        secret = any(str(p).lower() in SECRET_FIELDS for p in err["loc"])
        shown = ""
        if echo and not secret and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            shown = f" (got {value!r})" if len(repr(value)) <= 62 else f" (got {repr(value)[:60]}...)"
        parts.append(f"{loc}: {msg}{shown}" if loc else msg)
    return "; ".join(parts)
