"""A new client whose membership includes a dedicated counselor gets the least loaded counselor, who is alerted
and finds them in /clients; an ordinary (basic) client gets none of their own: the counselors' chat is told and
they reach a counselor through the handoff queue. The card shows the profile and every opening of it is in the
audit log."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from storage.database import Database
from storage.models.delivery import OutboxMessageRow
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.casework.conftest import counselor_of, make_client
from tests.casework.membership import make_member
from tests.journey_walk import LABELS, answer_until, consent, paced, register
from tests.matching.chat import account_of, deliver
from tests.staff.conftest import add_member

ANNA, BEN, CAROL = 700_001, 700_002, 700_003
LI = 5_001


async def test_a_new_basic_client_gets_no_counselor_of_their_own_and_the_counselors_chat_is_told(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    await add_member(app_database, clock, BEN, "counselor", name="Ben")

    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    await register(li, "en")
    li_id = await account_of(app_database, li)

    assert await counselor_of(app_database, li_id) is None  # the ordinary tier: counselors on request
    assert await deliver(app_database, make_user(user_id=ANNA)) == []
    assert await deliver(app_database, make_user(user_id=BEN)) == []
    async with app_database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(OutboxMessageRow).where(OutboxMessageRow.account_id.is_(None)))).all()
        assert len(rows) == 1  # the alert, to the counselors' chat
        assert await uow.case_stages.current(li_id) == "profile_complete"
        actions = [e.action for e in await uow.audit.list_for_subject(li_id)]
    assert "client.registered" in actions and "client.assigned" not in actions


async def test_a_new_client_with_a_dedicated_counselor_goes_to_the_least_loaded_one_who_is_alerted(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    ben = await add_member(app_database, clock, BEN, "counselor", name="Ben")
    await add_member(app_database, clock, CAROL, "counselor", name="Carol", trained=False)
    await make_client(app_database, clock, 9_001, "Busy One", counselor=anna.account_id)

    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    await consent(li, "en")
    await answer_until(li, None, "en")
    li_id = await account_of(app_database, li)
    await make_member(app_database, clock, li_id, "private")  # the tier whose entitlements include one
    await li.click(LABELS["en"].confirm)

    assert await counselor_of(app_database, li_id) == ben.account_id  # Anna has one already, Carol is not ready
    ben_chat = make_user(user_id=BEN)
    (alert,) = await deliver(app_database, ben_chat)
    assert alert.text.startswith("🆕 New client registered: <b>Li Wei</b>")
    assert [[b.text for b in row] for row in alert.keyboard] == [["Open the card"]]
    assert await deliver(app_database, make_user(user_id=ANNA)) == []
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.case_stages.current(li_id) == "profile_complete"
        actions = [e.action for e in await uow.audit.list_for_subject(li_id)]
        assert "client.registered" in actions and "client.assigned" in actions

    await ben_chat.send("/clients")
    listing = ben_chat.last_text()
    assert listing.startswith("<b>Your clients</b> (1)")
    assert "<b>profile complete</b>" in listing
    assert f"Li <code>{li_id.hex[:8]}</code>" in listing  # what Li Wei likes to be called

    await ben_chat.click(f"Li Wei · {li_id.hex[:8]}")
    card = ben_chat.last_text()
    assert card.startswith(f"🗂 <b>Li Wei</b> · <code>{li_id.hex[:8]}</code>")
    assert "Stage: profile complete" in card
    assert "Counselor: Ben" in card
    assert "Software engineer" in card and "Partner preferences" in card
    assert "138" not in card  # counselors do not see contacts
    assert ben_chat.last_buttons()[:3] == ["📌 Stage", "📝 Add a note", "⏰ Follow-up"]
    async with app_database.unit_of_work(read_only=True) as uow:
        opened = [e for e in await uow.audit.list_for_subject(li_id) if e.action == "client.card_opened"]
    assert [e.actor_account_id for e in opened] == [ben.account_id]


async def test_without_a_counselor_the_client_stays_unassigned_and_the_staff_chat_is_told(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
) -> None:
    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    await register(li, "en")
    li_id = await account_of(app_database, li)
    assert await counselor_of(app_database, li_id) is None
    async with app_database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(OutboxMessageRow).where(OutboxMessageRow.account_id.is_(None)))).all()
        assert len(rows) == 1  # the alert, to the counselors' chat
