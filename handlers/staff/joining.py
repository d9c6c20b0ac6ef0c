"""Joining the staff: `/start staff-<code>`, from an invitation's Telegram link or typed in the web chat.

A new member learns that client data waits for their training (/training, docs/training.md), chooses the name
clients see (`naming`), then learns what they can do."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain import invites
from handlers.services.container import Services
from handlers.services.staff import AlreadyStaff, Joined, Unusable
from handlers.staff.naming import ask_name
from handlers.views.staff import role_label


def unusable_text(reason: Unusable) -> str:
    match reason:
        case Unusable.NOT_VALID:
            return _("This invitation link is not valid. Please ask the agency for a new one.")
        case Unusable.USED:
            return _("This invitation has already been used. Please ask the agency for a new one.")
        case Unusable.EXPIRED:
            return _("This invitation has expired. Please ask the agency for a new one.")


async def open_invite(message: Message, command: CommandObject, services: Services, state: FSMContext) -> None:
    match await services.staff.join(command.args):
        case Joined(role=role, training_due=training_due, name=name):
            welcome = _("Welcome to the agency's team! You are now on the staff as {role}.").format(
                role=role_label(role)
            )
            if training_due:
                welcome += "\n\n" + _(
                    "Before you can see any client's data, please pass your training: a short text and a quiz "
                    "for each module, starting with our service standard. Open it with /training."
                )
            await message.answer(welcome)
            await ask_name(message, state, services, message.from_user, current=name)
        case AlreadyStaff(role=role):
            await message.answer(
                _("You are already on the agency's staff as {role}. The invitation was not used.").format(
                    role=role_label(role)
                )
            )
        case Unusable() as reason:
            await message.answer(unusable_text(reason))


def create_router() -> Router:
    router = Router(name="staff.joining")
    router.message.register(open_invite, CommandStart(deep_link=True, magic=F.args.startswith(invites.PAYLOAD_PREFIX)))
    return router
