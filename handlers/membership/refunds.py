"""Refunds: a client asks with /refund and a reason; finance sees the requests (/refunds, and a message with
buttons each) and approves or declines once. A Stars payment is refunded through refundStarPayment; a
provider's refund is made in the provider's dashboard and recorded here."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from domain.staff import Permission
from handlers.answers import show_in_place
from handlers.journey import Conversation
from handlers.membership.states import MembershipFlow
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import membership as views
from handlers.views.membership import RefundAction, RefundButton
from handlers.views.membership_outcomes import Decided, RefundProblem

REFUND_PERMISSION = Permission.RECORD_PAYMENTS


async def ask_refund(message: Message, conversation: Conversation, services: Services) -> None:
    account_id = await conversation.registered_account()
    if account_id is None:
        return
    offer = await services.membership.refund_offer(account_id)
    if isinstance(offer, RefundProblem):
        await conversation.send(views.refund_problem_text(offer))
        return
    await conversation.set_state(MembershipFlow.refund_reason)
    await conversation.send(views.refund_question(offer))


async def refund_reason(message: Message, conversation: Conversation, services: Services) -> None:
    text = (message.text or "").strip()
    account_id = conversation.account_id
    if not text or account_id is None:
        await conversation.send(views.refund_reason_needed())
        return
    await conversation.clear_state()
    outcome = await services.membership.request_refund(account_id, text[:1000])
    if isinstance(outcome, RefundProblem):
        await conversation.send(views.refund_problem_text(outcome))
    else:
        await conversation.send(views.refund_requested())


async def refund_not_text(message: Message, conversation: Conversation) -> None:
    await conversation.send(views.refund_reason_needed())


async def list_refunds(message: Message, services: Services, actor: Actor) -> None:
    items = await services.membership.pending_refunds_with_reasons(actor.account_id)
    text, markup = views.pending_refunds_view(items)
    await message.answer(text, reply_markup=markup if markup.inline_keyboard else None)


async def decide(
    callback: CallbackQuery, callback_data: RefundButton, services: Services, actor: Actor, bot: Bot
) -> None:
    approve = callback_data.action is RefundAction.APPROVE
    decided = await services.membership.decide_refund(callback_data.refund, approve=approve, by=actor.account_id)
    if decided.result in (Decided.ALREADY, Decided.UNKNOWN):
        await callback.answer(views.refund_already_decided())
        return
    stars = decided.stars_charge is not None and decided.client_external_id is not None
    if stars and decided.stars_charge is not None and decided.client_external_id is not None:
        await bot.refund_star_payment(
            user_id=int(decided.client_external_id), telegram_payment_charge_id=decided.stars_charge
        )
    await callback.answer()
    await show_in_place(callback, views.refund_decision_done(approve, stars=stars), None)


def create_router() -> Router:
    router = Router(name="membership.refunds")
    router.message.register(ask_refund, Command("refund"))
    router.message.register(list_refunds, Command("refunds"), Allowed(REFUND_PERMISSION))
    router.callback_query.register(decide, RefundButton.filter(), Allowed(REFUND_PERMISSION))
    refuse_the_rest(
        router, commands={"refunds": REFUND_PERMISSION}, buttons=[(RefundButton, lambda _data: REFUND_PERMISSION)]
    )
    return router
