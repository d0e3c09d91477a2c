"""Users: roles and clearances, managed by admins whose powers are bounded by their own
clearance (an admin may not create, raise or manage a user cleared above themselves)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from suasion.engagements import auth
from suasion.engagements.base import RegisterBase
from suasion.engagements.errors import InvalidRecordError, PermissionDeniedError, RecordNotFoundError
from suasion.engagements.identity import user_snapshot
from suasion.engagements.models import ApiToken, User
from suasion.engagements.schemas import UserIn, UserOut, UserPatch, parse
from suasion.engagements.vocab import Role


class UserOps(RegisterBase):
    """Listing, adding and changing users (admin)."""

    def list_users(self) -> list[UserOut]:
        self._me().at_least(Role.admin, "manage users")
        with self.store.read() as s:
            return [UserOut.model_validate(u) for u in s.scalars(select(User).order_by(User.id))]

    def _grantable(self, me: auth.Actor, levels: list[str], clearance: str) -> None:
        if clearance not in levels:
            raise InvalidRecordError(f"unknown clearance {clearance!r}; one of {', '.join(levels)}")
        if not me.may_see(clearance):
            raise PermissionDeniedError(f"you may not clear a user to {clearance}, above your own "
                                        f"clearance ({me.clearance})")

    def add_user(self, data: UserIn | dict[str, Any]) -> UserOut:
        me = self._me()
        me.at_least(Role.admin, "manage users")
        data = parse(UserIn, data, "user")
        auth.check_password(data.password, data.username)
        with self.store.write() as s:
            levels = self._levels(s)
            self._grantable(me, levels, data.clearance)
            if s.scalar(select(User.id).where(User.username == data.username)) is not None:
                raise InvalidRecordError(f"user {data.username!r} exists already")
            row = User(username=data.username, password_hash=auth.hash_password(data.password),
                       role=data.role.value, clearance=data.clearance, active=True)
            s.add(row)
            s.flush()
            self._audit(s, me.username, "create", "user", row.id, row.version, levels[0], None,
                        user_snapshot(row))
            return UserOut.model_validate(row)

    def update_user(self, username: str, patch: UserPatch | dict[str, Any]) -> UserOut:
        me = self._me()
        me.at_least(Role.admin, "manage users")
        patch = parse(UserPatch, patch, f"user {username}")
        if patch.password is not None:
            auth.check_password(patch.password, username)
        if not auth.storable(username) or len(username) > auth.MAX_USERNAME:
            raise RecordNotFoundError("no user with that name")
        with self.store.write() as s:
            row = s.scalar(select(User).where(User.username == username).with_for_update())
            if row is None:
                raise RecordNotFoundError(f"no user {username!r}")
            levels = self._levels(s)
            if not me.may_see(row.clearance):
                raise PermissionDeniedError(f"user {username!r} is cleared above you ({me.clearance}); "
                                            "only an admin cleared as high may change them")
            self._check_version("user", row.id, row.version, patch.version)
            if patch.clearance is not None:
                self._grantable(me, levels, patch.clearance)
            before = user_snapshot(row)
            if patch.password is not None:
                row.password_hash = auth.hash_password(patch.password)
            for name in ("clearance", "active"):
                if getattr(patch, name) is not None:
                    setattr(row, name, getattr(patch, name))
            if patch.role is not None:
                row.role = patch.role.value
            if row.id == me.user_id and (row.role != Role.admin.value or not row.active):
                raise InvalidRecordError("you cannot remove your own admin role or deactivate yourself")
            if row.active is False or patch.password is not None:  # end the user's sessions and tokens
                for token in s.scalars(select(ApiToken).where(ApiToken.user_id == row.id)):
                    token.revoked = True
            self._flush(s, "user", row.id, patch.version)
            self._audit(s, me.username, "update", "user", row.id, row.version, levels[0], before,
                        user_snapshot(row))
            return UserOut.model_validate(row)
