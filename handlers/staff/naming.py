"""The name clients see: asked when a member joins (right after the welcome), changed
with `/myname NAME`.

The question is the conversation state `StaffName.name`: the next plain text is the answer (a command still
works as a command); on Telegram the member's Telegram name is offered as a one-tap answer, read from the press
itself. `/myname` never changes the conversation state, so it can be used in the middle of anything (a relay
with a client included).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import gettext as _

from domain.staff import NameProblem
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff.commands import help_for
from handlers.staff.permissions import COMMAND_PERMISSIONS, NAME_PERMISSION
from handlers.staff_access import Allowed
from handlers.views.staff import (
    NameChoice,
    StaffNameButton,
    current_name_text,
    myname_usage,
    name_changed_text,
    name_problem_text,
    name_question,
    name_saved_text,
)


class StaffName(StatesGroup):
    name = State()  # a new member is asked the name clients see


def current_name(actor: Actor) -> str | None:
    return None if actor.member is None else actor.member.display_name


def suggested(services: Services, user: User | None) -> str | None:
    """The name of the person who wrote or pressed, offered as an answer where the channel has real names."""
    return services.staff.suggested_name(None if user is None else user.full_name)


async def ask_name(
    message: Message, state: FSMContext, services: Services, user: User | None, *, current: str | None
) -> None:
    """Ask the member (`user`, the person who pressed or wrote) for the name clients see."""
    await state.set_state(StaffName.name)
    text, markup = name_question(current, suggested(services, user))
    await message.answer(text, reply_markup=markup)


async def named(message: Message, state: FSMContext, actor: Actor, name: str) -> None:
    """The answer to the joining question: the name, then what the member can do."""
    await state.set_state(None)
    await message.answer(name_saved_text(name) + "\n\n" + help_for(actor, name=name))


async def typed_name(message: Message, actor: Actor, services: Services, state: FSMContext) -> None:
    typed = message.text or ""
    name = await services.staff.rename(actor, typed)
    if isinstance(name, NameProblem):
        text, markup = name_question(current_name(actor), suggested(services, message.from_user))
        await message.answer(name_problem_text(name, typed) + "\n\n" + text, reply_markup=markup)
        return
    await named(message, state, actor, name)


async def not_a_text(message: Message, actor: Actor, services: Services) -> None:
    """A sticker, a photo, ...: ask again."""
    text, markup = name_question(current_name(actor), suggested(services, message.from_user))
    await message.answer(text, reply_markup=markup)


async def by_button(callback: CallbackQuery, state: FSMContext, actor: Actor, name: str) -> None:
    """A one-tap answer was taken: the question loses its buttons, then the name and what the member can do."""
    await callback.answer(_("Saved."))
    message = callback.message if isinstance(callback.message, Message) else None
    if message is None:
        return
    if message.reply_markup is not None:
        await message.edit_reply_markup(reply_markup=None)
    await named(message, state, actor, name)


async def keep_name(callback: CallbackQuery, actor: Actor, state: FSMContext) -> None:
    name = current_name(actor)
    if not name:
        await callback.answer(_("This button is no longer active."))
        return
    await by_button(callback, state, actor, name)


async def channel_name(callback: CallbackQuery, actor: Actor, services: Services, state: FSMContext) -> None:
    suggestion = suggested(services, callback.from_user)
    name = NameProblem.EMPTY if suggestion is None else await services.staff.rename(actor, suggestion)
    if isinstance(name, NameProblem):  # not on Telegram, or the Telegram name changed since it was offered
        await callback.answer(_("This button is no longer active."))
        return
    await by_button(callback, state, actor, name)


async def myname(message: Message, command: CommandObject, actor: Actor, services: Services) -> None:
    current = current_name(actor)
    if not command.args:
        await message.answer(current_name_text(current))
        return
    name = await services.staff.rename(actor, command.args)
    if isinstance(name, NameProblem):
        await message.answer(name_problem_text(name, command.args) + "\n" + myname_usage(current))
        return
    await message.answer(name_changed_text(name))


def create_router() -> Router:
    router = Router(name="staff.naming")
    router.message.register(myname, Command("myname"), Allowed(COMMAND_PERMISSIONS["myname"]))
    router.message.register(typed_name, StaffName.name, F.text & ~F.text.startswith("/"), Allowed(NAME_PERMISSION))
    router.message.register(not_a_text, StaffName.name, ~F.text, Allowed(NAME_PERMISSION))
    router.callback_query.register(
        keep_name, StaffNameButton.filter(F.choice == NameChoice.KEEP), Allowed(NAME_PERMISSION)
    )
    router.callback_query.register(
        channel_name, StaffNameButton.filter(F.choice == NameChoice.CHANNEL), Allowed(NAME_PERMISSION)
    )
    return router
