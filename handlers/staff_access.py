"""Who may use a staff command or button: the `Allowed` filter, and the polite refusal when they may not.

The domain's permission table (`domain.staff.PERMISSIONS`) decides; this module only turns the principal of an
update into a role, loads the member's row when it matters (the service standard) and renders refusals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aiogram import Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from domain.identity import Principal
from domain.staff import (
    Area,
    Permission,
    PermissionDenied,
    Refusal,
    Role,
    ensure,
    ensure_staff,
    parse_role,
)
from storage.records import StaffMember
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Actor:
    """The staff member behind an update. `member` is None for an ADMIN_IDS owner without a staff row."""

    role: Role
    account_id: UUID | None
    member: StaffMember | None

    @property
    def standard_acknowledged(self) -> bool:
        return self.member is not None and self.member.standard_acknowledged_at is not None


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


async def authorize(principal: Principal | None, uow: UnitOfWork, permission: Permission | None) -> Actor:
    """The actor, if they are staff and (when `permission` is given) hold it; raises `PermissionDenied`."""
    role = ensure_staff(staff_role(principal))
    assert principal is not None
    member = None if principal.account_id is None else await uow.staff.get(principal.account_id)
    actor = Actor(role=role, account_id=principal.account_id, member=member)
    if permission is not None:
        ensure(role, permission, standard_acknowledged=actor.standard_acknowledged)
    return actor


class Allowed(Filter):
    """Passes staff members who hold `permission` (any staff member when None) and hands the handler `actor`.

    The filter sits after the command or callback-data filter, so the member's row is read only for the
    updates this handler would take. A refused update goes on to the router's refusal handlers.
    """

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission

    async def __call__(
        self, event: TelegramObject, uow: UnitOfWork, principal: Principal | None = None
    ) -> bool | dict[str, Any]:
        try:
            actor = await authorize(principal, uow, self.permission)
        except PermissionDenied:
            return False
        return {"actor": actor}


# --- What the people see -------------------------------------------------------------------------------


def role_label(role: Role) -> str:
    labels = {
        Role.OWNER: _("owner"),
        Role.MANAGER: _("manager"),
        Role.COUNSELOR: _("counselor"),
        Role.CUSTOMER_SERVICE: _("customer service"),
        Role.FINANCE: _("finance"),
    }
    return labels[role]


def area_label(area: Area) -> str:
    labels = {
        Area.PERSONNEL: _("personnel"),
        Area.BUSINESS: _("business"),
        Area.FINANCE: _("finance"),
    }
    return labels[area]


def permission_label(permission: Permission) -> str:
    labels = {
        Permission.VIEW_STAFF: _("see the staff list"),
        Permission.INVITE_STAFF: _("invite staff"),
        Permission.CHANGE_ROLES: _("change staff roles"),
        Permission.DEACTIVATE_STAFF: _("deactivate or reactivate staff"),
        Permission.VIEW_KPIS: _("see staff KPIs"),
        Permission.VIEW_CLIENTS: _("see client records"),
        Permission.ASSIGN_CLIENTS: _("assign clients"),
        Permission.SUPERVISE_QUALITY: _("supervise service quality"),
        Permission.HANDLE_COMPLAINTS: _("handle complaints"),
        Permission.SERVE_CLIENTS: _("serve clients (handoffs, relay chat, notes)"),
        Permission.RECOMMEND: _("recommend candidates to clients"),
        Permission.VIEW_CONTACTS: _("see clients' phone numbers and usernames"),
        Permission.MANAGE_FEES: _("manage fees"),
        Permission.RECORD_PAYMENTS: _("record payments"),
        Permission.VIEW_LEDGER: _("see the ledger"),
    }
    return labels[permission]


def refusal_text(denied: PermissionDenied, role: Role | None) -> str:
    """A polite refusal that says what is missing (short enough for a button's alert: 200 characters)."""
    if denied.refusal is Refusal.NOT_STAFF:
        return _("Sorry, this is only for the agency's staff.")
    if denied.refusal is Refusal.MISSING_PERMISSION and denied.permission is not None and role is not None:
        return _(
            "Sorry, this needs the permission “{permission}” ({area} area), which the role {role} does not have. "
            "Please ask the agency's owner."
        ).format(
            permission=permission_label(denied.permission),
            area=area_label(denied.permission.area),
            role=role_label(role),
        )
    if denied.refusal is Refusal.STANDARD_PENDING:
        return _("Please read and accept the service standard first (/standard); client records open after that.")
    if denied.refusal is Refusal.ROLE_NOT_GRANTABLE and denied.role is not None:
        return _("Sorry, giving the role {role} is beyond your authority. Please ask the agency's owner.").format(
            role=role_label(denied.role)
        )
    if denied.refusal is Refusal.MEMBER_OUTRANKS and denied.role is not None:
        return _(
            "Sorry, members with the role {role} are beyond your authority. Please ask the agency's owner."
        ).format(role=role_label(denied.role))
    if denied.refusal is Refusal.SELF:
        return _("You cannot change your own role or access. Please ask another owner or manager.")
    return _("Sorry, you cannot do this.")


async def refusal_for(principal: Principal | None, uow: UnitOfWork, permission: Permission | None) -> str:
    """Why a staff command or button was turned away by its `Allowed` filter (or that the button is stale)."""
    try:
        await authorize(principal, uow, permission)
    except PermissionDenied as denied:
        return refusal_text(denied, staff_role(principal))
    return _("This button is no longer active.")


ButtonPermission = Callable[[Any], Permission | None]


def refuse_the_rest(
    router: Router,
    *,
    commands: Mapping[str, Permission | None] | None = None,
    buttons: Sequence[tuple[type[CallbackData], ButtonPermission]] = (),
) -> None:
    """Register, after a staff router's `Allowed` handlers, the ones that answer what those filters turned
    away: each command in `commands` and each button of the given callback-data factories, with a polite
    refusal that names what is missing (`permission_of(callback_data)` says what a button needs)."""
    if commands:
        needs = dict(commands)

        async def refuse_command(
            message: Message, command: CommandObject, uow: UnitOfWork, principal: Principal | None = None
        ) -> None:
            await message.answer(await refusal_for(principal, uow, needs[command.command]))

        router.message.register(refuse_command, Command(*needs))
    for factory, permission_of in buttons:

        async def refuse_button(
            callback: CallbackQuery,
            callback_data: CallbackData,
            uow: UnitOfWork,
            principal: Principal | None = None,
            permission_of: ButtonPermission = permission_of,
        ) -> None:
            text = await refusal_for(principal, uow, permission_of(callback_data))
            await callback.answer(text, show_alert=True)

        router.callback_query.register(refuse_button, factory.filter())
