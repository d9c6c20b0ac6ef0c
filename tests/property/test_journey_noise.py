"""Random text, media, contacts, old and forged buttons thrown at every step of the journey.

Whatever arrives, the bot must not fail, must answer every update (a message for a message, exactly one
answer for a button) and must not lose an answer: an update may only change the answer to the question that
was current when it arrived.
"""

from __future__ import annotations

import asyncio
import logging
import string
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.types import Contact, Document, Voice
from hypothesis import given
from hypothesis import strategies as st

from bot.app import create_dispatcher
from domain.clock import FakeClock
from domain.intake import ONBOARDING, current_value
from domain.profile import PreferencesData, ProfileData, from_fields
from handlers.services.settings import Settings
from storage.database import Database
from storage.keys import KeyMaterial
from tests.botclient import ErrorLogCapture, RecordingSession, make_bot
from tests.db_fixtures import TEST_BLIND_INDEX_KEY, TEST_MASTER_KEY
from tests.journey_walk import ANSWERS, PacedClient, answer_until, consent

STOPS = [*ANSWERS["en"], None]  # the question to stop at; None: the review


@dataclass(frozen=True)
class Event:
    kind: str
    text: str = ""
    pick: int = 0


EVENTS = st.one_of(
    st.builds(Event, kind=st.just("text"), text=st.text(min_size=1, max_size=80)),
    st.builds(
        Event,
        kind=st.just("text"),
        text=st.sampled_from(["x" * 5000, "字" * 4096, "😀" * 2000, "\u202e" * 10 + "abc", " ", "/start", "/cancel"]),
    ),
    st.sampled_from([Event("sticker"), Event("photo"), Event("voice"), Event("document"), Event("image_file")]),
    st.sampled_from([Event("own_contact"), Event("other_contact")]),
    st.builds(Event, kind=st.just("old_button"), pick=st.integers(min_value=0, max_value=10_000)),
    st.builds(Event, kind=st.just("forged"), text=st.text(alphabet=string.printable, min_size=1, max_size=64)),
)


@dataclass
class App:
    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    clock: FakeClock
    database: Database
    log: ErrorLogCapture
    users: Iterator[int]


Snapshot = tuple[dict[str, Any], list[str]]


async def snapshot(app: App, client: PacedClient) -> Snapshot:
    async with app.database.unit_of_work(read_only=True) as uow:
        account = await uow.accounts.find_by_external("telegram", str(client.user.id))
        assert account is not None, "the account disappeared"
        profile = from_fields(ProfileData, await uow.profiles.get(account.id))
        prefs = from_fields(PreferencesData, await uow.preferences.get(account.id))
        photos = [photo.file_id for photo in await uow.photos.list_for(account.id)]
    return {step.name: current_value(step, profile, prefs) for step in ONBOARDING}, photos


async def current_steps(app: App, client: PacedClient) -> set[str]:
    """The question(s) an update may answer now: the FSM's step and the profile's intake step."""
    key = StorageKey(bot_id=app.bot.id, chat_id=client.chat.id, user_id=client.user.id)
    data = await app.dp.storage.get_data(key)
    steps = {str(data.get("step"))}
    async with app.database.unit_of_work(read_only=True) as uow:
        account = await uow.accounts.find_by_external("telegram", str(client.user.id))
        assert account is not None
        profile = await uow.profiles.get(account.id)
        if profile is not None and profile.intake_step:
            steps.add(profile.intake_step)
    return steps


async def throw(client: PacedClient, event: Event) -> list[TelegramMethod[Any]]:
    acts: dict[str, Callable[[], Awaitable[list[TelegramMethod[Any]]]]] = {
        "text": lambda: client.send(event.text),
        "sticker": client.send_sticker,
        "photo": lambda: client.send_photo("noise-photo"),
        "voice": lambda: client._feed_message(voice=Voice(file_id="v", file_unique_id="v", duration=2)),
        "document": lambda: client._feed_message(document=Document(file_id="d", file_unique_id="d")),
        "image_file": lambda: client._feed_message(
            document=Document(file_id="i", file_unique_id="i", mime_type="image/png")
        ),
        "own_contact": lambda: client.share_contact("+8613800138000"),
        "other_contact": lambda: client._feed_message(
            contact=Contact(phone_number="+8613912345678", first_name="Someone", user_id=1)
        ),
        "forged": lambda: client.press(event.text),
    }
    if event.kind == "old_button":
        newest = max(client.view.messages)
        pool = [
            (message_id, button.text)
            for message_id, shown in client.view.messages.items()
            if message_id != newest and shown.inline is not None
            for row in shown.inline.inline_keyboard
            for button in row
            if button.callback_data
        ]
        if not pool:
            return await client.send_sticker()
        message_id, text = pool[event.pick % len(pool)]
        return await client.click(text, message_id=message_id)
    return await acts[event.kind]()


async def example(app: App, stop: str | None, events: list[Event]) -> None:
    client = PacedClient(app.dp, app.bot, app.session, user_id=next(app.users), log_capture=app.log)
    await consent(client)
    await answer_until(client, stop)
    for event in events:
        before, photos_before = await snapshot(app, client)
        open_steps = await current_steps(app, client)
        calls = await throw(client, event)
        if event.kind in ("old_button", "forged"):
            # BotClient.press checked that the button was answered exactly once.
            assert any(isinstance(call, AnswerCallbackQuery) for call in calls)
        else:
            assert any(not isinstance(call, AnswerCallbackQuery) for call in calls), f"no answer to {event}"
        after, photos_after = await snapshot(app, client)
        changed = {name for name in before if before[name] != after[name]}
        assert changed <= open_steps, f"{event} changed {changed - open_steps} while at {open_steps}"
        if photos_before != photos_after:
            assert "photos" in open_steps, f"{event} changed the photos while at {open_steps}"


@pytest.fixture
def noise_app(tmp_path: Path) -> Iterator[tuple[asyncio.Runner, App]]:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[])
    keys = KeyMaterial([TEST_MASTER_KEY], TEST_BLIND_INDEX_KEY)
    clock = FakeClock()
    log = ErrorLogCapture()
    logging.getLogger().addHandler(log)
    with asyncio.Runner() as runner:
        database = runner.run(Database.open(settings.effective_database_url, keys, clock=clock))
        session = RecordingSession(clock)
        bot = make_bot(session)
        app = App(
            create_dispatcher(settings, database=database, clock=clock),
            bot,
            session,
            clock,
            database,
            log,
            iter(range(500_000_000, 600_000_000)),
        )
        try:
            yield runner, app
        finally:
            runner.run(database.close())
            logging.getLogger().removeHandler(log)


def test_random_input_at_every_step_is_answered_and_loses_nothing(
    noise_app: tuple[asyncio.Runner, App],
) -> None:
    runner, app = noise_app

    @given(stop=st.sampled_from(STOPS), events=st.lists(EVENTS, min_size=1, max_size=6))
    def run(stop: str | None, events: list[Event]) -> None:
        runner.run(example(app, stop, events))

    run()
