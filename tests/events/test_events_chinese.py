"""Offline events in Chinese: the organiser's form and its problems, a client's list, sign-up, the waitlist and a
late cancellation, all in the zh catalog's words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.events.chat import FORM, job_runner, make_client, make_organiser, publish, signups
from tests.matching.chat import deliver

STARTS = datetime(2026, 1, 20, 11, 0, tzinfo=UTC)


async def test_the_organiser_in_chinese(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, 620_000_001, locale="zh")
    await organiser.send("/newevent")
    assert organiser.texts()[-1].startswith("🎉 <b>新建活动</b>\n请复制下面的表格")
    await organiser.send(FORM.replace("25-35", "35-25"))
    assert organiser.last_text().startswith(
        "表格有1处问题：\n• <code>ages</code>：不是 <code>25-35</code> 这样的年龄范围"
    )
    await organiser.send(FORM)
    assert organiser.last_text().startswith("✅ 活动已发布：<b>品酒交友沙龙</b>")
    await organiser.send("/events")
    assert "男士：0/1、女士：0/1" in organiser.last_text()
    error_log.assert_clean()


async def test_a_client_in_chinese_signs_up_waits_and_cancels_late(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, 620_000_001)
    await publish(organiser)
    first, _first_id = await make_client(dp, bot, session, error_log, app_database, 620_000_010, locale="zh")
    second, second_id = await make_client(dp, bot, session, error_log, app_database, 620_000_011, locale="zh")
    await first.send("/events")
    assert first.texts()[-2] == "🎉 <b>线下活动</b>"
    assert "<b>品酒交友沙龙</b>" in first.last_text() and "豫园湖心亭茶楼" in first.last_text()
    assert "您免费参加" in first.last_text() and first.last_buttons() == ["✍️ 报名"]
    await first.click("✍️ 报名")
    assert first.last_text().startswith("✅ 您已报名<b>品酒交友沙龙</b>")
    await second.send("/events")
    await second.click("✍️ 报名")
    assert "您已进入候补名单（前面还有0人）" in second.last_text()
    await organiser.send("/events")
    assert "Men: 1/1 (1 person waiting), Women: 0/1" in organiser.last_text()
    clock.advance(timedelta(days=14, hours=20))  # 2026-01-20 05:00 UTC, six hours before the start
    await first.send("/events")
    await first.click("取消报名")
    assert first.last_text() == "您已取消<b>品酒交友沙龙</b>的报名。由于距活动开始不足一天，此次记为临时取消。"
    [notice] = await deliver(app_database, second)
    assert notice.text.startswith("🎉 有名额空出来了：您已成功报名<b>品酒交友沙龙</b>")
    assert (await signups(app_database))[second_id].state == "confirmed"
    error_log.assert_clean()


async def test_reminder_door_and_picks_in_chinese(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, 620_000_001, locale="zh")
    await publish(organiser)
    adam, _adam_id = await make_client(dp, bot, session, error_log, app_database, 620_000_020, locale="zh", name="Adam")
    cora, _cora_id = await make_client(
        dp, bot, session, error_log, app_database, 620_000_021, locale="zh", gender="female", name="Cora"
    )
    for person in (adam, cora):
        await person.send("/events")
        await person.click("✍️ 报名")
    runner = job_runner(dp, app_database, clock)
    clock.set(STARTS - timedelta(hours=24))
    await runner.run_due()
    codes = {}
    for person in (adam, cora):
        [reminder] = await deliver(app_database, person)
        assert reminder.text.startswith("⏰ 提醒：<b>品酒交友沙龙</b>，")
        assert "您的签到码：<code>" in reminder.text
        found = re.search(r"<code>([A-Z0-9]{8})</code>", reminder.text)
        assert found is not None
        codes[person.user.id] = found.group(1)
    await adam.click("🎟 签到二维码")
    assert adam.view.messages[max(adam.view.messages)].photo is not None
    clock.set(STARTS - timedelta(minutes=30))
    await organiser.send(f"/checkin {codes[adam.user.id]}")
    assert organiser.last_text() == "✅ 已签到（男士）：<b>品酒交友沙龙</b>，已到1人，共2人。"
    await organiser.send(f"/checkin {codes[adam.user.id]}")
    assert organiser.last_text() == "此签到码已于18:30用过。"
    await organiser.send(f"/checkin {codes[cora.user.id]}")
    clock.set(STARTS + timedelta(hours=4))
    await runner.run_due()
    [picks, rating] = await deliver(app_database, cora)
    assert picks.text.startswith("🙏 感谢您参加<b>品酒交友沙龙</b>！\n您还想再见到谁？")
    assert rating.text == "您觉得<b>品酒交友沙龙</b>怎么样？"
    await cora.click("Adam", message_id=max(cora.view.messages) - 1)
    assert cora.view.toasts[-1] == "已记下：您想再见到Adam。"
    await cora.click("⭐⭐⭐⭐")
    assert cora.view.toasts[-1] == "感谢您的反馈！"
    error_log.assert_clean()
