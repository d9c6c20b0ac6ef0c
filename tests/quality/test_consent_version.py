"""A new privacy-notice version must be accepted before any client feature works: a client who accepted an
older version gets the notice again on each client command and each client button (the button's action does
not happen), asks for a counselor in vain, and is kept out of everyone's suggestions until they accept it; the
data rights keep working meanwhile."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendDocument
from sqlalchemy import delete, select

from bot.commands import menu_commands
from bot.i18n import create_i18n
from domain.clock import FakeClock
from domain.consent import NOTICE_VERSION
from handlers.consent_gate import OPEN_COMMANDS
from handlers.services.matching.hidden import hidden_from_suggestions
from storage.database import Database
from storage.models.accounts import ConsentRow
from storage.models.events import EventSignupRow
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.casework.conftest import make_client
from tests.events.chat import make_organiser, publish
from tests.journey_walk import paced, register
from tests.matching.chat import account_of, deliver
from tests.quality.conftest import CLIENT_ID

NOTICE = f"<b>Privacy notice</b> (version {NOTICE_VERSION})"
AGREE = "I agree, let's begin"
CHANGED = "The privacy notice has changed. Please read the new version."
OLD_VERSION = "2020-01"
WANG_ID, ORGANISER_ID = CLIENT_ID + 1, CLIENT_ID + 2
CLIENT_COMMANDS = [
    "/matches",
    "/dates",
    "/events",
    "/profile",
    "/preferences",
    "/ranking",
    "/membership",
    "/refund",
    "/human",
    "/complain",
    "/block",  # a client command that is not in the menu
]

MakeUser = Callable[..., BotClient]


async def _client_with_old_consent(database: Database, clock: FakeClock) -> UUID:
    client = await make_client(database, clock, CLIENT_ID, "Li Wei")
    async with database.unit_of_work() as uow:
        await uow.consents.record(client, OLD_VERSION, now=clock.now() - timedelta(days=400))
    return client


async def _notice_changed(database: Database, clock: FakeClock, account_id: UUID) -> None:
    """The notice changed since the client accepted it: only an earlier version is on their record."""
    async with database.unit_of_work() as uow:
        await uow.session.execute(delete(ConsentRow).where(ConsentRow.account_id == account_id))
        await uow.consents.record(account_id, OLD_VERSION, now=clock.now() - timedelta(days=400))


def _message_with(client: BotClient, button: str) -> int:
    """The newest message the client sees with this button."""
    for message_id, shown in sorted(client.view.messages.items(), reverse=True):
        if shown.inline and any(b.text == button for row in shown.inline.inline_keyboard for b in row):
            return message_id
    raise AssertionError(f"no message with {button!r}")


def test_the_commands_tried_are_every_client_command_of_the_menu() -> None:
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        menu = {f"/{command.command}" for command in menu_commands()}
    assert menu - {f"/{command}" for command in OPEN_COMMANDS} == set(CLIENT_COMMANDS) - {"/block"}


@pytest.mark.parametrize("command", CLIENT_COMMANDS)
async def test_each_client_command_asks_for_the_new_notice_first(
    command: str, make_user: MakeUser, app_database: Database, clock: FakeClock
) -> None:
    await _client_with_old_consent(app_database, clock)
    client = make_user(user_id=CLIENT_ID)
    await client.send(command)
    assert NOTICE in client.last_text()
    assert client.last_buttons()[0] == AGREE


async def test_the_data_rights_work_on_an_old_consent(
    make_user: MakeUser, app_database: Database, clock: FakeClock
) -> None:
    """docs/privacy.md: a client may always take their data or delete it."""
    await _client_with_old_consent(app_database, clock)
    client = make_user(user_id=CLIENT_ID)
    calls = await client.send("/mydata")
    assert any(isinstance(call, SendDocument) for call in calls)
    await client.send("/delete")
    assert client.last_text().startswith("<b>Delete your data?</b>")
    await client.click("No, keep my data")  # the deletion's buttons work too; then the notice, as everywhere
    assert client.last_text().startswith("Good: nothing was deleted.")
    await client.send("/help")
    assert NOTICE not in client.last_text()


# --- buttons: each brings a client who accepted the current notice to the button; the notice then changes -------
@dataclass(frozen=True)
class Scene:
    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    error_log: ErrorLogCapture
    database: Database
    clock: FakeClock

    def user(self, user_id: int, language_code: str = "en") -> BotClient:
        return paced(self.dp, self.bot, self.session, self.error_log, user_id=user_id, language_code=language_code)


@dataclass(frozen=True)
class ButtonCase:
    button: str
    # brings the client to the button; returns them and their account
    arrange: Callable[[Scene], Awaitable[tuple[BotClient, UUID]]]
    # whether the button's action happened (the row it writes)
    happened: Callable[[Database, UUID], Awaitable[bool]]


async def _two_who_fit(scene: Scene) -> tuple[BotClient, BotClient]:
    """Li Wei (English) and Wang Fang (Chinese), registered through the journey: each fits the other."""
    li, wang = scene.user(CLIENT_ID), scene.user(WANG_ID, "zh")
    await register(li, "en")
    await register(wang, "zh")
    return li, wang


async def _card(scene: Scene) -> tuple[BotClient, UUID]:
    li, _wang = await _two_who_fit(scene)
    await li.send("/matches")
    return li, await account_of(scene.database, li)


async def _introduction(scene: Scene) -> tuple[BotClient, UUID]:
    li, wang = await _two_who_fit(scene)
    await li.send("/matches")
    await li.click("💚 Interested")
    await wang.send("/matches")
    await wang.click("💚 感兴趣")
    await deliver(scene.database, li)  # "It's a match!" with the contact buttons
    return li, await account_of(scene.database, li)


async def _event(scene: Scene) -> tuple[BotClient, UUID]:
    database, clock = scene.database, scene.clock
    await publish(await make_organiser(scene.dp, scene.bot, scene.session, scene.error_log, database, ORGANISER_ID))
    account_id = await make_client(database, clock, CLIENT_ID, "Li Wei")
    async with database.unit_of_work() as uow:
        await uow.profiles.update(account_id, now=clock.now(), birth_year=1996, region_code="310100", tier="basic")
        await uow.consents.record(account_id, NOTICE_VERSION, now=clock.now())
    client = scene.user(CLIENT_ID)
    await client.send("/events")
    return client, account_id


async def _answered(database: Database, account_id: UUID) -> bool:
    async with database.unit_of_work(read_only=True) as uow:
        return any(s.decision is not None for s in await uow.suggestions.list_for_asker(account_id))


async def _shared(database: Database, account_id: UUID) -> bool:
    async with database.unit_of_work(read_only=True) as uow:
        return any(i.shares(account_id) for i in await uow.introductions.list_for(account_id))


async def _signed_up(database: Database, account_id: UUID) -> bool:
    async with database.unit_of_work(read_only=True) as uow:
        row = await uow.session.scalar(select(EventSignupRow.id).where(EventSignupRow.client_id == account_id))
        return row is not None


BUTTONS = [
    ButtonCase("💚 Interested", _card, _answered),
    ButtonCase("Pass", _card, _answered),
    ButtonCase("🤝 Share my contact", _introduction, _shared),
    ButtonCase("✍️ Sign up", _event, _signed_up),
]


@pytest.mark.parametrize("case", BUTTONS, ids=lambda case: case.button)
async def test_each_client_button_asks_for_the_new_notice_first(
    case: ButtonCase,
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    client, account_id = await case.arrange(Scene(dp, bot, session, error_log, app_database, clock))
    pressed = _message_with(client, case.button)
    await _notice_changed(app_database, clock, account_id)

    await client.click(case.button, message_id=pressed)  # answered exactly once (BotClient.press checks)
    assert client.view.toasts[-1] == CHANGED
    assert NOTICE in client.last_text() and client.last_buttons()[0] == AGREE
    assert not await case.happened(app_database, account_id)

    await client.click(AGREE)
    await client.click(case.button, message_id=pressed)
    assert client.view.toasts[-1] != CHANGED
    assert await case.happened(app_database, account_id)


async def test_no_counselor_and_no_suggestions_until_accepted(
    make_user: MakeUser, app_database: Database, clock: FakeClock
) -> None:
    li = await _client_with_old_consent(app_database, clock)
    current = await make_client(app_database, clock, CLIENT_ID + 1, "Wang Fang", gender="female")
    async with app_database.unit_of_work() as uow:
        await uow.consents.record(current, NOTICE_VERSION, now=clock.now())
        assert await hidden_from_suggestions(uow, clock.now()) == {li}
    client = make_user(user_id=CLIENT_ID)
    await client.send("/human")
    assert NOTICE in client.last_text()
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.handoffs.for_client(li) == []
    await client.send("/start")
    await client.click(AGREE)
    await client.send("/complain")
    assert client.last_text().startswith("What would you like to tell us about?")
    async with app_database.unit_of_work() as uow:
        assert await hidden_from_suggestions(uow, clock.now()) == set()
