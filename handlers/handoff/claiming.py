"""Staff take requests: /queue and the Claim button (the first claim wins), and refusals for the rest."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.handoff.relay_state import (
    ACTION_PERMISSIONS,
    COMMAND_PERMISSIONS,
    Relay,
    channel_of,
    edit_alerts,
    enter_relay,
    private_state,
    state_of,
)
from handlers.services.container import Services
from handlers.services.handoff.outcomes import ClaimProblem, NotClaimed
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views.handoff import messages
from handlers.views.handoff.messages import HandoffAction, HandoffButton, parse_id


async def queue(message: Message, actor: Actor, services: Services) -> None:
    waiting = await services.handoffs.waiting(actor)
    serving = None if waiting.serving is None else messages.serving_line(waiting.serving_name)
    text, markup = messages.queue_view(waiting.requests, waiting.total, waiting.now, serving=serving)
    await message.answer(text, reply_markup=markup)


async def claim(
    callback: CallbackQuery,
    callback_data: HandoffButton,
    actor: Actor,
    services: Services,
    state: FSMContext,
    bot: Bot,
    dispatcher: Dispatcher,
) -> None:
    # Pressed in the staff group chat: the conversation (and the client's card) is the member's private chat.
    private = callback.message is None or callback.message.chat.id == callback.from_user.id
    desk = services.handoffs
    claimed = await desk.claim(actor, parse_id(callback_data.handoff), channel_of(services), private=private)
    if isinstance(claimed, NotClaimed):
        await refuse_claim(callback, claimed)
        return
    assert actor.account_id is not None
    handoff = claimed.handoff
    own_state = state if private else private_state(dispatcher, bot, callback.from_user.id)
    await enter_relay(state_of(dispatcher, bot, claimed.client), desk, handoff.client_id, Relay.chatting, handoff.id)
    await enter_relay(own_state, desk, actor.account_id, Relay.serving, handoff.id)
    await edit_alerts(bot, claimed.alert_edits)
    if claimed.card:
        await callback.answer(_("You took this conversation."))
        for text in claimed.card:
            await bot.send_message(callback.from_user.id, text)
    else:
        await callback.answer(_("You took this conversation. The client's messages come to your private chat with me."))


async def refuse_claim(callback: CallbackQuery, refused: NotClaimed) -> None:
    if refused.problem is ClaimProblem.GONE:
        await callback.answer(_("This button is no longer active."))
    elif refused.problem is ClaimProblem.NO_ACCOUNT:
        await callback.answer(_("Please send /start once, so that clients' messages can reach you."), show_alert=True)
    elif refused.problem is ClaimProblem.UNREACHABLE:
        await callback.answer(
            _("This client cannot be reached from this chat (another channel, or their data was deleted)."),
            show_alert=True,
        )
    else:
        await callback.answer(messages.claim_refused(refused.problem, refused.holder), show_alert=True)


def create_router() -> Router:
    router = Router(name="handoff.claiming")
    router.message.register(queue, Command("queue"), Allowed(COMMAND_PERMISSIONS["queue"]))
    router.callback_query.register(
        claim, HandoffButton.filter(F.action == HandoffAction.CLAIM), Allowed(ACTION_PERMISSIONS[HandoffAction.CLAIM])
    )
    # Whatever the filters above turned away.
    refuse_the_rest(
        router,
        commands={"queue": COMMAND_PERMISSIONS["queue"]},
        buttons=[(HandoffButton, lambda data: ACTION_PERMISSIONS[data.action])],
    )
    return router
