"""Identity at the edge: the Telegram (or web chat) user becomes our Principal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User

from bot.i18n import locale_from_language_code
from domain.identity import VISITOR_LOCALE_KEY, Channel, Principal
from storage.fsm import DatabaseFSMStorage
from storage.unit_of_work import UnitOfWork


class PrincipalMiddleware(BaseMiddleware):
    def __init__(self, admin_ids: frozenset[int], default_locale: str) -> None:
        self._admin_ids = admin_ids
        self._default_locale = default_locale

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        if isinstance(user, User) and not user.is_bot:
            data["principal"] = await self._resolve(user, data)
        return await handler(event, data)

    async def _resolve(self, user: User, data: dict[str, Any]) -> Principal:
        channel = Channel(data.get("channel", Channel.TELEGRAM))
        external_id = str(user.id)
        uow: UnitOfWork = data["uow"]
        state = data.get("state")
        conversation = None
        if isinstance(state, FSMContext) and isinstance(state.storage, DatabaseFSMStorage):
            conversation = state.storage.key_index_within(uow, state.key)
        # One query: the account, its staff role, its profile row and the update's conversation state (which the
        # next middleware reads), all kept for this transaction.
        found = await uow.accounts.find_member(channel.value, external_id, conversation=conversation)
        is_admin = channel is Channel.TELEGRAM and user.id in self._admin_ids
        if found is not None:
            account, role = found
            # Conversation state written in this update is tagged with the account, so shredding removes it.
            uow.principal_id = account.id
            return Principal(
                channel=channel,
                external_id=external_id,
                locale=account.locale,
                account_id=account.id,
                is_admin=is_admin,
                roles=frozenset() if role is None else frozenset({role}),
            )
        return Principal(
            channel=channel,
            external_id=external_id,
            locale=await self._visitor_locale(user, state),
            is_admin=is_admin,
        )

    async def _visitor_locale(self, user: User, state: object) -> str:
        if isinstance(state, FSMContext):
            chosen = (await state.get_data()).get(VISITOR_LOCALE_KEY)
            if isinstance(chosen, str):
                return chosen
        return locale_from_language_code(user.language_code, self._default_locale)
