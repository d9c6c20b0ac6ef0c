"""Operations: what the outbox holds and what failed, a retry, and the counselor's notice when a client blocks
the bot (the delivery worker's `on_unreachable` hook)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.delivery import DeliveryState, OutboundMessage, RecipientUnreachable
from handlers.services.feature import FeatureService
from handlers.services.notifier import Notifier
from handlers.services.settings import Settings
from storage.repositories.delivery import OutboxEntry, OutboxRepository
from storage.unit_of_work import UnitOfWork

FAILED_SHOWN = 10

# Called inside the unit of work that records the 403, so it can enqueue a note to the counselor atomically.
UnreachableCallback = Callable[[UnitOfWork, RecipientUnreachable], Awaitable[None]]


@dataclass(frozen=True)
class OutboxSummary:
    counts: dict[DeliveryState, int]
    failed: list[OutboxEntry]


@dataclass
class Operations(FeatureService):
    """What managers see of the bot's own work (`/outbox`)."""

    async def outbox_summary(self) -> OutboxSummary:
        """How many messages are in each state, and the newest failures."""
        outbox = OutboxRepository.of(self.uow)
        return OutboxSummary(counts=await outbox.count_by_state(), failed=await outbox.failed(limit=FAILED_SHOWN))

    async def retry(self, outbox_id: int) -> bool:
        """Queue a failed message again; False when it is no longer waiting for a retry."""
        return await OutboxRepository.of(self.uow).requeue(outbox_id, now=self.now())


def unreachable_notice(settings: Settings, i18n: I18n) -> UnreachableCallback:
    """The `on_unreachable` hook: tell the client's counselor (or the staff chat) that a client blocked the bot."""

    async def tell_counselor(uow: UnitOfWork, event: RecipientUnreachable) -> None:
        if event.account_id is None or await uow.profiles.get(event.account_id) is None:
            return  # a staff member or a group: the delivery log says enough
        reference = f"<code>{str(event.account_id)[:8]}</code>"

        def notice() -> OutboundMessage:
            return OutboundMessage(
                text=_(
                    "🚫 Client {reference} blocked the bot: {count} waiting message was cancelled and nothing more "
                    "will reach them until they start the bot again.",
                    "🚫 Client {reference} blocked the bot: {count} waiting messages were cancelled and nothing more "
                    "will reach them until they start the bot again.",
                    event.cancelled,
                ).format(reference=reference, count=event.cancelled)
            )

        notifier = Notifier(uow, i18n, settings)
        counselor = await uow.assignments.counselor_of(event.account_id)
        key = f"unreachable:{event.outbox_id}"
        if counselor is None or not await notifier.to_client(counselor, notice, dedupe_key=key):
            await notifier.to_counselors(notice, dedupe_key=key)

    return tell_counselor
