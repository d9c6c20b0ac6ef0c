"""/membership and its buttons: the client's tier, what the next one adds, the offers, the promo-code step and
the invoice (Telegram's, or the web chat's test provider)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, LabeledPrice, Message, PreCheckoutQuery

from domain.identity import Channel
from domain.membership.money import to_minor
from domain.membership.pricing import PromoProblem
from domain.membership.states import Provider
from handlers.journey import Conversation
from handlers.membership.states import MembershipFlow
from handlers.services.container import Services
from handlers.views import membership as views
from handlers.views.keyboards import MenuAction, MenuButton
from handlers.views.membership import MembershipAction, MembershipButton
from handlers.views.membership_outcomes import Invoice, OfferProblem


def channel_of(services: Services) -> Channel:
    principal = services.principal
    return Channel.TELEGRAM if principal is None else principal.channel


async def show_membership(
    conversation: Conversation, services: Services, *, promo_code: str | None = None, lead: str | None = None
) -> None:
    account_id = await conversation.registered_account()
    if account_id is None:
        return
    desk = services.membership
    standing = await desk.standing(account_id)
    offers = await desk.offers(account_id, promo_code)
    can_pay = desk.provider(channel_of(services)) is not None
    text, markup = views.membership_screen(
        standing, offers, promo_code=promo_code, zone=services.settings.timezone, can_pay=can_pay
    )
    await conversation.send(text if lead is None else f"{lead}\n\n{text}", markup if markup.inline_keyboard else None)


async def membership_command(message: Message, conversation: Conversation, services: Services) -> None:
    await conversation.clear_state()
    await show_membership(conversation, services)


async def membership_button(callback: CallbackQuery, conversation: Conversation, services: Services) -> None:
    await callback.answer()
    await show_membership(conversation, services)


async def ask_promo(callback: CallbackQuery, conversation: Conversation) -> None:
    await callback.answer()
    if await conversation.registered_account() is None:
        return
    await conversation.set_state(MembershipFlow.promo)
    await conversation.send(views.promo_question())


async def promo_typed(message: Message, conversation: Conversation, services: Services) -> None:
    account_id = conversation.account_id
    if account_id is None:
        await conversation.clear_state()
        return
    checked = await services.membership.check_promo(account_id, message.text or "")
    if isinstance(checked, PromoProblem):
        await conversation.send(f"{views.promo_problem_text(checked)}\n{views.promo_retry_hint()}")
        return
    await conversation.clear_state()
    await show_membership(conversation, services, promo_code=checked)


async def promo_not_text(message: Message, conversation: Conversation) -> None:
    await conversation.send(f"{views.promo_question()}\n{views.promo_retry_hint()}")


async def buy(
    callback: CallbackQuery, callback_data: MembershipButton, conversation: Conversation, services: Services, bot: Bot
) -> None:
    account_id = await conversation.registered_account()
    if account_id is None:
        await callback.answer()
        return
    promo = callback_data.promo or None
    invoice = await services.membership.open_invoice(
        account_id, callback_data.tier, callback_data.term, promo, channel_of(services)
    )
    await callback.answer()
    if isinstance(invoice, OfferProblem):
        if invoice in (OfferProblem.NOT_OFFERED, OfferProblem.NO_PRICE):
            await show_membership(conversation, services, promo_code=promo, lead=views.offer_problem_text(invoice))
        else:
            await conversation.send(views.offer_problem_text(invoice))
        return
    await send_invoice(conversation, services, bot, invoice)


async def send_invoice(conversation: Conversation, services: Services, bot: Bot, invoice: Invoice) -> None:
    offer = invoice.offer
    if invoice.provider is Provider.TEST:
        text, markup = views.test_invoice(offer, invoice.order_id)
        await conversation.send(text, markup)
        return
    currency = offer.quote.currency
    await send_telegram_invoice(
        conversation,
        services,
        bot,
        TelegramInvoice(
            provider=invoice.provider,
            title=views.invoice_title(offer),
            description=views.invoice_description(offer),
            payload=invoice.payload,
            currency=currency,
            label=views.price_label(),
            amount_minor=to_minor(offer.quote.total, currency),
        ),
    )


@dataclass(frozen=True)
class TelegramInvoice:
    """What Telegram's sendInvoice is given for one order (a membership, or a seat at an event)."""

    provider: Provider
    title: str
    description: str
    payload: str
    currency: str
    label: str
    amount_minor: int


async def send_telegram_invoice(
    conversation: Conversation, services: Services, bot: Bot, invoice: TelegramInvoice
) -> None:
    """Telegram's invoice: Stars take no provider token, a currency takes the agency's."""
    token = services.settings.payment_provider_token
    await bot.send_invoice(
        chat_id=conversation.chat_id,
        title=invoice.title,
        description=invoice.description,
        payload=invoice.payload,
        currency=invoice.currency,
        prices=[LabeledPrice(label=invoice.label, amount=invoice.amount_minor)],
        provider_token="" if invoice.provider is Provider.STARS or token is None else token.get_secret_value(),
    )


def create_router() -> Router:
    router = Router(name="membership.buying")
    router.message.register(membership_command, Command("membership"))
    router.callback_query.register(membership_button, MembershipButton.filter(F.action == MembershipAction.SHOW))
    router.callback_query.register(membership_button, MenuButton.filter(F.action == MenuAction.MEMBERSHIP))
    router.callback_query.register(ask_promo, MembershipButton.filter(F.action == MembershipAction.PROMO))
    router.callback_query.register(buy, MembershipButton.filter(F.action == MembershipAction.BUY))
    return router


async def answer_checkout(query: PreCheckoutQuery, problem: str | None) -> None:
    """Answer Telegram's question before it charges (it waits up to 10 seconds): go ahead, or decline with the
    reason, which Telegram shows to the client."""
    if problem is None:
        await query.answer(ok=True)
    else:
        await query.answer(ok=False, error_message=problem)
