"""Reminders a day and two hours before (with the check-in code, the calendar file and the QR image), the
check-in at the door (typed or scanned, once; forged, reused and early codes refused), and no-shows recorded
after the door closes. On the fake clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.methods import SendDocument, SendPhoto

from domain.clock import FakeClock
from handlers.views.events import EventAct, EventButton
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.events.chat import events, job_runner, make_client, make_organiser, publish, signups
from tests.matching.chat import deliver

STARTS = datetime(2026, 1, 20, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai


async def test_reminders_carry_the_code_and_the_door_lets_each_code_in_once(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, 640_000_001)
    await publish(organiser)
    ann, ann_id = await make_client(dp, bot, session, error_log, app_database, 640_000_010)
    bea, bea_id = await make_client(dp, bot, session, error_log, app_database, 640_000_011, gender="female")
    for person in (ann, bea):
        await person.send("/events")
        await person.click("✍️ Sign up")
    runner = job_runner(dp, app_database, clock)
    await deliver(app_database, ann)  # nothing yet: no invitation (they were made after the event)
    assert (await runner.run_due()).ran == 0

    clock.set(STARTS - timedelta(hours=24))
    assert (await runner.run_due()).ran == 1
    [day_before] = await deliver(app_database, ann)
    assert day_before.text.startswith("⏰ Reminder: <b>Wine salon</b>, Tue 20 Jan, 19:00 (Asia/Shanghai)")
    code = re.search(r"<code>([A-Z0-9]{8})</code>", day_before.text)
    assert code is not None
    await ann.click("📅 Calendar file")
    document = session.requests[-1]
    assert isinstance(document, SendDocument)
    await ann.click("🎟 Check-in QR code")
    photo = session.requests[-1]
    assert isinstance(photo, SendPhoto) and code.group(1) in (photo.caption or "")

    clock.set(STARTS - timedelta(hours=2))
    assert (await runner.run_due()).ran == 1
    [two_hours] = await deliver(app_database, ann)
    assert code.group(1) in two_hours.text  # the same code both times
    [bea_day, _bea_two] = await deliver(app_database, bea)
    bea_code = re.search(r"<code>([A-Z0-9]{8})</code>", bea_day.text)
    assert bea_code is not None and bea_code.group(1) != code.group(1)

    await organiser.send("/checkin")
    assert organiser.last_text() == "Send the code after the command, e.g. <code>/checkin ABCD2345</code>."
    await organiser.send("/checkin ZZZZ2222")
    assert organiser.last_text() == "No seat has this code. Check it and try again."
    typed = code.group(1).lower()
    await organiser.send(f"/checkin {typed[:4]}-{typed[4:]}")
    assert organiser.last_text() == "✅ Checked in (men's side) at <b>Wine salon</b>: 1 of 2 seated guests are in."
    await organiser.send(f"/checkin {code.group(1)}")
    assert organiser.last_text() == "This code was used already, at 17:00."
    await ann.send("/checkin " + code.group(1))  # a client cannot let themselves in
    assert ann.last_text().startswith("Sorry, this is only for the agency's staff.")

    clock.set(STARTS + timedelta(hours=4))
    assert (await runner.run_due()).ran == 1  # the close
    rows = await signups(app_database)
    assert rows[ann_id].checked_in_at is not None and not rows[ann_id].no_show
    assert rows[bea_id].no_show and rows[bea_id].checked_in_at is None
    clock.advance(timedelta(minutes=1))
    await organiser.send(f"/checkin {bea_code.group(1)}")
    assert organiser.last_text() == "This code is for an event that is not open at the door now."
    error_log.assert_clean()


async def test_a_code_is_refused_before_the_door_opens_and_after_a_cancellation(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, 640_000_001)
    await publish(organiser)
    ann, _ann_id = await make_client(dp, bot, session, error_log, app_database, 640_000_010)
    await ann.send("/events")
    await ann.click("✍️ Sign up")
    clock.set(STARTS - timedelta(hours=24))
    await job_runner(dp, app_database, clock).run_due()
    [reminder] = await deliver(app_database, ann)
    code = re.search(r"<code>([A-Z0-9]{8})</code>", reminder.text)
    assert code is not None
    await organiser.send(f"/checkin {code.group(1)}")
    assert organiser.last_text() == "This code is for an event that is not open at the door now."
    await ann.send("/events")
    await ann.click("Cancel my place")
    await organiser.send(f"/checkin {code.group(1)}")
    assert organiser.last_text() == "This sign-up was cancelled or is still on the waitlist."
    [event] = await events(app_database)
    await ann.press(EventButton(act=EventAct.QR, event=event.id.hex).pack())
    assert ann.view.toasts[-1] == "You have no seat at this event."
    error_log.assert_clean()
