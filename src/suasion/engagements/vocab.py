"""Controlled vocabularies of the register: activity types, levels, departments, statuses, aims, roles.

The activity taxonomy follows the commonly cited list of defence-diplomacy activities
(Cottey & Forster 2004, Adelphi Paper 365; UK MoD Policy Paper No. 1, 2000), in the words the
README and docs use: personnel exchanges, ship and aircraft visits (port calls, fly-ins),
high-level engagement, staff talks, training and exercises, regional forums, outreach,
confidence-building (CSBMs) and non-proliferation. Two types were renamed to match
(``high_level_visit`` -> ``high_level_engagement``, ``csbm`` -> ``confidence_building``;
migration 0002 rewrote stored values, and the old names are still accepted on input for one
release, see :data:`TYPE_ALIASES`). The aims follow
the UK MoD's four purposes of defence diplomacy plus non-proliferation, interoperability and
access/influence. The status life cycle is the G-TSCMIS "common operating picture"
(proposed, planned, ongoing, completed) with an explicit approval and assessment step.
"""

from __future__ import annotations

from enum import Enum


class EngagementType(str, Enum):
    personnel_exchange = "personnel_exchange"
    ship_visit = "ship_visit"
    aircraft_visit = "aircraft_visit"
    high_level_engagement = "high_level_engagement"
    staff_talks = "staff_talks"
    training = "training"
    exercise = "exercise"
    regional_forum = "regional_forum"
    outreach = "outreach"
    confidence_building = "confidence_building"
    non_proliferation = "non_proliferation"
    other = "other"


#: Old spellings of activity types, accepted on input for one release (stored as the new name).
TYPE_ALIASES: dict[str, str] = {"high_level_visit": "high_level_engagement", "csbm": "confidence_building"}


def type_alias(value: str) -> str:
    """The current name of an activity type given under an old name (others unchanged)."""
    return TYPE_ALIASES.get(value.strip(), value) if isinstance(value, str) else value


class Level(str, Enum):
    ministerial = "ministerial"
    chiefs = "chiefs"
    senior_officer = "senior_officer"
    working = "working"


class Department(str, Enum):
    defence = "defence"
    foreign = "foreign"
    development = "development"
    other = "other"


class Status(str, Enum):
    proposed = "proposed"
    planned = "planned"
    approved = "approved"
    executed = "executed"
    assessed = "assessed"
    cancelled = "cancelled"


class StrategicAim(str, Enum):
    dispel_hostility = "dispel_hostility"
    build_trust = "build_trust"
    accountable_armed_forces = "accountable_armed_forces"
    conflict_prevention = "conflict_prevention"
    non_proliferation = "non_proliferation"
    interoperability = "interoperability"
    access_influence = "access_influence"


class Role(str, Enum):
    """Roles are cumulative: each role may do everything the roles before it may do."""

    viewer = "viewer"
    planner = "planner"
    approver = "approver"
    admin = "admin"


ROLE_RANK: dict[Role, int] = {Role.viewer: 0, Role.planner: 1, Role.approver: 2, Role.admin: 3}

#: Legal status transitions. ``assessed`` is reached only by recording an assessment.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.proposed: frozenset({Status.planned, Status.cancelled}),
    Status.planned: frozenset({Status.approved, Status.cancelled}),
    Status.approved: frozenset({Status.executed, Status.cancelled}),
    Status.executed: frozenset({Status.assessed}),
    Status.assessed: frozenset(),
    Status.cancelled: frozenset(),
}

#: Statuses of engagements that actually took place (they count towards the intensity index).
HAPPENED: frozenset[Status] = frozenset({Status.executed, Status.assessed})

DEFAULT_CLASSIFICATIONS: tuple[str, ...] = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET")

#: Weights of the engagement-intensity index and the planner's expected contribution
#: (documented in docs/register.md). A ministerial visit or a multinational exercise is a
#: stronger, costlier signal than a working-level outreach event.
TYPE_WEIGHT: dict[EngagementType, float] = {
    EngagementType.personnel_exchange: 2.0,
    EngagementType.ship_visit: 1.5,
    EngagementType.aircraft_visit: 1.5,
    EngagementType.high_level_engagement: 3.0,
    EngagementType.staff_talks: 2.0,
    EngagementType.training: 2.0,
    EngagementType.exercise: 3.0,
    EngagementType.regional_forum: 1.0,
    EngagementType.outreach: 0.5,
    EngagementType.confidence_building: 2.5,
    EngagementType.non_proliferation: 2.5,
    EngagementType.other: 1.0,
}

LEVEL_WEIGHT: dict[Level, float] = {
    Level.ministerial: 2.0,
    Level.chiefs: 1.5,
    Level.senior_officer: 1.2,
    Level.working: 1.0,
}
