"""Hands every handler what it works with: `services` (the feature services over the update's unit of work)
and, for a person with a conversation state, `conversation` (the client journey's view of the chat)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypedDict, cast

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Chat, TelegramObject, User
from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.identity import Principal
from handlers.journey import Conversation, open_conversation
from handlers.services.container import Services
from handlers.services.settings import Settings
from handlers.services.staff_access import Actor
from storage.matching_source import MatchPool


class HandlerData(TypedDict, total=False):
    """What our middlewares and filters add to the keywords a handler may declare. aiogram adds its own: `bot`,
    `state`, `raw_state`, `event_from_user`, `event_chat`, and per filter `command` or `callback_data`."""

    principal: Principal  # bot.middlewares.principal: the person behind the update
    services: Services  # this middleware, every update: the unit of work and the feature services
    conversation: Conversation  # this middleware, for a person with a conversation state: the client journey
    actor: Actor  # handlers.staff_access.Allowed, on staff handlers: the staff member and their role


class HandlerContextMiddleware(BaseMiddleware):
    """Reads the Dispatcher's `settings`, `clock`, `i18n` and `match_pool` afresh for each update."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        principal = data.get("principal")
        services = Services(
            uow=data["uow"],
            settings=cast(Settings, data["settings"]),
            clock=cast(Clock, data["clock"]),
            i18n=cast(I18n, data["i18n"]),
            match_pool=cast(MatchPool, data["match_pool"]),
            principal=principal if isinstance(principal, Principal) else None,
        )
        context: HandlerData = {"services": services}
        user, state = data.get("event_from_user"), data.get("state")
        if isinstance(principal, Principal) and isinstance(user, User) and isinstance(state, FSMContext):
            chat = data.get("event_chat")
            context["conversation"] = open_conversation(
                bot=data["bot"],
                services=services,
                state=state,
                principal=principal,
                chat_id=chat.id if isinstance(chat, Chat) else user.id,
                raw_state=data.get("raw_state"),
                state_was_read="raw_state" in data,
            )
        data.update(context)
        return await handler(event, data)
