"""The membership in Chinese, end to end: the screen, a promo code, buying, the same payment twice, a stale
invoice, an upgrade, the test provider failing, the expiry and an approved refund."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Dispatcher

from bot.app import create_dispatcher
from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import paced
from tests.matching.chat import deliver
from tests.membership.chat import (
    books,
    job_runner,
    last_invoice,
    make_client,
    make_finance,
    pay_last_invoice,
    pre_checkout,
    successful_payment,
)


async def test_buying_with_a_promo_code_twice_credited_once_then_upgrading_in_chinese(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    async with app_database.unit_of_work() as uow:
        await uow.promo_codes.add("CHUNJIE", kind="percent", percent=10, starts_at=clock.now(), now=clock.now())
    zhang, zhang_id = await make_client(dp, bot, session, error_log, app_database, 5501, locale="zh")
    await zhang.send("/membership")
    screen = zhang.last_text()
    assert "会员等级：普通会员" in screen
    assert "• 每天3位新推荐对象" in screen
    assert "高级会员另外提供：" in screen and "• 红娘亲自为您挑选推荐对象" in screen
    assert zhang.last_buttons()[-1] == "🎟 我有优惠码"

    await zhang.click("🎟 我有优惠码")
    assert zhang.last_text() == "请输入您的优惠码。"
    await zhang.send("XIAOMAN")
    assert (
        zhang.last_text()
        == "没有找到这个优惠码。请检查后重新输入。\n请输入其他优惠码，或发送 /cancel 不使用优惠码继续。"
    )
    await zhang.send("ｃｈｕｎｊｉｅ")  # typed with full-width letters
    assert "以下价格已使用优惠码CHUNJIE。" in zhang.last_text()
    await zhang.click("高级会员，3个月：¥449.10")
    invoice = last_invoice(session)
    assert invoice.title == "高级会员" and [p.amount for p in invoice.prices] == [44910]
    assert "优惠码：-¥49.90" in invoice.description
    await pay_last_invoice(zhang, session, charge="zh-charge-1")
    receipt = zhang.last_text()
    assert "✅ <b>已收到付款</b>" in receipt and "已付：¥449.10" in receipt and "有效期至：2026年4月5日" in receipt

    # The same payment again, through another instance of the bot on the same database.
    other_instance = create_dispatcher(dp["settings"], database=app_database, clock=clock)
    again = paced(other_instance, bot, session, error_log, user_id=5501, language_code="zh")
    await successful_payment(again, invoice.payload, currency="CNY", total=44910, charge="zh-charge-1")
    assert again.last_text() == "这笔付款已计入您的会员，不会重复扣款。"
    assert (await books(app_database, zhang_id)).amounts() == [("payment", 44910), ("promo_discount", -4990)]

    # An invoice made stale by a price change is declined with the reason in Chinese.
    clock.advance(timedelta(days=45))
    await zhang.send("/membership")
    upgrade = next(label for label in zhang.last_buttons() if label.startswith("⬆️ 升级为私人定制"))
    await zhang.click(upgrade)
    stale = last_invoice(session)
    async with app_database.unit_of_work() as uow:
        await uow.prices.set("private", "engagement", "CNY", 1_199_900, valid_from=clock.now(), by=None)
    answer = await pre_checkout(zhang, stale.payload, currency="CNY", total=stale.prices[0].amount)
    assert not answer.ok and answer.error_message == "开出账单后价格已有变动。请重新打开 /membership。"

    await zhang.send("/membership")
    upgrade = next(label for label in zhang.last_buttons() if label.startswith("⬆️ 升级为私人定制"))
    # 44 whole days of 90 unused: 449.10 * 44 / 90 = 219.56 credited against 11,999.00.
    assert upgrade == "⬆️ 升级为私人定制，6个月：¥11,779.44"
    await zhang.click(upgrade)
    assert "未使用天数抵扣：-¥219.56" in last_invoice(session).description
    await pay_last_invoice(zhang, session, charge="zh-charge-2")
    after = await books(app_database, zhang_id)
    assert after.tier == "private"
    assert after.amounts()[-2:] == [("payment", 1_177_944), ("upgrade_credit", -21_956)]


async def test_test_payment_failing_expiry_and_an_approved_refund_in_chinese(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    web, web_id = await make_client(dp, bot, session, error_log, app_database, 5502, locale="zh", channel="web")
    await web.send("/membership")
    await web.click("高级会员，1个月：¥199.00")
    assert "这是网页聊天的<b>测试付款</b>：不会扣款。" in web.last_text()
    assert web.last_buttons() == ["付款（测试）", "付款失败（测试）"]
    await web.click("付款失败（测试）")
    assert web.last_text() == "测试付款失败，没有扣款。您可以在 /membership 中重试。"
    await web.send("/membership")
    await web.click("高级会员，1个月：¥199.00")
    await web.click("付款（测试）")
    assert "有效期至：2026年2月5日" in web.last_text()

    membership = (await books(app_database, web_id)).membership
    assert membership is not None
    runner = job_runner(dp, app_database, clock)
    clock.set(membership.expires_at - timedelta(days=1))
    await runner.run_due()
    (reminder,) = await deliver(app_database, web)
    assert reminder.text == "⏳ 您的高级会员将在1天后（2026年2月5日）到期。"
    clock.set(membership.expires_at)
    await runner.run_due()
    (ended,) = await deliver(app_database, web)
    assert ended.text == "您的高级会员已到期，现为普通会员。您可以随时续费。"

    # A fresh month, then a refund within the week: approved in full.
    fang, _fang_id = await make_finance(dp, bot, session, error_log, app_database, 5590, locale="zh")
    await web.send("/membership")
    await web.click("高级会员，1个月：¥199.00")
    await web.click("付款（测试）")
    clock.advance(timedelta(days=3))
    await web.send("/refund")
    assert web.last_text().startswith("根据我们的退款政策，您可以退回¥199.00（全额）。")
    await web.send("不需要了")
    assert web.last_text() == "谢谢。您的申请已转交财务，我们会在这里答复您。"
    (request,) = await deliver(app_database, fang)
    assert "💸 <b>退款申请</b>" in request.text and "应退：¥199.00（全额）" in request.text
    await fang.click("批准")
    assert fang.last_text().startswith("已批准并记录；请在支付服务商后台办理退款。")
    (told,) = await deliver(app_database, web)
    assert told.text == "您的¥199.00退款已获批准，您的会员已终止。"
    after = await books(app_database, web_id)
    assert after.tier == "basic" and after.amounts()[-1] == ("refund", -19900)
