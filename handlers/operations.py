"""/outbox for managers: what the bot is sending, what failed, and a retry.

The example to copy for a new staff command: handlers are module-level functions that take the event and
`services` (plus `actor` from `Allowed`, `callback_data` from the button's filter); `create_router` registers
them with their filters, then `refuse_the_rest` answers whoever the `Allowed` filters turned away.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.staff import Permission
from handlers.answers import show_in_place
from handlers.services.container import Services
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views.operations import OutboxButton, outbox_view

OUTBOX_PERMISSION = Permission.SUPERVISE_QUALITY


async def show_outbox(message: Message, services: Services) -> None:
    summary = await services.operations.outbox_summary()
    text, markup = outbox_view(summary.counts, summary.failed)
    await message.answer(text, reply_markup=markup)


async def retry(callback: CallbackQuery, callback_data: OutboxButton, services: Services) -> None:
    if callback_data.retry:
        done = await services.operations.retry(callback_data.retry)
        await callback.answer(_("Queued again.") if done else _("That message is no longer waiting for a retry."))
    else:
        await callback.answer()
    summary = await services.operations.outbox_summary()
    text, markup = outbox_view(summary.counts, summary.failed)
    await show_in_place(callback, text, markup)


def create_router() -> Router:
    router = Router(name="operations")
    router.message.register(show_outbox, Command("outbox"), Allowed(OUTBOX_PERMISSION))
    router.callback_query.register(retry, OutboxButton.filter(), Allowed(OUTBOX_PERMISSION))
    refuse_the_rest(
        router, commands={"outbox": OUTBOX_PERMISSION}, buttons=[(OutboxButton, lambda _data: OUTBOX_PERMISSION)]
    )
    return router
