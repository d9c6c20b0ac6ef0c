"""Paying for a seat at an event, the membership's way (an order, Telegram's invoice and pre-checkout, one
payment per charge in the ledger, finance's refunds): a priced seat is held while its client pays and then
confirmed; an unpaid hold runs out on the clock and the seat goes to the next in line, who gets their own hold;
Telegram's question about a stale invoice is declined with the reason; a paid seat given up in time, an event
called off or changed after payment is refunded through finance's /refunds; a late cancellation keeps the fee;
a free tier still signs up at once; two people after the last priced seat: one holds it, one waits; the web
chat pays with its test provider."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendInvoice
from sqlalchemy import select

from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from storage.models.membership import RefundRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.events.chat import FORM, events, job_runner, make_client, make_organiser, publish, signups
from tests.journey_walk import PacedClient
from tests.matching.chat import deliver
from tests.membership.chat import books, last_invoice, make_finance, pay_last_invoice, pre_checkout
from tests.membership.conftest import PAYMENT_METHODS

ORGANISER = 620_000_001
FINANCE = 620_000_002
PRICED = FORM.replace("deadline:", "prices: basic=99.00\ndeadline:")  # basic pays, premium is free


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The agency's Shanghai time and a payment provider for CNY (the web chat pays with its test provider)."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        admin_ids=[],
        timezone="Asia/Shanghai",
        currency="CNY",
        payment_provider_token="284685063:TEST:provider-token",
    )


@pytest.fixture
def session(clock: FakeClock) -> RecordingSession:
    return RecordingSession(clock, allowed=PAYMENT_METHODS)


async def refunds(database: Database, client_id: UUID) -> list[RefundRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(RefundRow).where(RefundRow.client_id == client_id))).all())


async def hold_a_seat(person: PacedClient) -> None:
    await person.send("/events")
    await person.click("✍️ Sign up")


async def test_a_priced_seat_is_held_paid_and_confirmed_with_the_ledger_entry(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED)
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 620_000_010)
    free, free_id = await make_client(
        dp, bot, session, error_log, app_database, 620_000_011, gender="female", tier="premium"
    )

    await hold_a_seat(li)
    held = li.last_text()
    assert held.startswith("🎟 A seat at <b>Wine salon</b>, Tue 20 Jan, 19:00 (Asia/Shanghai), is held for you until")
    assert "Pay CN¥99.00 with the invoice below" in held
    invoice = last_invoice(session)
    assert invoice.payload.startswith("ev1:") and (invoice.title, invoice.currency) == ("Wine salon", "CNY")
    assert [price.amount for price in invoice.prices] == [9900] and invoice.provider_token
    assert (await signups(app_database))[li_id].state == "held"
    await li.send("/events")
    assert "🎟 A seat is held for you until" in li.last_text() and li.last_buttons() == ["💳 Pay", "Cancel my place"]

    await pay_last_invoice(li, session, charge="charge-seat-1")
    receipt = li.last_text()
    assert receipt.startswith("✅ <b>Payment received</b>\nPaid: CN¥99.00")
    assert "Your seat at <b>Wine salon</b>, Tue 20 Jan, 19:00 (Asia/Shanghai), is confirmed." in receipt
    row = (await signups(app_database))[li_id]
    assert row.state == "confirmed" and row.payment_id is not None and row.checkin_code is not None
    paid = await books(app_database, li_id)
    assert paid.amounts() == [("payment", 9900)]
    assert paid.membership is None and paid.tier == "basic"  # a seat buys no membership

    # The same charge reported again credits nothing; the used invoice is declined.
    answer = await pre_checkout(li, invoice.payload, currency="CNY", total=9900)
    assert not answer.ok and answer.error_message == "This invoice is no longer valid. Please open /events again."

    # A tier the event is free for signs up at once, without paying.
    await hold_a_seat(free)
    assert free.last_text().startswith("✅ You have a seat at <b>Wine salon</b>")
    assert (await signups(app_database))[free_id].state == "confirmed"
    assert (await books(app_database, free_id)).payments == 0

    await organiser.send("/events")
    assert "Men: 1/1, Women: 1/1\nPaid: 1, Late cancellations: 0" in organiser.last_text()
    error_log.assert_clean()


async def test_an_unpaid_hold_runs_out_and_the_next_in_line_gets_their_own_hold(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED)
    first, first_id = await make_client(dp, bot, session, error_log, app_database, 620_000_020)
    second, second_id = await make_client(dp, bot, session, error_log, app_database, 620_000_021)
    await hold_a_seat(first)
    stale = last_invoice(session)
    await hold_a_seat(second)
    assert "is full on your side, so you are on the waitlist (0 people ahead of you)" in second.last_text()
    await organiser.send("/events")
    assert "Men: 1/1 (1 held for payment) (1 person waiting)" in organiser.last_text()

    runner = job_runner(dp, app_database, clock)
    clock.advance(timedelta(minutes=29))
    await runner.run_due()
    assert (await signups(app_database))[first_id].state == "held"  # not yet
    clock.advance(timedelta(minutes=1))
    assert (await runner.run_due()).ran >= 1
    rows = await signups(app_database)
    assert rows[first_id].state == "cancelled" and not rows[first_id].late_cancellation
    assert rows[second_id].state == "held" and rows[second_id].promoted_at is not None
    [ended] = await deliver(app_database, first)
    assert ended.text.startswith("⌛ The seat held for you at <b>Wine salon</b>")
    [freed] = await deliver(app_database, second)
    assert freed.text.startswith("🎉 A seat freed up at <b>Wine salon</b>") and "held for you until" in freed.text

    # Telegram asks about the first client's old invoice: declined, the hold is over.
    answer = await pre_checkout(first, stale.payload, currency="CNY", total=9900)
    assert not answer.ok
    assert answer.error_message == "This invoice is no longer valid. Please open /events again."

    await second.click("💳 Pay")
    await pay_last_invoice(second, session, charge="charge-promoted")
    assert "is confirmed" in second.last_text()
    assert (await signups(app_database))[second_id].state == "confirmed"
    error_log.assert_clean()


async def test_a_hold_that_ran_out_before_its_job_is_declined_at_checkout(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED)
    li, _li_id = await make_client(dp, bot, session, error_log, app_database, 620_000_025)
    await hold_a_seat(li)
    invoice = last_invoice(session)
    clock.advance(timedelta(minutes=31))  # the job has not run yet
    answer = await pre_checkout(li, invoice.payload, currency="CNY", total=9900)
    assert not answer.ok and (answer.error_message or "").startswith("The seat is no longer held for you")
    error_log.assert_clean()


async def test_two_after_the_last_priced_seat_one_holds_it_one_waits(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED)
    first, first_id = await make_client(dp, bot, session, error_log, app_database, 620_000_030)
    second, second_id = await make_client(dp, bot, session, error_log, app_database, 620_000_031)
    for person in (first, second):
        await person.send("/events")
    await asyncio.gather(first.click("✍️ Sign up"), second.click("✍️ Sign up"))
    rows = await signups(app_database)
    assert sorted(rows[i].state for i in (first_id, second_id)) == ["held", "waitlisted"]
    assert len([r for r in session.requests if isinstance(r, SendInvoice)]) == 1
    error_log.assert_clean()


async def test_a_paid_seat_given_up_in_time_is_refunded_through_finance_and_a_late_one_keeps_the_fee(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED.replace("capacity: 1/1", "capacity: 2/2"))
    fang, _fang_id = await make_finance(dp, bot, session, error_log, app_database, FINANCE)
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 620_000_040)
    wang, wang_id = await make_client(dp, bot, session, error_log, app_database, 620_000_041)
    for person, charge in ((li, "charge-li"), (wang, "charge-wang")):
        await hold_a_seat(person)
        await pay_last_invoice(person, session, charge=charge)

    await li.send("/events")
    await li.click("Cancel my place")
    assert li.last_text() == (
        "Your place at <b>Wine salon</b> is given up.\n"
        "Your payment of CN¥99.00 will be refunded in full; our finance team confirms it here."
    )
    [refund] = await refunds(app_database, li_id)
    assert (refund.amount_minor, refund.rule, refund.state) == (9900, "full", "requested")
    [request] = await deliver(app_database, fang)
    assert request.text.startswith("💸 <b>Refund request</b>") and "To refund: CN¥99.00 (in full)" in request.text
    await fang.send("/refunds")
    assert "Wine salon" in fang.last_text()  # the reason says which event
    await fang.click(f"Approve {refund.id.hex[:8]}")
    assert (await books(app_database, li_id)).amounts() == [("payment", 9900), ("refund", -9900)]
    [decided] = await deliver(app_database, li)
    assert decided.text == "Your refund of CN¥99.00 was approved."  # no membership to end

    # Less than a day before the start: a late cancellation, and the fee is kept.
    [row] = [row for row in await events(app_database)]
    clock.set(row.starts_at - timedelta(hours=12))
    await wang.send("/events")
    await wang.click("Cancel my place")
    assert "recorded as a late cancellation" in wang.last_text()
    assert wang.last_text().endswith("As it is a late cancellation, the fee of CN¥99.00 is kept under our policy.")
    assert await refunds(app_database, wang_id) == []

    # The agency then calls the event off: the kept fee is given back too, and nothing is asked twice.
    await organiser.send(f"/cancelevent {row.id.hex[:8]}")
    assert [(r.amount_minor, r.state) for r in await refunds(app_database, wang_id)] == [(9900, "requested")]
    assert len(await refunds(app_database, li_id)) == 1
    error_log.assert_clean()


async def test_an_event_changed_or_called_off_after_payment_is_refunded_in_full(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED.replace("capacity: 1/1", "capacity: 2/2"))
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 620_000_050)
    wang, wang_id = await make_client(dp, bot, session, error_log, app_database, 620_000_051)
    for person, charge in ((li, "charge-li-2"), (wang, "charge-wang-2")):
        await hold_a_seat(person)
        await pay_last_invoice(person, session, charge=charge)
    [row] = await events(app_database)
    reference = row.id.hex[:8]

    # Half a day before, the organiser moves the start: those who paid are told and may give up without losing
    # the fee.
    clock.set(row.starts_at - timedelta(hours=12))
    await organiser.send(f"/editevent {reference}")
    await organiser.send(PRICED.replace("capacity: 1/1", "capacity: 2/2").replace("19:00", "20:00"))
    assert organiser.last_text().startswith("✏️ <b>Wine salon</b> is updated: time.")
    [notice] = await deliver(app_database, li)
    assert notice.text.startswith("✏️ <b>Wine salon</b> has changed:")
    assert notice.text.endswith("If you give it up, your payment of CN¥99.00 is refunded in full.")
    await li.click("Cancel my place")
    assert "late cancellation" not in li.last_text()
    assert li.last_text().endswith(
        "Your payment of CN¥99.00 will be refunded in full; our finance team confirms it here."
    )
    assert [r.amount_minor for r in await refunds(app_database, li_id)] == [9900]

    # The event is called off: everyone who paid gets it all back.
    await organiser.send(f"/cancelevent {reference}")
    [_changed, off] = await deliver(app_database, wang)
    assert off.text.startswith("😔 We are sorry: <b>Wine salon</b>")
    assert off.text.endswith("Your payment of CN¥99.00 will be refunded in full; our finance team confirms it here.")
    assert [(r.amount_minor, r.state) for r in await refunds(app_database, wang_id)] == [(9900, "requested")]
    error_log.assert_clean()


async def test_paying_for_a_seat_in_chinese(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED)
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 620_000_060, locale="zh")
    await li.send("/events")
    await li.click("✍️ 报名")
    held = li.last_text()
    assert held.startswith("🎟 已为您保留<b>品酒交友沙龙</b>") and "请通过下面的账单支付" in held
    assert last_invoice(session).title == "品酒交友沙龙"
    await pay_last_invoice(li, session, charge="charge-zh")
    assert "您已成功报名<b>品酒交友沙龙</b>" in li.last_text()
    await li.send("/events")
    await li.click("取消报名")
    assert li.last_text().endswith("您支付的¥99.00将全额退款，财务会在这里确认。")
    assert [r.amount_minor for r in await refunds(app_database, li_id)] == [9900]
    error_log.assert_clean()


async def test_the_web_chat_pays_for_a_seat_with_its_test_provider(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED)
    web, web_id = await make_client(dp, bot, session, error_log, app_database, 620_000_070, channel="web")
    await hold_a_seat(web)
    assert not [r for r in session.requests if isinstance(r, SendInvoice)]
    invoice = web.last_message()
    assert "<b>test payment</b>: no money is charged" in invoice.text and "To pay: CN¥99.00" in invoice.text
    await web.click("Fail (test)")
    assert web.view.messages[invoice.message_id].text.startswith("The test payment failed; nothing was charged.")
    assert (await signups(app_database))[web_id].state == "held"
    await web.send("/events")
    await web.click("💳 Pay")
    await web.click("Pay (test)")
    assert "is confirmed" in web.last_text()
    assert (await signups(app_database))[web_id].state == "confirmed"
    assert (await books(app_database, web_id)).amounts() == [("payment", 9900)]
    error_log.assert_clean()


async def test_a_members_seat_refund_leaves_the_membership_and_its_refund_alone(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, FORM.replace("deadline:", "prices: premium=99.00\ndeadline:"))
    fang, _fang_id = await make_finance(dp, bot, session, error_log, app_database, FINANCE)
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 620_000_080)
    await li.send("/membership")
    await li.click("Premium member, 1 month: CN¥199.00")
    await pay_last_invoice(li, session, charge="charge-membership")
    await hold_a_seat(li)
    await pay_last_invoice(li, session, charge="charge-seat-member")
    assert "is confirmed" in li.last_text()

    await li.send("/events")
    await li.click("Cancel my place")
    [refund] = await refunds(app_database, li_id)
    await deliver(app_database, fang)
    await fang.send("/refunds")
    await fang.click(f"Approve {refund.id.hex[:8]}")
    [decided] = await deliver(app_database, li)
    assert decided.text == "Your refund of CN¥99.00 was approved."
    after = await books(app_database, li_id)
    assert after.membership is not None and after.tier == "premium"  # the seat's refund ends no membership
    assert after.amounts() == [("payment", 19900), ("payment", 9900), ("refund", -9900)]

    # /refund is about the membership's payment, not the seat's.
    await li.send("/refund")
    assert li.last_text().startswith("Under our refund policy you would get back CN¥199.00 (in full).")
    error_log.assert_clean()


async def test_a_hold_running_out_in_chinese(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, PRICED)
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 620_000_090, locale="zh")
    wang, wang_id = await make_client(dp, bot, session, error_log, app_database, 620_000_091, locale="zh")
    await li.send("/events")
    await li.click("✍️ 报名")
    stale = last_invoice(session)
    await li.send("/events")
    assert "🎟 已为您保留一个名额至" in li.last_text() and li.last_buttons() == ["💳 付款", "取消报名"]
    await wang.send("/events")
    await wang.click("✍️ 报名")

    clock.advance(timedelta(minutes=31))
    await job_runner(dp, app_database, clock).run_due()
    [ended] = await deliver(app_database, li)
    assert ended.text.startswith("⌛ 为您保留的<b>品酒交友沙龙</b>")
    answer = await pre_checkout(li, stale.payload, currency="CNY", total=9900)
    assert not answer.ok and answer.error_message == "这张账单已失效。请重新打开 /events。"
    [freed] = await deliver(app_database, wang)
    assert freed.text.startswith("🎉 <b>品酒交友沙龙</b>") and "已为您保留至" in freed.text
    await wang.click("💳 付款")
    await pay_last_invoice(wang, session, charge="charge-zh-promoted")
    assert "您已成功报名<b>品酒交友沙龙</b>" in wang.last_text()
    rows = await signups(app_database)
    assert (rows[li_id].state, rows[wang_id].state) == ("cancelled", "confirmed")
    error_log.assert_clean()
