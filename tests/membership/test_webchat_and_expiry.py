"""The web chat's clearly labelled test provider (fail, then pay; a second press credits nothing), and a
membership over time: reminders 7 days and 1 day before, the expiry falling back to the free tier with a
message, and a renewal that moves the timers."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.methods import SendInvoice

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.matching.chat import deliver
from tests.membership.chat import books, job_runner, make_client, pay_last_invoice


async def test_the_web_chat_test_provider_fails_then_pays_once(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    web, web_id = await make_client(dp, bot, session, error_log, app_database, 5301, channel="web")
    await web.send("/membership")
    await web.click("Premium member, 1 month: CN¥199.00")
    assert not [r for r in session.requests if isinstance(r, SendInvoice)]
    invoice = web.last_message()
    assert "<b>test payment</b>: no money is charged" in invoice.text and "To pay: CN¥199.00" in invoice.text
    assert web.last_buttons() == ["Pay (test)", "Fail (test)"]
    await web.click("Fail (test)")
    assert web.view.messages[invoice.message_id].text.startswith("The test payment failed. Nothing was charged")
    assert (await books(app_database, web_id)).payments == 0

    await web.send("/membership")
    await web.click("Premium member, 1 month: CN¥199.00")
    second = web.last_message()
    assert second.inline is not None
    pay = second.inline.inline_keyboard[0][0].callback_data
    assert pay is not None
    await web.click("Pay (test)")
    assert "Payment received" in web.last_text()
    assert web.view.messages[second.message_id].inline is None  # the invoice's buttons are gone
    after = await books(app_database, web_id)
    assert after.tier == "premium" and after.amounts() == [("payment", 19900)]

    await web.press(pay)  # the same button again (a double click, a stale copy): nothing twice
    assert (await books(app_database, web_id)).amounts() == [("payment", 19900)]


async def test_the_test_provider_cannot_be_forged_in_telegram(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5302)
    await li.send("/membership")
    await li.click("Premium member, 1 month: CN¥199.00")
    order = next(r for r in session.requests if isinstance(r, SendInvoice)).payload.removeprefix("ms1:")
    await li.press(f"ms:pay:::{order}:")
    assert li.view.toasts[-1] == "That invoice is no longer valid. Send /membership for the current prices."
    assert (await books(app_database, li_id)).payments == 0


async def test_reminders_then_expiry_fall_back_to_the_free_tier(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5303)
    await li.send("/membership")
    await li.click("Premium member, 1 month: CN¥199.00")
    await pay_last_invoice(li, session, charge="charge-month")
    membership = (await books(app_database, li_id)).membership
    assert membership is not None
    runner = job_runner(dp, app_database, clock)
    assert (await runner.run_due()).ran == 0

    clock.set(membership.expires_at - timedelta(days=7))
    assert (await runner.run_due()).ran == 1
    (seven,) = await deliver(app_database, li)
    assert seven.text == "⏳ Your Premium member membership ends in 7 days, on Feb 5, 2026."
    assert [b.text for row in seven.keyboard for b in row] == ["💎 Renew my membership"]

    clock.set(membership.expires_at - timedelta(days=1))
    assert (await runner.run_due()).ran == 1
    (one,) = await deliver(app_database, li)
    assert one.text == "⏳ Your Premium member membership ends in 1 day, on Feb 5, 2026."

    await li.click("💎 Renew my membership")
    assert "Until: Feb 5, 2026" in li.last_text()

    clock.set(membership.expires_at)
    assert (await runner.run_due()).ran == 1
    (ended,) = await deliver(app_database, li)
    assert ended.text == (
        "Your Premium member membership has ended; you are back to Ordinary member. You can renew it at any time."
    )
    after = await books(app_database, li_id)
    assert after.membership is None and after.tier == "basic"
    assert (await runner.run_due()).ran == 0


async def test_a_renewal_moves_the_timers_and_old_ones_do_nothing(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    zhang, zhang_id = await make_client(dp, bot, session, error_log, app_database, 5304, locale="zh")
    await zhang.send("/membership")
    await zhang.click("高级会员，1个月：¥199.00")
    await pay_last_invoice(zhang, session, charge="charge-zh-1")
    first = (await books(app_database, zhang_id)).membership
    assert first is not None
    clock.advance(timedelta(days=20))
    await zhang.send("/membership")
    assert "有效期至" in zhang.last_text()
    await zhang.click("续费1个月：¥199.00")
    await pay_last_invoice(zhang, session, charge="charge-zh-2")
    assert "✅ <b>已收到付款</b>" in zhang.last_text()
    renewed = (await books(app_database, zhang_id)).membership
    assert renewed is not None and renewed.expires_at > first.expires_at
    assert renewed.started_at == first.started_at

    runner = job_runner(dp, app_database, clock)
    clock.set(first.expires_at + timedelta(minutes=1))
    await runner.run_due()  # the first period's reminder and expiry: nothing happens any more
    assert await deliver(app_database, zhang) == []
    assert (await books(app_database, zhang_id)).tier == "premium"
    clock.set(renewed.expires_at - timedelta(days=7))
    await runner.run_due()
    (reminder,) = await deliver(app_database, zhang)
    assert reminder.text.startswith("⏳ 您的高级会员将在7天后（")
