"""After the event: each checked-in guest picks whom they would like to see again among the checked-in guests of
the other side; two picks of each other become an introduction (the matching's consent flow); a rating question.
Picking someone who did not come, someone of one's own side, or picking without having come is refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from handlers.views.events import EventPick
from storage.database import Database
from storage.models.events import EventSignupRow
from storage.models.matching import IntroductionRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.events.chat import FORM, job_runner, make_client, make_organiser, publish, signups
from tests.journey_walk import PacedClient
from tests.matching.chat import deliver

STARTS = datetime(2026, 1, 20, 11, 0, tzinfo=UTC)


async def _code(database: Database, person: PacedClient) -> str:
    messages = await deliver(database, person)
    found = re.search(r"<code>([A-Z0-9]{8})</code>", messages[-1].text)
    assert found is not None
    return found.group(1)


async def test_mutual_picks_become_an_introduction_and_the_rest_is_refused(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    organiser = await make_organiser(dp, bot, session, error_log, app_database, 650_000_001)
    await publish(organiser, FORM.replace("capacity: 1/1", "capacity: 2/2"))
    adam, adam_id = await make_client(dp, bot, session, error_log, app_database, 650_000_010, name="Adam")
    ben, ben_id = await make_client(dp, bot, session, error_log, app_database, 650_000_011, name="Ben")
    cora, cora_id = await make_client(
        dp, bot, session, error_log, app_database, 650_000_012, gender="female", name="Cora"
    )
    dina, dina_id = await make_client(
        dp, bot, session, error_log, app_database, 650_000_013, gender="female", name="Dina"
    )
    people = (adam, ben, cora, dina)
    for person in people:
        await person.send("/events")
        await person.click("✍️ Sign up")
    runner = job_runner(dp, app_database, clock)
    clock.set(STARTS - timedelta(hours=2))
    await runner.run_due()  # the 24 h reminder is missed (older than the grace) or sent late: either way a code
    codes = {person.user.id: await _code(app_database, person) for person in people}
    for person in (adam, ben, cora):  # Dina does not come
        await organiser.send(f"/checkin {codes[person.user.id]}")

    clock.set(STARTS + timedelta(hours=4))
    await runner.run_due()
    [adam_picks, adam_rating] = await deliver(app_database, adam)
    assert adam_picks.text.startswith("🙏 Thank you for coming to <b>Wine salon</b>!")
    assert [row[0].text for row in adam_picks.keyboard] == ["Cora"]  # Dina did not come
    assert adam_rating.text == "How was <b>Wine salon</b>?"
    assert await deliver(app_database, dina) == []  # a no-show is not asked
    await deliver(app_database, ben)
    [cora_picks, _cora_rating] = await deliver(app_database, cora)
    assert [row[0].text for row in cora_picks.keyboard] == ["Adam", "Ben"]

    rows = {row.client_id: row for row in (await signups(app_database)).values()}
    await adam.click("Cora")
    assert adam.view.toasts[-1] == "Noted: you would like to see Cora again."
    await adam.click("Cora")
    assert adam.view.toasts[-1] == "You picked Cora already."
    await adam.press(EventPick(signup=rows[dina_id].id.hex).pack())  # forged: Dina did not come
    assert adam.view.toasts[-1] == "This person did not attend the event."
    await adam.press(EventPick(signup=rows[ben_id].id.hex).pack())  # forged: his own side
    assert adam.view.toasts[-1] == "You can pick guests of the other side only."
    await dina.press(EventPick(signup=rows[adam_id].id.hex).pack())
    assert dina.view.toasts[-1] == "Only guests who were checked in at the door can pick."

    await cora.click("Adam")
    assert "💞 You picked each other! Here is your introduction:" in cora.texts()
    async with app_database.unit_of_work(read_only=True) as uow:
        introductions = (await uow.session.scalars(select(IntroductionRow))).all()
    assert len(introductions) == 1 and {introductions[0].first_id, introductions[0].second_id} == {adam_id, cora_id}
    assert any("Cora" in message.text for message in await deliver(app_database, adam))  # the introduction

    await organiser.send("/events")
    assert "Men: 2/2, Women: 2/2" in organiser.last_text()
    assert "Checked in: 3, No-shows: 1, Late cancellations: 0, Picks: 2, Mutual: 1" in organiser.last_text()

    await adam.click("⭐⭐⭐⭐⭐")
    assert adam.view.toasts[-1] == "Thank you for your feedback!"
    await adam.click("⭐⭐⭐⭐⭐")
    assert adam.view.toasts[-1] == "You rated this event already."
    async with app_database.unit_of_work(read_only=True) as uow:
        rating = await uow.session.scalar(select(EventSignupRow.rating).where(EventSignupRow.client_id == adam_id))
    assert rating == 5
    error_log.assert_clean()
