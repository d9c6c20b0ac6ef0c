"""The conversation itself: the relay both ways (and a waiting client's words, kept for the counselor who
claims), /end on either side, and the client's rating."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.staff import Permission
from handlers.handoff.relay_state import (
    COMMAND_PERMISSIONS,
    IN_PRIVATE,
    NOT_A_COMMAND,
    ClientHeld,
    CounselorHeld,
    Relay,
    channel_of,
    edit_alerts,
    enter_relay,
    leave_relay,
    state_of,
)
from handlers.services.container import Services
from handlers.services.handoff.outcomes import Rated, Relayed
from handlers.services.staff_access import Actor, staff_role
from handlers.staff_access import Allowed, refusal_for
from handlers.views.handoff import messages
from handlers.views.handoff.messages import RateButton, parse_id
from handlers.views.outbound import keyboard_markup

# --- The client's rating --------------------------------------------------------------------------------


async def rate(callback: CallbackQuery, callback_data: RateButton, services: Services) -> None:
    account_id = None if services.principal is None else services.principal.account_id
    stars = callback_data.stars
    rated = await services.handoffs.rate(account_id, parse_id(callback_data.handoff), stars)
    # Someone else's (forwarded or forged) button reaches nothing, and says nothing about whose it is.
    if rated is Rated.STALE:
        await callback.answer(_("This button is no longer active."))
        return
    if rated is Rated.ALREADY:
        await callback.answer(_("You have already rated this conversation. Thank you!"))
        return
    await callback.answer(_("Thank you!"))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            _("Thank you for your rating: {stars}. Send /start to go on with the service.").format(stars="⭐" * stars)
        )


# --- /end -----------------------------------------------------------------------------------------------


async def end_for_client(
    message: Message, services: Services, state: FSMContext, bot: Bot, dispatcher: Dispatcher
) -> None:
    assert services.principal is not None and services.principal.account_id is not None
    client_id = services.principal.account_id
    desk = services.handoffs
    await leave_relay(state, desk, client_id, None)
    ended = await desk.end_for_client(client_id, channel_of(services))
    if ended is None:
        await message.answer(_("You are not talking with a counselor right now. Send /human if you need one."))
        return
    await edit_alerts(bot, ended.alert_edits)
    if ended.withdrawn:
        await message.answer(
            _("All right, your request for a counselor is withdrawn. Send /start to go on with the service.")
        )
        return
    if ended.counselor is not None:
        counselor_state = state_of(dispatcher, bot, ended.counselor)
        await leave_relay(counselor_state, desk, ended.counselor.id, ended.handoff.id)
    question = messages.rating_question(ended.handoff, ended.counselor_name)
    await message.answer(question.text, reply_markup=keyboard_markup(question.keyboard) if question.keyboard else None)


async def counselor_end(
    message: Message, actor: Actor, services: Services, state: FSMContext, bot: Bot, dispatcher: Dispatcher
) -> None:
    desk = services.handoffs
    await leave_relay(state, desk, actor.account_id, None)
    ended = await desk.end_for_counselor(actor, channel_of(services))
    if ended is None:
        await message.answer(_("You are not talking with a client right now. Send /queue to see who is waiting."))
        return
    if ended.client is not None:
        await leave_relay(state_of(dispatcher, bot, ended.client), desk, ended.client.id, ended.handoff.id)
    if ended.asked:
        await message.answer(_("The conversation has ended. The client is asked to rate it; the transcript is kept."))
    else:
        await message.answer(_("The conversation has ended. The transcript is kept."))


async def other_end(message: Message, services: Services, state: FSMContext, bot: Bot, dispatcher: Dispatcher) -> None:
    principal = services.principal
    if staff_role(principal) is not None:  # staff without the permission (or before their training)
        await message.answer(await refusal_for(services, COMMAND_PERMISSIONS["end"]))
        return
    if principal is None or principal.account_id is None:
        await message.answer(_("You are not talking with a counselor right now. Send /start to begin."))
        return
    await end_for_client(message, services, state, bot, dispatcher)


# --- The relay ------------------------------------------------------------------------------------------


async def from_client(message: Message, services: Services, state: FSMContext, raw_state: str | None = None) -> None:
    client_id = None if services.principal is None else services.principal.account_id
    desk = services.handoffs
    resumed = raw_state is None  # another flow had taken them out of relay mode
    result = await desk.relay_from_client(client_id, message.text or "", resumed=resumed)
    relayed = result.relayed
    if relayed is Relayed.ENDED:
        await leave_relay(state, desk, client_id, None)
        await message.answer(
            _("Your conversation with the counselor has ended. Send /human to ask for a counselor again, or /start.")
        )
        return
    if resumed and client_id is not None and result.handoff is not None:
        mode = Relay.waiting if relayed is Relayed.KEPT else Relay.chatting
        await enter_relay(state, desk, client_id, mode, result.handoff.id)
    if relayed is Relayed.TOO_LONG:
        await message.answer(messages.too_long())
    elif relayed is Relayed.KEPT:
        await message.answer(messages.message_kept(result.answer_from, desk.now(), desk.hours))
    elif relayed is Relayed.UNDELIVERED:
        await message.answer(
            _("Your counselor cannot receive messages right now. Your message is kept; please try again later.")
        )
    elif resumed:
        await message.answer(messages.resumed_for_client(result.partner))


async def from_counselor(
    message: Message, actor: Actor, services: Services, state: FSMContext, raw_state: str | None = None
) -> None:
    desk = services.handoffs
    resumed = raw_state is None  # a note, a card or a listing had taken them out of relay mode
    result = await desk.relay_from_counselor(actor, message.text or "", resumed=resumed)
    relayed = result.relayed
    if relayed is Relayed.ENDED:
        await leave_relay(state, desk, actor.account_id, None)
        await message.answer(
            _(
                "This conversation has ended, or it is no longer yours. Nothing was sent. "
                "Send /queue to see who is waiting."
            )
        )
        return
    if resumed and actor.account_id is not None and result.handoff is not None:
        await enter_relay(state, desk, actor.account_id, Relay.serving, result.handoff.id)
    if relayed is Relayed.TOO_LONG:
        await message.answer(messages.too_long())
    elif relayed is Relayed.UNDELIVERED:
        await message.answer(
            _("The client cannot receive messages right now (they may have blocked the bot or deleted their data).")
        )
    elif resumed:
        await message.answer(messages.resumed_for_counselor(result.partner))


async def not_text(message: Message) -> None:
    await message.answer(messages.only_text())


def create_router() -> Router:
    router = Router(name="handoff.talking")
    router.callback_query.register(rate, RateButton.filter())
    client_side = StateFilter(Relay.waiting, Relay.chatting)
    router.message.register(end_for_client, Command("end"), client_side)
    router.message.register(counselor_end, Command("end"), Allowed(COMMAND_PERMISSIONS["end"]))
    router.message.register(other_end, Command("end"))
    router.message.register(from_client, client_side, NOT_A_COMMAND)
    router.message.register(not_text, client_side, ~F.text)
    serves = Allowed(Permission.SERVE_CLIENTS)
    router.message.register(from_counselor, StateFilter(Relay.serving), NOT_A_COMMAND, serves)
    router.message.register(not_text, StateFilter(Relay.serving), ~F.text, serves)
    # Out of relay mode (another flow ended) but the database holds the conversation: text no flow took.
    held = (StateFilter(None), IN_PRIVATE)
    router.message.register(from_counselor, *held, NOT_A_COMMAND, serves, CounselorHeld())
    router.message.register(not_text, *held, ~F.text, serves, CounselorHeld())
    router.message.register(from_client, *held, NOT_A_COMMAND, ClientHeld())
    router.message.register(not_text, *held, ~F.text, ClientHeld())
    return router
