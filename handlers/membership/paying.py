"""Paying: Telegram's question before it charges (answered after checking the order again), the successful
payment (credited once per charge, with a receipt), and the web chat's test provider. A seat at an event is
paid through the same two updates: its payload (`ev1:`) hands them to `handlers.events.paying`."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message, PreCheckoutQuery

from domain.identity import Channel
from domain.membership.invoices import PAYLOAD_PREFIX, is_event_payload
from domain.membership.states import Provider
from handlers.answers import show_in_place
from handlers.events import paying as seat_paying
from handlers.journey import Conversation
from handlers.membership.buying import answer_checkout
from handlers.services.container import Services
from handlers.views import membership as views
from handlers.views.membership import MembershipAction, MembershipButton
from handlers.views.membership_outcomes import CheckoutProblem, Credited, CreditResult


async def pre_checkout(query: PreCheckoutQuery, services: Services) -> None:
    """Telegram waits for this answer (up to 10 seconds) before charging; a stale invoice is declined with the
    reason, which Telegram shows to the client."""
    if is_event_payload(query.invoice_payload):
        await seat_paying.pre_checkout(query, services)
        return
    principal = services.principal
    problem = await services.membership.checkout_problem(
        query.invoice_payload,
        None if principal is None else principal.account_id,
        currency=query.currency,
        total_minor=query.total_amount,
    )
    await answer_checkout(query, None if problem is None else views.checkout_problem_text(problem))


async def receipt_for(credited: Credited, conversation: Conversation, services: Services) -> None:
    payment, tier, expires_at = credited.payment, credited.tier, credited.expires_at
    if credited.result is CreditResult.CREDITED and payment is not None and tier is not None and expires_at:
        await conversation.send(views.receipt(payment, tier, expires_at, services.settings.timezone))
    elif credited.result is CreditResult.DUPLICATE:
        await conversation.send(views.duplicate_payment())
    else:
        await conversation.send(views.payment_problem())


async def successful_payment(message: Message, conversation: Conversation, services: Services) -> None:
    paid = message.successful_payment
    assert paid is not None
    stars = paid.currency == "XTR"
    if is_event_payload(paid.invoice_payload):
        provider = Provider.STARS if stars else Provider.TELEGRAM
        await seat_paying.successful_payment(message, conversation, services, provider=provider)
        return
    credited = await services.membership.credit(
        paid.invoice_payload,
        conversation.account_id,
        charge_id=paid.telegram_payment_charge_id,
        provider_charge_id=paid.provider_payment_charge_id or None,
        provider=Provider.STARS if stars else Provider.TELEGRAM,
        currency=paid.currency,
        total_minor=paid.total_amount,
    )
    await receipt_for(credited, conversation, services)


async def pay_test(
    callback: CallbackQuery, callback_data: MembershipButton, conversation: Conversation, services: Services
) -> None:
    channel = Channel.TELEGRAM if services.principal is None else services.principal.channel
    if services.membership.provider(channel) is not Provider.TEST:  # a forged button outside the web chat
        await callback.answer(views.stale_invoice())
        return
    outcome = await services.membership.pay_with_test_provider(
        PAYLOAD_PREFIX + callback_data.order, conversation.account_id
    )
    if isinstance(outcome, CheckoutProblem):
        await callback.answer()
        await show_in_place(callback, views.stale_invoice(), None)
        return
    await callback.answer()
    message = callback.message
    if outcome.result is CreditResult.CREDITED and isinstance(message, Message) and message.reply_markup is not None:
        await message.edit_reply_markup(reply_markup=None)  # the invoice cannot be paid twice
    await receipt_for(outcome, conversation, services)


async def fail_test(
    callback: CallbackQuery, callback_data: MembershipButton, conversation: Conversation, services: Services
) -> None:
    await services.membership.cancel_invoice(PAYLOAD_PREFIX + callback_data.order, conversation.account_id)
    await callback.answer()
    await show_in_place(callback, views.test_payment_failed(), None)


def create_router() -> Router:
    router = Router(name="membership.paying")
    router.pre_checkout_query.register(pre_checkout)
    router.message.register(successful_payment, F.successful_payment)
    router.callback_query.register(pay_test, MembershipButton.filter(F.action == MembershipAction.PAY_TEST))
    router.callback_query.register(fail_test, MembershipButton.filter(F.action == MembershipAction.FAIL_TEST))
    return router
