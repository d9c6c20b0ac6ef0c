"""Random commands, buttons (current, old and forged) and text thrown at a registered client's suggestions,
introductions and reports. Whatever arrives: no failure, an answer to every update (exactly one answer to a
button), no change to the client's profile, and nothing decided on anyone else's behalf."""

from __future__ import annotations

import asyncio
import logging
import string
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from aiogram.methods import AnswerCallbackQuery
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import create_dispatcher
from domain.clock import FakeClock
from domain.demo import demo_people
from handlers.services.settings import Settings
from storage.database import Database
from storage.demo_pool import seed_demo
from storage.keys import KeyMaterial
from storage.models.matching import SuggestionRow
from tests.botclient import ErrorLogCapture, RecordingSession, make_bot
from tests.db_fixtures import TEST_BLIND_INDEX_KEY, TEST_MASTER_KEY
from tests.journey_walk import PacedClient, register
from tests.property.test_journey_noise import App, Event, snapshot, throw

BUTTONS = ["💚 Interested", "Pass", "⚠️ Report", "« Back", "Fake profile", "Something else…", "🤝 Share my contact",
           "Not this time", "💘 My suggestions", "💘 See my suggestions"]  # fmt: skip

MATCH_EVENTS = st.one_of(
    st.builds(Event, kind=st.just("text"), text=st.sampled_from(["/matches", "/cancel", "/profile", "/start"])),
    st.builds(Event, kind=st.just("text"), text=st.text(min_size=1, max_size=40)),
    st.builds(Event, kind=st.just("text"), text=st.sampled_from(["x" * 5000, "😀" * 2000, " "])),
    st.builds(Event, kind=st.just("button"), text=st.sampled_from(BUTTONS)),
    st.builds(Event, kind=st.just("old_button"), pick=st.integers(min_value=0, max_value=10_000)),
    st.sampled_from([Event("sticker"), Event("photo")]),
    st.builds(
        Event,
        kind=st.just("forged"),
        text=st.one_of(
            st.sampled_from(["match:yes:", "match:no:", "rep:other:", "intro:share:", "intro:decline:"]).map(
                lambda prefix: prefix + uuid4().hex
            ),
            st.text(alphabet=string.printable, min_size=1, max_size=64),
        ),
    ),
)


async def decisions_of_others(app: App, mine: set[str]) -> dict[str, str | None]:
    """Other people's answers to their suggestions, by suggestion id."""
    async with app.database.unit_of_work(read_only=True) as uow:
        query = select(SuggestionRow.id, SuggestionRow.asker_id, SuggestionRow.decision)
        rows = (await uow.session.execute(query)).all()
    return {str(row_id): decision for row_id, asker, decision in rows if str(asker) not in mine}


async def example(app: App, events: list[Event]) -> None:
    client = PacedClient(app.dp, app.bot, app.session, user_id=next(app.users), log_capture=app.log)
    await register(client)
    async with app.database.unit_of_work(read_only=True) as uow:
        account = await uow.accounts.find_by_external("telegram", str(client.user.id))
        assert account is not None
    mine = {str(account.id)}
    profile_before = await snapshot(app, client)
    others_before = await decisions_of_others(app, mine)
    await client.send("/matches")
    for event in events:
        if event.kind == "button":
            labels = {b.text for m in client.view.messages.values() if m.inline for row in m.inline.inline_keyboard
                      for b in row}  # fmt: skip
            calls = await (client.click(event.text) if event.text in labels else client.send_sticker())
        else:
            calls = await throw(client, event)
        if event.kind in ("old_button", "forged") or (event.kind == "button" and calls and
                                                        isinstance(calls[0], AnswerCallbackQuery)):  # fmt: skip
            assert any(isinstance(call, AnswerCallbackQuery) for call in calls)
        else:
            assert any(not isinstance(call, AnswerCallbackQuery) for call in calls), f"no answer to {event}"
    assert await snapshot(app, client) == profile_before
    others_after = await decisions_of_others(app, mine)
    assert {row: others_after.get(row) for row in others_before} == others_before  # new rows may be queued


@pytest.fixture
def matching_app(tmp_path: Path) -> Iterator[tuple[asyncio.Runner, App]]:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[])
    keys = KeyMaterial([TEST_MASTER_KEY], TEST_BLIND_INDEX_KEY)
    clock = FakeClock()
    log = ErrorLogCapture()
    logging.getLogger().addHandler(log)
    with asyncio.Runner() as runner:
        database = runner.run(Database.open(settings.effective_database_url, keys, clock=clock))

        async def seed() -> None:
            async with database.unit_of_work() as uow:
                await seed_demo(uow, demo_people(200, today=clock.now().date()), clock.now())

        runner.run(seed())
        session = RecordingSession(clock)
        app = App(
            create_dispatcher(settings, database=database, clock=clock),
            make_bot(session),
            session,
            clock,
            database,
            log,
            iter(range(600_000_000, 700_000_000)),
        )
        try:
            yield runner, app
        finally:
            runner.run(database.close())
            logging.getLogger().removeHandler(log)


def test_random_actions_on_suggestions_are_answered_and_touch_nothing_else(
    matching_app: tuple[asyncio.Runner, App],
) -> None:
    runner, app = matching_app

    @given(events=st.lists(MATCH_EVENTS, min_size=1, max_size=10))
    def run(events: list[Event]) -> None:
        runner.run(example(app, events))

    run()
