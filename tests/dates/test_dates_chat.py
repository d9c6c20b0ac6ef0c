"""Dates in the chat, through the real Dispatcher: Li (English, Shanghai) proposes, Wang (Chinese) answers;
counter-proposals, the confirmed date with its calendar file parsed back, and what bad input gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from sqlalchemy import update

from domain.clock import FakeClock
from domain.demo import demo_people
from handlers.views.dates.buttons import DraftAct, DraftButton, ProposeDate, SlotButton
from storage.database import Database
from storage.demo_pool import seed_demo
from storage.models.matching import IntroductionRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.dates.chat import LI, WANG, calendar_files, connect, connected_pair, only_date, pick
from tests.journey_walk import paced, register
from tests.matching.chat import deliver, outbox_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
STALE_EN = "This proposal has changed in the meantime. Please look at the latest message or /dates."
ASK_VENUE = "Please choose a place from the buttons, or type its name and address."
MUSEUM_EN, MUSEUM_ZH = "Shanghai Museum, People's Square", "上海博物馆（人民广场）"


async def test_propose_and_accept_in_both_languages_with_calendar_files(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, wang_id, intro = await connected_pair(dp, bot, session, error_log, app_database)

    await li.send("/dates")
    assert li.texts()[-2] == "📅 <b>Your dates</b>"
    assert li.last_text() == "You and 王芳 have exchanged contacts. Would you like to propose a date?"
    await li.click("📅 Propose a date")
    assert li.last_text() == ("📅 Pick a day for your date with 王芳. Times are in your time zone (Asia/Shanghai).")
    buttons = li.last_buttons()
    assert buttons[:3] == ["·", "Jan 2026", "»"] and buttons[3:10] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert "4" not in buttons and "5" in buttons  # yesterday (local) cannot be picked, today can
    await li.click("5")
    assert li.last_text() == "Mon 5 Jan: choose a start time (Asia/Shanghai)."
    assert li.last_buttons()[0] == "18:00"  # it is 17:00 in Shanghai: earlier times are not offered
    await li.click("« Back to the calendar")
    await pick(li, ("7", "19:30"))
    assert li.last_text() == (
        "<b>The times you propose</b> (Asia/Shanghai):\n1. Wed 7 Jan, 19:30 (Asia/Shanghai)\n\n"
        "Add another time (up to 3), or go on to the venue."
    )
    await li.click("➕ Add another time")
    await li.click("8")
    await li.click("12:00")
    await li.click("Next: the venue ➡️")
    venue_question = li.last_text()
    assert venue_question.startswith("📍 <b>Where would you like to meet?</b> Ideas that suit what you both enjoy:")
    assert li.last_buttons()[0] == MUSEUM_EN  # they both like reading; Li proposes, so Shanghai's venues
    await li.click(MUSEUM_EN)
    assert li.last_text() == (
        "✉️ Sent to 王芳:\n1. Wed 7 Jan, 19:30 (Asia/Shanghai)\n2. Thu 8 Jan, 12:00 (Asia/Shanghai)\n"
        f"📍 Venue: {MUSEUM_EN}\n\nI will tell you as soon as 王芳 answers."
    )

    (proposal,) = await deliver(app_database, wang)
    assert proposal.text == (
        f"📅 <b>Li想和您见面。</b>\n📍 地点：{MUSEUM_ZH}\n\n哪个时间适合您？时间按您所在的时区显示。\n"
        "1. 1月7日 周三 19:30（Asia/Shanghai）\n2. 1月8日 周四 12:00（Asia/Shanghai）"
    )
    assert [b.text for row in proposal.keyboard for b in row] == [
        "✅ 选择：1月7日 周三 19:30（Asia/Shanghai）",
        "✅ 选择：1月8日 周四 12:00（Asia/Shanghai）",
        "🔁 提议其他时间",
        "✖️ 这次不了",
    ]
    await li.press(proposal.keyboard[0][0].callback_data or "")  # the proposer cannot accept for the other
    assert li.view.toasts[-1] == "This is your own proposal: I am waiting for 王芳's answer."

    await wang.click("✅ 选择：1月7日 周三 19:30（Asia/Shanghai）")
    assert wang.view.toasts[-1] == "🎉 已确认！"
    confirmed_zh, caption = wang.texts()[-2:]
    assert confirmed_zh == (
        "🎉 <b>您和Li的约会已确认。</b>\n🕒 时间：1月7日 周三 19:30（Asia/Shanghai）\n"
        f"📍 地点：{MUSEUM_ZH}\n\n约会前我会提醒您。如需改期或取消，请使用 /dates。"
    )
    assert caption == "📅 把这个文件添加到您的日历。"
    record = await only_date(app_database, li_id)
    starts = datetime(2026, 1, 7, 11, 30, tzinfo=UTC)
    assert (record.state, record.starts_at) == ("confirmed", starts)

    (wang_file,) = calendar_files(session, WANG)
    (event,) = wang_file.walk("VEVENT")
    assert event.decoded("dtstart") == starts.astimezone(SHANGHAI)
    assert event.decoded("dtstart").tzinfo.key == "Asia/Shanghai"
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert str(event["summary"]) == "与Li的约会"
    assert str(event["location"]) == MUSEUM_ZH
    assert str(event["uid"]) == f"{record.id}@yuelao" and int(event["sequence"]) == 1

    (li_notice,) = await deliver(app_database, li)
    assert li_notice.text.startswith("🎉 <b>Your date with 王芳 is confirmed.</b>\n🕒 Wed 7 Jan, 19:30 (Asia/Shanghai)")
    await li.click("📅 Calendar file")
    (li_file,) = calendar_files(session, LI)
    (event,) = li_file.walk("VEVENT")
    assert str(event["summary"]) == "Date with 王芳" and str(event["location"]) == MUSEUM_EN
    assert event.decoded("dtstart") == starts

    # /dates now lists the date with its buttons, and offers no second proposal.
    await li.send("/dates")
    assert li.last_buttons() == ["🔁 Reschedule", "✖️ Cancel", "📅 Calendar file"]
    assert li.last_text().startswith("🎉 <b>Your date with 王芳 is confirmed.</b>")
    del intro, wang_id


async def test_counter_proposals_until_one_is_accepted(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, wang_id, _intro = await connected_pair(dp, bot, session, error_log, app_database)
    await li.send("/dates")
    await li.click("📅 Propose a date")
    await pick(li, ("7", "19:30"))
    await li.click("Next: the venue ➡️")
    await li.send("  Jing'an Temple,   east gate  ")
    assert "📍 Venue: Jing'an Temple, east gate" in li.last_text()

    (proposal,) = await deliver(app_database, wang)
    old_slot = proposal.keyboard[0][0].callback_data or ""
    await wang.click("🔁 提议其他时间")
    assert wang.last_text() == "📅 请选择和Li约会的日期。时间按您所在的时区显示（Asia/Shanghai）。"
    await pick(wang, ("9", "16:00"), ("10", "10:00"))
    await wang.click("下一步：选择地点 ➡️")
    assert wang.last_buttons()[0] == "保留：Jing'an Temple, east gate"
    await wang.click("保留：Jing'an Temple, east gate")
    assert wang.last_text().startswith("✉️ 已发送给Li：\n1. 1月9日 周五 16:00（Asia/Shanghai）\n2. 1月10日 周六 10:00")

    await wang.press(old_slot)  # the first proposal's buttons are stale now
    assert wang.view.toasts[-1] == "这个提议已经有了变化。请查看最新消息或 /dates。"

    (counter,) = await deliver(app_database, li)
    assert counter.text.startswith("🔁 王芳 proposes other times.\n\n📅 <b>王芳 would like to meet you.</b>")
    assert "📍 Venue: Jing'an Temple, east gate" in counter.text
    # Li counters again, then Wang accepts: the third round.
    await li.click("🔁 Propose other times")
    await pick(li, ("12", "18:00"))
    await li.click("Next: the venue ➡️")
    await li.click(MUSEUM_EN)
    (second,) = await deliver(app_database, wang)
    assert second.text.startswith("🔁 Li提议了其他时间。")
    await wang.click("✅ 选择：1月12日 周一 18:00（Asia/Shanghai）")
    record = await only_date(app_database, li_id)
    assert (record.state, record.round, record.venue_code) == ("confirmed", 3, "310000.museum")
    (event,) = calendar_files(session, WANG)[0].walk("VEVENT")
    assert int(event["sequence"]) == 3

    # Pressing the accepted proposal again, or an earlier round, changes nothing.
    again = SlotButton(date=record.id.hex, round=3, slot=0).pack()
    await wang.press(again)
    assert wang.view.toasts[-1] == "这个约会已经确认了。"
    await li.press(SlotButton(date=record.id.hex, round=2, slot=0).pack())
    assert li.view.toasts[-1] == STALE_EN
    assert (await only_date(app_database, li_id)).starts_at == record.starts_at
    del wang_id


async def test_bad_input_gets_a_clear_message_and_changes_nothing(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, wang_id, intro = await connected_pair(dp, bot, session, error_log, app_database)
    # Li already has a confirmed date with someone else on Wednesday evening.
    async with app_database.unit_of_work() as uow:
        await seed_demo(uow, demo_people(1, today=clock.now().date()), clock.now())
    async with app_database.unit_of_work(read_only=True) as uow:
        demo = await uow.accounts.find_by_external("web", "demo-1")
        assert demo is not None
    other_intro = await connect(app_database, clock, li_id, demo.id)
    async with app_database.unit_of_work() as uow:
        busy = await uow.dates.propose(
            introduction_id=other_intro,
            first_id=li_id,
            second_id=demo.id,
            proposer=li_id,
            slots=[datetime(2026, 1, 7, 11, 30, tzinfo=UTC)],
            venue_code=None,
            venue_text=None,
            now=clock.now(),
        )
        assert await uow.dates.accept(busy, 1, busy.slots[0], clock.now()) is not None

    await li.send("/dates")
    await li.click("📅 Propose a date")  # Wang: the other introduction has its date already
    calendar = li.last_message()
    assert "王芳" in calendar.text
    flow = DraftButton.unpack(calendar.inline.inline_keyboard[0][1].callback_data or "").flow  # type: ignore[union-attr]
    # A slot in the past (a forged or stale time button), and a slot while Li is already booked.
    await li.press(DraftButton(flow=flow, act=DraftAct.TIME, value="202601051000").pack())
    assert li.view.toasts[-1] == "That time has already passed. Please choose another time."
    await li.click("7")
    await li.click("18:00")
    assert li.view.toasts[-1] == "One of you already has a date close to that time. Please choose another time."
    await li.click("« Back to the calendar")
    await pick(li, ("8", "19:30"))
    await li.click("Next: the venue ➡️")
    # A 5,000-character venue, a command, a sticker.
    await li.send("x" * 5000)
    assert li.last_text() == "That is 5000 characters; please keep the venue under 200."
    await li.send("/dates")
    assert li.last_text() == "I don't know that command. " + ASK_VENUE
    await li.send_sticker()
    assert li.last_text() == ASK_VENUE
    # The introduction is withdrawn meanwhile: the proposal is refused, nothing is sent.
    async with app_database.unit_of_work() as uow:
        await uow.session.execute(update(IntroductionRow).where(IntroductionRow.id == intro).values(state="declined"))
    await li.click(MUSEUM_EN)
    assert li.last_text() == "This introduction is no longer active, so a date cannot be arranged."
    assert await outbox_for(app_database, wang) == []
    # The old calendar's buttons are stale now.
    await li.press(DraftButton(flow=flow, act=DraftAct.DAY, value="20260109").pack())
    assert li.view.toasts[-1] == "This calendar is no longer active. Start again from /dates."
    await li.send("/dates")
    assert "You and 王芳 have exchanged contacts" not in "\n".join(li.texts()[-3:])
    async with app_database.unit_of_work(read_only=True) as uow:
        assert [r.id for r in await uow.dates.list_for(li_id)] == [busy.id]
    del wang_id


async def test_withdraw_and_both_pressing_at_once(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, _wang_id, _intro = await connected_pair(dp, bot, session, error_log, app_database)
    await li.send("/dates")
    await li.click("📅 Propose a date")
    await pick(li, ("7", "19:30"), ("8", "19:30"))
    await li.click("↩️ Remove the last time")
    await li.click("Next: the venue ➡️")
    await li.click(MUSEUM_EN)
    (proposal,) = await deliver(app_database, wang)
    assert len(proposal.keyboard) == 3  # one slot left, plus counter and decline

    # While Wang still has the proposal, Li withdraws it; Wang's press comes second.
    await li.send("/dates")
    assert li.last_text().startswith("⏳ Waiting for 王芳's answer to your proposal:\n1. Wed 7 Jan, 19:30")
    await li.click("✖️ Withdraw the proposal")
    assert li.last_text() == "All right, I have told 王芳."
    await wang.click("✅ 选择：1月7日 周三 19:30（Asia/Shanghai）")
    assert wang.view.toasts[-1] == "这个提议已经有了变化。请查看最新消息或 /dates。"
    (notice,) = await deliver(app_database, wang)
    assert notice.text == "Li撤回了约会提议。"
    record = await only_date(app_database, li_id)
    assert record.state == "withdrawn" and record.starts_at is None

    # A new proposal, declined by Wang: Li is told.
    await li.send("/dates")
    await li.click("📅 Propose a date")
    await pick(li, ("9", "12:00"))
    await li.click("Next: the venue ➡️")
    await li.click(MUSEUM_EN)
    await deliver(app_database, wang)
    await wang.click("✖️ 这次不了")
    assert wang.last_text() == "好的，已告诉Li。"
    (declined,) = await deliver(app_database, li)
    assert declined.text == "王芳 can't meet at the proposed times and withdrew the proposal."
    await li.send("/dates")
    assert "• Fri 9 Jan" not in li.texts()[-2]  # a declined proposal has no time
    assert ": not arranged" in li.texts()[-2]


async def test_a_time_that_passed_before_the_answer_cannot_be_accepted(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, _wang_id, _intro = await connected_pair(dp, bot, session, error_log, app_database)
    await li.send("/dates")
    await li.click("📅 Propose a date")
    await pick(li, ("5", "19:30"), ("8", "12:00"))
    await li.click("Next: the venue ➡️")
    await li.click(MUSEUM_EN)
    await deliver(app_database, wang)
    clock.set(datetime(2026, 1, 5, 12, 0, tzinfo=UTC))  # 20:00 in Shanghai: the first time has passed
    await wang.click("✅ 选择：1月5日 周一 19:30（Asia/Shanghai）")
    assert wang.view.toasts[-1] == "这个时间已经过去了。请选择其他时间。"
    assert (await only_date(app_database, li_id)).state == "proposed"
    await wang.click("✅ 选择：1月8日 周四 12:00（Asia/Shanghai）")
    assert (await only_date(app_database, li_id)).starts_at == datetime(2026, 1, 8, 4, 0, tzinfo=UTC)


async def test_dates_without_anyone_to_meet(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
) -> None:
    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    await li.send("/dates")  # not registered yet: the registration goes on
    assert "/dates" not in li.last_text()
    await register(li, "en")
    await li.send("/dates")
    assert li.last_text() == (
        "You have no dates yet. Once you and someone have exchanged contacts, you can propose a date here."
    )
    await li.press(ProposeDate(introduction="0" * 32).pack())  # forged: nobody's introduction
    assert li.view.toasts[-1] == "This button is no longer active."
