"""Register settings: the ordered classification markings and the register's own side (the
principal whose engagements these are, the source of the panel channel).

Changing the markings is bounded by the admin's clearance: only an admin cleared to the highest
marking may change the list, markings in use keep their order (re-ordering them would re-mark
every record at once) and may not be dropped, and no marking may be added above the admin's own
clearance. The highest marking is therefore fixed when the register is created
(``suasion register init --classifications ...``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from suasion.engagements.base import CLASSIFICATIONS_KEY, RegisterBase
from suasion.engagements.errors import InvalidRecordError, PermissionDeniedError
from suasion.engagements.identity import check_levels
from suasion.engagements.models import Engagement, Objective, Setting, User
from suasion.engagements.vocab import Role

PRINCIPAL_KEY = "principal"


class SettingsOps(RegisterBase):
    """Classification markings and the principal."""

    def classifications(self) -> list[str]:
        """The ordered classification markings, lowest first."""
        with self.store.read() as s:
            return self._levels(s)

    def set_classifications(self, levels: Iterable[str]) -> list[str]:
        """Replace the ordered list of markings (admin cleared to the highest marking; see the
        module docstring for what may change)."""
        me = self._me()
        me.at_least(Role.admin, "change settings")
        levels = check_levels(levels)
        with self.store.write() as s:
            old = self._levels(s)
            if me.clearance != old[-1]:
                raise PermissionDeniedError(f"only an admin cleared to {old[-1]} may change the markings "
                                            f"(you are cleared to {me.clearance})")
            used: set[str] = set()
            for col in (Engagement.classification, Objective.classification, User.clearance):
                used |= set(s.scalars(select(col).distinct()))
            missing = sorted(used - set(levels))
            if missing:
                raise InvalidRecordError(f"markings in use cannot be removed: {', '.join(missing)}")
            if [v for v in old if v in used] != [v for v in levels if v in used]:
                raise InvalidRecordError("markings in use keep their order (re-ordering them would re-mark "
                                         "every record at once): " + " < ".join(v for v in old if v in used))
            above = levels[levels.index(me.clearance) + 1:]
            if above:
                raise InvalidRecordError(f"markings above your clearance cannot be added ({', '.join(above)}): "
                                         "nobody could be cleared to them")
            s.merge(Setting(key=CLASSIFICATIONS_KEY, value=levels))
            self.store.cache.pop(CLASSIFICATIONS_KEY, None)
            self._audit(s, me.username, "update", "settings", None, None, levels[0],
                        {"classifications": old}, {"classifications": levels})
        return levels

    def principal(self) -> str | None:
        """The register's own side (an ISO3 code or a bloc such as EU), or None if not set."""
        with self.store.read() as s:
            value = s.execute(select(Setting.value).where(Setting.key == PRINCIPAL_KEY)).scalar()
        return str(value) if value else None

    def set_principal(self, actor: str) -> str:
        """Set the register's own side (admin): the state or bloc whose engagements these are.
        It is the source of the channel built by :meth:`channel`."""
        from suasion.engagements.channel import principal_code

        me = self._me()
        me.at_least(Role.admin, "change settings")
        code = principal_code(actor)
        with self.store.write() as s:
            levels = self._levels(s)
            old = s.execute(select(Setting.value).where(Setting.key == PRINCIPAL_KEY)).scalar()
            s.merge(Setting(key=PRINCIPAL_KEY, value=code))
            self._audit(s, me.username, "update", "settings", None, None, levels[0],
                        {"principal": old}, {"principal": code})
        return code
