"""The conversation itself: the relay both ways, /end on either side, and the client's rating."""

from __future__ import annotations

from uuid import UUID

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.clock import Clock
from domain.handoff import HandoffState, valid_rating
from domain.identity import Principal
from domain.staff import Permission
from handlers.handoff.relay_state import (
    CLOSED_ACTION,
    COMMAND_PERMISSIONS,
    HANDOFF_KEY,
    NOT_A_COMMAND,
    Relay,
    leave_relay,
    rewrite_alerts,
    same_channel_state,
)
from handlers.services.handoff.requests import client_name, send_to, stop_timers
from handlers.services.settings import Settings
from handlers.services.staff_access import Actor, staff_role
from handlers.staff_access import Allowed, refusal_for
from handlers.views.handoff import messages
from handlers.views.handoff.messages import RateButton, parse_id
from handlers.views.outbound import keyboard_markup
from storage.unit_of_work import UnitOfWork

router = Router(name="handoff.talking")


# --- The client's rating --------------------------------------------------------------------------------


@router.callback_query(RateButton.filter())
async def rate(
    callback: CallbackQuery,
    callback_data: RateButton,
    uow: UnitOfWork,
    clock: Clock,
    principal: Principal | None = None,
) -> None:
    handoff_id = parse_id(callback_data.handoff)
    handoff = None if handoff_id is None else await uow.handoffs.get(handoff_id)
    account_id = None if principal is None else principal.account_id
    # Someone else's (forwarded or forged) button reaches nothing, and says nothing about whose it is.
    if (
        handoff is None
        or account_id is None
        or handoff.client_id != account_id
        or not valid_rating(callback_data.stars)
    ):
        await callback.answer(_("This button is no longer active."))
        return
    if handoff.rating is not None:
        await callback.answer(_("You have already rated this conversation. Thank you!"))
        return
    if not await uow.handoffs.rate(handoff.id, account_id, callback_data.stars, now=clock.now()):
        await callback.answer(_("This button is no longer active."))
        return
    await callback.answer(_("Thank you!"))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            _("Thank you for your rating: {stars}. Send /start to go on with the service.").format(
                stars="⭐" * callback_data.stars
            )
        )


# --- /end -----------------------------------------------------------------------------------------------


async def _end_for_client(
    message: Message,
    principal: Principal,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    i18n: I18n,
    bot: Bot,
    dispatcher: Dispatcher,
) -> None:
    assert principal.account_id is not None
    client_id = principal.account_id
    handoff = await uow.handoffs.active_for_client(client_id)
    await leave_relay(state, uow, client_id, None)
    if handoff is None:
        await message.answer(_("You are not talking with a counselor right now. Send /human if you need one."))
        return
    now = clock.now()
    await uow.handoffs.close(handoff.id, now=now)
    await stop_timers(uow, handoff.id)
    await uow.audit.record(action=CLOSED_ACTION, now=now, actor_account_id=client_id, subject_account_id=client_id)
    name = await client_name(uow, client_id)
    if handoff.state is HandoffState.OPEN:
        await rewrite_alerts(
            bot, uow, i18n, settings, handoff, principal.channel, lambda: messages.closed_alert(handoff, name)
        )
        await message.answer(
            _("All right, your request for a counselor is withdrawn. Send /start to go on with the service.")
        )
        return
    counselor_name = None
    if handoff.counselor_id is not None:
        member = await uow.staff.get(handoff.counselor_id)
        counselor_name = member.display_name if member else None
        await send_to(uow, i18n, handoff.counselor_id, lambda: messages.client_ended(name))
        counselor = await same_channel_state(dispatcher, bot, uow, handoff.counselor_id, principal.channel)
        if counselor is not None:
            await leave_relay(counselor[1], uow, handoff.counselor_id, handoff.id)
    question = messages.rating_question(handoff, counselor_name)
    await message.answer(question.text, reply_markup=keyboard_markup(question.keyboard) if question.keyboard else None)


@router.message(Command("end"), StateFilter(Relay.chatting))
async def client_end(
    message: Message,
    principal: Principal,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    i18n: I18n,
    bot: Bot,
    dispatcher: Dispatcher,
) -> None:
    await _end_for_client(message, principal, state, uow, clock, settings, i18n, bot, dispatcher)


@router.message(Command("end"), Allowed(COMMAND_PERMISSIONS["end"]))
async def counselor_end(
    message: Message,
    actor: Actor,
    principal: Principal,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    bot: Bot,
    dispatcher: Dispatcher,
) -> None:
    handoff = None if actor.account_id is None else await uow.handoffs.serving(actor.account_id)
    if actor.account_id is not None:
        await leave_relay(state, uow, actor.account_id, None)
    if handoff is None:
        await message.answer(_("You are not talking with a client right now. Send /queue to see who is waiting."))
        return
    now = clock.now()
    await uow.handoffs.close(handoff.id, now=now)
    await uow.audit.record(
        action=CLOSED_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
    )
    client = await same_channel_state(dispatcher, bot, uow, handoff.client_id, principal.channel)
    if client is not None:
        await leave_relay(client[1], uow, handoff.client_id, handoff.id)
    counselor = actor.member.display_name if actor.member else None
    asked = await send_to(uow, i18n, handoff.client_id, lambda: messages.rating_question(handoff, counselor))
    if asked is None:
        await message.answer(_("The conversation has ended. The transcript is kept."))
    else:
        await message.answer(_("The conversation has ended. The client is asked to rate it; the transcript is kept."))


@router.message(Command("end"))
async def other_end(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    i18n: I18n,
    bot: Bot,
    dispatcher: Dispatcher,
    principal: Principal | None = None,
) -> None:
    if staff_role(principal) is not None:  # staff without the permission (or before the standard)
        await message.answer(await refusal_for(principal, uow, COMMAND_PERMISSIONS["end"]))
        return
    if principal is None or principal.account_id is None:
        await message.answer(_("You are not talking with a counselor right now. Send /start to begin."))
        return
    await _end_for_client(message, principal, state, uow, clock, settings, i18n, bot, dispatcher)


# --- The relay ------------------------------------------------------------------------------------------


async def _forget(state: FSMContext, uow: UnitOfWork, account_id: UUID | None) -> None:
    if account_id is not None:
        await leave_relay(state, uow, account_id, None)


@router.message(StateFilter(Relay.chatting), NOT_A_COMMAND)
async def from_client(
    message: Message, principal: Principal, state: FSMContext, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    client_id = principal.account_id
    handoff_id = parse_id(str((await state.get_data()).get(HANDOFF_KEY, "")))
    handoff = None if handoff_id is None else await uow.handoffs.get(handoff_id)
    if (
        client_id is None
        or handoff is None
        or handoff.client_id != client_id
        or handoff.state is not HandoffState.CLAIMED
        or handoff.counselor_id is None
    ):
        await _forget(state, uow, client_id)
        await message.answer(
            _("Your conversation with the counselor has ended. Send /human to ask for a counselor again, or /start.")
        )
        return
    text = message.text or ""
    if len(text) > messages.MAX_RELAYED:
        await message.answer(messages.too_long())
        return
    await uow.handoffs.add_line(
        handoff.id, client_id, from_client=True, author_id=client_id, text=text, now=clock.now()
    )
    name = await client_name(uow, client_id)
    if await send_to(uow, i18n, handoff.counselor_id, lambda: messages.to_counselor(name, text)) is None:
        await message.answer(
            _("Your counselor cannot receive messages right now. Your message is kept; please try again later.")
        )


@router.message(StateFilter(Relay.chatting), ~F.text)
async def from_client_not_text(message: Message) -> None:
    await message.answer(messages.only_text())


@router.message(StateFilter(Relay.serving), NOT_A_COMMAND, Allowed(Permission.SERVE_CLIENTS))
async def from_counselor(
    message: Message, actor: Actor, state: FSMContext, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    handoff_id = parse_id(str((await state.get_data()).get(HANDOFF_KEY, "")))
    handoff = None if actor.account_id is None else await uow.handoffs.serving(actor.account_id)
    if handoff is None or handoff.id != handoff_id or actor.account_id is None:
        await _forget(state, uow, actor.account_id)
        await message.answer(
            _(
                "This conversation has ended, or it is no longer yours. Nothing was sent. "
                "Send /queue to see who is waiting."
            )
        )
        return
    text = message.text or ""
    if len(text) > messages.MAX_RELAYED:
        await message.answer(messages.too_long())
        return
    await uow.handoffs.add_line(
        handoff.id, handoff.client_id, from_client=False, author_id=actor.account_id, text=text, now=clock.now()
    )
    counselor = actor.member.display_name if actor.member else None
    if await send_to(uow, i18n, handoff.client_id, lambda: messages.to_client(counselor, text)) is None:
        await message.answer(
            _("The client cannot receive messages right now (they may have blocked the bot or deleted their data).")
        )


@router.message(StateFilter(Relay.serving), ~F.text, Allowed(Permission.SERVE_CLIENTS))
async def from_counselor_not_text(message: Message) -> None:
    await message.answer(messages.only_text())
