"""/invite ROLE: a one-time invitation for a new staff member (a Telegram link and a web chat command)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from domain.staff import PermissionDenied, parse_role
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff.permissions import COMMAND_PERMISSIONS
from handlers.staff_access import Allowed
from handlers.views.staff import invitation_text, invite_usage, refusal_text, unknown_role


async def invite(message: Message, command: CommandObject, actor: Actor, services: Services, bot: Bot) -> None:
    if not command.args:
        await message.answer(invite_usage(actor.grantable_roles))
        return
    role = parse_role(command.args)
    if role is None:
        await message.answer(unknown_role(command.args, actor.grantable_roles))
        return
    try:
        invitation = await services.staff.invite(actor, role)
    except PermissionDenied as denied:
        await message.answer(refusal_text(denied, actor.role))
        return
    # The web chat's bot has no username: there the web chat command is all there is.
    username = (await bot.me()).username if invitation.on_telegram else None
    await message.answer(
        invitation_text(invitation.role, hours=invitation.hours, payload=invitation.payload, bot_username=username)
    )


def create_router() -> Router:
    router = Router(name="staff.invites")
    router.message.register(invite, Command("invite"), Allowed(COMMAND_PERMISSIONS["invite"]))
    return router
