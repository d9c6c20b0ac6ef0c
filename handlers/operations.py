"""/outbox for managers: what the bot is sending, what failed, and a retry."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.clock import Clock
from domain.staff import Permission
from handlers.services import operations
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views.operations import OutboxButton, outbox_view
from storage.unit_of_work import UnitOfWork

router = Router(name="operations")

OUTBOX_PERMISSION = Permission.SUPERVISE_QUALITY


@router.message(Command("outbox"), Allowed(OUTBOX_PERMISSION))
async def show_outbox(message: Message, uow: UnitOfWork) -> None:
    text, markup = outbox_view(await operations.outbox_summary(uow))
    await message.answer(text, reply_markup=markup)


@router.callback_query(OutboxButton.filter(), Allowed(OUTBOX_PERMISSION))
async def retry(callback: CallbackQuery, callback_data: OutboxButton, uow: UnitOfWork, clock: Clock) -> None:
    if callback_data.retry:
        done = await operations.retry(uow, clock, callback_data.retry)
        await callback.answer(_("Queued again.") if done else _("That message is no longer waiting for a retry."))
    else:
        await callback.answer()
    text, markup = outbox_view(await operations.outbox_summary(uow))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)
    elif callback.from_user is not None:  # the old message is out of reach: show it anew
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)  # type: ignore[union-attr]


refuse_the_rest(
    router, commands={"outbox": OUTBOX_PERMISSION}, buttons=[(OutboxButton, lambda _data: OUTBOX_PERMISSION)]
)
