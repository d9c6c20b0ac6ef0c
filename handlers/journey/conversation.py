"""`Conversation`: what every handler of a client's chat gets as `conversation`, built per update by
`open_conversation` (from `bot.middlewares.handler_context`)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from aiogram import Bot
from aiogram.fsm.context import FSMContext

from domain.identity import Principal
from domain.profile import ProfileData
from handlers.journey import navigation, screens
from handlers.journey.chat import ClientChat
from handlers.journey.chat_state import ChatState
from handlers.services.container import Services


@dataclass
class Conversation(ClientChat):
    """The client's chat (see `ClientChat`) and the journey's ways back for other features: the menu, and
    the registered client (or, for anyone else, where they stand in the journey)."""

    async def show_menu(self, *, lead: str | None = None) -> None:
        await screens.show_menu(self, lead=lead)

    async def registered_profile(self) -> ProfileData | None:
        """The profile if the client finished registration; otherwise resume what they were doing."""
        return await navigation.registered_profile(self)

    async def registered_account(self) -> UUID | None:
        """The account of a client who finished registration; otherwise None, after resuming what they were
        doing."""
        profile = await self.registered_profile()
        return None if profile is None else self.account_id


def open_conversation(
    *,
    bot: Bot,
    services: Services,
    state: FSMContext,
    principal: Principal,
    chat_id: int,
    raw_state: str | None,
    state_was_read: bool,
) -> Conversation:
    """The client's conversation for one update (built for every update with a person and a state, by
    `bot.middlewares.handler_context`)."""
    return Conversation(
        bot=bot,
        chat_id=chat_id,
        principal=principal,
        state=ChatState(state, raw_state=raw_state, state_was_read=state_was_read),
        services=services,
        account_id=principal.account_id,
    )
