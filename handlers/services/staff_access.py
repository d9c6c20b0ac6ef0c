"""Who the staff member behind an update is, and whether they hold a permission.

The domain's permission table (`domain.staff.PERMISSIONS`) decides; this turns a principal into a role and
loads the member's row and whether their training opens client data (docs/training.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.identity import Principal
from domain.staff import (
    GRANTABLE,
    Permission,
    PermissionDenied,
    Role,
    ensure,
    ensure_can_grant,
    ensure_can_manage,
    ensure_staff,
    needs_training,
    parse_role,
)
from handlers.services.personnel.training import is_cleared
from storage.records import StaffMember
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Actor:
    """The staff member behind an update. `member` is None for an ADMIN_IDS owner without a staff row."""

    role: Role
    account_id: UUID | None
    member: StaffMember | None
    trained: bool = True  # the required training is passed (or not needed: the owner)

    @property
    def training_due(self) -> bool:
        """Client data waits for this member's training (never for an owner)."""
        return needs_training(self.role) and not self.trained

    @property
    def grantable_roles(self) -> list[Role]:
        """The roles this member may give (by invite or role change), in the order of `Role`."""
        return [role for role in Role if role in GRANTABLE[self.role]]

    def ensure_may_manage(self, member: StaffMember, new_role: Role | None = None) -> None:
        """This member may change `member`'s access (and give them `new_role`); raises `PermissionDenied`."""
        ensure_can_manage(self.role, Role(member.role), is_self=member.account_id == self.account_id)
        if new_role is not None:
            ensure_can_grant(self.role, new_role)

    def may_manage(self, member: StaffMember) -> bool:
        try:
            self.ensure_may_manage(member)
        except PermissionDenied:
            return False
        return True


def staff_role(principal: Principal | None) -> Role | None:
    """The principal's role: ADMIN_IDS are owners; otherwise the role of their active staff row, if any."""
    if principal is None:
        return None
    if principal.is_admin:
        return Role.OWNER
    for code in sorted(principal.roles):
        role = parse_role(code)
        if role is not None:
            return role
    return None


async def authorize(
    principal: Principal | None, uow: UnitOfWork, permission: Permission | None, *, now: datetime | None = None
) -> Actor:
    """The actor, if they are staff and (when `permission` is given) hold it; raises `PermissionDenied`.
    `now` (the update's clock; the storage clock's time when None) dates the training's deadlines."""
    role = ensure_staff(staff_role(principal))
    assert principal is not None
    member = None if principal.account_id is None else await uow.staff.get(principal.account_id)
    trained = not needs_training(role) or (member is not None and await is_cleared(uow, member.account_id, now=now))
    actor = Actor(role=role, account_id=principal.account_id, member=member, trained=trained)
    if permission is not None:
        ensure(role, permission, trained=actor.trained)
    return actor
