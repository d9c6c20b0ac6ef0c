"""Dates over time, with the fake clock: reminders at the right instants for two people in different time
zones, "running late", rescheduling and cancelling (reminders re-armed or cancelled), every feedback branch,
the one nudge, and a demo client who accepts and leaves feedback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from domain.dates import FEEDBACK, NUDGE, REMINDER
from domain.demo import demo_people
from storage.database import Database
from storage.demo_pool import seed_demo
from storage.repositories.dates import DateRecord
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.dates.chat import (
    calendar_files,
    connect,
    connected_pair,
    counselor_alerts,
    job_states,
    only_date,
    pick,
    runner_for,
)
from tests.journey_walk import PacedClient, paced, register
from tests.matching.chat import account_of, deliver

STARTS = datetime(2026, 1, 7, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai, 12:30 in Berlin
MUSEUM_EN = "Shanghai Museum, People's Square"


async def _confirmed_date(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, database: Database
) -> tuple[PacedClient, PacedClient, UUID, UUID, UUID]:
    """Li (Shanghai) and Wang, whose region is unknown, so she has the agency's zone (Berlin): Li proposes
    Wednesday 19:30 his time, Wang accepts. Returns (li, wang, li's account, wang's account, the date)."""
    li, wang, li_id, wang_id, _intro = await connected_pair(dp, bot, session, error_log, database)
    async with database.unit_of_work() as uow:
        await uow.profiles.update(wang_id, now=session.clock.now(), region_code=None)
    await li.send("/dates")
    await li.click("📅 Propose a date")
    await pick(li, ("7", "19:30"))
    await li.click("Next: the venue ➡️")
    await li.click(MUSEUM_EN)
    (proposal,) = await deliver(database, wang)
    assert "1. 1月7日 周三 12:30（Europe/Berlin）" in proposal.text  # Wang's own time zone
    await wang.click("✅ 选择：1月7日 周三 12:30（Europe/Berlin）")
    (event,) = calendar_files(session, wang.user.id)[0].walk("VEVENT")
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Berlin"
    assert event.decoded("dtstart").hour == 12
    await deliver(database, li)
    record = await only_date(database, li_id)
    assert record.starts_at == STARTS
    return li, wang, li_id, wang_id, record.id


async def test_reminders_at_the_right_instants_in_each_ones_time_zone(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, _li_id, _wang_id, date_id = await _confirmed_date(dp, bot, session, error_log, app_database)
    ref = date_id.hex
    assert await job_states(app_database, date_id) == {
        (REMINDER, f"{ref}:24h"): "pending",
        (REMINDER, f"{ref}:2h"): "pending",
        (FEEDBACK, ref): "pending",
    }
    runner = runner_for(dp, app_database, clock)

    clock.set(STARTS - timedelta(hours=24, seconds=1))
    assert (await runner.run_due()).ran == 0
    clock.set(STARTS - timedelta(hours=24))
    assert (await runner.run_due()).ran == 1
    (li_reminder,) = await deliver(app_database, li)
    (wang_reminder,) = await deliver(app_database, wang)
    assert li_reminder.text == (
        "⏰ <b>Reminder:</b> your date with 王芳\n🕒 Wed 7 Jan, 19:30 (Asia/Shanghai)\n"
        f"📍 {MUSEUM_EN}\n\nRunning late? Press the button and I will tell 王芳."
    )
    assert wang_reminder.text.startswith("⏰ <b>提醒：</b>您和Li的约会\n🕒 时间：1月7日 周三 12:30（Europe/Berlin）")
    assert [b.text for row in wang_reminder.keyboard for b in row] == ["🏃 我会晚到", "📅 日历文件"]
    await li.click("🏃 I'm running late")  # a day early: not yet
    assert li.view.toasts[-1] == "This only works in the hours around the date."

    clock.set(STARTS - timedelta(hours=2, seconds=1))
    assert (await runner.run_due()).ran == 0
    clock.set(STARTS - timedelta(hours=2))
    assert (await runner.run_due()).ran == 1
    assert len(await deliver(app_database, li)) == 1
    assert len(await deliver(app_database, wang)) == 1
    await li.click("🏃 I'm running late")
    assert li.view.toasts[-1] == "I have told 王芳."
    (late,) = await deliver(app_database, wang)
    assert late.text == "🏃 Li会晚到一会儿，马上就到。"
    await wang.click("📅 日历文件")
    assert len(calendar_files(session, wang.user.id)) == 2

    clock.set(STARTS + timedelta(hours=3) - timedelta(seconds=1))
    assert (await runner.run_due()).ran == 0
    clock.set(STARTS + timedelta(hours=3))
    assert (await runner.run_due()).ran == 1  # the feedback question
    assert (await deliver(app_database, li))[0].text.startswith("💬 How was your date with 王芳?")


async def test_reschedule_after_a_reminder_rearms_the_reminders(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, _wang_id, date_id = await _confirmed_date(dp, bot, session, error_log, app_database)
    runner = runner_for(dp, app_database, clock)
    clock.set(STARTS - timedelta(hours=24))
    assert (await runner.run_due()).ran == 1
    await deliver(app_database, wang)

    await li.send("/dates")
    await li.click("🔁 Reschedule")
    assert li.last_text().startswith("Why do you need to move the date? I will pass your words on to 王芳.")
    await li.send("A work trip came up")
    assert li.last_text().startswith("📅 Pick a day for your date with 王芳.")
    await pick(li, ("9", "19:30"))
    await li.click("Next: the venue ➡️")
    assert li.last_buttons()[0] == f"Keep: {MUSEUM_EN}"
    await li.click(f"Keep: {MUSEUM_EN}")
    assert li.texts()[-2] == (
        "A reminder for the old time has already gone out; I am telling 王芳 that it no longer stands."
    )
    assert li.last_text().startswith("✉️ Sent to 王芳:\n1. Fri 9 Jan, 19:30 (Asia/Shanghai)")
    ref = date_id.hex
    assert await job_states(app_database, date_id) == {
        (REMINDER, f"{ref}:24h"): "done",
        (REMINDER, f"{ref}:2h"): "cancelled",
        (FEEDBACK, ref): "cancelled",
    }
    (moved,) = await deliver(app_database, wang)
    assert moved.text.startswith(
        "🔁 Li需要调整原定于1月7日 周三 12:30（Europe/Berlin）的约会。\n"
        "原因：A work trip came up\n\n📅 <b>Li想和您见面。</b>"
    )
    await wang.click("✅ 选择：1月9日 周五 12:30（Europe/Berlin）")
    new_start = datetime(2026, 1, 9, 11, 30, tzinfo=UTC)
    record = await only_date(app_database, li_id)
    assert (record.state, record.starts_at, record.round, record.reminded_at) == ("confirmed", new_start, 2, None)
    assert await job_states(app_database, date_id) == {
        (REMINDER, f"{ref}:24h"): "pending",
        (REMINDER, f"{ref}:2h"): "pending",
        (FEEDBACK, ref): "pending",
    }
    (event,) = calendar_files(session, wang.user.id)[-1].walk("VEVENT")
    assert int(event["sequence"]) == 2 and event.decoded("dtstart") == new_start
    # Nothing fires at the old times; the new 24 h reminder comes on time.
    clock.set(STARTS - timedelta(hours=2))
    assert (await runner.run_due()).ran == 0
    clock.set(new_start - timedelta(hours=24))
    assert (await runner.run_due()).ran == 1
    *earlier, reminder = await deliver(app_database, li)
    assert [m.text.split("\n")[0] for m in earlier] == [
        "⏰ <b>Reminder:</b> your date with 王芳",  # the old time's, before the reschedule
        "🎉 <b>Your date with 王芳 is confirmed.</b>",
    ]
    assert "Fri 9 Jan, 19:30 (Asia/Shanghai)" in reminder.text


async def test_cancellations_late_and_in_good_time(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, wang_id, date_id = await _confirmed_date(dp, bot, session, error_log, app_database)
    # Two days ahead: not late; the reason reaches Li.
    await wang.send("/dates")
    await wang.click("✖️ 取消")
    assert wang.last_text().startswith("为什么需要取消？我会把您的话转告Li。")
    await wang.send("x" * 501)
    assert "501" in wang.last_text() and "500" in wang.last_text()  # too long: asked again
    await wang.send("家里有急事")
    assert wang.last_text() == "您和Li的约会已取消，我已通知对方。"
    (notice,) = await deliver(app_database, li)
    assert notice.text == "😔 王芳 cancelled your date of Wed 7 Jan, 19:30 (Asia/Shanghai).\nReason: 家里有急事"
    assert set((await job_states(app_database, date_id)).values()) == {"cancelled"}
    record = await only_date(app_database, li_id)
    assert (record.state, record.cancelled_by, record.reason, record.late_cancellation) == (
        "cancelled",
        wang_id,
        "家里有急事",
        False,
    )
    assert await counselor_alerts(app_database) == []
    await li.click("📅 Calendar file", message_id=None)  # the old confirmation's button is stale now
    assert li.view.toasts[-1] == "This date has changed or is no longer on. See /dates."

    # A second date, cancelled by Li ten hours before it: late, recorded for the counselor.
    await li.send("/dates")
    await li.click("📅 Propose a date")
    await pick(li, ("8", "19:30"))
    await li.click("Next: the venue ➡️")
    await li.click(MUSEUM_EN)
    await deliver(app_database, wang)
    await wang.click("✅ 选择：1月8日 周四 12:30（Europe/Berlin）")
    clock.set(datetime(2026, 1, 8, 1, 30, tzinfo=UTC))
    await li.send("/dates")
    await li.click("✖️ Cancel")
    await li.click("Skip")
    assert li.last_text() == (
        "Your date with 王芳 is cancelled, and I have told them.\n"
        "As it is so close to the date, your counselor has been told as well."
    )
    (alert,) = await counselor_alerts(app_database)
    assert alert.text.startswith("⚠️ Late cancellation: client <code>")
    assert "starting 2026-01-08 11:30 (UTC)" in alert.text
    (second,) = [r for r in await _dates(app_database, li_id) if r.id != date_id]
    assert second.late_cancellation and second.reason is None
    (told,) = [m for m in await deliver(app_database, wang) if "取消" in m.text]
    assert told.text == "😔 Li取消了原定于1月8日 周四 12:30（Europe/Berlin）的约会。"


async def _dates(database: Database, account_id: UUID) -> list[DateRecord]:
    async with database.unit_of_work(read_only=True) as uow:
        return await uow.dates.list_for(account_id)


async def _after_the_date(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    database: Database,
    clock: FakeClock,
) -> tuple[PacedClient, PacedClient, UUID, UUID, UUID]:
    li, wang, li_id, wang_id, date_id = await _confirmed_date(dp, bot, session, error_log, database)
    runner = runner_for(dp, database, clock)
    clock.set(STARTS + timedelta(hours=3))
    await runner.run_due()
    for client in (li, wang):
        messages = await deliver(database, client)
        assert messages[-1].text.startswith(("💬 How was your date with 王芳?", "💬 您和Li的约会怎么样？"))
    return li, wang, li_id, wang_id, date_id


async def test_feedback_both_want_to_meet_again(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, wang_id, date_id = await _after_the_date(dp, bot, session, error_log, app_database, clock)
    assert li.last_buttons() == ["⭐", "2⭐", "3⭐", "4⭐", "5⭐", "😶 They didn't come"]
    stars = li.last_message().inline
    assert stars is not None
    await li.click("5⭐")
    assert li.last_text() == "Would you like to meet 王芳 again?"
    await li.press(stars.inline_keyboard[0][0].callback_data or "")  # the rating's buttons, pressed again
    assert li.view.toasts[-1] == "You have already answered this one."
    await li.click("💚 Yes")
    assert li.last_text().startswith("Anything you would like to tell your counselor about the date?")
    await li.send("She was wonderful, we talked for hours.")
    assert li.last_text() == "Thank you. Is this a complaint about how the other person behaved?"
    await li.click("No, just a comment")
    assert li.last_text() == "Thank you for your feedback! Your counselor will take it into account."

    await wang.click("4⭐")
    await wang.click("💚 想")
    assert wang.texts()[-2] == "💞 好消息：您和Li都想再次见面。红娘会与您联系。"
    await wang.click("跳过")
    assert wang.last_text() == "感谢您的反馈！红娘会认真参考。"
    (both,) = await deliver(app_database, li)
    assert both.text == "💞 Good news: you and 王芳 would both like to meet again. Your counselor will be in touch."
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.case_stages.current(li_id) == "dating"
        assert await uow.case_stages.current(wang_id) == "dating"
        mine = await uow.dates.feedback(date_id, li_id)
        assert mine is not None
        assert (mine.rating, mine.meet_again, mine.comment, mine.complaint) == (
            5,
            True,
            "She was wonderful, we talked for hours.",
            False,
        )
    assert await counselor_alerts(app_database) == []
    # The nudge finds nothing to nudge.
    clock.set(STARTS + timedelta(hours=27))
    assert (await runner_for(dp, app_database, clock).run_due()).ran == 1
    assert await deliver(app_database, li) == [] and await deliver(app_database, wang) == []


async def test_feedback_that_alerts_the_counselor_and_the_one_nudge(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, wang_id, date_id = await _after_the_date(dp, bot, session, error_log, app_database, clock)
    await li.click("2⭐")
    await li.click("No")
    await li.send("She was an hour late and rude to the waiter.")
    await li.click("⚠️ Yes, a complaint")
    await wang.click("😶 对方没有来")
    assert wang.texts()[-2] == "很遗憾发生这种情况。已通知您的红娘，红娘会跟进。"
    assert wang.last_text().startswith("关于这次约会，有什么想告诉红娘的吗？")
    alerts = [a.text for a in await counselor_alerts(app_database)]
    assert len(alerts) == 3
    assert (
        alerts[0].startswith("⚠️ Date feedback needs attention: client <code>") and "rated the date 2 of 5" in alerts[0]
    )
    assert "a complaint in the comment" in alerts[1]
    assert "the other person did not come" in alerts[2]
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.case_stages.current(li_id) == "met"
        theirs = await uow.dates.feedback(date_id, wang_id)
        assert theirs is not None and theirs.no_show and theirs.meet_again is False and theirs.completed_at is None
        # Both are in the counselors' queue: one handoff each, however many alerts their feedback raised.
        assert [h.reason for h in await uow.handoffs.for_client(li_id)] == ["low_rating"]
        assert [h.reason for h in await uow.handoffs.for_client(wang_id)] == ["low_rating"]

    # Wang has not finished (no comment, no Skip): one gentle nudge after 24 hours, never a second.
    runner = runner_for(dp, app_database, clock)
    clock.set(STARTS + timedelta(hours=27) - timedelta(seconds=1))
    assert (await runner.run_due()).ran == 0
    clock.set(STARTS + timedelta(hours=27))
    assert (await runner.run_due()).ran == 1
    assert await deliver(app_database, li) == []
    (nudge,) = await deliver(app_database, wang)
    assert nudge.text.startswith("温馨提醒：关于这次约会，有什么想告诉红娘的吗？")
    clock.set(STARTS + timedelta(days=5))
    assert (await runner.run_due()).ran == 0
    assert await deliver(app_database, wang) == []
    await wang.send("/matches")  # she has moved on: the comment question's state is gone
    await wang.click("✍️ 写留言")
    assert wang.last_text() == "请输入您的留言。"
    await wang.send("他没来，也没有通知我。")
    await wang.click("不是，只是留言")
    assert wang.last_text() == "感谢您的反馈！红娘会认真参考。"
    await wang.click("跳过")
    assert wang.view.toasts[-1] == "您的反馈已经记录。谢谢！"
    async with app_database.unit_of_work(read_only=True) as uow:
        theirs = await uow.dates.feedback(date_id, wang_id)
        assert theirs is not None and theirs.comment == "他没来，也没有通知我。" and theirs.completed_at is not None


async def test_nudge_for_someone_who_never_answered(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, _li_id, _wang_id, date_id = await _after_the_date(dp, bot, session, error_log, app_database, clock)
    await li.click("3⭐")
    runner = runner_for(dp, app_database, clock)
    clock.set(STARTS + timedelta(hours=27))
    assert (await runner.run_due()).ran == 1
    (li_nudge,) = await deliver(app_database, li)
    assert li_nudge.text == "A gentle reminder: Would you like to meet 王芳 again?"
    (wang_nudge,) = await deliver(app_database, wang)
    assert wang_nudge.text == "温馨提醒：💬 您和Li的约会怎么样？请打1到5星。"
    assert (await job_states(app_database, date_id))[(NUDGE, date_id.hex)] == "done"


async def test_a_demo_client_accepts_the_first_slot_and_leaves_feedback(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    async with app_database.unit_of_work() as uow:
        await seed_demo(uow, demo_people(1, today=clock.now().date()), clock.now())
        demo = await uow.accounts.find_by_external("web", "demo-1")
        assert demo is not None
    li = paced(dp, bot, session, error_log, user_id=7_101)
    await register(li, "en")
    li_id = await account_of(app_database, li)
    await connect(app_database, clock, li_id, demo.id)

    await li.send("/dates")
    await li.click("📅 Propose a date")
    await pick(li, ("7", "19:30"), ("8", "12:00"))
    await li.click("Next: the venue ➡️")
    await li.send("The tea house on Fuxing Road")
    runner = runner_for(dp, app_database, clock)
    assert (await runner.run_due()).ran == 0  # the demo client takes a moment, like a person
    clock.advance(timedelta(seconds=dp["settings"].demo_answer_seconds))
    assert (await runner.run_due()).ran == 1
    (confirmed,) = await deliver(app_database, li)
    assert "is confirmed.</b>\n🕒 Wed 7 Jan, 19:30 (Asia/Shanghai)\n📍 The tea house on Fuxing Road" in confirmed.text
    await li.click("📅 Calendar file")
    assert len(calendar_files(session, li.user.id)) == 1

    clock.set(STARTS + timedelta(hours=3))
    report = await runner.run_due()
    assert (report.ran, report.missed) == (1, 2)  # the feedback question; the reminders' times are long past
    messages = await deliver(app_database, li)
    assert messages[-1].text.startswith("💬 How was your date with")
    await li.click("4⭐")
    await li.click("💚 Yes")
    assert li.texts()[-2].startswith("💞 Good news: you and ")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.case_stages.current(li_id) == "dating"
