"""Matching conversations: registered clients, and the outbox read as what the other side would receive."""

from __future__ import annotations

from uuid import UUID

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select, update

from domain.delivery import DeliveryState, OutboundMessage
from storage.database import Database
from storage.models.delivery import OutboxMessageRow
from storage.repositories.delivery import OUTBOX, OutboxRepository
from tests.botclient import BotClient, ShownMessage


async def account_of(database: Database, client: BotClient) -> UUID:
    async with database.unit_of_work(read_only=True) as uow:
        account = await uow.accounts.find_by_external(client.channel, str(client.user.id))
        assert account is not None
        return account.id


async def outbox_for(database: Database, client: BotClient) -> list[OutboundMessage]:
    """Everything queued for this client so far, oldest first."""
    account_id = await account_of(database, client)
    async with database.unit_of_work(read_only=True) as uow:
        return [content.message for content in await OutboxRepository.of(uow).contents_for_account(account_id)]


async def deliver(database: Database, client: BotClient) -> list[OutboundMessage]:
    """Show the client what the delivery worker would send them now (their pending outbox messages, so they
    can press its buttons) and record each as sent with its message id, as the worker does (so a later
    update can edit it); returns those messages."""
    account_id = await account_of(database, client)
    async with database.unit_of_work() as uow:
        contents = await OutboxRepository.of(uow).contents_for_account(account_id)
        fresh = [content for content in contents if content.state is DeliveryState.PENDING]
        for content in fresh:
            message = content.message
            message_id = next(client.session._message_ids)  # the same numbering as the bot's own messages
            markup = (
                InlineKeyboardMarkup(
                    inline_keyboard=[
                        [InlineKeyboardButton(text=b.text, callback_data=b.callback_data) for b in row]
                        for row in message.keyboard
                    ]
                )
                if message.keyboard
                else None
            )
            photo = message.attachment.file if message.attachment else None
            client.view.messages[message_id] = ShownMessage(message_id, message.text, markup, photo=photo)
            await uow.session.execute(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id == content.id)
                .values(state=DeliveryState.SENT.value, sent_message_id=message_id, finished_at=uow.context.clock.now())
            )
    return [content.message for content in fresh]


async def staff_chat_messages(database: Database) -> list[OutboundMessage]:
    """Everything queued for the counselors' chat so far, oldest first (no account: the system key seals it)."""
    async with database.unit_of_work(read_only=True) as uow:
        rows = (
            await uow.session.scalars(
                select(OutboxMessageRow).where(OutboxMessageRow.account_id.is_(None)).order_by(OutboxMessageRow.id)
            )
        ).all()
        crypto, key = uow.context.crypto, uow.context.system_key
        return [OutboundMessage.from_json(OUTBOX.decode(crypto, key, row).content) for row in rows]
