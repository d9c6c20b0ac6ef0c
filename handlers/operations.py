"""Operations for managers: `/outbox` (what the bot is sending, what failed, retry), and the counselor's notice
when a client blocks the bot (the delivery worker's `on_unreachable` hook).

Failed messages are shown by number, channel, attempts and the Bot API's error: never their content or
recipient (those stay sealed)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.delivery.worker import RecipientUnreachable, UnreachableCallback
from bot.settings import Settings
from domain.clock import Clock
from domain.delivery import DeliveryState, OutboundMessage
from domain.staff import Permission
from handlers.keyboards import InlineKeyboardBuilder
from handlers.matching.notify import Notifier
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.texts import quote
from storage.repositories.delivery import OutboxRepository
from storage.unit_of_work import UnitOfWork

router = Router(name="operations")

OUTBOX_PERMISSION = Permission.SUPERVISE_QUALITY
FAILED_SHOWN = 10
ERROR_BUDGET = 120


class OutboxButton(CallbackData, prefix="outbox"):
    retry: int  # the outbox message to try again; 0: refresh the view


def state_label(state: DeliveryState) -> str:
    return {
        DeliveryState.PENDING: _("waiting"),
        DeliveryState.SENDING: _("sending"),
        DeliveryState.SENT: _("sent"),
        DeliveryState.FAILED: _("failed"),
        DeliveryState.CANCELLED: _("cancelled"),
    }[state]


async def outbox_view(uow: UnitOfWork) -> tuple[str, InlineKeyboardMarkup]:
    outbox = OutboxRepository.of(uow)
    counts = await outbox.count_by_state()
    lines = [_("📮 <b>Outbox</b>")]
    lines.append(" · ".join(f"{state_label(state)}: {counts.get(state, 0)}" for state in DeliveryState))
    failed = await outbox.failed(limit=FAILED_SHOWN)
    builder = InlineKeyboardBuilder()
    if failed:
        lines += ["", _("<b>Failed</b> (newest first):")]
    for entry in failed:
        error = quote((entry.last_error or "—")[:ERROR_BUDGET])
        lines.append(
            _("#{id} · {channel} · {attempts} attempts · {error}").format(
                id=entry.id, channel=entry.channel, attempts=entry.attempts, error=error
            )
        )
        builder.button(text=_("🔁 Retry #{id}").format(id=entry.id), callback_data=OutboxButton(retry=entry.id))
    builder.button(text=_("↻ Refresh"), callback_data=OutboxButton(retry=0))
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


@router.message(Command("outbox"), Allowed(OUTBOX_PERMISSION))
async def show_outbox(message: Message, uow: UnitOfWork) -> None:
    text, markup = await outbox_view(uow)
    await message.answer(text, reply_markup=markup)


@router.callback_query(OutboxButton.filter(), Allowed(OUTBOX_PERMISSION))
async def retry(callback: CallbackQuery, callback_data: OutboxButton, uow: UnitOfWork, clock: Clock) -> None:
    if callback_data.retry:
        done = await OutboxRepository.of(uow).requeue(callback_data.retry, now=clock.now())
        await callback.answer(_("Queued again.") if done else _("That message is no longer waiting for a retry."))
    else:
        await callback.answer()
    text, markup = await outbox_view(uow)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)
    elif callback.from_user is not None:  # the old message is out of reach: show it anew
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)  # type: ignore[union-attr]


refuse_the_rest(
    router, commands={"outbox": OUTBOX_PERMISSION}, buttons=[(OutboxButton, lambda _data: OUTBOX_PERMISSION)]
)


def unreachable_notice(settings: Settings, i18n: I18n) -> UnreachableCallback:
    """The `on_unreachable` hook: tell the client's counselor (or the staff chat) that a client blocked the bot."""

    async def tell_counselor(uow: UnitOfWork, event: RecipientUnreachable) -> None:
        if event.account_id is None or await uow.profiles.get(event.account_id) is None:
            return  # a staff member or a group: the delivery log says enough
        reference = f"<code>{str(event.account_id)[:8]}</code>"

        def notice() -> OutboundMessage:
            return OutboundMessage(
                text=_(
                    "🚫 Client {reference} blocked the bot: {count} waiting messages were cancelled and nothing more "
                    "will reach them until they start the bot again."
                ).format(reference=reference, count=event.cancelled)
            )

        notifier = Notifier(uow, i18n, settings)
        counselor = await uow.assignments.counselor_of(event.account_id)
        key = f"unreachable:{event.outbox_id}"
        if counselor is None or not await notifier.to_client(counselor, notice, dedupe_key=key):
            await notifier.to_counselors(notice, dedupe_key=key)

    return tell_counselor
