"""A new privacy-notice version must be accepted before any client feature works: a client who accepted an
older version gets the notice again on each client command, asks for a counselor in vain, and is kept out of
everyone's suggestions until they accept it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

import pytest

from domain.clock import FakeClock
from domain.consent import NOTICE_VERSION
from handlers.services.matching.hidden import hidden_from_suggestions
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.quality.conftest import CLIENT_ID

NOTICE = f"<b>Privacy notice</b> (version {NOTICE_VERSION})"
OLD_VERSION = "2020-01"


async def _client_with_old_consent(database: Database, clock: FakeClock) -> UUID:
    client = await make_client(database, clock, CLIENT_ID, "Li Wei")
    async with database.unit_of_work() as uow:
        await uow.consents.record(client, OLD_VERSION, now=clock.now() - timedelta(days=400))
    return client


@pytest.mark.parametrize("command", ["/matches", "/profile", "/dates", "/complain", "/block", "/ranking"])
async def test_each_client_command_asks_for_the_new_notice_first(
    command: str, make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await _client_with_old_consent(app_database, clock)
    client = make_user(user_id=CLIENT_ID)
    await client.send(command)
    assert NOTICE in client.last_text()
    assert client.last_buttons()[0] == "I agree, let's begin"


async def test_no_counselor_and_no_suggestions_until_accepted(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    li = await _client_with_old_consent(app_database, clock)
    current = await make_client(app_database, clock, CLIENT_ID + 1, "Wang Fang", gender="female")
    async with app_database.unit_of_work() as uow:
        await uow.consents.record(current, NOTICE_VERSION, now=clock.now())
        assert await hidden_from_suggestions(uow, clock.now()) == {li}
    client = make_user(user_id=CLIENT_ID)
    await client.send("/human")
    assert client.last_text() == (
        "Please send /start first: a counselor can help you once you have agreed to our privacy notice."
    )
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.handoffs.for_client(li) == []
    await client.send("/start")
    await client.click("I agree, let's begin")
    await client.send("/complain")
    assert client.last_text().startswith("What would you like to tell us about?")
    async with app_database.unit_of_work() as uow:
        assert await hidden_from_suggestions(uow, clock.now()) == set()
