"""The register's Python API: :class:`Register` opens a store and runs every operation on behalf of
a user, enforcing roles, clearance, the status life cycle, validation, optimistic concurrency and
the audit log. The CLI and the JSON API call this and nothing else.

Each job lives in its own module, as a mixin of :class:`Register`:

* :mod:`~suasion.engagements.base` - the store, the acting user, markings, audit and version helpers;
* :mod:`~suasion.engagements.identity` - creating a register, logins, tokens, sessions;
* :mod:`~suasion.engagements.users` - users (admin);
* :mod:`~suasion.engagements.settings` - classification markings and the principal;
* :mod:`~suasion.engagements.objectives` and :mod:`~suasion.engagements.records` - the records;
* :mod:`~suasion.engagements.files` - import and export;
* :mod:`~suasion.engagements.auditlog` - reading the audit trail;
* :mod:`~suasion.engagements.reports` - trajectory, coherence, planner, panel channel.

>>> reg = Register("register.sqlite").login("alice", "correct horse battery")  # doctest: +SKIP
>>> e = reg.add({"title": "Staff talks", "type": "staff_talks", "partners": ["PAK"], ...})  # doctest: +SKIP
>>> reg.transition(e.id, "planned", version=e.version)  # doctest: +SKIP
"""

from __future__ import annotations

from suasion.engagements.auditlog import AuditOps
from suasion.engagements.base import RegisterBase
from suasion.engagements.files import FileOps
from suasion.engagements.identity import IdentityOps, user_snapshot
from suasion.engagements.objectives import ObjectiveOps, objective_snapshot
from suasion.engagements.records import EngagementOps, engagement_snapshot
from suasion.engagements.reports import ReportOps
from suasion.engagements.settings import SettingsOps
from suasion.engagements.users import UserOps

__all__ = ["Register", "engagement_snapshot", "objective_snapshot", "user_snapshot"]


class Register(IdentityOps, UserOps, SettingsOps, ObjectiveOps, EngagementOps, FileOps, AuditOps, ReportOps):
    __doc__ = RegisterBase.__doc__
