"""Handoff in the chat: /human and the menu button, the staff's Claim button and /queue, the relay both ways,
/end and the client's rating. See docs/handoff.md.

Relay mode is a conversation state on each side: the client's `Relay.chatting` (set from the counselor's
claim, on the client's own state row) and the staff member's `Relay.serving`, each with the handoff id in the
data. The handlers below filter on those states first, so an ordinary update costs no query here. The
database stays the authority: every relayed message checks the handoff is still claimed by that counselor
for that client.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from domain.clock import Clock
from domain.delivery import OutboundMessage
from domain.handoff import ClaimRefusal, Handoff, HandoffReason, HandoffState, claim_refusal, valid_rating
from domain.identity import Channel, Principal
from domain.staff import Permission, allows
from handlers.handoff import messages
from handlers.handoff.messages import HandoffAction, HandoffButton, RateButton, parse_id
from handlers.handoff.service import (
    client_name,
    open_handoff,
    send_to,
    stop_timers,
    timing,
    writing_for,
)
from handlers.keyboards import InlineKeyboardBuilder, MenuAction, MenuButton
from handlers.staff_access import Actor, Allowed, refusal_for, refuse_the_rest, staff_role
from storage.records import Account
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
router = Router(name="handoff")

HANDOFF_KEY = "handoff"
QUEUE_LIMIT = 20
BUTTON_NAME = 20

# What each staff command and button needs; the permission matrix test reads these.
COMMAND_PERMISSIONS: dict[str, Permission] = {"queue": Permission.SERVE_CLIENTS, "end": Permission.SERVE_CLIENTS}
ACTION_PERMISSIONS: dict[HandoffAction, Permission] = {HandoffAction.CLAIM: Permission.SERVE_CLIENTS}

CLAIM_ACTION = "handoff.claimed"
CLOSED_ACTION = "handoff.closed"
CONTACTS_ACTION = "client.contacts_viewed"
QUEUE_ACTION = "handoff.listed"


class Relay(StatesGroup):
    chatting = State()  # a client talking with a counselor
    serving = State()  # a staff member talking with a client


NOT_A_COMMAND = F.text & ~F.text.startswith("/")


def markup_of(message: OutboundMessage) -> InlineKeyboardMarkup | None:
    if not message.keyboard:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.callback_data, url=b.url) for b in row]
            for row in message.keyboard
        ]
    )


# --- Conversation states of other people (set from this update) ---------------------------------------


def state_of(dispatcher: Dispatcher, bot: Bot, account: Account) -> FSMContext | None:
    """The conversation state of another account's private chat with this bot (same channel only)."""
    if account.external_id is None:
        return None
    chat = int(account.external_id)
    return dispatcher.fsm.resolve_context(bot, chat_id=chat, user_id=chat)


async def enter_relay(context: FSMContext, uow: UnitOfWork, account_id: UUID, state: State, handoff_id: UUID) -> None:
    with writing_for(uow, account_id):
        await context.set_state(state)
        await context.update_data({HANDOFF_KEY: handoff_id.hex})


async def leave_relay(context: FSMContext, uow: UnitOfWork, account_id: UUID, handoff_id: UUID | None) -> None:
    """Out of relay mode, if the state still belongs to this handoff (None: whichever)."""
    with writing_for(uow, account_id):
        data = await context.get_data()
        if handoff_id is not None and data.get(HANDOFF_KEY) not in (None, handoff_id.hex):
            return
        current = await context.get_state()
        if current in (Relay.chatting.state, Relay.serving.state):
            await context.set_state(None)
        if HANDOFF_KEY in data:
            data.pop(HANDOFF_KEY)
            await context.set_data(data)


async def same_channel_state(
    dispatcher: Dispatcher, bot: Bot, uow: UnitOfWork, account_id: UUID | None, channel: Channel
) -> tuple[Account, FSMContext] | None:
    if account_id is None:
        return None
    account = await uow.accounts.get(account_id)
    if account is None or account.is_deleted or account.channel != channel.value:
        return None
    context = state_of(dispatcher, bot, account)
    return None if context is None else (account, context)


# --- Alert copies --------------------------------------------------------------------------------------


async def rewrite_alerts(
    bot: Bot,
    uow: UnitOfWork,
    i18n: I18n,
    settings: Settings,
    handoff: Handoff,
    channel: Channel,
    build: Callable[[], str],
) -> None:
    """Edit every delivered copy of the alert (on this channel) to `build()`, without its Claim button."""
    copies = [c for c in await uow.handoffs.alert_copies(handoff.id) if c.chat is not None and c.message_id]
    recipients = await uow.accounts.get_many(c.recipient_id for c in copies if c.recipient_id is not None)
    for copy in copies:
        assert copy.chat is not None and copy.message_id is not None
        if copy.chat.channel is not channel:
            continue
        recipient = recipients.get(copy.recipient_id) if copy.recipient_id is not None else None
        locale = recipient.locale if recipient is not None else settings.default_locale
        with i18n.use_locale(locale):
            text = build()
        try:
            await bot.edit_message_text(text=text, chat_id=copy.chat.chat_id, message_id=copy.message_id)
        except TelegramAPIError as exc:  # deleted, too old, or unchanged: the claim stands all the same
            log.info("handoff alert %s not edited: %s", copy.outbox_id, type(exc).__name__)


# --- A client asks for a human --------------------------------------------------------------------------


async def ask_for_human(
    reply: Callable[[str], Awaitable[object]],
    principal: Principal | None,
    uow: UnitOfWork,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
    now: datetime,
) -> None:
    if principal is None or principal.account_id is None:
        await reply(_("Please send /start first: a counselor can help you once you have agreed to our privacy notice."))
        return
    if staff_role(principal) is not None:
        await reply(_("This is for clients. To serve clients who asked for a counselor, send /queue."))
        return
    active = await uow.handoffs.active_for_client(principal.account_id)
    if active is not None and active.state is HandoffState.CLAIMED and active.counselor_id is not None:
        await enter_relay(state, uow, principal.account_id, Relay.chatting, active.id)
        member = await uow.staff.get(active.counselor_id)
        await reply(
            _("You are talking with {name} already. Write your message and they will answer here.").format(
                name=messages.staff_name(member.display_name if member else None)
            )
        )
        return
    if active is not None:
        await reply(_("You have asked for a counselor already. Someone will write to you here soon."))
        return
    await open_handoff(
        uow, client_id=principal.account_id, reason=HandoffReason.ASKED, now=now, settings=settings, i18n=i18n
    )
    await reply(
        _(
            "I have asked a counselor to join you. They will write to you here, usually within {minutes} minutes. "
            "Send /end if you no longer need them."
        ).format(minutes=timing(settings).escalation_minutes)
    )


@router.message(Command("human"))
async def human(
    message: Message,
    uow: UnitOfWork,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
    clock: Clock,
    principal: Principal | None = None,
) -> None:
    await ask_for_human(message.answer, principal, uow, state, settings, i18n, clock.now())


@router.callback_query(MenuButton.filter(F.action == MenuAction.HUMAN))
async def human_button(
    callback: CallbackQuery,
    bot: Bot,
    uow: UnitOfWork,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
    clock: Clock,
    principal: Principal | None = None,
) -> None:
    await callback.answer()
    chat_id = callback.message.chat.id if callback.message is not None else callback.from_user.id

    async def reply(text: str) -> object:
        return await bot.send_message(chat_id, text)

    await ask_for_human(reply, principal, uow, state, settings, i18n, clock.now())


# --- Staff: /queue and Claim ----------------------------------------------------------------------------


def _button_name(display_name: str | None) -> str:
    words = (display_name or "").split()
    name = words[0] if words else _("a client (no name yet)")
    return name[:BUTTON_NAME] + "…" if len(name) > BUTTON_NAME else name


@router.message(Command("queue"), Allowed(COMMAND_PERMISSIONS["queue"]))
async def queue(message: Message, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    now = clock.now()
    waiting = await uow.handoffs.waiting(limit=QUEUE_LIMIT)
    if not waiting:
        await message.answer(_("Nobody is waiting for a counselor right now."))
        return
    total = await uow.handoffs.count_waiting()
    builder = InlineKeyboardBuilder()
    lines = [_("<b>Waiting for a counselor</b> ({count}), the longest waiting first:").format(count=total)]
    for handoff in waiting:
        name = await client_name(uow, handoff.client_id)
        minutes = messages.waited_minutes(handoff, now)
        lines.append(
            _("• {name}: {reason}, {minutes} min").format(
                name=messages.first_name(name), reason=messages.reason_label(handoff.reason), minutes=minutes
            )
        )
        builder.button(
            text=_("✋ Claim: {name}, {minutes} min").format(name=_button_name(name), minutes=minutes),
            callback_data=HandoffButton(action=HandoffAction.CLAIM, handoff=handoff.id.hex),
        )
        await uow.audit.record(
            action=QUEUE_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
        )
    if total > len(waiting):
        lines.append(_("…and {count} more.").format(count=total - len(waiting)))
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


def _refusal_text(refusal: ClaimRefusal, counselor: str | None) -> str:
    if refusal is ClaimRefusal.TAKEN:
        return _("{name} has already taken this conversation.").format(name=messages.staff_name(counselor))
    if refusal is ClaimRefusal.CLOSED:
        return _("This conversation has already ended.")
    if refusal is ClaimRefusal.BUSY:
        return _("You are already talking with another client. Send /end to finish that conversation first.")
    return _(
        "This client is looked after by another counselor. If they do not answer in time, the request is offered "
        "to everyone."
    )


@router.callback_query(
    HandoffButton.filter(F.action == HandoffAction.CLAIM), Allowed(ACTION_PERMISSIONS[HandoffAction.CLAIM])
)
async def claim(
    callback: CallbackQuery,
    callback_data: HandoffButton,
    actor: Actor,
    principal: Principal,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    i18n: I18n,
    bot: Bot,
    dispatcher: Dispatcher,
) -> None:
    handoff_id = parse_id(callback_data.handoff)
    handoff = None if handoff_id is None else await uow.handoffs.get(handoff_id)
    if handoff is None:
        await callback.answer(_("This button is no longer active."))
        return
    if actor.account_id is None:
        await callback.answer(_("Please send /start once, so that clients' messages can reach you."), show_alert=True)
        return
    serving = await uow.handoffs.serving(actor.account_id)
    refusal = claim_refusal(
        handoff,
        member=actor.account_id,
        role=actor.role,
        assigned=await uow.assignments.counselor_of(handoff.client_id),
        serving=None if serving is None else serving.id,
    )
    if refusal is None:
        client = await same_channel_state(dispatcher, bot, uow, handoff.client_id, principal.channel)
        if client is None:
            await callback.answer(
                _("This client cannot be reached from this chat (another channel, or their data was deleted)."),
                show_alert=True,
            )
            return
        if not await uow.handoffs.claim(handoff.id, actor.account_id, now=clock.now()):
            refusal = ClaimRefusal.TAKEN
            handoff = await uow.handoffs.get(handoff.id) or handoff
    if refusal is not None:
        holder = None
        if refusal is ClaimRefusal.TAKEN and handoff.counselor_id is not None:
            member = await uow.staff.get(handoff.counselor_id)
            holder = member.display_name if member else None
        await callback.answer(_refusal_text(refusal, holder), show_alert=True)
        return
    assert client is not None
    account, client_state = client
    now = clock.now()
    handoff = await uow.handoffs.get(handoff.id) or handoff
    await stop_timers(uow, handoff.id)
    await uow.audit.record(
        action=CLAIM_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
    )
    counselor = actor.member.display_name if actor.member else None
    # Pressed in the staff group chat: the conversation (and the client's card) is the member's private chat.
    private = callback.message is None or callback.message.chat.id == callback.from_user.id
    own_state = (
        state
        if private
        else dispatcher.fsm.get_context(bot, chat_id=callback.from_user.id, user_id=callback.from_user.id)
    )
    await enter_relay(client_state, uow, handoff.client_id, Relay.chatting, handoff.id)
    await enter_relay(own_state, uow, actor.account_id, Relay.serving, handoff.id)
    await send_to(uow, i18n, handoff.client_id, lambda: messages.counselor_joined(counselor))
    name = await client_name(uow, handoff.client_id)
    profile = await uow.profiles.get(handoff.client_id)
    contacts = allows(actor.role, Permission.VIEW_CONTACTS)
    if contacts:
        await uow.audit.record(
            action=CONTACTS_ACTION, now=now, actor_account_id=actor.account_id, subject_account_id=handoff.client_id
        )
    await rewrite_alerts(
        bot, uow, i18n, settings, handoff, principal.channel, lambda: messages.taken(handoff, name, counselor)
    )

    def card() -> OutboundMessage:
        return OutboundMessage(
            messages.client_card(
                handoff,
                name,
                now=now,
                phone=profile.phone if contacts and profile is not None else None,
                telegram_id=account.external_id if contacts and account.channel == Channel.TELEGRAM.value else None,
            )
        )

    if private:
        await callback.answer(_("You took this conversation."))
        await bot.send_message(callback.from_user.id, card().text)
    else:
        # Never the client's details in the group; through the outbox, which copes with a member who has
        # not opened a private chat with the bot yet.
        await send_to(uow, i18n, actor.account_id, card)
        await callback.answer(_("You took this conversation. The client's messages come to your private chat with me."))


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
    await message.answer(question.text, reply_markup=markup_of(question))


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


# --- Refusals: whatever the filters above turned away ---------------------------------------------------


refuse_the_rest(
    router,
    commands={"queue": COMMAND_PERMISSIONS["queue"]},
    buttons=[(HandoffButton, lambda data: ACTION_PERMISSIONS[data.action])],
)
