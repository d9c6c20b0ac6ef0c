"""Finance edits the fee schedule in the bot: /fees shows every price now, /setprice changes one from now on
(a new row: nothing already quoted or paid changes), /promo adds a promo code, /delivered records that an
engagement was delivered (no refund after that)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from domain.staff import Permission
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import membership as views
from handlers.views.membership_outcomes import Delivered, FeeProblem

FEES_PERMISSION = Permission.MANAGE_FEES
DELIVERED_PERMISSION = Permission.RECORD_PAYMENTS  # what finance records about a payment


async def show_fees(message: Message, services: Services) -> None:
    settings = services.settings
    lines = await services.membership.fee_table()
    await message.answer(views.fee_table(lines, settings.currency, settings.timezone))


async def set_price(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    parts = (command.args or "").split()
    if len(parts) != 3:
        await message.answer(views.fee_usage())
        return
    changed = await services.membership.set_price(parts[0], parts[1], parts[2], actor.account_id)
    if isinstance(changed, FeeProblem):
        await message.answer(views.fee_problem_text(changed))
    else:
        await message.answer(views.fee_changed(changed))


async def add_promo(message: Message, command: CommandObject, services: Services) -> None:
    parts = (command.args or "").split()
    numbers = parts[2:]
    if not 2 <= len(parts) <= 4 or not all(part.isdigit() and int(part) > 0 for part in numbers):
        await message.answer(views.promo_usage())
        return
    days = int(numbers[0]) if numbers else None
    uses = int(numbers[1]) if len(numbers) > 1 else None
    created = await services.membership.create_promo(parts[0], parts[1], days=days, uses=uses)
    if isinstance(created, FeeProblem):
        await message.answer(views.fee_problem_text(created))
    else:
        await message.answer(views.promo_created(created.code))


async def delivered(message: Message, command: CommandObject, services: Services) -> None:
    reference = (command.args or "").strip()
    if not reference:
        await message.answer(views.delivered_text(Delivered.NO_CLIENT, "?"))
        return
    result = await services.membership.mark_delivered(reference)
    await message.answer(views.delivered_text(result, reference[:32]))


def create_router() -> Router:
    router = Router(name="membership.fees")
    router.message.register(show_fees, Command("fees"), Allowed(FEES_PERMISSION))
    router.message.register(set_price, Command("setprice"), Allowed(FEES_PERMISSION))
    router.message.register(add_promo, Command("promo"), Allowed(FEES_PERMISSION))
    router.message.register(delivered, Command("delivered"), Allowed(DELIVERED_PERMISSION))
    refuse_the_rest(
        router,
        commands={
            "fees": FEES_PERMISSION,
            "setprice": FEES_PERMISSION,
            "promo": FEES_PERMISSION,
            "delivered": DELIVERED_PERMISSION,
        },
    )
    return router
