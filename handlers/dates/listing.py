"""/dates: upcoming, open and past dates with their buttons, and the pairs a date could be proposed to."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from handlers.journey import Conversation
from handlers.services.container import Services
from handlers.views.dates import listing, messages


async def list_dates(message: Message, conversation: Conversation, services: Services) -> None:
    me = await conversation.registered_account()
    if me is None:
        return
    overview = await services.dates.overview(me)
    if overview.empty:
        await conversation.send(listing.no_dates())
        return
    zone = overview.zone
    await conversation.send(listing.heading())
    for entry in overview.upcoming:
        await conversation.send(*listing.upcoming(entry, zone))
    for entry in overview.pending:
        if entry.mine:
            await conversation.send(*listing.awaiting(entry, zone))
        else:
            await conversation.send_outbound(messages.proposal(entry.record, entry.name, zone))
    if overview.past:
        await conversation.send(listing.earlier(overview.past, zone))
    for partner in overview.partners:
        await conversation.send(*listing.partner_offer(partner))


def create_router() -> Router:
    router = Router(name="dates.listing")
    router.message.register(list_dates, Command("dates"))
    return router
