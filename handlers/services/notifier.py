"""Messages to people other than the one pressing: through the outbox, in the recipient's language.

Demo clients, deleted and unreachable accounts receive nothing. Staff alerts about a client go to the client's
assigned counselor (in the counselor's language), or to the counselors' chat (`COUNSELOR_CHAT_ID`, in the
agency's language) when the client has none or the counselor cannot receive them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from aiogram.utils.i18n import I18n

from domain.delivery import ChatAddress, OutboundMessage
from domain.identity import Channel
from handlers.services.settings import Settings
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

    async def to_assigned_counselor(
        self, client_id: UUID, build: Callable[[], OutboundMessage], *, dedupe_key: str
    ) -> bool:
        """Queue `build()` for the client's active assigned counselor, else for the counselors' chat. The
        chat's copy keeps `dedupe_key` itself, so an alert about two clients reaches the chat once."""
        counselor = await self.uow.assignments.counselor_of(client_id)
        member = None if counselor is None else await self.uow.staff.get(counselor)
        personal = None if member is None else f"{dedupe_key}:{member.account_id}"
        if member is not None and member.active and await self.to_client(member.account_id, build, dedupe_key=personal):
            return True
        return await self.to_counselors(build, dedupe_key=dedupe_key)

    async def to_counselors(self, build: Callable[[], OutboundMessage], *, dedupe_key: str) -> bool:
        chat_id = self.settings.counselor_chat_id
        if chat_id is None:
            return False
        with self.i18n.context(), self.i18n.use_locale(self.settings.default_locale):
            message = build()
        await enqueue(self.uow, ChatAddress(Channel.TELEGRAM, chat_id), message, dedupe_key=dedupe_key)
        return True
