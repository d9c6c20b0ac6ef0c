"""Finance edits the fee schedule in the bot: prices with history (what was paid keeps its price), promo
codes; nobody else may."""

from __future__ import annotations

from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.membership.chat import books, make_client, make_finance, pay_last_invoice


async def test_finance_changes_a_price_and_adds_a_promo_code(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    fang, fang_id = await make_finance(dp, bot, session, error_log, app_database, 5401)
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5402)
    await li.send("/membership")
    await li.click("Premium member, 1 month: CN¥199.00")
    await pay_last_invoice(li, session, charge="charge-before-change")

    await fang.send("/fees")
    table = fang.last_text()
    assert "💰 <b>Fee schedule</b> (CNY)" in table
    assert "• Premium member, 1 month: CN¥199.00 (from the schedule file)" in table
    assert "• Private custom service, 6 months: CN¥9,999.00 (from the schedule file)" in table
    await fang.send("/setprice premium 1 259")
    assert fang.last_text().startswith("The price of Premium member, 1 month is now CN¥259.00 (it was CN¥199.00).")
    for wrong, answer in (
        ("/setprice gold 1 10", "There is no such offer."),
        ("/setprice premium 2 10", "There is no such offer."),
        ("/setprice premium 1 -5", "That is not an amount I can use"),
        ("/setprice premium 1 9.999", "That is not an amount I can use"),
        ("/setprice premium", "Please write it like this: /setprice premium 3 459.00"),
    ):
        await fang.send(wrong)
        assert fang.last_text().startswith(answer), wrong
    await fang.send("/fees")
    assert "• Premium member, 1 month: CN¥259.00 (set on Jan 5, 2026)" in fang.last_text()
    async with app_database.unit_of_work(read_only=True) as uow:
        (price,) = await uow.prices.history("premium", "1", "CNY")
        assert price.set_by == fang_id and price.amount_minor == 25900

    await fang.send("/promo vip-10 10% 30 5")
    assert fang.last_text() == "Promo code VIP-10 can be used from now on."
    await fang.send("/promo VIP-10 20%")
    assert fang.last_text() == "That promo code exists already."
    await fang.send("/promo LOTS 150%")
    assert fang.last_text().startswith("That is not an amount I can use")
    await fang.send("/promo")
    assert fang.last_text().startswith("Please write it like this: /promo SPRING26 20% 30 100")

    # What Li paid keeps its price; the next offer has the new one, with the promo code.
    assert (await books(app_database, li_id)).amounts() == [("payment", 19900)]
    await li.send("/membership")
    assert "Renew for 1 month: CN¥259.00" in li.last_buttons()
    await li.click("🎟 I have a promo code")
    await li.send("VIP-10")
    assert "Renew for 1 month: CN¥233.10" in li.last_buttons()


async def test_only_finance_edits_fees(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, _li_id = await make_client(dp, bot, session, error_log, app_database, 5403)
    for command in ("/fees", "/setprice premium 1 1", "/promo FREE 100%"):
        await li.send(command)
        assert "Fee schedule" not in li.last_text() and "now" not in li.last_text()
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.prices.history("premium", "1", "CNY") == []
        assert await uow.promo_codes.by_code("FREE") is None


async def test_a_delivered_engagement_is_no_longer_refundable(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    fang, _fang_id = await make_finance(dp, bot, session, error_log, app_database, 5404)
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5405)
    wang, wang_id = await make_client(dp, bot, session, error_log, app_database, 5406)
    await li.send("/membership")
    await li.click("Private custom service, 6 months: CN¥9,999.00")
    await pay_last_invoice(li, session, charge="charge-engagement")
    reference = li_id.hex[:8]

    await fang.send(f"/delivered {wang_id.hex[:8]}")
    assert fang.last_text() == f"{wang_id.hex[:8]} has no running engagement."
    await fang.send("/delivered zzzz")
    assert fang.last_text().startswith("No single client has the reference zzzz.")
    await fang.send(f"/delivered {reference}")
    assert fang.last_text() == f"Recorded: the engagement of {reference} was delivered; it is no longer refundable."
    await fang.send(f"/delivered {reference}")
    assert fang.last_text() == f"The engagement of {reference} was already recorded as delivered."

    await li.send("/refund")
    assert li.last_text() == "Under our refund policy nothing is due back on your last payment."
    await wang.send("/delivered 1234")
    assert "Recorded" not in wang.last_text()
