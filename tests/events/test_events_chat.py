"""Offline events in the chat (English): an organiser publishes one from the form, clients who fit see it and
sign up, a full side waits, a cancellation promotes the longest waiting (told through the outbox), a late one
is recorded; every bad input is answered."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from handlers.views.events import EventAct, EventButton
from storage.database import Database
from storage.models.delivery import OutboxMessageRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.events.chat import FORM, events, job_runner, make_client, make_organiser, publish, signups
from tests.matching.chat import deliver

ORGANISER = 610_000_001


async def test_an_organiser_publishes_an_event_and_sees_its_room(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await organiser.send("/newevent")
    assert "Copy the form below" in organiser.last_text() and "title_zh: 品酒交友沙龙" in organiser.last_text()
    await organiser.send(FORM.replace("2026-01-20 19:00", "someday").replace("1/1", "many"))
    text = organiser.last_text()
    assert text.startswith("The form has 2 problems:")
    assert "<code>starts</code>: not a time like <code>2027-01-15 19:00</code>" in text
    assert "<code>capacity</code>: not <code>10/10</code> or a number of seats from 1 to 500" in text
    assert await events(app_database) == []
    await organiser.send(FORM)
    assert organiser.last_text().startswith("✅ Event published: <b>Wine salon</b>")
    assert "Tue 20 Jan, 19:00 (Asia/Shanghai)" in organiser.last_text()
    [row] = await events(app_database)
    assert (row.capacity_men, row.capacity_women, row.tiers, row.region_code) == (1, 1, ["basic", "premium"], "310000")
    await organiser.send("/events")
    assert (
        "<b>Wine salon</b>" in organiser.last_text()
        and "Men: 0/1, Women: 0/1\nLate cancellations: 0" in organiser.last_text()
    )
    error_log.assert_clean()


async def test_clients_sign_up_a_full_side_waits_and_a_cancellation_promotes(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser)
    first, first_id = await make_client(dp, bot, session, error_log, app_database, 610_000_010)
    second, second_id = await make_client(dp, bot, session, error_log, app_database, 610_000_011)
    woman, woman_id = await make_client(dp, bot, session, error_log, app_database, 610_000_012, gender="female")

    await first.send("/events")
    assert first.texts()[-2] == "🎉 <b>Events</b>"
    card = first.last_text()
    assert "<b>Wine salon</b>" in card and "Huxinting Tea House, Yuyuan" in card and "Free for you" in card
    await first.click("✍️ Sign up")
    assert first.last_text().startswith("✅ You have a seat at <b>Wine salon</b>")
    await first.click("✍️ Sign up")  # the old card's button again
    assert first.view.toasts[-1] == "You are already signed up for this event."

    clock.advance(timedelta(minutes=1))
    await second.send("/events")
    await second.click("✍️ Sign up")
    assert "is full on your side, so you are on the waitlist (0 people ahead of you)" in second.last_text()
    await woman.send("/events")
    await woman.click("✍️ Sign up")
    assert woman.last_text().startswith("✅ You have a seat")

    rows = await signups(app_database)
    assert [rows[i].state for i in (first_id, second_id, woman_id)] == ["confirmed", "waitlisted", "confirmed"]

    await first.send("/events")
    assert "✅ You have a seat." in first.last_text() and first.last_buttons() == ["Cancel my place"]
    await first.click("Cancel my place")
    assert first.last_text() == "Your place at <b>Wine salon</b> is given up."
    rows = await signups(app_database)
    assert rows[first_id].state == "cancelled" and not rows[first_id].late_cancellation
    assert rows[second_id].state == "confirmed" and rows[second_id].promoted_at is not None
    [notice] = await deliver(app_database, second)
    assert notice.text.startswith("🎉 A seat freed up: you now have a seat at <b>Wine salon</b>")
    await first.click("Cancel my place")  # again: nothing left to give up
    assert first.view.toasts[-1] == "You have no place at this event to give up."

    # a day before: a cancellation is late
    clock.set(rows[second_id].created_at.replace(day=20, hour=0))
    await second.click("Cancel my place")
    assert "recorded as a late cancellation" in second.last_text()
    assert (await signups(app_database))[second_id].late_cancellation
    error_log.assert_clean()


async def test_events_that_do_not_fit_are_not_shown_and_cannot_be_signed_up_for(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser)
    ok, _ok_id = await make_client(dp, bot, session, error_log, app_database, 610_000_020)
    await ok.send("/events")
    sign_up_data = ok.last_message().inline
    assert sign_up_data is not None
    button = sign_up_data.inline_keyboard[0][0].callback_data
    assert button is not None and len(button.encode()) <= 64

    for user_id, changes, refusal in [
        (610_000_021, {"birth_year": 1970}, "This event is for another age group."),
        (610_000_022, {"region": "440100"}, "This event is for clients of another city."),
        (610_000_023, {"tier": "private"}, "This event is for members of other tiers."),
    ]:
        person, _id = await make_client(dp, bot, session, error_log, app_database, user_id, **changes)  # type: ignore[arg-type]
        await person.send("/events")
        assert person.last_text() == (
            "There are no events for you at the moment. We will let you know when there is one."
        )
        await person.press(button)  # a forwarded or forged button
        assert person.view.toasts[-1].startswith(refusal)

    clock.advance(timedelta(days=14, hours=20))  # past the deadline (19 Jan 12:00 Shanghai)
    await ok.press(button)
    assert ok.view.toasts[-1] == "Sign-up for this event has closed."
    await ok.press("ev:up:nothex")
    assert ok.view.toasts[-1] == "This event is no longer on."
    assert await signups(app_database) == {}
    error_log.assert_clean()


async def test_fitting_clients_are_invited_a_few_at_a_time_and_sign_up_from_the_invitation(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    ann, ann_id = await make_client(dp, bot, session, error_log, app_database, 610_000_030)
    bea, bea_id = await make_client(dp, bot, session, error_log, app_database, 610_000_031, gender="female")
    _far, far_id = await make_client(dp, bot, session, error_log, app_database, 610_000_032, region="440100")
    _paused, paused_id = await make_client(dp, bot, session, error_log, app_database, 610_000_033)
    async with app_database.unit_of_work() as uow:
        await uow.profiles.update(paused_id, now=clock.now(), status="paused")
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser)
    assert "Invitations: 2 clients it fits, sent a few at a time." in organiser.last_text()

    async with app_database.unit_of_work(read_only=True) as uow:
        rows = (
            await uow.session.scalars(
                select(OutboxMessageRow).where(OutboxMessageRow.account_id.in_([ann_id, bea_id, far_id, paused_id]))
            )
        ).all()
    invited = {row.account_id: row.not_before for row in rows}
    assert set(invited) == {ann_id, bea_id} and far_id not in invited and paused_id not in invited
    assert sorted(invited.values()) == [clock.now(), clock.now() + timedelta(seconds=3)]

    [invitation] = await deliver(app_database, bea)
    assert invitation.text.startswith("🎉 You are invited to an event:\n<b>Wine salon</b>")
    await bea.click("✍️ Sign up")
    assert bea.last_text().startswith("✅ You have a seat at <b>Wine salon</b>")
    await deliver(app_database, ann)
    error_log.assert_clean()


async def test_without_a_way_to_pay_a_tier_that_pays_is_sent_to_a_counselor_and_a_free_tier_signs_up(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser, FORM.replace("deadline:", "prices: premium=99.00\ndeadline:"))
    payer, _payer_id = await make_client(dp, bot, session, error_log, app_database, 610_000_040, tier="premium")
    free, _free_id = await make_client(dp, bot, session, error_log, app_database, 610_000_041, gender="female")
    await payer.send("/events")
    assert "Price for you: ¥99.00" in payer.last_text() or "Price for you: CN¥99.00" in payer.last_text()
    await payer.click("✍️ Sign up")
    # These settings have no payment provider: the chat cannot take the fee (tests/events/test_events_payment.py
    # pays it).
    assert payer.view.toasts[-1].startswith("This event has a fee for your membership, and this chat cannot take")
    await free.send("/events")
    assert "Free for you" in free.last_text()
    await free.click("✍️ Sign up")
    assert free.last_text().startswith("✅ You have a seat")
    assert len(await signups(app_database)) == 1
    error_log.assert_clean()


async def test_an_organiser_cancels_an_event_and_everyone_signed_up_is_told(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser)
    seated, _seated_id = await make_client(dp, bot, session, error_log, app_database, 610_000_050)
    waiting, _waiting_id = await make_client(dp, bot, session, error_log, app_database, 610_000_051)
    for person in (seated, waiting):
        await person.send("/events")
        await person.click("✍️ Sign up")
    [row] = await events(app_database)
    await organiser.send("/cancelevent")
    assert organiser.last_text().startswith("Send the event's reference after the command")
    await organiser.send("/cancelevent ffffffff")
    assert organiser.last_text() == "No upcoming event has this reference."
    await organiser.send(f"/cancelevent {row.id.hex[:8]}")
    assert organiser.last_text() == "<b>Wine salon</b> is cancelled; 2 clients signed up were told."
    await organiser.send(f"/cancelevent {row.id.hex[:8]}")
    assert organiser.last_text() == "<b>Wine salon</b> was cancelled already."
    for person in (seated, waiting):
        [notice] = await deliver(app_database, person)
        assert notice.text == "😔 We are sorry: <b>Wine salon</b>, Tue 20 Jan, 19:00 (Asia/Shanghai), is cancelled."
    await seated.press(EventButton(act=EventAct.CANCEL, event=row.id.hex).pack())
    assert seated.view.toasts[-1] == "You have no place at this event to give up."
    await seated.send("/events")
    assert seated.last_text().startswith("There are no events for you at the moment.")
    clock.set(datetime(2026, 1, 20, 0, 0, tzinfo=UTC))
    assert (await job_runner(dp, app_database, clock).run_due()).ran == 0  # the reminders were cancelled
    error_log.assert_clean()


async def test_two_clients_pressing_for_the_last_seat_at_once_get_one_seat_and_one_waitlist_place(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ORGANISER)
    await publish(organiser)
    first, first_id = await make_client(dp, bot, session, error_log, app_database, 610_000_060)
    second, second_id = await make_client(dp, bot, session, error_log, app_database, 610_000_061)
    for person in (first, second):
        await person.send("/events")
    await asyncio.gather(first.click("✍️ Sign up"), second.click("✍️ Sign up"))
    rows = await signups(app_database)
    assert sorted(rows[i].state for i in (first_id, second_id)) == ["confirmed", "waitlisted"]
    texts = [first.last_text(), second.last_text()]
    assert sum(t.startswith("✅ You have a seat") for t in texts) == 1
    assert sum("so you are on the waitlist" in t for t in texts) == 1
    error_log.assert_clean()
