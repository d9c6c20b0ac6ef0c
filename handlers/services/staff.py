"""The staff office: joining by invitation, invitations, and each member's role and
access (docs/staff.md). Reached as `services.staff`.

Every change is checked against the domain's rules (`domain.staff`) for the member read afresh from the
database, never for what a button claims, and written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain import invites
from domain.identity import Channel, Principal
from domain.staff import NameProblem, Role, ensure_can_grant, needs_training, staff_name
from handlers.services.alerts import reassign_clients_of
from handlers.services.feature import FeatureService
from handlers.services.personnel.training import is_cleared
from handlers.services.staff_access import Actor, staff_role
from storage.records import StaffMember


class Unusable(StrEnum):
    """Why an invitation did not make anyone a staff member."""

    NOT_VALID = "not_valid"  # no such code (mistyped, forged, or not a staff invitation at all)
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Joined:
    role: Role
    training_due: bool  # client data waits for the new member's training (/training, docs/training.md)
    name: str | None  # the name clients see: a former member's, invited again; None for a new member


@dataclass(frozen=True)
class AlreadyStaff:
    """The person is on the staff already; the invitation stays unused."""

    role: Role


JoinResult = Joined | AlreadyStaff | Unusable


@dataclass(frozen=True)
class Invitation:
    role: Role
    payload: str  # the deep-link payload, `staff-<code>`
    hours: int  # how long it is valid
    on_telegram: bool  # issued on Telegram, where a link to the bot can be given


@dataclass(frozen=True)
class AccessChange:
    member: StaffMember
    moved: list[tuple[UUID, UUID | None]]  # a deactivated counselor's clients: (client, new counselor or None)

    @property
    def waiting(self) -> int:
        """Clients left without a counselor (nobody else was available)."""
        return sum(1 for _client, counselor in self.moved if counselor is None)


@dataclass
class StaffOffice(FeatureService):
    principal: Principal | None = None  # the person behind the update

    # --- joining ----------------------------------------------------------------------------------------------
    async def join(self, payload: str | None) -> JoinResult:
        """The person behind the update opens an invitation (`/start staff-<code>`): with a valid one they
        join the staff (again, if they were deactivated) with its role. A new member has no name yet: they
        choose the one clients see next (`rename`); the channel's own name is never taken for it (the web
        chat's is "Guest" for everyone)."""
        principal = self.principal
        now = self.now()
        code = invites.code_from_payload(payload)
        invite = None if code is None or principal is None else await self.uow.invites.find(code)
        if invite is None or principal is None:
            return Unusable.NOT_VALID
        state = invites.status(expires=invite.expires_at, used=invite.used_at, now=now)
        if state is invites.InviteStatus.USED:
            return Unusable.USED
        if state is invites.InviteStatus.EXPIRED:
            return Unusable.EXPIRED
        current = staff_role(principal)
        if current is not None:
            return AlreadyStaff(current)
        role = Role(invite.role)
        account_id = await self._own_account()
        if not await self.uow.invites.use(invite.id, account_id=account_id, now=now):
            return Unusable.USED
        if await self.uow.staff.get(account_id) is None:
            member = await self.uow.staff.add(account_id, role=role.value, display_name=None, now=now)
        else:  # a former member, deactivated earlier, invited again
            await self.uow.staff.set_role(account_id, role.value)
            member = await self.uow.staff.set_active(account_id, True)
        await self.uow.audit.record(
            action="staff.joined", now=now, actor_account_id=invite.created_by, subject_account_id=account_id
        )
        due = needs_training(role) and not await is_cleared(self.uow, account_id, now=now)
        return Joined(role, training_due=due, name=member.display_name)

    # --- the name clients see ---------------------------------------------------------------------------------
    async def rename(self, actor: Actor, typed: str) -> str | NameProblem:
        """Set the name clients see (relay, alerts) when `typed` is one (`domain.staff.staff_name`); returns
        the name as kept, or what is wrong with it. An owner from ADMIN_IDS without a staff row gets one now."""
        name = staff_name(typed)
        if isinstance(name, NameProblem):
            return name
        now = self.now()
        account_id = await self._own_account()
        if await self.uow.staff.get(account_id) is None:
            await self.uow.staff.add(account_id, role=actor.role.value, display_name=name, now=now)
        else:
            await self.uow.staff.set_name(account_id, name)
        await self.uow.audit.record(
            action="staff.name_changed", now=now, actor_account_id=account_id, subject_account_id=account_id
        )
        return name

    def suggested_name(self, full_name: str | None) -> str | None:
        """The person's own name on the channel, offered as a one-tap answer: on Telegram only (the web chat
        calls everyone "Guest"), and only when it is a valid name."""
        if full_name is None or self.principal is None or self.principal.channel is not Channel.TELEGRAM:
            return None
        name = staff_name(full_name)
        return None if isinstance(name, NameProblem) else name

    async def _own_account(self) -> UUID:
        """The account of the person behind the update, made now when they have none yet (a newcomer opening
        an invitation, an owner from ADMIN_IDS who never wrote to the bot before)."""
        principal = self.principal
        assert principal is not None
        if principal.account_id is not None:
            return principal.account_id
        account, _created = await self.uow.accounts.get_or_create(
            principal.channel.value, principal.external_id, locale=principal.locale, now=self.now()
        )
        self.uow.principal_id = account.id
        return account.id

    # --- invitations ------------------------------------------------------------------------------------------
    async def invite(self, actor: Actor, role: Role) -> Invitation:
        """A one-time invitation for a new member with `role`; raises `PermissionDenied` when giving that role
        is beyond the actor's authority."""
        ensure_can_grant(actor.role, role)
        now = self.now()
        hours = self.settings.staff_invite_hours
        payload = await self.uow.invites.issue(role.value, created_by=actor.account_id, now=now, hours=hours)
        await self.uow.audit.record(action="staff.invited", now=now, actor_account_id=actor.account_id)
        on_telegram = self.principal is not None and self.principal.channel is Channel.TELEGRAM
        return Invitation(role=role, payload=payload, hours=hours, on_telegram=on_telegram)

    # --- the team ---------------------------------------------------------------------------------------------
    async def team(self) -> list[StaffMember]:
        """Everyone on the staff, deactivated members included, in the order they joined."""
        return await self.uow.staff.list(active_only=False)

    async def member(self, account_id: UUID | None) -> StaffMember | None:
        return None if account_id is None else await self.uow.staff.get(account_id)

    async def change_role(self, actor: Actor, member: StaffMember, role: Role) -> StaffMember:
        """Give `member` the role; raises `PermissionDenied` when the member or the role is beyond the
        actor's authority (or the member is the actor)."""
        actor.ensure_may_manage(member, role)
        if member.role == role.value:
            return member
        member = await self.uow.staff.set_role(member.account_id, role.value)
        await self.uow.audit.record(
            action="staff.role_changed",
            now=self.now(),
            actor_account_id=actor.account_id,
            subject_account_id=member.account_id,
        )
        return member

    async def set_access(self, actor: Actor, member: StaffMember, *, active: bool) -> AccessChange:
        """Deactivate `member` (their clients go to other counselors) or give their access back; raises
        `PermissionDenied` as `change_role` does."""
        actor.ensure_may_manage(member)
        if member.active == active:
            return AccessChange(member, [])
        now = self.now()
        member = await self.uow.staff.set_active(member.account_id, active)
        await self.uow.audit.record(
            action="staff.reactivated" if active else "staff.deactivated",
            now=now,
            actor_account_id=actor.account_id,
            subject_account_id=member.account_id,
        )
        if active:
            return AccessChange(member, [])
        moved = await reassign_clients_of(self.uow, member.account_id, now=now, by=actor.account_id)
        return AccessChange(member, moved)
