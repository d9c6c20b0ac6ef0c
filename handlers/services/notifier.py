"""Messages to people other than the one pressing: through the outbox, in the recipient's language.

Demo clients, deleted and unreachable accounts receive nothing. Staff alerts about a client go to the client's
assigned counselor (in the counselor's language), or to the counselors' chat (`COUNSELOR_CHAT_ID`, in the
agency's language) when the client has none or the counselor cannot receive them.

`queue_for` and `queue_for_counselors` give the outbox id of what they queued (a handoff alert remembers it, to
edit the delivered copy later); `to_client`, `to_counselors` and `to_assigned_counselor` say only whether the
recipient can receive it. `queue_rendered` and `queue_rendered_for_chat` are the steps underneath all of them (a
message already rendered, for an account that can receive it (`recipient`) or for a group); `alerts` uses them
for a text it rendered itself.
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


def chat_of(account: Account) -> ChatAddress:
    """The account's private chat with the bot (the account has an external id)."""
    assert account.external_id is not None
    return ChatAddress(Channel(account.channel), int(account.external_id))


async def recipient(uow: UnitOfWork, account_id: UUID) -> Account | None:
    """The account, when it can receive messages."""
    account = await uow.accounts.get(account_id)
    return account if account is not None and can_receive(account) else None


async def queue_rendered(
    uow: UnitOfWork, account: Account, message: OutboundMessage, *, dedupe_key: str | None = None
) -> int | None:
    """Queue an already rendered message for a `recipient`: the outbox id (None: `dedupe_key` was used before)."""
    return await enqueue(uow, chat_of(account), message, account_id=account.id, dedupe_key=dedupe_key)


async def queue_rendered_for_chat(
    uow: UnitOfWork, chat_id: int, message: OutboundMessage, *, dedupe_key: str | None = None
) -> int | None:
    """Queue an already rendered message for a Telegram group (the counselors' chat): the outbox id (None:
    `dedupe_key` was used before)."""
    return await enqueue(uow, ChatAddress(Channel.TELEGRAM, chat_id), message, dedupe_key=dedupe_key)


@dataclass
class Notifier:
    uow: UnitOfWork
    i18n: I18n
    settings: Settings

    def _in_locale(self, locale: str, build: Callable[[], OutboundMessage]) -> OutboundMessage:
        with self.i18n.context(), self.i18n.use_locale(locale):
            return build()

    async def _queue(
        self, account: Account, build: Callable[[], OutboundMessage], dedupe_key: str | None
    ) -> int | None:
        message = self._in_locale(account.locale, build)
        return await queue_rendered(self.uow, account, message, dedupe_key=dedupe_key)

    async def queue_for(
        self, account_id: UUID, build: Callable[[], OutboundMessage], *, dedupe_key: str | None = None
    ) -> int | None:
        """Queue `build()` in the account's language: the outbox id, or None when they get nothing (or
        `dedupe_key` was used before)."""
        account = await recipient(self.uow, account_id)
        return None if account is None else await self._queue(account, build, dedupe_key)

    async def to_client(
        self, account_id: UUID, build: Callable[[], OutboundMessage], *, dedupe_key: str | None = None
    ) -> bool:
        """Queue `build()` (rendered in the client's language) for the client; False when they get nothing."""
        account = await recipient(self.uow, account_id)
        if account is None:
            return False
        await self._queue(account, build, dedupe_key)
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

    async def queue_for_counselors(self, build: Callable[[], OutboundMessage], *, dedupe_key: str) -> int | None:
        """Queue `build()` for the counselors' chat, in the agency's language: the outbox id, or None when there
        is no such chat (or `dedupe_key` was used before)."""
        chat_id = self.settings.counselor_chat_id
        if chat_id is None:
            return None
        message = self._in_locale(self.settings.default_locale, build)
        return await queue_rendered_for_chat(self.uow, chat_id, message, dedupe_key=dedupe_key)

    async def to_counselors(self, build: Callable[[], OutboundMessage], *, dedupe_key: str) -> bool:
        if self.settings.counselor_chat_id is None:
            return False
        await self.queue_for_counselors(build, dedupe_key=dedupe_key)
        return True
