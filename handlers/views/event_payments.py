"""What people see of paying for a seat at an event: the held seat and its invoice (Telegram's, or the web
chat's test provider), the answers to Telegram's question before it charges, the receipt, and the notices of a
hold given to someone promoted from the waitlist or run out unpaid."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton, OutboundMessage
from domain.event_payments import SeatCheckoutProblem
from domain.membership.invoices import DESCRIPTION_LIMIT, TITLE_LIMIT, fit
from handlers.views.dates.messages import when
from handlers.views.events import EventAct, EventButton
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.membership import minor, money
from handlers.views.punctuation import labelled
from handlers.views.texts import current_locale, quote
from storage.repositories.events import EventRecord


class SeatPayAction(StrEnum):
    PAY_TEST = "pay"
    FAIL_TEST = "fail"


class SeatPayButton(CallbackData, prefix="evpay"):
    """The web chat's test provider's buttons on a seat's invoice."""

    action: SeatPayAction
    order: str  # the order's id, hex


def _title(event: EventRecord) -> str:
    return quote(event.spec.title(current_locale()))


def _clock(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def pay_buttons(event: EventRecord) -> tuple[tuple[InlineButton, ...], ...]:
    """A held seat's buttons in an outbox message: pay for it, or give it up."""
    return (
        (
            InlineButton(text=_("💳 Pay"), callback_data=EventButton(act=EventAct.PAY, event=event.id.hex).pack()),
            InlineButton(
                text=_("Cancel my place"), callback_data=EventButton(act=EventAct.CANCEL, event=event.id.hex).pack()
            ),
        ),
    )


def held(event: EventRecord, until: datetime, price: Decimal, currency: str, zone: tzinfo) -> str:
    """The answer to a sign-up for a priced seat, sent before its invoice."""
    return _(
        "🎟 A seat at <b>{title}</b>, {when}, is held for you until {time}. Pay {amount} with the invoice below "
        "to confirm it; unpaid by then, it goes to the next person."
    ).format(
        title=_title(event),
        when=when(event.spec.starts_at, zone),
        time=_clock(until, zone),
        amount=money(price, currency),
    )


def held_notice(event: EventRecord, until: datetime, zone: tzinfo) -> OutboundMessage:
    """To someone promoted from the waitlist to a seat they pay for."""
    text = _(
        "🎉 A seat freed up at <b>{title}</b>, {when}: it is held for you until {time}. Press “Pay” to get the "
        "invoice and confirm it."
    ).format(title=_title(event), when=when(event.spec.starts_at, zone), time=_clock(until, zone))
    return OutboundMessage(text=text, keyboard=pay_buttons(event))


def hold_ended_notice(event: EventRecord, zone: tzinfo) -> OutboundMessage:
    return OutboundMessage(
        text=_(
            "⌛ The seat held for you at <b>{title}</b>, {when}, was not paid for in time, so it went to the next "
            "person. /events shows the event if you would like to sign up again."
        ).format(title=_title(event), when=when(event.spec.starts_at, zone))
    )


def no_hold() -> str:
    return _("No seat is held for you at this event any more. /events shows it again.")


# --- the invoice ------------------------------------------------------------------------------------------------
def invoice_title(event: EventRecord) -> str:
    return fit(event.spec.title(current_locale()), TITLE_LIMIT)


def invoice_description(event: EventRecord, zone: tzinfo) -> str:
    return fit(_("A seat at the event, {when}").format(when=when(event.spec.starts_at, zone)), DESCRIPTION_LIMIT)


def price_label() -> str:
    return _("Event seat")


def test_invoice(
    event: EventRecord, amount_minor: int, currency: str, order_id: UUID
) -> tuple[str, InlineKeyboardMarkup]:
    """The web chat's invoice for a seat: the price, and the test provider's two buttons (no money moves)."""
    text = "\n".join(
        [
            f"🧾 <b>{quote(invoice_title(event))}</b>",
            labelled(_("To pay"), minor(amount_minor, currency)),
            "",
            _("This is the web chat's <b>test payment</b>: no money is charged. Choose how it ends."),
        ]
    )
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Pay (test)"), callback_data=SeatPayButton(action=SeatPayAction.PAY_TEST, order=order_id.hex))
    builder.button(
        text=_("Fail (test)"), callback_data=SeatPayButton(action=SeatPayAction.FAIL_TEST, order=order_id.hex)
    )
    builder.adjust(2)
    return text, builder.as_markup()


def test_payment_failed() -> str:
    return _("The test payment failed; nothing was charged. The seat stays held until its time runs out.")


def checkout_problem_text(problem: SeatCheckoutProblem) -> str:
    """Telegram shows this to the client when it declines to charge."""
    return {
        SeatCheckoutProblem.UNKNOWN: _("This invoice is not valid. Please open /events again."),
        SeatCheckoutProblem.CLOSED: _("This invoice is no longer valid. Please open /events again."),
        SeatCheckoutProblem.PRICE_CHANGED: _("The price has changed since this invoice. Please open /events again."),
        SeatCheckoutProblem.HOLD_EXPIRED: _(
            "The seat is no longer held for you: its time ran out or it was given up. Please open /events again."
        ),
        SeatCheckoutProblem.EVENT_OFF: _("This event is cancelled or has started, so it can no longer be paid for."),
    }[problem]


# --- after the charge -------------------------------------------------------------------------------------------
def receipt(event: EventRecord, amount_minor: int, currency: str, zone: tzinfo) -> str:
    return "\n".join(
        [
            _("✅ <b>Payment received</b>"),
            labelled(_("Paid"), minor(amount_minor, currency)),
            _("Your seat at <b>{title}</b>, {when}, is confirmed. We will remind you the day before.").format(
                title=_title(event), when=when(event.spec.starts_at, zone)
            ),
        ]
    )


def paid_without_seat(amount_minor: int, currency: str) -> str:
    return _(
        "We received your payment, but the seat was no longer held for you. We have asked our finance team to "
        "refund {amount} in full; you will hear from us here."
    ).format(amount=minor(amount_minor, currency))


# --- cancellations ----------------------------------------------------------------------------------------------
def refund_line(refund_minor: int, kept_minor: int, currency: str) -> str | None:
    """What happens to the money of a paid seat given up (None: nothing was paid)."""
    if refund_minor:
        return _("Your payment of {amount} will be refunded in full; our finance team confirms it here.").format(
            amount=minor(refund_minor, currency)
        )
    if kept_minor:
        return _("As it is a late cancellation, the fee of {amount} is kept under our policy.").format(
            amount=minor(kept_minor, currency)
        )
    return None
