"""The handoff conversation's shared parts: the relay states, what each staff command needs, and setting or
clearing another person's conversation state (the client's, from the counselor's update).

Relay mode is a conversation state on each side: the client's `Relay.chatting` (set from the counselor's
claim, on the client's own state row) and the staff member's `Relay.serving`, each with the handoff id in the
data. The handlers filter on those states first, so an ordinary update costs no query here. The database
stays the authority: every relayed message checks the handoff is still claimed by that counselor for that
client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from uuid import UUID

from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import I18n

from domain.handoff import Handoff
from domain.identity import Channel
from domain.staff import Permission
from handlers.services.handoff.requests import writing_for
from handlers.services.settings import Settings
from handlers.views.handoff.messages import HandoffAction
from storage.records import Account
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

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
