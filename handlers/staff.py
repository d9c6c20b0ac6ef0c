"""The staff front office, first slice: /invite, /staff (roles, deactivation), onboarding and /standard.

Every command and button here is guarded twice: the `Allowed` filter (the domain's permission table) on each
handler, and the domain's `ensure_*` checks on the member a button names, which is read from the database,
never trusted from the callback data. What a filter refuses falls through to the refusal handlers at the end
of the router, which say politely what is missing. See docs/staff.md.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain import invites
from domain.clock import Clock
from domain.identity import Channel, Principal
from domain.staff import (
    GRANTABLE,
    Permission,
    PermissionDenied,
    Role,
    ensure_can_grant,
    ensure_can_manage,
    needs_standard,
    parse_role,
    service_standard,
)
from handlers.services.alerts import reassign_clients_of
from handlers.services.settings import Settings
from handlers.services.staff_access import Actor, staff_role
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.staff import refusal_text, role_label
from handlers.views.texts import current_locale, quote, quote_clipped
from storage.records import StaffMember
from storage.unit_of_work import UnitOfWork

router = Router(name="staff")

MAX_LISTED = 50
NAME_BUDGET = 32


class StaffAction(StrEnum):
    LIST = "list"
    OPEN = "open"
    ROLE = "role"
    DEACTIVATE = "off"
    REACTIVATE = "on"


class StaffButton(CallbackData, prefix="staff"):
    action: StaffAction
    member: UUID | None = None
    role: str = ""


class StandardButton(CallbackData, prefix="standard"):
    """The onboarding button: "I have read and accept"."""

    accept: bool = True


# What each command and button needs (None: any active staff member). The permission matrix test reads these.
COMMAND_PERMISSIONS: dict[str, Permission | None] = {
    "staff": Permission.VIEW_STAFF,
    "invite": Permission.INVITE_STAFF,
    "standard": None,
}
ACTION_PERMISSIONS: dict[StaffAction, Permission] = {
    StaffAction.LIST: Permission.VIEW_STAFF,
    StaffAction.OPEN: Permission.VIEW_STAFF,
    StaffAction.ROLE: Permission.CHANGE_ROLES,
    StaffAction.DEACTIVATE: Permission.DEACTIVATE_STAFF,
    StaffAction.REACTIVATE: Permission.DEACTIVATE_STAFF,
}
STANDARD_PERMISSION: Permission | None = None


def _action(action: StaffAction) -> tuple[CallbackQueryFilter, Allowed]:
    return StaffButton.filter(F.action == action), Allowed(ACTION_PERMISSIONS[action])


# --- Joining: /start staff-<code> -------------------------------------------------------------------------


@router.message(CommandStart(deep_link=True, magic=F.args.startswith(invites.PAYLOAD_PREFIX)))
async def open_invite(
    message: Message, command: CommandObject, principal: Principal, uow: UnitOfWork, clock: Clock
) -> None:
    now = clock.now()
    code = invites.code_from_payload(command.args)
    invite = None if code is None else await uow.invites.find(code)
    if invite is None:
        await message.answer(_("This invitation link is not valid. Please ask the agency for a new one."))
        return
    state = invites.status(expires=invite.expires_at, used=invite.used_at, now=now)
    if state is invites.InviteStatus.USED:
        await message.answer(_("This invitation has already been used. Please ask the agency for a new one."))
        return
    if state is invites.InviteStatus.EXPIRED:
        await message.answer(_("This invitation has expired. Please ask the agency for a new one."))
        return
    current = staff_role(principal)
    if current is not None:
        await message.answer(
            _("You are already on the agency's staff as {role}. The invitation was not used.").format(
                role=role_label(current)
            )
        )
        return
    role = Role(invite.role)
    account_id = principal.account_id
    if account_id is None:
        account, _created = await uow.accounts.get_or_create(
            principal.channel.value, principal.external_id, locale=principal.locale, now=now
        )
        account_id = uow.principal_id = account.id
    if not await uow.invites.use(invite.id, account_id=account_id, now=now):
        await message.answer(_("This invitation has already been used. Please ask the agency for a new one."))
        return
    name = message.from_user.full_name if message.from_user is not None else None
    if await uow.staff.get(account_id) is None:
        member = await uow.staff.add(account_id, role=role.value, display_name=name, now=now)
    else:  # a former member, deactivated earlier, invited again
        await uow.staff.set_role(account_id, role.value)
        member = await uow.staff.set_active(account_id, True)
    await uow.audit.record(
        action="staff.joined", now=now, actor_account_id=invite.created_by, subject_account_id=account_id
    )
    await message.answer(
        _("Welcome to the agency's team! You are now on the staff as {role}.").format(role=role_label(role))
    )
    if needs_standard(role) and member.standard_acknowledged_at is None:
        await _send_standard(message, acknowledged=False)
    else:
        await message.answer(_("Send /staff to see the team."))


# --- Onboarding: the service standard ----------------------------------------------------------------------


def _standard_text() -> str:
    """The agency's text, escaped; its `# ` lines become bold headings."""
    lines = []
    for line in service_standard(current_locale()).splitlines():
        if line.startswith("# "):
            lines.append(f"<b>{quote(line[2:].strip())}</b>")
        else:
            lines.append(quote(line))
    return "\n".join(lines)


async def _send_standard(message: Message, *, acknowledged: bool) -> None:
    if acknowledged:
        await message.answer(_standard_text())
        return
    builder = InlineKeyboardBuilder()
    builder.button(text=_("I have read and accept"), callback_data=StandardButton())
    await message.answer(
        _("Before you can see any client's data, please read our service standard and accept it.")
        + "\n\n"
        + _standard_text(),
        reply_markup=builder.as_markup(),
    )


@router.message(Command("standard"), Allowed(COMMAND_PERMISSIONS["standard"]))
async def show_standard(message: Message, actor: Actor) -> None:
    await _send_standard(message, acknowledged=actor.standard_acknowledged or not needs_standard(actor.role))


@router.callback_query(StandardButton.filter(), Allowed(STANDARD_PERMISSION))
async def accept_standard(callback: CallbackQuery, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    message = callback.message if isinstance(callback.message, Message) else None
    if actor.member is None or actor.standard_acknowledged:
        # Pressed again (an old message): nothing to record.
        await callback.answer(_("You have already accepted the service standard."))
        if message is not None and message.reply_markup is not None:
            await message.edit_reply_markup(reply_markup=None)
        return
    now = clock.now()
    await uow.staff.acknowledge_standard(actor.member.account_id, now)
    await uow.audit.record(
        action="staff.standard_accepted",
        now=now,
        actor_account_id=actor.member.account_id,
        subject_account_id=actor.member.account_id,
    )
    await callback.answer(_("Thank you!"))
    if message is not None:
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(_("Thank you for accepting the service standard. Client records are open to you now."))


# --- /invite ROLE -----------------------------------------------------------------------------------------


def _invite_usage(actor: Actor) -> str:
    roles = [role for role in Role if role in GRANTABLE[actor.role]]
    choices = "\n".join(f"<code>/invite {role.value}</code>: {role_label(role)}" for role in roles)
    return _("Send /invite followed by the role of the new member:\n{choices}").format(choices=choices)


@router.message(Command("invite"), Allowed(COMMAND_PERMISSIONS["invite"]))
async def invite(
    message: Message,
    command: CommandObject,
    actor: Actor,
    principal: Principal,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    if not command.args:
        await message.answer(_invite_usage(actor))
        return
    role = parse_role(command.args)
    if role is None:
        await message.answer(
            _("I don't know the role “{role}”.").format(role=quote_clipped(command.args, 40))
            + "\n"
            + _invite_usage(actor)
        )
        return
    try:
        ensure_can_grant(actor.role, role)
    except PermissionDenied as denied:
        await message.answer(refusal_text(denied, actor.role))
        return
    now = clock.now()
    payload = await uow.invites.issue(
        role.value, created_by=actor.account_id, now=now, hours=settings.staff_invite_hours
    )
    await uow.audit.record(action="staff.invited", now=now, actor_account_id=actor.account_id)
    lines = [
        _("An invitation for a new {role}, valid for {hours} hours and for one person only.").format(
            role=role_label(role), hours=settings.staff_invite_hours
        )
    ]
    # The web chat's bot has no username: there the web chat command is all there is.
    username = (await bot.me()).username if principal.channel is Channel.TELEGRAM else None
    if username:
        lines.append(
            _("On Telegram, they open this link:\n{link}").format(link=f"https://t.me/{username}?start={payload}")
        )
    lines.append(_("In the web chat, they send:\n{command}").format(command=f"<code>/start {payload}</code>"))
    lines.append(_("Send it to that person privately: whoever opens it first joins the staff."))
    await message.answer("\n\n".join(lines))


# --- /staff: the team, roles and access -------------------------------------------------------------------


def _name(member: StaffMember) -> str:
    """The member's name for HTML text."""
    return quote_clipped(member.display_name or "", NAME_BUDGET) or _("(no name)")


def _button_name(member: StaffMember) -> str:
    """The member's name for a button (buttons are plain text)."""
    name = member.display_name or ""
    return (name[:NAME_BUDGET] + "…" if len(name) > NAME_BUDGET else name) or _("(no name)")


def _status(member: StaffMember) -> str:
    role = Role(member.role)
    notes = [role_label(role)]
    if not member.active:
        notes.append(_("deactivated"))
    elif needs_standard(role) and member.standard_acknowledged_at is None:
        notes.append(_("standard not accepted yet"))
    return ", ".join(notes)


async def _list_view(uow: UnitOfWork) -> tuple[str, InlineKeyboardMarkup | None]:
    members = await uow.staff.list(active_only=False)
    if not members:
        return _("There is nobody on the staff yet. Invite someone with /invite."), None
    builder = InlineKeyboardBuilder()
    lines = [_("<b>The agency's staff</b> ({count})").format(count=len(members))]
    for member in members[:MAX_LISTED]:
        lines.append(f"• {_name(member)}: {_status(member)}")
        builder.button(
            text=f"{_button_name(member)} ({role_label(Role(member.role))})",
            callback_data=StaffButton(action=StaffAction.OPEN, member=member.account_id),
        )
    if len(members) > MAX_LISTED:
        lines.append(_("…and {count} more.").format(count=len(members) - MAX_LISTED))
    lines.append(_("Choose a member to change their role or access."))
    return "\n".join(lines), builder.as_markup()


def _card_view(member: StaffMember, actor: Actor) -> tuple[str, InlineKeyboardMarkup]:
    text = _("<b>{name}</b>\nRole: {role}\nStatus: {status}").format(
        name=_name(member),
        role=role_label(Role(member.role)),
        status=_("active") if member.active else _("deactivated"),
    )
    builder = InlineKeyboardBuilder()
    try:
        ensure_can_manage(actor.role, Role(member.role), is_self=member.account_id == actor.account_id)
    except PermissionDenied:
        manageable = False
    else:
        manageable = True
    if manageable:
        for role in Role:
            if role in GRANTABLE[actor.role] and role.value != member.role:
                builder.button(
                    text=_("Make {role}").format(role=role_label(role)),
                    callback_data=StaffButton(action=StaffAction.ROLE, member=member.account_id, role=role.value),
                )
        if member.active:
            builder.button(
                text=_("Deactivate"), callback_data=StaffButton(action=StaffAction.DEACTIVATE, member=member.account_id)
            )
        else:
            builder.button(
                text=_("Reactivate"), callback_data=StaffButton(action=StaffAction.REACTIVATE, member=member.account_id)
            )
    builder.button(text=_("« Back to the list"), callback_data=StaffButton(action=StaffAction.LIST))
    return text, builder.as_markup()


async def _show(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    if isinstance(callback.message, Message):
        try:
            await callback.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as exc:
            # A second press of the same button (a double tap) shows what is already shown.
            if "message is not modified" not in exc.message:
                raise
    elif callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


@router.message(Command("staff"), Allowed(COMMAND_PERMISSIONS["staff"]))
async def list_staff(message: Message, uow: UnitOfWork) -> None:
    text, markup = await _list_view(uow)
    await message.answer(text, reply_markup=markup)


@router.callback_query(*_action(StaffAction.LIST))
async def back_to_list(callback: CallbackQuery, uow: UnitOfWork) -> None:
    await callback.answer()
    text, markup = await _list_view(uow)
    await _show(callback, text, markup)


async def _target(callback: CallbackQuery, callback_data: StaffButton, uow: UnitOfWork) -> StaffMember | None:
    """The member the button names, read afresh; None (and the button answered) when there is none."""
    member = None if callback_data.member is None else await uow.staff.get(callback_data.member)
    if member is None:
        await callback.answer(_("This button is no longer active."))
    return member


@router.callback_query(*_action(StaffAction.OPEN))
async def open_member(callback: CallbackQuery, callback_data: StaffButton, actor: Actor, uow: UnitOfWork) -> None:
    member = await _target(callback, callback_data, uow)
    if member is None:
        return
    await callback.answer()
    await _show(callback, *_card_view(member, actor))


async def _may_manage(callback: CallbackQuery, actor: Actor, member: StaffMember, new_role: Role | None) -> bool:
    try:
        ensure_can_manage(actor.role, Role(member.role), is_self=member.account_id == actor.account_id)
        if new_role is not None:
            ensure_can_grant(actor.role, new_role)
    except PermissionDenied as denied:
        await callback.answer(refusal_text(denied, actor.role), show_alert=True)
        return False
    return True


@router.callback_query(*_action(StaffAction.ROLE))
async def change_role(
    callback: CallbackQuery, callback_data: StaffButton, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    member = await _target(callback, callback_data, uow)
    if member is None:
        return
    new_role = parse_role(callback_data.role)
    if new_role is None:
        await callback.answer(_("This button is no longer active."))
        return
    if not await _may_manage(callback, actor, member, new_role):
        return
    if member.role != new_role.value:
        member = await uow.staff.set_role(member.account_id, new_role.value)
        await uow.audit.record(
            action="staff.role_changed",
            now=clock.now(),
            actor_account_id=actor.account_id,
            subject_account_id=member.account_id,
        )
    await callback.answer(_("{name} is now {role}.").format(name=_button_name(member), role=role_label(new_role)))
    await _show(callback, *_card_view(member, actor))


async def _set_access(
    callback: CallbackQuery, callback_data: StaffButton, actor: Actor, uow: UnitOfWork, clock: Clock, active: bool
) -> None:
    member = await _target(callback, callback_data, uow)
    if member is None or not await _may_manage(callback, actor, member, None):
        return
    moved: list[tuple[UUID, UUID | None]] = []
    if member.active != active:
        member = await uow.staff.set_active(member.account_id, active)
        await uow.audit.record(
            action="staff.reactivated" if active else "staff.deactivated",
            now=clock.now(),
            actor_account_id=actor.account_id,
            subject_account_id=member.account_id,
        )
        if not active:
            moved = await reassign_clients_of(uow, member.account_id, now=clock.now(), by=actor.account_id)
    if active:
        await callback.answer(_("Access restored."))
    else:
        await callback.answer(_("Deactivated: no more access to the staff tools."))
    await _show(callback, *_card_view(member, actor))
    if moved and isinstance(callback.message, Message):
        unassigned = sum(1 for _client, counselor in moved if counselor is None)
        text = _("{count} clients of {name} were handed to other counselors.").format(
            count=len(moved) - unassigned, name=_name(member)
        )
        if unassigned:
            text += "\n" + _("{count} are waiting for a counselor: nobody else is available.").format(count=unassigned)
        await callback.message.answer(text)


@router.callback_query(*_action(StaffAction.DEACTIVATE))
async def deactivate(
    callback: CallbackQuery, callback_data: StaffButton, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    await _set_access(callback, callback_data, actor, uow, clock, active=False)


@router.callback_query(*_action(StaffAction.REACTIVATE))
async def reactivate(
    callback: CallbackQuery, callback_data: StaffButton, actor: Actor, uow: UnitOfWork, clock: Clock
) -> None:
    await _set_access(callback, callback_data, actor, uow, clock, active=True)


# --- Refusals: whatever the filters above turned away ------------------------------------------------------


refuse_the_rest(
    router,
    commands=COMMAND_PERMISSIONS,
    buttons=[
        (StaffButton, lambda data: ACTION_PERMISSIONS[data.action]),
        (StandardButton, lambda _data: STANDARD_PERMISSION),
    ],
)
