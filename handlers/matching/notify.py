"""Messages to people other than the one pressing: through the outbox, in the recipient's language.

Demo clients, deleted and unreachable accounts receive nothing. Staff alerts go to the counselors' chat
(`COUNSELOR_CHAT_ID`) in the agency's language; assignment of clients to counselors will route them to the
assigned counselor instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from aiogram.utils.i18n import I18n

from bot.settings import Settings
from domain.delivery import ChatAddress, OutboundMessage
from domain.identity import Channel
from storage.records import Account
from storage.repositories.delivery import enqueue
from storage.unit_of_work import UnitOfWork


def can_receive(account: Account | None) -> bool:
    return (
        account is not None
        and not account.is_deleted
        and not account.demo
        and not account.unreachable
        and account.external_id is not None
    )


@dataclass
class Notifier:
    uow: UnitOfWork
    i18n: I18n
    settings: Settings

    async def to_client(
        self, account_id: UUID, build: Callable[[], OutboundMessage], *, dedupe_key: str | None = None
    ) -> bool:
        """Queue `build()` (rendered in the client's language) for the client; False when they get nothing."""
        account = await self.uow.accounts.get(account_id)
        if account is None or not can_receive(account) or account.external_id is None:
            return False
        with self.i18n.context(), self.i18n.use_locale(account.locale):
            message = build()
        chat = ChatAddress(Channel(account.channel), int(account.external_id))
        await enqueue(self.uow, chat, message, account_id=account.id, dedupe_key=dedupe_key)
        return True

    async def to_counselors(self, build: Callable[[], OutboundMessage], *, dedupe_key: str) -> bool:
        chat_id = self.settings.counselor_chat_id
        if chat_id is None:
            return False
        with self.i18n.context(), self.i18n.use_locale(self.settings.default_locale):
            message = build()
        await enqueue(self.uow, ChatAddress(Channel.TELEGRAM, chat_id), message, dedupe_key=dedupe_key)
        return True
