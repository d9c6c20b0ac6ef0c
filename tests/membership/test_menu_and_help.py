"""Membership is where clients look for it: a button in the client's menu, and /membership, /refund and
/ranking in the client's /help (in English and Chinese)."""

from __future__ import annotations

from aiogram import Bot, Dispatcher

from domain.consent import NOTICE_VERSION
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.membership.chat import make_client


async def _consented(database: Database, session: RecordingSession, client_id: object) -> None:
    async with database.unit_of_work() as uow:
        await uow.consents.record(client_id, NOTICE_VERSION, now=session.clock.now())  # type: ignore[arg-type]


async def test_the_menu_opens_the_membership_screen(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, li_id = await make_client(dp, bot, session, error_log, app_database, 5101)
    await _consented(app_database, session, li_id)

    await li.send("/start")
    assert li.last_text().endswith("What would you like to do?")
    assert "💎 Membership" in li.last_buttons()
    await li.click("💎 Membership")

    text = li.last_text()
    assert "💎 <b>Your membership</b>" in text
    assert "Tier: Ordinary member" in text
    assert "🎟 I have a promo code" in li.last_buttons()


async def test_the_chinese_menu_has_the_membership_button(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    wang, wang_id = await make_client(dp, bot, session, error_log, app_database, 5102, locale="zh")
    await _consented(app_database, session, wang_id)

    await wang.send("/start")
    assert "💎 会员服务" in wang.last_buttons()
    await wang.click("💎 会员服务")
    assert "💎 <b>您的会员</b>" in wang.last_text()


async def test_client_help_lists_membership_refund_and_ranking(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li, _li_id = await make_client(dp, bot, session, error_log, app_database, 5103)
    await li.send("/help")
    lines = li.last_text().splitlines()
    assert "/membership: your membership tier, what it includes, buy, renew or upgrade" in lines
    assert "/refund: ask for a refund of your membership" in lines
    assert "/ranking: how your suggestions are ranked; switch learning from your answers off or on" in lines
    assert lines[-1] == "/help: this list"

    wang, _wang_id = await make_client(dp, bot, session, error_log, app_database, 5104, locale="zh")
    await wang.send("/help")
    text = wang.last_text()
    assert "/membership：您的会员等级、所含服务，购买、续费或升级" in text
    assert "/refund：申请会员费退款" in text
    assert "/ranking：推荐对象的排序方式；关闭或开启根据您的回答学习" in text
