"""Buying in Telegram: the membership screen, an invoice Telegram would accept, the check before the charge,
crediting once per charge with a receipt, and what stale or forged invoices get."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from storage.database import Database
from storage.repositories.delivery import OutboxRepository
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import paced
from tests.matching.chat import deliver
from tests.membership.chat import (
    books,
    last_invoice,
    make_client,
    pay_last_invoice,
    pre_checkout,
    successful_payment,
)
from tests.personnel.training_support import pass_training

PREMIUM_MONTH = "Premium member, 1 month: CN¥199.00"


async def test_the_screen_shows_the_tier_what_the_next_adds_and_the_offers(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, _id = await make_client(dp, bot, session, error_log, app_database, 5001)
    await li.send("/membership")
    text = li.last_text()
    assert "Tier: Ordinary member" in text
    assert "• 3 new suggestions a day" in text
    assert "What Premium member adds:" in text
    assert "• suggestions picked by hand by a counselor" in text
    assert li.last_buttons() == [
        PREMIUM_MONTH,
        "Premium member, 3 months: CN¥499.00",
        "Premium member, 12 months: CN¥1,599.00",
        "Private custom service, 6 months: CN¥9,999.00",
        "🎟 I have a promo code",
    ]


async def test_buying_premium_credits_once_with_a_receipt(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5002)
    await li.send("/membership")
    await li.click(PREMIUM_MONTH)
    invoice = last_invoice(session)
    assert (invoice.title, invoice.currency, [p.amount for p in invoice.prices]) == ("Premium member", "CNY", [19900])
    assert invoice.provider_token == "284685063:TEST:provider-token"
    assert invoice.payload.startswith("ms1:") and len(invoice.payload) <= 128
    await pay_last_invoice(li, session, charge="charge-premium-1")
    receipt = li.last_text()
    assert "Payment received" in receipt and "Paid: CN¥199.00" in receipt and "Tier: Premium member" in receipt
    assert "Until: Feb 5, 2026" in receipt
    after = await books(app_database, li_id)
    assert after.membership is not None and after.membership.tier == "premium" and after.tier == "premium"
    assert after.payments == 1 and after.amounts() == [("payment", 19900)]

    # The same charge again (a redelivered update, another instance): nothing twice.
    await successful_payment(li, invoice.payload, currency="CNY", total=19900, charge="charge-premium-1")
    assert li.last_text() == "This payment was already credited to your membership; nothing was charged twice."
    again = await books(app_database, li_id)
    assert again.payments == 1 and again.amounts() == [("payment", 19900)]
    assert again.membership == after.membership

    # The invoice was used: Telegram asking about it again is declined.
    answer = await pre_checkout(li, invoice.payload, currency="CNY", total=19900)
    assert not answer.ok and answer.error_message == "This invoice is no longer valid. Please open /membership again."

    await li.send("/membership")
    assert "Tier: Premium member" in li.last_text() and "Until: Feb 5, 2026" in li.last_text()
    assert "Renew for 1 month: CN¥199.00" in li.last_buttons()
    assert not any(label.startswith("Premium member,") for label in li.last_buttons())


async def test_a_price_changed_after_the_invoice_is_declined_with_the_reason(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5003)
    await li.send("/membership")
    await li.click(PREMIUM_MONTH)
    invoice = last_invoice(session)
    async with app_database.unit_of_work() as uow:  # finance raises the price meanwhile
        await uow.prices.set("premium", "1", "CNY", 25900, valid_from=clock.now(), by=None)
    answer = await pre_checkout(li, invoice.payload, currency="CNY", total=19900)
    assert not answer.ok
    assert answer.error_message == "The price has changed since this invoice. Please open /membership again."
    assert (await books(app_database, li_id)).payments == 0
    await li.send("/membership")
    assert "Premium member, 1 month: CN¥259.00" in li.last_buttons()


async def test_forged_and_foreign_payloads(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5004)
    wang, wang_id = await make_client(dp, bot, session, error_log, app_database, 5005)
    await li.send("/membership")
    await li.click(PREMIUM_MONTH)
    lis_invoice = last_invoice(session)
    for payload in ("ms1:" + "0" * 32, "anything", lis_invoice.payload):
        answer = await pre_checkout(wang, payload, currency="CNY", total=19900)
        assert not answer.ok and answer.error_message == "This invoice is not valid. Please open /membership again."
    # Money arriving for a payload we cannot match: nothing credited, a counselor takes it.
    await successful_payment(wang, "ms1:" + "f" * 32, currency="CNY", total=19900, charge="charge-odd")
    assert "could not match it to an invoice" in wang.last_text()
    async with app_database.unit_of_work(read_only=True) as uow:
        handoff = await uow.handoffs.active_for_client(wang_id)
    assert handoff is not None and handoff.reason == "payment"
    assert (await books(app_database, wang_id)).payments == 0
    assert (await books(app_database, li_id)).payments == 0


async def test_a_pricing_question_points_to_membership(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, _id = await make_client(dp, bot, session, error_log, app_database, 5006)
    await li.send("How much does the premium membership cost?")
    assert li.last_text() == "Membership tiers, what each includes and the prices are under /membership."
    zhang, _id = await make_client(dp, bot, session, error_log, app_database, 5007, locale="zh")
    await zhang.send("会员多少钱？")
    assert "/membership" in zhang.last_text()


async def test_expired_membership_is_shown_as_the_free_tier(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, _id = await make_client(dp, bot, session, error_log, app_database, 5008)
    await li.send("/membership")
    await li.click(PREMIUM_MONTH)
    await pay_last_invoice(li, session, charge="charge-expire")
    clock.advance(timedelta(days=40))
    await li.send("/membership")
    assert "Tier: Ordinary member" in li.last_text()


async def test_the_private_tier_gets_a_dedicated_counselor(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    async with app_database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create("telegram", "5090", locale="en", now=clock.now())
        await uow.staff.add(account.id, role="counselor", display_name="Cora", now=clock.now())
        await pass_training(uow, account.id, clock)
    cora = account.id
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5009)
    await li.send("/membership")
    await li.click("Private custom service, 6 months: CN¥9,999.00")
    assert "One engagement (6 months): CN¥9,999.00" in last_invoice(session).description
    await pay_last_invoice(li, session, charge="charge-private-1")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.assignments.counselor_of(li_id) == cora
        (notice,) = [m.message for m in await OutboxRepository.of(uow).contents_for_account(cora)]
    assert notice.text.endswith("now has the Private custom service: you are their dedicated counselor.")
    assert [b.text for row in notice.keyboard for b in row] == ["Open the card"]

    # The counselor sees the tier and its expiry on the client's card.
    counselor = paced(dp, bot, session, error_log, user_id=5090)
    await deliver(app_database, counselor)
    await counselor.click("Open the card")
    assert "Membership: Private custom service, until Jul 5, 2026" in counselor.last_text()
