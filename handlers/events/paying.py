"""Paying for a seat held at an event: its invoice (Telegram's, or the web chat's test provider), and the
answers to Telegram's payment updates for a seat's payload (`handlers.membership.paying` hands them over, so
one pre-checkout and one successful-payment handler serve every invoice)."""

from __future__ import annotations

from uuid import UUID

from aiogram import Bot
from aiogram.types import CallbackQuery, Message, PreCheckoutQuery

from domain.event_payments import SeatCheckoutProblem
from domain.membership.states import Provider
from handlers.answers import show_in_place
from handlers.journey import Conversation
from handlers.membership.buying import TelegramInvoice, answer_checkout, channel_of, send_telegram_invoice
from handlers.services.container import Services
from handlers.services.event_payments import SeatCredited, SeatInvoice
from handlers.views import event_payments as views
from handlers.views import events as event_views
from handlers.views import membership as membership_views
from handlers.views.event_payments import SeatPayButton
from handlers.views.events import EventButton
from handlers.views.membership_outcomes import CreditResult


async def send_seat_invoice(conversation: Conversation, services: Services, bot: Bot, invoice: SeatInvoice) -> None:
    if invoice.provider is Provider.TEST:
        await conversation.send(
            *views.test_invoice(invoice.event, invoice.amount_minor, invoice.currency, invoice.order_id)
        )
        return
    await send_telegram_invoice(
        conversation,
        services,
        bot,
        TelegramInvoice(
            provider=invoice.provider,
            title=views.invoice_title(invoice.event),
            description=views.invoice_description(invoice.event, invoice.zone),
            payload=invoice.payload,
            currency=invoice.currency,
            label=views.price_label(),
            amount_minor=invoice.amount_minor,
        ),
    )


async def open_and_send(conversation: Conversation, services: Services, bot: Bot, event_id: UUID | None) -> bool:
    """The invoice for the seat held for the client at the event; False when none is held any more."""
    client = conversation.account_id
    if event_id is None or client is None:
        return False
    provider = services.membership.provider(channel_of(services))
    invoice = await services.event_payments.open_invoice(client, event_id, provider)
    if isinstance(invoice, SeatCheckoutProblem):
        return False
    await send_seat_invoice(conversation, services, bot, invoice)
    return True


async def pay(
    callback: CallbackQuery, callback_data: EventButton, conversation: Conversation, services: Services, bot: Bot
) -> None:
    """The "Pay" button of a held seat (the card, or the notice of a seat freed up)."""
    if await conversation.registered_account() is None:
        await callback.answer()
        return
    if not await open_and_send(conversation, services, bot, event_views.event_id(callback_data)):
        await callback.answer(views.no_hold(), show_alert=True)
        return
    await callback.answer()


# --- Telegram's payment updates for a seat -------------------------------------------------------------------
async def pre_checkout(query: PreCheckoutQuery, services: Services) -> None:
    principal = services.principal
    problem = await services.event_payments.checkout_problem(
        query.invoice_payload,
        None if principal is None else principal.account_id,
        currency=query.currency,
        total_minor=query.total_amount,
    )
    await answer_checkout(query, None if problem is None else views.checkout_problem_text(problem))


async def receipt_for(credited: SeatCredited, conversation: Conversation) -> None:
    if credited.result is CreditResult.CREDITED and credited.event is not None and credited.zone is not None:
        if credited.seated:
            await conversation.send(
                views.receipt(credited.event, credited.amount_minor, credited.currency, credited.zone)
            )
        else:
            await conversation.send(views.paid_without_seat(credited.amount_minor, credited.currency))
    elif credited.result is CreditResult.DUPLICATE:
        await conversation.send(membership_views.duplicate_payment())
    else:
        await conversation.send(membership_views.payment_problem())


async def successful_payment(
    message: Message, conversation: Conversation, services: Services, *, provider: Provider
) -> None:
    paid = message.successful_payment
    assert paid is not None
    credited = await services.event_payments.credit(
        paid.invoice_payload,
        conversation.account_id,
        charge_id=paid.telegram_payment_charge_id,
        provider_charge_id=paid.provider_payment_charge_id or None,
        provider=provider,
        currency=paid.currency,
        total_minor=paid.total_amount,
    )
    await receipt_for(credited, conversation)


# --- the web chat's test provider --------------------------------------------------------------------------
async def pay_test(
    callback: CallbackQuery, callback_data: SeatPayButton, conversation: Conversation, services: Services
) -> None:
    if services.membership.provider(channel_of(services)) is not Provider.TEST:  # a forged button outside the web chat
        await callback.answer(membership_views.stale_invoice())
        return
    outcome = await services.event_payments.pay_with_test_provider(callback_data.order, conversation.account_id)
    await callback.answer()
    if isinstance(outcome, SeatCheckoutProblem):
        await show_in_place(callback, views.checkout_problem_text(outcome), None)
        return
    message = callback.message
    if outcome.result is CreditResult.CREDITED and isinstance(message, Message) and message.reply_markup is not None:
        await message.edit_reply_markup(reply_markup=None)  # the invoice cannot be paid twice
    await receipt_for(outcome, conversation)


async def fail_test(
    callback: CallbackQuery, callback_data: SeatPayButton, conversation: Conversation, services: Services
) -> None:
    await services.event_payments.cancel_invoice(callback_data.order, conversation.account_id)
    await callback.answer()
    await show_in_place(callback, views.test_payment_failed(), None)
