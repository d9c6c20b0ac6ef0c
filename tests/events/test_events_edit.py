"""Editing a published event (/editevent): the form as the event stands, the edit checked like a new event and
against the seats taken, the timers moved with the start, new seats given to those waiting, the people signed
up told what changed in their own terms (in their language), and a place given up after such a change never
counted as late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from domain.event_changes import Change, changes, form_of, room_problem
from domain.events import REMINDER, Capacity, EventSpec, Side, parse_event_form
from storage.database import Database
from storage.models.delivery import ScheduledJobRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.events.chat import FORM, events, make_client, make_organiser, publish, signups
from tests.matching.chat import deliver

ORGANISER = 640_000_001
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the agency's TIMEZONE in these tests


def _spec(form: str = FORM) -> EventSpec:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    parsed = parse_event_form(form, zone=SHANGHAI, now=now, currency="CNY", tiers=["basic", "premium", "private"])
    assert isinstance(parsed, EventSpec), parsed
    return parsed


def test_the_form_of_an_event_reads_back_as_the_same_event() -> None:
    spec = _spec(FORM + "prices: premium=99.50\n")
    again = _spec(form_of(spec, SHANGHAI))
    assert again == spec
    assert changes(spec, again) == []


def test_what_an_edit_changed_and_whether_the_room_still_holds_everyone() -> None:
    spec = _spec()
    moved = _spec(FORM.replace("2026-01-20 19:00", "2026-01-21 19:00").replace("1/1", "2/2"))
    assert changes(spec, moved) == [Change.TIME, Change.CAPACITY]
    seated = {Side.MALE: 1, Side.FEMALE: 1}
    assert not room_problem(Capacity(men=1, women=1), Capacity(men=2, women=2), seated)
    assert room_problem(Capacity(men=1, women=1), Capacity(men=0, women=1), seated)
    assert room_problem(Capacity(men=1, women=1), Capacity(total=10), seated)  # the sides would not add up
    assert not room_problem(Capacity(men=1, women=1), Capacity(total=10), {})  # nobody seated yet


async def _reminders(database: Database) -> dict[str, datetime]:
    async with database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(ScheduledJobRow).where(ScheduledJobRow.kind == REMINDER))).all()
        return {row.ref_id.rsplit(":", 1)[1]: row.due_at for row in rows if row.state == "pending"}


async def test_an_edit_moves_the_event_seats_those_waiting_and_tells_those_signed_up(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser)
    first, first_id = await make_client(dp, bot, session, error_log, app_database, 640_000_010)
    second, second_id = await make_client(dp, bot, session, error_log, app_database, 640_000_011)
    for person in (first, second):
        await person.send("/events")
        await person.click("✍️ Sign up")
        clock.advance(timedelta(minutes=1))
    assert [(await signups(app_database))[i].state for i in (first_id, second_id)] == ["confirmed", "waitlisted"]
    [row] = await events(app_database)
    reference = row.id.hex[:8]

    await organiser.send("/editevent")
    assert organiser.last_text().startswith("Send the event's reference after the command")
    await organiser.send("/editevent ffffffff")
    assert organiser.last_text() == "No upcoming event has this reference."
    await organiser.send(f"/editevent {reference}")
    request = organiser.last_text()
    assert request.startswith("✏️ <b>Edit the event</b>")
    assert "starts: 2026-01-20 19:00" in request and "capacity: 1/1" in request and "venue: 310000.huxinting" in request

    await organiser.send_sticker()
    assert organiser.last_text() == "Please send the edited form as text, or /cancel."
    await organiser.send(FORM.replace("1/1", "0/1"))  # fewer seats than are taken: asked again, nothing changed
    assert organiser.last_text().startswith("The form has 1 problem:\n• <code>capacity</code>: fewer seats than")
    edited = FORM.replace("2026-01-20 19:00", "2026-01-21 19:00").replace("1/1", "2/1")
    await organiser.send(edited.replace("venue: 310000.huxinting", "venue: Jing'an Park, west gate"))
    assert organiser.last_text() == (
        "✏️ <b>Wine salon</b> is updated: venue, region, time, capacity.\n"
        "2 people signed up were told what changed.\n"
        "1 person waiting got one of the new seats."
    )
    rows = await signups(app_database)
    assert rows[second_id].state == "confirmed" and rows[second_id].promoted_at is not None
    starts = datetime(2026, 1, 21, 11, 0, tzinfo=UTC)
    assert await _reminders(app_database) == {"24h": starts - timedelta(hours=24), "2h": starts - timedelta(hours=2)}

    [notice] = await deliver(app_database, first)
    assert notice.text.startswith("✏️ <b>Wine salon</b> has changed:\nTime: ")
    assert "Venue: Huxinting Tea House, Yuyuan → Jing'an Park, west gate" in notice.text
    assert "after a change like this it never counts as a late cancellation" in notice.text
    promoted, changed = await deliver(app_database, second)
    assert promoted.text.startswith("🎉 A seat freed up") and changed.text.startswith("✏️ <b>Wine salon</b> has changed")

    # Less than a day before the new start: giving up the place is not late, the terms changed after sign-up.
    clock.set(starts - timedelta(hours=3))
    await first.click("Cancel my place")
    assert first.last_text() == "Your place at <b>Wine salon</b> is given up."
    assert not (await signups(app_database))[first_id].late_cancellation

    await organiser.send(f"/editevent {reference}")
    await organiser.send(organiser.last_text().split("<pre>")[1].split("</pre>")[0].replace("&#x27;", "'"))
    assert organiser.last_text() == "Nothing changed: the form says what the event says already."
    error_log.assert_clean()


async def test_a_price_change_is_told_only_to_those_whose_price_changed_in_chinese(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER, locale="zh")
    await publish(organiser, FORM.replace("1/1", "3/3"))
    basic, _basic_id = await make_client(dp, bot, session, error_log, app_database, 640_000_020, locale="zh")
    premium, _premium_id = await make_client(
        dp, bot, session, error_log, app_database, 640_000_021, tier="premium", locale="zh", name="王芳"
    )
    for person in (basic, premium):
        await person.send("/events")
        await person.click("✍️ 报名")
    [row] = await events(app_database)
    await organiser.send(f"/editevent {row.id.hex[:8]}")
    assert organiser.last_text().startswith("✏️ <b>修改活动</b>")
    await organiser.send(FORM.replace("1/1", "3/3") + "prices: premium=50.00\n")
    assert organiser.last_text() == "✏️ <b>品酒交友沙龙</b>已更新：价格。\n已将变更告知1位已报名的会员。"
    assert await deliver(app_database, basic) == []
    [notice] = await deliver(app_database, premium)
    assert notice.text.startswith("✏️ <b>品酒交友沙龙</b>有变更：\n您免费参加 → 您的价格：")
    error_log.assert_clean()
