"""A client asks for a counselor: /human and the menu button."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.handoff.relay_state import Relay, enter_relay
from handlers.services.container import Services
from handlers.services.handoff.outcomes import Ask
from handlers.services.staff_access import staff_role
from handlers.views.handoff import messages
from handlers.views.keyboards import MenuAction, MenuButton


async def ask_for_human(services: Services, state: FSMContext) -> str:
    """Ask for a counselor (or go back to the one already talking); what to tell the client."""
    principal = services.principal
    if (
        principal is None
        or principal.account_id is None
        or await services.profiles.consent_outdated(principal.account_id)
    ):
        return _("Please send /start first: a counselor can help you once you have agreed to our privacy notice.")
    if staff_role(principal) is not None:
        return _("This is for clients. To serve clients who asked for a counselor, send /queue.")
    desk = services.handoffs
    asking = await desk.ask(principal.account_id)
    if asking.ask is Ask.TALKING:
        await enter_relay(state, desk, principal.account_id, Relay.chatting, asking.handoff.id)
        return _("You are talking with {name} already. Write your message and they will answer here.").format(
            name=messages.staff_name(asking.counselor)
        )
    # What they write now is kept for the counselor who claims.
    await enter_relay(state, desk, principal.account_id, Relay.waiting, asking.handoff.id)
    if asking.ask is Ask.WAITING:
        return messages.request_waiting(asking.answer_from, desk.now(), desk.hours)
    return messages.request_opened(desk.timing.escalation_minutes, asking.answer_from, desk.now(), desk.hours)


async def human(message: Message, services: Services, state: FSMContext) -> None:
    await message.answer(await ask_for_human(services, state))


async def human_button(callback: CallbackQuery, services: Services, state: FSMContext, bot: Bot) -> None:
    await callback.answer()
    chat_id = callback.message.chat.id if callback.message is not None else callback.from_user.id
    await bot.send_message(chat_id, await ask_for_human(services, state))


def create_router() -> Router:
    router = Router(name="handoff.asking")
    router.message.register(human, Command("human"))
    router.callback_query.register(human_button, MenuButton.filter(F.action == MenuAction.HUMAN))
    return router
