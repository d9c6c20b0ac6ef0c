"""Membership conversations: clients and finance staff made in the database, Telegram's payment updates, and
the rows a payment leaves."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from uuid import UUID

from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerPreCheckoutQuery, SendInvoice, TelegramMethod
from aiogram.types import Message, PreCheckoutQuery, SuccessfulPayment, Update
from sqlalchemy import select

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from handlers.services.job_registry import JobRegistry
from handlers.services.membership.jobs import register_membership_jobs
from storage.database import Database
from storage.models.membership import PaymentRow
from storage.repositories.ledger import LedgerEntry
from storage.repositories.membership import Membership
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import PacedClient, paced

_ids = itertools.count(900_000)


async def make_client(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    database: Database,
    user_id: int,
    *,
    locale: str = "en",
    channel: str = "telegram",
) -> tuple[PacedClient, UUID]:
    """A registered, active client (made in the database) and the person behind them."""
    clock = session.clock
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create(channel, str(user_id), locale=locale, now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
        await uow.profiles.update(account.id, now=clock.now(), display_name="Li Wei", gender="male", birth_year=1990)
    person = paced(dp, bot, session, error_log, user_id=user_id, language_code=locale, channel=channel)
    return person, account.id


async def make_finance(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    database: Database,
    user_id: int,
    *,
    locale: str = "en",
) -> tuple[PacedClient, UUID]:
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create(
            "telegram", str(user_id), locale=locale, now=session.clock.now()
        )
        await uow.staff.add(account.id, role="finance", display_name="Fang", now=session.clock.now())
    return paced(dp, bot, session, error_log, user_id=user_id, language_code=locale), account.id


def last_invoice(session: RecordingSession) -> SendInvoice:
    invoices = [request for request in session.requests if isinstance(request, SendInvoice)]
    assert invoices, "no invoice was sent"
    return invoices[-1]


async def pre_checkout(person: PacedClient, payload: str, *, currency: str, total: int) -> AnswerPreCheckoutQuery:
    """Telegram asks before charging; returns the bot's answer."""
    query = PreCheckoutQuery(
        id=f"pcq-{next(_ids)}", from_user=person.user, currency=currency, total_amount=total, invoice_payload=payload
    )
    calls: list[TelegramMethod[object]] = await person._feed(Update(update_id=next(_ids), pre_checkout_query=query))
    answers = [call for call in calls if isinstance(call, AnswerPreCheckoutQuery)]
    assert len(answers) == 1, f"the pre-checkout query was answered {len(answers)} times"
    return answers[0]


async def successful_payment(
    person: PacedClient, payload: str, *, currency: str, total: int, charge: str, provider_charge: str = ""
) -> None:
    """Telegram's service message after the charge (the same one may arrive twice)."""
    paid = SuccessfulPayment(
        currency=currency,
        total_amount=total,
        invoice_payload=payload,
        telegram_payment_charge_id=charge,
        provider_payment_charge_id=provider_charge,
    )
    message = Message(
        message_id=next(_ids),
        date=person.session.clock.now(),
        chat=person.chat,
        from_user=person.user,
        successful_payment=paid,
    )
    await person._feed(Update(update_id=next(_ids), message=message))


async def pay_last_invoice(person: PacedClient, session: RecordingSession, *, charge: str) -> SendInvoice:
    invoice = last_invoice(session)
    total = invoice.prices[0].amount
    answer = await pre_checkout(person, invoice.payload, currency=invoice.currency, total=total)
    assert answer.ok, answer.error_message
    await successful_payment(person, invoice.payload, currency=invoice.currency, total=total, charge=charge)
    return invoice


@dataclass(frozen=True)
class Books:
    membership: Membership | None
    tier: str | None  # the profile's tier
    payments: int
    ledger: list[LedgerEntry]

    def amounts(self) -> list[tuple[str, int]]:
        return [(entry.kind, entry.amount_minor) for entry in self.ledger]


async def books(database: Database, client_id: UUID) -> Books:
    async with database.unit_of_work(read_only=True) as uow:
        profile = await uow.profiles.get(client_id)
        payments = (await uow.session.scalars(select(PaymentRow).where(PaymentRow.client_id == client_id))).all()
        return Books(
            await uow.memberships.get(client_id),
            None if profile is None else profile.tier,
            len(payments),
            await uow.ledger.entries(client_id=client_id),
        )


def job_runner(dp: Dispatcher, database: Database, clock: FakeClock) -> DueJobRunner:
    registry = JobRegistry()
    register_membership_jobs(registry, settings=dp["settings"], i18n=dp["i18n"])
    return DueJobRunner(database, registry, clock)
