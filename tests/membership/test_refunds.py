"""Refunds with Telegram Stars: the client asks with a reason, finance approves (refundStarPayment, a ledger
entry, the membership ends) or declines; asked twice; after the full-refund window only the unused days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import RefundStarPayment

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import paced
from tests.matching.chat import deliver
from tests.membership.chat import books, last_invoice, make_client, make_finance, pay_last_invoice
from tests.quality.conftest import cases
from tests.staff.conftest import add_member

REASON = "I met someone at my cousin's wedding"


@pytest.fixture
def currency() -> str:
    return "XTR"


async def test_stars_invoice_and_an_approved_refund(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5201)
    fang, fang_id = await make_finance(dp, bot, session, error_log, app_database, 5290)
    await li.send("/membership")
    await li.click("Premium member, 1 month: 1,500 ⭐")
    invoice = last_invoice(session)
    assert invoice.currency == "XTR" and [p.amount for p in invoice.prices] == [1500]
    assert not invoice.provider_token
    await pay_last_invoice(li, session, charge="stars-charge-1")
    assert "Paid: 1,500 ⭐" in li.last_text()

    clock.advance(timedelta(days=2))
    await li.send("/refund")
    assert li.last_text().startswith("Under our refund policy you would get back 1,500 ⭐ (in full).")
    await li.send_sticker()
    assert li.last_text() == "Please write the reason as a text message, or send /cancel."
    await li.send(REASON)
    assert li.last_text() == "Thank you. Your request is with our finance team; you will hear from us here."
    await li.send("/refund")
    assert li.last_text() == "You have already asked for this refund; our finance team will answer soon."

    (request,) = await deliver(app_database, fang)
    assert "Refund request" in request.text and "To refund: 1,500 ⭐ (in full)" in request.text
    assert REASON not in request.text  # the reason is shown on /refunds, where the reading is audited
    await fang.send("/refunds")
    assert REASON in fang.last_text()
    request_id = next(m for m, shown in fang.view.messages.items() if "Refund request" in shown.text)
    await fang.click("Approve", message_id=request_id)
    refund_calls = [r for r in session.requests if isinstance(r, RefundStarPayment)]
    assert len(refund_calls) == 1
    assert (refund_calls[0].user_id, refund_calls[0].telegram_payment_charge_id) == (5201, "stars-charge-1")
    assert fang.view.messages[request_id].text.startswith("Approved; the stars are being returned")

    (told,) = await deliver(app_database, li)
    assert told.text == "Your refund of 1,500 ⭐ was approved. Your membership has ended."
    after = await books(app_database, li_id)
    assert after.membership is None and after.tier == "basic"
    assert after.amounts() == [("payment", 1500), ("refund", -1500)]
    # The finance books (docs/finance.md): the refund's category and source, and who approved it.
    assert [(e.category, e.source, e.made_by) for e in after.ledger] == [
        ("income", "payment", None),
        ("refunds", "refund", fang_id),
    ]

    # The list's button, pressed late: decided already, nothing twice.
    (late,) = [label for label in fang.last_buttons() if label.startswith("Decline ")]
    await fang.click(late)
    assert fang.view.toasts[-1] == "This request was already decided."
    assert len([r for r in session.requests if isinstance(r, RefundStarPayment)]) == 1
    await fang.send("/refunds")
    assert fang.last_text() == "No refund requests are waiting."
    await li.send("/refund")
    assert li.last_text() == "Your last payment has already been refunded."


async def test_a_declined_refund_in_chinese_and_pro_rata_after_the_window(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    zhang, zhang_id = await make_client(dp, bot, session, error_log, app_database, 5202, locale="zh")
    fang, _fang_id = await make_finance(dp, bot, session, error_log, app_database, 5291, locale="zh")
    await zhang.send("/membership")
    label = next(b for b in zhang.last_buttons() if b.startswith("高级会员") and "1" in b and "⭐" in b)
    await zhang.click(label)
    await pay_last_invoice(zhang, session, charge="stars-charge-2")
    clock.advance(timedelta(days=10, hours=1))
    await zhang.send("/refund")
    # 31 days paid (5 Jan to 5 Feb), a little over 10 used: 20 whole unused days of 1,500 stars = 967 stars.
    assert "967 ⭐" in zhang.last_text()
    await zhang.send("工作太忙了")
    (request,) = await deliver(app_database, fang)
    assert "967 ⭐" in request.text
    await fang.click("拒绝")
    assert not [r for r in session.requests if isinstance(r, RefundStarPayment)]
    (told,) = await deliver(app_database, zhang)
    assert "退款申请未获批准" in told.text
    after = await books(app_database, zhang_id)
    assert after.membership is not None and after.tier == "premium"
    assert after.amounts() == [("payment", 1500)]


async def test_nothing_to_refund(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, _id = await make_client(dp, bot, session, error_log, app_database, 5203)
    await li.send("/refund")
    assert li.last_text() == "You have no payment to refund."


async def test_only_finance_decides_refunds(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, _id = await make_client(dp, bot, session, error_log, app_database, 5204)
    await li.send("/refunds")
    assert "refund" not in li.last_text().lower() or "staff" in li.last_text().lower()
    await li.press("rf:approve:" + "0" * 32)
    assert li.view.toasts


async def test_refunding_a_renewal_keeps_the_running_period(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5205)
    fang, _fang_id = await make_finance(dp, bot, session, error_log, app_database, 5292)
    await li.send("/membership")
    await li.click("Premium member, 1 month: 1,500 ⭐")
    await pay_last_invoice(li, session, charge="stars-jan")
    first = (await books(app_database, li_id)).membership
    assert first is not None
    await li.send("/membership")
    await li.click("Renew for 1 month: 1,500 ⭐")
    await pay_last_invoice(li, session, charge="stars-feb")
    await li.send("/refund")
    await li.send("I renewed by mistake")
    await deliver(app_database, fang)
    await fang.click("Approve")
    (told,) = await deliver(app_database, li)
    assert told.text == "Your refund of 1,500 ⭐ was approved."
    after = await books(app_database, li_id)
    assert after.membership is not None and after.membership.expires_at == first.expires_at
    assert after.tier == "premium"
    assert after.amounts() == [("payment", 1500), ("payment", 1500), ("refund", -1500)]


async def test_an_upheld_complaint_about_money_asks_finance_for_the_refund(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5211)
    fang, _fang_id = await make_finance(dp, bot, session, error_log, app_database, 5291)
    await add_member(app_database, clock, 5292, "customer_service", name="Lily")
    lily = paced(dp, bot, session, error_log, user_id=5292)
    await li.send("/membership")
    await li.click("Premium member, 1 month: 1,500 ⭐")
    await pay_last_invoice(li, session, charge="stars-charge-3")
    clock.advance(timedelta(days=1))

    await li.send("/complain")
    await li.click("💴 Fees and payments")
    await li.send("I was charged but nobody has contacted me")
    (case,) = await cases(app_database)
    reference = f"#{case.id.hex[:8]}"
    await deliver(app_database, lily)
    await lily.send("/complaints")
    await lily.click(reference)
    await lily.click("✋ Take it")
    await lily.click("✅ Resolve: upheld")
    assert lily.view.toasts[-1] == (
        "Resolved. The client was asked whether they are satisfied, and finance was asked to decide on the refund "
        "the policy gives (/refunds)."
    )
    (request,) = await deliver(app_database, fang)
    assert "Refund request" in request.text and "To refund: 1,500 ⭐ (in full)" in request.text
    await fang.send("/refunds")
    assert f"{reference}: I was charged but nobody has contacted me" in fang.last_text()
    assert (await books(app_database, li_id)).amounts() == [("payment", 1500)]  # finance has not decided yet
