"""Matching conversations: registered clients, and the outbox read as what the other side would receive."""

from __future__ import annotations

from uuid import UUID

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from domain.delivery import OutboundMessage
from storage.database import Database
from storage.repositories.delivery import OutboxRepository
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
    """Show the client what the delivery worker would send them (not yet shown), so they can press its
    buttons; returns those messages."""
    messages = await outbox_for(database, client)
    delivered = getattr(client, "_delivered", 0)
    fresh = messages[delivered:]
    client._delivered = len(messages)  # type: ignore[attr-defined]
    for message in fresh:
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
    return fresh
