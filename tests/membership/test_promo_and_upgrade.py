"""Promo codes in the chat (typed wrong, expired, used up, then right) and an upgrade that credits the unused
days; the ledger records the payment, the discount and the credit."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.membership.chat import books, last_invoice, make_client, pay_last_invoice, pre_checkout


async def _promo(database: Database, clock: FakeClock, code: str, **values: object) -> None:
    async with database.unit_of_work() as uow:
        await uow.promo_codes.add(
            code,
            kind=str(values.pop("kind", "percent")),
            starts_at=clock.now() - timedelta(days=1),
            now=clock.now(),
            **values,  # type: ignore[arg-type]
        )


async def test_a_promo_code_step_with_every_kind_of_wrong_code(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    await _promo(app_database, clock, "SPRING26", percent=20, max_uses=10)
    await _promo(app_database, clock, "WINTER25", percent=50, ends_at=clock.now() - timedelta(hours=1))
    await _promo(app_database, clock, "ONCE", kind="fixed", amount_minor=5000, currency="CNY", max_uses=1)
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5101)
    wang, _wang_id = await make_client(dp, bot, session, error_log, app_database, 5102)

    # Wang uses up ONCE.
    await wang.send("/membership")
    await wang.click("🎟 I have a promo code")
    await wang.send("once")
    assert "Promo code ONCE is applied" in wang.last_text()
    await wang.click("Premium member, 1 month: CN¥149.00")
    await pay_last_invoice(wang, session, charge="charge-once")

    await li.send("/membership")
    await li.click("🎟 I have a promo code")
    assert li.last_text() == "Please type your promo code."
    await li.send("/help")  # a command in the middle of the question still works
    assert li.last_text().startswith("Here is what I can do:")
    await li.send_sticker()
    assert li.last_text().startswith("Please type your promo code.")
    await li.send("no")
    assert li.last_text().startswith("That does not look like a promo code")
    await li.send("SUMMER99")
    assert li.last_text().startswith("I don't know that promo code.")
    await li.send("winter25")
    assert li.last_text().startswith("That promo code has expired.")
    await li.send("ONCE")
    assert li.last_text().startswith("That promo code has been used up.")
    assert li.last_text().endswith("Type another code, or send /cancel to go on without one.")
    await li.send(" spring26 ")
    assert "Promo code SPRING26 is applied to the prices below." in li.last_text()
    assert "Premium member, 1 month: CN¥159.20" in li.last_buttons()
    await li.click("Premium member, 1 month: CN¥159.20")
    invoice = last_invoice(session)
    assert [p.amount for p in invoice.prices] == [15920]
    assert "Promo code: -CN¥39.80" in invoice.description
    await pay_last_invoice(li, session, charge="charge-spring")
    assert "Paid: CN¥159.20" in li.last_text()
    after = await books(app_database, li_id)
    assert after.amounts() == [("payment", 15920), ("promo_discount", -3980)]
    async with app_database.unit_of_work(read_only=True) as uow:
        promo = await uow.promo_codes.by_code("SPRING26")
        assert promo is not None and await uow.promo_codes.uses(promo.id, li_id) == (1, 1)

    # A second use by the same client: the code is refused.
    await li.send("/membership")
    await li.click("🎟 I have a promo code")
    await li.send("SPRING26")
    assert li.last_text().startswith("You have already used that promo code.")


async def test_a_promo_code_that_expires_between_invoice_and_charge_is_declined(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    await _promo(app_database, clock, "FLASH", percent=10, ends_at=clock.now() + timedelta(minutes=2))
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5103)
    await li.send("/membership")
    await li.click("🎟 I have a promo code")
    await li.send("FLASH")
    await li.click("Premium member, 1 month: CN¥179.10")
    invoice = last_invoice(session)
    clock.advance(timedelta(minutes=5))
    answer = await pre_checkout(li, invoice.payload, currency="CNY", total=17910)
    assert not answer.ok
    assert answer.error_message == "The promo code can no longer be used. Please open /membership again."
    assert (await books(app_database, li_id)).payments == 0


async def test_an_upgrade_credits_the_unused_days(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5104)
    await li.send("/membership")
    await li.click("Premium member, 3 months: CN¥499.00")
    await pay_last_invoice(li, session, charge="charge-quarter")
    before = await books(app_database, li_id)
    assert before.membership is not None
    period_days = (before.membership.expires_at - before.membership.started_at).days
    assert period_days == 90  # 5 Jan to 5 Apr 2026
    clock.advance(timedelta(days=30))
    await li.send("/membership")
    # 59 whole days of 90 unused at the moment of pressing: 499.00 * 59 / 90 = 327.12 credited.
    upgrade = "⬆️ Private custom service, 6 months: CN¥9,671.88"
    assert upgrade in li.last_buttons()
    await li.click(upgrade)
    invoice = last_invoice(session)
    assert [p.amount for p in invoice.prices] == [967188]
    assert "Unused days credited: -CN¥327.12" in invoice.description
    await pay_last_invoice(li, session, charge="charge-private")
    after = await books(app_database, li_id)
    assert after.membership is not None and after.membership.tier == "private" and after.tier == "private"
    assert after.amounts() == [("payment", 49900), ("payment", 967188), ("upgrade_credit", -32712)]
    payment = sum(amount for kind, amount in after.amounts() if kind == "payment")
    assert payment == 49900 + 999900 - 32712
    await li.send("/membership")
    assert "Tier: Private custom service" in li.last_text()
    assert not any("Premium" in label for label in li.last_buttons())  # no downgrade while private runs


async def test_an_upgrade_after_a_renewal_credits_both_periods(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, _li_id = await make_client(dp, bot, session, error_log, app_database, 5105)
    await li.send("/membership")
    await li.click("Premium member, 1 month: CN¥199.00")
    await pay_last_invoice(li, session, charge="charge-jan")
    await li.send("/membership")
    await li.click("Renew for 1 month: CN¥199.00")
    await pay_last_invoice(li, session, charge="charge-feb")
    clock.advance(timedelta(days=10))
    await li.send("/membership")
    # January's period (31 days) has 20 whole days left: 199.00 * 20 / 31 = 128.38; February's (28 days) is
    # all unused: 199.00. Credited: 327.38.
    assert "⬆️ Private custom service, 6 months: CN¥9,671.62" in li.last_buttons()
