"""/ranking: a client sees how their suggestions are ranked, switches learning from answers on or off, and says
how much each stated wish matters."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.matching.fit import Importance, importance_of
from domain.matching.model import Criterion
from handlers.answers import show_in_place
from handlers.journey import Conversation
from handlers.matching.flow import client_account
from handlers.services.container import Services
from handlers.views.matching.ranking import NEXT_LEVEL, RankingAct, RankingButton, ranking_keyboard, ranking_text


async def show_ranking(message: Message, conversation: Conversation, services: Services) -> None:
    account_id = await client_account(conversation)
    if account_id is None:
        return
    choices, wishes = await services.matchmaker.ranking(account_id)
    await conversation.send(ranking_text(choices, wishes), ranking_keyboard(choices, wishes))


async def switch_learning(
    callback: CallbackQuery, callback_data: RankingButton, conversation: Conversation, services: Services
) -> None:
    account_id = conversation.account_id
    if account_id is None or await conversation.registered_profile() is None:
        await callback.answer()
        return
    on = callback_data.value == "on"
    await services.matchmaker.set_behaviour_ranking(account_id, on)
    choices, wishes = await services.matchmaker.ranking(account_id)
    await callback.answer(
        _("Learning from answers is on.") if on else _("Learning from answers is off; what I learned is deleted.")
    )
    await show_in_place(callback, ranking_text(choices, wishes), ranking_keyboard(choices, wishes))


async def change_importance(
    callback: CallbackQuery, callback_data: RankingButton, conversation: Conversation, services: Services
) -> None:
    account_id = conversation.account_id
    if account_id is None or await conversation.registered_profile() is None:
        await callback.answer()
        return
    choices, wishes = await services.matchmaker.ranking(account_id)
    criterion = Criterion(callback_data.value)
    level = importance_of(wishes, choices.importance, criterion)
    if level is Importance.MUST or not wishes.states(criterion):
        await callback.answer(_("Change must-haves in /preferences."))
        return
    await services.matchmaker.set_importance(account_id, criterion.value, NEXT_LEVEL[level].value)
    choices, wishes = await services.matchmaker.ranking(account_id)
    await callback.answer()
    await show_in_place(callback, ranking_text(choices, wishes), ranking_keyboard(choices, wishes))


def create_router() -> Router:
    router = Router(name="ranking")
    router.message.register(show_ranking, Command("ranking"))
    router.callback_query.register(
        switch_learning, RankingButton.filter((F.act == RankingAct.LEARNING) & F.value.in_({"on", "off"}))
    )
    router.callback_query.register(
        change_importance, RankingButton.filter((F.act == RankingAct.CRITERION) & F.value.in_(set(Criterion)))
    )
    return router
