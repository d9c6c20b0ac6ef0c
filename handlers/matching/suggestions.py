"""/matches and the menu's button: the day's suggestions one card at a time; Interested and Pass."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.journey import Conversation
from handlers.matching.flow import clear_buttons, client_account, show_next, unanswered
from handlers.services.container import Services
from handlers.services.matching.matchmaker import Answer
from handlers.views.keyboards import MenuAction, MenuButton
from handlers.views.matching import messages
from handlers.views.matching.buttons import MatchAction, MatchButton


async def matches(message: Message, conversation: Conversation, services: Services) -> None:
    account_id = await client_account(conversation)
    if account_id is not None:
        await show_next(conversation, services.matchmaker, account_id)


async def matches_button(callback: CallbackQuery, conversation: Conversation, services: Services) -> None:
    await callback.answer()
    account_id = await client_account(conversation)
    if account_id is not None:
        await show_next(conversation, services.matchmaker, account_id)


async def interested(
    callback: CallbackQuery, callback_data: MatchButton, conversation: Conversation, services: Services
) -> None:
    """Interested: an introduction when the other side was interested too; otherwise the next card."""
    matchmaker = services.matchmaker
    record = await unanswered(callback, conversation, matchmaker, callback_data.suggestion)
    if record is None:
        return
    result, introduction = await matchmaker.interested(record)
    if result is Answer.ALREADY:
        await callback.answer(_("You have already answered this one."))
        return
    await callback.answer(_("💚 Noted!"))
    await clear_buttons(callback)
    if introduction is not None:
        card = await matchmaker.introduction_message(introduction, record.asker_id)
        if card is not None:
            await conversation.send_outbound(card)
        return
    name = messages.name_of(await matchmaker.profile(record.candidate_id))
    lead = _("I will let you know if {name} is interested too.").format(name=name)
    await show_next(conversation, matchmaker, record.asker_id, lead=lead)


async def pass_on(
    callback: CallbackQuery, callback_data: MatchButton, conversation: Conversation, services: Services
) -> None:
    matchmaker = services.matchmaker
    record = await unanswered(callback, conversation, matchmaker, callback_data.suggestion)
    if record is None:
        return
    result = await matchmaker.pass_on(record)
    await callback.answer(_("Passed.") if result is Answer.RECORDED else _("You have already answered this one."))
    await clear_buttons(callback)
    await show_next(conversation, matchmaker, record.asker_id)


def create_router() -> Router:
    router = Router(name="matching.suggestions")
    router.message.register(matches, Command("matches"))
    router.callback_query.register(matches_button, MenuButton.filter(F.action == MenuAction.MATCHES))
    router.callback_query.register(interested, MatchButton.filter(F.action == MatchAction.INTERESTED))
    router.callback_query.register(pass_on, MatchButton.filter(F.action == MatchAction.DECLINE))
    return router
