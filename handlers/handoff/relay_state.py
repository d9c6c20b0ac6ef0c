"""The handoff conversation's shared parts: the relay states, the filters that find a conversation the database
holds, what each staff command needs, setting or clearing another person's conversation state (the client's,
from the counselor's update), and editing alert copies.

Relay mode is a conversation state on each side: the client's `Relay.waiting` (after /human) and
`Relay.chatting` (set from the counselor's claim, on the client's own state row), and the staff member's
`Relay.serving`, each with the handoff id in the data. The handlers filter on those states first, so an
ordinary update costs no query here. The database is the authority: every relayed message reads the handoff
the database says is the sender's. So when another flow took a person out of relay mode (a note on the card,
/start, /cancel) and ended, their text in no state still reaches the other side: `ClientHeld` and
`CounselorHeld` pass it to the relay (one query, only for text that no flow took), which puts them back into
relay mode and says so.
"""

from __future__ import annotations

import logging
from uuid import UUID

from aiogram import Bot, Dispatcher, F
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from domain.identity import Channel
from domain.staff import Permission
from handlers.services.container import Services
from handlers.services.handoff.handoffs import Handoffs
from handlers.services.handoff.outcomes import AlertEdit
from handlers.services.staff_access import Actor, staff_role
from handlers.views.handoff.messages import HandoffAction
from storage.records import Account

log = logging.getLogger(__name__)

HANDOFF_KEY = "handoff"

# What each staff command and button needs; the permission matrix test reads these.
COMMAND_PERMISSIONS: dict[str, Permission] = {"queue": Permission.SERVE_CLIENTS, "end": Permission.SERVE_CLIENTS}
ACTION_PERMISSIONS: dict[HandoffAction, Permission] = {HandoffAction.CLAIM: Permission.SERVE_CLIENTS}


class Relay(StatesGroup):
    waiting = State()  # a client who asked for a counselor: their words are kept for the one who claims
    chatting = State()  # a client talking with a counselor
    serving = State()  # a staff member talking with a client


RELAY_STATES = tuple(state.state for state in (Relay.waiting, Relay.chatting, Relay.serving))
NOT_A_COMMAND = F.text & ~F.text.startswith("/")
IN_PRIVATE = F.chat.type == ChatType.PRIVATE  # never what a member says in the staff group


class ClientHeld(Filter):
    """Passes a client (not staff) whose request is waiting or whose conversation goes on, by the database."""

    async def __call__(self, message: Message, services: Services) -> bool:
        principal = services.principal
        if principal is None or principal.account_id is None or staff_role(principal) is not None:
            return False
        return await services.handoffs.holds_client(principal.account_id)


class CounselorHeld(Filter):
    """Passes a staff member serving a client, by the database (after `Allowed`, which gives `actor`)."""

    async def __call__(self, message: Message, services: Services, actor: Actor) -> bool:
        return await services.handoffs.holds_counselor(actor)


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
        if current in RELAY_STATES:
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
