"""The organiser's commands used by every role, a client and a visitor: staff who recommend (counselors,
managers, owners) publish and see events and let guests in; other staff are refused with what they are missing;
/events is the client's own list for a client."""

from __future__ import annotations

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage

from domain.clock import FakeClock
from domain.staff import PERMISSIONS, Permission, Role
from handlers.views.events import EventAct, EventButton
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.events.chat import events, make_organiser, publish, signups
from tests.journey_walk import paced
from tests.staff.conftest import add_member

ACTOR_ID = 630_100_100
ACTORS = ["visitor", "client", *[role.value for role in Role]]


COMMANDS = ["/events", "/newevent", "/checkin ABCD2345", "/cancelevent 1a2b3c4d", "/editevent 1a2b3c4d"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("actor", ACTORS)
async def test_events_permission_matrix(
    actor: str,
    command: str,
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    user = paced(dp, bot, session, error_log, user_id=ACTOR_ID)
    if actor == "client":
        async with app_database.unit_of_work() as uow:
            account = await uow.accounts.create("telegram", str(ACTOR_ID), locale="en", now=clock.now())
            await uow.profiles.create(account.id, now=clock.now(), status="active")
    elif actor != "visitor":
        await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")
    calls = await user.send(command)
    texts = [c.text for c in calls if isinstance(c, SendMessage)]
    refused = any(
        t == "Sorry, this is only for the agency's staff." or t.startswith("Sorry, this needs") for t in texts
    )
    role = None if actor in ("visitor", "client") else Role(actor)
    allowed = role is not None and Permission.RECOMMEND in PERMISSIONS[role]
    if allowed:
        expected = {
            "/events": "No upcoming events",
            "/newevent": "🎉 <b>New event</b>",
            "/checkin ABCD2345": "No seat has this code.",
            "/cancelevent 1a2b3c4d": "No upcoming event has this reference.",
            "/editevent 1a2b3c4d": "No upcoming event has this reference.",
        }[command]
        assert not refused and texts and (texts[0] or "").startswith(expected)
    elif actor == "client" and command == "/events":
        assert texts == ["There are no events for you at the moment. We will let you know when there is one."]
    elif actor == "visitor" and command == "/events":
        assert not refused  # the journey resumes: a visitor is asked to start
    else:
        assert refused, texts
    error_log.assert_clean()


async def test_a_staff_member_pressing_a_clients_button_is_not_signed_up(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, ACTOR_ID)
    await publish(organiser)
    [row] = await events(app_database)
    await organiser.press(EventButton(act=EventAct.SIGN_UP, event=row.id.hex).pack())
    assert organiser.view.toasts[-1] == "Your profile is paused or not finished, so you cannot sign up now."
    await organiser.press(EventButton(act=EventAct.QR, event=row.id.hex).pack())
    assert organiser.view.toasts[-1] == "You have no seat at this event."
    assert await signups(app_database) == {}
    error_log.assert_clean()
