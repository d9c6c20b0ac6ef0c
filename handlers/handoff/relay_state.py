"""The handoff conversation's shared parts: the relay states, what each staff command needs, setting or clearing
another person's conversation state (the client's, from the counselor's update), and editing alert copies.

Relay mode is a conversation state on each side: the client's `Relay.chatting` (set from the counselor's
claim, on the client's own state row) and the staff member's `Relay.serving`, each with the handoff id in the
data. The handlers filter on those states first, so an ordinary update costs no query here. The database
stays the authority: every relayed message checks the handoff is still claimed by that counselor for that
client.
"""

from __future__ import annotations

import logging
from uuid import UUID

from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup

from domain.identity import Channel
from domain.staff import Permission
from handlers.services.container import Services
from handlers.services.handoff.handoffs import Handoffs
from handlers.services.handoff.outcomes import AlertEdit
from handlers.views.handoff.messages import HandoffAction, parse_id
from storage.records import Account

log = logging.getLogger(__name__)

HANDOFF_KEY = "handoff"

# What each staff command and button needs; the permission matrix test reads these.
COMMAND_PERMISSIONS: dict[str, Permission] = {"queue": Permission.SERVE_CLIENTS, "end": Permission.SERVE_CLIENTS}
ACTION_PERMISSIONS: dict[HandoffAction, Permission] = {HandoffAction.CLAIM: Permission.SERVE_CLIENTS}


class Relay(StatesGroup):
    chatting = State()  # a client talking with a counselor
    serving = State()  # a staff member talking with a client


NOT_A_COMMAND = F.text & ~F.text.startswith("/")


def channel_of(services: Services) -> Channel:
    """The channel of the update (whose conversation states it can set)."""
    assert services.principal is not None
    return services.principal.channel


# --- Conversation states of other people (set from this update) ---------------------------------------


def private_state(dispatcher: Dispatcher, bot: Bot, chat_id: int) -> FSMContext:
    """The conversation state of somebody's private chat with this bot."""
    return dispatcher.fsm.get_context(bot, chat_id=chat_id, user_id=chat_id)


def state_of(dispatcher: Dispatcher, bot: Bot, account: Account) -> FSMContext:
    """The conversation state of another account's private chat (`Handoffs.reachable`: same channel)."""
    assert account.external_id is not None
    return private_state(dispatcher, bot, int(account.external_id))


async def relay_handoff(state: FSMContext) -> UUID | None:
    """The handoff a relay state belongs to."""
    return parse_id(str((await state.get_data()).get(HANDOFF_KEY, "")))


async def enter_relay(context: FSMContext, desk: Handoffs, account_id: UUID, state: State, handoff_id: UUID) -> None:
    with desk.writing_for(account_id):
        await context.set_state(state)
        await context.update_data({HANDOFF_KEY: handoff_id.hex})


async def leave_relay(context: FSMContext, desk: Handoffs, account_id: UUID | None, handoff_id: UUID | None) -> None:
    """Out of relay mode, if the state still belongs to this handoff (None: whichever; no account: nothing)."""
    if account_id is None:
        return
    with desk.writing_for(account_id):
        data = await context.get_data()
        if handoff_id is not None and data.get(HANDOFF_KEY) not in (None, handoff_id.hex):
            return
        current = await context.get_state()
        if current in (Relay.chatting.state, Relay.serving.state):
            await context.set_state(None)
        if HANDOFF_KEY in data:
            data.pop(HANDOFF_KEY)
            await context.set_data(data)


# --- Alert copies --------------------------------------------------------------------------------------


async def edit_alerts(bot: Bot, edits: list[AlertEdit]) -> None:
    """Edit each delivered copy of an alert (its Claim button goes)."""
    for edit in edits:
        try:
            await bot.edit_message_text(text=edit.text, chat_id=edit.chat_id, message_id=edit.message_id)
        except TelegramAPIError as exc:  # deleted, too old, or unchanged: the claim stands all the same
            log.info("handoff alert %s not edited: %s", edit.outbox_id, type(exc).__name__)
