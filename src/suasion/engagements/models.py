"""SQLAlchemy 2 tables of the register. The schema is created by the Alembic migrations in
``migrations/versions``; a test checks that these models and the migrations agree.

Every mutable record carries ``version`` (optimistic concurrency: SQLAlchemy's
``version_id_col`` adds ``WHERE version = :old`` to every UPDATE) and a ``classification``
marking used to hide it from users without clearance.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Objective(Base):
    __tablename__ = "objectives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    aim: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(200))
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    classification: Mapped[str] = mapped_column(String(40), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partners: Mapped[list[ObjectivePartner]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ObjectivePartner.position")

    __mapper_args__ = {"version_id_col": version}


class ObjectivePartner(Base):
    __tablename__ = "objective_partners"

    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id", ondelete="CASCADE"),
                                              primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Engagement(Base):
    __tablename__ = "engagements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40), index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(40))
    lead_department: Mapped[str] = mapped_column(String(40))
    supporting_departments: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)
    estimated_cost: Mapped[float | None] = mapped_column(Float, nullable=True)
    actual_cost: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    classification: Mapped[str] = mapped_column(String(40), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partners: Mapped[list[EngagementPartner]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EngagementPartner.position")
    objective_links: Mapped[list[EngagementObjective]] = relationship(
        cascade="all, delete-orphan", lazy="selectin")
    assessments: Mapped[list[Assessment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Assessment.id")

    __mapper_args__ = {"version_id_col": version}


class EngagementPartner(Base):
    __tablename__ = "engagement_partners"

    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"),
                                               primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class EngagementObjective(Base):
    __tablename__ = "engagement_objectives"

    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"),
                                               primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id", ondelete="CASCADE"),
                                              primary_key=True, index=True)


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"),
                                               index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    indicator_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rating: Mapped[int] = mapped_column(Integer)
    narrative: Mapped[str] = mapped_column(Text, default="")
    assessor: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """Append-only: the store only ever INSERTs here (and PostgreSQL/SQLite triggers refuse
    UPDATE and DELETE on this table)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    classification: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    clearance: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class ApiToken(Base):
    """API tokens and browser sessions; only the SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "token" or "session"
    name: Mapped[str] = mapped_column(String(100), default="")
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginThrottle(Base):
    """Failed-login counts per user name; ``username`` holds the SHA-256 of the name, never the name."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


__all__ = [
    "ApiToken",
    "Assessment",
    "AuditEntry",
    "Base",
    "Engagement",
    "EngagementObjective",
    "EngagementPartner",
    "LoginThrottle",
    "Objective",
    "ObjectivePartner",
    "Setting",
    "User",
]
